"""State of a trajectory over time: alive/dead masks, runs of equal state, decimation.

Pure functions: arrays or frames in, new arrays or frames out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from vegafigs._checks import (
    require_columns,
    require_count,
    require_finite,
    require_frame,
    require_no_missing,
    require_numeric,
)
from vegafigs.errors import InputError
from vegafigs.frames import takes_frames


def _vector(values: object, *, param: str) -> np.ndarray:
    """``values`` as a 1-D float array, or :class:`InputError` naming ``param``."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{param}: expected a list of numbers ({exc})") from exc
    if arr.ndim != 1:
        raise InputError(f"{param}: expected a flat list of numbers, got shape {arr.shape}")
    return arr


def _positions(df: pd.DataFrame, *, path: str, x: str, state: str | None = None) -> pd.DataFrame:
    """``df`` with numeric text in ``x`` as numbers; refuses NaN/inf ``x`` and missing keys."""
    xs = require_numeric(df, x)
    bad = int((~np.isfinite(xs.to_numpy())).sum())
    if bad:
        raise InputError(
            f"df: column {x!r} has {bad} NaN or infinite value(s); every point needs a position"
        )
    require_no_missing(df, path)
    if state is not None:
        require_no_missing(df, state)
    return df if pd.api.types.is_numeric_dtype(df[x]) else df.assign(**{x: xs})


def alive_mask(
    pmass: Sequence[float] | np.ndarray,
    fork_t: Sequence[int] | np.ndarray,
    *,
    n_tokens: int,
    threshold: float,
) -> np.ndarray:
    """Per-token alive mask (``True`` = alive) of one trajectory from pmass at fork points.

    The running minimum of ``pmass`` over the forks (NaN counts as +inf) is dead
    where it is below ``threshold``; token ``t`` takes the state of the last fork
    ``<= t`` (alive before the first fork), so death is permanent.
    ``pmass`` and ``fork_t`` of different lengths, unsorted or non-finite fork
    points, a negative or non-integer ``n_tokens`` and a non-finite
    ``threshold`` are an :class:`~vegafigs.InputError`.

    Parameters
    ----------
    pmass : sequence of float or numpy.ndarray
        The pmass measured at each fork point, in fork order (a flat list of
        numbers; NaN: not measured, counts as alive).
    fork_t : sequence of int or numpy.ndarray
        Token index of each fork point, as many as ``pmass``, finite and sorted
        ascending.
    n_tokens : int
        Length of the trajectory in tokens (an integer >= 0): the mask covers
        tokens ``0 .. n_tokens - 1``; forks at or after it do not matter.
    threshold : float
        Death threshold (finite): the trajectory is dead from the first fork
        whose pmass is below it on.

    Returns
    -------
    numpy.ndarray
        Boolean array of length ``n_tokens``, ``True`` where the token is alive.

    Examples
    --------
    >>> alive_mask([0.9, 0.7, 0.95], [0, 2, 4], n_tokens=6, threshold=0.8).tolist()
    [True, True, False, False, False, False]
    """
    pm = _vector(pmass, param="pmass")
    forks = _vector(fork_t, param="fork_t")
    if len(pm) != len(forks):
        raise InputError(
            f"pmass, fork_t: expected one pmass per fork point, got {len(pm)} and {len(forks)}"
        )
    if not np.isfinite(forks).all() or np.any(np.diff(forks) < 0):
        raise InputError("fork_t: expected finite token indices sorted ascending")
    n_tokens = require_count(n_tokens, param="n_tokens")
    threshold = require_finite(threshold, param="threshold")
    running_min = np.minimum.accumulate(np.where(np.isnan(pm), np.inf, pm))
    dead_at_fork = running_min < threshold
    idx = np.searchsorted(forks, np.arange(n_tokens), side="right") - 1
    dead = np.zeros(idx.shape, dtype=bool)
    has_fork = idx >= 0
    dead[has_fork] = dead_at_fork[idx[has_fork]]
    return ~dead


def _path_starts(keys: np.ndarray) -> np.ndarray:
    """Boolean array: row starts a new path (``keys`` sorted)."""
    start = np.ones(len(keys), dtype=bool)
    start[1:] = keys[1:] != keys[:-1]
    return start


@takes_frames("df")
def state_runs(df: pd.DataFrame, *, path: str, x: str, state: str) -> pd.DataFrame:
    """One row per point of each run of equal ``state`` along each ``path``, with a ``run`` id.

    Rows are sorted by ``path`` then ``x``. Each run also gets the first point of
    the next run of its path (drawn in the run's state), so consecutive runs share
    that boundary point and the drawn line is continuous: a segment from ``x[i]``
    to ``x[i+1]`` takes the state of ``x[i]``. ``run`` numbers the runs 0, 1, ...
    over the whole frame; when ``df`` already has a column ``run`` (or ``path``
    is named so), the ids go to ``_run`` (``__run`` ...: the fewest leading
    ``_`` naming no column of ``df``) and the user's column is kept;
    ``out.attrs["run"]`` names the column used. Rows with equal ``x`` in a path
    keep their order. A non-numeric or NaN/±inf ``x`` and a missing path or
    state are an :class:`~vegafigs.InputError`.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        The points, one row each, with the columns ``path``, ``x`` and ``state``;
        every column is carried over, one named ``run`` included (the run ids
        then get a leading ``_``).
    path : str
        Column identifying each path (trajectory, line); runs never span two
        paths. No missing values.
    x : str
        Column of each point's position along its path (numeric; numeric text is
        converted; finite). See :term:`x`.
    state : str
        Column of each point's state (any comparable values, e.g. ``"alive"`` /
        ``"dead"``); a change of value starts a new run. No missing values.

    Returns
    -------
    pandas.DataFrame
        The rows of ``df`` plus the integer column of run ids (``run``, or
        ``_run`` ... as above; ``attrs["run"]`` is its name), sorted by run id
        then ``x``, with one extra row per boundary (the next run's first point,
        in this run's state); fresh index.

    Examples
    --------
    >>> df = pd.DataFrame({"p": 0, "t": [0, 1, 2, 3], "s": ["a", "a", "b", "b"]})
    >>> state_runs(df, path="p", x="t", state="s")[["t", "s", "run"]].values.tolist()
    [[0, 'a', 0], [1, 'a', 0], [2, 'a', 0], [2, 'b', 1], [3, 'b', 1]]
    >>> state_runs(df.rename(columns={"p": "run"}), path="run", x="t", state="s").attrs
    {'run': '_run'}
    """
    require_frame(df)
    require_columns(df, [path, x, state])
    df = _positions(df, path=path, x=x, state=state)
    data = df.sort_values([path, x], kind="stable").reset_index(drop=True)
    keys = data[path].to_numpy()
    states = data[state].to_numpy()
    new_path = _path_starts(keys)
    new_run = new_path.copy()
    new_run[1:] |= states[1:] != states[:-1]
    run = np.cumsum(new_run) - 1
    # The first row of every run that continues a path is repeated at the end of
    # the previous run, in the previous run's state.
    carry = np.flatnonzero(new_run & ~new_path)
    extra = data.iloc[carry].copy()
    extra[state] = states[carry - 1]
    name = _run_column(df.columns)
    out = pd.concat([data.assign(**{name: run}), extra.assign(**{name: run[carry - 1]})])
    order = np.lexsort((out[x].to_numpy(), out[name].to_numpy()))
    result = out.iloc[order].reset_index(drop=True)
    result.attrs = {**df.attrs, "run": name}
    return result


def _run_column(columns: Iterable[object]) -> str:
    """The name of :func:`state_runs`' run id column: ``run`` with the fewest
    leading ``_`` that names none of ``columns``.

    >>> _run_column(["traj", "run", "_run"])
    '__run'
    """
    taken = set(columns)
    name = "run"
    while name in taken:
        name = "_" + name
    return name


def _rdp_keep(x: np.ndarray, y: np.ndarray, keep: np.ndarray, tolerance: float) -> None:
    """Mark in ``keep`` the points needed so the polyline stays within ``tolerance``.

    Ramer-Douglas-Peucker between consecutive kept points, all open segments
    split together in each round (vectorised): the farthest interior point of a
    segment (the first one on ties) is kept when it is farther than ``tolerance``.
    """
    anchors = np.flatnonzero(keep)
    a, b = anchors[:-1], anchors[1:]
    while True:
        open_ = b - a > 1
        a, b = a[open_], b[open_]
        if not len(a):
            return
        n_in = b - a - 1
        seg = np.repeat(np.arange(len(a)), n_in)
        idx = np.repeat(a + 1 - np.cumsum(n_in) + n_in, n_in) + np.arange(n_in.sum())
        ax, ay = x[a][seg], y[a][seg]
        dx, dy = (x[b] - x[a])[seg], (y[b] - y[a])[seg]
        # Distance of each interior point from its segment's chord (from its start
        # when the chord has no length: the path came back to where it was).
        chord = np.hypot(dx, dy)
        px, py = x[idx] - ax, y[idx] - ay
        err = np.where(
            chord > 1e-12,
            np.abs(dy * px - dx * py) / np.maximum(chord, 1e-12),
            np.hypot(px, py),
        )
        first = np.cumsum(n_in) - n_in
        worst = np.maximum.reduceat(err, first)
        is_max = err == worst[seg]
        # The first interior point reaching the maximum, per segment.
        pick_pos = np.flatnonzero(is_max)
        _, first_pick = np.unique(seg[pick_pos], return_index=True)
        m = idx[pick_pos[first_pick]]
        split = worst > tolerance
        keep[m[split]] = True
        a, b = np.concatenate([a[split], m[split]]), np.concatenate([m[split], b[split]])


@takes_frames("df")
def simplify_paths(
    df: pd.DataFrame, *, path: str, x: str, y: str, state: str | None = None, tolerance: float
) -> pd.DataFrame:
    """Drop points of each ``path`` that a straight line between kept neighbours replaces.

    Ramer-Douglas-Peucker: every dropped point lies within ``tolerance`` of the
    line through its kept neighbours. The first and last point, the points on
    both sides of every change of ``state`` and non-finite ``y`` (and their
    neighbours) are always kept. A non-numeric ``x``/``y``, a NaN/±inf ``x``, a
    missing path or state and a negative ``tolerance`` are an
    :class:`~vegafigs.InputError`.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        The points, one row each, with the columns ``path``, ``x``, ``y`` (and
        ``state``); every column is carried over.
    path : str
        Column identifying each path (trajectory, line), simplified on its own.
        No missing values.
    x : str
        Column of the points' horizontal positions (numeric, finite). See
        :term:`x`.
    y : str
        Column of the points' vertical positions (numeric; NaN/±inf allowed:
        such points and their neighbours are kept). See :term:`y`.
    state : str, optional
        Column of each point's state (e.g. alive / dead), kept exact: the points
        on both sides of every change are kept. Default ``None``: no state.
    tolerance : float
        Largest distance (>= 0) of a dropped point from the line through its kept
        neighbours, in the units of ``x`` and ``y`` (pass both in pixels and the
        drawing does not change); 0 drops only points exactly on the line.

    Returns
    -------
    pandas.DataFrame
        The kept rows of ``df``, sorted by ``path`` then ``x`` (equal ``x`` keep
        their order), with a fresh index.

    Examples
    --------
    >>> df = pd.DataFrame({"p": 0, "t": range(5), "y": [0.0, 1, 2, 3, 0]})
    >>> simplify_paths(df, path="p", x="t", y="y", tolerance=0.1)["t"].tolist()
    [0, 3, 4]
    """
    require_frame(df)
    require_columns(df, [path, x, y, state])
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, (int, float, np.integer, np.floating))
        or not tolerance >= 0
    ):
        raise InputError(f"tolerance: expected a number >= 0, got {tolerance!r}")
    df = _positions(df, path=path, x=x, state=state)
    ys = require_numeric(df, y)
    if not pd.api.types.is_numeric_dtype(df[y]):
        df = df.assign(**{y: ys})
    data = df.sort_values([path, x], kind="stable").reset_index(drop=True)
    start = _path_starts(data[path].to_numpy())
    keep = start.copy()
    keep[np.append(np.flatnonzero(start)[1:], len(data)) - 1] = True
    values = data[y].to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    keep |= bad
    keep[1:] |= bad[:-1]
    keep[:-1] |= bad[1:]
    if state is not None:
        states = data[state].to_numpy()
        change = np.zeros(len(data), dtype=bool)
        change[1:] = (states[1:] != states[:-1]) & ~start[1:]
        keep |= change
        keep[:-1] |= change[1:]
    _rdp_keep(data[x].to_numpy(dtype=float), values, keep, float(tolerance))
    return data.loc[keep].reset_index(drop=True)
