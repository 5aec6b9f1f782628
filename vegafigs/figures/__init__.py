"""Figure functions: one call per paper figure, composed from :mod:`vegafigs.layers`."""

from vegafigs.figures.bar_trend import bar_trend
from vegafigs.figures.histograms import metric_histograms
from vegafigs.figures.kl_spaghetti import kl_spaghetti
from vegafigs.figures.reward_length import reward_length
from vegafigs.figures.scaling import scaling_curves
from vegafigs.figures.training import training_curves

__all__ = [
    "bar_trend",
    "kl_spaghetti",
    "metric_histograms",
    "reward_length",
    "scaling_curves",
    "training_curves",
]
