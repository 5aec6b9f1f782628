"""Figures in Jupyter: the ``"vegafigs"`` Altair renderer (offline, any number of charts).

``vf.notebook()`` (or ``alt.renderers.enable("vegafigs")``) makes every Altair chart
and vegafigs :class:`~vegafigs.Figure` shown in a notebook an output with:

- ``text/html``: the interactive chart. vega, vega-lite and vega-embed are inlined
  (no CDN: it draws offline, in JupyterLab, classic Notebook, VS Code and an
  nbconvert HTML export). Every output carries the bundle, but a page evaluates it
  only once: the bundle runs inside a function (its top-level names stay local, so
  a second copy never fails with ``Identifier ... has already been declared``), and
  only if no earlier output of the page installed the same bundle. So any output
  draws on its own: after "clear outputs", re-execution, or in a page showing only
  a later cell. Until the chart is drawn (and where scripts do not run, e.g. an
  untrusted notebook) the output shows its static picture instead.
- ``image/png`` (or ``image/svg+xml``): the static picture, drawn by vl-convert with
  the bundled fonts, for viewers that run no JavaScript (GitHub's notebook view).
- ``text/plain``: a one-line description.

The output is the same bytes for the same chart and options in every process. It
follows the rules of :func:`vegafigs.export.html_page` for untrusted specs: data
URLs and local files outside ``allow_data_dirs`` are refused (the output then is the
error), ``usermeta.embedOptions`` is refused (dropped when external data is
allowed), and the chart's loader fetches nothing but ``data:`` URLs.

>>> import altair as alt, vegafigs as vf
>>> vf.notebook()
>>> chart = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
>>> bundle, metadata = chart._repr_mimebundle_()
>>> sorted(bundle)
['image/png', 'text/html', 'text/plain']
>>> _ = alt.renderers.enable("default")
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import struct
from typing import Any

import altair as alt

from vegafigs import export
from vegafigs.errors import ExportError
from vegafigs.external import DirsLike, localize_data
from vegafigs.themes.text import check_spec_text

#: The name of the renderer in ``alt.renderers``.
NAME = "vegafigs"

#: Formats of the static picture.
STATIC_FORMATS = ("png", "svg")

#: The renderer options :func:`renderer` takes (``alt.renderers.enable(NAME, **options)``).
OPTIONS = ("static", "dpi", "allow_external_data", "allow_data_dirs")

# Evaluates the bundle once per page and bundle version; keeps the page's own
# vega / vegaLite / vegaEmbed globals (another library's) as they were.
_INSTALL_JS = """var reg = window.__vegafigs || (window.__vegafigs = {});
if (!reg[KEY]) {
  var names = ['vega', 'vegaLite', 'vegaEmbed'];
  var saved = names.map(function (n) { return [n, n in window, window[n]]; });
  (function () {
%s
  }).call(window);
  reg[KEY] = {embed: window.vegaEmbed};
  saved.forEach(function (s) { if (s[1]) { window[s[0]] = s[2]; } });
}
"""

# Draws every not yet drawn output with this id (the same chart and options): the
# static picture stays until the chart is drawn, and stays if it cannot be.
_DRAW_JS = """var embed = reg[KEY].embed;
var sel = '.vegafigs-output[data-vegafigs-id="' + ID + '"]';
var boxes = Array.prototype.slice.call(document.querySelectorAll(sel));
var own = document.currentScript && document.currentScript.closest
  ? document.currentScript.closest(sel) : null;
if (own && boxes.indexOf(own) < 0) { boxes.push(own); }
boxes.forEach(function (box) {
  if (box.getAttribute('data-vegafigs-state')) { return; }
  box.setAttribute('data-vegafigs-state', 'drawing');
  var spec = JSON.parse(box.querySelector('script.vegafigs-spec').textContent);
  var picture = box.querySelector('.vegafigs-static');
  var vis = document.createElement('div');
  vis.className = 'vegafigs-vis';
  box.insertBefore(vis, picture);
  embed(vis, spec, {renderer: 'svg', actions: false, mode: 'vega-lite', loader: loader})
    .then(function () {
      box.setAttribute('data-vegafigs-state', 'drawn');
      if (picture) { picture.remove(); }
    })
    .catch(function (err) {
      box.setAttribute('data-vegafigs-state', 'failed');
      vis.remove();
      console.error(err);
    });
});
"""


@functools.lru_cache(maxsize=1)
def _bundle_key() -> str:
    """A name for the inlined bundle: its hash (two vegafigs versions on a page keep apart)."""
    return hashlib.sha256(export._js_bundle().encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def _install_js() -> str:
    return _INSTALL_JS % export._js_bundle()


def _script(chart_id: str, *, allow_external_data: bool) -> str:
    loader = export._LOADER_JS % json.dumps(bool(allow_external_data))
    body = _install_js() + loader + _DRAW_JS
    head = f"var KEY = {json.dumps(_bundle_key())}, ID = {json.dumps(chart_id)};\n"
    return f"<script>\n(function () {{\n{head}{body}}})();\n</script>"


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG's IHDR chunk."""
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _picture(
    spec: export.Spec, *, static: str, dpi: float, allow_external_data: bool
) -> tuple[bytes, int, int]:
    """The static picture and its size in CSS pixels (a PNG at ``dpi`` is scaled down).

    ``spec`` has its data inlined already (:func:`~vegafigs.external.localize_data`).
    """
    data = export.render_spec(spec, static, dpi=dpi, allow_external_data=allow_external_data)
    if static == "png":
        width, height = _png_size(data)
        scale = dpi / 72
        return data, round(width / scale), round(height / scale)
    from vegafigs import _limits

    width_f, height_f = _limits.svg_size(data[:4096].decode("utf-8", "replace"))
    return data, round(width_f), round(height_f)


def _title(spec: export.Spec) -> str:
    t = spec.get("title")
    title = t.get("text") if isinstance(t, dict) else t
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title) if isinstance(title, str | int | float) else ""


def _check_options(
    *, static: object, dpi: object, allow_external_data: object, extra: dict[str, Any]
) -> None:
    if "embed_options" in extra:
        raise ExportError(
            "embed_options: the vegafigs renderer uses its own vega-embed options only "
            "(no actions menu, no loader but its own); leave alt.renderers.set_embed_options "
            "unset"
        )
    if extra:
        names = ", ".join(sorted(extra))
        raise ExportError(f"{names}: unknown option of the vegafigs renderer; expected {OPTIONS}")
    if static not in STATIC_FORMATS:
        raise ExportError(f"static: expected one of {STATIC_FORMATS}, got {static!r}")
    if not isinstance(allow_external_data, bool):
        raise ExportError(
            f"allow_external_data: expected True or False, got {allow_external_data!r}"
        )
    from vegafigs import _limits

    _limits.check_dpi(dpi)


def renderer(
    spec: dict[str, Any],
    *,
    static: str = "png",
    dpi: float = 144,
    allow_external_data: bool = False,
    allow_data_dirs: DirsLike = None,
    **extra: Any,
) -> dict[str, Any] | tuple[dict[str, Any], dict[str, Any]]:
    """The mimebundle of ``spec`` (Altair calls it with ``chart.to_dict()``).

    Registered as the ``"vegafigs"`` renderer (:func:`register`); the options are
    those of ``alt.renderers.enable("vegafigs", **options)`` or :func:`enable`. The
    spec's local files are inlined and its URLs refused as in
    :func:`vegafigs.export.html_page`; a refused spec, a missing font or a text
    that cannot be drawn is an :class:`~vegafigs.ExportError` (the notebook then
    shows the error).

    Parameters
    ----------
    spec : dict
        A Vega-Lite spec (not changed).
    static : str, optional
        The static picture's format: ``"png"`` (the default; exactly the PDF's
        fonts) or ``"svg"`` (text drawn in the viewer's fonts).
    dpi : float, optional
        Resolution of the PNG picture, a number from 10 to 2400 (72 = one pixel per
        CSS pixel; the default 144 is sharp on high-density screens). The picture
        is shown at the chart's size whatever its resolution.
    allow_external_data : bool, optional
        Allow URLs and any local file (see :mod:`vegafigs.external`); the chart
        may then fetch over http(s). Default ``False``.
    allow_data_dirs : iterable of str or os.PathLike, or None, optional
        Folders (relative to the working folder) whose local files may be inlined
        (default ``None``: none).
    **extra
        Anything else is refused with an :class:`~vegafigs.ExportError`
        (``embed_options`` included: the output uses its own vega-embed options
        only).

    Returns
    -------
    tuple of dict
        ``(bundle, metadata)``: the bundle holds ``text/html``, the picture
        (``image/png`` or ``image/svg+xml``) and ``text/plain``; the metadata gives
        the picture's display size in CSS pixels.

    Examples
    --------
    >>> bundle, meta = renderer({"mark": "point", "data": {"values": [{"x": 1}]}})
    >>> sorted(bundle), meta["image/png"]
    (['image/png', 'text/html', 'text/plain'], {'width': ..., 'height': ...})
    >>> renderer({"mark": "point"}, static="gif")
    Traceback (most recent call last):
    vegafigs.errors.ExportError: static: expected one of ('png', 'svg'), got 'gif'
    """
    _check_options(static=static, dpi=dpi, allow_external_data=allow_external_data, extra=extra)
    spec = localize_data(
        export.to_spec(spec),
        allow_external_data=allow_external_data,
        allow_data_dirs=allow_data_dirs,
    )
    check_spec_text(spec, error=ExportError)
    data, width, height = _picture(
        spec, static=static, dpi=dpi, allow_external_data=allow_external_data
    )
    mime = "image/png" if static == "png" else "image/svg+xml"
    from vegafigs.webfonts import font_face_css, prefer_bundled_fonts

    # The live chart's text in the bundled fonts, like the picture (subset WOFF2).
    spec = prefer_bundled_fonts(spec)
    fonts = font_face_css(spec)
    spec_text = export._script_json(spec)
    chart_id = hashlib.sha256(
        "\n".join((_bundle_key(), static, str(dpi), str(allow_external_data), spec_text)).encode()
    ).hexdigest()[:16]
    title = _title(spec)
    alt_text = html.escape(title or "vegafigs figure")
    src = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    page = (
        f'<div class="vegafigs-output" data-vegafigs-id="{chart_id}">\n'
        + (f"<style>{fonts}</style>\n" if fonts else "")
        + f'<div class="vegafigs-static"><img alt="{alt_text}" width="{width}" height="{height}"'
        f' src="{src}"></div>\n'
        f'<script type="application/json" class="vegafigs-spec">{spec_text}</script>\n'
        f"{_script(chart_id, allow_external_data=allow_external_data)}\n</div>\n"
    )
    picture: Any = data if static == "png" else data.decode("utf-8")
    bundle = {
        "text/html": page,
        mime: picture,
        "text/plain": f"<vegafigs chart{': ' if title else ''}{title} ({width} x {height} px)>",
    }
    return bundle, {mime: {"width": width, "height": height}}


def enable(
    *,
    static: str = "png",
    dpi: float = 144,
    allow_external_data: bool = False,
    allow_data_dirs: DirsLike = None,
) -> None:
    """Show charts in notebooks with the vegafigs renderer (offline, with a static picture).

    The same as ``alt.renderers.enable("vegafigs", ...)``, with the options checked
    now rather than at the first chart shown. ``vf.notebook`` is this function.
    Every Altair chart and :class:`~vegafigs.Figure` shown afterwards is drawn by
    :func:`renderer`.

    Parameters
    ----------
    static : str, optional
        The static picture's format, ``"png"`` (the default) or ``"svg"`` (see
        :func:`renderer`).
    dpi : float, optional
        Resolution of the PNG picture, a number from 10 to 2400 (default 144).
    allow_external_data : bool, optional
        Allow URLs and any local file in the charts shown (default ``False``).
    allow_data_dirs : iterable of str or os.PathLike, or None, optional
        Folders whose local files may be inlined (default ``None``: none).

    Examples
    --------
    >>> enable(dpi=0)
    Traceback (most recent call last):
    vegafigs.errors.ExportError: dpi: ...
    >>> enable(); alt.renderers.active
    'vegafigs'
    >>> _ = alt.renderers.enable("default")
    """
    _check_options(static=static, dpi=dpi, allow_external_data=allow_external_data, extra={})
    options: dict[str, Any] = {}
    if static != "png":
        options["static"] = static
    if dpi != 144:
        options["dpi"] = dpi
    if allow_external_data:
        options["allow_external_data"] = True
    if allow_data_dirs is not None:
        options["allow_data_dirs"] = list(allow_data_dirs)
    alt.renderers.enable(NAME, **options)


def register() -> None:
    """Register :func:`renderer` as ``"vegafigs"`` in ``alt.renderers`` (done at import).

    Examples
    --------
    >>> register(); "vegafigs" in alt.renderers.names()
    True
    """
    alt.renderers.register(NAME, renderer)
