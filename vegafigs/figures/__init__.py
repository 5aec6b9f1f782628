"""Figure functions: one call per paper figure, composed from :mod:`vegafigs.layers`."""

from vegafigs.figures.bar_trend import bar_trend
from vegafigs.figures.histograms import metric_histograms
from vegafigs.figures.kl_spaghetti import KLSpaghetti, kl_spaghetti
from vegafigs.figures.scaling import scaling_curves

__all__ = ["KLSpaghetti", "bar_trend", "kl_spaghetti", "metric_histograms", "scaling_curves"]
