"""Snapshot testing of figures, for vegafigs' own tests and for users' suites.

In a pytest suite use the ``vegafigs_snapshot`` fixture (:mod:`vegafigs.testing.plugin`,
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
    what changed by JSON path (at most ~60 lines). With ``update`` (default: the
    ``VEGAFIGS_UPDATE_SPECS`` environment variable) a missing or changed file is
    written instead.

    Args:
        chart: an Altair chart, a vegafigs ``Figure`` or a Vega-Lite dict.
        path: the golden ``.vl.json`` file.
        update: write the file instead of failing.
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

    The picture is drawn with bundled fonts only (the same on every machine) at
    ``dpi`` and compared with an RMS ``tolerance`` (0-255 scale, see
    :func:`compare_png`).

    Args:
        chart: an Altair chart, a vegafigs ``Figure`` or a Vega-Lite dict.
        path: the golden ``.vl.json`` file; the picture is ``<stem>.png`` beside it.
        tolerance: the largest RMS difference the picture may have.
        dpi: resolution of the picture.
        update: write the files instead of failing.
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
    position including all enclosing group offsets). Filter with ``marktype``.

    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"t": "hi"}]}).mark_text().encode(text="t:N")
    >>> [i["text"] for i in scene_items(chart, marktype="text")]
    ['hi']
    """
    import vl_convert as vlc

    from vegafigs.export import to_spec
    from vegafigs.themes.fonts import check_spec_fonts

    spec = to_spec(chart)
    check_spec_fonts(spec)
    graph = vlc.vegalite_to_scenegraph(spec)["scenegraph"]
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

    Multi-line texts are returned one line per entry.
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
    means every text is visible.
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
