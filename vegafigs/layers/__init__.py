"""Layers: each function returns an Altair chart you can combine with ``+ | &``."""

from vegafigs.layers.bands import band
from vegafigs.layers.histogram import histogram
from vegafigs.layers.lines import line, points
from vegafigs.layers.paths import segment_paths
from vegafigs.layers.rules import hline
from vegafigs.layers.text import stats_box

__all__ = ["band", "histogram", "hline", "line", "points", "segment_paths", "stats_box"]
