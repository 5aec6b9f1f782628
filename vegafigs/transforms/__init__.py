"""Transforms: small pure functions that accept and return DataFrames."""

from vegafigs.transforms.bands import band, rolling_band
from vegafigs.transforms.downsample import downsample
from vegafigs.transforms.kl import kl_alive_summary, kl_median, kl_states, rolling_mean_edge
from vegafigs.transforms.labels import label_offsets
from vegafigs.transforms.smoothing import ema, gaussian, parse_smooth, rolling, smooth, twema
from vegafigs.transforms.states import alive_mask, simplify_paths, state_runs
from vegafigs.transforms.stats import histogram_bins, summary_stats

__all__ = [
    "alive_mask",
    "band",
    "downsample",
    "ema",
    "gaussian",
    "histogram_bins",
    "kl_alive_summary",
    "kl_median",
    "kl_states",
    "label_offsets",
    "parse_smooth",
    "rolling",
    "rolling_band",
    "rolling_mean_edge",
    "simplify_paths",
    "smooth",
    "state_runs",
    "summary_stats",
    "twema",
]
