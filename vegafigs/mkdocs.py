"""MkDocs plugin: fenced ``vegafigs`` blocks become figures, drawn live and offline.

Turn it on in ``mkdocs.yml``::

    plugins:
      - vegafigs

and write a figure as a fenced block of Python (run at build time in a fresh
namespace with ``vf`` bound to :mod:`vegafigs`, in the page's folder); the figure is
the value of the code's last expression (a ``vf.Figure``, an Altair chart or a
Vega-Lite spec dict). Options come first, one ``key: value`` line each::

    ```vegafigs
    caption: Reward over training.
    name: fig-reward
    code: true
    import pandas as pd
    vf.training_curve(pd.read_csv("runs.csv"), x="step", y="reward")
    ```

    ```vegafigs
    gallery: grad_metrics_hist
    ```

Options: ``gallery: NAME`` (a gallery figure, :data:`vegafigs.gallery.FIGURES`; no
code then), ``code: true`` (also show the code, a Python block, before the
figure), ``alt: TEXT`` (the text alternative; default the figure's title, else the
caption, else the gallery figure's title), ``caption: TEXT`` (plain text under the
figure), ``name: ID`` (the figure's element id: link to it with ``#ID``). The
options end at the first line that is not one of them. Only fences at the start of
a line are figures (not inside other fences).

Each figure is a ``<figure class="vegafigs-figure">`` with the fit box of
:mod:`vegafigs.pages` (scaled down as a whole to the content column, then a
sideways scroll inside its own box) and its static SVG (drawn by vl-convert) in
a ``<noscript>``. A page with figures carries the fit CSS and the ``@font-face``
rules (subset WOFF2 as ``data:`` URLs) of the bundled faces its figures use, and
loads ``assets/vegafigs/vegafigs-embed.js`` (vega, vega-lite, vega-embed and the fit
script: :func:`vegafigs.pages.shared_script`; nothing from a CDN) after its last
figure. The SVGs are ``assets/vegafigs/vegafigs-<digest>.svg``. A block that cannot
be built is a build error naming the page, the line and the problem.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from vegafigs import _docs
from vegafigs.pages import EMBED_NAME, FIT_CSS

#: Where the shared script and the static SVGs go, in the site folder.
ASSETS = "assets/vegafigs"
OPTIONS = ("gallery", "code", "alt", "caption", "name")
_OPTION = re.compile(rf"^({'|'.join(OPTIONS)}):[ \t]*(.*?)[ \t]*$")
_FENCE = re.compile(r"^(`{3,}|~{3,})[ \t]*([^`\s]*)")


@dataclass(frozen=True)
class Block:
    """A fenced ``vegafigs`` block of a page.

    Parameters
    ----------
    line : int
        The line of the block's first code line in the page's markdown (1-based).
    options : dict
        Its option lines, ``key -> value``.
    code : str
        Its Python code.
    start, end : int
        Its lines' span in the markdown (``lines[start:end]``, fences included).
    """

    line: int
    options: dict[str, str]
    code: str
    start: int
    end: int


def _closer(lines: list[str], i: int, fence: str) -> int:
    """The index of the line that closes ``fence`` opened at ``i`` (or ``len(lines)``)."""
    for j in range(i + 1, len(lines)):
        s = lines[j].rstrip()
        if s.startswith(fence[0] * len(fence)) and not s.strip(fence[0]):
            return j
    return len(lines)


def _block(lines: list[str], start: int, end: int) -> Block:
    options: dict[str, str] = {}
    i = start + 1
    while i < end and (m := _OPTION.match(lines[i])):
        options[m.group(1)] = m.group(2)
        i += 1
    return Block(i + 1, options, "\n".join(lines[i:end]), start, min(end + 1, len(lines)))


def find_blocks(markdown: str) -> list[Block]:
    """The fenced ``vegafigs`` blocks of ``markdown``, in order.

    Parameters
    ----------
    markdown : str
        A page's markdown.

    >>> (b,) = find_blocks("x\\n```vegafigs\\ncode: true\\nvf.demo\\n```\\n")
    >>> b.options, b.code, b.line
    ({'code': 'true'}, 'vf.demo', 4)
    >>> find_blocks("````md\\n```vegafigs\\n1\\n```\\n````\\n")
    []
    """
    lines = markdown.split("\n")
    blocks, i = [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        end = _closer(lines, i, m.group(1))
        if m.group(2) == "vegafigs":
            blocks.append(_block(lines, i, end))
        i = end + 1
    return blocks


def _flag(value: str, *, where: str) -> bool:
    v = value.strip().lower()
    if v not in ("true", "false", "yes", "no", ""):
        raise _docs.FigureCodeError(f"{where}: code: expected true or false, got {value!r}")
    return v in ("true", "yes", "")


def _code_fence(code: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}python\n{code}\n{fence}"


class VegafigsPlugin(BasePlugin):
    """The ``vegafigs`` MkDocs plugin (see the module docstring)."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Start a build: no figures yet.

        Parameters
        ----------
        config : MkDocsConfig
            The site's configuration.
        """
        self._svgs: dict[str, str] = {}
        self._pages: dict[str, list[tuple[str, _docs.DocsFigure, dict[str, str]]]] = {}
        return config

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Build the page's figures; each block becomes its code (``code: true``) and a marker.

        Parameters
        ----------
        markdown : str
            The page's markdown.
        page : Page
            The page.
        config : MkDocsConfig
            The site's configuration.
        files : Files
            The site's files.
        """
        blocks = find_blocks(markdown)
        if not blocks:
            return markdown
        lines = markdown.split("\n")
        offset = _front_matter_lines(page, markdown)
        here = Path(page.file.abs_src_path or config.docs_dir).parent
        built, shown = [], []
        for n, block in enumerate(blocks):
            fig, code = self._build(block, page=page, offset=offset, here=here)
            built.append((_marker(n, block.options.get("name")), fig, block.options))
            shown.append(f"{_code_fence(code)}\n\n" if code else "")
        for (marker, _, _), block, code in reversed(list(zip(built, blocks, shown, strict=True))):
            lines[block.start : block.end] = [f"\n{code}{marker}\n"]
        self._pages[page.file.src_uri] = built
        return "\n".join(lines)

    def _build(
        self, block: Block, *, page: Page, offset: int, here: Path
    ) -> tuple[_docs.DocsFigure, str]:
        """The block's figure and the code to show ("" without ``code: true``)."""
        where = f"{page.file.src_uri}:{block.line + offset}"
        try:
            show = _flag(block.options.get("code", "false"), where="options")
            gallery = block.options.get("gallery")
            if gallery and block.code.strip():
                raise _docs.FigureCodeError("give either gallery: or code, not both")
            if gallery:
                code, value = _docs.gallery_code(gallery), _docs.gallery_value(gallery)
            elif block.code.strip():
                code = block.code
                value = _docs.run_code(code, filename=f"<vegafigs {where}>", cwd=here)
            else:
                raise _docs.FigureCodeError("no figure: give Python code or a gallery: line")
            opts = block.options
            default = opts.get("caption") or _docs.gallery_title(gallery) or "figure"
            fig = _docs.build_figure(value, alt=opts.get("alt"), default_alt=default, base_dir=here)
        except _docs.FigureCodeError as exc:
            line = offset + (block.line + exc.line - 1 if exc.line else block.start + 1)
            raise PluginError(
                f"vegafigs: {page.file.src_uri}:{line}: the vegafigs block: {exc}"
            ) from exc
        self._svgs[fig.key] = fig.svg
        return fig, code if show else ""

    def on_page_content(
        self, content: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Put each figure in place of its marker, with the page's CSS, fonts and script.

        Parameters
        ----------
        content : str
            The page's HTML.
        page : Page
            The page.
        config : MkDocsConfig
            The site's configuration.
        files : Files
            The site's files.
        """
        built = self._pages.get(page.file.src_uri)
        if not built:
            return content
        base = page.url
        for n, (marker, fig, options) in enumerate(built, start=1):
            if content.count(marker) != 1:
                raise PluginError(
                    f"vegafigs: {page.file.src_uri}: figure {n} was not placed (a vegafigs "
                    "block must be at the top level of the page, not indented)"
                )
            content = content.replace(marker, _figure(fig, options, n=n, base=base))
        fonts = _docs.page_font_css([fig for _, fig, _ in built])
        style = f'<style class="vegafigs-fonts">{FIT_CSS}{_docs.DOCS_CSS}\n{fonts}</style>\n'
        script = get_relative_url(f"{ASSETS}/{EMBED_NAME}", base)
        return f'{style}{content}\n<script src="{_esc(script)}"></script>\n'

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the shared script and the static SVGs into the site folder.

        Parameters
        ----------
        config : MkDocsConfig
            The site's configuration.
        """
        from vegafigs.pages import shared_script

        folder = Path(config.site_dir, ASSETS)
        _docs.write_if_changed(folder / EMBED_NAME, shared_script())
        for key, svg in sorted(self._svgs.items()):
            _docs.write_if_changed(folder / f"{key}.svg", svg.encode())


def _marker(n: int, name: str | None) -> str:
    """The raw HTML a block is replaced with until the page's HTML is made (its id, if
    named, is an anchor MkDocs' link checks see)."""
    ident = f' id="{_esc(name)}"' if name else ""
    return f'<div class="vegafigs-placeholder" data-vegafigs="{n}"{ident}></div>'


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _figure(fig: _docs.DocsFigure, options: dict[str, str], *, n: int, base: str) -> str:
    """One figure's HTML: ``<figure>``, the fit box and fallback, the caption."""
    name = options.get("name")
    ident = f' id="{_esc(name)}"' if name else ""
    caption = options.get("caption")
    svg = get_relative_url(f"{ASSETS}/{fig.key}.svg", base)
    return (
        f'<figure class="vegafigs-figure"{ident}>\n'
        + _docs.figure_html(fig, target=f"vegafigs-{n}", svg_src=svg)
        + (f"<figcaption>{_esc(caption)}</figcaption>\n" if caption else "")
        + "</figure>\n"
    )


def _front_matter_lines(page: Page, markdown: str) -> int:
    """How many lines of the source file come before ``markdown`` (its front matter)."""
    try:  # MkDocs 1.6+; 1.5 has only the file's path
        raw = getattr(page.file, "content_string", None)
        if raw is None:
            raw = Path(page.file.abs_src_path or "").read_text(encoding="utf-8-sig")
    except Exception:
        return 0
    raw = raw.replace("\r\n", "\n")
    return raw[: len(raw) - len(markdown)].count("\n") if raw.endswith(markdown) else 0
