"""Numbers users really log draw right (issue 10, item 7).

Offsets: steps logged as ``1e9 + step`` (or wall-clock seconds / epoch ms) and
values ``1 + 1e-9 * k`` must draw the same shape as ``step`` and ``k``: the
marks' positions, relative to the data's extent, equal those of the plain
frame (so they increase strictly where the plain ones do). Nearly-equal values
(1 ulp apart, denormals, the largest floats) build and render, or are a
``VegafigsError`` — never numpy's ``ValueError``, a ``ZeroDivisionError`` ...
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest

import vegafigs as vf
from vegafigs.errors import VegafigsError

from ._anyinput import ALL_CASES, Item, build, scene, slow_figures, string_ids

#: Property tests over whole figures (many renders): in CI's main run, not the
#: minimum-versions run.
pytestmark = pytest.mark.slow

#: Cases drawn on Vega-Lite's default zero-based scale (points: x and y; the other layers
#: and scaling_curves: y). There ``1 + 1e-9 * k`` or ``1e9 + step`` is correctly drawn
#: flat: a nanometre on a metre stick. The figures with data-fitted axes are tested.
ZERO_BASED_X = {"layers.points"}
ZERO_BASED_Y = {n for n in ALL_CASES if n.startswith("layers.")} | {"scaling_curves"}
X_CASES = [n for n, c in ALL_CASES.items() if c.numeric_x and n not in ZERO_BASED_X]
X_OFFSETS = {"1e9": 1e9, "epoch ms 1.7e12": 1.7e12}
Y_CASES = [
    n for n, c in ALL_CASES.items()
    if ("y" in c.cols or "lower" in c.cols) and n not in ZERO_BASED_Y
]  # fmt: skip


def _positions(items: list[Item], axis: str) -> dict[str, list[float]]:
    """Per mark (type and name: one per panel), the data marks' positions along ``axis``."""
    out: dict[str, list[float]] = defaultdict(list)
    for i in items:
        if i.role == "mark" and i.marktype in ("line", "area", "symbol", "rect"):
            v = i.get(axis)
            if isinstance(v, (int, float)) and math.isfinite(v):
                out[f"{i.marktype} {i.mark}"].append(float(v))
    return out


def _relative(values: list[float]) -> np.ndarray:
    a = np.asarray(values)
    span = a.max() - a.min()
    return (a - a.min()) / span if span > 0 else a * 0


def _same_shape(got: list[Item], want: list[Item], axis: str, *, what: str) -> None:
    g, w = _positions(got, axis), _positions(want, axis)
    assert g.keys() == w.keys(), f"{what}: mark types {sorted(g)}, expected {sorted(w)}"
    for kind in w:
        assert len(g[kind]) == len(w[kind]), (
            f"{what}: {len(g[kind])} {kind} items, expected {len(w[kind])}"
        )
        rg, rw = _relative(g[kind]), _relative(w[kind])
        bad = np.flatnonzero(np.abs(rg - rw) > 0.01)
        assert bad.size == 0, (
            f"{what}: {kind} {axis} positions (relative to their extent) differ from the plain "
            f"frame's at {bad.size} of {rg.size} items, e.g. item {bad[0]}: {rg[bad[0]]:.4f} "
            f"instead of {rw[bad[0]]:.4f} (px {g[kind][bad[0]]:.2f}; first px "
            f"{[round(v, 1) for v in g[kind][:8]]})"
        )


def _x_labels_distinct(items: list[Item], *, what: str) -> None:
    by_row: dict[float, list[str]] = defaultdict(list)
    for i in items:
        if i.marktype == "text" and i.role == "axis-label" and not i.get("angle"):
            by_row[round(float(i.get("y")), 0)].append(" ".join(i.lines))
    for labels in by_row.values():
        # Panels side by side repeat the same axis: one panel's labels, each once.
        n = labels.index(labels[0], 1) if labels.count(labels[0]) > 1 else len(labels)
        first, panels = labels[:n], len(labels) // n
        if labels == first * panels and len(labels) % n == 0:
            labels = first
        if len(labels) > 1:
            assert len(set(labels)) == len(labels), f"{what}: repeated x tick labels {labels}"


@pytest.mark.parametrize("offset", list(X_OFFSETS))
@pytest.mark.parametrize("name", slow_figures(X_CASES))
def test_x_offsets_keep_the_steps_apart(name, offset):
    case = ALL_CASES[name]
    df, levels = string_ids(case)
    plain = build(lambda: case.build(df, **case.level_kw(levels)), what=f"{name} plain")
    shifted = df.assign(**{case.cols["x"]: df[case.cols["x"]] + X_OFFSETS[offset]})
    what = f"{name} with x = {offset} + step"
    fig = build(lambda: case.build(shifted, **case.level_kw(levels)), what=what)
    got = scene(fig, what=what)
    _same_shape(got, scene(plain, what=name), "x", what=what)


@pytest.mark.parametrize("offset", list(X_OFFSETS))
@pytest.mark.parametrize("name", slow_figures(X_CASES))
def test_x_offsets_give_distinct_tick_labels(name, offset):
    case = ALL_CASES[name]
    df, levels = string_ids(case)
    shifted = df.assign(**{case.cols["x"]: df[case.cols["x"]] + X_OFFSETS[offset]})
    what = f"{name} with x = {offset} + step"
    fig = build(lambda: case.build(shifted, **case.level_kw(levels)), what=what)
    _x_labels_distinct(scene(fig, what=what), what=what)


@pytest.mark.parametrize("offset", [1e9, 1.7e12])
@pytest.mark.parametrize("name", ["metric_histograms", "layers.histogram"])
def test_histogram_of_offset_samples_has_the_same_bars(name, offset):
    case = ALL_CASES[name]
    df, levels = string_ids(case)
    plain = build(lambda: case.build(df, **case.level_kw(levels)), what=f"{name} plain")
    shifted = df.assign(**{case.cols["x"]: df[case.cols["x"]] + offset})
    what = f"{name} of {offset:g} + samples"
    fig = build(lambda: case.build(shifted, **case.level_kw(levels)), what=what)
    got, want = scene(fig, what=what), scene(plain, what=name)
    _same_shape(got, want, "x", what=what)
    heights = lambda items: [round(i.get("height", 0), 1) for i in items if i.marktype == "rect"  # noqa: E731
                             and i.role == "mark"]  # fmt: skip
    assert heights(got) == heights(want), (
        f"{what}: bar heights {heights(got)}, expected {heights(want)}"
    )


def _y_columns(case) -> list[str]:
    return [case.cols[p] for p in ("y", "lower", "upper") if p in case.cols]


@pytest.mark.parametrize("name", slow_figures(Y_CASES))
def test_values_near_one_keep_their_shape(name):
    """``y = 1 + 1e-9 * k`` draws like ``k`` (no staircase, no flat line)."""
    case = ALL_CASES[name]
    df, levels = string_ids(case)
    kw = case.level_kw(levels)
    small = df.copy()
    for col in _y_columns(case):
        small[col] = 1.0 + 1e-9 * df[col]
    if "err" in case.cols:
        small[case.cols["err"]] = 1e-9 * df[case.cols["err"]]
    plain_kw, small_kw = dict(kw), dict(kw)
    if name in ("bar_trend", "training_curves"):
        ref = 56.0 if name == "bar_trend" else 0.4
        plain_kw["reference"], small_kw["reference"] = ref, 1.0 + 1e-9 * ref
    what = f"{name} with y = 1 + 1e-9 * y"
    plain = build(lambda: case.build(df, **plain_kw), what=f"{name} plain")
    fig = build(lambda: case.build(small, **small_kw), what=what)
    _same_shape(scene(fig, what=what), scene(plain, what=name), "y", what=what)


NEAR = {
    "1 ulp apart": [1.0, float(np.nextafter(1.0, 2.0))],
    "denormals": [5e-324, 1e-323],
    "largest floats": [1.7e308, 1.7976931348623157e308],
    "-0.0 and 0.0": [-0.0, 0.0],
    "1e9 and 1 ulp more": [1e9, float(np.nextafter(1e9, 2e9))],
}

NEAR_CASES = [*Y_CASES, "metric_histograms", "layers.histogram"]


@pytest.mark.parametrize("values", list(NEAR))
@pytest.mark.parametrize("name", slow_figures(NEAR_CASES))
def test_nearly_equal_values_build_and_render(name, values):
    case = ALL_CASES[name]
    df, levels = string_ids(case)
    a, b = NEAR[values]
    cols = _y_columns(case) if "y" in case.cols or "lower" in case.cols else [case.cols["x"]]
    for col in cols:
        df[col] = np.where(np.arange(len(df)) % 2 == 0, a, b)
    kw = case.level_kw(levels)
    if name in ("bar_trend", "training_curves"):
        kw["reference"] = a
    what = f"{name} with values {values} ({a!r}, {b!r})"
    try:
        fig = case.build(df, **kw)
    except VegafigsError:
        return  # a clear error at build time is fine
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(f"{what}: raised {type(exc).__name__}: {exc}") from exc
    scene(fig, what=what)
    try:
        vf.export.render(fig, "svg")
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(
            f"{what}: built, but saving SVG raised {type(exc).__name__}: {exc}"
        ) from exc
