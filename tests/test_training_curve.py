"""The training_curve gallery figure: what the reader sees (scenegraph, pixels)."""

from __future__ import annotations

import io

import altair as alt
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
    assert all(ln["strokeWidth"] == pytest.approx(2.5) for ln in lines)


def test_band_is_mean_plus_minus_std_of_smoothed_seeds(chart):
    df = vf.demo.training_curve()
    sm = vf.transforms.ema(df, x="step", y="accuracy", weight=0.96, by=["method", "seed"])
    last = sm[sm.step == 20000].groupby("method")["accuracy_smooth"]
    end = chart.data["curves"].query("step == 20000").set_index("method")
    for method in ("SDPO", "GRPO"):
        assert end.loc[method, "accuracy"] == pytest.approx(last.mean()[method], rel=1e-12)
        half = end.loc[method, "upper"] - end.loc[method, "accuracy"]
        assert half == pytest.approx(last.std(ddof=1)[method], rel=1e-9)
        assert end.loc[method, "n"] == 3
    runs = chart.data["runs"]
    assert list(runs.columns) == ["method", "seed", "step", "accuracy", "smooth"]
    got = runs.set_index(["method", "seed", "step"])["smooth"]
    want = sm.set_index(["method", "seed", "step"])["accuracy_smooth"]
    np.testing.assert_allclose(got.loc[want.index].to_numpy(), want.to_numpy())


def test_the_spec_holds_one_csv_dataset_for_band_and_line(chart):
    spec = vf.to_spec(chart)
    csv = [v for v in spec["datasets"].values() if isinstance(v, str)]
    assert len(csv) == 1  # band and line share it
    rows = pd.read_csv(io.StringIO(csv[0]))
    np.testing.assert_allclose(rows["accuracy"], chart.data["curves"]["accuracy"], rtol=1e-6)


def test_figure_layers_replace_without_add(chart):
    assert list(chart.layers) == ["band", "line", "reference"]
    assert list(chart.data) == ["curves", "runs"]
    assert len(scene_items(chart.without("band"), marktype="area")) == 0
    rule = alt.Chart().mark_rule(color="#ff00ff", strokeWidth=3).encode(y=alt.datum(0.45))
    added = chart + rule
    assert list(added.layers) == ["band", "line", "reference", "extra"]
    assert any(i.get("stroke") == "#ff00ff" for i in scene_items(added, marktype="rule"))
    red = chart.replace("line", chart.layers["line"].encode(color=alt.value("red")))
    assert {i["stroke"] for i in scene_items(red, marktype="line")} == {"red"}


def test_configure_axis_keeps_the_theme_and_theme_configs_work(chart):
    spec = chart.configure_axis(labelFontSize=20).to_dict()
    axis = spec["config"]["axis"]
    assert axis["labelFontSize"] == 20 and axis["tickSize"] == {"expr": "-5"}
    assert axis["labelFont"] == vf.latex()["axis"]["labelFont"]
    df = vf.demo.training_curve(n_steps=40)
    small = vf.figures.training_curves(
        df, x="step", y="accuracy", series="method", seed="seed", theme=vf.latex(font_size=8)
    )
    assert small.to_dict()["config"]["axis"]["titleFontSize"] == 8
    assert "accuracy" in drawn_texts(small)


@pytest.mark.parametrize("size", [(3.25, 2.0), (6.75, 2.5)])
@pytest.mark.parametrize("dpi", [100, 300])
def test_png_is_exactly_the_size_asked(size, dpi):
    fig = vf.figures.training_curves(
        vf.demo.training_curve(n_steps=60), x="step", y="accuracy", series="method",
        seed="seed", reference=0.406, reference_label="Claude Sonnet 4", title="LiveCodeBench v6",
        width_in=size[0], height_in=size[1],
    )  # fmt: skip
    h, w = png_array(vf.export.render(fig, "png", dpi=dpi)).shape[:2]
    assert abs(w - size[0] * dpi) <= 1 and abs(h - size[1] * dpi) <= 1
    assert undrawn_texts(fig) == []


def test_small_figure_puts_the_legend_under_the_plot():
    df = vf.demo.training_curve(n_steps=60)
    kw = dict(x="step", y="accuracy", series="method", seed="seed", reference=0.406,
              reference_label="Claude Sonnet 4")  # fmt: skip
    for size, orient in (((3.25, 2.0), "bottom"), ((6.5, 4.4), "bottom-right")):
        fig = vf.figures.training_curves(df, width_in=size[0], height_in=size[1], **kw)
        legend = fig.to_dict()["layer"][1]["encoding"]["color"]["legend"]
        assert legend["orient"] == orient
    items = scene_items(vf.figures.training_curves(df, width_in=3.25, height_in=2.0, **kw))
    labels = [i for i in items if i["marktype"] == "text" and i.get("text") in ("SDPO", "GRPO")]
    ticks = [i for i in items if i["marktype"] == "text" and i.get("text") == "step"]
    assert min(t["abs_y"] for t in labels) > ticks[0]["abs_y"]  # under the x title
    assert max(t["abs_x"] + text_extent(t) for t in labels) < 3.25 * 72


def text_extent(item):
    return item.get("width", 0)


def test_precomputed_bounds_and_partial_palette():
    df = vf.demo.training_curve(n_steps=30)
    agg = df.groupby(["method", "step"], as_index=False)["accuracy"].agg(["mean", "std"])
    agg = agg.assign(lo=agg["mean"] - agg["std"], hi=agg["mean"] + agg["std"])
    fig = vf.figures.training_curves(
        agg, x="step", y="mean", series="method", lower="lo", upper="hi", smooth=None,
        palette={"GRPO": "#000000"},
    )  # fmt: skip
    curves = fig.data["curves"]
    np.testing.assert_allclose(curves["lower"], agg.sort_values(["method", "step"])["lo"])
    fills = {a["fill"] for a in scene_items(fig, marktype="area")}
    assert fills == {"#000000", vf.themes.TAB10[1]}  # SDPO (2nd level): the theme's 2nd
    with pytest.raises(InputError, match=r"palette: \['PPO'\] are not series"):
        vf.figures.training_curves(agg, x="step", y="mean", series="method", palette={"PPO": "red"})


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
        vf.figures.training_curves(
            df, x="step", y="accuracy", series="method", seed="seed", highlight="PPO"
        )
    with pytest.raises(InputError, match="'acc'"):
        vf.figures.training_curves(df, x="step", y="acc", series="method")
    with pytest.raises(InputError, match="smooth: ema:2: weight"):
        vf.figures.training_curves(df, x="step", y="accuracy", series="method", smooth="ema:2")
    with pytest.raises(InputError, match="lower/upper"):
        vf.figures.training_curves(df, x="step", y="accuracy", series="method", lower="accuracy")
