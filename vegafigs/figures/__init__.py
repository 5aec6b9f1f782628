"""Figure functions: one call per paper figure, composed from :mod:`vegafigs.layers`."""

from vegafigs.figures.histograms import metric_histograms
from vegafigs.figures.kl_spaghetti import KLSpaghetti, kl_spaghetti

__all__ = ["KLSpaghetti", "kl_spaghetti", "metric_histograms"]
