"""Transforms: small pure functions that accept and return DataFrames."""

from vegafigs.transforms.kl import kl_alive_summary, kl_median, kl_states, rolling_mean_edge
from vegafigs.transforms.labels import label_offsets
from vegafigs.transforms.states import alive_mask, simplify_paths, state_runs
from vegafigs.transforms.stats import histogram_bins, summary_stats

__all__ = [
    "alive_mask",
    "histogram_bins",
    "kl_alive_summary",
    "kl_median",
    "kl_states",
    "label_offsets",
    "rolling_mean_edge",
    "simplify_paths",
    "state_runs",
    "summary_stats",
]
