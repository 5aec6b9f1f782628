"""Text that reaches a renderer: glyphs per character class, control characters, line breaks,
glyph coverage, and Altair's own export (issue 10)."""

from __future__ import annotations

import io
import json
import os
import string
import subprocess
import sys
import textwrap

import altair as alt
import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs.errors import ExportError, FontError, InputError
from vegafigs.testing import scene_items
from vegafigs.themes import cmfont, fonts, text

SIZE, CELL, COLS, BASE = 64, 96, 16, 72
ASCII = [c for c in string.printable if c.isprintable() and c != " "]
#: The characters cmr10 (TeX's OT1 encoding) draws as something else.
OT1_WRONG = '_<>\\{|}"'
DONE_WHEN = 'params_b <x> {a|b} \\ "q" \u22121'
CM = cmfont.FAMILY


def _cells(chars, font, *, weight="normal", style="normal"):
    """``{char: ink mask}``: each character drawn alone at 64 px, baseline at row 72 of its cell."""
    import vl_convert as vlc
    from PIL import Image

    rows = [
        {"c": ch, "x": 8 + (i % COLS) * CELL, "y": BASE + (i // COLS) * CELL}
        for i, ch in enumerate(chars)
    ]
    spec = {
        "width": COLS * CELL,
        "height": -(-len(chars) // COLS) * CELL,
        "padding": 0,
        "autosize": "none",
        "data": {"values": rows},
        "mark": {"type": "text", "font": font, "fontSize": SIZE, "fontWeight": weight,
                 "fontStyle": style, "align": "left", "baseline": "alphabetic"},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "scale": None},
            "y": {"field": "y", "type": "quantitative", "scale": None},
            "text": {"field": "c", "type": "nominal"},
        },
        "config": {"view": {"stroke": None}, "background": "white"},
    }  # fmt: skip
    png = vlc.vegalite_to_png(spec, ppi=72)
    img = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return {
        r["c"]: img[r["y"] - BASE : r["y"] + 24, r["x"] - 8 : r["x"] - 8 + CELL] < 128 for r in rows
    }


def _shape(mask):
    """(top, bottom, width) of the ink in em, top and bottom above the baseline."""
    ys, xs = np.nonzero(mask)
    assert len(ys), "no ink"
    return ((BASE - ys.min()) / SIZE, (BASE - ys.max() - 1) / SIZE, (np.ptp(xs) + 1) / SIZE)


def _close(a, b, tol):
    return max(abs(x - y) for x, y in zip(_shape(a), _shape(b), strict=True)) <= tol


@pytest.fixture(scope="module")
def reference():
    """DejaVu Serif: a Unicode font whose every glyph is the character itself."""
    chars = [*ASCII, "\u2212", *"éüñçÅßøαβγµΩΣ±×"]
    return _cells(chars, "DejaVu Serif")


# -- glyphs, per character class ------------------------------------------------------


@pytest.mark.parametrize(
    ("font", "weight", "style"),
    [(CM, "normal", "normal"), (CM, "bold", "normal"), (CM, "normal", "italic"),
     ("STIXGeneral", "normal", "normal"), ("STIXGeneral", "bold", "normal")],
)  # fmt: skip
def test_every_printable_ascii_char_and_minus_is_itself(reference, font, weight, style):
    chars = [*ASCII, "\u2212"]
    got = _cells(chars, font, weight=weight, style=style)
    for ch in chars:
        # ^ is TeX's hat accent in CM: narrower than a caret, still above the x-height
        tol = 0.4 if ch == "^" else 0.3
        assert _close(got[ch], reference[ch], tol), (ch, _shape(got[ch]), _shape(reference[ch]))
    # the minus sign is a minus: as wide as '+', on the math axis, not a short hyphen
    assert _shape(got["\u2212"])[2] > 1.3 * _shape(got["-"])[2]


@pytest.mark.parametrize(("weight", "base"), [("normal", "cmr10"), ("bold", "cmb10")])
def test_cm_tex_encoded_chars_are_replaced_and_the_rest_kept(weight, base):
    ours = _cells(ASCII, CM, weight=weight)
    tex = _cells(ASCII, base)
    for ch in OT1_WRONG:  # e.g. '_' is not cmr10's dot accent, '{' not its en dash
        t, o = _shape(tex[ch]), _shape(ours[ch])
        assert max(abs(x - y) for x, y in zip(t, o, strict=True)) > 0.05, ch
    underscore = _shape(ours["_"])  # ink on the baseline, wide and thin
    assert underscore[0] < 0.05 and underscore[2] > 4 * (underscore[0] - underscore[1])
    kept = [c for c in string.ascii_letters + string.digits + "!#$%&()*+,-./:;=?@[]"]
    for ch in kept:  # letters, digits and the punctuation TeX draws right: the TeX glyphs
        assert (ours[ch] == tex[ch]).all(), ch
    assert not (ours['"'] == _cells(["\u201d"], CM, weight=weight)["\u201d"]).all()


@pytest.mark.parametrize("font", [CM, "STIXGeneral"])
def test_accents_greek_and_symbols(reference, font):
    chars = list("éüñçÅßøαβγµΩΣ±×")
    got = _cells(chars, font)
    for ch in chars:
        assert _close(got[ch], reference[ch], 0.3), (ch, _shape(got[ch]), _shape(reference[ch]))
    text.check_glyphs([("test", "".join(chars))], [fonts.COMPUTER_MODERN, fonts.TIMES])


@pytest.mark.skipif(
    not (fonts.bundled_font_dir() / "cmti10.ttf").is_file(),
    reason="matplotlib < 3.11 ships no cmti10: no italic CM face (italic drawn upright)",
)
def test_cm_italic_is_italic_and_bold_is_bold():
    regular, bold = _cells(list("ab"), CM), _cells(list("ab"), CM, weight="bold")
    italic = _cells(list("ab$"), CM, style="italic")
    for ch in "ab":
        assert bold[ch].sum() > 1.2 * regular[ch].sum()
        assert not (italic[ch] == regular[ch]).all()
    assert _shape(italic["$"])[1] < -0.03  # a dollar (it descends), not TeX's italic pound


def test_cm_faces_are_built_once_with_the_same_bytes(tmp_path):
    source = fonts.bundled_font_dir()
    one = cmfont.build_face(source, base="cmr10", style="Regular", weight=400, italic=False)
    two = cmfont.build_face(source, base="cmr10", style="Regular", weight=400, italic=False)
    one.save(tmp_path / "a.ttf")
    two.save(tmp_path / "b.ttf")
    assert (tmp_path / "a.ttf").read_bytes() == (tmp_path / "b.ttf").read_bytes()
    built = cmfont.font_directory()
    assert sorted(p.name for p in built.glob("*.ttf")) == sorted(
        cmfont.face_file(s) for s, *_ in cmfont.available_faces(source)
    )
    families = {f.family for f in fonts._registered_faces()}
    assert CM in families


def test_text_width_uses_the_cm_face():
    face = fonts._bundled_face(fonts.COMPUTER_MODERN, bold=False)
    assert face.family == CM and face.path.endswith(cmfont.face_file("Regular"))
    bold = fonts._bundled_face(fonts.COMPUTER_MODERN, bold=True)
    assert bold.path.endswith(cmfont.face_file("Bold"))
    # U+2212 is measured with its own advance (cmsy10's minus), not the missing-glyph width
    w = fonts.text_width("\u2212", font=fonts.COMPUTER_MODERN, size=10)
    assert w == pytest.approx(fonts.text_width("+", font=fonts.COMPUTER_MODERN, size=10), rel=0.01)


@pytest.mark.parametrize("theme", ["latex", "paper"])
def test_done_when_string_renders_in_both_themes(theme, tmp_path):
    fig = _curves(title=DONE_WHEN, x_title="x_title {a|b}", y_title="<y>", theme=theme)
    drawn = [
        " ".join(t) if isinstance(t, list) else t
        for t in (i["text"] for i in scene_items(fig, marktype="text"))
    ]
    assert DONE_WHEN in drawn and "x_title {a|b}" in drawn and "<y>" in drawn
    assert any(isinstance(t, str) and t.startswith("\u2212") for t in drawn)  # real minus
    bars = _bars(df=pd.DataFrame({"method": ["a_1", "b{2}"], "score": [-1.0, 2.0]}), theme=theme)
    assert {"a_1", "b{2}"} <= {i["text"] for i in scene_items(bars, marktype="text")}
    vf.save(fig, tmp_path / f"{theme}.png", dpi=150)
    vf.save(bars, tmp_path / f"{theme}_bars.png", dpi=150)


def test_latex_negatives_use_a_real_minus():
    df = pd.DataFrame({"x": [-200, 0, 200], "y": [-0.5, 0.0, 0.5]})
    chart = alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q")
    chart = chart.properties(width=200, height=100, config=vf.latex())
    labels = [i["text"] for i in scene_items(chart, marktype="text")]
    assert "\u2212200" in labels and "-200" not in labels


# -- glyph coverage --------------------------------------------------------------------


def _bars(**kwargs):
    df = kwargs.pop("df", pd.DataFrame({"method": ["GRPO", "SDPO"], "score": [1.0, 2.0]}))
    return vf.figures.bar_trend(df, x="method", y="score", width_in=3, height_in=2.5, **kwargs)


def _curves(**kwargs):
    df = pd.DataFrame(
        {
            "step": [0, 1, 2] * 2,
            "acc": [0.1, 0.2, 0.3, 0.2, 0.3, -0.1],
            "method": ["A"] * 3 + ["B"] * 3,
        }
    )
    return vf.figures.training_curves(
        df, x="step", y="acc", series="method", smooth=None, band=None, width_in=3.5,
        height_in=2.5, **kwargs,
    )  # fmt: skip


@pytest.mark.parametrize("theme", ["latex", "paper"])
def test_emoji_in_a_title_is_a_font_error_at_build(theme):
    with pytest.raises(FontError, match=r"U\+1F680 ROCKET.*register_font_directory"):
        _curves(title="Score \U0001f680", theme=theme)
    with pytest.raises(FontError, match=r"U\+2705 WHITE HEAVY CHECK MARK"):
        _bars(df=pd.DataFrame({"method": ["ok \u2705", "b"], "score": [1.0, 2.0]}), theme=theme)


@pytest.mark.parametrize("font", [fonts.TIMES, fonts.COMPUTER_MODERN])
def test_chars_of_another_registered_face_are_drawn_by_the_fallback(font):
    """'₂ ✓ ⟶ 😀' are not in STIX / vegafigs CM but in DejaVu: resvg draws them from it."""
    chars = ["\u2082", "\u2713", "\u27f6", "\U0001f600"]
    text.check_glyphs([("t", "".join(chars))], [font])
    got = _cells(chars, font)
    boxes = _cells(chars, "Last Resort High-Efficiency")
    for ch in chars:
        assert got[ch].any() and not (got[ch] == boxes[ch]).all(), ch


@pytest.mark.parametrize("theme", ["latex", "paper"])
def test_cjk_category_is_a_font_error_at_build(theme):
    df = pd.DataFrame({"method": ["GRPO", "\u4e2d\u6587"], "score": [1.0, 2.0]})
    with pytest.raises(FontError, match=r"column 'method'.*U\+4E2D CJK UNIFIED IDEOGRAPH"):
        _bars(df=df, theme=theme)


def test_undrawn_columns_may_hold_anything():
    df = pd.DataFrame(
        {"method": ["GRPO", "SDPO"], "score": [1.0, 2.0], "note": ["\U0001f600", "\x01"]}
    )
    fig = _bars(df=df)
    assert "GRPO" in [i["text"] for i in scene_items(fig, marktype="text")]


def test_user_chart_with_missing_glyph_is_refused_at_save(tmp_path):
    df = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    chart = alt.Chart(df).mark_point().encode(x="x:Q", y="y:Q").properties(title="ok \u4e2d")
    with pytest.raises(FontError, match="U\\+4E2D"):
        vf.save(chart.configure(font="STIXGeneral"), tmp_path / "c.png")
    assert list(tmp_path.iterdir()) == []


def test_greek_and_accents_build_in_both_themes():
    for theme in ("latex", "paper"):
        fig = _curves(title="Résumé: α β Ω ± µ", x_title="Straße", theme=theme)
        assert "Résumé: α β Ω ± µ" in [i["text"] for i in scene_items(fig, marktype="text")]


# -- control characters -----------------------------------------------------------------


@pytest.mark.parametrize("bad", ["a\x00b", "a\x07", "\x1b[31mred", "x\ufffe", "y\uffff", "\x7f"])
def test_control_characters_in_text_parameters_name_them(bad):
    with pytest.raises(InputError, match=r"^title: .*U\+"):
        _curves(title=bad)
    with pytest.raises(InputError, match=r"^reference_label: "):
        _bars(reference=1.5, reference_label=bad)
    with pytest.raises(InputError, match=r"^y_title\[1\]: "):
        _curves(y_title=["ok", bad])
    with pytest.raises(InputError, match=r"^x_title: "):
        _bars(x_title=bad)


def test_control_character_in_a_category_is_an_input_error_at_build():
    df = pd.DataFrame({"method": ["GRPO", "SD\x01PO"], "score": [1.0, 2.0]})
    with pytest.raises(InputError, match=r"column 'method'.*U\+0001"):
        _bars(df=df)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "html"])
def test_user_chart_with_control_character_is_refused_before_vl_convert(fmt, tmp_path):
    df = pd.DataFrame({"x": [1, 2], "m": ["a", "b\x02"]})
    chart = alt.Chart(df).mark_point().encode(x="x:Q", color="m:N")
    with pytest.raises(ExportError, match=r"column 'm' row 1: .*U\+0002"):
        vf.save(chart, tmp_path / f"c.{fmt}")
    assert list(tmp_path.iterdir()) == []


def test_control_characters_never_abort_the_process(tmp_path):
    """vl-convert aborts (SIGABRT) on them: a child process shows every path raises instead."""
    code = textwrap.dedent(
        """
        import altair as alt, pandas as pd, vegafigs as vf
        from vegafigs import _layout
        from vegafigs.errors import VegafigsError
        df = pd.DataFrame({"x": [1, 2], "m": ["a", "b\\x03"]})
        charts = [
            alt.Chart(df).mark_point().encode(x="x:Q", color="m:N"),
            alt.Chart(df).mark_point().encode(x="x:Q").properties(title="t\\x1f"),
            alt.Chart(df).mark_text().encode(x="x:Q", text="m:N"),
        ]
        n = 0
        for chart in charts:
            for fmt in ("png", "svg", "pdf"):
                try:
                    vf.save(chart, f"c.{fmt}")
                except VegafigsError:
                    n += 1
            try:
                _layout.scene(vf.to_spec(chart))
            except VegafigsError:
                n += 1
        print("raised", n)
        """
    )
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    assert "raised 12" in res.stdout


def test_check_spec_text_names_the_dataset_row():
    spec = vf.to_spec(
        alt.Chart(pd.DataFrame({"x": [1, 2, 3], "m": ["a", "b", "c\x04"]}))
        .mark_point()
        .encode(x="x:Q", color="m:N")
    )
    with pytest.raises(InputError, match=r"^data 'data-[0-9a-f]+' column 'm' row 2: 'c\\x04'"):
        text.check_spec_text(spec)


# -- line breaks --------------------------------------------------------------------------


def _lines(items):
    return [i["text"] for i in items if isinstance(i.get("text"), list)]


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\u2028", "\u2029"])
def test_line_breaks_in_figure_titles_make_lines(brk):
    fig = _curves(title=f"Score{brk}by method", x_title=f"step{brk}(k)", y_title=f"a{brk}b")
    lines = _lines(scene_items(fig, marktype="text"))
    assert ["Score", "by method"] in lines
    assert ["step", "(k)"] in lines and ["a", "b"] in lines
    bars = _bars(x_title=f"method{brk}(name)", y_title=f"a{brk}b")
    lines = _lines(scene_items(bars, marktype="text"))
    assert ["method", "(name)"] in lines and ["a", "b"] in lines


def test_line_breaks_in_user_charts_make_lines_in_every_output(tmp_path):
    df = pd.DataFrame({"x": [1, 2], "y": [3, 4], "m": ["a", "b"]})
    chart = (
        alt.Chart(df, title=alt.Title("T1\nT2", subtitle="s1\u2028s2"))
        .mark_point()
        .encode(x=alt.X("x:Q", title="x\nunits"), y="y:Q", color=alt.Color("m:N", title="le\ngend"))
    )
    lines = _lines(scene_items(chart, marktype="text"))
    for want in (["T1", "T2"], ["s1", "s2"], ["x", "units"], ["le", "gend"]):
        assert want in lines
    for fmt in ("png", "svg", "pdf", "html", "vl.json"):
        vf.save(chart, tmp_path / f"c.{fmt}")
    spec = json.loads((tmp_path / "c.vl.json").read_text())
    assert spec["encoding"]["x"]["title"] == ["x", "units"]
    page = (tmp_path / "c.html").read_text()
    assert '"title":["x","units"]' in page.replace(" ", "")


def test_line_break_in_a_text_mark_makes_lines():
    df = pd.DataFrame({"x": [1], "y": [1]})
    chart = alt.Chart(df).mark_text(text="one\ntwo").encode(x="x:Q", y="y:Q")
    assert ["one", "two"] in _lines(scene_items(chart, marktype="text"))


def test_normalize_lines_leaves_data_alone():
    spec = {"data": {"values": [{"title": "a\nb"}]}, "title": "c\nd", "mark": "point"}
    out = text.normalize_lines(spec)
    assert out["data"]["values"][0]["title"] == "a\nb" and out["title"] == ["c", "d"]


# -- Altair's own export -------------------------------------------------------------------


@pytest.mark.slow
def test_altair_export_draws_the_same_text_after_import(tmp_path):
    code = textwrap.dedent(
        """
        import io, sys
        import altair as alt, numpy as np, pandas as pd
        import vegafigs as vf
        from PIL import Image
        df = pd.DataFrame({"method": ["GRPO", "SDPO"], "score": [1.0, -2.0]})
        fig = vf.figures.bar_trend(df, x="method", y="score", x_title="Title_<x>", theme="latex",
                                   width_in=3, height_in=2.5)
        spec = fig.to_dict()
        alt.Chart.from_dict(spec).save("altair.png", ppi=72)
        alt.renderers.enable("png")
        bundle = fig._repr_mimebundle_()
        bundle = bundle[0] if isinstance(bundle, tuple) else bundle
        import base64
        png = bundle["image/png"]
        png = base64.b64decode(png) if isinstance(png, str) else png
        vf.save(fig, "vf.png", dpi=72)
        load = lambda b: np.asarray(Image.open(io.BytesIO(b)).convert("L"))
        a, r = load(open("altair.png", "rb").read()), load(png)
        v = load(open("vf.png", "rb").read())
        print("same", a.shape == v.shape and (a == v).all(), r.shape == v.shape and (r == v).all())
        """
    )
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    assert "same True True" in res.stdout, res.stdout


def test_title_parameters_accept_lines_and_line_breaks():
    from vegafigs._params import TEXT_MAPPING, TITLE

    assert TITLE("a\r\nb", "title") == "a\r\nb"
    assert TITLE(["a", "b"], "title") == ["a", "b"]
    with pytest.raises(InputError, match=r"^title: .*U\+000D"):
        TITLE("a\rb", "title")
    with pytest.raises(InputError, match=r"^panel_titles\['a'\]: "):
        TEXT_MAPPING({"a": "x\x01"}, "panel_titles")
