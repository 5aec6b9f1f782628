"""Figure functions: one call per paper figure, composed from :mod:`vegafigs.layers`."""

from vegafigs.figures.bar_trend import bar_trend
from vegafigs.figures.histograms import metric_histograms
from vegafigs.figures.scaling import scaling_curves

__all__ = ["bar_trend", "metric_histograms", "scaling_curves"]
