from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs.demo import GRAD_METRICS
from vegafigs.errors import InputError
from vegafigs.testing import drawn_texts, scene_items, undrawn_texts


def _panel_frames(items):
    """Plot-area group of each concat panel, by index."""
    return {
        int(i["mark"].split("_")[1]): i
        for i in items
        if i["marktype"] == "group" and (i["mark"] or "").endswith("_group")
    }


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
        assert {b["fill"] for b in bars} == {vf.figures.histograms.PANEL_COLORS[idx]}
        assert {b["stroke"] for b in bars} == {"white"}
        assert len(df[df.panel == name]) == spec["n"]
        # bars are adjoining: each starts where the previous ends
        xs = sorted((b["abs_x"], b["abs_x"] + b["width"]) for b in bars)
        assert all(abs(a[1] - b[0]) < 1e-6 for a, b in zip(xs, xs[1:], strict=False))


def test_counts_match_numpy_histogram(hist_chart):
    df = vf.demo.grad_metrics_hist()
    spec = vf.to_spec(hist_chart)
    datasets = list(spec["datasets"].values())
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
    chart = vf.figures.metric_histograms(df, value="value", panel="panel", stats=quoted)
    texts = drawn_texts(chart)
    assert "50.0000" in texts and "10.0000" in texts


def test_layers_compose_on_user_charts():
    df = pd.DataFrame({"v": np.arange(100.0)})
    chart = vf.layers.histogram(df, value="v", bins=10) + vf.layers.stats_box(
        {"max": 99, "min": 0, "mean": 49.5}, corner="lower left"
    )
    texts = drawn_texts(chart.properties(width=200, height=150))
    assert "49.5000" in texts


@pytest.mark.parametrize(
    ("frame", "kwargs", "match"),
    [
        (pd.DataFrame(), {}, "empty"),
        (pd.DataFrame({"x": [1.0]}), {}, r"missing column\(s\) 'value'.*'x'"),
        (pd.DataFrame({"value": ["a", "b"], "panel": ["p", "p"]}), {}, "must be numeric"),
        (pd.DataFrame({"value": [1.0, 2.0], "panel": ["p", "p"]}), {"bins": 0}, "bins"),
        (pd.DataFrame({"value": [1.0, 2.0], "panel": ["p", "p"]}), {"order": ["q"]}, "order"),
        (pd.DataFrame({"value": [1.0], "panel": ["p"]}), {"colors": ["r", "g"]}, "colors"),
        (pd.DataFrame({"value": [1.0], "panel": ["p"]}), {"width_in": -1}, "width_in"),
    ],
)
def test_bad_input_is_a_clear_error(frame, kwargs, match):
    with pytest.raises(InputError, match=match):
        vf.figures.metric_histograms(frame, value="value", panel="panel", **kwargs)


def test_nan_is_dropped_with_a_warning():
    df = pd.DataFrame({"value": [1.0, np.nan, np.inf, 2.0], "panel": "p"})
    with pytest.warns(UserWarning, match="dropped 2 row"):
        chart = vf.figures.metric_histograms(df, value="value", panel="panel")
    assert "2.0000" in drawn_texts(chart)


def test_all_equal_values_and_single_row_still_draw():
    for df in (
        pd.DataFrame({"value": [3.0] * 5, "panel": "p"}),
        pd.DataFrame({"value": [3.0], "panel": "p"}),
    ):
        chart = vf.figures.metric_histograms(df, value="value", panel="panel")
        assert "3.0000" in drawn_texts(chart)
