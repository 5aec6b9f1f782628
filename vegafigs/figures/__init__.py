"""Figure functions: one call per paper figure, composed from :mod:`vegafigs.layers`."""

from vegafigs.figures.histograms import metric_histograms

__all__ = ["metric_histograms"]
