from __future__ import annotations

import altair as alt
import pytest

import vegafigs as vf
from vegafigs.errors import InputError
from vegafigs.themes import fonts


def test_themes_are_zero_argument_config_functions():
    for theme in (vf.paper, vf.latex):
        cfg = theme()
        assert isinstance(cfg, dict) and cfg["font"]
        assert fonts.parse_stack(cfg["font"])[-1] in {"STIXGeneral", "cmr10"}


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
    assert "cmr10" in cfg["font"]


def test_registered_with_altair():
    assert {"vegafigs-paper", "vegafigs-latex"} <= set(alt.theme.names())
    with alt.theme.enable("vegafigs-latex"):
        spec = alt.Chart().mark_point().to_dict()
    assert spec["config"]["font"] == vf.latex()["font"]


def test_sizes():
    assert vf.themes.inches(3.6) == pytest.approx(259.2)
    size = vf.themes.venue_size("icml", span="column")
    assert size["width_in"] == 3.25
    with pytest.raises(InputError, match="venue.*'neurips'"):
        vf.themes.venue_size("nature")
    with pytest.raises(InputError, match="size"):
        vf.themes.inches(0)


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
    assert "-200" in labels and "-0.5" in labels  # hyphen-minus: a glyph cmr10 has
    from fontTools.ttLib import TTFont

    cmr10 = next(f for f in fonts._registered_faces() if f.family == "cmr10")
    cmap = TTFont(cmr10.path, lazy=True).getBestCmap()
    assert all(ord(ch) in cmap for label in labels for ch in label)
