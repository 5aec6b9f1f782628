"""The pages in a real browser: headless Chromium opens them from file://.

Checks: no console errors or uncaught exceptions, every figure draws its marks
(an SVG with mark items), the injection title shows as text and opens no dialog,
and a tooltip appears when hovering a mark that has one.

Skipped only when Chromium is missing and ``CI`` is unset; in CI a missing Chromium fails.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs.gallery import FIGURES, render_gallery
from vegafigs.pages import PageFigure, index_page
from vegafigs.testing import drawn_texts

from .chromium import launch

INJECTION = "</script><script>alert(1)</script>"

# Per figure container: the number of SVGs, of drawn mark items and the texts drawn.
_DRAWN = """
(() => Array.from(document.querySelectorAll(%s)).map(vis => {
  const svg = vis.querySelector('svg');
  const marks = svg ? svg.querySelectorAll('g.role-mark > path, g.role-mark > text') : [];
  return {
    id: vis.id,
    svg: svg ? 1 : 0,
    width: svg ? svg.getBoundingClientRect().width : 0,
    marks: Array.from(marks).filter(m => (m.getAttribute('d') || m.textContent) !== '').length,
    texts: svg ? Array.from(svg.querySelectorAll('text')).map(t => t.textContent) : [],
  };
}))()
"""


@pytest.fixture(scope="module")
def browser():
    b = launch()
    yield b
    b.stop()


def _injected() -> alt.Chart:
    df = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2], "who": [INJECTION, "a&b", "<!--"]})
    return (
        alt.Chart(df)
        .mark_point(size=200, filled=True)
        .encode(x="x:Q", y="y:Q", tooltip=["who:N"])
        .properties(title=INJECTION, width=200, height=120, config=vf.paper())
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    render_gallery(out, formats="json,html")
    vf.save(_injected(), out / "inject.html")
    spec = vf.to_spec(_injected())
    fig = PageFigure("inject", INJECTION, INJECTION, spec, ((INJECTION, "inject.html"),))
    (out / "inject_index.html").write_text(index_page([fig], title=INJECTION), encoding="utf-8")
    return out


def _open(browser, path):
    page = browser.open(path.resolve().as_uri())
    # Rendering is asynchronous: wait until every container holds an SVG.
    try:
        page.wait_for(
            "document.querySelectorAll('.vis, #vis').length > 0 && Array.from("
            "document.querySelectorAll('.vis, #vis')).every(v => v.querySelector('svg'))",
            timeout=15,
        )
    except TimeoutError:
        page.close()
        pytest.fail(f"{path.name}: no SVG drawn; errors {page.errors()}, dialogs {page.dialogs}")
    browser.pump(0.2)  # let late console messages arrive
    return page


def _assert_clean(page):
    assert page.errors() == []
    assert page.dialogs == []


def test_index_draws_every_figure(browser, site):
    page = _open(browser, site / "index.html")
    try:
        _assert_clean(page)
        drawn = page.evaluate(_DRAWN % json.dumps(".vis"))
        assert [d["id"] for d in drawn] == [f"vis-{name}" for name in FIGURES]
        for d in drawn:
            assert d["svg"] == 1 and d["width"] > 100, d["id"]
            assert d["marks"] >= 3, d  # paths drawn (a line or band is one path)
            # every text vl-convert draws for this figure is drawn in the browser too
            shown = "\n".join(d["texts"])
            name = d["id"].removeprefix("vis-")
            missing = [t for t in drawn_texts(FIGURES[name].build()) if t not in shown]
            assert missing == [], (name, missing)
        headings = page.evaluate(
            "Array.from(document.querySelectorAll('h2')).map(h => h.textContent)"
        )
        assert headings == [f.title for f in FIGURES.values()]
        links = page.evaluate(
            "Array.from(document.querySelectorAll('.links a')).map(a => a.getAttribute('href'))"
        )
        for name in FIGURES:
            assert f"{name}.vl.json" in links and f"{name}.html" in links
    finally:
        page.close()


@pytest.mark.parametrize("name", list(FIGURES))
def test_figure_page_draws(browser, site, name):
    page = _open(browser, site / f"{name}.html")
    try:
        _assert_clean(page)
        (drawn,) = page.evaluate(_DRAWN % json.dumps("#vis"))
        assert drawn["svg"] == 1 and drawn["marks"] >= 3, drawn
        # every text vl-convert draws for this figure is drawn in the browser too
        shown = "\n".join(drawn["texts"])
        missing = [t for t in drawn_texts(FIGURES[name].build()) if t not in shown]
        assert missing == [], missing
        if name == "grad_metrics_hist":
            assert "a) Gradient Dot Product" in drawn["texts"]
            assert any("Max:" in t for t in drawn["texts"])  # the stats box (tspans)
    finally:
        page.close()


@pytest.mark.parametrize(
    ("file", "selector"), [("inject.html", "#vis"), ("inject_index.html", ".vis")]
)
def test_injection_title_is_text(browser, site, file, selector):
    page = _open(browser, site / file)
    try:
        _assert_clean(page)  # in particular: no alert dialog
        assert page.evaluate("document.title") == INJECTION
        # Only the scripts vegafigs wrote exist; the title made none. The page: bundle,
        # island, embed script; the index: the island and the gallery's shared script.
        n_scripts = page.evaluate("document.scripts.length")
        assert n_scripts == (3 if file == "inject.html" else 2)
        (drawn,) = page.evaluate(_DRAWN % json.dumps(selector))
        assert INJECTION in drawn["texts"]  # the chart title, drawn as text
        if file == "inject_index.html":
            assert page.evaluate("document.querySelector('h2').textContent") == INJECTION
        # The data value with the same text is shown as text in the tooltip too.
        tip = page.hover_tooltip(f"{selector} g.role-mark path[aria-roledescription='point']")
        assert INJECTION in tip
        assert page.dialogs == []
    finally:
        page.close()


def test_histogram_bar_shows_tooltip_on_hover(browser, site):
    page = _open(browser, site / "grad_metrics_hist.html")
    try:
        # The tallest bar of the first panel: easy to hit with the mouse.
        page.evaluate(
            "(() => { const bars = Array.from(document.querySelectorAll("
            "'#vis g.role-mark path[aria-roledescription=\"rect mark\"]'));"
            " const h = el => el.getBoundingClientRect().height;"
            " bars.sort((a, b) => h(b) - h(a));"
            " bars[0].setAttribute('data-test', 'tallest'); return bars.length; })()"
        )
        tip = page.hover_tooltip("[data-test='tallest']")
        assert "from" in tip and "to" in tip and "count" in tip, tip
        _assert_clean(page)
    finally:
        page.close()


def test_harness_sees_errors_and_dialogs(browser, tmp_path):
    # The checks above can fail: a broken spec logs an error, an alert is caught.
    bad = tmp_path / "bad.html"
    bad.write_text(vf.export.html_page({"mark": "no-such-mark"}))
    page = browser.open(bad.as_uri())
    try:
        page.wait_for("document.readyState === 'complete'")
        browser.pump(0.5)
        assert page.errors(), "a spec that fails to embed must show up as an error"
        page.evaluate("alert('boom')")
        assert page.dialogs == ["alert: boom"]
    finally:
        page.close()


# ---------------------------------------------------------------- interactive curves
# The x-axis tick labels of each plot on the page, and of the y axes.
_AXIS_LABELS = """
JSON.stringify(Array.from(document.querySelectorAll('#vis g.role-axis'))
  .filter(a => (a.getAttribute('aria-label') || '').startsWith(%s))
  .map(a => Array.from(a.querySelectorAll('g.role-axis-label text')).map(t => t.textContent)))
"""
_X_LABELS = _AXIS_LABELS % json.dumps("X-axis")
_Y_LABELS = _AXIS_LABELS % json.dumps("Y-axis")
# The first plot's nearest-point (Voronoi) hover layer: it covers the plot area.
_HOVER_CELLS = "#vis g.role-mark[class*='_voronoi']"


def _tooltip_fields(text: str) -> dict[str, str]:
    """vega-tooltip's table as text ("key\\t\\nvalue" rows) -> {key: value}."""
    fields = {}
    for row in text.strip().split("\n\n"):
        key, _, value = row.partition("\n")
        fields[key.strip()] = value.strip()
    return fields


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-").replace(",", ""))


@pytest.fixture(scope="module")
def dual_page(tmp_path_factory):
    """The dual-axis layout of reward_length (the gallery shows the panels layout)."""
    path = tmp_path_factory.mktemp("dual") / "reward_length_dual.html"
    vf.save(vf.figures.reward_length(vf.demo.rl_logs(), layout="dual"), path)
    return path


# The lit hover points (the rest of the hover layer stays invisible): screen centres.
_LIT = """
Array.from(document.querySelectorAll('#vis g.mark-symbol.role-mark path'))
  .filter(p => (p.getAttribute('opacity') || '1') !== '0')
  .map(p => { const r = p.getBoundingClientRect();
    return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })
"""
# Screen position of a point ``at`` (0..1 of its length) along each smoothed line
# (opaque; the raw traces are faint), with whether it is dashed (the second metric).
_ON_SMOOTH_LINES = """
((at) => Array.from(document.querySelectorAll(
    "#vis g.role-mark[aria-roledescription='line mark container'] path"))
  .filter(p => (p.getAttribute('stroke-opacity') || '1') === '1')
  .map(p => {
    p.scrollIntoView({block: 'center'});
    const q = p.getPointAtLength(p.getTotalLength() * at), m = p.getScreenCTM();
    return {x: m.a * q.x + m.c * q.y + m.e, y: m.b * q.x + m.d * q.y + m.f,
            dashed: !!p.getAttribute('stroke-dasharray')};
  }))(%s)
"""
_TIP_VISIBLE = (
    "(() => { const t = document.getElementById('vg-tooltip-element');"
    " return !!t && t.classList.contains('visible'); })()"
)


def _tooltip_after_leaving(page, x, y):
    """The tooltip at (x, y), after moving off the chart so it is a fresh one."""
    page.send("Input.dispatchMouseEvent", type="mouseMoved", x=1, y=1)
    page.wait_for(f"!{_TIP_VISIBLE}", timeout=5)
    return _tooltip_fields(page.tooltip_at(x, y))


def _span_and_step(values):
    """(span, smallest tick step) of axis label values: both shrink when zooming in."""
    ticks = sorted(values)
    step = min((b - a for a, b in zip(ticks, ticks[1:], strict=False)), default=0.0)
    return (ticks[-1] - ticks[0], step) if step == 0 else (step, ticks[-1] - ticks[0])


def _check_rl_tip(tip, keys):
    assert set(tip) == {"run", "step", *keys}, tip
    assert tip["run"] in ("GRPO", "GRPO + KL"), tip
    assert 1 <= _number(tip["step"]) <= 600, tip
    for key in keys:  # reward in -2..2, response length in 0..5000
        lo, hi = (0, 5e3) if key.startswith("response_length") else (-2, 2)
        assert lo < _number(tip[key]) < hi, (key, tip)


@pytest.mark.parametrize("layout", ["panels", "dual"])
def test_reward_length_tooltip_zoom_and_pan(browser, site, dual_page, layout):
    page = _open(browser, site / "reward_length.html" if layout == "panels" else dual_page)
    try:
        if layout == "panels":
            # Hovering a curve shows the nearest point's run, step and values.
            tip = _tooltip_fields(page.hover_tooltip(f"{_HOVER_CELLS} path"))
            _check_rl_tip(tip, ["reward", "smoothed"])
            # The hovered point lights up (the rest of the hover layer stays invisible).
            assert len(page.evaluate(_LIT)) == 1
        else:
            # Near either metric's smoothed curve, the tooltip shows both metrics at that
            # step, and one of the points that light up is on the curve under the pointer.
            both = ["reward", "reward (smoothed)", "response_length", "response_length (smoothed)"]
            targets = page.evaluate(_ON_SMOOTH_LINES % 0.5)
            assert sorted(t["dashed"] for t in targets) == [False, False, True, True], targets
            for t in targets:
                tip = _tooltip_after_leaving(page, t["x"], t["y"])
                _check_rl_tip(tip, both)
                # that run's points at that step light up on both curves
                lit = page.evaluate(_LIT)
                assert len(lit) == 2 and abs(lit[0]["x"] - lit[1]["x"]) < 1, lit
                assert any(abs(p["x"] - t["x"]) < 4 and abs(p["y"] - t["y"]) < 4 for p in lit), (
                    lit,
                    t,
                )

        # Wheel over the first plot zooms its x axis (only x: the y axes stay).
        plot = page.box(_HOVER_CELLS)
        x0, y0 = page.evaluate(_X_LABELS), page.evaluate(_Y_LABELS)
        page.wheel(plot["x"], plot["y"], delta_y=-400)
        page.wait_for(f"{_X_LABELS} !== {json.dumps(x0)}", timeout=5)
        zoomed = json.loads(page.evaluate(_X_LABELS))
        first0 = [_number(v) for v in json.loads(x0)[0]]
        first1 = [_number(v) for v in zoomed[0]]
        # zoomed in: a shorter span of steps, or finer ticks (more of them per step)
        assert _span_and_step(first1) < _span_and_step(first0), (first0, first1)
        assert page.evaluate(_Y_LABELS) == y0
        if layout == "panels":  # the panels share x: the second zooms with the first
            assert json.loads(x0)[1] == json.loads(x0)[0]
            assert zoomed[1] == zoomed[0], zoomed

        # Dragging pans it: the zoomed window moves to earlier steps (both panels).
        page.drag(plot["x"], plot["y"], plot["x"] + plot["w"] / 4, plot["y"])
        page.wait_for(f"{_X_LABELS} !== {json.dumps(json.dumps(zoomed))}", timeout=5)
        panned = json.loads(page.evaluate(_X_LABELS))
        assert min(_number(v) for v in panned[0]) < min(first1), (first1, panned)
        if layout == "panels":
            assert panned[1] == panned[0], panned
        _assert_clean(page)
    finally:
        page.close()


def test_training_curve_line_shows_tooltip(browser, site):
    page = _open(browser, site / "training_curve.html")
    try:
        # A point half-way along the first (SDPO) line, in viewport pixels.
        at = page.evaluate(
            "(() => { const p = document.querySelector("
            "\"#vis g.role-mark[aria-roledescription='line mark container'] path\");"
            " p.scrollIntoView({block: 'center'});"
            " const q = p.getPointAtLength(p.getTotalLength() / 2), m = p.getScreenCTM();"
            " return {x: m.a * q.x + m.c * q.y + m.e, y: m.b * q.x + m.d * q.y + m.f}; })()"
        )
        tip = _tooltip_fields(page.tooltip_at(at["x"], at["y"]))
        assert set(tip) == {"method", "step", "accuracy"}, tip
        assert tip["method"] in ("SDPO", "GRPO"), tip
        assert 0 <= _number(tip["step"]) <= 20000 and 0.2 < _number(tip["accuracy"]) < 0.6, tip
        _assert_clean(page)
    finally:
        page.close()


def test_reward_length_zoom_links_panels_after_edits(browser, tmp_path):
    # The zoom is bound when the figure is composed: without the hover layers and with
    # an added layer it still zooms both panels together.
    fig = FIGURES["reward_length"].build().without("hover")
    rule = alt.Chart().mark_rule(color="#ff00ff").encode(y=alt.datum(0.5))
    path = tmp_path / "edited.html"
    vf.save(fig.add(rule, panel="reward"), path)
    page = _open(browser, path)
    try:
        plot = page.box("#vis g.role-mark[aria-roledescription='area mark container'] path")
        x0 = page.evaluate(_X_LABELS)
        page.wheel(plot["x"], plot["y"], delta_y=-400)
        page.wait_for(f"{_X_LABELS} !== {json.dumps(x0)}", timeout=5)
        zoomed = json.loads(page.evaluate(_X_LABELS))
        first0 = [_number(v) for v in json.loads(x0)[0]]
        assert _span_and_step([_number(v) for v in zoomed[0]]) < _span_and_step(first0)
        assert zoomed[1] == zoomed[0], zoomed
        _assert_clean(page)
    finally:
        page.close()
