"""What the Sphinx extension and the MkDocs plugin share: a figure built from code.

:func:`run_code` runs a block of Python (a fresh namespace with ``vf`` bound to
:mod:`vegafigs`) and returns the value of its last expression; :func:`gallery_value`
builds a gallery figure by name; :func:`build_figure` turns either into a
:class:`DocsFigure` (its spec, the static SVG drawn by vl-convert, the alt text);
:func:`figure_html` writes the figure's fit box (:func:`vegafigs.pages.figure_box`,
drawn by the shared script :data:`vegafigs.pages.EMBED_NAME`) with the SVG as a
``<noscript>`` fallback; :func:`page_font_css` the ``@font-face`` rules of a page's
figures (:mod:`vegafigs.webfonts`). What goes wrong is a :class:`FigureCodeError`
naming the problem and, when it is known, the line of the code.
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import os
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vegafigs.errors import VegafigsError

#: The CSS every page with a figure carries: the fit box, and the static fallback
#: (when scripts are off) never wider than its column.
DOCS_CSS = (
    ".vegafigs-figure .vegafigs-static{display:block;max-width:100%;height:auto}"
    ".vegafigs-figure{max-width:100%}"
)


class FigureCodeError(VegafigsError, ValueError):
    """A docs figure cannot be built; ``line`` is the line of its code (1-based) or ``None``.

    Parameters
    ----------
    message : str
        What went wrong.
    line : int or None
        The line of the figure's code it went wrong at, when known.
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class DocsFigure:
    """A figure built for a docs page.

    Parameters
    ----------
    spec : dict
        The Vega-Lite spec (data inlined, as :func:`vegafigs.to_spec` writes it).
    svg : str
        The static picture (vl-convert's SVG).
    alt : str
        The text alternative.
    """

    spec: dict[str, Any]
    svg: str
    alt: str

    @property
    def key(self) -> str:
        """A short digest of the spec and the alt text: the static picture's file stem.

        >>> DocsFigure({"mark": "point"}, "<svg/>", "A").key
        'vegafigs-...'
        """
        text = json.dumps([self.spec, self.alt], sort_keys=True, ensure_ascii=False)
        return "vegafigs-" + hashlib.sha256(text.encode()).hexdigest()[:16]

    def web_spec(self) -> dict[str, Any]:
        """The spec a browser draws: bundled fonts first, the alt text as its description.

        >>> DocsFigure({"mark": "point"}, "<svg/>", "A").web_spec()
        {'mark': 'point', 'description': 'A'}
        """
        from vegafigs.webfonts import prefer_bundled_fonts

        return {**prefer_bundled_fonts(self.spec), "description": self.alt}


@contextmanager
def _working_dir(path: str | os.PathLike[str] | None) -> Iterator[None]:
    if path is None:
        yield
        return
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _code_line(exc: BaseException, filename: str) -> int | None:
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    return lines[-1] if lines else None


def run_code(
    code: str, *, filename: str = "<vegafigs>", cwd: str | os.PathLike[str] | None = None
) -> Any:
    """Run ``code`` in a fresh namespace (``vf`` is :mod:`vegafigs`); its last expression's value.

    Parameters
    ----------
    code : str
        Python statements; the last one an expression (the figure).
    filename : str
        The name tracebacks give the code.
    cwd : path-like, optional
        The working folder while the code runs (default: the current one).

    >>> run_code("x = 2\\nvf.__name__ * x")
    'vegafigsvegafigs'
    >>> run_code("1 / 0")
    Traceback (most recent call last):
    vegafigs._docs.FigureCodeError: line 1 of the code: the code raised ZeroDivisionError: ...
    """
    import vegafigs

    try:
        tree = ast.parse(code, filename=filename)
    except SyntaxError as exc:
        raise FigureCodeError(
            _at(exc.lineno, f"invalid Python: {exc.msg}"), line=exc.lineno
        ) from None
    tail = tree.body[-1] if tree.body else None
    last = tail.value if isinstance(tail, ast.Expr) else None
    if last is not None:
        tree.body.pop()
    namespace: dict[str, Any] = {"__name__": "__vegafigs_docs__", "vf": vegafigs}
    try:
        with _working_dir(cwd):
            exec(compile(tree, filename, "exec"), namespace)
            if last is not None:
                return eval(compile(ast.Expression(last), filename, "eval"), namespace)
    except Exception as exc:
        line = _code_line(exc, filename)
        text = f"the code raised {type(exc).__name__}: {exc}"
        raise FigureCodeError(_at(line, text), line=line) from exc
    line = tree.body[-1].lineno if tree.body else None
    raise FigureCodeError(
        _at(line, "the code's last statement must be an expression: the figure"), line=line
    )


def _at(line: int | None, text: str) -> str:
    return f"line {line} of the code: {text}" if line else text


def gallery_value(name: str) -> Any:
    """The gallery figure ``name`` (:data:`vegafigs.gallery.FIGURES`), built.

    Parameters
    ----------
    name : str
        A gallery figure's name.

    >>> gallery_value("no_such")
    Traceback (most recent call last):
    vegafigs._docs.FigureCodeError: gallery: unknown figure 'no_such'; expected one of ...
    """
    from vegafigs.gallery import FIGURES

    if name not in FIGURES:
        raise FigureCodeError(
            f"gallery: unknown figure {name!r}; expected one of {', '.join(FIGURES)}"
        )
    return FIGURES[name].build()


def gallery_title(name: str | None) -> str | None:
    """The gallery's title of the figure ``name`` (``None`` for no or an unknown name).

    Parameters
    ----------
    name : str or None
        A gallery figure's name.

    >>> gallery_title("warmup_ablation") is not None, gallery_title(None)
    (True, None)
    """
    from vegafigs.gallery import FIGURES

    return FIGURES[name].title if name in FIGURES else None


def gallery_code(name: str) -> str:
    """The code that builds the gallery figure ``name`` (shown with the ``code`` option).

    Parameters
    ----------
    name : str
        A gallery figure's name.

    >>> print(gallery_code("warmup_ablation"))
    from vegafigs.gallery import FIGURES
    FIGURES["warmup_ablation"].build()
    """
    return f"from vegafigs.gallery import FIGURES\nFIGURES[{json.dumps(name)}].build()"


def build_figure(
    value: Any,
    *,
    alt: str | None = None,
    default_alt: str = "figure",
    base_dir: str | os.PathLike[str] | None = None,
) -> DocsFigure:
    """A :class:`DocsFigure` of ``value`` (a ``vf.Figure``, an Altair chart or a spec dict).

    Parameters
    ----------
    value : Figure, Altair chart or dict
        The figure.
    alt : str, optional
        The text alternative (default: the spec's title, else ``default_alt``).
    default_alt : str
        The text alternative of a figure without ``alt`` and without a title.
    base_dir : path-like, optional
        Where relative data paths are read from; only files under it are inlined.

    The spec is checked as :func:`vegafigs.save` checks it (data from URLs refused)
    and drawn to SVG by vl-convert.

    >>> fig = build_figure({"mark": "point", "title": "Hi", "data": {"values": [{"x": 1}]}})
    >>> fig.alt, fig.svg.startswith("<svg")
    ('Hi', True)
    >>> build_figure(3)
    Traceback (most recent call last):
    vegafigs._docs.FigureCodeError: the code's last expression is a int; expected a vf.Figure, ...
    """
    import altair as alt_

    from vegafigs import export, pages
    from vegafigs.external import localize_data
    from vegafigs.figure import Figure

    if not isinstance(value, (Figure, alt_.TopLevelMixin, dict)):
        raise FigureCodeError(
            f"the code's last expression is a {type(value).__name__}; expected a vf.Figure, "
            "an Altair chart or a Vega-Lite spec dict"
        )
    try:
        if isinstance(value, dict):
            export.validate_spec(value, source="the figure's spec")
        dirs = None if base_dir is None else [base_dir]
        spec = localize_data(export.to_spec(value), allow_data_dirs=dirs, base_dir=base_dir)
        svg = export.render_spec(spec, "svg").decode("utf-8")
    except VegafigsError as exc:
        raise FigureCodeError(f"{type(exc).__name__}: {exc}") from exc
    return DocsFigure(spec, svg, alt or pages.spec_title(spec) or default_alt)


def figure_html(fig: DocsFigure, *, target: str, svg_src: str) -> str:
    """The figure's live fit box with its SVG as a ``<noscript>`` fallback.

    Parameters
    ----------
    fig : DocsFigure
        The figure.
    target : str
        The box's element id (unique in the page).
    svg_src : str
        The URL of the static SVG, relative to the page.

    The page loads :data:`vegafigs.pages.EMBED_NAME` after the box (or deferred).

    >>> fig = DocsFigure({"mark": "point"}, '<svg width="20" height="10">', "A & B")
    >>> out = figure_html(fig, target="v1", svg_src="s.svg")
    >>> 'id="v1"' in out, 'alt="A &amp; B" width="20" height="10"' in out
    (True, True)
    """
    from vegafigs import _limits, pages

    width, height = _limits.svg_size(fig.svg)
    esc = html.escape
    return (
        pages.figure_box(target, fig.web_spec())
        + f'<noscript><img class="vegafigs-static" src="{esc(svg_src)}" alt="{esc(fig.alt)}"'
        f' width="{width:g}" height="{height:g}"></noscript>\n'
    )


def page_font_css(figures: Sequence[DocsFigure]) -> str:
    """``@font-face`` rules for the bundled faces the figures of one page draw ("" if none).

    Parameters
    ----------
    figures : sequence of DocsFigure
        The page's figures.

    >>> page_font_css([])
    ''
    """
    from vegafigs.webfonts import font_face_css

    return font_face_css([f.web_spec() for f in figures]) if figures else ""


def write_if_changed(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` unless it already holds exactly that (atomic).

    Parameters
    ----------
    path : Path
        The file.
    data : bytes
        Its content.

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "a" / "f.txt"
    >>> write_if_changed(p, b"x"); p.read_bytes()
    b'x'
    """
    from vegafigs.export import write_atomic

    if path.is_file() and path.read_bytes() == data:
        return
    write_atomic(path, data)
