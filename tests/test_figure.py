"""The core: ``Figure`` (layers, data, edits), themes under the spec, the size contract, venues.

Uses ``metric_histograms`` (a multi-panel figure fitted by measuring) and small
synthetic figures built with ``make_figure`` / ``Panel`` (single views, fitted
by Vega-Lite's ``autosize: fit``).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from tests.conftest import png_array
from vegafigs._layout import SLACK
from vegafigs._params import VOCABULARY, checked, declared, glossary_markdown
from vegafigs.errors import InputError
from vegafigs.figure import Panel, hconcat, make_figure
from vegafigs.testing import drawn_texts, scene_items
from vegafigs.themes import VENUES

XY = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0, 4.0]})
RULE = alt.Chart(pd.DataFrame({"y": [2.5]})).mark_rule(color="red").encode(y="y:Q")
ICML_COLUMN = vf.themes.venue("icml", span="column", height_ratio=2 / 3.25)


def _layers() -> dict[str, alt.Chart]:
    return {
        "line": alt.Chart(XY).mark_line().encode(x="x:Q", y="y:Q"),
        "points": alt.Chart(XY).mark_point().encode(x="x:Q", y="y:Q"),
    }


def _single(size: tuple[float, float] = (4.0, 3.0), **kw) -> vf.Figure:
    """One layered view (fitted by autosize: fit)."""
    panel = Panel("main", _layers(), properties={"title": "Synthetic"})
    return make_figure([panel], theme=kw.pop("theme", vf.paper()), size=size, data={"xy": XY}, **kw)


def _pair() -> vf.Figure:
    """Two side-by-side panels "a" and "b" (fitted by measuring)."""
    panels = [Panel(n, _layers(), properties={"width": 100, "height": 100}) for n in "ab"]
    return make_figure(panels, theme=vf.paper(), size=(5.0, 2.0), compose=hconcat(10))


def _hist_df() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "value": np.r_[rng.gamma(2.0, size=80), rng.normal(size=60)],
            "metric": ["loss"] * 80 + ["grad"] * 60,
        }  # fmt: skip
    )


def _hist(**kw) -> vf.Figure:
    return vf.figures.metric_histograms(_hist_df(), x="value", panel="metric", **kw)


def _marks(fig, marktype: str) -> list[dict]:
    """Drawn items of the figure's own layers (not axes, grid or titles)."""
    return [i for i in scene_items(fig, marktype=marktype) if (i["mark"] or "").endswith("marks")]


# ------------------------------------------------------------------ reading
def test_layers_panels_and_data_of_metric_histograms():
    fig = _hist()
    assert fig.panels == ("loss", "grad")
    assert list(fig.layers) == ["loss/hist", "loss/stats", "grad/hist", "grad/stats"]
    assert all(isinstance(c, (alt.Chart, alt.LayerChart)) for c in fig.layers.values())
    assert sorted(fig.data) == ["bins", "stats"]
    df = _hist_df()
    for level in fig.panels:
        values = df.loc[df.metric == level, "value"].to_numpy()
        counts, edges = np.histogram(values, bins=25)
        bins = fig.data["bins"][fig.data["bins"].metric == level]
        assert bins["count"].tolist() == counts.tolist()
        np.testing.assert_allclose(bins[["bin_start", "bin_end"]].to_numpy(),
                                   np.c_[edges[:-1], edges[1:]])  # fmt: skip
        stats = fig.data["stats"].set_index("metric").loc[level]
        shown = stats[["max", "min", "mean"]].astype(float)
        np.testing.assert_allclose(shown, [values.max(), values.min(), values.mean()], atol=5e-5)


def test_data_is_a_copy():
    fig = _hist()
    bins = fig.data["bins"]
    bins["count"] = -1
    assert (fig.data["bins"]["count"] >= 0).all()


def test_single_panel_layers_are_unqualified():
    fig = _single()
    assert fig.panels == ("main",) and list(fig.layers) == ["line", "points"]
    assert fig.data["xy"].equals(XY)
    assert "Synthetic" in repr(fig.chart.to_dict()) and "<Figure figure: 4 x 3 in" in repr(fig)


# ------------------------------------------------------------------ changing
def test_replace_swaps_one_layer_in_place():
    fig = _single()
    bars = alt.Chart(XY).mark_bar().encode(x="x:Q", y="y:Q")
    swapped = fig.replace("line", bars)
    assert list(swapped.layers) == ["line", "points"]
    assert _marks(swapped, "rect") and not _marks(swapped, "line")
    assert _marks(fig, "line") and not _marks(fig, "rect")  # the original is unchanged


def test_replace_needs_one_layer():
    fig = _hist()
    with pytest.raises(InputError, match="name: several layers match 'hist'"):
        fig.replace("hist", RULE)
    with pytest.raises(InputError, match="name: no layer 'nope'"):
        fig.replace("nope", RULE)
    assert list(fig.replace("grad/hist", RULE).layers)[2] == "grad/hist"


def test_without_an_unqualified_name_drops_it_in_every_panel():
    fig = _hist()
    plain = fig.without("stats")
    assert list(plain.layers) == ["loss/hist", "grad/hist"]
    assert "Max:" not in drawn_texts(plain) and "Max:" in drawn_texts(fig)
    assert list(fig.without("loss/stats").layers) == ["loss/hist", "grad/hist", "grad/stats"]
    assert len(fig.layers) == 4  # unchanged


def test_without_an_unknown_name_is_an_input_error():
    with pytest.raises(InputError, match=r"name: no layer 'nope'; the layers are \['line'"):
        _single().without("nope")
    with pytest.raises(InputError, match="no layers left"):
        _single().without("line", "points").to_dict()


def test_an_added_rule_is_drawn_with_the_figures_scales():
    fig = _single()
    for added in (fig + RULE, fig.add(RULE, name="target")):
        (rule,) = _marks(added, "rule")
        assert rule["stroke"] == "red"
        # y = 2.5 on the shared scale: between the points at y = 2 and y = 3
        points = sorted(_marks(added, "symbol"), key=lambda p: p["abs_y"])
        assert points[1]["abs_y"] < rule["abs_y"] < points[2]["abs_y"], (rule, points)
    assert list((fig + RULE).layers) == ["line", "points", "extra"]
    assert list((fig + RULE + RULE).layers) == ["line", "points", "extra", "extra_2"]
    assert list(fig.add(RULE, name="target").layers)[-1] == "target"
    assert list(fig.layers) == ["line", "points"] and not _marks(fig, "rule")


def test_add_on_a_multi_panel_figure_needs_the_panel():
    fig = _pair()
    with pytest.raises(InputError, match=r"panel: this figure has 2 panels.*\['a', 'b'\]"):
        fig + RULE
    with pytest.raises(InputError, match=r"panel: no panel 'c'; the panels are \['a', 'b'\]"):
        fig.add(RULE, panel="c")
    added = fig.add(RULE, panel="b")
    assert list(added.layers)[-1] == "b/extra"
    rules = _marks(added, "rule")
    assert [r["mark"] for r in rules] == ["concat_1_layer_2_marks"]


def test_add_refuses_charts_that_cannot_be_layers():
    fig = _single()
    with pytest.raises(InputError, match="chart: the chart has its own config"):
        fig + RULE.properties(config=vf.latex())
    with pytest.raises(InputError, match="chart: the chart has its own config"):
        fig + RULE.configure_axis(grid=False)
    with pytest.raises(InputError, match="chart: expected an alt.Chart"):
        fig + alt.hconcat(RULE, RULE)
    with pytest.raises(InputError, match="name: expected a new layer name"):
        fig.add(RULE, name="line")


# ------------------------------------------------------------------ themes
def test_configure_axis_keeps_the_themes_other_axis_settings():
    fig = _hist()
    theme_axis = fig.to_dict()["config"]["axis"]
    changed = fig.configure_axis(labelFontSize=20)
    axis = changed.to_dict()["config"]["axis"]
    assert axis == {**theme_axis, "labelFontSize": 20}
    assert len(axis) > 10 and theme_axis["labelFontSize"] != 20
    labels = [i for i in scene_items(changed, marktype="text") if i.get("text") == "0"]
    assert labels and {i["fontSize"] for i in labels} == {20}
    assert "labelFontSize" not in fig.chart.to_dict().get("config", {}).get("axis", {})


def test_recorded_properties_and_their_limits():
    fig = _single().properties(title="Renamed")
    assert "Renamed" in drawn_texts(fig)
    with pytest.raises(InputError, match="properties: the figure's size is width_in x height_in"):
        _single().properties(width=300)
    with pytest.raises(AttributeError):
        _single().no_such_method  # noqa: B018


def test_an_enabled_vegafigs_theme_styles_plain_altair_charts():
    plain = alt.Chart(XY).mark_line().encode(x="x:Q", y="y:Q")
    before = plain.to_dict()
    with alt.theme.enable("vegafigs-latex"):
        spec = plain.to_dict()
    assert spec["config"]["font"] == vf.latex()["font"]
    assert spec["config"]["axis"]["tickSize"] == {"expr": "-5"}
    assert before.get("config", {}).get("font") != vf.latex()["font"]


def test_figures_follow_the_enabled_theme_unless_given_one():
    with alt.theme.enable("vegafigs-latex"):
        fig = _hist()
        chosen = _hist(theme="paper")
    assert fig.theme["font"] == vf.latex()["font"]
    assert fig.to_dict()["config"]["view"]["stroke"] == "black"  # latex's frame
    assert chosen.theme["font"] == vf.paper()["font"]
    assert _hist().theme["font"] == vf.paper()["font"]  # the figure's default outside


def test_a_theme_config_is_accepted():
    fig = _hist(theme=vf.latex(font_size=8))
    config = fig.to_dict()["config"]
    assert config["axis"]["titleFontSize"] == 8 and "vegafigs CM" in config["font"]
    titles = [i for i in scene_items(fig, marktype="text") if i.get("text") == "Frequency"]
    assert titles and {i["fontSize"] for i in titles} == {8}
    assert _hist(theme={"config": vf.sans()}).theme["font"] == vf.sans()["font"]


def test_a_style_sets_the_font_sizes_of_a_named_theme():
    fig = _hist(style=vf.themes.venue("acl"))
    assert (fig.width_in, fig.height_in) == (3.03, 1.873)
    assert fig.theme["axis"]["titleFontSize"] == 10 and fig.theme["axis"]["labelFontSize"] == 8
    assert _hist(style=vf.themes.venue("acl"), width_in=4).width_in == 4.0


@pytest.mark.parametrize("bad", ["nope", "vegafigs-nope"])
def test_an_unknown_theme_is_an_input_error(bad):
    with pytest.raises(InputError, match=f"theme: got {bad.removeprefix('vegafigs-')!r}"):
        _hist(theme=bad)


def test_the_theme_is_not_written_into_the_chart():
    fig = _hist()
    assert fig.chart.config is alt.Undefined
    assert all(c.config is alt.Undefined for c in fig.layers.values())


# ------------------------------------------------------------------ size contract
def _png_size(fig, tmp_path, dpi: float) -> tuple[int, int]:
    path = vf.save(fig, tmp_path / f"fig_{dpi}.png", dpi=dpi)
    height, width = png_array(path.read_bytes()).shape[:2]
    return width, height


SIZES = [
    pytest.param({}, (15.0, 4.5), id="default-15x4.5"),
    pytest.param({"width_in": 6.75, "height_in": 2.5}, (6.75, 2.5), id="text-6.75x2.5"),
    pytest.param({"style": ICML_COLUMN}, (3.25, 2.0), id="icml-column-3.25x2.0"),
]


@pytest.mark.parametrize(("kwargs", "size"), SIZES)
@pytest.mark.parametrize("dpi", [100, 300])
def test_metric_histograms_png_is_exactly_the_size_asked(kwargs, size, dpi, tmp_path):
    fig = vf.figures.metric_histograms(vf.demo.grad_metrics_hist(), x="value", panel="panel",
                                       **kwargs)  # fmt: skip
    assert (fig.width_in, fig.height_in) == size
    width, height = _png_size(fig, tmp_path, dpi)
    assert abs(width - round(size[0] * dpi)) <= 1 and abs(height - round(size[1] * dpi)) <= 1


@pytest.mark.parametrize("size", [(4.0, 3.0), (3.25, 2.0), (6.75, 2.5)])
@pytest.mark.parametrize("dpi", [100, 300])
def test_a_single_view_png_is_exactly_the_size_asked(size, dpi, tmp_path):
    width, height = _png_size(_single(size) + RULE, tmp_path, dpi)
    assert abs(width - round(size[0] * dpi)) <= 1 and abs(height - round(size[1] * dpi)) <= 1


def test_the_plots_fill_the_figure():
    """The fit gives the panels the room: the content reaches (nearly) every side."""
    fig = _hist(width_in=6.75, height_in=2.5)
    spec = fig.to_dict()
    pad = spec["padding"]
    # The spare room (under SLACK pt) is split between opposite sides.
    assert (
        5 <= pad["left"] <= pad["right"] < 5 + SLACK
        and 5 <= pad["top"] <= pad["bottom"] < 5 + SLACK
    )
    widths = {v["width"] for v in spec["hconcat"]}
    assert len(widths) == 1 and widths.pop() > 100


def test_a_too_small_size_is_an_input_error_naming_the_size():
    with pytest.raises(InputError, match=r"^width_in/height_in: 1.00 x 2.00 in is too small"):
        _hist(width_in=1.0, height_in=2.0).to_dict()


def test_the_spec_is_byte_identical_when_built_twice():
    first = vf.spec_json(_hist(width_in=6.75, height_in=2.5))
    assert vf.spec_json(_hist(width_in=6.75, height_in=2.5)) == first
    assert _single().to_json() == _single().to_json()


# ------------------------------------------------------------------ venues
@pytest.mark.parametrize("name", sorted(VENUES))
def test_venue_sizes_and_fonts(name):
    row = VENUES[name]
    body = float(row["font_size"])
    column = vf.themes.venue(name)
    text = vf.themes.venue(name, span="text")
    assert text.width_in == row["text"]
    assert column.width_in == (row["column"] or row["text"])
    assert column.height_in == pytest.approx(column.width_in * (5**0.5 - 1) / 2, abs=1e-3)
    assert column.font_size == column.title_size == body - 1
    assert column.label_size == column.text_size == body - 3
    cfg = vf.paper(**column.font_sizes())
    assert cfg["axis"]["titleFontSize"] == body - 1 and cfg["text"]["fontSize"] == body - 3
    grid = vf.themes.venue(name, span="text", nrows=2, ncols=3, height_ratio=0.5)
    assert grid.width_in == text.width_in
    assert grid.height_in == pytest.approx(text.width_in / 3 * 0.5 * 2, abs=1e-3)
    assert vf.themes.venue(name, rel_width=0.5).width_in == pytest.approx(column.width_in / 2,
                                                                         abs=1e-3)  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "nature"}, "name: got 'nature'; expected one of 'aaai'"),
        ({"name": "icml", "span": "page"}, "span: got 'page'"),
        ({"name": "icml", "nrows": 0}, "nrows: expected an integer >= 1"),
        ({"name": "icml", "ncols": 1.5}, "ncols: expected an integer >= 1"),
        ({"name": "icml", "height_ratio": -1}, "height_ratio: expected a positive"),
        ({"name": "icml", "rel_width": 0}, "rel_width: expected a positive"),
    ],
)
def test_bad_venue_arguments_are_input_errors(kwargs, match):
    with pytest.raises(InputError, match=match):
        vf.themes.venue(**kwargs)


def test_a_style_must_be_a_venue():
    with pytest.raises(InputError, match="style: expected a vf.themes.venue"):
        _hist(style={"width_in": 3})


# ------------------------------------------------------------------ parameter declarations
def test_a_declared_parameter_missing_from_the_signature_is_a_type_error():
    with pytest.raises(TypeError, match="declared 'bins' is not one of its parameters"):

        @checked(bins=VOCABULARY["width_in"])
        def figure(*, width_in: float = 1.0) -> float:
            return width_in


def test_checked_values_replace_the_given_ones():
    @checked()
    def figure(*, y_domain=None, width_in=None):
        return y_domain, width_in

    assert figure(y_domain=[0, 1]) == ((0.0, 1.0), None)
    assert set(declared(figure)) == {"y_domain", "width_in"}
    with pytest.raises(InputError, match="^width_in: expected at most 100 inches"):
        figure(width_in=500)


def test_the_glossary_has_one_row_per_vocabulary_entry_in_order():
    rows = [line for line in glossary_markdown().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(VOCABULARY)
    for row, spec in zip(rows, VOCABULARY.values(), strict=True):
        assert f" {spec.doc} " in row
