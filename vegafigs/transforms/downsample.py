"""Pixel-preserving downsampling of long series: M4 (Jugel et al., VLDB 2014).

A line drawn into ``width_px`` pixel columns is fully determined, column by
column, by the first, last, minimum and maximum point falling into each column:
every other point lies on a segment between those (vertically within the
column's min..max span). Keeping only those four rows per column (M4) gives the
same rasterised line from at most ``4 * width_px`` points per series.

Pixel columns split the x domain ``[x0, x1]`` into ``width_px`` equal bins;
column ``k`` holds the points with ``e_k < x <= e_{k+1}`` (``e_k = x0 + k (x1 - x0) /
width_px``; the first column also holds ``x0``) — the binning of the
``tsdownsample`` package, which does the work in Rust when a series spans the
whole domain. Series shorter than the domain (e.g. a run that stopped early)
are reduced by the same rule in numpy, aligned to the plot's columns: the
package bins every series over its own first..last x, which would not line up
with the plot's pixels.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from vegafigs._checks import require_choice, require_range
from vegafigs.errors import InputError
from vegafigs.frames import takes_frames
from vegafigs.transforms._groups import by_list, group_slices, sorted_frame

#: A series is reduced only when it has more points than this many per pixel column.
POINTS_PER_COLUMN = 4


def pixel_columns(xs: np.ndarray, x0: float, x1: float, width_px: int) -> np.ndarray:
    """The pixel column (0 .. width_px - 1) of each x, by the rule in the module doc."""
    if x1 <= x0:
        return np.zeros(xs.size, dtype=np.int64)
    edges = np.linspace(x0, x1, width_px + 1)
    return np.clip(np.searchsorted(edges, xs, side="left") - 1, 0, width_px - 1)


def m4_indices(xs: np.ndarray, ys: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Indices of the first, last, min and max point per column (``xs`` sorted)."""
    n = xs.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.diff(cols, prepend=cols[0] - 1))
    stops = np.append(starts[1:], n)
    seg = np.repeat(np.arange(starts.size), stops - starts)
    seg_min = np.minimum.reduceat(ys, starts)
    seg_max = np.maximum.reduceat(ys, starts)
    pick = np.zeros(n, dtype=bool)
    pick[starts] = True
    pick[stops - 1] = True
    for target in (seg_min, seg_max):
        hits = np.flatnonzero(ys == target[seg])
        _, first = np.unique(seg[hits], return_index=True)
        pick[hits[first]] = True
    return np.flatnonzero(pick)


def _tsdownsample_indices(xs: np.ndarray, ys: np.ndarray, width_px: int) -> np.ndarray | None:
    try:
        from tsdownsample import M4Downsampler
    except ImportError:  # pragma: no cover - a base dependency
        return None
    if width_px < 2:
        return None
    idx = M4Downsampler().downsample(xs, np.ascontiguousarray(ys), n_out=4 * width_px)
    return np.unique(np.asarray(idx, dtype=np.int64))


@takes_frames("df")
def downsample(
    df: pd.DataFrame,
    *,
    x: str,
    y: str | Sequence[str],
    width_px: int,
    by: str | Sequence[str] | None = None,
    x_domain: tuple[float, float] | None = None,
    engine: str = "auto",
    min_points: int | None = None,
) -> pd.DataFrame:
    """Rows of ``df`` that draw the same picture at ``width_px`` pixel columns (M4).

    Per ``by`` series, sorted by ``x``: for every column in ``y`` (e.g. a line
    and its band's ``lower`` / ``upper``), the first, last, min and max row of
    each pixel column over ``x_domain`` are kept; the result is the union of
    those rows, sorted by ``[*by, x]``. A series with at most ``min_points`` rows
    is kept whole. Rows with a non-finite x or y are dropped (a line skips them
    anyway) with a ``UserWarning`` giving the count; none left is an
    :class:`~vegafigs.InputError`.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        The rows to reduce: the columns ``x``, ``y`` and ``by``; every column is
        carried over to the kept rows.
    x : str
        Column of the x positions (numeric) the pixel columns split. See
        :term:`x`.
    y : str or sequence of str
        Column(s) whose drawn lines must not change (at least one); a row is kept
        when it is the first, last, min or max of its pixel column for any of
        them. See :term:`y`.
    width_px : int
        Number of pixel columns the x domain is drawn into (a positive integer):
        the plot's width in pt × dpi / 72 for an image rendered at ``dpi``.
    by : str or sequence of str, optional
        Column(s) of the series (e.g. run, method) reduced on their own; default
        ``None``: one series.
    x_domain : tuple of float, optional
        ``(min, max)`` of the x axis the pixel columns split (finite,
        min < max); default ``None``: the x extent of all rows (after dropping
        non-finite ones). Give the axis' domain so the columns line up with the
        plot's pixels. See :term:`x_domain`.
    engine : {"auto", "numpy", "tsdownsample"}, optional
        Which implementation picks the rows (default ``"auto"``): the
        ``tsdownsample`` package (Rust) for a series that spans the whole domain
        and numpy otherwise. ``"numpy"`` always uses numpy. ``"tsdownsample"``
        follows the same rule as ``"auto"`` (the package is never used for a
        series shorter than the domain, whose bins would not line up with the
        plot's columns). All give the same picture.
    min_points : int, optional
        Series with at most this many rows are kept whole (an integer >= 0;
        0 reduces every series); default ``None``: ``4 * width_px`` (M4 keeps at
        most four rows per pixel column and ``y`` column).

    Returns
    -------
    pandas.DataFrame
        The kept rows (a subset of ``df``'s rows with all its columns; numeric
        text in ``x`` / ``y`` converted to float), sorted by ``[*by, x]``, with a
        fresh index. A reduced series keeps at most ``4 * width_px`` rows per
        column of ``y``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> steps = np.arange(100_000)
    >>> df = pd.DataFrame({"run": "a", "step": steps, "reward": np.sin(steps / 500)})
    >>> small = downsample(df, x="step", y="reward", width_px=1500, by="run")
    >>> len(small) <= 4 * 1500
    True
    """
    ys = [y] if isinstance(y, str) else list(y)
    _check_downsample_args(ys, width_px=width_px, engine=engine, min_points=min_points)
    data, keys = sorted_frame(df, x=x, numeric=ys, by=by)
    data = _finite_rows(data, x=x, ys=ys)
    xs_all = data[x].to_numpy(dtype=float)
    if x_domain is None:
        x0, x1 = float(xs_all.min()), float(xs_all.max())
    else:
        x0, x1 = require_range(x_domain, param="x_domain")
    limit = POINTS_PER_COLUMN * int(width_px) if min_points is None else int(min_points)
    keep: list[np.ndarray] = []
    for sl in group_slices(data, keys):
        start = sl.start or 0
        xs = xs_all[sl]
        if xs.size <= limit:
            keep.append(np.arange(start, sl.stop))
            continue
        values = [data[col].to_numpy(dtype=float)[sl] for col in ys]
        picked = _series_indices(xs, values, (x0, x1), width_px=int(width_px), engine=engine)
        keep.append(start + picked)
    rows = np.concatenate(keep)
    out = data.iloc[rows].reset_index(drop=True)
    return out


def _check_downsample_args(
    ys: list[str], *, width_px: object, engine: str, min_points: object
) -> None:
    if not ys:
        raise InputError("y: give at least one column to preserve")
    if isinstance(width_px, bool) or not isinstance(width_px, (int, np.integer)) or width_px < 1:
        raise InputError(f"width_px: expected a positive integer, got {width_px!r}")
    require_choice(engine, ["auto", "numpy", "tsdownsample"], param="engine")
    if min_points is not None and (
        isinstance(min_points, bool)
        or not isinstance(min_points, (int, np.integer))
        or min_points < 0
    ):
        raise InputError(f"min_points: expected an integer >= 0, got {min_points!r}")


def _finite_rows(data: pd.DataFrame, *, x: str, ys: list[str]) -> pd.DataFrame:
    """``data`` without rows whose ``x`` or a ``ys`` value is not finite (warns with the count)."""
    finite = np.isfinite(data[x].to_numpy())
    for col in ys:
        finite &= np.isfinite(data[col].to_numpy())
    dropped = int((~finite).sum())
    data = data[finite].reset_index(drop=True)
    if data.empty:
        raise InputError(f"downsample: no rows with finite {x!r} and {ys}")
    if dropped:
        # stacklevel 3: the warning points at downsample's caller
        warnings.warn(
            f"downsample: dropped {dropped} row(s) with NaN or infinite values in "
            f"{', '.join(map(repr, [x, *ys]))}",
            stacklevel=3,
        )
    return data


def _series_indices(
    xs: np.ndarray,
    values: list[np.ndarray],
    domain: tuple[float, float],
    *,
    width_px: int,
    engine: str,
) -> np.ndarray:
    """Sorted indices (into one series' ``xs``) that M4 keeps for any of ``values``."""
    x0, x1 = domain
    spans = xs[0] == x0 and xs[-1] == x1
    use_ts = engine == "tsdownsample" or (engine == "auto" and spans)
    cols = None
    picked: list[np.ndarray] = []
    for vals in values:
        idx = _tsdownsample_indices(xs, vals, width_px) if use_ts and spans else None
        if idx is None:
            if cols is None:
                cols = pixel_columns(xs, x0, x1, width_px)
            idx = m4_indices(xs, vals, cols)
        picked.append(idx)
    return np.unique(np.concatenate(picked))


@takes_frames("df")
def needs_downsampling(df: pd.DataFrame, *, by: str | Sequence[str] | None, width_px: int) -> bool:
    """True when some ``by`` series has more than ``4 * width_px`` rows."""
    keys = by_list(by)
    sizes = df.groupby(keys, sort=False).size() if keys else pd.Series([len(df)])
    return bool((sizes > POINTS_PER_COLUMN * width_px).any())
