from __future__ import annotations

import altair as alt
import pytest

import vegafigs as vf
from vegafigs.errors import InputError
from vegafigs.themes import fonts


def test_themes_are_zero_argument_config_functions():
    for theme, bundled in (
        (vf.paper, "STIXGeneral"),
        (vf.latex, "vegafigs CM"),
        (vf.sans, "DejaVu Sans"),
    ):
        cfg = theme()
        assert isinstance(cfg, dict) and cfg["font"]
        # a font that always renders, then the generic family for browsers without it
        assert fonts.parse_stack(cfg["font"])[-2:] in ([bundled, "serif"], [bundled, "sans-serif"])
    assert set(vf.themes.THEMES) == {"paper", "latex", "sans"}


@pytest.mark.parametrize("theme", [vf.paper, vf.latex, vf.sans])
def test_font_size_parameters_set_every_text(theme):
    cfg = theme(font_size=8, title_size=11, label_size=6, text_size=5)
    assert cfg["axis"]["titleFontSize"] == cfg["legend"]["titleFontSize"] == 8
    assert cfg["title"]["fontSize"] == 11
    assert cfg["axis"]["labelFontSize"] == cfg["legend"]["labelFontSize"] == 6
    assert cfg["text"]["fontSize"] == 5
    assert theme(label_size=7)["text"]["fontSize"] == 7  # text marks default to the labels' size


@pytest.mark.parametrize("theme", [vf.paper, vf.latex, vf.sans])
def test_mark_defaults_come_from_the_theme(theme):
    cfg = theme()
    assert cfg["line"]["strokeWidth"] == 1.5
    assert cfg["range"]["category"] == list(vf.themes.TAB10)
    assert cfg["text"]["font"] == cfg["font"]
    assert vf.themes.palette_of(cfg) == list(vf.themes.TAB10)
    assert vf.themes.palette_of({"range": {"category": ["#000", "#111"]}}) == ["#000", "#111"]
    assert vf.themes.palette_of({}) == list(vf.themes.TAB10)


def test_mark_defaults_are_drawn_on_plain_charts():
    import pandas as pd

    from vegafigs.testing import scene_items

    df = pd.DataFrame({"x": [0, 1, 0, 1], "y": [0, 1, 1, 2], "s": ["a", "a", "b", "b"]})
    lines = alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q", color="s:N")
    label = alt.Chart(df.iloc[:1]).mark_text(text="hi").encode(x="x:Q", y="y:Q")
    with alt.theme.enable("vegafigs-sans"):
        spec = alt.layer(lines, label).properties(width=100, height=60).to_dict()
    drawn = scene_items(spec)
    strokes = {i["stroke"] for i in drawn if i["marktype"] == "line"}
    assert strokes == set(vf.themes.TAB10[:2])
    assert {i["strokeWidth"] for i in drawn if i["marktype"] == "line"} == {1.5}
    (text,) = [i for i in drawn if i.get("text") == "hi"]
    assert text["font"] == vf.sans()["font"] and text["fontSize"] == vf.sans()["text"]["fontSize"]


def test_sans_look():
    cfg = vf.sans()
    assert cfg["axis"]["grid"] is False and cfg["axisY"]["grid"] is False
    assert cfg["view"]["stroke"] is None  # open top and right
    assert cfg["axis"]["domainColor"] == cfg["axis"]["labelColor"] == "#262626"


def test_paper_look():
    cfg = vf.paper()
    assert cfg["axisY"]["grid"] and cfg["axisY"]["gridDash"]
    assert cfg["axisX"]["grid"] is False
    assert cfg["view"]["stroke"] is None  # no top/right lines


def test_latex_look():
    cfg = vf.latex()
    assert cfg["view"]["stroke"] == "black"  # four-sided frame
    assert cfg["axis"]["tickSize"] == {"expr": "-5"}  # inward ticks
    assert cfg["axis"]["grid"] is False
    assert "vegafigs CM" in cfg["font"]


def test_registered_with_altair():
    assert {"vegafigs-paper", "vegafigs-latex", "vegafigs-sans"} <= set(alt.theme.names())
    with alt.theme.enable("vegafigs-latex"):
        spec = alt.Chart().mark_point().to_dict()
    assert spec["config"]["font"] == vf.latex()["font"]


def test_resolve_theme():
    from vegafigs.themes import resolve_theme

    assert resolve_theme(None, default="sans") == vf.sans()
    assert resolve_theme("vegafigs-latex", default="paper") == vf.latex()
    with alt.theme.enable("vegafigs-sans"):
        assert resolve_theme(None, default="paper") == vf.sans()
    assert resolve_theme({"config": {"font": "X"}}, default="paper") == {"font": "X"}
    icml = resolve_theme("latex", default="paper", style=vf.themes.venue("icml"))
    assert icml == vf.latex(font_size=9, title_size=9, label_size=7, text_size=7)
    given = vf.latex(font_size=8)
    assert resolve_theme(given, default="paper", style=vf.themes.venue("icml")) == given
    with pytest.raises(InputError, match="theme: got 'dark'"):
        resolve_theme("dark", default="paper")


def test_merge_leaves_its_inputs_alone():
    base = vf.paper()
    merged = vf.themes.merge(base, {"axis": {"labelFontSize": 20}, "new": 1})
    assert merged["axis"] == {**base["axis"], "labelFontSize": 20} and merged["new"] == 1
    assert base == vf.paper()


def test_sizes():
    assert vf.themes.inches(3.6) == pytest.approx(259.2)
    size = vf.themes.venue_size("icml", span="column")
    assert size["width_in"] == 3.25
    with pytest.raises(InputError, match="venue.*'neurips'"):
        vf.themes.venue_size("nature")
    with pytest.raises(InputError, match="size"):
        vf.themes.inches(0)
    style = vf.themes.venue("icml")
    assert vf.themes.figure_size(width_in=None, height_in=None, style=None, default=(4, 3)) == (
        4,
        3,
    )
    assert vf.themes.figure_size(width_in=None, height_in=None, style=style, default=(4, 3)) == (
        3.25,
        2.009,
    )
    assert vf.themes.figure_size(width_in=5, height_in=None, style=style, default=(4, 3)) == (
        5.0,
        2.009,
    )


def test_series_legend_bolds_only_the_highlight():
    import pandas as pd

    from vegafigs.layers._encode import series_legend
    from vegafigs.testing import scene_items

    df = pd.DataFrame({"x": [0, 1, 0, 1], "y": [0, 1, 1, 2], "m": ["SDPO"] * 2 + ["GRPO"] * 2})
    leg = series_legend(highlight="SDPO", font=fonts.COMPUTER_MODERN)
    chart = vf.layers.line(df, x="x", y="y", series="m", legend=leg)
    chart = chart.properties(width=200, height=100, config=vf.latex())
    labels = {
        i["text"]: i for i in scene_items(chart, marktype="text") if i["text"] in {"SDPO", "GRPO"}
    }
    assert labels["SDPO"]["fontWeight"] == "bold"
    assert labels["SDPO"]["font"] == fonts.COMPUTER_MODERN_BOLD
    assert labels["GRPO"]["fontWeight"] == "normal"
    assert labels["GRPO"]["font"] == fonts.COMPUTER_MODERN


def test_latex_negative_labels_stay_in_computer_modern():
    import altair as alt
    import pandas as pd

    from vegafigs.testing import scene_items

    df = pd.DataFrame({"x": [-200, 0, 200], "y": [-0.5, 0.0, 0.5]})
    chart = alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q")
    chart = chart.properties(width=200, height=100, config=vf.latex())
    labels = [i["text"] for i in scene_items(chart, marktype="text")]
    assert "\u2212200" in labels and "\u22120.5" in labels  # a real minus sign
    from fontTools.ttLib import TTFont

    cm = next(f for f in fonts._registered_faces() if f.family == "vegafigs CM")
    cmap = TTFont(cm.path, lazy=True).getBestCmap()
    assert all(ord(ch) in cmap for label in labels for ch in label)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"theme": 123}, r"^theme: expected a theme name \('latex', 'paper', 'sans'\) or a config"),
        ({"theme": ""}, r"^theme: got ''; expected one of 'latex', 'paper', 'sans'"),
        ({"theme": "nope"}, r"^theme: got 'nope'; expected one of"),
        ({"theme": None, "style": "icml"}, r"^style: expected a vf\.themes\.venue\(\.\.\.\) style"),
    ],
)
def test_resolve_theme_names_the_bad_parameter(kwargs, message):
    """Called directly (not through a figure's checks) too: an InputError, not an assertion."""
    from vegafigs.themes import resolve_theme

    with alt.theme.enable("vegafigs-latex"), pytest.raises(vf.InputError, match=message):
        resolve_theme(default="paper", **kwargs)
    with pytest.raises(vf.InputError, match=message):
        resolve_theme(default="paper", **kwargs)


def test_get_theme_names_its_parameter():
    with pytest.raises(vf.InputError, match=r"^name: "):
        vf.themes.get_theme("nope")
