"""The docs site itself: ``sphinx-build -W docs`` from this checkout, then its pages in Chromium.

Every gallery page (and the other pages with figures) draws each figure offline, in the
bundled fonts its theme names, with no console error, no network request and no page-wide
horizontal overflow, at a laptop and a phone viewport (``tests/_docs_browser.py``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vegafigs.gallery import FIGURES

from ._docs_browser import WIDTHS, check_built_page, launch_docs_browser

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The docs built from ``docs/`` with warnings as errors (the README's command).

    ``.ci/run`` builds the docs with the README's own command first and passes that
    build in ``VEGAFIGS_DOCS_HTML`` (only when it succeeded), so CI builds them once.
    """
    given = os.environ.get("VEGAFIGS_DOCS_HTML")
    if given:
        assert (Path(given) / "index.html").is_file(), f"VEGAFIGS_DOCS_HTML={given}: no index.html"
        return Path(given)
    out = tmp_path_factory.mktemp("docs") / "html"
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(ROOT / "docs"), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, f"sphinx-build -W failed:\n{run.stderr[-4000:]}"
    return out


@pytest.fixture(scope="module")
def browser():
    b = launch_docs_browser()
    yield b
    b.stop()


def test_every_page_is_offline(built):
    """No page loads a script, style sheet, font or image from the web."""
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 20
    remote = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["']https?:""", re.I)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not remote.search(text), f"{page.relative_to(built)} loads from the web"
        assert "@import url(http" not in text


def test_every_gallery_figure_has_a_page_with_its_figure(built):
    for name in FIGURES:
        page = (built / "gallery" / f"{name}.html").read_text(encoding="utf-8")
        assert page.count('class="vis vegafigs-fit"') == 1, name
        assert "vegafigs-embed.js" in page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_gallery_page_draws_offline_in_bundled_fonts_without_overflow(browser, built, name, width):
    check_built_page(browser, built / "gallery" / f"{name}.html", width=width, figures=1)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ["index.html", "guide/figures.html"])
def test_guide_pages_with_figures_draw(browser, built, page, width):
    check_built_page(browser, built / page, width=width, figures=1)
