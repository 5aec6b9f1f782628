"""Snapshot testing of figures, for vegafigs' own tests and for users' suites.

In a pytest suite use the ``vegafigs_snapshot`` fixture (the ``pytest_vegafigs`` plugin,
active as soon as vegafigs is installed). Underneath it, the function API:

>>> import altair as alt
>>> from vegafigs.testing import assert_spec_matches
>>> chart = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
>>> assert_spec_matches(chart, "specs/my_figure.vl.json")  # no golden file yet: fails
Traceback (most recent call last):
...
AssertionError: snapshot specs/my_figure.vl.json does not exist; set VEGAFIGS_UPDATE_SPECS=1 ...
>>> assert_spec_matches(chart, "specs/my_figure.vl.json", update=True)  # written
>>> assert_spec_matches(chart, "specs/my_figure.vl.json")  # compared: the same

Specs are compared after :func:`normalize_spec`: the ``$schema`` URL cut to the major
version and Altair's generated view / parameter names renumbered, so a new Altair
release or another test order does not change them; a difference is reported by
JSON path, with inline data summarised per dataset (:func:`spec_changes`).
"""

from __future__ import annotations

import os
from typing import Any

from vegafigs.export import ChartLike
from vegafigs.testing._diff import spec_changes
from vegafigs.testing._image import ImageComparison, compare_png
from vegafigs.testing._snapshot import (
    DEFAULT_DPI,
    DEFAULT_TOLERANCE,
    SnapshotResult,
    check_snapshot,
    normalize_schema,
    normalize_spec,
    snapshot_text,
)

__all__ = [
    "DEFAULT_DPI",
    "DEFAULT_TOLERANCE",
    "UPDATE_ENV",
    "ImageComparison",
    "SnapshotResult",
    "assert_image_matches",
    "assert_spec_matches",
    "check_snapshot",
    "compare_png",
    "drawn_texts",
    "normalize_schema",
    "normalize_spec",
    "scene_items",
    "snapshot_text",
    "spec_changes",
    "undrawn_texts",
]

UPDATE_ENV = "VEGAFIGS_UPDATE_SPECS"
_HINT = f"set {UPDATE_ENV}=1 (or pass update=True)"


def _update_requested() -> bool:
    return os.environ.get(UPDATE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def assert_spec_matches(
    chart: ChartLike,
    path: str | os.PathLike[str],
    *,
    update: bool | None = None,
) -> None:
    """Assert ``chart``'s normalised spec equals the golden file at ``path``.

    A missing or different golden file is an ``AssertionError`` whose message lists
    what changed by JSON path (at most ~60 lines, :func:`spec_changes`). With
    ``update`` a missing or changed file is written instead. Specs are compared
    after :func:`normalize_spec`. The pytest fixture ``vegafigs_snapshot`` runs
    the same check.

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict.
    path : str or os.PathLike
        The golden ``.vl.json`` file (parent folders are created when it is
        written).
    update : bool or None, optional
        Write a missing or changed file instead of failing (default ``None``: when
        the environment variable ``VEGAFIGS_UPDATE_SPECS`` is ``1``, ``true``,
        ``yes`` or ``on``).

    Examples
    --------
    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
    >>> assert_spec_matches(chart, "golden/point.vl.json", update=True)  # written
    >>> assert_spec_matches(chart, "golden/point.vl.json")  # the same: passes
    """
    _assert(chart, path, image=False, tolerance=DEFAULT_TOLERANCE, dpi=DEFAULT_DPI, update=update)


def assert_image_matches(
    chart: ChartLike,
    path: str | os.PathLike[str],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    dpi: float = DEFAULT_DPI,
    update: bool | None = None,
) -> None:
    """Like :func:`assert_spec_matches`, and ``chart``'s PNG matches the ``.png`` beside ``path``.

    The spec must match too. The picture is drawn with bundled fonts only (the same
    on every machine) at ``dpi`` and compared with an RMS ``tolerance`` (0-255 scale,
    see :func:`compare_png`); a failure's message gives the RMS and how many pixels
    differ. A font stack with no bundled family is a
    :class:`~vegafigs.errors.SnapshotError` (its picture would depend on the machine).

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict.
    path : str or os.PathLike
        The golden ``.vl.json`` file; the picture is beside it with ``.png`` for
        ``.vl.json`` (``a/b.vl.json`` -> ``a/b.png``).
    tolerance : float, optional
        The largest RMS difference the picture may have, a finite number >= 0
        (default :data:`DEFAULT_TOLERANCE`, 2.0; 0 demands identical pixels).
    dpi : float, optional
        Resolution of the picture (default :data:`DEFAULT_DPI`, 100).
    update : bool or None, optional
        Write missing or changed files instead of failing (default ``None``: when
        the environment variable ``VEGAFIGS_UPDATE_SPECS`` is set to ``1``,
        ``true``, ``yes`` or ``on``).

    Examples
    --------
    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
    >>> assert_image_matches(chart, "golden/point.vl.json", update=True)  # both written
    >>> assert_image_matches(chart, "golden/point.vl.json")
    """
    _assert(chart, path, image=True, tolerance=tolerance, dpi=dpi, update=update)


def _assert(chart: ChartLike, path: Any, *, update: bool | None, **kwargs: Any) -> None:
    do_update = _update_requested() if update is None else update
    result = check_snapshot(chart, path, update=do_update, update_hint=_HINT, **kwargs)
    if result.status == "failed":
        raise AssertionError(result.message)


def scene_items(chart: ChartLike, *, marktype: str | None = None) -> list[dict]:
    """Every drawn item of ``chart`` from vl-convert's scenegraph, in absolute px.

    Each item is the scenegraph's dict plus ``marktype``, ``mark`` (the mark's
    name, e.g. ``"concat_0_layer_1_marks"``) and ``abs_x`` / ``abs_y`` (its
    position including all enclosing group offsets). The spec's fonts are checked
    first (:func:`~vegafigs.themes.check_spec_fonts`). The spec is treated as
    untrusted, as :func:`vegafigs.save` treats it: a data or image URL, a local file,
    ``usermeta.embedOptions`` ... is an :class:`~vegafigs.ExportError` naming its
    key, and nothing is fetched (:mod:`vegafigs.external`).

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict.
    marktype : str or None, optional
        Keep only items of this Vega mark type (``"text"``, ``"rect"``,
        ``"line"``, ``"symbol"``, ...; default ``None``: every item).

    Returns
    -------
    list of dict
        The items in scenegraph order.

    Examples
    --------
    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"t": "hi"}]}).mark_text().encode(text="t:N")
    >>> [i["text"] for i in scene_items(chart, marktype="text")]
    ['hi']
    """
    import vl_convert as vlc

    from vegafigs.export import to_spec
    from vegafigs.external import localize_data
    from vegafigs.themes.fonts import check_spec_fonts

    spec = localize_data(to_spec(chart), allow_external_data=False, allow_data_dirs=None)
    check_spec_fonts(spec)
    graph = vlc.vegalite_to_scenegraph(spec, allowed_base_urls=[])["scenegraph"]
    found: list[dict] = []

    def walk(node: dict, ox: float, oy: float, mark: dict | None) -> None:
        if "marktype" in node:  # a mark: its items are the drawn things
            for item in node.get("items", []):
                walk(item, ox, oy, node)
            return
        x, y = ox + float(node.get("x", 0) or 0), oy + float(node.get("y", 0) or 0)
        if mark is not None:
            found.append(
                {
                    **node,
                    "marktype": mark["marktype"],
                    "mark": mark.get("name"),
                    "abs_x": x,
                    "abs_y": y,
                }  # fmt: skip
            )
        for child in node.get("items", []):
            walk(child, x, y, None)

    walk(graph, 0.0, 0.0, None)
    if marktype is not None:
        found = [i for i in found if i["marktype"] == marktype]
    return found


def drawn_texts(chart: ChartLike) -> list[str]:
    """Every text string drawn by ``chart`` (titles, axis labels, legends, text marks).

    Read from the scenegraph (:func:`scene_items`); multi-line texts are returned
    one line per entry.

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict.

    Returns
    -------
    list of str
        The texts in scenegraph order.

    Examples
    --------
    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"t": "hi"}]}).mark_text().encode(text="t:N")
    >>> drawn_texts(chart.properties(title="Top\\nline"))
    ['hi', 'Top', 'line']
    """
    out: list[str] = []
    for item in scene_items(chart, marktype="text"):
        text = item.get("text")
        if isinstance(text, list):
            out.extend(str(t) for t in text)
        elif text is not None:
            out.extend(str(text).split("\n"))
    return out


def undrawn_texts(chart: ChartLike) -> list[str]:
    """Texts of ``chart`` whose removal does not change the rendered picture.

    Each ``<text>`` element of the chart's SVG is removed in turn and the SVG
    rasterised (with the same fonts vegafigs registers); a text that leaves the
    pixels unchanged was never drawn (e.g. its font is missing). An empty list
    means every text is visible. One rasterisation per text: slow for big charts.

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict
        (rendered by :func:`vegafigs.export.render`).

    Returns
    -------
    list of str
        The content of each undrawn ``<text>`` element, in SVG order.

    Examples
    --------
    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"t": "hi"}]}).mark_text().encode(text="t:N")
    >>> undrawn_texts(chart)
    []
    """
    import re

    import vl_convert as vlc

    from vegafigs.export import render

    svg = render(chart, "svg").decode("utf-8")
    elements = list(re.finditer(r"<text\b[^>]*>.*?</text>", svg, flags=re.DOTALL))
    base = vlc.svg_to_png(svg, scale=1.0)
    missing: list[str] = []
    for m in elements:
        content = re.sub(r"<[^>]+>", "", m.group(0))
        if not content.strip():
            continue
        stripped = svg[: m.start()] + svg[m.end() :]
        if vlc.svg_to_png(stripped, scale=1.0) == base:
            missing.append(content)
    return missing
