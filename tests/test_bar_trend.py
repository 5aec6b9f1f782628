"""warmup_ablation / bar_trend and its layers, checked on the rendered scenegraph."""

from __future__ import annotations

import re

import altair as alt
import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs.errors import InputError
from vegafigs.testing import drawn_texts, scene_items, undrawn_texts
from vegafigs.themes.fonts import COMPUTER_MODERN, TIMES, text_width

from .conftest import assert_png_size, png_array

VALUES = [55.69, 57.74, 57.11, 57.54, 57.27, 56.32]
LIGHT, DARK = (154, 196, 245), (66, 138, 229)  # #9AC4F5, #428AE5


@pytest.fixture(scope="module")
def chart():
    from vegafigs.gallery import FIGURES

    return FIGURES["warmup_ablation"].build()


@pytest.fixture(scope="module")
def items(chart):
    return scene_items(chart)


def _rgb(color: str) -> tuple[int, ...]:
    if color.startswith("#"):
        return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(int(v) for v in re.findall(r"\d+", color)[:3])


def _bars(items):
    return sorted((i for i in items if i["mark"] == "layer_0_marks"), key=lambda b: b["abs_x"])


def _y_of(items):
    """Value -> px on the y axis, from the bars' own tops and common bottom."""
    bars = _bars(items)
    (b0, b1) = bars[0], bars[1]
    ppu = (b0["abs_y"] - b1["abs_y"]) / (VALUES[1] - VALUES[0])
    return lambda v: b0["abs_y"] - (v - VALUES[0]) * ppu


def test_six_bars_in_order_with_heights_following_values(items):
    bars = _bars(items)
    assert len(bars) == 6
    assert [b["description"].split(";")[0] for b in bars] == [
        f"Warmup Steps: {s}" for s in (5, 10, 15, 20, 25, 30)
    ]
    heights = np.array([b["height"] for b in bars])
    # same order as the values, and proportional to value - 54.2 (the plot bottom)
    assert list(np.argsort(heights)) == list(np.argsort(VALUES))
    ratio = heights / (np.array(VALUES) - 54.2)
    assert np.allclose(ratio, ratio[0], rtol=1e-6)
    bottoms = {round(b["abs_y"] + b["height"], 6) for b in bars}
    assert len(bottoms) == 1  # all start at the bottom of the plot
    assert {b["stroke"] for b in bars} == {"#3A78CC"}


def test_fills_darken_with_the_value_on_a_power_scale(items):
    bars = _bars(items)
    fills = [_rgb(b["fill"]) for b in bars]
    lum = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in fills]
    by_value = np.argsort(VALUES)
    assert all(lum[a] > lum[b] for a, b in zip(by_value, by_value[1:], strict=False))
    assert fills[int(np.argmin(VALUES))] == LIGHT
    assert fills[int(np.argmax(VALUES))] == DARK
    lo, hi = min(VALUES), max(VALUES)
    for v, rgb in zip(VALUES, fills, strict=True):
        t = ((v - lo) / (hi - lo)) ** 0.4  # power-normalised, not linear
        want = [a + (b - a) * t for a, b in zip(LIGHT, DARK, strict=True)]
        assert np.allclose(rgb, want, atol=1.01)
    # close high scores stay apart: 57.54 vs 57.74 differ by >= 4 levels of red
    assert abs(fills[1][0] - fills[3][0]) >= 4


def test_value_labels_show_the_values_above_their_bars(chart, items):
    bars = _bars(items)
    labels = sorted((i for i in items if i["mark"] == "layer_2_marks"), key=lambda t: t["abs_x"])
    assert [t["text"] for t in labels] == [f"{v:.2f}" for v in VALUES]
    offsets = chart.data["bars"]["label_offset"].tolist()
    for bar, lab, lift in zip(bars, labels, offsets, strict=True):
        assert lab["dy"] == pytest.approx(-lift)  # the data holds the lift drawn
        assert lab["abs_x"] == pytest.approx(bar["abs_x"] + bar["width"] / 2, abs=0.01)
        assert lab["abs_y"] + lab["dy"] < bar["abs_y"] - 5  # bottom of the text above the top


def _labels_clear_the_line(items):
    line = sorted(
        ((i["abs_x"], i["abs_y"]) for i in items if i["mark"] == "layer_1_layer_0_marks"),
    )
    assert len(line) == 6
    labels = [i for i in items if i["mark"] == "layer_2_marks"]
    for lab in labels:
        half = text_width(lab["text"], font=TIMES, size=lab["fontSize"]) / 2
        bottom = lab["abs_y"] + lab["dy"]
        x0, x1 = lab["abs_x"] - half, lab["abs_x"] + half
        for (ax, ay), (bx, by) in zip(line, line[1:], strict=False):
            for x in np.linspace(max(x0, ax), min(x1, bx), 9):
                if max(x0, ax) <= min(x1, bx):
                    y_line = ay + (by - ay) * (x - ax) / (bx - ax)
                    assert y_line > bottom + 1, (lab["text"], x, y_line, bottom)


def test_value_labels_clear_the_trend_line(items):
    _labels_clear_the_line(items)


def _gallery_at(width_in, height_in, **kw):
    return vf.figures.bar_trend(
        vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score",
        reference=vf.demo.WARMUP_BASELINE, reference_label="GRPO 55.79",
        y_domain=(54.2, 58.2), y_ticks=[55, 56, 57, 58], x_title="Warmup Steps",
        y_title="Avg Score", width_in=width_in, height_in=height_in, **kw,
    )  # fmt: skip


@pytest.mark.parametrize("size", [(3.25, 2.0), (6.75, 2.5), (2.4, 1.6)])
def test_value_labels_clear_the_trend_line_at_other_sizes(size):
    fig = _gallery_at(*size)
    _labels_clear_the_line(scene_items(fig))
    assert undrawn_texts(fig) == []


@pytest.mark.parametrize("size", [(3.25, 2.0), (6.75, 2.5)])
@pytest.mark.parametrize("dpi", [100, 300])
def test_png_is_exactly_the_size_asked_for(size, dpi):
    assert_png_size(_gallery_at(*size), size, dpi)


def test_trend_markers_are_white_on_the_bar_tops(items):
    bars = _bars(items)
    marks = sorted(
        (i for i in items if i["mark"] == "layer_1_layer_1_marks"), key=lambda m: m["abs_x"]
    )
    assert len(marks) == 6
    assert {m["fill"] for m in marks} == {"white"}
    for bar, m in zip(bars, marks, strict=True):
        assert m["abs_y"] == pytest.approx(bar["abs_y"], abs=0.01)
        assert m["abs_x"] == pytest.approx(bar["abs_x"] + bar["width"] / 2, abs=0.01)


def test_reference_rule_sits_at_55_79_inside_the_plot_with_its_label(items):
    y_of = _y_of(items)
    (rule,) = [i for i in items if i["mark"] == "layer_3_layer_0_marks"]
    assert rule["abs_y"] == pytest.approx(y_of(55.79), abs=0.05)
    bottom = _bars(items)[0]["abs_y"] + _bars(items)[0]["height"]
    assert 0 < rule["abs_y"] < bottom
    assert rule["strokeDash"] == [5, 3] and rule["stroke"] == "#D4686A"
    assert sorted([rule["x"], rule["x2"]])[0] == 0  # spans the plot from its left edge
    (label,) = [i for i in items if i["mark"] == "layer_3_layer_1_marks"]
    assert label["text"] == "GRPO 55.79" and label["fill"] == "#C53E43"
    assert label["abs_y"] + label["dy"] < rule["abs_y"]  # just above the line
    assert label["abs_y"] + label["dy"] > rule["abs_y"] - 5
    assert label["align"] == "left" and 0 <= label["abs_x"] < 5  # at the left end
    assert label["fontSize"] == 6 and label["fill"] == "#C53E43"  # 6/7 of the text size


def test_axes_titles_and_ticks_drawn(chart):
    texts = drawn_texts(chart)
    for want in ["Warmup Steps", "Avg Score", "55", "56", "57", "58", "GRPO 55.79"]:
        assert want in texts
    for step in (5, 10, 15, 20, 25, 30):
        assert str(step) in texts
    assert "54" not in texts and "58.5" not in texts
    assert undrawn_texts(chart) == []


def test_figure_size_is_the_whole_picture(chart):
    img = png_array(vf.export.render(chart, "png", dpi=100))
    assert img.shape[:2] == (230, 360)  # 2.3 x 3.6 in at 100 dpi


def test_figure_has_named_layers_and_the_numbers_drawn(chart):
    assert isinstance(chart, vf.Figure)
    assert list(chart.layers) == ["bars", "trend", "labels", "reference"]
    df = vf.demo.warmup_ablation()
    bars = chart.data["bars"]
    # x as drawn: each category's string form (a chart made from this frame lands on the bars)
    assert bars["warmup_steps"].tolist() == [str(v) for v in df["warmup_steps"]]
    assert bars["avg_score"].tolist() == pytest.approx(df["avg_score"].tolist())
    assert (bars["label_offset"] >= 10).all() and bars["label_offset"].iloc[0] > 10
    ref = chart.data["reference"]
    assert ref["avg_score"].tolist() == [vf.demo.WARMUP_BASELINE]
    assert ref["label"].tolist() == ["GRPO 55.79"]
    drawn = chart.data["bars"]
    drawn.loc[0, "avg_score"] = 0  # a copy: the figure is unchanged
    assert chart.data["bars"]["avg_score"].iloc[0] == pytest.approx(VALUES[0])


def test_replace_without_and_add_recompose_the_figure(chart):
    items = scene_items(chart.without("trend", "reference"))
    assert not [i for i in items if i["marktype"] in {"line", "rule"} and i["mark"]]
    assert len(_bars(items)) == 6
    moved = chart.replace("reference", vf.layers.hline(57.5, label="target"))
    assert "target" in drawn_texts(moved) and "GRPO 55.79" not in drawn_texts(moved)
    extra = (
        alt.Chart(pd.DataFrame({"avg_score": [56.5]}))
        .mark_rule(color="#00ff00")
        .encode(y="avg_score:Q")
    )
    added = chart + extra
    assert list(added.layers)[-1] == "extra"
    (rule,) = [
        i for i in scene_items(added) if i["marktype"] == "rule" and i.get("stroke") == "#00ff00"
    ]
    y_of = _y_of(scene_items(added))
    assert rule["abs_y"] == pytest.approx(y_of(56.5), abs=0.05)  # on the figure's y scale


def test_configure_axis_keeps_the_themes_other_axis_settings(chart):
    spec = chart.configure_axis(labelFontSize=20).to_dict()
    axis = spec["config"]["axis"]
    assert axis["labelFontSize"] == 20
    assert axis["tickColor"] == "#9490a8" and axis["labelColor"] == "#2e2b40"
    assert axis["labelFont"] == TIMES and axis["titleFontSize"] == 9
    assert "axis" not in chart.chart.to_dict().get("config", {})  # theme not in the chart


def test_latex_theme_with_small_fonts():
    fig = _gallery_at(3.25, 2.0, theme=vf.latex(font_size=8))
    spec = fig.to_dict()
    assert spec["config"]["axis"]["titleFontSize"] == 8
    assert spec["config"]["axis"]["tickSize"] == {"expr": "-5"}  # latex's inward ticks kept
    titles = [i for i in scene_items(fig, marktype="text") if i.get("text") == "Avg Score"]
    assert titles and {t["font"] for t in titles} == {COMPUTER_MODERN}
    assert titles[0]["fontSize"] == 8
    img = png_array(vf.export.render(fig, "png", dpi=100))
    assert img.shape[:2] == (200, 325)


def test_venue_style_sets_size_and_font_sizes():
    style = vf.themes.venue("icml")
    fig = vf.figures.bar_trend(vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score",
                               style=style)  # fmt: skip
    assert (fig.width_in, fig.height_in) == (style.width_in, style.height_in)
    labels = [i for i in scene_items(fig, marktype="text") if i["mark"] == "layer_2_marks"]
    assert {t["fontSize"] for t in labels} == {style.text_size}


def test_enabled_vegafigs_theme_is_followed():
    df = pd.DataFrame({"step": ["a", "b"], "score": [1.0, 2.0]})
    with alt.theme.enable("vegafigs-sans"):
        fig = vf.figures.bar_trend(df, x="step", y="score")
    assert fig.theme["font"] == vf.themes.SANS


def test_layers_build_a_new_bar_chart_without_the_figure_function():
    df = pd.DataFrame({"method": ["A", "B", "C"], "acc": [0.61, 0.7, 0.64]})
    chart = (
        vf.layers.bars(df, x="method", y="acc", order=["C", "A", "B"])
        + vf.layers.trend_line(df, x="method", y="acc", order=["C", "A", "B"])
        + vf.layers.value_labels(df, x="method", y="acc", label_format=".1%", order=["C", "A", "B"])
        + vf.layers.hline(0.65, label="baseline", label_position="right")
    )
    chart = vf.layers.set_axis(chart, "y", title="Accuracy", domain=(0.5, 0.75))
    chart = chart.properties(width=200, height=120, config=vf.paper())
    items = scene_items(chart)
    bars = sorted((i for i in items if i["mark"] == "layer_0_marks"), key=lambda b: b["abs_x"])
    assert [b["description"].split(";")[0] for b in bars] == [f"method: {m}" for m in "CAB"]
    texts = drawn_texts(chart)
    assert {"61.0%", "70.0%", "64.0%", "baseline", "Accuracy"} <= set(texts)
    assert "acc" not in texts  # one y title, not "acc, y"
    (rule,) = [i for i in items if i["marktype"] == "rule" and i["mark"]]
    ya, yb = bars[1]["abs_y"], bars[2]["abs_y"]  # tops of A (0.61) and B (0.70)
    assert rule["abs_y"] == pytest.approx(ya - (ya - yb) * 0.04 / 0.09, abs=0.05)
    frame = next(i for i in items if i["mark"] == "root")
    assert ya + (0.61 - 0.5) * (ya - yb) / 0.09 == pytest.approx(frame["height"], abs=0.05)


def test_equal_values_share_the_middle_colour():
    df = pd.DataFrame({"x": ["a", "b"], "y": [2.0, 2.0]})
    chart = vf.layers.bars(df, x="x", y="y").properties(width=100, height=80)
    fills = {_rgb(i["fill"]) for i in scene_items(chart, marktype="rect") if i["mark"]}
    assert len(fills) == 1
    (rgb,) = fills
    assert all(min(a, b) < c < max(a, b) for a, b, c in zip(LIGHT, DARK, rgb, strict=True))


def test_label_offsets_lift_only_labels_next_to_a_rise():
    df = pd.DataFrame({"v": [1.0, 3.0, 2.9, 1.0]})
    out = vf.transforms.label_offsets(df, y="v", step_px=40, px_per_unit=40, min_offset=8)
    assert list(out.columns) == ["v", "label_offset"]
    lifts = out["label_offset"].tolist()
    assert lifts[0] > 8 and lifts[3] > 8  # next to steep rises
    assert lifts[1] == 8  # the peak
    assert lifts[2] == 8  # the rise to its left is only 4 px over 40 px
    assert df.columns.tolist() == ["v"]  # input unchanged


def test_nan_values_are_dropped_with_a_warning():
    df = pd.DataFrame({"step": [1, 2, 3], "score": [1.0, np.nan, 2.0]})
    with pytest.warns(UserWarning, match="dropped 1 row"):
        chart = vf.figures.bar_trend(df, x="step", y="score")
    bars = [i for i in scene_items(chart, marktype="rect") if i["mark"] == "layer_0_marks"]
    assert len(bars) == 2


def test_default_domain_and_no_baseline_still_draw():
    df = pd.DataFrame({"step": ["a", "b"], "score": [3.0, 3.0]})
    chart = vf.figures.bar_trend(df, x="step", y="score", trend=False)
    labels = [i["text"] for i in scene_items(chart, marktype="text") if i["mark"]]
    assert labels == ["3.00", "3.00"]
    assert {"step", "score", "a", "b"} <= set(drawn_texts(chart))


GOOD = pd.DataFrame({"step": [5, 10], "score": [1.0, 2.0]})


@pytest.mark.filterwarnings("ignore:bar_trend. dropped")
@pytest.mark.parametrize(
    ("frame", "kwargs", "match"),
    [
        (pd.DataFrame(), {}, "empty"),
        ([1, 2], {}, "DataFrame"),
        (GOOD.rename(columns={"score": "s"}), {}, r"missing column\(s\) 'score'.*'s'"),
        (GOOD.assign(score=["a", "b"]), {}, "must be numeric"),
        (GOOD.assign(score=[np.nan, np.inf]), {}, "no rows with finite"),
        (GOOD.assign(step=[5, 5]), {}, "categories must be unique"),
        (GOOD, {"order": [5, 7]}, "order"),
        (GOOD, {"width_in": 0.5}, "width_in/height_in: .* too small"),
    ],
)
def test_bad_input_is_a_clear_error(frame, kwargs, match):
    with pytest.raises(InputError, match=match):
        vf.figures.bar_trend(frame, x="step", y="score", **kwargs)


def test_layer_errors_name_the_parameter():
    with pytest.raises(InputError, match="bar_width"):
        vf.layers.bars(GOOD, x="step", y="score", bar_width=1.5)
    with pytest.raises(InputError, match="'nope'"):
        vf.layers.value_labels(GOOD, x="step", y="score", offset="nope")
    with pytest.raises(InputError, match="channel"):
        vf.layers.set_axis(vf.layers.bars(GOOD, x="step", y="score"), "z")


def test_custom_gradient_gets_a_darker_matching_edge():
    df = pd.DataFrame({"x": ["a", "b"], "y": [1.0, 2.0]})
    chart = vf.layers.bars(df, x="x", y="y", colors=("#F5C49A", "#E5862A"))
    rects = scene_items(chart.properties(width=80, height=60), marktype="rect")
    (edge,) = {r["stroke"] for r in rects}
    assert edge != "#3A78CC"
    assert all(e < c for e, c in zip(_rgb(edge), _rgb("#E5862A"), strict=True))
    assert {_rgb(r["fill"]) for r in rects} == {_rgb("#F5C49A"), _rgb("#E5862A")}


@pytest.mark.parametrize("labels", [False, True], ids=["no-labels", "labels"])
@pytest.mark.parametrize(
    "categories", [[5, 10, 15, 20], ["b", "a", "d", "c"], [0.5, 1.5, 3.0, 7.0]],
    ids=["ints", "strings", "floats"],
)  # fmt: skip
def test_a_layer_made_from_fig_data_lands_on_the_bars(categories, labels):
    """fig + chart with fig.data["bars"] (the guide's example): each text over its own bar,
    in the figure's order, not sorted alphabetically nor piled at the axis."""
    df = pd.DataFrame({"c": categories, "v": [3.0, 1.0, 4.0, 2.0]})
    fig = vf.figures.bar_trend(df, x="c", y="v", trend=False, labels=labels).without(
        *(["labels"] if labels else [])
    )
    text = (
        alt.Chart(fig.data["bars"])
        .mark_text(dy=-6)
        .encode(x="c:O", y="v:Q", text=alt.Text("v:Q", format=".1f"))
    )
    items = scene_items(fig + text)
    rects = [i for i in items if i["marktype"] == "rect" and i.get("width", 0) > 2]
    bars = [i for i in rects if "height" in i]
    texts = [i for i in items if i["marktype"] == "text" and i.get("dy") == -6]
    assert len(texts) == 4
    centres = {round(b["abs_x"] + b["width"] / 2): b for b in bars}
    for t in texts:
        assert round(t["abs_x"]) in centres, (t["text"], t["abs_x"], sorted(centres))
    by_x = [t["text"] for t in sorted(texts, key=lambda t: t["abs_x"])]
    assert by_x == ["3.0", "1.0", "4.0", "2.0"]  # the data's order, as the bars
