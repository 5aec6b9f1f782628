"""Figure functions: one call per paper figure, composed from :mod:`vegafigs.layers`."""

from vegafigs.figures.histograms import metric_histograms
from vegafigs.figures.reward_length import reward_length
from vegafigs.figures.training import training_curves

__all__ = ["metric_histograms", "reward_length", "training_curves"]
