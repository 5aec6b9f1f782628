"""Any text a user passes is checked before it reaches a renderer (issue 10, items 3, 9, 10).

Every place a user's text is drawn (``TEXT_SITES``: titles, axis titles,
reference labels, panel titles, category / series values, column names used
as titles, layer labels) is tried with control characters (an ``InputError``
at build time, never a crash at save time), newlines (a multi-line title in
the scenegraph, SVG, PNG, PDF), emoji (a real glyph or a ``FontError``) and
RTL text (builds and renders). Inputs that could abort vl-convert run in
fresh interpreters: an abort fails one attempt, not the test session.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

import vegafigs as vf

from ._anyinput import (
    TEXT_SITES,
    TITLE_SITES,
    build,
    last_json,
    run_python,
    run_sites_isolated,
    scene,
)

#: Property tests over whole figures (many renders): in CI's main run, not the
#: minimum-versions run.
pytestmark = pytest.mark.slow

#: Control characters users paste by accident (NUL, BEL, ESC, CR, VT, FF, US, non-characters).
CONTROL = {
    "U+0000": "\x00", "U+0001": "\x01", "U+0007 BEL": "\x07", "U+0008": "\x08",
    "U+000B VT": "\x0b", "U+000C FF": "\x0c", "U+000D CR": "\r", "U+001B ESC": "\x1b",
    "U+001F": "\x1f", "U+FFFE": "\ufffe", "U+FFFF": "\uffff",
}  # fmt: skip


def _param_of(site: str) -> list[str]:
    """Words an error message about ``site`` should contain (one of them)."""
    m = re.search(r"\((\w+)=\)", site)
    if m:
        return [m.group(1)]
    if "column name" in site:
        return ["col"]
    return ["method", "run", "panel", "cat", "series"]  # the id column or parameter


@functools.cache
def _control_results() -> dict[tuple[str, str], dict | None]:
    attempts = [(site, f"a{ch}b", []) for site in TEXT_SITES for ch in CONTROL.values()]
    results = run_sites_isolated(attempts, stop_site_on=lambda r: r.get("build") != "InputError")
    return {(a[0], a[1]): r for a, r in zip(attempts, results, strict=True)}


@pytest.mark.slow
@pytest.mark.parametrize("site", list(TEXT_SITES))
def test_control_characters_are_an_input_error_at_build(site):
    results = _control_results()
    for label, ch in CONTROL.items():
        r = results[(site, f"a{ch}b")]
        if r is None:
            continue  # skipped after this site's first failure (reported below)
        what = f"{site} with {label} in the text"
        assert "crash" not in r, f"{what}: building aborted the interpreter (rc {r['crash']})"
        assert r["build"] == "InputError", (
            f"{what}: expected an InputError at build time, got {r['build']}"
            + (f" ({r.get('message')})" if r.get("message") else "")
        )
        assert any(p in r["message"] for p in _param_of(site)), (
            f"{what}: the InputError does not name the parameter: {r['message']}"
        )


SAVE_SITES = [
    "scaling_curves(title=)", "bar_trend(y_title=)", "bar_trend category value",
    "training_curves(reference_label=)", "layers.hline(label=)", "Figure.properties(title=)",
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_saving_control_characters_never_aborts(fmt):
    """The save path: an InputError at build, or a file; a tab is fine. Never a SIGABRT."""
    chars = {"U+0001": "\x01", "U+0000": "\x00", "U+FFFE": "\ufffe", "tab": "\t"}
    attempts = [(s, f"a{ch}b", [fmt]) for s in SAVE_SITES for ch in chars.values()]
    results = run_sites_isolated(attempts, stop_site_on=lambda r: "crash" in r)
    problems = []
    for (site, text, _), r in zip(attempts, results, strict=True):
        label = next(k for k, v in chars.items() if f"a{v}b" == text)
        if r is None:
            continue
        if "crash" in r:
            problems.append(f"{site} with {label}: the interpreter aborted (rc {r['crash']})")
        elif label == "tab":
            if r["build"] != "ok" or r.get(fmt) != "ok":
                problems.append(f"{site} with a tab: build {r['build']}, save {r.get(fmt)}")
        elif r["build"] != "InputError":
            problems.append(f"{site} with {label}: build {r['build']}, save {r.get(fmt)}")
    assert not problems, "\n".join(problems)


@functools.cache
def _newline_results() -> dict[tuple[str, str], dict | None]:
    attempts = [
        (site, f"First line{sep}Second line", ["scene", "svg", "png", "pdf"])
        for site in TITLE_SITES
        for sep in ("\n", "\u2028", "\r\n")
    ]
    results = run_sites_isolated(attempts, stop_site_on=lambda r: "crash" in r)
    return {(a[0], a[1]): r for a, r in zip(attempts, results, strict=True)}


def _svg_has_lines(svg: str) -> bool:
    pieces = re.findall(r"<tspan\b[^>]*>([^<]*)</tspan>|<text\b[^>]*>([^<]+)</text>", svg)
    shown = [(a or b).strip() for a, b in pieces]
    return "First line" in shown and "Second line" in shown


@pytest.mark.slow
@pytest.mark.parametrize("sep", ["\\n", "U+2028", "\\r\\n"])
@pytest.mark.parametrize("site", TITLE_SITES)
def test_newline_in_a_title_makes_two_lines(site, sep):
    real = {"\\n": "\n", "U+2028": "\u2028", "\\r\\n": "\r\n"}[sep]
    r = _newline_results()[(site, f"First line{real}Second line")]
    what = f"{site} with {sep} in the title"
    assert r is not None
    assert "crash" not in r, f"{what}: the interpreter aborted (rc {r['crash']})"
    if sep == "\\r\\n" and r["build"] == "InputError" and "vl-convert" not in r["message"]:
        return  # CR is a control character: an InputError (from the text check) is fine too
    assert r["build"] == "ok", f"{what}: build {r['build']}: {r.get('message')}"
    for fmt in ("png", "pdf"):
        assert r.get(fmt) == "ok", f"{what}: saving {fmt}: {r.get(fmt)}"
    assert r.get("svg") == "ok", f"{what}: saving svg: {r.get('svg')}"
    assert _svg_has_lines(r.get("svg_text", "")), f"{what}: the SVG has no two text lines"
    lines = r.get("lines")
    assert isinstance(lines, list), f"{what}: no scenegraph: {r.get('scene')}"
    titled = [item for item in lines if any("First" in t or "Second" in t for t in item)]
    assert ["First line", "Second line"] in [[t.strip() for t in item] for item in titled], (
        f"{what}: the drawn text items are {titled}, expected one with the lines "
        "['First line', 'Second line']"
    )


@pytest.mark.slow
def test_newline_title_draws_in_the_browser(tmp_path):
    """The ``.html`` output of a two-line title draws both lines (headless Chromium)."""
    from .chromium import launch

    browser = launch()
    what = "scaling_curves with a two-line x title and title"
    fig = build(
        lambda: TEXT_SITES["scaling_curves(x_title=)"]("First line\nSecond line").properties(
            title="Top line\u2028Bottom line"
        ),
        what=what,
    )
    build(lambda: vf.save(fig, tmp_path / "nl.html"), what=f"{what}: saving .html")
    try:
        page = browser.open((tmp_path / "nl.html").resolve().as_uri())
        page.wait_for("!!document.querySelector('#vis svg')", timeout=15)
        browser.pump(0.3)
        shown = page.evaluate(
            "Array.from(document.querySelectorAll('#vis svg text, #vis svg tspan'))"
            ".map(t => t.textContent)"
        )
        assert page.errors() == []
        for line in ("First line", "Second line", "Top line", "Bottom line"):
            assert line in shown, f"{line!r} not drawn as its own line; texts {shown}"
    finally:
        browser.stop()


EMOJI_SITES = [
    "scaling_curves(title=)", "bar_trend(y_title=)", "bar_trend category value",
    "layers.hline(label=)",
]  # fmt: skip


def _png(fig) -> np.ndarray:
    from .conftest import png_array

    return png_array(vf.export.render(fig, "png", dpi=96))


@pytest.mark.parametrize("site", EMOJI_SITES)
def test_emoji_are_drawn_or_a_font_error(site):
    """Text with an emoji is drawn with real glyphs, or is a FontError at build time.

    Real glyphs: changing one letter, or the emoji, changes the pixels (missing
    glyphs are all the same box).
    """
    what = f"{site} with an emoji"
    a = build(lambda: TEXT_SITES[site]("Reward \U0001f680"), what=what, allow=(vf.FontError,))
    if isinstance(a, vf.FontError):
        assert "\U0001f680" in str(a) or "1F680" in str(a).upper(), (
            f"{what}: the FontError does not name the character: {a}"
        )
        return
    letter = build(lambda: TEXT_SITES[site]("Rewbrd \U0001f680"), what=what)
    emoji = build(lambda: TEXT_SITES[site]("Reward \U0001f600"), what=what)
    pa = _png(a)
    for other, change in ((letter, "a letter"), (emoji, "the emoji")):
        po = _png(other)
        assert pa.shape != po.shape or not np.array_equal(pa, po), (
            f"{what}: changing {change} leaves the pixels unchanged (drawn as missing-glyph "
            "boxes), and no FontError said so"
        )


RTL = {"hebrew": "שלום עולם", "arabic": "مرحبا بالعالم", "mixed": "GRPO שלום 0.5"}


@pytest.mark.parametrize("script", list(RTL))
@pytest.mark.parametrize(
    "site", ["scaling_curves(title=)", "bar_trend category value", "training_curves(y_title=)"]
)
def test_rtl_text_builds_and_renders(site, script):
    text = RTL[script]
    what = f"{site} with {script} text"
    fig = build(lambda: TEXT_SITES[site](text), what=what, allow=(vf.FontError,))
    if isinstance(fig, vf.FontError):
        return  # no font for the script: a clear error at build time is fine
    drawn = [" ".join(i.lines) for i in scene(fig, what=what) if i.marktype == "text"]
    assert any(text in t for t in drawn), f"{what}: {text!r} is not drawn; texts {drawn}"
    vf.export.render(fig, "png", dpi=72)


_ALTAIR_SAVE = """
import json, sys
import numpy as np
from PIL import Image
import vegafigs as vf
df = vf.demo.training_curve(n_steps=20).query("seed == 0")
# Layers and a theme only: nothing here goes through vegafigs' own render path.
chart = vf.layers.line(df, x="step", y="accuracy", series="method").properties(
    title="Accuracy over training", width=300, height=200).configure(**vf.paper())
path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/vf-altair-save.png"
chart.save(path)
img = np.asarray(Image.open(path).convert("L"))
h = img.shape[0]
ink = lambda rows: int((rows < 128).sum())
print(json.dumps({"title": ink(img[: int(h * 0.07)]), "all": ink(img), "shape": img.shape}))
"""


def test_altair_save_draws_text_after_import_vegafigs(tmp_path):
    """``import vegafigs`` is enough for Altair's own ``chart.save("x.png")`` to draw text."""
    code = _ALTAIR_SAVE.replace('"/tmp/vf-altair-save.png"', repr(str(tmp_path / "a.png")))
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = last_json(proc.stdout)
    assert got["title"] > 30, (
        f"Altair's chart.save drew no title (dark pixels in the top 7%: {got['title']}, "
        f"in the whole {got['shape']} image: {got['all']})"
    )


_LIST_TITLE_FIGURES = {
    "bar_trend": lambda **kw: vf.figures.bar_trend(
        vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score", **kw
    ),
    "scaling_curves": lambda **kw: vf.figures.scaling_curves(
        vf.demo.model_scaling(), x="params_b", y="accuracy", series="method", err="std", **kw
    ),
    "training_curves": lambda **kw: vf.figures.training_curves(
        vf.demo.training_curve(n_steps=40), x="step", y="accuracy", series="method", seed="seed",
        **kw,
    ),
}  # fmt: skip


def _title_cases() -> list[tuple[str, str]]:
    import inspect

    return [
        (figure, param)
        for figure in sorted(_LIST_TITLE_FIGURES)
        for param in ("title", "x_title", "y_title")
        if param in inspect.signature(getattr(vf.figures, figure)).parameters
    ]


@pytest.mark.parametrize("figure, param", _title_cases())
def test_a_title_given_as_a_list_of_lines_draws_those_lines(figure, param):
    """The glossary's "string or list of lines": each line drawn as a line, never a TypeError."""
    build = _LIST_TITLE_FIGURES[figure]
    from vegafigs.testing import drawn_texts

    texts = drawn_texts(build(**{param: ["Upper line", "Lower line"]}))
    assert "Upper line" in texts and "Lower line" in texts, texts
