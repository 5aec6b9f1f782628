"""Checks of built docs pages in headless Chromium (reusable for any built site).

Usage (in a ``@pytest.mark.slow`` test)::

    from ._docs_browser import WIDTHS, check_built_page, launch_docs_browser

    browser = launch_docs_browser()          # a module-scoped fixture; browser.stop()
    for width in WIDTHS:
        report = check_built_page(browser, out / "index.html", width=width, figures=3)

:func:`check_built_page` opens the file from file:// at a viewport ``width`` (a phone
below 500 px) with every http(s) request blocked and every request recorded, waits
until each vegafigs box is drawn and fitted and the fonts are loaded, and asserts:
``figures`` boxes (when given), each with an ``svg`` holding marks; no console
error, uncaught exception, error log entry or Vega warning (``width: "container"``
ones included); no request but file:// and data: ones; no page-wide horizontal
overflow (``document.scrollingElement.scrollWidth <= innerWidth``); and every
chart text drawn in the bundled web face(s) the figure's spec names
(``CSS.getPlatformFontsForNode``: custom fonts only, of the families
:func:`vegafigs.webfonts.faces_used` gives; a spec naming no bundled font, such as
a plain Altair chart, is not checked for fonts). It returns the report it checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vegafigs.webfonts import faces_used

from .chromium import Chromium, Page, launch

#: The viewport widths every page is checked at: a laptop and a phone.
WIDTHS = (1024, 390)
_DOMAINS = ("Runtime", "Log", "Page", "Network", "DOM", "CSS")


class DocsChromium(Chromium):
    """The suite's Chromium, also recording console warnings (Vega's) per page."""

    warnings: dict[str, list[str]]

    def _event(self, page: Page, method: str, params: dict) -> None:
        if method == "Runtime.consoleAPICalled" and params.get("type") == "warning":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.__dict__.setdefault("warnings", {}).setdefault(page.session, []).append(text)
        super()._event(page, method, params)


def launch_docs_browser() -> DocsChromium:
    """A started :class:`DocsChromium` (skips without Chromium, fails so in CI)."""
    browser = launch(DocsChromium)
    assert isinstance(browser, DocsChromium)
    return browser


def open_built_page(browser: Chromium, path: Path, *, width: int, timeout: float = 40) -> Page:
    """``path`` in a new tab of viewport ``width``, http(s) blocked, once every box is drawn."""
    page = browser.open("about:blank", domains=_DOMAINS)
    page.send(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=800,
        deviceScaleFactor=1,
        mobile=width < 500,  # honours the viewport meta tag
    )
    page.send("Network.setBlockedURLs", urls=["http://*", "https://*", "ws://*", "wss://*"])
    page.requests.clear()
    page.loaded = False
    page.send("Page.navigate", url=path.resolve().as_uri())
    try:
        page.wait_for(
            "document.readyState === 'complete' && Array.from("
            "document.querySelectorAll('.vegafigs-fit')).every(b => b.dataset.scale)",
            timeout=timeout,
        )
        page.evaluate("document.fonts.ready.then(() => document.fonts.status)")
    except TimeoutError:
        page.close()
        pytest.fail(f"{path} at {width}px: figures not drawn; errors {page.errors()}")
    browser.pump(0.3)  # late console messages
    return page


_REPORT = """
(() => ({
  scrollWidth: document.scrollingElement.scrollWidth, innerWidth: innerWidth,
  boxes: Array.from(document.querySelectorAll('.vegafigs-fit')).map(box => {
    const svg = box.querySelector('svg.marks');
    const island = document.querySelector(
      'script.vegafigs-spec[data-target="' + CSS.escape(box.id) + '"]');
    return {
      id: box.id, svg: !!svg, scale: +box.dataset.scale,
      boxRight: box.getBoundingClientRect().right,
      marks: svg ? svg.querySelectorAll('g.role-mark > path, g.role-mark > text').length : 0,
      spec: island ? island.textContent : null,
    };
  }),
}))()
"""


def _fonts_of(page: Page, box_id: str) -> tuple[dict[str, set[str]], set[str]]:
    """The platform fonts of the box's chart texts: ``{family: postScriptNames}`` and the
    families that are not web fonts (system fonts)."""
    root = page.send("DOM.getDocument", depth=-1)["root"]["nodeId"]
    selector = f"#{box_id} svg text, #{box_id} svg tspan"
    nodes = page.send("DOM.querySelectorAll", nodeId=root, selector=selector)["nodeIds"]
    used: dict[str, set[str]] = {}
    system: set[str] = set()
    for node in nodes:
        for font in page.send("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]:
            used.setdefault(font["familyName"], set()).add(font["postScriptName"])
            if not font["isCustomFont"]:
                system.add(font["familyName"])
    return used, system


def page_report(page: Page) -> dict[str, Any]:
    """What :func:`check_built_page` checks, measured on an open page."""
    report = page.evaluate(_REPORT)
    for box in report["boxes"]:
        spec = json.loads(box.pop("spec")) if box["spec"] else {}
        box["expected_fonts"] = sorted({f.family for f in faces_used(spec)})
        used, system = _fonts_of(page, box["id"])
        box["fonts"] = {k: sorted(v) for k, v in used.items()}
        box["system_fonts"] = sorted(system)
    warnings = getattr(page.browser, "warnings", {}).get(page.session, [])
    report["errors"] = page.errors()
    report["warnings"] = list(warnings)
    report["requests"] = list(page.requests)
    return report


def check_report(report: dict[str, Any], *, width: int, figures: int | None = None) -> None:
    """Assert the checks of :func:`check_built_page` on a :func:`page_report`."""
    assert report["errors"] == [], report["errors"]
    assert report["warnings"] == [], report["warnings"]  # Vega's warnings included
    offline = [u for u in report["requests"] if not u.startswith(("file:", "data:"))]
    assert offline == [], offline  # nothing from the network
    assert report["innerWidth"] == width  # the viewport meta tag is honoured
    assert report["scrollWidth"] <= report["innerWidth"], report  # no page-wide overflow
    boxes = report["boxes"]
    assert boxes, "no vegafigs figure on the page"
    if figures is not None:
        assert len(boxes) == figures, [b["id"] for b in boxes]
    for box in boxes:
        assert box["svg"] and box["marks"] >= 1, box  # drawn
        assert box["boxRight"] <= width + 0.5, box
        if box["expected_fonts"]:  # a spec naming bundled fonts (every vegafigs theme)
            assert box["system_fonts"] == [], box  # every glyph from a web font
            assert sorted(box["fonts"]) == box["expected_fonts"], box  # the theme's face


def check_built_page(
    browser: Chromium, path: Path, *, width: int, figures: int | None = None
) -> dict[str, Any]:
    """Open ``path`` at ``width`` and assert everything the module docstring lists."""
    page = open_built_page(browser, path, width=width)
    try:
        report = page_report(page)
    finally:
        page.close()
    check_report(report, width=width, figures=figures)
    return report
