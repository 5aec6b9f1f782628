"""model_scaling / scaling_curves, checked on the rendered scenegraph."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs.errors import InputError
from vegafigs.testing import drawn_texts, scene_items, undrawn_texts
from vegafigs.themes import fonts

from .conftest import assert_png_size

COLORS = vf.demo.MODEL_SCALING_COLORS


@pytest.fixture(scope="module")
def chart():
    from vegafigs.gallery import FIGURES

    return FIGURES["model_scaling"].build()


@pytest.fixture(scope="module")
def items(chart):
    return scene_items(chart)


def _by_color(items, mark, key):
    out: dict[str, list[dict]] = {}
    for i in items:
        if i["mark"] == mark:
            out.setdefault(i[key], []).append(i)
    return {k: sorted(v, key=lambda i: i["abs_x"]) for k, v in out.items()}


def test_x_positions_are_equally_spaced_categories(items):
    lines = _by_color(items, "layer_1_marks", "stroke")
    assert set(lines) == set(COLORS.values())
    xs = [round(i["abs_x"], 6) for i in lines[COLORS["SDPO"]]]
    assert len(xs) == 4
    gaps = np.diff(xs)
    assert np.allclose(gaps, gaps[0]) and gaps[0] > 100  # 0.6, 1.7, 4, 8: evenly spaced
    for pts in lines.values():
        assert [round(i["abs_x"], 6) for i in pts] == xs
    ticks = [i for i in items if i["marktype"] == "text" and i["text"] in {"0.6", "1.7", "4", "8"}]
    assert [t["text"] for t in sorted(ticks, key=lambda t: t["abs_x"])] == ["0.6", "1.7", "4", "8"]
    assert np.allclose(sorted(t["abs_x"] for t in ticks), np.array(xs) + ticks[0]["abs_x"] - xs[0])


def test_each_band_contains_its_line(items):
    bands = _by_color(items, "layer_0_marks", "fill")
    lines = _by_color(items, "layer_1_marks", "stroke")
    assert set(bands) == {COLORS["SDPO"], COLORS["GRPO"]}  # the base model has no spread
    for color, band_pts in bands.items():
        assert len(band_pts) == 4
        assert {b.get("fillOpacity") for b in band_pts} == {0.18}  # the theme's, set once
        for b, ln in zip(band_pts, lines[color], strict=True):
            assert b["abs_x"] == pytest.approx(ln["abs_x"])
            lo, hi = sorted([b["y"], b["y2"]])
            assert lo < ln["abs_y"] < hi
            assert hi - lo > 3  # a visible ribbon, not a line


def test_markers_have_dark_edges_and_series_fills(items):
    marks = [i for i in items if i["mark"] == "layer_2_marks"]
    assert len(marks) == 12
    assert {m["stroke"] for m in marks} == {"black"}
    assert {m["fill"] for m in marks} == set(COLORS.values())


def test_only_the_highlighted_legend_label_is_bold(items):
    labels = {
        i["text"]: i
        for i in items
        if i["marktype"] == "text" and not i["mark"] and i["text"] in COLORS
    }
    assert set(labels) == set(COLORS)
    assert labels["SDPO"]["fontWeight"] == "bold"
    assert labels["SDPO"]["font"] == fonts.COMPUTER_MODERN_BOLD
    for name in ("GRPO", "base model"):
        assert labels[name]["fontWeight"] == "normal"
        assert labels[name]["font"] == fonts.COMPUTER_MODERN
    # legend order = data order, in the bottom-right quarter of the plot
    assert [n for n, _ in sorted(labels.items(), key=lambda kv: kv[1]["abs_y"])] == list(COLORS)
    frame = next(i for i in items if i["mark"] == "root")
    for lab in labels.values():
        assert frame["width"] * 0.75 < lab["abs_x"] < frame["width"]
        assert frame["height"] * 0.7 < lab["abs_y"] < frame["height"]
    symbols = [i for i in items if i["marktype"] == "symbol" and not i["mark"]]
    assert sorted(s["fill"] for s in symbols) == sorted(COLORS.values())
    assert {s.get("opacity", 1) for s in symbols} == {1}


def test_texts_are_drawn(chart):
    texts = drawn_texts(chart)
    for want in ["Model scaling (Qwen3)", "Model parameters (B)", "Accuracy", "0.1", "0.5"]:
        assert want in texts
    assert undrawn_texts(chart) == []


def test_lower_upper_equal_err_bands():
    df = vf.demo.model_scaling()
    by_err = vf.figures.scaling_curves(df, x="params_b", y="accuracy", series="method", err="std")
    df = df.assign(lo=df.accuracy - df["std"], hi=df.accuracy + df["std"])
    by_lu = vf.figures.scaling_curves(
        df, x="params_b", y="accuracy", series="method", lower="lo", upper="hi"
    )

    def band_ys(c):
        return [v for i in scene_items(c, marktype="area") for v in (i["y"], i["y2"])]

    assert band_ys(by_err) == pytest.approx(band_ys(by_lu))
    no_band = vf.figures.scaling_curves(df, x="params_b", y="accuracy", series="method")
    assert scene_items(no_band, marktype="area") == []


def test_nan_accuracy_is_dropped_with_a_warning():
    df = vf.demo.model_scaling()
    df.loc[0, "accuracy"] = np.nan
    with pytest.warns(UserWarning, match="dropped 1 row"):
        c = vf.figures.scaling_curves(df, x="params_b", y="accuracy", series="method")
    assert len([i for i in scene_items(c) if i["mark"] == "layer_1_marks"]) == 11


GOOD = pd.DataFrame({"n": [1.0, 2.0, 1.0, 2.0], "acc": [0.1, 0.2, 0.3, 0.4], "m": list("aabb")})


@pytest.mark.parametrize(
    ("frame", "kwargs", "match"),
    [
        (pd.DataFrame(), {}, "empty"),
        (GOOD.drop(columns="m"), {}, r"missing column\(s\) 'm'.*'n', 'acc'"),
        (GOOD.assign(acc=list("wxyz")), {}, "'acc' must be numeric"),
        (GOOD.assign(n=list("wxyz")), {}, "'n' must be numeric"),
        (GOOD, {"err": "acc", "lower": "acc", "upper": "acc"}, "either err"),
        (GOOD, {"lower": "acc"}, "lower/upper"),
        (GOOD, {"err": "nope"}, "'nope'"),
        (GOOD.assign(e=list("wxyz")), {"err": "e"}, "'e' must be numeric"),
        (GOOD.assign(e=-0.1), {"err": "e"}, "err"),
        (GOOD.assign(lo=0.5, hi=0.0), {"lower": "lo", "upper": "hi"}, "lower/upper"),
        (GOOD, {"highlight": "c"}, "highlight"),
        (GOOD, {"order": ["c"]}, "order"),
        (GOOD.assign(m="a"), {}, "duplicate"),
        (GOOD, {"palette": {"c": "red"}}, r"palette: \['c'\] are not series"),
        (GOOD, {"width_in": 1.0, "height_in": 0.8}, "width_in/height_in: .* too small"),
    ],
)
def test_bad_input_is_a_clear_error(frame, kwargs, match):
    with pytest.raises(InputError, match=match):
        vf.figures.scaling_curves(frame, x="n", y="acc", series="m", **kwargs)


def test_line_chart_from_layers_has_one_axis_title_and_an_opaque_legend():
    runs = pd.DataFrame(
        {"size": [1, 2, 4] * 2, "acc": [0.2, 0.3, 0.4, 0.1, 0.2, 0.25], "method": list("AAABBB")}
    )
    runs = runs.assign(lo=runs.acc - 0.01, hi=runs.acc + 0.01)
    pal = {"A": "#2CA02C", "B": "#1F77B4"}
    leg = vf.layers.series_legend(highlight="A", font=fonts.COMPUTER_MODERN)
    L = vf.layers
    chart = (
        L.band(runs, x="size", lower="lo", upper="hi", series="method", palette=pal, legend=leg)
        + L.line(runs, x="size", y="acc", series="method", palette=pal, legend=leg)
        + L.points(runs, x="size", y="acc", series="method", palette=pal)
    )
    chart = L.set_axis(chart, "y", title="Accuracy", domain=(0, 0.5), values=[0.1, 0.3, 0.5])
    chart = chart.properties(width=200, height=120, config=vf.latex())
    texts = drawn_texts(chart)
    assert "Accuracy" in texts and not any("lo" in t or "acc" in t for t in texts)
    assert [t for t in texts if t.startswith("0.")] == ["0.1", "0.3", "0.5"]
    symbols = [i for i in scene_items(chart, marktype="symbol") if not i["mark"]]
    assert len(symbols) == 2 and {s.get("opacity", 1) for s in symbols} == {1}
    frame = next(i for i in scene_items(chart) if i["mark"] == "root")
    line_pts = [i for i in scene_items(chart, marktype="line") if i["mark"]]
    top = min(i["abs_y"] for i in line_pts)
    assert top == pytest.approx(frame["height"] * (1 - 0.4 / 0.5), abs=0.05)  # exact domain


def _gallery_at(width_in, height_in, **kw):
    return vf.figures.scaling_curves(
        vf.demo.model_scaling(), x="params_b", y="accuracy", series="method", err="std",
        highlight="SDPO", palette=COLORS, x_title="Model parameters (B)", y_title="Accuracy",
        title="Model scaling (Qwen3)", width_in=width_in, height_in=height_in, **kw,
    )  # fmt: skip


def test_figure_has_named_layers_and_the_numbers_drawn(chart):
    assert isinstance(chart, vf.Figure)
    assert list(chart.layers) == ["band", "line", "points"]
    curves = chart.data["curves"]
    assert curves.columns.tolist() == ["method", "params_b", "accuracy", "lower", "upper"]
    df = vf.demo.model_scaling()
    merged = df.merge(curves, on=["method", "params_b"], suffixes=("", "_drawn"))
    assert len(merged) == len(df) == 12
    assert merged["accuracy_drawn"].tolist() == pytest.approx(merged["accuracy"].tolist())
    spread = merged.dropna(subset=["std"])
    has_band = spread["std"] > 0
    assert spread.loc[has_band, "lower"].tolist() == pytest.approx(
        (spread.accuracy - spread["std"])[has_band].tolist()
    )
    assert merged.loc[merged.method == "base model", "lower"].isna().all()


def test_precomputed_limits_are_drawn_as_given():
    df = vf.demo.model_scaling().assign(
        q10=lambda d: d.accuracy - 0.03, q90=lambda d: d.accuracy + 0.01
    )
    fig = vf.figures.scaling_curves(df, x="params_b", y="accuracy", series="method",
                                    lower="q10", upper="q90")  # fmt: skip
    curves = fig.data["curves"]
    assert (curves["upper"] - curves["accuracy"]).round(9).unique().tolist() == [0.01]
    assert (curves["accuracy"] - curves["lower"]).round(9).unique().tolist() == [0.03]


def test_replace_without_and_add(chart):
    assert scene_items(chart.without("band"), marktype="area") == []
    dashed = vf.layers.line(
        vf.demo.model_scaling(), x="params_b", y="accuracy", series="method", palette=COLORS,
        x_type="O", legend=False,
    ).mark_line(strokeDash=[4, 2])  # fmt: skip
    swapped = chart.replace("line", dashed)
    lines = [i for i in scene_items(swapped, marktype="line") if i["mark"]]
    assert lines and all(i.get("strokeDash") == [4, 2] for i in lines)
    rule = (
        alt.Chart(pd.DataFrame({"accuracy": [0.3]}))
        .mark_rule(color="#ff00ff")
        .encode(y="accuracy:Q")
    )
    (drawn,) = [i for i in scene_items(chart + rule) if i.get("stroke") == "#ff00ff"]
    frame = next(i for i in scene_items(chart) if i["mark"] == "root")
    lo, hi = 0.08, 0.51  # the gallery's y domain
    assert drawn["abs_y"] - frame["abs_y"] == pytest.approx(
        frame["height"] * (hi - 0.3) / (hi - lo), abs=0.6
    )


def test_configure_axis_keeps_the_latex_axis(chart):
    axis = chart.configure_axis(labelFontSize=20).to_dict()["config"]["axis"]
    assert axis["labelFontSize"] == 20
    assert axis["tickSize"] == {"expr": "-5"} and axis["labelFont"] == fonts.COMPUTER_MODERN


@pytest.mark.parametrize("size", [(3.25, 2.0), (6.75, 2.5)])
@pytest.mark.parametrize("dpi", [100, 300])
def test_png_is_exactly_the_size_asked_for(size, dpi):
    assert_png_size(_gallery_at(*size), size, dpi)


@pytest.mark.parametrize("size", [(3.25, 2.0), (6.75, 2.5)])
def test_small_figures_put_the_legend_beside_the_plot(size):
    fig = _gallery_at(*size)
    items = scene_items(fig)
    frame = next(i for i in items if i["mark"] == "root")
    texts = [i for i in items if i["marktype"] == "text" and isinstance(i.get("text"), str)]
    labels = [i for i in texts if not i["mark"] and i["text"] in COLORS]
    assert len(labels) == 3
    assert all(lab["abs_x"] > frame["abs_x"] + frame["width"] for lab in labels)
    assert undrawn_texts(fig) == []


def test_latex_small_fonts_and_venue_style():
    fig = _gallery_at(3.25, 2.0, theme=vf.latex(font_size=8))
    titles = [i for i in scene_items(fig, marktype="text") if i.get("text") == "Accuracy"]
    assert titles[0]["fontSize"] == 8
    style = vf.themes.venue("icml")
    fig = vf.figures.scaling_curves(vf.demo.model_scaling(), x="params_b", y="accuracy",
                                    series="method", style=style)  # fmt: skip
    assert (fig.width_in, fig.height_in) == (style.width_in, style.height_in)
    ticks = [i for i in scene_items(fig, marktype="text") if i.get("text") == "1.7"]
    assert ticks[0]["fontSize"] == style.label_size


def test_stroke_width_defaults_to_the_theme():
    df = vf.demo.model_scaling()
    fig = vf.figures.scaling_curves(df, x="params_b", y="accuracy", series="method",
                                    theme=vf.paper())  # fmt: skip
    lines = [i for i in scene_items(fig, marktype="line") if i["mark"]]
    assert {i["strokeWidth"] for i in lines} == {vf.paper()["line"]["strokeWidth"]}


def test_partial_palette_takes_the_themes_colours_for_the_rest():
    df = vf.demo.model_scaling()
    fig = vf.figures.scaling_curves(df, x="params_b", y="accuracy", series="method",
                                    palette={"GRPO": "#000000"})  # fmt: skip
    strokes = {i["stroke"] for i in scene_items(fig, marktype="line") if i["mark"]}
    tab10 = vf.themes.TAB10
    assert strokes == {tab10[0], "#000000", tab10[2]}
