"""Numbers that draw right: offsets (1e9 + step), nearly-equal, denormal and huge values.

Each figure is built from values ``offset + tiny * k`` and its scenegraph read
back: the figure builds (or raises a clear ``VegafigsError``), renders, draws
its marks inside the plot in the data's order, distinct values more than a
pixel apart at distinct positions, and all-equal-looking values like all-equal
ones. Spec numbers are rounded relative to their column's span.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vegafigs as vf
from vegafigs import _precision as p
from vegafigs.errors import InputError, VegafigsError
from vegafigs.figures._curves import inline_csv, nice_domain

OFFSETS = (0.0, 1.0, 1e9, 1e12, -1e9, 1e-300, 5e-324, 1e308, 1.7e12)


def tiny_steps(offset: float) -> list[float]:
    """Step sizes that stress ``offset``: none, one ulp, 1e-300, just drawable, ordinary."""
    ulp = float(np.spacing(abs(offset))) if offset else 5e-324
    return [0.0, ulp, 1e-300, max(abs(offset), 1.0) * 2e-12, max(abs(offset), 1.0) * 0.01]


# ---------------------------------------------------------------- scenegraph
@dataclass
class Mark:
    """A drawn mark: its type, role, name, items (absolute px) and enclosing plot group."""

    marktype: str
    role: str | None
    name: str | None
    items: list[dict[str, Any]]
    group: tuple[float, float, float, float]  # x, y, width, height (absolute)


@dataclass
class Scene:
    marks: list[Mark] = field(default_factory=list)

    def of(self, marktype: str, role: str = "mark") -> list[Mark]:
        return [m for m in self.marks if m.marktype == marktype and m.role == role]

    def labels(self) -> list[list[str]]:
        """The tick label texts of each axis."""
        return [[str(i.get("text")) for i in m.items] for m in self.of("text", "axis-label")]


def scene(fig: Any) -> Scene:
    """The scenegraph of ``fig`` as marks; a broken one (Vega failed) fails the test."""
    import vl_convert as vlc

    from vegafigs.export import to_spec

    graph = vlc.vegalite_to_scenegraph(to_spec(fig))["scenegraph"]
    out = Scene()

    def walk(node: Any, ox: float, oy: float, grp: tuple[float, float, float, float]) -> None:
        assert node is not None, "the scenegraph has a missing item: Vega failed to draw"
        if "marktype" in node:
            items = []
            for item in node.get("items", []):
                assert item is not None, "the scenegraph has a missing item: Vega failed to draw"
                x, y = ox + float(item.get("x", 0) or 0), oy + float(item.get("y", 0) or 0)
                items.append({**item, "abs_x": x, "abs_y": y})
            out.marks.append(Mark(node["marktype"], node.get("role"), node.get("name"), items, grp))
            for item, placed in zip(node.get("items", []), items, strict=True):
                if node["marktype"] == "group":
                    inner = grp
                    if "width" in item and "height" in item:
                        inner = (placed["abs_x"], placed["abs_y"], item["width"], item["height"])
                    for child in item.get("items", []):
                        walk(child, placed["abs_x"], placed["abs_y"], inner)
            return
        raise AssertionError(f"unexpected scenegraph node {node!r:.80}")

    walk(graph, 0.0, 0.0, (0.0, 0.0, math.inf, math.inf))
    return out


def inside(mark: Mark, *, tol: float = 0.6) -> None:
    """Every item of ``mark`` (and a rect's far corner) lies in its plot group."""
    gx, gy, gw, gh = mark.group
    for item in mark.items:
        corners = [(item["abs_x"], item["abs_y"])]
        if mark.marktype == "rect":
            corners.append((item["abs_x"] + item["width"], item["abs_y"] + item["height"]))
        for x, y in corners:
            assert math.isfinite(x) and math.isfinite(y), item
            assert gx - tol <= x <= gx + gw + tol and gy - tol <= y <= gy + gh + tol, (
                f"{mark.marktype} at ({x:.1f}, {y:.1f}) outside the plot {mark.group}"
            )


def in_order(
    values: np.ndarray,
    pos: np.ndarray,
    *,
    length: float,
    sign: float = 1.0,
    domain: tuple[float, float] | None = None,
) -> None:
    """Positions follow ``values``: equal values at one place, values apart by more than
    1.5 px (at ``length`` px for the values' span) at distinct positions, in order.

    ``sign`` -1: larger values are drawn at smaller positions (a y axis).
    ``domain``: the axis' range when wider than the values' (a zero-based axis;
    Vega's nice rounding may widen it by up to 2x more, hence 3 px then).
    """
    lo, hi = float(values.min()), float(values.max())
    if not p.drawable(lo, hi):  # drawn as all-equal values
        assert np.ptp(pos) < 0.5, f"nearly-equal values spread over {np.ptp(pos):.2f} px"
        return
    order = np.argsort(values, kind="stable")
    v, x = values[order], pos[order] * sign
    span, least = (hi - lo, 1.5) if domain is None else (domain[1] - domain[0], 3.0)
    gaps = np.diff(v) / span * length
    moves = np.diff(x)
    assert np.all(moves[gaps > least] > 0.5), list(zip(gaps, moves, strict=True))
    assert np.all(np.abs(moves[gaps == 0]) < 0.5)
    assert np.all(moves > -0.5), "positions out of the values' order"


def build(make: Callable[[], Any]) -> Any | None:
    """The figure, or None when it raised a ``VegafigsError`` (any other exception fails)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return make()
    except VegafigsError:
        return None


def values_of(offset: float, tiny: float, n: int) -> np.ndarray:
    return offset + tiny * np.arange(n, dtype=float)


def too_big(v: np.ndarray) -> bool:
    return bool(np.max(np.abs(v)) > p.MAX_ABS)


def check_build(fig: Any, v: np.ndarray, *, repeated_ok: bool = False) -> bool:
    """Whether to go on checking: None only for huge values (or repeated x when allowed)."""
    if fig is not None:
        assert not too_big(v), "values beyond 1e300 must be an InputError"
        return True
    assert too_big(v) or (repeated_ok and len(np.unique(v)) < len(v)), "unexpected error"
    return False


# ---------------------------------------------------------------- figures
def training(x: np.ndarray, y: np.ndarray) -> Any:
    df = pd.DataFrame({"m": "a", "s": x, "v": y})
    return vf.figures.training_curves(df, x="s", y="v", series="m", smooth=None, band=None)


def rewards(x: np.ndarray, y: np.ndarray) -> Any:
    n = len(x)
    df = pd.DataFrame({"run": "a", "step": np.tile(x, 2), "value": np.tile(y, 2),
                       "metric": ["reward"] * n + ["response_length"] * n})  # fmt: skip
    return vf.figures.reward_length(df, smooth=None, raw=False, interactive=False)


def check_line(fig: Any, x: np.ndarray, y: np.ndarray, *, panels: int = 1) -> None:
    lines = scene(fig).of("line")
    assert len(lines) == panels
    for line in lines:
        inside(line)
        assert len(line.items) == len(x)
        px = np.array([i["abs_x"] for i in line.items])
        py = np.array([i["abs_y"] for i in line.items])
        in_order(x, px, length=line.group[2])
        in_order(y, py, length=line.group[3], sign=-1.0)
        if not p.drawable(float(y.min()), float(y.max())):  # flat: inside, not on an edge
            top, height = line.group[1], line.group[3]
            assert top + 0.1 * height < py[0] < top + 0.9 * height


@pytest.mark.slow
@pytest.mark.parametrize("offset", OFFSETS)
@pytest.mark.parametrize("figure", [training, rewards], ids=["training", "reward_length"])
def test_curves_offset_x_and_y(figure: Callable[..., Any], offset: float) -> None:
    """x = offset + tiny * k, then y = offset + tiny * k: ordered points inside the plot."""
    steps = np.arange(6, dtype=float)
    for i, tiny in enumerate(tiny_steps(offset)):
        v = values_of(offset, tiny, 6)
        xs, ys = (v, np.sin(steps)) if i % 2 else (steps * 100, v)
        fig = build(lambda xs=xs, ys=ys: figure(xs, ys))
        if check_build(fig, v, repeated_ok=True):
            check_line(fig, xs, ys, panels=1 if figure is training else 2)


@pytest.mark.parametrize(
    "x, y",
    [
        (np.arange(4.0), np.array([1.0, np.nextafter(1.0, 2.0), 1.0, 1.0])),  # 1 ulp apart
        (np.arange(4.0), 5e-324 * np.arange(4)),  # denormals
        (np.arange(4.0), 1e-300 * np.arange(4)),  # 1e-300 apart
        (np.arange(4.0), np.full(4, -1e9)),  # all equal
        (1e-300 * np.arange(1, 5), np.arange(4.0)),  # x steps of 1e-300
        (1e12 + np.arange(4.0), np.arange(4.0)),  # epoch-ms-like steps
    ],
    ids=["ulp", "denormal", "1e-300", "equal", "x-1e-300", "x-1e12"],
)
def test_curves_nearly_equal(x: np.ndarray, y: np.ndarray) -> None:
    check_line(training(x, y), x, y)
    check_line(rewards(x, y), x, y, panels=2)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    offset=st.sampled_from(OFFSETS),
    which=st.integers(0, 4),
    n=st.integers(1, 12),
    axis=st.sampled_from(["x", "y"]),
    figure=st.sampled_from([training, rewards]),
)
@pytest.mark.slow
def test_curves_property(offset: float, which: int, n: int, axis: str, figure: Any) -> None:
    tiny = tiny_steps(offset)[which]
    k = np.arange(n, dtype=float)
    v = values_of(offset, tiny, n)
    x, y = (v, np.cos(k)) if axis == "x" else (k, v)
    fig = build(lambda: figure(x, y))
    if check_build(fig, v, repeated_ok=axis == "x"):
        check_line(fig, x, y, panels=1 if figure is training else 2)


def test_offset_steps_keep_their_digits() -> None:
    """1e9 + step is written exactly (7 significant digits made a staircase), ticks differ."""
    steps = 1e9 + np.arange(0, 1000, 10, dtype=float)
    y = np.sin(np.arange(100) / 7)
    fig = training(steps, y)
    check_line(fig, steps, y)
    x_labels = scene(fig).labels()[0]
    assert len(set(x_labels)) == len(x_labels) >= 3, x_labels
    assert "1000000010" in inline_csv(pd.DataFrame({"s": steps}), numeric=["s"]).values


def test_epoch_ms_and_tiny_y_keep_their_digits() -> None:
    """Epoch ms (1.7e12) 1 ms apart and y = 1 + 1e-9 k draw as distinct points."""
    x = 1.7e12 + np.arange(20, dtype=float)
    y = 1 + 1e-9 * np.arange(20)
    check_line(training(x, y), x, y)
    check_line(rewards(x, y), x, y, panels=2)


def test_training_defaults_on_offset_steps() -> None:
    """Smoothing and seed bands over 1e9 + step: every step drawn, in order."""
    rng = np.random.default_rng(0)
    steps = 1e9 + np.arange(50, dtype=float)
    df = pd.concat([pd.DataFrame({"m": m, "seed": s, "step": steps,
                                  "acc": rng.normal(0.5, 0.05, 50)})
                    for m in "ab" for s in range(3)])  # fmt: skip
    fig = vf.figures.training_curves(df, x="step", y="acc", series="m", seed="seed")
    for line in scene(fig).of("line"):
        inside(line)
        px = np.array([i["abs_x"] for i in line.items])
        in_order(steps, px, length=line.group[2])


# ---------------------------------------------------------------- bar_trend
def bars(v: np.ndarray) -> Any:
    df = pd.DataFrame({"c": [f"c{i}" for i in range(len(v))], "v": v})
    # No value labels: '.2f' labels of 1e12 (or 5e-324) are too wide for their bars (an
    # InputError); the bars are what is checked.
    return vf.figures.bar_trend(df, x="c", y="v", labels=False)


def check_bars(fig: Any, v: np.ndarray) -> None:
    rects = scene(fig).of("rect")
    assert len(rects) == 1 and len(rects[0].items) == len(v)
    inside(rects[0])
    tops = np.array([i["abs_y"] for i in rects[0].items])
    heights = np.array([i["height"] for i in rects[0].items])
    assert np.all(heights > 1)  # every bar visible above the domain's floor
    in_order(v, tops, length=rects[0].group[3], sign=-1.0)


@pytest.mark.slow
@pytest.mark.parametrize("offset", OFFSETS)
def test_bar_trend_nearly_equal(offset: float) -> None:
    for tiny in tiny_steps(offset):
        for n in (3,):
            v = values_of(offset, tiny, n)
            fig = build(lambda v=v: bars(v))
            if check_build(fig, v):
                check_bars(fig, v)


def test_bar_trend_one_ulp_apart() -> None:
    """Two values 1 ulp apart (a ZeroDivisionError before) draw as two equal bars."""
    v = np.array([1.0, np.nextafter(1.0, 2.0)])
    fig = bars(v)
    check_bars(fig, v)
    lo, hi = fig.layers["bars"].encoding.y.to_dict()["scale"]["domain"]
    assert lo < 1.0 < hi


def test_bar_trend_narrow_y_domain_is_an_error() -> None:
    with pytest.raises(InputError, match="y_domain"):
        vf.figures.bar_trend(pd.DataFrame({"c": ["a"], "v": [1.0]}), x="c", y="v",
                             y_domain=(1.0, 1.0 + 1e-15))  # fmt: skip


# ---------------------------------------------------------------- scaling_curves
def scaling(v: np.ndarray) -> Any:
    df = pd.DataFrame({"m": "a", "p": np.arange(1, len(v) + 1, dtype=float), "v": v})
    return vf.figures.scaling_curves(df, x="p", y="v", series="m")


@pytest.mark.slow
@pytest.mark.parametrize("offset", OFFSETS)
def test_scaling_nearly_equal(offset: float) -> None:
    for tiny in tiny_steps(offset):
        v = values_of(offset, tiny, 4)
        fig = build(lambda v=v: scaling(v))
        if check_build(fig, v):
            sc = scene(fig)
            (line,) = sc.of("line")
            inside(line)
            py = np.array([i["abs_y"] for i in line.items])
            axis = (min(float(v.min()), 0.0), max(float(v.max()), 0.0))  # zero-based y
            in_order(v, py, length=line.group[3], sign=-1.0, domain=axis)
            y_labels = sc.labels()[1]
            assert len(set(y_labels)) == len(y_labels), y_labels


# ---------------------------------------------------------------- histograms
def hist(v: np.ndarray, bins: int = 25) -> Any:
    return vf.figures.metric_histograms(pd.DataFrame({"v": v, "p": "a"}), x="v", panel="p",
                                        bins=bins)  # fmt: skip


def check_hist(fig: Any, v: np.ndarray) -> None:
    counts = fig.data["bins"]["count"].to_numpy()
    assert counts.sum() == len(v)
    sc = scene(fig)
    (rects,) = [m for m in sc.of("rect") if len(m.items) == len(counts)]  # not the stats box
    inside(rects)
    drawn = [i for i in rects.items if i["height"] > 0.5]
    assert len(drawn) == int((counts > 0).sum())
    if not p.drawable(float(v.min()), float(v.max())):
        assert len(drawn) == 1, "nearly-equal values: one bar"
    x_labels = sc.labels()[0]
    assert len(set(x_labels)) == len(x_labels), x_labels


@pytest.mark.slow
@pytest.mark.parametrize("offset", OFFSETS)
def test_histograms_nearly_equal(offset: float) -> None:
    """1 ulp apart (numpy's ValueError before), 1e-300 apart, denormal: one bar or many."""
    for tiny in tiny_steps(offset):
        for n in (7,):
            v = values_of(offset, tiny, n)
            fig = build(lambda v=v: hist(v))
            if check_build(fig, v):
                check_hist(fig, v)


def test_histogram_all_equal_keeps_numpy_range() -> None:
    fig = hist(np.full(10, 0.4))
    frame = fig.data["bins"]
    assert frame["bin_start"].min() == pytest.approx(-0.1)
    assert frame["bin_end"].max() == pytest.approx(0.9)


def test_histogram_bins_too_narrow_is_an_error() -> None:
    from vegafigs.transforms import histogram_bins

    df = pd.DataFrame({"v": [1.0, 1.0 + 2e-12]})
    assert len(histogram_bins(df, value="v", bins=25)) == 25
    with pytest.raises(InputError, match="bins: 10000 bins"):
        histogram_bins(df, value="v", bins=10_000)
    with pytest.raises(InputError, match="extent"):
        histogram_bins(df, value="v", extent=(1.0, 1.0 + 1e-15))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    offset=st.sampled_from(OFFSETS),
    which=st.integers(0, 4),
    n=st.integers(1, 12),
    figure=st.sampled_from(["hist", "bars", "scaling"]),
)
@pytest.mark.slow
def test_category_and_bin_figures_property(offset: float, which: int, n: int, figure: str) -> None:
    v = values_of(offset, tiny_steps(offset)[which], n)
    make = {"hist": hist, "bars": bars, "scaling": scaling}[figure]
    fig = build(lambda: make(v))
    if check_build(fig, v) and figure == "hist":
        check_hist(fig, v)
    elif fig is not None and figure == "bars":
        check_bars(fig, v)
    elif fig is not None:
        scene(fig)


# ---------------------------------------------------------------- huge values
@pytest.mark.parametrize(
    "make",
    [
        lambda v: training(np.arange(len(v), dtype=float), v),
        lambda v: rewards(np.arange(len(v), dtype=float), v),
        bars,
        scaling,
        hist,
    ],
    ids=["training", "reward_length", "bar_trend", "scaling", "histograms"],
)
def test_huge_values_name_the_column(make: Callable[[np.ndarray], Any]) -> None:
    """Values whose span overflows (-1e308 .. 1e308): an InputError naming the column."""
    with pytest.raises(InputError, match="cannot be drawn"):
        make(np.array([-1e308, 0.0, 1e308]))


# ---------------------------------------------------------------- spec numbers
@settings(max_examples=200, deadline=None)
@given(
    offset=st.sampled_from([0.0, 1.0, -3.5, 1e9, 1.7e12, 1e-300, 1e300]),
    scale=st.floats(1e-12, 1e12),
    raw=st.lists(st.floats(-1, 1), min_size=2, max_size=20),
)
def test_spec_strings_error_below_span(offset: float, scale: float, raw: list[float]) -> None:
    """Written values are within 1e-6 of their column's span (or exact)."""
    v = offset + max(abs(offset), 1.0) * (scale * 1e-9) * np.array(raw, dtype=float)
    back = np.array([float(t) for t in p.spec_strings(v)])
    span = p.column_span(v)
    assert np.all(np.abs(back - v) <= max(span * p.REL_ERROR, 0.0) + np.spacing(np.abs(v)))


def test_spec_strings_plain_data_unchanged() -> None:
    """Ordinary curve data keeps the 7 significant digits it had (golden specs unchanged)."""
    v = np.array([0.123456789, 0.45, 0.3333333333])
    assert p.spec_strings(v) == [f"{x:.7g}" for x in v]
    assert p.spec_strings(np.array([1.0, np.nan, np.inf])) == ["1", "", ""]


def test_nice_domain_keeps_offset_digits() -> None:
    lo, hi = nice_domain([pd.Series(1e9 + np.array([0.2, 3.7]))])
    assert lo <= 1e9 + 0.2 and hi >= 1e9 + 3.7 and hi - lo < 10


def test_readable_formats() -> None:
    assert p.readable_format("~s", 0, 20000) == "~s"
    assert p.readable_format(".2f", 1e9, 1e9 + 1) == ".2f"  # the caller's format is kept
    assert p.readable_format(None, 0.0, 1.0) is None
    assert p.readable_format(None, 1e-200, 5e-200) == ".2~g"


@pytest.mark.parametrize(
    "v",
    [np.array([1.0, np.nextafter(1.0, 2.0)]), 5e-324 * np.arange(3), 1e-300 * np.arange(3),
     1e9 + 1.2e-7 * np.arange(3), np.full(3, 1e300)],
    ids=["ulp", "denormal", "1e-300", "1e9-ulp", "1e300"],
)  # fmt: skip
def test_nearly_equal_bars_hist_scaling(v: np.ndarray) -> None:
    """One bar / one histogram bar / a flat line, with readable distinct ticks."""
    check_bars(bars(v), v)
    check_hist(hist(v), v)
    (line,) = scene(scaling(v)).of("line")
    inside(line)


@pytest.mark.parametrize(
    "y",
    [1e-200 * np.arange(1, 6), 1e-12 * np.arange(5), 1e20 * np.arange(5), 1e9 + np.arange(5.0)],
    ids=["1e-200", "1e-12", "1e20", "1e9+k"],
)
def test_tick_labels_readable(y: np.ndarray) -> None:
    """Value axes label distinct, short ticks (Vega's default showed 1e-200 as 0.000…0)."""
    x = np.arange(len(y), dtype=float)
    axes = [
        scene(training(x, y)).labels()[1],
        scene(rewards(x, y)).labels()[1],
        scene(scaling(y)).labels()[1],
        scene(bars(y)).labels()[1],
        scene(hist(y)).labels()[0],
    ]
    for labels in axes:
        assert len(labels) >= 2 and len(set(labels)) == len(labels), labels
        assert max(len(t) for t in labels) <= 16, labels
