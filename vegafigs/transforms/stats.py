"""Summary statistics and histogram bins (frame in, frame out).

Statistics are computed here, apart from drawing, so a figure's numbers can be
checked, reused or replaced by the values quoted in a paper.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from vegafigs._checks import (
    require_columns,
    require_finite,
    require_frame,
    require_no_missing,
    require_numeric,
    require_positive,
)
from vegafigs._precision import drawable, padded, require_magnitude
from vegafigs.errors import InputError
from vegafigs.frames import takes_frames

#: Most bins a histogram may have (more is a typo, and would exhaust memory).
MAX_BINS = 10_000
#: Fewest float steps (ulps) a bin must span to be drawn and counted apart from its neighbours.
BIN_ULPS = 16


def _group_keys(df: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    """The ``by`` columns (present), checked without missing values (else :class:`InputError`)."""
    keys = [by] if isinstance(by, str) else list(by or [])
    for key in keys:
        require_no_missing(df, key)
    return keys


def _groups(df: pd.DataFrame, keys: list[str]):
    if not keys:
        yield {}, df
        return
    for key, part in df.groupby(keys, sort=False, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        yield dict(zip(keys, key, strict=True)), part


@takes_frames("df")
def summary_stats(
    df: pd.DataFrame, *, value: str, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Max, min, mean and count of ``value`` (per group of ``by``).

    NaN/±inf values are left out with a warning counting them; a missing
    (NaN/None) ``by`` value, a group with no finite value, non-numeric values or
    values beyond ±1e300 (whose sums overflow) are an
    :class:`~vegafigs.InputError`.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        The values, one row each, with the columns ``value`` and ``by``.
    value : str
        Column of the values summarised (numeric; numeric text accepted).
    by : str or sequence of str, optional
        Column(s) of the groups summarised apart, in order of first appearance,
        without missing values (a row with a NaN/None group is an
        ``InputError`` counting them, never left out); default ``None``: one
        summary of all rows.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, then ``max``, ``min``, ``mean`` and
        ``count`` (number of finite values).

    Examples
    --------
    >>> summary_stats(pd.DataFrame({"v": [1.0, 2.0, 6.0]}), value="v")
       max  min  mean  count
    0  6.0  1.0   3.0      3
    """
    require_frame(df)
    require_columns(df, [value, *([by] if isinstance(by, str) else list(by or []))])
    keys = _group_keys(df, by)
    values = require_numeric(df, value)
    require_magnitude(values, column=value)
    _warn_nonfinite(values, value, "summary_stats")
    rows = []
    for key, part in _groups(df.assign(**{value: values}), keys):
        v = part[value].to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        if v.size == 0:
            raise InputError(f"column {value!r}: no finite values{_where(key)}")
        rows.append({**key, "max": v.max(), "min": v.min(), "mean": v.mean(), "count": v.size})
    return pd.DataFrame(rows)


def _warn_nonfinite(values: pd.Series, column: str, func: str) -> None:
    dropped = int((~np.isfinite(values.to_numpy(dtype=float))).sum())
    if dropped:
        warnings.warn(
            f"{func}: left out {dropped} NaN or infinite value(s) of column {column!r}",
            stacklevel=3,
        )


def _where(key: dict) -> str:
    return (" for " + ", ".join(f"{k}={v!r}" for k, v in key.items())) if key else ""


@takes_frames("df")
def histogram_bins(
    df: pd.DataFrame,
    *,
    value: str,
    bins: int = 25,
    by: str | Sequence[str] | None = None,
    extent: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Equal-width bins over the data's range (as ``numpy.histogram``), per group.

    Returns one row per bin: ``bin_start``, ``bin_end``, ``count`` (the last bin
    is closed on the right, so the maximum is counted). All-equal values get one
    unit-wide range around the value (as numpy; ±10% of it where ±0.5 is below
    the value's precision), and so do values too close to draw apart (1 ulp or
    1e-300 apart: see :mod:`vegafigs._precision`). NaN/±inf values are left out
    with a warning counting them; values beyond ±1e300 cannot be binned, and a
    missing (NaN/None) ``by`` value and bad ``bins`` / ``extent`` values (see
    below) are an :class:`~vegafigs.InputError`.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        The values, one row each, with the columns ``value`` and ``by``.
    value : str
        Column of the values binned (numeric; numeric text accepted).
    bins : int, optional
        Number of equal-width bins (an integer in 1..10000, default 25). Each
        bin must be wide enough to tell its edges apart (16 float steps).
    by : str or sequence of str, optional
        Column(s) of the groups binned apart, in order of first appearance,
        without missing values (a row with a NaN/None group is an
        ``InputError`` counting them, never left out); default ``None``: one
        histogram of all rows. Without ``extent`` every group's bins span that
        group's own range.
    extent : tuple of float, optional
        ``(low, high)`` the bins span for every group (two finite numbers,
        low < high, not too narrow to draw); values outside it are not counted.
        Default ``None``: each group's min..max (widened when flat, see above).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``bin_start``, ``bin_end`` and ``count``: ``bins``
        rows per group.

    Examples
    --------
    >>> histogram_bins(pd.DataFrame({"v": [0.0, 1.0, 1.0, 2.0]}), value="v", bins=2)
       bin_start  bin_end  count
    0        0.0      1.0      1
    1        1.0      2.0      3
    """
    require_frame(df)
    require_positive(bins, param="bins", integer=True)
    if bins > MAX_BINS:
        raise InputError(f"bins: expected at most {MAX_BINS}, got {bins!r}")
    if extent is not None:
        if isinstance(extent, str) or len(extent) != 2:
            raise InputError(f"extent: expected (low, high), got {extent!r}")
        lo = require_finite(extent[0], param="extent")
        hi = require_finite(extent[1], param="extent")
        if not lo < hi:
            raise InputError(f"extent: expected low < high, got {extent!r}")
        extent = (lo, hi)
    require_columns(df, [value, *([by] if isinstance(by, str) else list(by or []))])
    keys = _group_keys(df, by)
    values = require_numeric(df, value)
    require_magnitude(values, column=value)
    _warn_nonfinite(values, value, "histogram_bins")
    frames = []
    for key, part in _groups(df.assign(**{value: values}), keys):
        v = part[value].to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        if v.size == 0:
            raise InputError(f"column {value!r}: no finite values to bin{_where(key)}")
        lo, hi = extent if extent is not None else padded(float(v.min()), float(v.max()), pad=0.5)
        edges = _bin_edges(lo, hi, int(bins), given=extent is not None)
        counts, _ = np.histogram(v, bins=edges)
        frame = pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts})
        for k, val in reversed(list(key.items())):
            frame.insert(0, k, val)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _bin_edges(lo: float, hi: float, bins: int, *, given: bool) -> np.ndarray:
    """``bins + 1`` increasing edges over ``lo`` .. ``hi`` (an :class:`InputError` if too narrow).

    ``given``: the range is the caller's ``extent`` (named in the error).
    """
    if given and not drawable(lo, hi):
        raise InputError(
            f"extent: ({lo!r}, {hi!r}) is too narrow to draw (its width is below 1e-12 of its "
            "values); give a wider extent"
        )
    edges = np.linspace(lo, hi, bins + 1)
    # Edges a few ulps apart would be drawn (and counted) at one position.
    if np.any(np.diff(edges) < BIN_ULPS * np.spacing(np.abs(edges[1:]))):
        raise InputError(
            f"bins: {bins} bins over {lo:.17g} .. {hi:.17g} are too narrow to tell their edges "
            f"apart (a bin must span {BIN_ULPS} steps of float precision); use fewer bins"
        )
    return edges
