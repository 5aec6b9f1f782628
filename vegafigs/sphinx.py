"""Sphinx extension: vegafigs figures built at docs-build time, drawn live and offline.

Add it to ``conf.py``::

    extensions = ["vegafigs.sphinx"]

and write a figure as Python code (run when the page is read, in a fresh namespace
with ``vf`` bound to :mod:`vegafigs`, in the page's folder); the figure is the value
of the code's last expression (a ``vf.Figure``, an Altair chart or a Vega-Lite spec
dict)::

    .. vegafigs::
       :caption: Reward over training.
       :name: fig-reward

       import pandas as pd
       vf.training_curve(pd.read_csv("runs.csv"), x="step", y="reward")

or a gallery figure by name (:data:`vegafigs.gallery.FIGURES`)::

    .. vegafigs::
       :gallery: grad_metrics_hist

From MyST markdown the same directive is a fence: a fenced ``{vegafigs}`` block.

Options:

``:gallery: NAME``
    Build the gallery figure ``NAME`` (then the directive has no content).
``:code:``
    Also show the code (a highlighted Python block) before the figure.
``:alt: TEXT``
    The text alternative (default: the figure's title, else the caption, else the
    gallery figure's title, else "figure").
``:caption: TEXT``
    A caption under the figure (inline markup allowed).
``:name: LABEL``
    A target: ``:ref:`LABEL``` links to the figure (its caption is the link
    text; without a caption give one: ``:ref:`text <LABEL>```); ``:numref:`` too.

In HTML the figure is drawn by ``_static/vegafigs-embed.js`` (vega, vega-lite,
vega-embed and the fit script: :func:`vegafigs.pages.shared_script`, loaded
deferred by each page with a figure, nothing from a CDN) and fitted to the content
column as :mod:`vegafigs.pages` fits every page: scaled down as a whole, then a
sideways scroll inside its own box. ``_static/vegafigs.css`` holds the fit CSS, and
``_static/vegafigs-fonts-<digest>.css`` the ``@font-face`` rules (subset WOFF2 as
``data:`` URLs) of the bundled faces the page's figures use, so the text is drawn
in the PDF's Computer Modern / STIX / DejaVu. The static SVG, drawn by vl-convert
at build time, is ``_images/vegafigs-<digest>.svg``, shown when scripts are off.
LaTeX gets the figure as a PDF (``\\sphinxincludegraphics``), EPUB the SVG, the text,
man and texinfo builders its alt text in brackets.

A figure that cannot be built (its code raises, is not valid Python, does not end
in a figure; an unknown gallery name) is an error at the directive's line in its
document (the line of the code when known), so ``sphinx-build -W`` fails.

There are no configuration values. The extension is parallel read and write safe
(``-j N``; a ``conf.py`` must then not draw with vegafigs itself: vl-convert's
runtime, once started, cannot be used in the forked readers); the same sources
give the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from vegafigs import _docs
from vegafigs.pages import EMBED_NAME, FIT_CSS

#: The CSS file every page with a figure loads from ``_static``.
CSS_NAME = "vegafigs.css"


class vegafigs_figure(nodes.General, nodes.Element):  # noqa: N801 (docutils' node naming)
    """A figure in the doctree: ``fig`` is its :class:`vegafigs._docs.DocsFigure`."""


class VegafigsDirective(SphinxDirective):
    """The ``vegafigs`` directive (see the module docstring)."""

    has_content = True
    option_spec = {  # noqa: RUF012 (docutils' API)
        "gallery": directives.unchanged_required,
        "code": directives.flag,
        "alt": directives.unchanged_required,
        "caption": directives.unchanged_required,
        "name": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        """The figure (and the code block with ``:code:``), or an error at the line."""
        try:
            code, fig = self._build()
        except _docs.FigureCodeError as exc:
            line = self._code_start() + exc.line - 1 if exc.line else self.lineno
            return [self.reporter.error(f"vegafigs: {exc}", line=line)]
        node = vegafigs_figure("", fig=fig)
        self.set_source_info(node)
        figure = nodes.figure("", node, classes=["vegafigs-figure"])
        self.set_source_info(figure)
        messages: list[nodes.Node] = []
        if "caption" in self.options:
            text, messages = self.state.inline_text(self.options["caption"], self.lineno)
            figure += nodes.caption(self.options["caption"], "", *text)
        self.add_name(figure)
        result: list[nodes.Node] = []
        if "code" in self.options:
            block = nodes.literal_block(code, code, language="python")
            self.set_source_info(block)
            result.append(block)
        return [*result, figure, *messages]

    def _code_start(self) -> int:
        """The line of the code's first line in the source file (1-based).

        MyST gives no content offset: the first line at or after the directive's
        that holds the code's first line is it.
        """
        if not self.content:
            return self.lineno
        first = self.content[0].strip()
        source = self.get_source_info()[0]
        try:
            lines = Path(source).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return self.content_offset + 1
        for i in range(max(self.lineno - 1, 0), len(lines)):
            if lines[i].strip() == first:
                return i + 1
        return self.content_offset + 1

    def _build(self) -> tuple[str, _docs.DocsFigure]:
        gallery = self.options.get("gallery")
        code = "\n".join(self.content)
        if gallery and code.strip():
            raise _docs.FigureCodeError("give either :gallery: or code, not both")
        if not gallery and not code.strip():
            raise _docs.FigureCodeError("no figure: give Python code or the :gallery: option")
        here = Path(self.env.doc2path(self.env.docname)).parent
        if gallery:
            code, value = _docs.gallery_code(gallery), _docs.gallery_value(gallery)
        else:
            where = f"<vegafigs {self.env.docname}:{self.lineno}>"
            value = _docs.run_code(code, filename=where, cwd=here)
        alt = self.options.get("alt")
        default = self.options.get("caption") or _docs.gallery_title(gallery) or "figure"
        return code, _docs.build_figure(value, alt=alt, default_alt=default, base_dir=here)


# -------------------------------------------------------------------- writers
def _live_html(builder: Any) -> bool:
    return builder.format == "html" and not builder.name.startswith("epub")


def _svg_file(builder: Any, fig: _docs.DocsFigure) -> str:
    """Write the static SVG into the output's images folder; its name."""
    name = f"{fig.key}.svg"
    _docs.write_if_changed(Path(builder.outdir, builder.imagedir, name), fig.svg.encode())
    return name


def visit_html(self: Any, node: vegafigs_figure) -> None:
    """HTML: the live figure and its ``<noscript>`` SVG (EPUB: the SVG alone)."""
    fig: _docs.DocsFigure = node["fig"]
    src = posixpath.join(self.builder.imgpath, _svg_file(self.builder, fig))
    if not _live_html(self.builder):
        alt = html.escape(fig.alt)
        self.body.append(f'<img class="vegafigs-static" src="{src}" alt="{alt}">\n')
        raise nodes.SkipNode
    count = getattr(self, "_vegafigs_count", 0) + 1
    self._vegafigs_count = count
    self.body.append(_docs.figure_html(fig, target=f"vegafigs-{count}", svg_src=src))
    raise nodes.SkipNode


def visit_latex(self: Any, node: vegafigs_figure) -> None:
    """LaTeX: the figure as a PDF, scaled down to the line width when wider."""
    from vegafigs.export import render_spec

    fig: _docs.DocsFigure = node["fig"]
    name = f"{fig.key}.pdf"
    _docs.write_if_changed(Path(self.builder.outdir, name), render_spec(fig.spec, "pdf"))
    self.body.append(f"\\sphinxincludegraphics{{{{{fig.key}}}.pdf}}\n")
    raise nodes.SkipNode


def visit_text(self: Any, node: vegafigs_figure) -> None:
    """Plain text: the alt text in brackets."""
    self.add_text(f"[figure: {node['fig'].alt}]")
    raise nodes.SkipNode


def visit_man(self: Any, node: vegafigs_figure) -> None:
    """Man pages: the alt text in brackets."""
    self.body.append(self.deunicode(f"[figure: {node['fig'].alt}]"))
    raise nodes.SkipNode


def visit_texinfo(self: Any, node: vegafigs_figure) -> None:
    """Texinfo: the alt text in brackets."""
    self.body.append(self.escape(f"[figure: {node['fig'].alt}]"))
    raise nodes.SkipNode


# -------------------------------------------------------------------- pages and files
def _write_css(app: Sphinx) -> None:
    """``builder-inited``: the fit CSS into ``_static`` (HTML builders)."""
    if _live_html(app.builder):
        css = (FIT_CSS + _docs.DOCS_CSS + "\n").encode()
        _docs.write_if_changed(Path(app.builder.outdir, "_static", CSS_NAME), css)


def _write_script(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the shared script into ``_static`` (HTML builders).

    Written last: making it starts vl-convert, whose runtime a process forked for a
    parallel read (``-j N``) cannot use once its parent started it.
    """
    if exception is None and _live_html(app.builder):
        from vegafigs.pages import shared_script

        _docs.write_if_changed(Path(app.builder.outdir, "_static", EMBED_NAME), shared_script())


def _page_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: a page with figures loads the script, the CSS and its fonts."""
    if doctree is None or not _live_html(app.builder):
        return
    figures = [n["fig"] for n in doctree.findall(vegafigs_figure)]
    if not figures:
        return
    app.add_css_file(CSS_NAME)
    css = _docs.page_font_css(figures)
    if css:
        name = f"vegafigs-fonts-{hashlib.sha256(css.encode()).hexdigest()[:16]}.css"
        _docs.write_if_changed(Path(app.builder.outdir, "_static", name), css.encode())
        app.add_css_file(name)
    app.add_js_file(EMBED_NAME, loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, its node's writers and the page hooks (Sphinx's entry point).

    Parameters
    ----------
    app : sphinx.application.Sphinx
        The Sphinx application.

    >>> setup.__module__
    'vegafigs.sphinx'
    """
    app.add_node(
        vegafigs_figure,
        html=(visit_html, None),
        latex=(visit_latex, None),
        text=(visit_text, None),
        man=(visit_man, None),
        texinfo=(visit_texinfo, None),
    )
    app.add_directive("vegafigs", VegafigsDirective)
    app.connect("builder-inited", _write_css)
    app.connect("build-finished", _write_script)
    app.connect("html-page-context", _page_assets)
    from vegafigs import __version__

    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
