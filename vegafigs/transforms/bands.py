"""Bands around a curve: across runs / seeds per step (:func:`band`), or along one run
(:func:`rolling_band`).

Kinds (``kind=``):

* ``"std"``: centre = mean, band = mean ± sample std (``ddof=1``; 0 for one run);
* ``"ci95"``: mean ± 1.96 · std / sqrt(n) (normal approximation);
* ``"ci95-boot"``: mean with a percentile bootstrap 95% CI of the mean (``n_boot``
  resamples of the runs, seeded by ``seed``);
* ``"qLO-HI"``, e.g. ``"q10-90"``: centre = median, band = the LO% and HI% quantiles
  (linear interpolation between order statistics, numpy's default).

Outputs carry the centre in ``y``, the band in ``lower`` / ``upper`` and the number of
values behind each row in ``n``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from vegafigs._checks import require_choice, require_no_missing
from vegafigs.errors import InputError
from vegafigs.frames import takes_frames
from vegafigs.transforms._groups import group_slices, sorted_frame

Z95 = 1.959963984540054
_QUANTILES = re.compile(r"^q(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$")


def parse_kind(kind: str) -> tuple[str, tuple[float, float] | None]:
    """``"std"`` / ``"ci95"`` / ``"ci95-boot"`` / ``"q10-90"`` -> (kind, quantiles).

    >>> parse_kind("q10-90")
    ('quantile', (0.1, 0.9))
    """
    if not isinstance(kind, str):
        raise InputError(f"kind: expected a string like 'std', got {kind!r}")
    k = kind.strip().lower()
    if k in ("std", "ci95", "ci95-boot"):
        return (k, None)
    m = _QUANTILES.match(k)
    if m:
        lo, hi = float(m.group(1)) / 100, float(m.group(2)) / 100
        if not 0 <= lo < hi <= 1:
            raise InputError(f"kind: quantiles must satisfy 0 <= lo < hi <= 100, got {kind!r}")
        return ("quantile", (lo, hi))
    raise InputError(
        f"kind: got {kind!r}; expected 'std', 'ci95', 'ci95-boot' or quantiles like 'q10-90'"
    )


def _row_quantiles(sorted_rows: np.ndarray, n: np.ndarray, q: float) -> np.ndarray:
    """Quantile ``q`` of each row's first ``n`` values (rows sorted, NaN last)."""
    out = np.full(len(n), np.nan)
    ok = n > 0
    pos = (n[ok] - 1) * q
    lo = np.floor(pos).astype(np.int64)
    hi = np.ceil(pos).astype(np.int64)
    rows = np.flatnonzero(ok)
    a, b = sorted_rows[rows, lo], sorted_rows[rows, hi]
    out[ok] = a + (b - a) * (pos - lo)
    return out


def _stats(
    matrix: np.ndarray, kind: str, qs: tuple[float, float] | None, *, n_boot: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(centre, lower, upper, n) of each row of ``matrix`` (NaN = missing)."""
    n = np.sum(np.isfinite(matrix), axis=1)
    srt = np.sort(matrix, axis=1)  # NaN sort last
    if kind == "quantile":
        assert qs is not None
        centre = _row_quantiles(srt, n, 0.5)
        return centre, _row_quantiles(srt, n, qs[0]), _row_quantiles(srt, n, qs[1]), n
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(matrix, axis=1)
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        dev = np.where(np.isfinite(matrix), matrix - mean[:, None], 0.0)
        var = np.where(n > 1, np.sum(dev**2, axis=1) / np.maximum(n - 1, 1), 0.0)
    std = np.sqrt(var)
    if kind == "std":
        half = std
    elif kind == "ci95":
        half = Z95 * std / np.sqrt(np.maximum(n, 1))
    else:
        lower, upper = mean.copy(), mean.copy()
        rng = np.random.default_rng(seed)
        for k in np.unique(n[n > 1]).tolist():
            rows = np.flatnonzero(n == k)
            idx = rng.integers(0, k, size=(n_boot, k))
            chunk = max(1, 2_000_000 // (n_boot * k))
            for start in range(0, rows.size, chunk):
                r = rows[start : start + chunk]
                means = srt[r][:, idx].mean(axis=2)  # (rows, n_boot)
                lo, hi = np.quantile(means, [0.025, 0.975], axis=1)
                lower[r], upper[r] = np.minimum(lo, mean[r]), np.maximum(hi, mean[r])
        return mean, lower, upper, n
    return mean, mean - half, mean + half, n


@takes_frames("df")
def band(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    run: str,
    by: str | Sequence[str] | None = None,
    kind: str = "std",
    align: str = "interpolate",
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """A band across the runs (seeds) in ``run`` at each ``x``, per ``by`` group.

    Returns one row per ``[*by, x]`` (sorted) with ``y`` (mean, or median for
    quantile bands), ``lower``, ``upper`` and ``n`` (runs behind the row).
    Rows with a non-finite ``x`` or ``y`` are left out with a ``UserWarning``
    giving the count (none left: :class:`~vegafigs.InputError`); a missing
    ``run`` name is an error. See the module doc for the kinds.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        Long frame with one row per logged point of a run: the columns ``x``,
        ``y``, ``run`` and the ``by`` columns (other columns are not carried over).
    x : str
        Column of the steps the band is taken at (numeric). See :term:`x`.
    y : str
        Column of the values (numeric); also the name of the centre column of the
        result. See :term:`y`.
    run : str
        Column telling the runs (seeds) of one group apart; the band is taken
        across its levels. Must differ from ``x``, ``y`` and ``by`` and have no
        missing values.
    by : str or sequence of str, optional
        Column(s) of the groups (e.g. the method) that get a band each; default
        ``None``: the whole frame is one group.
    kind : str, optional
        The band (default ``"std"``): ``"std"`` (mean ± sample std, ``ddof=1``,
        0 for one run), ``"ci95"`` (mean ± 1.96 · std / sqrt(n)),
        ``"ci95-boot"`` (mean with a percentile bootstrap 95% CI of the mean) or
        quantiles ``"qLO-HI"`` such as ``"q10-90"`` (median with the LO% and HI%
        quantiles, 0 <= LO < HI <= 100). Case and surrounding spaces are ignored.
    align : {"interpolate", "exact"}, optional
        How runs that log at different steps are aligned (default
        ``"interpolate"``). ``"interpolate"``: on the union of all runs' steps,
        each run is linearly interpolated between its own logged points (never
        extrapolated past its first / last step), so a step counts the runs that
        cover it. ``"exact"``: only values logged at exactly that step
        (duplicates of one run averaged).
    n_boot : int, optional
        Number of bootstrap resamples of the runs for ``kind="ci95-boot"``
        (default 1000; an integer >= 10). Ignored by the other kinds.
    seed : int, optional
        Seed (an integer >= 0, default 0) of the random generator of the
        bootstrap, so a ``"ci95-boot"`` band is the same in every run. Not a
        column: the runs are given by ``run``.

    Returns
    -------
    pandas.DataFrame
        Columns ``[*by, x, y, "lower", "upper", "n"]``, one row per ``[*by, x]``,
        sorted; ``x`` is float, ``n`` the number of runs with a value there.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"method": "a", "seed": [0, 0, 1, 1], "step": [0, 1, 0, 1],
    ...                    "acc": [0.1, 0.2, 0.3, 0.6]})
    >>> band(df, x="step", y="acc", run="seed", by="method", kind="std").round(3)
      method  step  acc  lower  upper  n
    0      a   0.0  0.2  0.059  0.341  2
    1      a   1.0  0.4  0.117  0.683  2
    """
    kind_name, qs = parse_kind(kind)
    require_choice(align, ["interpolate", "exact"], param="align")
    if kind_name == "ci95-boot" and (
        isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 10
    ):
        raise InputError(f"n_boot: expected an integer >= 10, got {n_boot!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed: expected an integer >= 0 (the bootstrap's RNG seed), got {seed!r}")
    data, keys = sorted_frame(df, x=x, numeric=[y], by=by)
    if run in keys or run in (x, y):
        raise InputError(f"run: {run!r} must differ from x, y and by")
    if run not in data.columns:
        raise InputError(f"df: missing column {run!r} (run); the frame has {list(data.columns)}")
    require_no_missing(data, run)
    data = _finite_rows(data, [x, y], func="band")
    frames = []
    for sl in group_slices(data, keys):
        part = data.iloc[sl]
        if part.empty:
            continue
        matrix, steps = _align(part, x=x, y=y, run=run, align=align)
        centre, lower, upper, n = _stats(matrix, kind_name, qs, n_boot=n_boot, seed=seed)
        out = pd.DataFrame({x: steps, y: centre, "lower": lower, "upper": upper, "n": n})
        for k in reversed(keys):
            out.insert(0, k, part[k].iloc[0])
        frames.append(out)
    if not frames:
        raise InputError(f"band: no finite values in {y!r}")
    return pd.concat(frames, ignore_index=True)


def _finite_rows(data: pd.DataFrame, cols: Sequence[str], *, func: str) -> pd.DataFrame:
    """Rows finite in every column of ``cols``; a counted warning for the others."""
    keep = np.ones(len(data), dtype=bool)
    for c in cols:
        keep &= np.isfinite(data[c].to_numpy(dtype=float))
    dropped = int((~keep).sum())
    if dropped == len(data):
        raise InputError(f"{func}: no finite values in {', '.join(map(repr, cols))}")
    if dropped:
        warnings.warn(
            f"{func}: left out {dropped} row(s) with NaN or infinite values in "
            f"{', '.join(map(repr, cols))}",
            stacklevel=3,
        )
    return data[keep]


def _align(
    part: pd.DataFrame, *, x: str, y: str, run: str, align: str
) -> tuple[np.ndarray, np.ndarray]:
    """(steps × runs matrix with NaN where missing, steps) for one group."""
    runs = sorted(pd.unique(part[run]).tolist(), key=str)
    if align == "exact":
        table = part.pivot_table(index=x, columns=run, values=y, aggfunc="mean", sort=True)
        table = table.reindex(columns=runs)
        return table.to_numpy(dtype=float), table.index.to_numpy(dtype=float)
    steps = np.unique(part[x].to_numpy(dtype=float))
    matrix = np.full((steps.size, len(runs)), np.nan)
    for j, r in enumerate(runs):
        sub = part[part[run] == r]
        xs = sub[x].to_numpy(dtype=float)
        ys = sub[y].to_numpy(dtype=float)
        if np.any(np.diff(xs) == 0):  # duplicate steps of one run: average them
            g = pd.Series(ys).groupby(xs).mean()
            xs, ys = g.index.to_numpy(dtype=float), g.to_numpy(dtype=float)
        inside = (steps >= xs[0]) & (steps <= xs[-1])
        matrix[inside, j] = np.interp(steps[inside], xs, ys)
    return matrix, steps


@takes_frames("df")
def rolling_band(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    window: int,
    by: str | Sequence[str] | None = None,
    kind: str = "q10-90",
) -> pd.DataFrame:
    """A band along one noisy run: the statistics of a centred ``window`` of points.

    Each row gets the ``kind`` statistics (module doc) of the ``window`` points
    centred on it (fewer at the ends), per ``by`` group; e.g. ``"q10-90"`` shows
    where the middle 80% of a raw reward trace lies. Adds ``"<y>_center"`` (mean,
    or median for quantile kinds), ``lower``, ``upper`` and ``n`` (points used).
    Rows with a non-finite ``x`` or ``y`` are left out of the result with a ``UserWarning``
    giving the count (none left: :class:`~vegafigs.InputError`).

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per logged point: the columns ``x``, ``y`` and the ``by``
        columns; every column is carried over to the result.
    x : str
        Column of the steps (numeric); orders the points of each series. See
        :term:`x`.
    y : str
        Column of the noisy values (numeric). See :term:`y`.
    window : int
        Number of consecutive points (a positive integer) each row's statistics
        are taken over, centred on the row; fewer at the ends of a series.
    by : str or sequence of str, optional
        Column(s) of the series (e.g. the run) banded on their own; default
        ``None``: the whole frame is one series.
    kind : str, optional
        The statistics (default ``"q10-90"``): ``"std"``, ``"ci95"`` or quantiles
        ``"qLO-HI"`` as for :func:`~vegafigs.transforms.band` (within the window;
        std with ``ddof=1``, 0 for a single point). ``"ci95-boot"`` is only
        available across runs (:func:`~vegafigs.transforms.band`) and is an
        :class:`~vegafigs.InputError` here.

    Returns
    -------
    pandas.DataFrame
        The rows of ``df`` with a finite ``x`` and ``y``, sorted by ``[*by, x]``
        (numeric text in ``x`` / ``y`` converted to float), plus ``"<y>_center"``,
        ``lower``, ``upper`` (widened to include the centre) and ``n`` (points in
        the window).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"run": "a", "step": [0, 1, 2, 3], "reward": [0.0, 1.0, 1.0, 1.0]})
    >>> rolling_band(df, x="step", y="reward", window=3, by="run")
      run  step  reward  reward_center  lower  upper  n
    0   a     0     0.0            0.5    0.1    0.9  2
    1   a     1     1.0            1.0    0.2    1.0  3
    2   a     2     1.0            1.0    1.0    1.0  3
    3   a     3     1.0            1.0    1.0    1.0  2
    """
    kind_name, qs = parse_kind(kind)
    if kind_name == "ci95-boot":
        raise InputError("kind: 'ci95-boot' is only available across runs (band())")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise InputError(f"window: expected a positive integer, got {window!r}")
    data, keys = sorted_frame(df, x=x, numeric=[y], by=by)
    data = _finite_rows(data, [x, y], func="rolling_band").reset_index(drop=True)
    centre = np.empty(len(data))
    lower = np.empty(len(data))
    upper = np.empty(len(data))
    count = np.empty(len(data))
    values = data[y]
    for sl in group_slices(data, keys):
        roll = values.iloc[sl].reset_index(drop=True).rolling(window, center=True, min_periods=1)
        cnt = roll.count().to_numpy()
        if kind_name == "quantile":
            assert qs is not None
            c = roll.median().to_numpy()
            lo = roll.quantile(qs[0]).to_numpy()
            hi = roll.quantile(qs[1]).to_numpy()
        else:
            c = roll.mean().to_numpy()
            s = np.nan_to_num(roll.std().to_numpy(), nan=0.0)
            half = s if kind_name == "std" else Z95 * s / np.sqrt(cnt)
            lo, hi = c - half, c + half
        centre[sl], lower[sl], upper[sl], count[sl] = c, lo, hi, cnt
    data[f"{y}_center"] = centre
    data["lower"] = np.minimum(lower, centre)
    data["upper"] = np.maximum(upper, centre)
    data["n"] = count.astype(np.int64)
    return data
