"""metric_histograms and its layers (histogram, stats_box): what the reader sees and the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs.demo import GRAD_METRICS
from vegafigs.errors import InputError
from vegafigs.figures.histograms import PANEL_COLORS
from vegafigs.testing import drawn_texts, scene_items, undrawn_texts


def _panel_frames(items):
    """Plot-area group of each concat panel, by index."""
    return {
        int(i["mark"].split("_")[1]): i
        for i in items
        if i["marktype"] == "group" and (i["mark"] or "").endswith("_group")
    }


def _small(**kw):
    df = pd.DataFrame({"v": np.r_[np.arange(10.0), np.arange(5.0)], "m": ["a"] * 10 + ["b"] * 5})
    return vf.figures.metric_histograms(df, x="v", panel="m", **kw)


def test_stats_boxes_sit_in_upper_right_and_show_data_stats(hist_chart):
    df = vf.demo.grad_metrics_hist()
    items = scene_items(hist_chart)
    panels = _panel_frames(items)
    assert len(panels) == 3
    texts = drawn_texts(hist_chart)
    for idx, name in enumerate(GRAD_METRICS):
        v = df.loc[df.panel == name, "value"]
        for stat in (v.max(), v.min(), v.mean()):
            assert f"{stat:.4f}" in texts
        (box,) = [i for i in items if i["mark"] == f"concat_{idx}_layer_1_layer_0_marks"]
        frame = panels[idx]
        left, top = frame["abs_x"], frame["abs_y"]
        right, bottom = left + frame["width"], top + frame["height"]
        bx0, by0 = box["abs_x"], box["abs_y"]
        bx1, by1 = bx0 + box["width"], by0 + box["height"]
        assert left < bx0 < bx1 <= right and top <= by0 < by1 < bottom
        # pinned to the upper-right corner: within 10 px of the top and right edges
        assert right - bx1 < 10 and by0 - top < 10
        # and in the right half / top third of the plot
        assert bx0 > left + frame["width"] / 2 and by1 < top + frame["height"] / 3
        # the box fits its text: every stats text of this panel lies inside it
        prefix = f"concat_{idx}_layer_1_layer_"
        box_texts = [
            i for i in items if (i["mark"] or "").startswith(prefix) and i["marktype"] == "text"
        ]
        assert len(box_texts) == 2  # labels (left-aligned) and values (right-aligned)
        for t in box_texts:
            assert bx0 < t["abs_x"] < bx1 and by0 < t["abs_y"] < by1


def test_bars_are_25_bins_with_counts_summing_to_samples(hist_chart):
    df = vf.demo.grad_metrics_hist()
    items = scene_items(hist_chart)
    for idx, (name, spec) in enumerate(GRAD_METRICS.items()):
        bars = [i for i in items if i["mark"] == f"concat_{idx}_layer_0_marks"]
        assert len(bars) == 25
        assert {b["fill"] for b in bars} == {PANEL_COLORS[idx]}
        assert {b["stroke"] for b in bars} == {"white"}
        assert len(df[df.panel == name]) == spec["n"]
        # bars are adjoining: each starts where the previous ends
        xs = sorted((b["abs_x"], b["abs_x"] + b["width"]) for b in bars)
        assert all(abs(a[1] - b[0]) < 1e-6 for a, b in zip(xs, xs[1:], strict=False))


def test_layers_and_data_are_named(hist_chart):
    assert hist_chart.panels == tuple(GRAD_METRICS)
    assert list(hist_chart.layers) == [
        f"{p}/{layer}" for p in GRAD_METRICS for layer in ("hist", "stats")
    ]
    assert sorted(hist_chart.data) == ["bins", "stats"]


def test_data_bins_are_numpy_histogram(hist_chart):
    df = vf.demo.grad_metrics_hist()
    bins = hist_chart.data["bins"]
    assert list(bins.columns) == ["panel", "bin_start", "bin_end", "count"]
    for name in GRAD_METRICS:
        counts, edges = np.histogram(df.loc[df.panel == name, "value"], bins=25)
        mine = bins[bins.panel == name]
        assert mine["count"].tolist() == counts.tolist()
        np.testing.assert_allclose(mine["bin_start"], edges[:-1])
        np.testing.assert_allclose(mine["bin_end"], edges[1:])


def test_data_stats_are_the_numbers_in_the_boxes(hist_chart):
    df = vf.demo.grad_metrics_hist()
    stats = hist_chart.data["stats"].set_index("panel")
    texts = drawn_texts(hist_chart)
    for name in GRAD_METRICS:
        v = df.loc[df.panel == name, "value"].to_numpy()
        np.testing.assert_allclose(stats.loc[name, ["max", "min", "mean"]].astype(float),
                                   [v.max(), v.min(), v.mean()])  # fmt: skip
        assert all(f"{stats.loc[name, k]:.4f}" in texts for k in ("max", "min", "mean"))


def test_counts_in_the_spec_match_numpy_histogram(hist_chart):
    df = vf.demo.grad_metrics_hist()
    datasets = list(vf.to_spec(hist_chart)["datasets"].values())
    for name in GRAD_METRICS:
        counts, _ = np.histogram(df.loc[df.panel == name, "value"], bins=25)
        assert any([r.get("count") for r in d] == counts.tolist() for d in datasets)


def test_titles_and_labels_are_drawn(hist_chart):
    texts = drawn_texts(hist_chart)
    for want in [
        "a) Gradient Dot Product",
        "b) Gradient Cosine Similarity",
        "c) log P(y|x) - log P(y)",
        "Dot Product",
        "Cosine Similarity",
        "Log Prob Difference",
        "Max:",
        "Min:",
        "Mean:",
    ]:
        assert want in texts
    assert texts.count("Frequency") == 3
    assert undrawn_texts(hist_chart) == []


def test_quoted_stats_replace_computed_ones():
    df = vf.demo.grad_metrics_hist()
    quoted = {"Gradient Dot Product": {"max": 50.0, "min": 1.0, "mean": 10.0}}
    fig = vf.figures.metric_histograms(df, x="value", panel="panel", stats=quoted)
    texts = drawn_texts(fig)
    assert "50.0000" in texts and "10.0000" in texts
    assert fig.data["stats"].set_index("panel").loc["Gradient Dot Product", "max"] == 50.0


def test_panels_pick_and_order_the_panels():
    fig = _small(panels=["b", "a"])
    assert fig.panels == ("b", "a")
    texts = drawn_texts(fig)
    assert "a) b" in texts and "b) a" in texts
    assert fig.data["bins"]["m"].unique().tolist() == ["b", "a"]


def test_palette_fills_the_panels_it_leaves_out():
    fig = _small(palette={"b": "#123456"})
    bars = ("concat_0_layer_0_marks", "concat_1_layer_0_marks")
    fills = {i["mark"]: i["fill"] for i in scene_items(fig, marktype="rect") if i["mark"] in bars}
    assert fills == {bars[0]: PANEL_COLORS[0], bars[1]: "#123456"}


def test_stats_in_the_title_when_asked():
    fig = _small(stats_position="title", label_format=".1f")
    assert "stats" not in {name.split("/")[1] for name in fig.layers}
    texts = drawn_texts(fig)
    assert "Max: 9.0" in texts and "Mean: 2.0" in texts


def test_text_sizes_follow_the_theme():
    fig = _small(theme=vf.paper(font_size=7, title_size=8, label_size=6, text_size=5))
    sizes = {}
    for i in scene_items(fig, marktype="text"):
        for line in i["text"] if isinstance(i["text"], list) else str(i["text"]).split("\n"):
            sizes[line] = i["fontSize"]
    assert sizes["a) a"] == 8 and sizes["Frequency"] == 7 and sizes["Max:"] == 5


def test_layers_compose_on_user_charts():
    df = pd.DataFrame({"v": np.arange(100.0)})
    chart = vf.layers.histogram(df, x="v", bins=10) + vf.layers.stats_box(
        {"max": 99, "min": 0, "mean": 49.5}, corner="lower left"
    )
    texts = drawn_texts(chart.properties(width=200, height=150))
    assert "49.5000" in texts


def test_stats_box_font_follows_the_enabled_theme():
    import altair as alt

    with alt.theme.enable("vegafigs-latex"):
        box = vf.layers.stats_box({"max": 1, "min": 0, "mean": 0.5})
    text = box.layer[1].mark
    assert text.font == vf.latex()["text"]["font"]
    assert text.fontSize == vf.latex()["text"]["fontSize"]


@pytest.mark.parametrize(
    ("frame", "kwargs", "match"),
    [
        (pd.DataFrame(), {}, "empty"),
        (pd.DataFrame({"x": [1.0]}), {}, r"missing column\(s\) 'value'.*'x'"),
        (pd.DataFrame({"value": ["a", "b"], "panel": ["p", "p"]}), {}, "must be numeric"),
        (pd.DataFrame({"value": [1.0, 2.0], "panel": ["p", "p"]}), {"panels": ["q"]}, "panels"),
        (pd.DataFrame({"value": [1.0], "panel": ["p"]}), {"palette": {"q": "red"}}, "palette"),
        (pd.DataFrame({"value": [1.0], "panel": ["p"]}), {"x_titles": {"q": "Q"}}, "x_titles"),
        (
            pd.DataFrame({"value": [1.0], "panel": ["p"]}),
            {"stat_keys": ["median"]},
            r"stats\['p'\]: no value for \['median'\]",
        ),
    ],
)
def test_bad_input_is_a_clear_error(frame, kwargs, match):
    with pytest.raises(InputError, match=match):
        vf.figures.metric_histograms(frame, x="value", panel="panel", **kwargs)


def test_nan_is_dropped_with_a_warning():
    df = pd.DataFrame({"value": [1.0, np.nan, np.inf, 2.0], "panel": "p"})
    with pytest.warns(UserWarning, match="dropped 2 row"):
        fig = vf.figures.metric_histograms(df, x="value", panel="panel")
    assert "2.0000" in drawn_texts(fig)
    assert int(fig.data["bins"]["count"].sum()) == 2


def test_all_equal_values_and_single_row_still_draw():
    for df in (
        pd.DataFrame({"value": [3.0] * 5, "panel": "p"}),
        pd.DataFrame({"value": [3.0], "panel": "p"}),
    ):
        fig = vf.figures.metric_histograms(df, x="value", panel="panel")
        assert "3.0000" in drawn_texts(fig)


def test_short_plots_keep_two_count_ticks():
    """Vega gives a plot under ~40 pt one tick ("0"); a short figure gets 0, 20, 40."""
    fig = vf.figures.metric_histograms(vf.demo.grad_metrics_hist(), x="value", panel="panel",
                                       width_in=5.5, height_in=2.0)  # fmt: skip
    texts = drawn_texts(fig)
    assert texts.count("20") >= 3 and texts.count("40") >= 3  # every panel's y axis
    assert "Max: 46.1835" in texts  # the stats moved under the titles
    tall = drawn_texts(vf.figures.metric_histograms(vf.demo.grad_metrics_hist(), x="value",
                                                    panel="panel"))  # fmt: skip
    assert "35" in tall  # the default size keeps Vega's own ticks (0, 5, ..., 35)
