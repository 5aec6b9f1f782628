"""Transforms: small pure functions that accept and return DataFrames."""

from vegafigs.transforms.labels import label_offsets
from vegafigs.transforms.stats import histogram_bins, summary_stats

__all__ = ["histogram_bins", "label_offsets", "summary_stats"]
