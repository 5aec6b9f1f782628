"""The gallery's ``index.html``: every figure live on one offline page.

One copy of the vega / vega-lite / vega-embed bundle, then per figure its title,
source, the live chart and links to the files written. Every text is
HTML-escaped and every spec sits in a JSON island escaped like
:func:`vegafigs.export.html_page`, so nothing in a title or data ends a script.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vegafigs.export import _js_bundle, _script_json


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
    "section{margin:0 0 40px}h2{font-size:18px;margin:0 0 4px}"
    ".source{margin:0 0 8px;color:#666;font-size:13px}"
    ".links a{margin-right:12px}.vis{overflow-x:auto}"
)

# Draw each figure from its JSON island; a failure is logged (and fails the browser test).
_EMBED = (
    "document.querySelectorAll('script.vegafigs-spec').forEach(function (island) {\n"
    "  const target = document.getElementById(island.dataset.target);\n"
    "  vegaEmbed(target, JSON.parse(island.textContent), {renderer: 'svg', actions: false})\n"
    "    .catch(function (err) { console.error(err); });\n"
    "});\n"
)


def index_page(figures: Sequence[PageFigure], *, title: str = "vegafigs gallery") -> str:
    """The gallery index page as HTML text (deterministic for the same input).

    >>> spec = {"mark": "point", "data": {"values": [{"x": 1}]}}
    >>> page = index_page([PageFigure("f", "My figure", "seed 0", spec, (("PNG", "f.png"),))])
    >>> page.startswith("<!DOCTYPE html>"), "My figure" in page
    (True, True)
    """
    esc = html.escape
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{esc(title)}</title>\n<style>{_STYLE}</style>\n",
        f"<script>{_js_bundle()}</script>\n</head>\n<body>\n<h1>{esc(title)}</h1>\n",
    ]
    for fig in figures:
        anchor = esc(f"fig-{fig.name}")
        target = esc(f"vis-{fig.name}")
        links = " ".join(f'<a href="{esc(href)}">{esc(label)}</a>' for label, href in fig.links)
        parts.append(
            f'<section class="figure" id="{anchor}">\n'
            f"<h2>{esc(fig.title)}</h2>\n"
            f'<p class="source">{esc(fig.name)} - {esc(fig.source)}</p>\n'
            f'<div class="vis" id="{target}"></div>\n'
            f'<p class="links">{links}</p>\n'
            f'<script type="application/json" class="vegafigs-spec" data-target="{target}">'
            f"{_script_json(fig.spec)}</script>\n"
            "</section>\n"
        )
    parts.append(f"<script>\n{_EMBED}</script>\n</body>\n</html>\n")
    return "".join(parts)
