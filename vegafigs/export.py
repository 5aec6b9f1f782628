"""Save charts: one :func:`save` that dispatches on the file suffix.

``.vl.json`` / ``.json``: canonical Vega-Lite JSON (sorted keys, content-hashed
dataset names, byte-identical in every process). ``.png`` / ``.svg`` / ``.pdf``:
rendered by vl-convert after the font check; SVG ids and the PDF's object order are
made canonical (:mod:`vegafigs._pdf`), so every format gives the same bytes in every
render and process. ``.html``: a self-contained page
(vega, vega-lite and vega-embed inlined; works offline; the spec is escaped; the
figure fits narrow windows, see :mod:`vegafigs.pages`).
Files are written atomically: a failure leaves no file behind; :func:`write_set`
writes a set of files all or none.

Images and pages never load data from a URL, nor inline a local file outside the
``allow_data_dirs`` folders, unless ``allow_external_data=True`` (see
:mod:`vegafigs.external`); vl-convert's ``allowed_base_urls`` guards URLs a second
time, and a page's Content-Security-Policy and loader a third.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, cast

import altair as alt

from vegafigs import _limits
from vegafigs.errors import ExportError
from vegafigs.external import DirsLike, localize_data
from vegafigs.themes import fonts
from vegafigs.themes.text import check_spec_text, check_texts, normalize_lines, spec_texts

if TYPE_CHECKING:
    from vegafigs.figure import Figure

Spec = dict[str, Any]
ChartLike = Union[alt.TopLevelMixin, Spec, "Figure"]

#: Suffix -> format name. Longest suffixes are matched first.
FORMATS = {
    ".vl.json": "json",
    ".json": "json",
    ".png": "png",
    ".svg": "svg",
    ".pdf": "pdf",
    ".html": "html",
}


def to_spec(chart: ChartLike) -> Spec:
    """The Vega-Lite spec of ``chart`` as a plain dict.

    Data is inlined knowingly (vegafigs figures reduce their data before drawing),
    so Altair's 5,000-row guard does not apply here. A line break in a title or
    text string makes a list of lines (Vega-Lite's multi-line text). An Altair chart
    or a :class:`~vegafigs.Figure` is validated by Altair as it is converted; a dict
    is copied as it is (nested at most :data:`vegafigs._limits.MAX_DEPTH` levels) and
    checked against the schema only by :func:`render`, :func:`save` and
    :func:`validate_spec`.

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` (its
        :meth:`~vegafigs.Figure.to_dict`: theme merged in, sized exactly) or a
        Vega-Lite dict (not changed). Anything else is an
        :class:`~vegafigs.ExportError`.

    Returns
    -------
    dict
        A new spec dict.

    Examples
    --------
    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
    >>> to_spec(chart)["mark"]
    {'type': 'point'}
    >>> to_spec({"mark": "point", "title": "Reward\\nper step"})["title"]
    ['Reward', 'per step']
    """
    if isinstance(chart, dict):
        _limits.check_depth(chart, source="chart")  # before any recursive walk
        try:
            copy = json.loads(json.dumps(chart))
        except (TypeError, ValueError) as exc:  # a set, an object, a circular reference
            raise ExportError(f"chart: the spec dict is not JSON ({exc})") from exc
        return cast(Spec, normalize_lines(copy))
    from vegafigs.figure import Figure

    if isinstance(chart, Figure):
        return chart.to_dict()
    if not isinstance(chart, alt.TopLevelMixin):
        raise ExportError(
            "chart: expected an Altair chart, a vegafigs Figure or a Vega-Lite dict, "
            f"got {type(chart).__name__}"
        )
    with alt.data_transformers.disable_max_rows():
        return cast(Spec, normalize_lines(chart.to_dict()))


def spec_json(chart: ChartLike) -> str:
    """Canonical JSON text of the spec: sorted keys, 2-space indent, trailing newline.

    Non-ASCII text is written as it is (UTF-8), never ``\\u`` escaped. The same chart
    gives the same text in every process (Altair names inline datasets by a hash of
    their content). A NaN or infinite number in the spec is an
    :class:`~vegafigs.ExportError` (JSON has none).

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict
        (converted by :func:`to_spec`).

    Returns
    -------
    str
        The JSON text (what a ``.vl.json`` file holds).

    Examples
    --------
    >>> print(spec_json({"mark": "point", "$schema": "v6"}), end="")
    {
      "$schema": "v6",
      "mark": "point"
    }
    """
    spec = to_spec(chart)  # its own errors are not about non-finite numbers
    try:
        text = json.dumps(spec, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise ExportError(f"chart: the spec holds a non-finite number ({exc})") from exc
    return text + "\n"


def format_for(path: str | os.PathLike[str]) -> str:
    """The format name for ``path`` from its suffix, or an :class:`~vegafigs.ExportError`.

    Parameters
    ----------
    path : str or os.PathLike
        The output file; its name's suffix (case-insensitive) is one of
        :data:`FORMATS`: ``.vl.json`` / ``.json``, ``.png``, ``.svg``, ``.pdf``,
        ``.html``.

    Returns
    -------
    str
        ``"json"``, ``"png"``, ``"svg"``, ``"pdf"`` or ``"html"``.

    Examples
    --------
    >>> format_for("figs/reward.VL.JSON"), format_for("reward.pdf")
    ('json', 'pdf')
    """
    name = Path(path).name.lower()
    for suffix, fmt in FORMATS.items():
        if name.endswith(suffix):
            return fmt
    supported = ", ".join(FORMATS)
    raise ExportError(f"path {str(path)!r}: unknown suffix; supported suffixes are {supported}")


def _render_png(spec: Spec, *, dpi: float, allowed: list[str] | None) -> bytes:
    import vl_convert as vlc

    # The SVG first: its size bounds the raster before it is allocated (the same
    # bytes as vegalite_to_png, which rasterises the same SVG).
    svg = vlc.vegalite_to_svg(spec, allowed_base_urls=allowed)
    _limits.check_view(*_limits.svg_size(svg), "png", dpi=dpi)
    # vl-convert scales the image by ppi / 72 and records ppi in the PNG metadata.
    return vlc.svg_to_png(svg, ppi=dpi)


def _render_svg(spec: Spec, *, allowed: list[str] | None) -> bytes:
    import vl_convert as vlc

    from vegafigs._pdf import canonical_svg

    # Vega numbers clip paths per process (clip287 on a later render): renumbered.
    return canonical_svg(vlc.vegalite_to_svg(spec, allowed_base_urls=allowed)).encode("utf-8")


def _render_pdf(spec: Spec, *, allowed: list[str] | None) -> bytes:
    import vl_convert as vlc

    from vegafigs._pdf import canonical_pdf

    # svg2pdf writes fonts and resource entries in HashMap order: put in a fixed order.
    return canonical_pdf(vlc.vegalite_to_pdf(spec, allowed_base_urls=allowed))


def validate_spec(spec: object, *, source: str = "spec") -> Spec:
    """``spec`` if it is a valid Vega-Lite spec (Altair's schema), else an ``ExportError``.

    The :class:`~vegafigs.ExportError` names ``source`` and the JSON path of the
    first problem. A spec nested deeper than :data:`vegafigs._limits.MAX_DEPTH` or
    asking for a view side over :data:`vegafigs._limits.MAX_SIDE` px is refused
    first. Inline data
    (``data.values``, ``datasets``) is checked row by row on its own (each dataset
    is a list of objects, numbers, strings or booleans, or a string / object), and
    the schema sees only its first rows, so validation costs little for any data.

    Parameters
    ----------
    spec : object
        The candidate spec; anything but a dict is refused.
    source : str, optional
        What the error messages call the spec (default ``"spec"``), e.g. a file name.

    Returns
    -------
    dict
        ``spec`` itself (not copied).

    Examples
    --------
    >>> validate_spec({"mark": "pointy"})
    Traceback (most recent call last):
    vegafigs.errors.ExportError: spec: not a valid Vega-Lite spec at $.mark: ...
    """
    if not isinstance(spec, dict):
        raise ExportError(f"{source}: expected a JSON object (a Vega-Lite spec), got {spec!r:.60}")
    _limits.check_depth(spec, source=source)
    _limits.check_inline_data(spec, source=source)
    _limits.check_declared_size(spec, source=source)
    error = _schema_error(_limits.elide_data(spec))
    if error is not None:
        raise ExportError(f"{source}: not a valid Vega-Lite spec at {error}")
    return spec


def _schema_error(spec: Spec) -> str | None:
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(spec))
    if error is None:
        return None
    return f"{error.json_path}: {error.message[:300]}"


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema
    from altair.vegalite.v6.schema import load_schema

    schema = load_schema()
    return jsonschema.validators.validator_for(schema)(schema)


@functools.lru_cache(maxsize=1)
def _js_bundle() -> str:
    import vl_convert as vlc

    # The stub marks ``snippet`` required; without it the bundle defines the globals.
    bundle = vlc.javascript_bundle()  # type: ignore[call-arg]
    # The bundle is inlined in a <script> element; it must not close it early.
    return bundle.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def _script_json(spec: Spec) -> str:
    """JSON safe to place inside an HTML <script> element (no tag or comment breakout)."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, allow_nan=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


#: The loader of every page and notebook output (it defines ``loader``; the bundle
#: exposes no ``vega.loader``): it loads only ``data:`` URLs, and http(s) ones when
#: external data is allowed; link targets (``href``) are http(s) only, and only then.
#: Pages embed with their own options only (the spec's ``usermeta.embedOptions`` is
#: dropped before a page is written).
_LOADER_JS = """
const allowExternal = %s;
const refuse = uri => Promise.reject(new Error('vegafigs: refused to load ' + uri));
const web = uri => allowExternal && /^https?:\\/\\//i.test(uri);
const loader = {
  options: {},
  fileAccess: false,
  sanitize(uri, options) {
    const text = String(uri);
    const href = !!options && options.context === 'href';
    if (!(href ? web(text) : /^data:/i.test(text) || web(text))) return refuse(text);
    return Promise.resolve(href ? {href: text, rel: 'noopener noreferrer'} : {href: text});
  },
  load(uri, options) {
    const type = options && options.response;
    return this.sanitize(uri, options).then(res => fetch(res.href)).then(r => !r.ok
      ? refuse(uri + ' (HTTP ' + r.status + ')')
      : ['arrayBuffer', 'json', 'blob'].includes(type) ? r[type]() : r.text());
  },
  http(url, options) { return this.load(url, options); },
  file(path) { return refuse(path); },
};
"""

#: Content-Security-Policy of a page: nothing is fetched (external data allowed: http(s)).
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:%s; connect-src data:%s; font-src data:; "
    "base-uri 'none'; form-action 'none'; frame-src 'none'; object-src 'none'"
)


def html_page(
    chart: ChartLike,
    *,
    title: str | None = None,
    allow_external_data: bool = False,
    allow_data_dirs: DirsLike = None,
) -> str:
    """A self-contained HTML page showing ``chart`` (no network needed).

    vega, vega-lite and vega-embed are inlined (vl-convert's bundle), so the page
    works offline. The page carries the bundled fonts its text uses as subset WOFF2
    ``data:`` URLs (:mod:`vegafigs.webfonts`), so a browser draws the same faces as
    the PDF. It fits narrow windows: a figure wider than the window is scaled down
    as a whole, never below 60 % nor its smallest text below 7 px, and scrolls
    sideways inside its own box below that (:mod:`vegafigs.pages`); it has a
    viewport meta tag for phones.

    The title and the spec are escaped, so no text in them can end the page's
    script. The page uses its own vega-embed options only (no actions menu; the
    spec's ``usermeta.embedOptions`` is refused, or dropped when allowed), and its
    Content-Security-Policy lets it fetch nothing unless ``allow_external_data``.
    A spec text Vega could not parse (e.g. a control character) is an
    :class:`~vegafigs.ExportError`.

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict
        (converted by :func:`to_spec`; a dict is not schema-validated here).
    title : str or None, optional
        The page's ``<title>`` (default ``None``: the chart's title, else
        ``"vegafigs figure"``).
    allow_external_data : bool, optional
        Allow URLs and any local file (see :mod:`vegafigs.external`); the page may
        then fetch data over http(s) when it is opened. Default ``False``: a URL is
        an :class:`~vegafigs.ExportError` and the page fetches nothing.
    allow_data_dirs : iterable of str or os.PathLike, or None, optional
        Folders (relative to the working folder) whose local data files and images
        may be inlined into the page; never dotfiles, files under dot-folders or
        symlinks leaving the folder. Default ``None``: no local file is read.

    Returns
    -------
    str
        The HTML text (UTF-8 when written).

    Examples
    --------
    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
    >>> page = html_page(chart, title="</script> is shown as text")
    >>> page.count("</script>") == page.count("<script"), "&lt;/script&gt;" in page
    (True, True)
    """
    spec = localize_data(
        to_spec(chart), allow_external_data=allow_external_data, allow_data_dirs=allow_data_dirs
    )
    # A page whose spec Vega cannot parse draws nothing: refuse what it cannot take.
    check_spec_text(spec, error=ExportError)
    from vegafigs import pages
    from vegafigs.webfonts import font_face_css, prefer_bundled_fonts

    # The bundled fonts the text uses travel with the page (subset WOFF2), and each
    # stack names its bundled family first, so the browser draws the PDF's faces.
    spec = prefer_bundled_fonts(spec)
    web = " http: https:" if allow_external_data else ""
    return (
        pages.page_head(
            title=str(title or pages.spec_title(spec) or "vegafigs figure"),
            csp=_CSP % (web, web),
            css="body{margin:0;padding:16px;background:#fff}",
            font_css=font_face_css(spec),
        )
        + f"<script>{_js_bundle()}</script>\n</head>\n<body>\n"
        + pages.figure_box("vis", spec, island_id="vegafigs-spec")
        + f"<script>{pages.embed_js(allow_external_data=allow_external_data)}</script>\n"
        "</body>\n</html>\n"
    )


def _check_format(fmt: str, dpi: float) -> None:
    if fmt not in ("json", "html", "png", "svg", "pdf"):
        raise ExportError(f"format {fmt!r}: expected one of json, png, svg, pdf, html")
    _limits.check_dpi(dpi)


_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*" + rb"\s+".join([rb"([-0-9.]+)"] * 4))


def _check_size(spec: Spec, fmt: str, data: bytes | None = None) -> None:
    """Before rendering: nesting, declared sizes, the data vl-convert takes; after (``data``):
    the SVG / PDF view size."""
    if data is None:
        _limits.check_depth(spec, source="chart")
        _limits.check_declared_size(spec, source="chart")
        if fmt != "html":  # a browser's heap is not vl-convert's
            _limits.check_render_data(spec, fmt)
    elif fmt == "svg":
        _limits.check_view(*_limits.svg_size(data[:4096].decode("utf-8", "replace")), fmt)
    elif fmt == "pdf":
        box = _MEDIA_BOX.search(data)
        if box is not None:
            x0, y0, x1, y1 = (float(v) for v in box.groups())
            _limits.check_view(x1 - x0, y1 - y0, fmt)


def render(
    chart: ChartLike,
    fmt: str,
    *,
    dpi: float = 300,
    allow_external_data: bool = False,
    allow_data_dirs: DirsLike = None,
) -> bytes:
    """Render ``chart`` to bytes in ``fmt``.

    A dict is first checked against the Vega-Lite schema (:func:`validate_spec`).
    ``json`` is the canonical spec text (:func:`spec_json`; it loads nothing, so
    nothing is refused). The other formats refuse data and images from URLs, and
    any local file not in one of the ``allow_data_dirs`` folders, unless
    ``allow_external_data`` (:mod:`vegafigs.external`); allowed local files are
    inlined. Images are checked for missing fonts and undrawable text first and are
    the same bytes in every process. A view too large to render (see
    :mod:`vegafigs._limits`) and every other failure is an
    :class:`~vegafigs.ExportError` (a missing font is a :class:`~vegafigs.FontError`,
    an allowed local file that cannot be read a :class:`~vegafigs.LoadError`).

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict.
    fmt : str
        ``"json"``, ``"png"``, ``"svg"``, ``"pdf"`` or ``"html"`` (see
        :func:`format_for` for the file suffixes).
    dpi : float, optional
        Pixels per inch of a PNG (default 300; 72 is one pixel per pt of the spec);
        a number from 10 to 2400, checked for every format but used by ``png``
        only. A PNG has at most 100 megapixels.
    allow_external_data : bool, optional
        Allow URLs and any local file (default ``False``); vl-convert may then
        fetch over http(s) while rendering, and a page when it is opened.
    allow_data_dirs : iterable of str or os.PathLike, or None, optional
        Folders (relative to the working folder) whose local files may be inlined
        (default ``None``: none); never dotfiles, files under dot-folders or
        symlinks leaving the folder.

    Returns
    -------
    bytes
        The file's content (UTF-8 text for ``json``, ``svg`` and ``html``).

    Examples
    --------
    >>> render({"mark": "point", "data": {"values": [{"x": 1}]}}, "svg")[:4]
    b'<svg'
    """
    _check_format(fmt, dpi)
    if isinstance(chart, dict):
        validate_spec(chart, source="chart")
    return _render_checked(
        to_spec(chart),
        fmt,
        dpi=dpi,
        allow_external_data=allow_external_data,
        allow_data_dirs=allow_data_dirs,
    )


def render_spec(
    spec: Spec,
    fmt: str,
    *,
    dpi: float = 300,
    allow_external_data: bool = False,
    allow_data_dirs: DirsLike = None,
) -> bytes:
    """Like :func:`render` for a spec already made by :func:`to_spec` (not re-validated).

    Use it to write one chart in several formats without converting it each time.
    Everything but the schema check is as in :func:`render`: the format and ``dpi``
    are checked, external data refused, fonts and text checked.

    Parameters
    ----------
    spec : dict
        A Vega-Lite spec from :func:`to_spec` (or one already checked with
        :func:`validate_spec`); not changed.
    fmt : str
        ``"json"``, ``"png"``, ``"svg"``, ``"pdf"`` or ``"html"``.
    dpi : float, optional
        Pixels per inch of a PNG (default 300); a number from 10 to 2400, used by
        ``png`` only.
    allow_external_data : bool, optional
        Allow URLs and any local file (default ``False``), as in :func:`render`.
    allow_data_dirs : iterable of str or os.PathLike, or None, optional
        Folders whose local files may be inlined (default ``None``: none), as in
        :func:`render`.

    Returns
    -------
    bytes
        The file's content.

    Examples
    --------
    >>> spec = to_spec({"mark": "point", "data": {"values": [{"x": 1}]}})
    >>> [len(render_spec(spec, f)) > 0 for f in ("json", "svg")]
    [True, True]
    """
    _check_format(fmt, dpi)
    return _render_checked(
        spec,
        fmt,
        dpi=dpi,
        allow_external_data=allow_external_data,
        allow_data_dirs=allow_data_dirs,
    )


def _render_checked(
    spec: Spec,
    fmt: str,
    *,
    dpi: float,
    allow_external_data: bool,
    allow_data_dirs: DirsLike = None,
) -> bytes:
    if fmt != "json":
        _check_size(spec, fmt)
    if fmt == "json":
        return spec_json(spec).encode("utf-8")
    if fmt == "html":
        page = html_page(
            spec, allow_external_data=allow_external_data, allow_data_dirs=allow_data_dirs
        )
        return page.encode("utf-8")
    # Second guard: vl-convert itself fetches from no URL unless allowed.
    allowed: list[str] | None = None if allow_external_data else []
    renderers: dict[str, Callable[[Spec], bytes]] = {
        "png": functools.partial(_render_png, dpi=dpi, allowed=allowed),
        "svg": functools.partial(_render_svg, allowed=allowed),
        "pdf": functools.partial(_render_pdf, allowed=allowed),
    }
    spec = localize_data(
        to_spec(spec), allow_external_data=allow_external_data, allow_data_dirs=allow_data_dirs
    )
    fonts.check_spec_fonts(spec)
    # vl-convert aborts the process on a control character: checked before it is called,
    # with the glyphs of every drawn text (a missing one: the text in another font or boxes).
    check_spec_text(spec, error=ExportError)
    check_texts(spec_texts(spec), error=ExportError)
    try:
        data = renderers[fmt](spec)
    except ExportError:
        raise
    except Exception as exc:  # vl-convert raises plain ValueError with the JS message
        raise ExportError(f"vl-convert could not render the chart to {fmt}: {exc}") from exc
    _check_size(spec, fmt, data)
    return data


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temp file + rename; create parent folders.

    Readers never see a half-written file: the bytes go to a hidden temporary file in
    the same folder, which is renamed over ``path`` when complete (mode ``0644``). A
    failure (a read-only folder, a full disk, ``path`` being a folder) removes the
    temporary file and is an :class:`~vegafigs.ExportError` naming ``path``.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (replaced if it exists).
    data : bytes
        Its whole content.

    Returns
    -------
    pathlib.Path
        ``path`` as a :class:`~pathlib.Path`.

    Examples
    --------
    >>> write_atomic("out/notes.txt", b"hello")
    PosixPath('out/notes.txt')
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ExportError(f"path {str(target)!r}: cannot write there ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:  # e.g. the target is a folder, or the disk is full
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"path {str(target)!r}: cannot write there ({exc.strerror})") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_set(
    files: Mapping[Path, bytes], *, folder: str | os.PathLike[str] | None = None
) -> list[Path]:
    """Write every file of ``files``, all or none: a failure leaves no partial set.

    Each file is first written in full next to its target under a temporary name
    (where a full disk or a read-only folder shows up); only when every one is written
    are they renamed into place. On a failure the temporary files are removed, no
    target is touched, and every folder this call created (``folder`` and the files'
    parents) is removed again if left empty. Errors are
    :class:`~vegafigs.ExportError` naming the file.

    Parameters
    ----------
    files : Mapping of pathlib.Path to bytes
        ``{path: bytes}`` in the order to write them.
    folder : str or os.PathLike or None, optional
        The output folder of the set (created if missing; default ``None``: only the
        files' own parent folders are created).

    Returns
    -------
    list of pathlib.Path
        The paths written, in order.

    Examples
    --------
    >>> write_set({Path("out/a.txt"): b"a", Path("out/b.txt"): b"b"}, folder="out")
    [PosixPath('out/a.txt'), PosixPath('out/b.txt')]
    """
    folders = [Path(folder)] if folder is not None else []
    created = _missing_folders([*folders, *(Path(p).parent for p in files)])
    staged: list[tuple[Path, Path]] = []
    try:
        for path in folders:
            _make_folder(path)
        for path, data in files.items():
            target = Path(path)
            if target.is_dir():  # checked before any rename: the renames cannot fail
                raise ExportError(f"path {str(target)!r}: cannot write there (it is a folder)")
            staged.append((_stage(target, data), target))
        for stage, target in staged:
            _replace(stage, target)
    except BaseException:
        for stage, _ in staged:
            stage.unlink(missing_ok=True)
        for path in sorted(created, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):  # not empty: someone else wrote there
                path.rmdir()
        raise
    return [target for _, target in staged]


def _stage(target: Path, data: bytes) -> Path:
    """``data`` written in full (:func:`write_atomic`) next to ``target`` under a hidden name."""
    stage = target.with_name(f".{target.name}.vegafigs-partial")
    try:
        return write_atomic(stage, data)
    except ExportError as exc:  # named after the file the user asked for
        raise ExportError(str(exc).replace(repr(str(stage)), repr(str(target)))) from exc
    except OSError as exc:
        raise ExportError(f"path {str(target)!r}: cannot write there ({exc.strerror})") from exc


def _missing_folders(folders: list[Path]) -> set[Path]:
    """Every folder among ``folders`` and their parents that does not exist yet."""
    missing: set[Path] = set()
    for start in folders:
        for path in (start, *start.parents):
            if path.exists() or path in missing:
                break
            missing.add(path)
    return missing


def _make_folder(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"path {str(path)!r}: cannot write there ({exc.strerror})") from exc


def _replace(stage: Path, target: Path) -> None:
    try:
        os.replace(stage, target)
    except OSError as exc:  # e.g. the target is a folder
        stage.unlink(missing_ok=True)
        raise ExportError(f"path {str(target)!r}: cannot write there ({exc.strerror})") from exc


def save(
    chart: ChartLike,
    path: str | os.PathLike[str],
    *,
    dpi: float = 300,
    allow_external_data: bool = False,
    allow_data_dirs: DirsLike = None,
) -> Path:
    """Save ``chart`` to ``path``; the format comes from the suffix.

    Rendered by :func:`render` and written by :func:`write_atomic`. Bad input
    (unknown suffix, bad ``dpi``, an invalid spec dict, a missing font, external
    data not allowed, a folder that cannot be written) is a
    :class:`~vegafigs.VegafigsError` and leaves no file.

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict.
    path : str or os.PathLike
        The output file; its suffix picks the format: ``.vl.json`` / ``.json``
        (canonical spec), ``.png``, ``.svg``, ``.pdf``, ``.html`` (a self-contained
        page, :func:`html_page`). Parent folders are created.
    dpi : float, optional
        Pixels per inch of a PNG (default 300); a number from 10 to 2400, ignored by
        the other formats.
    allow_external_data : bool, optional
        Allow URLs and any local file (default ``False``; see
        :mod:`vegafigs.external`).
    allow_data_dirs : iterable of str or os.PathLike, or None, optional
        Folders (relative to the working folder) whose local files may be inlined
        (default ``None``: none).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import altair as alt, vegafigs
    >>> chart = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
    >>> vegafigs.save(chart, "fig.pdf")
    PosixPath('fig.pdf')
    """
    fmt = format_for(path)
    data = render(
        chart,
        fmt,
        dpi=dpi,
        allow_external_data=allow_external_data,
        allow_data_dirs=allow_data_dirs,
    )
    return write_atomic(path, data)


__all__ = [
    "FORMATS",
    "format_for",
    "html_page",
    "render",
    "render_spec",
    "save",
    "spec_json",
    "to_spec",
    "validate_spec",
    "write_atomic",
    "write_set",
]
