"""Transforms: small pure functions that accept and return DataFrames."""

from vegafigs.transforms.bands import band, rolling_band
from vegafigs.transforms.downsample import downsample
from vegafigs.transforms.smoothing import ema, gaussian, parse_smooth, rolling, smooth, twema
from vegafigs.transforms.stats import histogram_bins, summary_stats

__all__ = [
    "band",
    "downsample",
    "ema",
    "gaussian",
    "histogram_bins",
    "parse_smooth",
    "rolling",
    "rolling_band",
    "smooth",
    "summary_stats",
    "twema",
]
