"""The MkDocs plugin ``vegafigs`` (``vegafigs.mkdocs:VegafigsPlugin``): tiny sites in tmp_path.

``mkdocs build --strict`` of a small site (a code figure with options, the widest
gallery figure, two hconcat figures on a nested page, a page without figures):
the shared script in the site, no http script, the SVG fallbacks, alt text,
captions and ids, the code block, the fonts. A block that cannot be built fails
the build naming the page, the line and the problem. Slow: the pages in headless
Chromium at 1024 px and 390 px (drawn offline, bundled fonts, no page-wide
overflow, no Vega warning such as ``width: "container"``).
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")

from vegafigs import pages  # noqa: E402
from vegafigs.mkdocs import ASSETS, find_blocks  # noqa: E402

from ._docs_browser import WIDTHS, check_built_page, launch_docs_browser  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# The readthedocs theme loads nothing from the web once highlight.js is off (the
# mkdocs theme's own script throws in headless Chromium).
MKDOCS_YML = """\
site_name: a test site
theme:
  name: readthedocs
  highlightjs: false
plugins:
  - vegafigs
nav:
  - index.md
  - runs/curves.md
  - plain.md
"""

INDEX_MD = """\
---
title: Figures
---

# Figures

A figure from code, and [a link to it](#fig-warmup):

```vegafigs
caption: Warmup ablation, in the LaTeX theme.
name: fig-warmup
code: true
df = vf.demo.warmup_ablation()
vf.figures.bar_trend(df, x="warmup_steps", y="avg_score", theme="latex")
```

The widest gallery figure:

~~~vegafigs
gallery: grad_metrics_hist
alt: Three histograms of gradient metrics
~~~

A fence showing the syntax is not a figure:

````markdown
```vegafigs
gallery: grad_metrics_hist
```
````
"""

CURVES_MD = """\
# Curves

```vegafigs
gallery: reward_length
```

```vegafigs
gallery: kl_spaghetti
```
"""


def _mkdocs(site: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(site / "mkdocs.yml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def _project(root: Path, files: dict[str, str], *, yml: str = MKDOCS_YML) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(yml, encoding="utf-8")
    for name, text in files.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = _project(
        tmp_path_factory.mktemp("mkdocs"),
        {"index.md": INDEX_MD, "runs/curves.md": CURVES_MD, "plain.md": "# Plain\n\nNo figure.\n"},
    )
    done = _mkdocs(root)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return root / "site"


def _islands(page: str) -> list[dict]:
    island = r'<script type="application/json" class="vegafigs-spec"[^>]*>(.*?)</script>'
    return [json.loads(text) for text in re.findall(island, page)]


def _fallbacks(page: str) -> list[tuple[str, str]]:
    imgs = re.findall(r"<noscript>(<img [^>]*>)</noscript>", page)
    return [
        (
            html.unescape(re.search(r'src="([^"]*)"', i)[1]),
            html.unescape(re.search(r'alt="([^"]*)"', i)[1]),
        )
        for i in imgs
    ]


def test_blocks_are_found_with_their_options_and_lines():
    blocks = find_blocks(INDEX_MD)
    assert [b.options for b in blocks] == [
        {"caption": "Warmup ablation, in the LaTeX theme.", "name": "fig-warmup", "code": "true"},
        {"gallery": "grad_metrics_hist", "alt": "Three histograms of gradient metrics"},
    ]
    assert blocks[0].code.startswith("df = vf.demo") and blocks[0].line == 13


def test_the_shared_script_is_written_once_into_the_site(site):
    assert (site / ASSETS / pages.EMBED_NAME).read_bytes() == pages.shared_script()


@pytest.mark.parametrize(("page", "figures"), [("index.html", 2), ("runs/curves/index.html", 2)])
def test_figure_pages_load_the_shared_script_after_their_figures(site, page, figures):
    text = (site / page).read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*\ssrc=\"([^\"]*)\"", text)
    ours = [s for s in scripts if pages.EMBED_NAME in s]
    prefix = "../../" if page.startswith("runs/") else ""
    assert ours == [f"{prefix}{ASSETS}/{pages.EMBED_NAME}"]
    assert not [s for s in scripts if "//" in s]  # no CDN, no http(s) script
    assert text.rindex("vegafigs-spec") < text.index(f'src="{ours[0]}"')
    assert len(_islands(text)) == figures
    for src, _ in _fallbacks(text):
        svg = (site / page).parent / src
        assert svg.read_text(encoding="utf-8").startswith("<svg")
    assert "vegafigs-placeholder" not in text


def test_alt_caption_id_and_code(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    alts = [alt for _, alt in _fallbacks(text)]
    assert alts == ["Warmup ablation, in the LaTeX theme.", "Three histograms of gradient metrics"]
    assert [s["description"] for s in _islands(text)] == alts
    assert '<figure class="vegafigs-figure" id="fig-warmup">' in text
    assert "<figcaption>Warmup ablation, in the LaTeX theme.</figcaption>" in text
    code = text.index('<code class="language-python">df = vf.demo.warmup_ablation()')
    assert code < text.index('class="vis vegafigs-fit"')
    assert "```vegafigs\ngallery: grad_metrics_hist\n```" in html.unescape(text)  # the syntax fence
    curves = (site / "runs/curves/index.html").read_text(encoding="utf-8")
    for _, alt in _fallbacks(curves):  # the gallery figures' titles
        assert alt and alt != "figure", alt


def test_each_page_carries_the_fonts_its_figures_use(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    style = re.search(r'<style class="vegafigs-fonts">(.*?)</style>', text, re.S)[1]
    assert pages.FIT_CSS in style
    assert 'font-family:"vegafigs CM"' in style and 'font-family:"STIXGeneral"' in style
    assert "vegafigs" not in (site / "plain/index.html").read_text(encoding="utf-8")


def _dateless(path: Path) -> str:
    """The page without the theme's closing build-date comment."""
    return re.sub(
        r"<!--\s*MkDocs version.*?-->\s*$", "", path.read_text(encoding="utf-8"), flags=re.S
    )


@pytest.mark.slow
def test_same_sources_same_site_files(site, tmp_path):
    root = tmp_path / "again"
    root.mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs").symlink_to(site.parent / "docs")
    done = _mkdocs(root)
    assert done.returncode == 0, done.stderr
    for name in ("index.html", "runs/curves/index.html"):
        assert _dateless(root / "site" / name) == _dateless(site / name)
    ours = sorted(p.name for p in (site / ASSETS).iterdir())
    assert ours == sorted(p.name for p in (root / "site" / ASSETS).iterdir())
    for name in ours:
        assert (root / "site" / ASSETS / name).read_bytes() == (site / ASSETS / name).read_bytes()


# ---------------------------------------------------------------- errors
BAD_MD = """\
---
title: Bad
---

# Bad

```vegafigs
x = 1
raise ValueError("boom in the figure code")
```
"""


BAD_YML = MKDOCS_YML.replace("  - runs/curves.md\n  - plain.md\n", "  - bad.md\n")


def test_a_block_that_cannot_be_built_fails_mkdocs_build_strict(tmp_path):
    root = _project(tmp_path, {"index.md": "# I\n", "bad.md": BAD_MD}, yml=BAD_YML)
    done = _mkdocs(root)
    assert done.returncode != 0
    (line,) = [line for line in done.stderr.splitlines() if "vegafigs: " in line]
    assert line.startswith("ERROR")
    expected = "line 2 of the code: the code raised ValueError: boom in the figure code"
    assert f"vegafigs: bad.md:9: the vegafigs block: {expected}" in line, line


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("# B\n\n```vegafigs\ngallery: nope\n```\n", "bad.md:3", "gallery: unknown figure 'nope'"),
        ("# B\n\n```vegafigs\ncode: maybe\nvf.demo\n```\n", "bad.md:3", "expected true or false"),
        ("# B\n\n```vegafigs\n\nvf.demo\n```\n", "bad.md:3", "last expression is a module"),
        ("# B\n\n```vegafigs\ngallery: x\nvf.demo\n```\n", "bad.md:3", "not both"),
        ("# B\n\n```vegafigs\nx = (\n```\n", "bad.md:4", "line 1 of the code: invalid Python"),
        ("# B\n\n- item\n\n    ```vegafigs\n    vf.demo\n    ```\n", None, None),
    ],
)
def test_block_errors_name_the_page_line_and_problem(tmp_path, text, where, message):
    """In process (``mkdocs.commands.build``): each problem is a build error."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    root = _project(tmp_path, {"index.md": "# I\n", "bad.md": text}, yml=BAD_YML)
    config = load_config(str(root / "mkdocs.yml"), strict=True)
    if where is None:  # an indented fence is a code block of the list, not a figure
        build(config)
        assert "vegafigs-fit" not in (root / "site/bad/index.html").read_text(encoding="utf-8")
        return
    with pytest.raises((Abort, PluginError)) as info:
        try:
            build(config)
        except Abort as exc:
            raise exc.__context__ or exc from None
    assert f"vegafigs: {where}: the vegafigs block: " in str(info.value), info.value
    assert message in str(info.value)


# ---------------------------------------------------------------- slow: in the browser
@pytest.fixture(scope="module")
def browser():
    b = launch_docs_browser()
    yield b
    b.stop()


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ["index.html", "runs/curves/index.html"])
def test_pages_draw_offline_in_bundled_fonts_without_overflow(browser, site, page, width):
    report = check_built_page(browser, site / page, width=width, figures=2)
    if page == "index.html":  # the 1027 px histogram never fits the column: shrunk
        assert report["boxes"][1]["scale"] < 1, report["boxes"][1]
