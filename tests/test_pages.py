"""Pages that fit: the gallery's pages and ``html_page`` at desktop and phone widths.

Fast checks of the page text (titles, viewport, the shared script, the CSP, the
font stacks' generic ending); then, in headless Chromium over file:// at 1024 px
and at a 390 px phone viewport: no page-wide horizontal overflow, every figure
drawn, scaled as a whole but never below its minimum (text size), a sideways
scroll inside its own box only, no console error, and pointer positions (zoom)
right at any scale.
"""

from __future__ import annotations

import html
import json
import re

import pytest

import vegafigs as vf
from vegafigs import pages
from vegafigs.gallery import FIGURES, render_gallery
from vegafigs.pages import PageFigure
from vegafigs.themes import fonts

from .chromium import launch

WIDTHS = (1024, 390)
WIDEST = "grad_metrics_hist"  # 1027 px


def _spec(title=None):
    spec = {"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {}}
    return {**spec, "title": title} if title else spec


# ---------------------------------------------------------------- page text
def test_min_scale_keeps_text_at_least_min_text_px():
    assert pages.min_scale(10) == 0.7  # 7 px text
    assert pages.min_scale(20) == pages.MIN_SCALE  # never below 60 %
    assert pages.min_scale(7) == pages.min_scale(6) == 1.0  # small text is never shrunk


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("pages")
    render_gallery(out, formats="json,html")
    vf.save(FIGURES[WIDEST].build(), out / "hist_page.html")
    # The known failure: the 1027 px histogram in a 660 px docs column (a flex item).
    column = (
        pages.page_head(title="docs column", csp=pages.GALLERY_CSP, css="body{margin:0}")
        + '</head>\n<body>\n<div style="display:flex"><nav style="width:200px">nav</nav>'
        '<main style="flex:1 1 auto;max-width:660px;padding:0 16px">'
        f"<p>text</p>{pages.figure_box('vis', vf.to_spec(FIGURES[WIDEST].build()))}</main></div>"
        f'\n<script src="{pages.EMBED_NAME}"></script>\n</body>\n</html>\n'
    )
    (out / "column.html").write_text(column, encoding="utf-8")
    return out


def test_figure_pages_are_titled_from_the_figure_with_heading_and_back_link(site):
    for name, fig in FIGURES.items():
        page = (site / f"{name}.html").read_text(encoding="utf-8")
        title = pages.spec_title(vf.to_spec(fig.build())) or fig.title
        assert f"<title>{html.escape(title)}</title>" in page, name
        assert "vegafigs figure" not in page
        assert f"<h1>{html.escape(title)}</h1>" in page
        assert '<a href="index.html">' in page
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert f'<a href="{name}.vl.json">' in page and f'<a href="{name}.html">' not in page
        assert len(page) < 300_000  # no bundle in the page (877 KiB before)


def test_gallery_csp_allows_only_the_shared_script():
    page = pages.figure_page(PageFigure("f", "A figure", "seed", _spec(), ()))
    csp = html.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)[1]
    )
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "'self'" in script_src
    assert "http" not in csp and "default-src 'none'" in csp
    # no inline script: the JSON island is data, the one script is the shared file
    assert re.findall(r"<script[^>]*>", page) == [
        '<script type="application/json" class="vegafigs-spec" data-target="vis">',
        f'<script src="{pages.EMBED_NAME}">',
    ]


def test_figure_page_falls_back_to_the_gallery_title():
    page = pages.figure_page(PageFigure("f", "Bars & a trend", "seed", _spec(), ()))
    assert "<title>Bars &amp; a trend</title>" in page
    page = pages.figure_page(PageFigure("f", "Bars", "seed", _spec(["Two", "lines"]), ()))
    assert "<title>Two lines</title>" in page


def test_html_page_stays_self_contained_with_viewport():
    page = vf.export.html_page(_spec("Hi"))
    assert "<script src" not in page and 'name="viewport"' in page
    assert "<title>Hi</title>" in page and "vegafigsFit" in page
    assert page == vf.export.html_page(_spec("Hi"))  # deterministic


def test_font_css_has_one_place_in_every_page():
    css = "@font-face{font-family:'X';src:url(data:font/woff2;base64,AA==)}"
    head = pages.page_head(title="t", csp="default-src 'none'", css="p{}", font_css=css)
    assert f'<style class="vegafigs-fonts">{css}</style>' in head
    assert "vegafigs-fonts" not in pages.page_head(title="t", csp="", css="")
    fig = PageFigure("f", "F", "s", _spec(), ())
    assert css in pages.figure_page(fig, font_css=css)
    assert css in pages.index_page([fig], font_css=css)


def test_gallery_shared_script_is_written_once_and_deterministic(tmp_path):
    a = render_gallery(tmp_path / "a", formats="html", only=["warmup_ablation", WIDEST])
    b = render_gallery(tmp_path / "b", formats="html", only=["warmup_ablation", WIDEST])
    assert [p.name for p in a] == [
        "warmup_ablation.html",
        f"{WIDEST}.html",
        "index.html",
        pages.EMBED_NAME,
    ]
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    assert (tmp_path / "a" / pages.EMBED_NAME).read_bytes() == pages.shared_script()


@pytest.mark.parametrize(
    "stack", [fonts.TIMES, fonts.COMPUTER_MODERN, fonts.COMPUTER_MODERN_BOLD, fonts.SANS]
)
def test_font_stacks_end_with_a_generic_family(stack):
    families = fonts.parse_stack(stack)
    assert families[-1] in ("serif", "sans-serif")
    # vl-convert still draws the bundled face named before the generic family
    assert fonts.resolve_family(stack) in ("STIXGeneral", "vegafigs CM", "DejaVu Sans")


@pytest.mark.parametrize("name", list(FIGURES))
def test_gallery_figure_fonts_end_with_a_generic_family(name):
    spec = vf.to_spec(FIGURES[name].build())
    for where, font in fonts.fonts_in_spec(spec):
        assert fonts.parse_stack(font)[-1] in fonts.GENERIC_FAMILIES, (where, font)


# ---------------------------------------------------------------- in the browser
@pytest.fixture(scope="module")
def browser():
    b = launch()
    yield b
    b.stop()


def _open_at(browser, path, width):
    """``path`` in a tab of viewport ``width`` (a phone when narrow), once every box fit."""
    page = browser.open("about:blank")
    page.send(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=800,
        deviceScaleFactor=1,
        mobile=width < 500,  # honours the viewport meta tag (else a 980 px layout)
    )
    page.loaded = False
    page.send("Page.navigate", url=path.resolve().as_uri())
    try:
        page.wait_for(
            "document.readyState === 'complete' && document.querySelectorAll('.vegafigs-fit')"
            ".length > 0 && Array.from(document.querySelectorAll('.vegafigs-fit'))"
            ".every(b => b.dataset.scale)",
            timeout=30,
        )
    except TimeoutError:
        page.close()
        pytest.fail(f"{path.name} at {width}px: not drawn; errors {page.errors()}")
    browser.pump(0.2)  # let late console messages arrive
    return page


# Per fit box: its size, the figure's natural and drawn size, the smallest text.
_FIT = """
(() => ({
  scrollWidth: document.documentElement.scrollWidth, innerWidth: innerWidth,
  boxes: Array.from(document.querySelectorAll('.vegafigs-fit')).map(box => {
    const svg = box.querySelector('svg.marks'), r = svg.getBoundingClientRect();
    const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim());
    const px = texts.map(t => parseFloat(getComputedStyle(t).fontSize));
    return {
      id: box.id, boxWidth: box.clientWidth, boxScroll: box.scrollWidth,
      boxRight: box.getBoundingClientRect().right,
      natural: svg.viewBox.baseVal.width, drawn: r.width, drawnHeight: r.height,
      naturalHeight: svg.viewBox.baseVal.height,
      scale: +box.dataset.scale, floor: +box.dataset.minScale,
      smallestText: Math.min(...px),  // CSS px in the figure's own units
      drawnText: Math.min(...px) * r.width / svg.viewBox.baseVal.width,
      marks: svg.querySelectorAll('g.role-mark > path, g.role-mark > text').length,
    };
  }),
}))()
"""

_PAGES = ["index.html", *(f"{name}.html" for name in FIGURES), "hist_page.html", "column.html"]


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("file", _PAGES)
def test_page_fits_the_viewport(browser, site, file, width):
    page = _open_at(browser, site / file, width)
    try:
        assert page.errors() == []
        fit = page.evaluate(_FIT)
        assert fit["innerWidth"] == width  # the viewport meta tag is honoured
        assert fit["scrollWidth"] <= width, fit  # no page-wide horizontal scroll
        expected = len(FIGURES) if file == "index.html" else 1
        assert len(fit["boxes"]) == expected
        for box in fit["boxes"]:
            _check_box(box, width)
    finally:
        page.close()


def _check_box(box, width):
    assert box["marks"] >= 3, box  # the chart drew
    assert box["boxRight"] <= width + 0.5, box
    scale = box["scale"]
    assert box["drawn"] == pytest.approx(box["natural"] * scale, abs=0.5), box
    assert box["drawnHeight"] == pytest.approx(box["naturalHeight"] * scale, abs=0.5), box
    # the minimum: the figure's smallest text at 7 px (or its own size when smaller), >= 60 %
    natural_text = box["smallestText"]
    assert box["floor"] == pytest.approx(pages.min_scale(natural_text)), box
    assert scale >= box["floor"] - 1e-9, box
    assert box["drawnText"] >= min(pages.MIN_TEXT_PX, natural_text) - 0.01, box  # layout units
    if box["natural"] <= box["boxWidth"]:
        assert scale == 1, box  # fits: drawn at its own size
    elif scale > box["floor"]:
        assert box["drawn"] == pytest.approx(box["boxWidth"], abs=0.5), box  # scaled to fit
    else:  # at its minimum: scrolls sideways inside its own box
        assert box["boxScroll"] >= box["drawn"] - 0.5, box


@pytest.mark.slow
def test_the_widest_figure_in_a_docs_column_scrolls_in_its_own_box(browser, site):
    """The 1027 px histogram in a 660 px docs column (a flex item): shrunk to its minimum
    (its 10 px text at 7 px), the rest scrolls inside its box; the page does not scroll."""
    page = _open_at(browser, site / "column.html", 1024)
    try:
        fit = page.evaluate(_FIT)
        assert fit["scrollWidth"] <= 1024, fit
        (box,) = fit["boxes"]
        assert box["natural"] > 1000 and box["boxWidth"] <= 660
        assert box["scale"] == box["floor"] == pages.min_scale(10) == 0.7, box
        assert box["smallestText"] == 10 and box["drawnText"] == pytest.approx(7.0)
        assert box["boxScroll"] > box["boxWidth"], box  # the box scrolls, not the page
        # scrolled to its end, the box shows the figure's right edge
        right = page.evaluate(
            "(() => { const b = document.getElementById('vis'); b.scrollLeft = 1e6;"
            " return b.querySelector('svg').getBoundingClientRect().right"
            " - b.getBoundingClientRect().right; })()"
        )
        assert abs(right) <= 1, right
    finally:
        page.close()


@pytest.mark.slow
def test_figure_page_in_the_browser_title_heading_back_link(browser, site):
    page = _open_at(browser, site / "warmup_ablation.html", 390)
    try:
        fig = FIGURES["warmup_ablation"]
        title = pages.spec_title(vf.to_spec(fig.build())) or fig.title
        assert page.evaluate("document.title") == title
        assert page.evaluate("document.querySelector('h1').textContent") == title
        back = page.evaluate("document.querySelector('.nav a').href")
        assert back == (site / "index.html").resolve().as_uri()
        assert page.evaluate("document.scripts.length") == 2  # the island and the shared file
        assert page.evaluate("Array.from(document.scripts).filter(s => s.src).length") == 1
    finally:
        page.close()


# The first plot's x-axis ticks as (value, screen x): labels paired with tick lines
# (the labels at both ends are flush with the axis ends, not centred on their ticks).
_X_TICKS = """
(() => {
  const axis = Array.from(document.querySelectorAll('#vis g.role-axis'))
    .filter(a => (a.getAttribute('aria-label') || '').startsWith('X-axis'))[0];
  const shown = el => (el.getAttribute('opacity') || '1') !== '0';
  const labels = Array.from(axis.querySelectorAll('g.role-axis-label text')).filter(shown);
  const ticks = Array.from(axis.querySelectorAll('g.role-axis-tick line')).filter(shown);
  if (labels.length !== ticks.length) return [];
  return labels.map((t, i) => { const r = ticks[i].getBoundingClientRect();
    return [parseFloat(t.textContent.replace(/,/g, '')), r.x + r.width / 2]; });
})()
"""
_HOVER = "#vis g.role-mark[class*='_voronoi']"


def _value_at(ticks, x):
    """The axis value at screen ``x``, from (value, screen x) tick pairs (a linear axis)."""
    (v0, x0), (v1, x1) = min(ticks, key=lambda t: t[1]), max(ticks, key=lambda t: t[1])
    return v0 + (v1 - v0) * (x - x0) / (x1 - x0)


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_zoom_keeps_the_value_under_the_pointer_when_scaled(browser, site, width):
    """Vega's pointer positions are right on a scaled figure: a wheel zoom is anchored
    at the step under the pointer (with the raw positions it drifts by ~10 %)."""
    page = _open_at(browser, site / "reward_length.html", width)
    try:
        (box,) = page.evaluate(_FIT)["boxes"]
        assert (box["scale"] < 1) == (width < 500), box
        plot = page.box(_HOVER)
        x, y = plot["x"] + plot["w"] * 0.3, plot["y"]
        before = page.evaluate(_X_TICKS)
        assert len(before) >= 2, before
        span0 = before[-1][0] - before[0][0]
        page.wheel(x, y, delta_y=-800)
        page.wait_for(f"JSON.stringify({_X_TICKS}) !== {json.dumps(json.dumps(before))}")
        browser.pump(0.3)
        after = page.evaluate(_X_TICKS)
        assert len(after) >= 2, after
        assert max(v for v, _ in after) - min(v for v, _ in after) < span0  # zoomed in
        anchor0, anchor1 = _value_at(before, x), _value_at(after, x)
        assert anchor1 == pytest.approx(anchor0, abs=0.01 * span0), (before, after)
        assert page.errors() == []
    finally:
        page.close()
