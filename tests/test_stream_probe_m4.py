"""The vectorised ProbeM4 keeps exactly the rows of the per-column loop it replaced.

``_LoopProbeM4`` below is the previous implementation, kept here only as the reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from vegafigs.engines.stream import ProbeM4, ts_probe


class _LoopProbeM4:
    """The previous ProbeM4 (a Python loop per pixel column), verbatim."""

    def __init__(self, probe: np.ndarray, columns: Sequence[str]) -> None:
        self.probe = np.asarray(probe, dtype=np.int64)
        self.columns = list(columns)
        self.offset = 0
        self.kept: list[pd.DataFrame] = []
        self.open: dict[str, Any] | None = None

    def push(self, rows: pd.DataFrame) -> None:
        n = len(rows)
        if n == 0:
            return
        g = np.arange(self.offset, self.offset + n)
        self.offset += n
        p = self.probe
        k = np.searchsorted(p, g, side="right") - 1
        on = (k >= 0) & (p[np.maximum(k, 0)] == g)
        inside = (k >= 0) & ~on & (k + 1 < p.size)
        values = {c: rows[c].to_numpy(dtype=float) for c in self.columns}
        starts = np.flatnonzero(np.diff(k, prepend=k[0] - 1))
        for a, b in zip(starts.tolist(), [*starts[1:].tolist(), n], strict=True):
            kk = int(k[a])
            if on[a]:
                self._close(kk - 1, rows, a, values)
                self.kept.append(rows.iloc[[a]])
                self._start(kk, rows, a, values)
            idx = a + np.flatnonzero(inside[a:b])
            if idx.size:
                self._inside(kk, rows, idx, values)

    def _start(self, k: int, rows: pd.DataFrame, i: int, values: dict[str, np.ndarray]) -> None:
        if k + 1 < self.probe.size and self.probe[k + 1] > self.probe[k] + 1:
            first = {c: float(v[i]) for c, v in values.items()}
            self.open = {"k": k, "first": first, "best": {}}

    def _inside(self, k: int, rows: pd.DataFrame, idx: np.ndarray,
                values: dict[str, np.ndarray]) -> None:  # fmt: skip
        state = self.open
        if state is None or state["k"] != k:
            return
        for c, v in values.items():
            part = v[idx]
            for how, j in (("min", int(np.argmin(part))), ("max", int(np.argmax(part)))):
                best = state["best"].get((c, how))
                val = float(part[j])
                better = best is None or (val < best[0] if how == "min" else val > best[0])
                if better:
                    at = int(idx[j])
                    state["best"][(c, how)] = (val, self.offset - len(rows) + at, rows.iloc[[at]])

    def _close(self, k: int, rows: pd.DataFrame, i: int, values: dict[str, np.ndarray]) -> None:
        state = self.open
        if state is None or state["k"] != k:
            return
        self.open = None
        picked: dict[int, pd.DataFrame] = {}
        for (c, how), (val, g, row) in state["best"].items():
            first, last = state["first"][c], float(values[c][i])
            lower = val < first and val <= last
            if lower if how == "min" else (val > first and val >= last):
                picked[g] = row
        self.kept.extend(picked[g] for g in sorted(picked))

    def finish(self) -> pd.DataFrame:
        parts = [p for p in self.kept if len(p)]
        if not parts:
            return pd.DataFrame()
        out = pd.concat(parts, ignore_index=True)
        return out.sort_values("x", kind="mergesort").reset_index(drop=True)


def _series(rng: np.random.Generator, n: int, t: int, *, nan: bool) -> np.ndarray:
    kind = t % 4
    if kind == 0:
        ys = rng.normal(size=n)
    elif kind == 1:
        ys = rng.integers(0, 3, n).astype(float)  # many ties
    elif kind == 2:  # constant stretches
        ys = np.repeat(rng.normal(size=n // 50 + 1), 50)[:n]
    else:
        ys = np.round(rng.normal(size=n).cumsum(), 1)
    if t % 7 == 0:
        ys[: n // 3] = 1.5  # a long constant start
    if nan:
        ys[rng.random(n) < 0.01] = np.nan
    return ys


def _frame(rng: np.random.Generator, n: int, t: int, *, nan: bool) -> pd.DataFrame:
    xs = np.sort(rng.choice(3 * n, n, replace=False)).astype(float)
    ys = _series(rng, n, t, nan=nan)
    return pd.DataFrame({
        "x": xs * 0.1 + 1e5 if t % 2 else xs + 25, "y": ys, "y2": ys[::-1].copy(),
        "label": pd.Categorical(np.where(np.arange(n) % 3, "a", "b")),
        "i": np.arange(n), "s": [f"r{j}" for j in range(n)],
    })  # fmt: skip


def _sizes(rng: np.random.Generator, n: int, t: int) -> list[int]:
    out, left = [], n
    top = [2, 7, 40, 400, 5000][t % 5]
    while left > 0:
        s = int(rng.integers(0, top + 1))
        out.append(min(s, left))
        left -= min(s, left)
    return out


def _check(frame: pd.DataFrame, probe: np.ndarray, cols: list[str], sizes: list[int]) -> None:
    old, new = _LoopProbeM4(probe, cols), ProbeM4(probe, cols)
    start = 0
    for s in sizes:
        part = frame.iloc[start : start + s]
        part = part.set_axis(np.arange(100, 100 + len(part)))  # an index not from 0
        old.push(part)
        new.push(part)
        start += s
    pd.testing.assert_frame_equal(new.finish(), old.finish())


@pytest.mark.parametrize(
    ("nan", "rounds", "longest"),
    [(False, 25, 800), (True, 25, 800),
     pytest.param(False, 50, 2500, marks=pytest.mark.slow),
     pytest.param(True, 50, 2500, marks=pytest.mark.slow)],
)  # fmt: skip
def test_probe_m4_matches_the_loop(nan: bool, rounds: int, longest: int) -> None:
    """Random series (ties, constant stretches), widths, pushes of random sizes (empty,
    one row, many columns per push), one or two columns, extra carried columns."""
    rng = np.random.default_rng(longest + (11 if nan else 12))
    for t in range(rounds):
        n = int(rng.integers(1, longest)) if t % 10 else int(rng.integers(1, 6))
        w = int(rng.integers(2, 120))
        frame = _frame(rng, n, t, nan=nan)
        probe = ts_probe(frame["x"].to_numpy(), w)
        cols = ["y", "y2"] if t % 3 == 0 else ["y"]
        _check(frame, probe, cols, _sizes(rng, n, t))


def test_probe_m4_matches_the_loop_on_a_truncated_or_longer_series() -> None:
    """Fewer rows than the probe covers (columns never closed) or more (rows past it)."""
    rng = np.random.default_rng(13)
    for t in range(20):
        n = int(rng.integers(50, 600))
        frame = _frame(rng, n, t, nan=False)
        probe = ts_probe(frame["x"].to_numpy(), int(rng.integers(2, 60)))
        cut = int(rng.integers(1, n + 1))
        _check(frame.iloc[:cut], probe, ["y"], _sizes(rng, cut, t))
        short = probe[probe < cut]
        if short.size:
            _check(frame, short, ["y", "y2"], _sizes(rng, n, t))


def test_probe_m4_nothing_pushed() -> None:
    probe = ts_probe(np.arange(10.0), 2)
    assert ProbeM4(probe, ["y"]).finish().empty
