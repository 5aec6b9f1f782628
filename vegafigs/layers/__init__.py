"""Layers: each function returns an Altair chart you can combine with ``+ | &``."""

from vegafigs.layers.histogram import histogram
from vegafigs.layers.text import stats_box

__all__ = ["histogram", "stats_box"]
