from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs.errors import FontError
from vegafigs.testing import drawn_texts, undrawn_texts
from vegafigs.themes import fonts


def _titled(font: str) -> alt.Chart:
    df = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    return (
        alt.Chart(df)
        .mark_point()
        .encode(x="x:Q", y="y:Q")
        .properties(title=alt.Title("Hello", font=font))
        .configure(font="STIXGeneral")
    )


def test_missing_font_is_an_error_naming_it(tmp_path):
    out = tmp_path / "fig.png"
    with pytest.raises(FontError, match="Times New Roman"):
        vf.save(_titled("Times New Roman"), out)
    assert list(tmp_path.iterdir()) == []


def test_stack_ending_in_bundled_family_renders_its_text():
    chart = _titled(fonts.TIMES)
    assert "Hello" in drawn_texts(chart)
    assert undrawn_texts(chart) == []


def test_undrawn_texts_detects_invisible_text(monkeypatch):
    # Bypass the font check to show what vl-convert does silently: no title at all.
    monkeypatch.setattr(fonts, "check_spec_fonts", lambda spec: None)
    monkeypatch.setattr(vf.export.fonts, "check_spec_fonts", lambda spec: None)
    assert "Hello" in undrawn_texts(_titled("Surely Not Installed Sans"))


def test_fonts_in_expressions_and_default_are_checked():
    expr = "datum.value === 'SDPO' ? 'NoSuch' : 'cmr10'"
    spec = {"mark": "text", "config": {"legend": {"labelFont": {"expr": expr}}}}
    found = [f for _, f in fonts.fonts_in_spec(spec)]
    assert "NoSuch" in found and "cmr10" in found
    assert "SDPO" not in found  # a compared literal is not a font
    assert "sans-serif" in found  # Vega's default font, since config.font is unset
    with pytest.raises(FontError, match="NoSuch"):
        fonts.check_spec_fonts(spec)


@pytest.mark.parametrize(
    "stack", [fonts.TIMES, fonts.COMPUTER_MODERN, fonts.COMPUTER_MODERN_BOLD, fonts.SANS]
)
def test_every_vegafigs_stack_ends_in_a_bundled_then_a_generic_family(stack):
    bundled = {f.family.casefold() for f in fonts._registered_faces()}
    *named, generic = fonts.parse_stack(stack)
    assert named[-1].casefold() in bundled and generic in ("serif", "sans-serif")
    assert fonts.resolve_family(stack) is not None


def test_gallery_specs_use_only_vegafigs_stacks(hist_chart):
    bundled = {f.family.casefold() for f in fonts._registered_faces()}
    for where, stack in fonts.fonts_in_spec(vf.to_spec(hist_chart)):
        *named, generic = fonts.parse_stack(stack)
        assert named[-1].casefold() in bundled and generic in ("serif", "sans-serif"), where


def test_text_width_uses_bundled_metrics():
    w = fonts.text_width("Mean: 9.2263", font=fonts.TIMES, size=10)
    assert 45 < w < 70
    assert fonts.text_width("MMMM", font=fonts.TIMES, size=20) == pytest.approx(
        2 * fonts.text_width("MMMM", font=fonts.TIMES, size=10)
    )
    bold = fonts.text_width("SDPO", font=fonts.TIMES, size=10, bold=True)
    assert bold > fonts.text_width("SDPO", font=fonts.TIMES, size=10)


def test_register_font_directory_rejects_missing_dir(tmp_path):
    with pytest.raises(FontError, match="not a directory"):
        vf.register_font_directory(tmp_path / "nope")
