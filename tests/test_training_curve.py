"""The training_curve gallery figure: what the reader sees (scenegraph, pixels)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from tests.conftest import png_array
from vegafigs._pixels import differing_fraction
from vegafigs.errors import InputError
from vegafigs.testing import drawn_texts, scene_items, undrawn_texts
from vegafigs.themes.fonts import COMPUTER_MODERN_BOLD


@pytest.fixture(scope="module")
def chart():
    from vegafigs.gallery import FIGURES

    return FIGURES["training_curve"].build()


@pytest.fixture(scope="module")
def items(chart):
    return scene_items(chart)


def test_every_text_is_drawn(chart):
    texts = drawn_texts(chart)
    for want in ["LiveCodeBench v6", "Number of Generations", "Accuracy", "SDPO", "GRPO",
                 "Claude Sonnet 4", "0", "5k", "10k", "15k", "20k", "0.30", "0.35", "0.40",
                 "0.45", "0.50"]:  # fmt: skip
        assert want in texts
    assert "0k" not in texts
    assert undrawn_texts(chart) == []


def test_legend_has_three_entries_bottom_right_sdpo_bold(items):
    labels = [
        i
        for i in items
        if i["marktype"] == "text" and i.get("text") in ("SDPO", "GRPO", "Claude Sonnet 4")
    ]
    assert [t["text"] for t in sorted(labels, key=lambda t: t["abs_y"])] == [
        "SDPO",
        "GRPO",
        "Claude Sonnet 4",
    ]
    fonts = {t["text"]: (t.get("font"), t.get("fontWeight")) for t in labels}
    assert fonts["SDPO"] == (COMPUTER_MODERN_BOLD, "bold")
    assert fonts["GRPO"][1] in (None, "normal")
    ticks = [i for i in items if i["marktype"] == "text" and i.get("text") in ("0", "20k")]
    plot_right = max(t["abs_x"] for t in ticks)
    plot_left = min(t["abs_x"] for t in ticks)
    # the legend sits in the right part, below the middle of the plot
    assert all(t["abs_x"] > (plot_left + plot_right) / 2 for t in labels)
    y_labels = [i for i in items if i["marktype"] == "text" and i.get("text") in ("0.50", "0.30")]
    mid = sum(t["abs_y"] for t in y_labels) / 2
    assert all(t["abs_y"] > mid for t in labels)


def test_reference_line_dotted_grey_and_in_legend(items):
    rules = [i for i in items if i["marktype"] == "rule"]
    assert any(r.get("stroke") == "#AAAAAA" and r.get("strokeDash") == [1.8, 3.6] for r in rules)
    symbols = [i for i in items if i["marktype"] == "symbol" and i.get("strokeDash") == [1.8, 3.6]]
    assert symbols, "the dotted reference line has no legend symbol"


def test_bands_are_translucent_and_under_the_lines(chart, items):
    areas = [i for i in items if i["marktype"] == "area"]
    lines = [i for i in items if i["marktype"] == "line"]
    assert {a["fill"] for a in areas} == {"#2CA02C", "#1F77B4"}
    assert all(a.get("fillOpacity") == pytest.approx(0.2) for a in areas)
    assert {ln["stroke"] for ln in lines} == {"#2CA02C", "#1F77B4"}
    spec = vf.to_spec(chart)
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks.index("area") < marks.index("line")  # drawn first = underneath


def test_band_is_mean_plus_minus_std_of_smoothed_seeds(chart):
    df = vf.demo.training_curve()
    sm = vf.transforms.ema(df, x="step", y="accuracy", weight=0.96, by=["method", "seed"])
    last = sm[sm.step == 20000].groupby("method")["accuracy_smooth"]
    spec = vf.to_spec(chart)
    csv = spec["datasets"][spec["data"]["name"]]
    assert spec["data"]["format"]["type"] == "csv"
    rows = pd.read_csv(io.StringIO(csv))
    end = rows[rows.step == 20000].set_index("method")
    for method in ("SDPO", "GRPO"):
        assert end.loc[method, "accuracy"] == pytest.approx(last.mean()[method], rel=1e-6)
        half = end.loc[method, "upper"] - end.loc[method, "accuracy"]
        assert half == pytest.approx(last.std(ddof=1)[method], rel=1e-4)


def test_long_logs_are_reduced_and_draw_the_same_picture():
    n = 30_000
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "method": np.repeat(["A", "B"], n),
            "step": np.tile(np.arange(n), 2),
            "acc": np.concatenate([np.cumsum(rng.normal(size=n)), np.cumsum(rng.normal(size=n))]),
        }
    )
    kw = dict(x="step", y="acc", series="method", smooth=None, width_in=3, height_in=2)
    small = vf.figures.training_curves(df, dpi=72, **kw)
    full = vf.figures.training_curves(df, downsample=False, dpi=72, **kw)
    assert len(vf.spec_json(small)) < len(vf.spec_json(full)) / 10
    a = png_array(vf.export.render(small, "png", dpi=72))
    b = png_array(vf.export.render(full, "png", dpi=72))
    # The raw random walk (30,000 points in ~140 pixel columns) draws the same picture.
    assert differing_fraction(a, b) < 0.002
    assert differing_fraction(a, b, shift=1) < 0.0005


def test_bad_inputs_are_named():
    df = vf.demo.training_curve()
    with pytest.raises(InputError, match="highlight"):
        vf.figures.training_curves(df, x="step", y="accuracy", series="method", highlight="PPO")
    with pytest.raises(InputError, match="'acc'"):
        vf.figures.training_curves(df, x="step", y="acc", series="method")
    with pytest.raises(InputError, match="weight"):
        vf.figures.training_curves(df, x="step", y="accuracy", series="method", smooth="ema:2")
    with pytest.raises(InputError, match="lower/upper"):
        vf.figures.training_curves(df, x="step", y="accuracy", series="method", lower="accuracy")
