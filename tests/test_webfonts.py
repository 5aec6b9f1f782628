"""Web fonts (issue 13, item 2): the bundled faces a spec uses as subset WOFF2 @font-face rules.

Fast checks: which faces, which characters (every character vl-convert draws for a
gallery figure is in the subset font), determinism across processes, sizes, bad
input. Slow checks, in headless Chromium: a page from ``html_page`` with the CSS
draws every chart text in the bundled web fonts (``CSS.getPlatformFontsForNode``),
not in a system font.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import vegafigs as vf
from vegafigs import webfonts
from vegafigs.errors import InputError
from vegafigs.gallery import FIGURES
from vegafigs.themes.fonts import COMPUTER_MODERN, SANS, TIMES
from vegafigs.webfonts import faces_used, font_face_css, prefer_bundled_fonts, spec_characters

ROOT = Path(__file__).resolve().parents[1]
_DATA_URL = re.compile(r'url\("data:font/woff2;base64,([A-Za-z0-9+/=]+)"\)')
#: Upper bound of one gallery figure's CSS (subset faces, base64): keep pages small.
MAX_KB = 30


class _Specs(dict):
    """Gallery specs, each built when first asked for."""

    def __missing__(self, name):
        self[name] = vf.to_spec(FIGURES[name].build())
        return self[name]

    def all(self):
        return {name: self[name] for name in FIGURES}


_SPECS = _Specs()


@pytest.fixture
def gallery_specs():
    return _SPECS


def _fonts_in_css(css: str):
    from fontTools.ttLib import TTFont

    return [TTFont(io.BytesIO(base64.b64decode(m))) for m in _DATA_URL.findall(css)]


def _faces(spec):
    return [(f.family, f.weight, f.italic) for f in faces_used(spec)]


#: A config that sets the texts Vega draws bold by default in the regular weight.
_NOT_BOLD = {
    "title": {"fontWeight": "normal"},
    "axis": {"titleFontWeight": "normal"},
    "legend": {"titleFontWeight": "normal"},
}

# -- which faces --------------------------------------------------------------------


def test_faces_follow_the_stacks_bundled_family():
    point = {"mark": "point", "config": {"title": {"fontWeight": "normal"}}}
    cfg = {"axis": {"titleFontWeight": "normal"}, "legend": {"titleFontWeight": "normal"}}
    plain = {**point, "config": {**point["config"], **cfg}}
    assert _faces({**plain, "config": {**plain["config"], "font": TIMES}}) == [
        ("STIXGeneral", 400, False)
    ]
    assert _faces({**plain, "config": {**plain["config"], "font": SANS}}) == [
        ("DejaVu Sans", 400, False)
    ]
    assert _faces({**plain, "config": {**plain["config"], "font": COMPUTER_MODERN}}) == [
        ("vegafigs CM", 400, False)
    ]


def test_vega_default_bold_titles_add_the_bold_face():
    # Vega draws titles bold unless the config says otherwise
    assert _faces({"mark": "point", "config": {"font": TIMES}}) == [
        ("STIXGeneral", 400, False),
        ("STIXGeneral", 700, False),
    ]


def test_bold_and_italic_where_the_spec_sets_them(gallery_specs):
    # training_curve sets the highlighted legend label bold with an expression
    assert _faces(gallery_specs["training_curve"]) == [
        ("vegafigs CM", 400, False),
        ("vegafigs CM", 700, False),
    ]
    italic = {
        "mark": {"type": "text", "fontStyle": "italic", "fontWeight": 700},
        "config": {
            "font": SANS,
            "title": {"fontWeight": "normal"},
            "axis": {"titleFontWeight": "normal"},
            "legend": {"titleFontWeight": "normal"},
        },
    }
    assert _faces(italic) == [
        ("DejaVu Sans", 400, False),
        ("DejaVu Sans", 400, True),
        ("DejaVu Sans", 700, False),
        ("DejaVu Sans", 700, True),
    ]


@pytest.mark.slow
def test_only_faces_used(gallery_specs):
    for name, spec in gallery_specs.all().items():
        families = {f.family for f in faces_used(spec)}
        assert len(families) == 1, (name, families)  # one theme font per figure


def test_stack_without_a_bundled_family_gets_no_rule():
    spec = {"mark": "point", "config": {"font": "Comic Sans MS, cursive"}}
    assert faces_used(spec) == [] and font_face_css(spec) == ""
    assert font_face_css({"mark": "point"}) == ""  # Vega's default sans-serif


def test_several_specs_share_one_rule_per_face():
    times = _small_specs()[0]
    config = {"font": TIMES, **_NOT_BOLD}
    specs = [{**times, "config": config}, {**times, "title": "Ω other", "config": config}]
    css = font_face_css(specs)
    assert css.count("@font-face") == 1 and "Ω" in spec_characters(specs)
    (font,) = _fonts_in_css(css)
    cmap = set(font.getBestCmap())
    assert {ord(c) for c in spec_characters(specs)} - {0x20} <= cmap | {0x20}


# -- which characters -------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FIGURES))
def test_subset_has_every_drawn_character(name, gallery_specs):
    from vegafigs.testing import drawn_texts

    css = font_face_css(gallery_specs[name])
    fonts = _fonts_in_css(css)
    assert fonts, name
    drawn = {ord(c) for t in drawn_texts(FIGURES[name].build()) for c in t if not c.isspace()}
    for font in fonts:
        missing = sorted(chr(c) for c in drawn - set(font.getBestCmap()))
        assert missing == [], (name, font["name"].getDebugName(4), missing)


def test_characters_are_the_texts_when_they_are_known():
    spec = {
        "title": "Équipe",
        "mark": "text",
        "data": {"values": [{"m": "zeta ψ", "n": "never drawn: ©"}]},
        "encoding": {"text": {"field": "m", "type": "nominal", "title": "m"}},
        "config": {"font": TIMES},
    }
    chars = set(spec_characters(spec))
    assert set("Équipezetaψ") <= chars and "©" not in chars
    assert "X" not in chars  # nothing unknown: no printable ASCII added
    for font in _fonts_in_css(font_face_css(spec)):  # regular, and bold for the title
        assert ord("ψ") in font.getBestCmap() and ord("X") not in font.getBestCmap()


@pytest.mark.parametrize(
    "extra",
    [
        {"encoding": {"x": {"field": "d", "type": "temporal", "title": "d"}}},
        {"encoding": {"x": {"field": "m", "type": "nominal"}}},  # default title
        {"encoding": {"x": {"field": "m", "type": "nominal", "title": "m",
                            "axis": {"labelExpr": "upper(datum.label)"}}}},
        {"encoding": {"text": {"field": "made", "type": "nominal"}},
         "transform": [{"calculate": "'a' + datum.m", "as": "made"}]},
        {"data": {"url": "elsewhere.csv"}, "encoding": {"text": {"field": "m", "type": "nominal"}}},
    ],
)  # fmt: skip
def test_unknown_texts_add_printable_ascii(extra):
    spec = {"mark": "text", "data": {"values": [{"m": "q", "d": "2020-01-01"}]}, **extra}
    assert set(webfonts.ASCII_PRINTABLE) <= set(spec_characters(spec))


def test_label_expression_of_literals_and_numbers_is_known():
    spec = {
        "mark": "point",
        "data": {"values": [{"x": 1}]},
        "encoding": {
            "x": {
                "field": "x",
                "type": "quantitative",
                "title": "t",
                "axis": {"labelExpr": "datum.value === 0 ? 'zero' : format(datum.value, '~s')"},
            }
        },
    }
    chars = set(spec_characters(spec))
    assert set("zero") <= chars and "Q" not in chars


def test_csv_datasets_are_read():
    spec = {
        "datasets": {"d1": "method,y\nSDPO,1\nGRPO,2\n"},
        "data": {"name": "d1", "format": {"type": "csv"}},
        "mark": "line",
        "encoding": {"color": {"field": "method", "type": "nominal", "title": "M"}},
    }
    chars = set(spec_characters(spec))
    assert set("SDPOGR") <= chars and "Q" not in chars


# -- the CSS ------------------------------------------------------------------------


def test_css_rules_name_the_bundled_family_and_the_face(gallery_specs):
    css = font_face_css(gallery_specs["training_curve"])
    rules = css.strip().split("\n")
    assert [r[: r.index(";src:")] for r in rules] == [
        '@font-face{font-family:"vegafigs CM";font-style:normal;font-weight:400;font-display:block',
        '@font-face{font-family:"vegafigs CM";font-style:normal;font-weight:700;font-display:block',
    ]
    assert all(base64.b64decode(m)[:4] == b"wOF2" for m in _DATA_URL.findall(css))
    assert "</" not in css and "<" not in css


def test_family_names_are_escaped():
    assert webfonts._css_string('a"b\\</style>') == '"a\\22 b\\5C \\3C /style\\3E "'


@pytest.mark.slow
def test_sizes(gallery_specs):
    sizes = {name: len(font_face_css(spec)) / 1024 for name, spec in gallery_specs.all().items()}
    print("web font CSS, KB per gallery figure:", {k: round(v, 1) for k, v in sizes.items()})
    assert all(0 < kb < MAX_KB for kb in sizes.values()), sizes


_SCRIPT = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
from tests.test_webfonts import _small_specs
from vegafigs.webfonts import font_face_css
print(hashlib.sha256(font_face_css(_small_specs()).encode()).hexdigest())
"""


def _small_specs() -> list[dict]:
    """Three small specs: the Times, Computer Modern (bold, italic) and sans stacks."""
    data = {"values": [{"m": "SDPO", "x": 1}, {"m": "GRPO", "x": -2}]}
    text = {"field": "m", "type": "nominal", "title": "Method"}
    return [
        {"data": data, "mark": "text", "encoding": {"text": text}, "config": {"font": font},
         "title": f"Title in {font}", **extra}
        for font, extra in (
            (TIMES, {}),
            (COMPUTER_MODERN, {"mark": {"type": "text", "fontStyle": "italic"}}),
            (SANS, {}),
        )
    ]  # fmt: skip


@pytest.mark.slow
def test_same_css_in_every_process(tmp_path):
    import hashlib

    runs = []
    for i, seed in enumerate(("0", "7")):
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PYTHONHASHSEED": seed,
            "VEGAFIGS_CACHE_DIR": str(tmp_path / f"cache{i}"),  # "vegafigs CM" built afresh
        }
        runs.append(
            subprocess.run(
                [sys.executable, "-c", _SCRIPT, str(ROOT)], env=env, capture_output=True, text=True
            )
        )
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    here = hashlib.sha256(font_face_css(_small_specs()).encode()).hexdigest()
    assert runs[0].stdout.strip() == runs[1].stdout.strip() == here
    # STIX and DejaVu regular + bold (titles); CM regular, bold, italic (no bold italic face)
    assert font_face_css(_small_specs()).count("@font-face") == 7


@pytest.mark.parametrize("bad", [3, "spec", [{"mark": "point"}, 1], None])
def test_bad_spec_is_an_input_error(bad):
    with pytest.raises(InputError, match=r"^spec: expected a Vega-Lite spec \(dict\)"):
        font_face_css(bad)


# -- stacks for the browser ---------------------------------------------------------


def test_prefer_bundled_fonts_moves_the_bundled_family_first():
    spec = {
        "config": {"font": TIMES, "axis": {"labelFont": "Comic Sans MS, cursive"}},
        "mark": {"type": "text", "font": {"expr": f"datum.a == 'x' ? '{SANS}' : 'cmr10'"}},
        "data": {"values": [{"font": TIMES}]},
        "encoding": {"text": {"value": "Times, STIXGeneral"}},
    }
    before = json.dumps(spec)
    out = prefer_bundled_fonts(spec)
    assert json.dumps(spec) == before  # the input is left alone
    assert out["config"]["font"] == "STIXGeneral, Times New Roman, Times, serif"
    assert out["config"]["axis"]["labelFont"] == "Comic Sans MS, cursive"
    assert out["mark"]["font"]["expr"] == (
        "datum.a == 'x' ? 'DejaVu Sans, Helvetica, Arial, sans-serif' : 'cmr10'"
    )
    assert out["data"] == spec["data"] and out["encoding"] == spec["encoding"]
    with pytest.raises(InputError, match="^spec: "):
        prefer_bundled_fonts([spec, spec])  # type: ignore[arg-type]


# -- in a browser -------------------------------------------------------------------

_TEXT_NODES = "#vis svg text, #vis svg tspan"


@pytest.fixture(scope="module")
def browser():
    from .chromium import launch

    b = launch()
    yield b
    b.stop()


def _page_with_fonts(tmp_path: Path, spec: dict, *, reorder: bool = True) -> Path:
    from vegafigs.export import html_page

    shown = prefer_bundled_fonts(spec) if reorder else spec
    page = html_page(shown)
    css = font_face_css(shown)
    # in the head, before the scripts (the JS bundle's own text holds "</head>")
    page = page.replace("<title>", f"<style>{css}</style>\n<title>", 1)
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    return path


def _platform_fonts(browser, path: Path) -> tuple[dict[str, set[str]], list[str]]:
    """{font familyName: its postScriptNames} used for chart text, and the page's errors."""
    page = browser.open(path.resolve().as_uri(), domains=("Runtime", "Log", "Page", "DOM", "CSS"))
    try:
        page.wait_for("!!document.querySelector('#vis svg text')", timeout=20)
        page.evaluate("document.fonts.ready.then(() => document.fonts.status)")
        browser.pump(0.2)
        root = page.send("DOM.getDocument", depth=-1)["root"]["nodeId"]
        nodes = page.send("DOM.querySelectorAll", nodeId=root, selector=_TEXT_NODES)["nodeIds"]
        used: dict[str, set[str]] = {}
        custom: dict[str, bool] = {}
        for node in nodes:
            for font in page.send("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]:
                used.setdefault(font["familyName"], set()).add(font["postScriptName"])
                custom[font["familyName"]] = custom.get(font["familyName"], True) and bool(
                    font["isCustomFont"]
                )
        assert nodes and used, "no chart text found"
        not_custom = [f for f, c in custom.items() if not c]
        return used, [*page.errors(), *(f"system font {f}" for f in not_custom)]
    finally:
        page.close()


_EXPECTED = {
    "vegafigs CM": "vegafigs CM",
    "STIXGeneral": "STIXGeneral",
    "DejaVu Sans": "DejaVu Sans",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FIGURES))
def test_browser_draws_chart_text_in_the_bundled_web_fonts(browser, tmp_path, name, gallery_specs):
    spec = gallery_specs[name]
    (family,) = {f.family for f in faces_used(spec)}
    used, problems = _platform_fonts(browser, _page_with_fonts(tmp_path, spec))
    assert problems == []  # no console errors, no CSP refusal, no system font
    assert set(used) == {family}, used  # every glyph of every chart text from the web font
    if name in ("training_curve", "model_scaling"):  # the CM stack, bold legend label too
        assert used[family] == {"vegafigsCM-Regular", "vegafigsCM-Bold"}


@pytest.mark.slow
def test_browser_sans_figure_with_bold_and_italic(browser, tmp_path):
    import altair as alt
    import pandas as pd

    df = pd.DataFrame({"x": [1, 2, 3], "y": [2.5, -1, 3], "who": ["alpha", "beta", "gamma"]})
    chart = (
        alt.Chart(df, title="Sans figure")
        .mark_text(fontStyle="italic", fontWeight="bold", fontSize=14)
        .encode(x=alt.X("x:Q", title="Step"), y=alt.Y("y:Q", title="Reward"), text="who:N")
        .properties(width=240, height=160, config=vf.paper(font=SANS))
    )
    spec = vf.to_spec(chart)
    used, problems = _platform_fonts(browser, _page_with_fonts(tmp_path, spec))
    assert problems == []
    assert set(used) == {"DejaVu Sans"}, used
    assert {"DejaVuSans", "DejaVuSans-BoldOblique"} <= used["DejaVu Sans"], used
