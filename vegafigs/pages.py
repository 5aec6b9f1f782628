"""HTML pages that show figures live: the gallery's pages and the parts of every page.

Every page is laid out the same way (:func:`page_head`): a viewport meta tag, the
Content-Security-Policy, the title, the page's CSS with :data:`FIT_CSS`, then the one
place where ``@font-face`` CSS goes (``font_css``). Each figure sits in a
``vegafigs-fit`` box with its spec in a JSON island; :func:`embed_js` draws every
island and fits it to its box: a figure wider than its box is scaled down as a
whole (proportions kept, no smaller than :func:`min_scale` allows for its smallest
text), and below that it scrolls sideways inside its own box: never the page.

The gallery's pages share one script file (:data:`EMBED_NAME`: vega, vega-lite,
vega-embed and :func:`embed_js`) written once next to them, and run no inline
script. Every text is HTML-escaped and every spec sits in a JSON island escaped like
:func:`vegafigs.export.html_page`, so nothing in a title or data ends a script.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vegafigs.export import _LOADER_JS, _js_bundle, _script_json

#: The gallery's shared script: the JS bundle and :func:`embed_js`, written once.
EMBED_NAME = "vegafigs-embed.js"
#: A figure is never drawn smaller than this fraction of its size ...
MIN_SCALE = 0.6
#: ... nor so small that its smallest text is drawn below this many CSS pixels.
MIN_TEXT_PX = 7.0

#: The fit box: as wide as its column at most, never wider (``contain: inline-size``
#: keeps the figure's width out of the column's own width, e.g. in a flex layout), a
#: sideways scroll inside it when the figure cannot shrink further. Two classes beat
#: vega-embed's ``.vega-embed {display: inline-block}``, which would let the box grow.
FIT_CSS = (
    ".vegafigs-fit,.vegafigs-fit.vega-embed{display:block;max-width:100%;"
    "overflow-x:auto;overflow-y:hidden;contain:inline-size}"
    ".vegafigs-fit svg.marks{display:block}"
)

#: Content-Security-Policy of the gallery's pages: no inline script, only the shared
#: script next to them (``'self'``; ``file:`` for browsers whose ``'self'`` does not
#: match a file:// page); data: images, fonts and data only; nothing fetched.
GALLERY_CSP = (
    "default-src 'none'; script-src 'self' file: 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; connect-src data:; font-src data:; base-uri 'none'; "
    "form-action 'none'; frame-src 'none'; object-src 'none'"
)

# Fit each drawn figure to its box (see the module docstring). The scale is applied
# as the SVG's CSS size (its viewBox keeps the drawing), and the SVG's
# getBoundingClientRect is corrected while an event is handled, so Vega's pointer
# positions (tooltips, zoom, pan) stay in chart units at any scale.
_FIT_JS = """
const vegafigsFit = (() => {
  const MIN_SCALE = %(min_scale)s, MIN_TEXT = %(min_text)s;
  let pointer = null;
  ['mousemove', 'mousedown', 'mouseup', 'click', 'dblclick', 'wheel', 'mouseover',
   'mouseout', 'touchstart', 'touchmove', 'touchend', 'pointermove', 'pointerdown',
   'pointerup', 'contextmenu'].forEach(type => window.addEventListener(type, e => {
    const mine = e.changedTouches && e.changedTouches.length ? e.changedTouches[0] : e;
    pointer = mine;
    setTimeout(() => { if (pointer === mine) pointer = null; }, 0);
  }, {capture: true, passive: true}));
  const own = Element.prototype.getBoundingClientRect;
  function unscaled() {
    const r = own.call(this), s = r.width / this.viewBox.baseVal.width;
    if (!pointer || !(s > 0) || Math.abs(s - 1) < 1e-9) return r;
    const x = pointer.clientX, y = pointer.clientY;
    return new DOMRect(x - (x - r.left) / s, y - (y - r.top) / s, r.width / s, r.height / s);
  }
  function smallestText(svg) {
    let least = Infinity;
    svg.querySelectorAll('text').forEach(t => {
      if (!t.textContent.trim()) return;
      const px = parseFloat(getComputedStyle(t).fontSize);
      if (px > 0 && px < least) least = px;
    });
    return least;
  }
  function fit(box) {
    const svg = box.querySelector('svg.marks');
    const w = svg && svg.viewBox.baseVal ? svg.viewBox.baseVal.width : 0;
    const h = w ? svg.viewBox.baseVal.height : 0;
    if (!(w > 0 && h > 0)) return;
    svg.getBoundingClientRect = unscaled;
    const floor = Math.min(1, Math.max(MIN_SCALE, MIN_TEXT / smallestText(svg)));
    const scale = Math.max(floor, Math.min(1, box.clientWidth / w));
    svg.style.width = (w * scale) + 'px';
    svg.style.height = (h * scale) + 'px';
    box.dataset.scale = String(scale);
    box.dataset.minScale = String(floor);
  }
  return function watch(box, view) {
    fit(box);
    view.addResizeListener(() => fit(box));
    window.addEventListener('resize', () => fit(box));
  };
})();
"""

# Each island is drawn with the page's options only and the loader of
# :data:`vegafigs.export._LOADER_JS` (data: URLs only, http(s) when allowed).
_EMBED_ALL_JS = (
    _LOADER_JS
    + """document.querySelectorAll('script.vegafigs-spec').forEach(island => {
  const box = document.getElementById(island.dataset.target);
  const spec = JSON.parse(island.textContent);
  vegaEmbed(box, spec, {renderer: 'svg', actions: false, mode: 'vega-lite', loader: loader})
    .then(result => vegafigsFit(box, result.view))
    .catch(err => { console.error(err); });
});
"""
)


def embed_js(*, allow_external_data: bool = False) -> str:
    """The script that draws every ``script.vegafigs-spec`` island and fits it to its box.

    Args:
        allow_external_data: let the page's loader fetch http(s) URLs (else ``data:`` only).

    Run it after the islands (at the end of the body) and after the JS bundle.

    >>> "vegafigsFit" in embed_js(), "allowExternal = false" in embed_js()
    (True, True)
    """
    fit = _FIT_JS % {"min_scale": json.dumps(MIN_SCALE), "min_text": json.dumps(MIN_TEXT_PX)}
    return fit + _EMBED_ALL_JS % json.dumps(bool(allow_external_data))


def shared_script() -> bytes:
    """The gallery's shared script file (:data:`EMBED_NAME`): the bundle and :func:`embed_js`.

    Both run in a function of their own, so the bundle's top-level names (``_``,
    ``t`` ...) clash with no script of the page (Sphinx's ``doctools.js`` declares ``_``).

    >>> shared_script().startswith(b"(function () {"), shared_script().endswith(b"})();\\n")
    (True, True)
    """
    return f"(function () {{\n{_js_bundle()}\n{embed_js()}}})();\n".encode()


def min_scale(smallest_text_px: float) -> float:
    """The smallest scale a figure is drawn at, given its smallest text size in px.

    Args:
        smallest_text_px: the figure's smallest font size (CSS px).

    The same rule as the page script: at least :data:`MIN_SCALE`, and text no
    smaller than :data:`MIN_TEXT_PX` (a figure with 7 px text is never shrunk).

    >>> min_scale(10), min_scale(14), min_scale(7)
    (0.7, 0.6, 1.0)
    """
    return round(min(1.0, max(MIN_SCALE, MIN_TEXT_PX / smallest_text_px)), 9)


def spec_title(spec: dict[str, Any]) -> str | None:
    """The title a spec draws (lines joined by spaces), or ``None``.

    Args:
        spec: a Vega-Lite spec.

    >>> spec_title({"title": {"text": ["a", "b"]}}), spec_title({"mark": "point"})
    ('a b', None)
    """
    t = spec.get("title")
    title = t.get("text") if isinstance(t, dict) else t
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return title if isinstance(title, str) and title else None


def page_head(*, title: str, csp: str, css: str, font_css: str = "") -> str:
    """A page's start up to ``<body>``: the one template every vegafigs page uses.

    Args:
        title: the page title (plain text; escaped here).
        csp: the Content-Security-Policy (escaped here).
        css: the page's own CSS (trusted, written by vegafigs).
        font_css: ``@font-face`` rules for the fonts the page's figures use (a
            ``<style>`` block of its own, after the page CSS); empty: none.

    >>> head = page_head(title="a<b", csp="default-src 'none'", css="p{}")
    >>> "<title>a&lt;b</title>" in head, 'name="viewport"' in head
    (True, True)
    """
    fonts = f'<style class="vegafigs-fonts">{font_css}</style>\n' if font_css else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}{FIT_CSS}</style>\n{fonts}"
    )


def figure_box(target: str, spec: dict[str, Any], *, island_id: str | None = None) -> str:
    """A figure's fit box and its JSON island (drawn by :func:`embed_js`).

    Args:
        target: the box's element id.
        spec: the Vega-Lite spec to draw.
        island_id: an id for the island too (``html_page`` uses ``vegafigs-spec``).

    >>> figure_box("vis", {"mark": "point"}).startswith('<div class="vis vegafigs-fit" id="vis">')
    True
    """
    target = html.escape(target)
    island = f' id="{html.escape(island_id)}"' if island_id else ""
    return (
        f'<div class="vis vegafigs-fit" id="{target}"></div>\n'
        f'<script type="application/json" class="vegafigs-spec" data-target="{target}"'
        f"{island}>{_script_json(spec)}</script>\n"
    )


@dataclass(frozen=True)
class PageFigure:
    """One figure on the index page: ``links`` are ``(label, relative href)`` pairs."""

    name: str
    title: str
    source: str
    spec: dict[str, Any]
    links: tuple[tuple[str, str], ...]


_STYLE = (
    "body{margin:0;padding:16px 24px;background:#fff;color:#222;"
    "font-family:'DejaVu Sans',Helvetica,Arial,sans-serif}"
    "section{margin:0 0 40px}h1{font-size:24px}h2{font-size:18px;margin:0 0 4px}"
    ".source{margin:0 0 8px;color:#666;font-size:13px}"
    ".links a,.nav a{margin-right:12px}"
    "@media (max-width:480px){body{padding:12px}}"
)


def _links(fig: PageFigure) -> str:
    esc = html.escape
    return " ".join(f'<a href="{esc(href)}">{esc(label)}</a>' for label, href in fig.links)


def index_page(
    figures: Sequence[PageFigure], *, title: str = "vegafigs gallery", font_css: str = ""
) -> str:
    """The gallery index page as HTML text (deterministic for the same input).

    Args:
        figures: the figures, in page order.
        title: the page title and heading.
        font_css: ``@font-face`` CSS for the page (see :func:`page_head`).

    The page loads :data:`EMBED_NAME` from its own folder.

    >>> spec = {"mark": "point", "data": {"values": [{"x": 1}]}}
    >>> page = index_page([PageFigure("f", "My figure", "seed 0", spec, (("PNG", "f.png"),))])
    >>> page.startswith("<!DOCTYPE html>"), "My figure" in page
    (True, True)
    """
    esc = html.escape
    parts = [
        page_head(title=title, csp=GALLERY_CSP, css=_STYLE, font_css=font_css),
        f"</head>\n<body>\n<h1>{esc(title)}</h1>\n",
    ]
    for fig in figures:
        parts.append(
            f'<section class="figure" id="{esc(f"fig-{fig.name}")}">\n'
            f"<h2>{esc(fig.title)}</h2>\n"
            f'<p class="source">{esc(fig.name)} - {esc(fig.source)}</p>\n'
            f"{figure_box(f'vis-{fig.name}', fig.spec)}"
            f'<p class="links">{_links(fig)}</p>\n'
            "</section>\n"
        )
    parts.append(f'<script src="{EMBED_NAME}"></script>\n</body>\n</html>\n')
    return "".join(parts)


def figure_page(
    fig: PageFigure, *, index: str = "index.html", gallery: str = "vegafigs gallery",
    font_css: str = "",
) -> str:  # fmt: skip
    """A gallery figure's own page: heading, back link, the live figure, its files.

    Args:
        fig: the figure; the page is titled with its spec's title, else ``fig.title``.
        index: the href of the gallery index (the back link).
        gallery: the gallery's name, in the back link.
        font_css: ``@font-face`` CSS for the page (see :func:`page_head`).

    The page loads :data:`EMBED_NAME` from its own folder.

    >>> spec = {"mark": "point", "title": "Accuracy", "data": {"values": [{"x": 1}]}}
    >>> page = figure_page(PageFigure("f", "A figure", "seed 0", spec, ()))
    >>> "<title>Accuracy</title>" in page, 'href="index.html"' in page
    (True, True)
    """
    esc = html.escape
    title = spec_title(fig.spec) or fig.title
    about = f"{esc(fig.title)} - " if title != fig.title else ""
    return (
        page_head(title=title, csp=GALLERY_CSP, css=_STYLE, font_css=font_css) + "</head>\n<body>\n"
        f'<p class="nav"><a href="{esc(index)}">&larr; {esc(gallery)}</a></p>\n'
        f"<h1>{esc(title)}</h1>\n"
        f'<p class="source">{about}{esc(fig.name)}, {esc(fig.source)}</p>\n'
        f"{figure_box('vis', fig.spec)}"
        f'<p class="links">{_links(fig)}</p>\n'
        f'<script src="{EMBED_NAME}"></script>\n</body>\n</html>\n'
    )
