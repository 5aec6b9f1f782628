"""Layers: each function returns an Altair chart you can combine with ``+ | &``."""

from vegafigs.layers._encode import series_legend
from vegafigs.layers.axes import set_axis
from vegafigs.layers.bands import band
from vegafigs.layers.bars import bars
from vegafigs.layers.histogram import histogram
from vegafigs.layers.labels import value_labels
from vegafigs.layers.lines import line, points
from vegafigs.layers.paths import segment_paths
from vegafigs.layers.rules import hline
from vegafigs.layers.text import stats_box
from vegafigs.layers.trend import trend_line

__all__ = [
    "band",
    "bars",
    "histogram",
    "hline",
    "line",
    "points",
    "segment_paths",
    "series_legend",
    "set_axis",
    "stats_box",
    "trend_line",
    "value_labels",
]
