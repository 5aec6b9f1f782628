"""Bounded-memory passes over one line's rows, streamed in ``x`` order.

:class:`Segments` runs a figure's own (pandas) per-line computation — smoothing,
bands — on overlapping segments of a long line, so that every row is computed with
the context its window needs; :class:`M4Stream` keeps, per pixel column, the rows
the M4 reduction of :mod:`vegafigs.transforms.downsample` keeps (first, last,
min and max of each preserved column), holding only the current column's
candidates between batches.

>>> import numpy as np, pandas as pd
>>> m4 = M4Stream(x_domain=(0.0, 999.0), width_px=10, columns=["y"])
>>> for start in range(0, 1000, 300):
...     xs = np.arange(start, min(start + 300, 1000), dtype=float)
...     m4.push(pd.DataFrame({"x": xs, "y": np.sin(xs / 50)}))
>>> len(m4.finish()) <= 40
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from vegafigs.transforms.downsample import pixel_columns

#: Steps a segment outputs at once (plus its context on both sides).
SEGMENT_STEPS = 200_000


class M4Stream:
    """The M4 reduction of one series fed in ``x`` order, a batch at a time.

    Keeps exactly the rows :func:`vegafigs.transforms.downsample` keeps for a
    series that does not span the whole domain (its numpy rule: pixel columns of
    ``x_domain``, the first min / max of each); :class:`ProbeM4` does the same for
    one that does (which the pandas path gives to ``tsdownsample``).

    Parameters
    ----------
    x_domain : tuple of float
        The plot's x domain (pixel columns split it).
    width_px : int
        Number of pixel columns.
    columns : sequence of str
        The columns whose lines must not change (their first / last / min / max
        rows per pixel column are kept).
    x : str, optional
        The x column (default ``"x"``).

    Examples
    --------
    >>> m4 = M4Stream(x_domain=(0.0, 9.0), width_px=2, columns=["y"])
    >>> m4.push(pd.DataFrame({"x": np.arange(10.0), "y": np.arange(10.0)}))
    >>> m4.finish()["x"].tolist()
    [0.0, 4.0, 5.0, 9.0]
    """

    def __init__(self, *, x_domain: tuple[float, float], width_px: int,
                 columns: Sequence[str], x: str = "x") -> None:  # fmt: skip
        self.x0, self.x1 = float(x_domain[0]), float(x_domain[1])
        self.width_px = int(width_px)
        self.columns = list(columns)
        self.x = x
        self.kept: list[pd.DataFrame] = []
        self.pending: pd.DataFrame | None = None
        self.pending_bins = np.zeros(0, dtype=np.int64)
        self.pending_count = 0

    def _bins(self, xs: np.ndarray) -> np.ndarray:
        return pixel_columns(xs, self.x0, self.x1, self.width_px).astype(np.int64)

    def push(self, rows: pd.DataFrame) -> None:
        """Feed the next rows of the series (sorted by x, after the previous ones).

        Parameters
        ----------
        rows : pandas.DataFrame
            The rows (``x`` and the ``columns``; other columns are carried).
        """
        if rows.empty:
            return
        bins = self._bins(rows[self.x].to_numpy(dtype=float))
        if self.pending is not None:
            rows = pd.concat([self.pending, rows], ignore_index=True)
            bins = np.concatenate([self.pending_bins, bins])
        extra = self.pending_count - (0 if self.pending is None else len(self.pending))
        pick, last_start, last_count = self._pick(rows, bins, extra)
        done = np.flatnonzero(pick[:last_start])
        if done.size:
            self.kept.append(rows.iloc[done])
        tail = last_start + np.flatnonzero(pick[last_start:])
        self.pending = rows.iloc[tail].reset_index(drop=True)
        self.pending_bins = bins[tail]
        self.pending_count = last_count

    def _pick(self, rows: pd.DataFrame, bins: np.ndarray, extra: int) -> tuple[np.ndarray, int,
                                                                                 int]:  # fmt: skip
        """Rows M4 keeps per column, the start of the last column and its row count."""
        n = bins.size
        starts = np.flatnonzero(np.diff(bins, prepend=bins[0] - 1))
        stops = np.append(starts[1:], n)
        counts = stops - starts
        counts[0] += extra
        seg = np.repeat(np.arange(starts.size), stops - starts)
        pick = np.zeros(n, dtype=bool)
        pick[starts] = True
        pick[stops - 1] = True
        for col in self.columns:
            ys = rows[col].to_numpy(dtype=float)
            for reduce in (np.minimum, np.maximum):
                target = reduce.reduceat(ys, starts)
                hits = np.flatnonzero(ys == target[seg])
                _, first = np.unique(seg[hits], return_index=True)
                pick[hits[first]] = True
        return pick, int(starts[-1]), int(counts[-1])

    def finish(self) -> pd.DataFrame:
        """The kept rows, in x order (the stream is done)."""
        parts = list(self.kept)
        if self.pending is not None and len(self.pending):
            pick, _, _ = self._pick(self.pending, self.pending_bins,
                                    self.pending_count - len(self.pending))  # fmt: skip
            parts.append(self.pending.iloc[np.flatnonzero(pick)])
        if not parts:
            return pd.DataFrame()
        return pd.concat(parts, ignore_index=True)


def ema_context(weight: float) -> int:
    """Points of history after which TensorBoard's EMA with ``weight`` forgets its
    start (``weight ** n < 1e-20``), so a segment started that far back computes the
    same floats.

    Parameters
    ----------
    weight : float
        The EMA weight in [0, 1).

    Returns
    -------
    int
        The number of points.

    Examples
    --------
    >>> ema_context(0.9)
    448
    """
    if weight <= 0:
        return 0
    return math.ceil(math.log(1e-20) / math.log(weight)) + 10


class Segments:
    """One line's rows computed by ``compute`` on overlapping segments of steps.

    Each output row is computed from a segment holding at least ``before`` steps
    before it and ``after`` steps after it (or the line's ends), so a windowed or
    exponentially forgetting computation gives what one pass over the whole line
    gives. Rows sharing a step (the seeds of a group) stay in one segment.

    Parameters
    ----------
    compute : callable
        ``compute(rows) -> rows``: the per-line computation on a pandas frame of
        consecutive steps; returns one frame sorted by ``x``.
    before, after : int
        Steps of context the computation needs on each side.
    x : str, optional
        The step column (default ``"x"``).
    steps : int, optional
        Steps output per segment (default :data:`SEGMENT_STEPS`; at least three
        times the context).

    Examples
    --------
    >>> seg = Segments(lambda r: r.assign(z=r["y"].rolling(3, center=True).mean()),
    ...                before=1, after=1, steps=4)
    >>> rows = pd.DataFrame({"x": np.arange(10.0), "y": np.arange(10.0)})
    >>> out = pd.concat([*seg.push(rows.iloc[:5]), *seg.push(rows.iloc[5:]), *seg.finish()])
    >>> out["z"].tolist()[1:-1]
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    """

    def __init__(self, compute: Callable[[pd.DataFrame], pd.DataFrame], *, before: int,
                 after: int, x: str = "x", steps: int = SEGMENT_STEPS) -> None:  # fmt: skip
        self.compute = compute
        self.before, self.after = int(before), int(after)
        self.x = x
        self.steps = max(int(steps), 3 * (self.before + self.after), 1)
        self.buffer: list[pd.DataFrame] = []
        self.n_buffered = 0
        self.done_upto: float | None = None  # last x already output

    def push(self, rows: pd.DataFrame) -> Iterator[pd.DataFrame]:
        """Feed the next rows (sorted by x); yields the rows computed so far.

        Parameters
        ----------
        rows : pandas.DataFrame
            The next rows of the line.

        Yields
        ------
        pandas.DataFrame
            Computed rows, each step once.
        """
        self.buffer.append(rows)
        self.n_buffered += len(rows)
        if self.n_buffered < self.steps + self.before + self.after:
            return
        data = pd.concat(self.buffer, ignore_index=True)
        steps = pd.unique(data[self.x].to_numpy())
        context = 0 if self.done_upto is None else int(np.sum(steps <= self.done_upto))
        if steps.size - context - self.after < max(1, self.steps // 2):
            self.buffer = [data]
            return
        out = self.compute(data)
        last = steps[steps.size - self.after - 1]
        yield self._new(out, last)
        self.done_upto = float(last)
        first_kept = steps[max(0, steps.size - self.after - self.before)]
        rest = data[data[self.x].to_numpy() >= first_kept].reset_index(drop=True)
        self.buffer, self.n_buffered = [rest], len(rest)

    def _new(self, out: pd.DataFrame, last: float | None) -> pd.DataFrame:
        xs = out[self.x].to_numpy()
        keep = np.ones(xs.size, dtype=bool)
        if self.done_upto is not None:
            keep &= xs > self.done_upto
        if last is not None:
            keep &= xs <= last
        return out[keep]

    def finish(self) -> Iterator[pd.DataFrame]:
        """The rows left (the line is done)."""
        if not self.buffer:
            return
        data = pd.concat(self.buffer, ignore_index=True)
        self.buffer = []
        if data.empty:
            return
        yield self._new(self.compute(data), None)


def ts_probe(xs: np.ndarray, width_px: int) -> np.ndarray:
    """The rows (indices into the sorted steps ``xs`` of a series spanning the domain)
    that mark the ``tsdownsample`` package's pixel columns: it keeps every row of a
    column of at most four rows and the first and last row of a longer one, so a
    longer column is exactly a gap between consecutive indices returned here.

    Parameters
    ----------
    xs : numpy.ndarray
        The series' sorted steps (as drawn, float).
    width_px : int
        Number of pixel columns (>= 2).

    Returns
    -------
    numpy.ndarray
        Sorted indices (int64).

    Examples
    --------
    >>> ts_probe(np.arange(40.0), 4).tolist()
    [0, 9, 10, 19, 20, 29, 30, 39]
    """
    from vegafigs.transforms.downsample import _tsdownsample_indices

    idx = _tsdownsample_indices(xs, np.arange(xs.size, dtype=float), int(width_px))
    if idx is None:  # pragma: no cover - tsdownsample is a base dependency
        raise RuntimeError("tsdownsample is needed for the M4 reduction")
    return idx


class ProbeM4:
    """The rows ``tsdownsample`` keeps of a series fed in x order, given its
    :func:`ts_probe` (the pixel columns): every probe row, plus in each longer column
    its first min and first max (per preserved column) when they fall inside it.

    Each push is reduced with numpy over all its pixel columns at once and its kept
    rows taken once; only the column still open at the end of a push keeps its few
    candidate rows until a later push closes it.

    Parameters
    ----------
    probe : numpy.ndarray
        :func:`ts_probe` of the series' steps (sorted, unique).
    columns : sequence of str
        The columns whose lines must not change.

    Examples
    --------
    >>> xs = np.arange(40.0)
    >>> m4 = ProbeM4(ts_probe(xs, 4), ["y"])
    >>> m4.push(pd.DataFrame({"x": xs, "y": np.sin(xs)}))
    >>> len(m4.finish())
    16
    """

    def __init__(self, probe: np.ndarray, columns: Sequence[str]) -> None:
        self.probe = np.asarray(probe, dtype=np.int64)
        self.columns = list(columns)
        self.offset = 0
        self.kept: list[pd.DataFrame] = []
        self.open: dict[str, Any] | None = None  # the column (gap) still being read

    def push(self, rows: pd.DataFrame) -> None:
        """Feed the next rows of the series (sorted by x, after the previous ones).

        Parameters
        ----------
        rows : pandas.DataFrame
            The rows (the ``columns``; other columns are carried).
        """
        n = len(rows)
        if n == 0:
            return
        base = self.offset
        self.offset += n
        p = self.probe
        g = np.arange(base, base + n)
        k = np.searchsorted(p, g, side="right") - 1
        on = (k >= 0) & (p[np.maximum(k, 0)] == g)
        values = {c: rows[c].to_numpy(dtype=float) for c in self.columns}
        starts = np.flatnonzero(np.diff(k, prepend=k[0] - 1))  # runs of one probe gap
        stops = np.append(starts[1:], n)
        runs = _Runs(starts=starts, k=k[starts], on=on[starts],
                     lo=starts + on[starts], stops=stops)  # fmt: skip
        runs.has = (runs.k >= 0) & (runs.k + 1 < p.size) & (stops > runs.lo)
        cand = _candidates(values, runs)
        self.kept.extend(self._carry(rows, base, values, runs, cand))
        local = self._closed_here(values, runs, cand)
        take = np.unique(np.concatenate([starts[runs.on], local]))
        if take.size:
            self.kept.append(rows.take(take))
        self._open_last(rows, base, values, runs, cand)

    def _carry(self, rows: pd.DataFrame, base: int, values: dict[str, np.ndarray], runs: _Runs,
               cand: dict[tuple[str, str], np.ndarray]) -> list[pd.DataFrame]:  # fmt: skip
        """Feed the column left open by earlier pushes; its kept rows if it closes here."""
        state = self.open
        if state is None:
            return []
        if not runs.on[0] and runs.k[0] == state["k"] and runs.has[0]:
            for (c, how), pos in cand.items():
                at = int(pos[0])
                val = float(values[c][at])
                best = state["best"].get((c, how))
                if best is None or (val < best[0] if how == "min" else val > best[0]):
                    state["best"][(c, how)] = (val, base + at, rows.iloc[[at]])
        closing = np.flatnonzero(runs.on)
        if not closing.size or int(runs.k[closing[0]]) - 1 != state["k"]:
            return []
        i = int(runs.starts[closing[0]])
        self.open = None
        picked: dict[int, pd.DataFrame] = {}
        for (c, how), (val, at, row) in state["best"].items():
            first, last = state["first"][c], float(values[c][i])
            lower = val < first and val <= last
            if lower if how == "min" else (val > first and val >= last):
                picked[at] = row
        return [picked[at] for at in sorted(picked)]

    def _closed_here(self, values: dict[str, np.ndarray], runs: _Runs,
                     cand: dict[tuple[str, str], np.ndarray]) -> np.ndarray:  # fmt: skip
        """Kept inner rows (positions) of the columns opened and closed in this push."""
        j = np.flatnonzero(runs.on[:-1] & runs.has[:-1] & runs.on[1:]
                           & (runs.k[1:] == runs.k[:-1] + 1))  # fmt: skip
        out = [np.zeros(0, dtype=np.int64)]
        for (c, how), pos in cand.items():
            v = values[c]
            first, last, val = v[runs.starts[j]], v[runs.starts[j + 1]], v[pos[j]]
            lower = (val < first) & (val <= last)
            keep = lower if how == "min" else (val > first) & (val >= last)
            out.append(pos[j][keep])
        return np.concatenate(out)

    def _open_last(self, rows: pd.DataFrame, base: int, values: dict[str, np.ndarray],
                   runs: _Runs, cand: dict[tuple[str, str], np.ndarray]) -> None:  # fmt: skip
        """The column the push ends in, if a probe row of this push opened it."""
        if not runs.on[-1]:
            return  # one run: the carried column continues
        kk, p = int(runs.k[-1]), self.probe
        if not (kk + 1 < p.size and p[kk + 1] > p[kk] + 1):
            self.open = None
            return
        i = int(runs.starts[-1])
        state: dict[str, Any] = {"k": kk, "first": {c: float(v[i]) for c, v in values.items()},
                                 "best": {}}  # fmt: skip
        if runs.has[-1]:
            for (c, how), pos in cand.items():
                at = int(pos[-1])
                state["best"][(c, how)] = (float(values[c][at]), base + at, rows.iloc[[at]])
        self.open = state

    def finish(self) -> pd.DataFrame:
        """The kept rows, in x order (the stream is done)."""
        parts = [p for p in self.kept if len(p)]
        if not parts:
            return pd.DataFrame()
        out = pd.concat(parts, ignore_index=True)
        return out.sort_values("x", kind="mergesort").reset_index(drop=True)


class _Runs:
    """One push's runs of rows in one probe gap: start, gap index ``k``, whether the
    run starts on a probe row, its inner rows ``[lo, stops)`` and whether it has any."""

    def __init__(self, *, starts: np.ndarray, k: np.ndarray, on: np.ndarray, lo: np.ndarray,
                 stops: np.ndarray) -> None:  # fmt: skip
        self.starts, self.k, self.on, self.lo, self.stops = starts, k, on, lo, stops
        self.has = np.zeros(starts.size, dtype=bool)


def _candidates(values: dict[str, np.ndarray], runs: _Runs) -> dict[tuple[str, str], np.ndarray]:
    """Per column and ``"min"`` / ``"max"``: the position of each run's first min / max
    of its inner rows, as ``np.argmin`` / ``np.argmax`` find it (the first NaN if any);
    -1 for a run without inner rows."""
    idx = np.flatnonzero(runs.has)
    lens = runs.stops[idx] - runs.lo[idx]
    seg_starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
    seg = np.repeat(np.arange(idx.size), lens)
    inner = np.arange(int(lens.sum())) + np.repeat(runs.lo[idx] - seg_starts, lens)
    out: dict[tuple[str, str], np.ndarray] = {}
    for c, v in values.items():
        part = v[inner]
        for how, reduce in (("min", np.minimum), ("max", np.maximum)):
            pos = np.full(runs.starts.size, -1, dtype=np.int64)
            if idx.size:
                target = reduce.reduceat(part, seg_starts)[seg]
                hits = np.flatnonzero((part == target) | (np.isnan(part) & np.isnan(target)))
                first = hits[np.flatnonzero(np.diff(seg[hits], prepend=-1))]
                pos[idx] = inner[first]
            out[(c, how)] = pos
    return out
