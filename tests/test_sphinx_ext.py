"""The Sphinx extension ``vegafigs.sphinx``: tiny projects built with ``-W`` in tmp_path.

Fast checks of the built files (the shared script and CSS in ``_static``, no http
script, the SVG fallback, alt text, captions and ``:ref:`` labels, the code block,
the fonts of each page); an error page fails the build at its file and line with
the error's text; the text and LaTeX builders build with ``-W``. Slow: the pages in
headless Chromium (alabaster, and furo + MyST) at 1024 px and 390 px, drawn offline
in the bundled fonts without page-wide overflow; the same sources built again
(``-j 2``) give the same bytes; an edited page rebuilds incrementally.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")

from sphinx.cmd.build import build_main  # noqa: E402

from vegafigs import pages  # noqa: E402
from vegafigs.gallery import FIGURES  # noqa: E402

from ._docs_browser import WIDTHS, check_built_page, launch_docs_browser  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WIDEST = "grad_metrics_hist"  # 1027 px: wider than any content column

INDEX_RST = """\
Figures
=======

.. toctree::

   gallery
   coded
   plain

A figure from code:

.. vegafigs::
   :caption: Warmup ablation, in the LaTeX theme.
   :name: fig-warmup

   df = vf.demo.warmup_ablation()
   vf.figures.bar_trend(df, x="warmup_steps", y="avg_score", theme="latex")
"""

GALLERY_RST = """\
Gallery
=======

The widest gallery figure: see :ref:`fig-warmup` and :numref:`fig-hist`.

.. vegafigs::
   :gallery: grad_metrics_hist
   :alt: Three histograms of gradient metrics
   :caption: Gradient metrics.
   :name: fig-hist
"""

CODED_RST = """\
Coded
=====

.. vegafigs::
   :code:

   import altair as alt

   data = alt.Data(values=[{"x": "a", "y": 1}, {"x": "b", "y": 3}, {"x": "c", "y": 2}])
   chart = alt.Chart(data, title="Three bars").mark_bar().encode(x="x:N", y="y:Q")
   chart.properties(config=vf.paper())
"""

PLAIN_RST = "Plain\n=====\n\nNo figure here.\n"

BAD_RST = """\
Bad
===

.. vegafigs::

   x = 1
   raise ValueError("boom in the figure code")

.. vegafigs::

   vf.figures.bar_trend(vf.demo.warmup_ablation(), x="no_such_column", y="avg_score")

.. vegafigs::

   def f(:
       pass

.. vegafigs::

   y = 3

.. vegafigs::

   3 + 4

.. vegafigs::
   :gallery: no_such_figure
"""

BAD_MD = """\
# Bad in MyST

Some text.

```{vegafigs}
a = 1
1 / 0
```
"""


def _project(root: Path, files: dict[str, str], *, conf: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(
        f'project = "t"\nextensions = ["vegafigs.sphinx"]\nnumfig = True\n{conf}',
        encoding="utf-8",
    )
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _build(src: Path, out: Path, *args: str, builder: str = "html") -> tuple[int, str]:
    """``sphinx-build -W --keep-going -b builder src out`` in process: exit code, warnings."""
    warnings = out.parent / f"{out.name}-warnings.txt"
    code = build_main(
        ["-W", "--keep-going", "-q", "-b", builder, "-d", str(out / ".doctrees")]
        + ["-w", str(warnings), *args, str(src), str(out)]
    )
    return code, warnings.read_text(encoding="utf-8") if warnings.exists() else ""


SOURCES = {
    "index.rst": INDEX_RST,
    "gallery.rst": GALLERY_RST,
    "coded.rst": CODED_RST,
    "plain.rst": PLAIN_RST,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    src = _project(tmp_path_factory.mktemp("sphinx") / "src", SOURCES)
    out = src.parent / "html"
    code, warnings = _build(src, out)
    assert code == 0 and warnings == "", warnings
    return out


def _page(site: Path, name: str) -> str:
    return (site / f"{name}.html").read_text(encoding="utf-8")


def _islands(page: str) -> list[dict]:
    found = re.findall(
        r'<script type="application/json" class="vegafigs-spec"[^>]*>(.*?)</script>', page
    )
    return [json.loads(text) for text in found]


# ---------------------------------------------------------------- the built files
def test_the_shared_script_and_css_are_in_static(site):
    # the script is written when the build ends: its pages give no checksum query
    assert re.search(
        r'<script defer="defer" src="_static/vegafigs-embed\.js">', _page(site, "index")
    )
    assert (site / "_static" / pages.EMBED_NAME).read_bytes() == pages.shared_script()
    css = (site / "_static" / "vegafigs.css").read_text(encoding="utf-8")
    assert pages.FIT_CSS in css


@pytest.mark.parametrize("name", ["index", "gallery", "coded"])
def test_each_figure_page_loads_the_script_once_and_nothing_from_the_web(site, name):
    page = _page(site, name)
    scripts = re.findall(r"<script[^>]*\ssrc=\"([^\"]*)\"", page)
    assert sum(pages.EMBED_NAME in s for s in scripts) == 1
    assert f'<script defer="defer" src="_static/{pages.EMBED_NAME}"></script>' in page
    assert not [s for s in scripts if "//" in s]  # no CDN, no http(s) script
    assert len(_islands(page)) == 1
    assert 'class="vis vegafigs-fit" id="vegafigs-1"' in page


def test_a_page_without_figures_loads_nothing_of_vegafigs(site):
    page = _page(site, "plain")
    assert "vegafigs" not in page


def _fallback(page: str) -> tuple[str, str]:
    (img,) = re.findall(r"<noscript>(<img [^>]*>)</noscript>", page)
    src = html.unescape(re.search(r'src="([^"]*)"', img)[1])
    return src, html.unescape(re.search(r'alt="([^"]*)"', img)[1])


@pytest.mark.parametrize(
    ("name", "alt"),
    [
        ("index", "Warmup ablation, in the LaTeX theme."),  # no title: the caption
        ("gallery", "Three histograms of gradient metrics"),  # :alt:
        ("coded", "Three bars"),  # the chart's title
    ],
)
def test_static_svg_fallback_and_alt_text(site, name, alt):
    page = _page(site, name)
    src, shown_alt = _fallback(page)
    assert shown_alt == alt
    assert src.startswith("_images/vegafigs-") and src.endswith(".svg")
    svg = (site / src).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<text" in svg
    (spec,) = _islands(page)
    assert spec["description"] == alt  # Vega's aria-label of the live chart


def test_gallery_figure_is_the_gallery_spec_with_bundled_fonts_first(site):
    from vegafigs.webfonts import prefer_bundled_fonts

    (spec,) = _islands(_page(site, "gallery"))
    expected = prefer_bundled_fonts(vf_spec(WIDEST))
    assert {k: v for k, v in spec.items() if k != "description"} == expected


def vf_spec(name: str) -> dict:
    import vegafigs as vf

    return vf.to_spec(FIGURES[name].build())


def test_each_page_carries_the_fonts_its_figures_use(site):
    for name, family in [("index", "vegafigs CM"), ("gallery", "STIXGeneral")]:
        page = _page(site, name)
        (link,) = re.findall(r'href="(_static/vegafigs-fonts-[0-9a-f]{16}\.css)\?v=', page)
        css = (site / link).read_text(encoding="utf-8")
        assert f'font-family:"{family}"' in css and "data:font/woff2;base64," in css
        assert "url(http" not in css


def test_caption_label_ref_and_numref(site):
    index = _page(site, "index")
    assert '<figure class="vegafigs-figure align-default" id="fig-warmup">' in index
    assert "Warmup ablation, in the LaTeX theme." in index
    gallery = _page(site, "gallery")
    assert 'href="index.html#fig-warmup"' in gallery  # :ref: across pages
    assert "Warmup ablation, in the LaTeX theme." in gallery.split("see", 1)[1]
    assert '<a class="reference internal" href="#fig-hist"><span class="std std-numref">Fig. 1' in (
        gallery
    )  # :numref:


def test_code_option_shows_the_code_before_the_figure(site):
    page = _page(site, "coded")
    block = page.index('<div class="highlight-python')
    assert block < page.index("vegafigs-fit")
    text = re.sub(r"<[^>]+>", "", page[block : page.index("vegafigs-fit")])
    assert "chart.properties(config=vf.paper())" in html.unescape(text)


# ---------------------------------------------------------------- errors
@pytest.fixture(scope="module")
def failed_build(tmp_path_factory):
    src = _project(
        tmp_path_factory.mktemp("sphinx-bad") / "src",
        {"index.rst": "Index\n=====\n\n.. toctree::\n\n   bad\n   bad_md\n", "bad.rst": BAD_RST,
         "bad_md.md": BAD_MD},
        conf='extensions.insert(0, "myst_parser")\n',
    )  # fmt: skip
    return _build(src, src.parent / "html")


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("bad.rst:7", "line 2 of the code: the code raised ValueError: boom in the figure code"),
        ("bad.rst:11", "line 1 of the code: the code raised InputError: "),
        ("bad.rst:15", "line 1 of the code: invalid Python"),
        ("bad.rst:20", "line 1 of the code: the code's last statement must be an expression"),
        ("bad.rst:22", "the code's last expression is a int; expected a vf.Figure"),
        ("bad.rst:26", "gallery: unknown figure 'no_such_figure'; expected one of grad_metrics"),
        ("bad_md.md:7", "line 2 of the code: the code raised ZeroDivisionError: division by zero"),
    ],
)
def test_a_figure_that_cannot_be_built_fails_the_build_at_its_line(failed_build, where, text):
    code, warnings = failed_build
    assert code != 0
    lines = [line for line in warnings.splitlines() if f"{where}: ERROR: vegafigs: " in line]
    assert lines and text in lines[0], warnings


def test_errors_are_one_per_figure(failed_build):
    _, warnings = failed_build
    assert warnings.count("ERROR: vegafigs: ") == 7, warnings


# ---------------------------------------------------------------- other builders
@pytest.fixture(scope="module")
def small_project(tmp_path_factory):
    return _project(
        tmp_path_factory.mktemp("sphinx-other") / "src",
        {"index.rst": INDEX_RST.replace("   gallery\n   coded\n   plain\n", "   gallery\n"),
         "gallery.rst": GALLERY_RST},
    )  # fmt: skip


def test_text_builder_writes_the_alt_text(small_project):
    out = small_project.parent / "text"
    code, warnings = _build(small_project, out, builder="text")
    assert code == 0 and warnings == "", warnings
    text = (out / "gallery.txt").read_text(encoding="utf-8")
    assert "[figure: Three histograms of gradient metrics]" in text
    assert "Gradient metrics." in text


def test_latex_builder_includes_a_pdf(small_project):
    out = small_project.parent / "latex"
    code, warnings = _build(small_project, out, builder="latex")
    assert code == 0 and warnings == "", warnings
    (tex,) = out.glob("*.tex")
    names = re.findall(
        r"\\sphinxincludegraphics\{\{(vegafigs-[0-9a-f]{16})\}\.pdf\}", tex.read_text()
    )
    assert len(names) == 2
    for name in names:
        assert (out / f"{name}.pdf").read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------- slow: browser, rebuilds
@pytest.fixture(scope="module")
def browser():
    b = launch_docs_browser()
    yield b
    b.stop()


FURO_INDEX = """\
# Furo and MyST

```{toctree}
wide
```

```{vegafigs}
:caption: Warmup ablation.
df = vf.demo.warmup_ablation()
vf.figures.bar_trend(df, x="warmup_steps", y="avg_score")
```
"""

FURO_WIDE = f"""\
# Wide

```{{vegafigs}}
:gallery: {WIDEST}
```

```{{vegafigs}}
:gallery: reward_length
```
"""


@pytest.fixture(scope="module")
def furo_site(tmp_path_factory):
    src = _project(
        tmp_path_factory.mktemp("sphinx-furo") / "src",
        {"index.md": FURO_INDEX, "wide.md": FURO_WIDE},
        conf='extensions.insert(0, "myst_parser")\nhtml_theme = "furo"\n',
    )
    out = src.parent / "html"
    code, warnings = _build(src, out)
    assert code == 0 and warnings == "", warnings
    return out


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["index", "gallery", "coded"])
def test_alabaster_pages_draw_offline_in_bundled_fonts_without_overflow(browser, site, name, width):
    report = check_built_page(browser, site / f"{name}.html", width=width, figures=1)
    if name == "gallery":  # the 1027 px figure in alabaster's narrow column: shrunk
        (box,) = report["boxes"]
        assert box["scale"] < 1, box


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "figures"), [("index", 1), ("wide", 2)])
def test_furo_myst_pages_draw_offline_in_bundled_fonts_without_overflow(
    browser, furo_site, name, figures, width
):
    check_built_page(browser, furo_site / f"{name}.html", width=width, figures=figures)


@pytest.mark.slow
def test_with_scripts_off_the_static_svg_shows(browser, site):
    page = browser.open("about:blank")
    try:
        page.send("Emulation.setScriptExecutionDisabled", value=True)
        page.loaded = False
        page.send("Page.navigate", url=(site / "gallery.html").resolve().as_uri())
        page.wait_for("document.readyState === 'complete'")
        shown = page.wait_for(
            "(() => { const i = document.querySelector('img.vegafigs-static');"
            " return i && i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width; })()"
        )
        assert shown > 100
    finally:
        page.close()


def _files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".doctrees" not in p.parts
    }


@pytest.mark.slow
def test_same_sources_same_bytes_in_a_parallel_build(site, tmp_path):
    """``sphinx-build -j 2`` in a process of its own (this one started vl-convert: a
    process forked from it could not render)."""
    src = site.parent / "src"
    out = tmp_path / "again"
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-j", "2", "-b", "html"]
        + ["-d", str(out / ".doctrees"), str(src), str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        timeout=600,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    first, second = _files(site), _files(out)
    assert sorted(first) == sorted(second)
    assert [n for n in first if first[n] != second[n]] == []


@pytest.mark.slow
def test_an_edited_page_rebuilds_incrementally(site, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(site.parent / "src", src)
    out = tmp_path / "html"
    assert _build(src, out) == (0, "")
    before = _page(out, "gallery")
    coded = CODED_RST.replace('"Three bars"', '"Three edited bars"')
    (src / "coded.rst").write_text(coded, encoding="utf-8")
    assert _build(src, out) == (0, "")
    assert _page(out, "gallery") == before
    page = _page(out, "coded")
    assert _fallback(page)[1] == "Three edited bars"
    assert (out / _fallback(page)[0]).is_file()
    (link,) = re.findall(r'href="(_static/vegafigs-fonts-[0-9a-f]{16}\.css)\?v=', page)
    assert (out / link).is_file()
