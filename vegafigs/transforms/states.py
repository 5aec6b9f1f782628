"""State of a trajectory over time: alive/dead masks, runs of equal state, decimation.

Pure functions: arrays or frames in, new arrays or frames out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vegafigs._checks import require_columns, require_frame
from vegafigs.errors import InputError


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

    >>> alive_mask([0.9, 0.7, 0.95], [0, 2, 4], n_tokens=6, threshold=0.8).tolist()
    [True, True, False, False, False, False]
    """
    pm = np.asarray(pmass, dtype=float)
    forks = np.asarray(fork_t)
    running_min = np.minimum.accumulate(np.where(np.isnan(pm), np.inf, pm))
    dead_at_fork = running_min < threshold
    idx = np.searchsorted(forks, np.arange(max(int(n_tokens), 0)), side="right") - 1
    dead = np.zeros(idx.shape, dtype=bool)
    has_fork = idx >= 0
    dead[has_fork] = dead_at_fork[idx[has_fork]]
    return ~dead


def _path_starts(keys: np.ndarray) -> np.ndarray:
    """Boolean array: row starts a new path (``keys`` sorted)."""
    start = np.ones(len(keys), dtype=bool)
    start[1:] = keys[1:] != keys[:-1]
    return start


def state_runs(df: pd.DataFrame, *, path: str, x: str, state: str) -> pd.DataFrame:
    """One row per point of each run of equal ``state`` along each ``path``, with a ``run`` id.

    Rows are sorted by ``path`` then ``x``. Each run also gets the first point of
    the next run of its path (drawn in the run's state), so consecutive runs share
    that boundary point and the drawn line is continuous: a segment from ``x[i]``
    to ``x[i+1]`` takes the state of ``x[i]``. ``run`` numbers the runs 0, 1, ...
    over the whole frame.

    >>> df = pd.DataFrame({"p": 0, "t": [0, 1, 2, 3], "s": ["a", "a", "b", "b"]})
    >>> state_runs(df, path="p", x="t", state="s")[["t", "s", "run"]].values.tolist()
    [[0, 'a', 0], [1, 'a', 0], [2, 'a', 0], [2, 'b', 1], [3, 'b', 1]]
    """
    require_frame(df)
    require_columns(df, [path, x, state])
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
    out = pd.concat([data.assign(run=run), extra.assign(run=run[carry - 1])])
    order = np.lexsort((out[x].to_numpy(), out["run"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


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
        # Distance of each interior point from its segment's chord.
        err = np.abs(dy * (x[idx] - ax) - dx * (y[idx] - ay))
        err /= np.maximum(np.hypot(dx, dy), 1e-12)
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


def simplify_paths(
    df: pd.DataFrame, *, path: str, x: str, y: str, state: str | None = None, tolerance: float
) -> pd.DataFrame:
    """Drop points of each ``path`` that a straight line between kept neighbours replaces.

    Ramer-Douglas-Peucker: every dropped point lies within ``tolerance`` of the
    line through its kept neighbours, measuring distances in the units of ``x``
    and ``y`` — pass both in pixels and the drawing does not change. The first and last
    point, the points on both sides of every change of ``state`` and non-finite
    ``y`` (and their neighbours) are always kept.

    >>> df = pd.DataFrame({"p": 0, "t": range(5), "y": [0.0, 1, 2, 3, 0]})
    >>> simplify_paths(df, path="p", x="t", y="y", tolerance=0.1)["t"].tolist()
    [0, 3, 4]
    """
    require_frame(df)
    require_columns(df, [path, x, y, state])
    if not tolerance >= 0:
        raise InputError(f"tolerance: expected a number >= 0, got {tolerance!r}")
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
