"""Snapshot testing of chart specs, for vegafigs' own tests and for users' suites.

>>> import altair as alt
>>> from vegafigs.testing import assert_spec_matches
>>> def make_chart():
...     return alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
>>> def test_my_figure():
...     assert_spec_matches(make_chart(), "specs/my_figure.vl.json")
>>> test_my_figure()  # the first run writes the golden file, later runs compare
>>> test_my_figure()

Set ``VEGAFIGS_UPDATE_SPECS=1`` (or pass ``update=True``) to rewrite the golden files.

Specs are compared with their ``$schema`` URL cut to the major version
(``.../vega-lite/v6.4.1.json`` -> ``.../vega-lite/v6.json``, see
:func:`normalize_schema`), and golden files are written that way: a new Altair
patch or minor release, which only changes that URL, does not change them.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
from pathlib import Path
from typing import Any

from vegafigs.export import ChartLike, spec_json, to_spec, write_atomic

UPDATE_ENV = "VEGAFIGS_UPDATE_SPECS"

_SCHEMA_VERSION = re.compile(r"^(https?://vega\.github\.io/schema/[a-z-]+/v\d+)(?:\.[^/]*)?\.json$")


def normalize_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with its ``$schema`` URL cut to the major version (a shallow copy).

    >>> normalize_schema({"$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json"})
    {'$schema': 'https://vega.github.io/schema/vega-lite/v6.json'}

    Other ``$schema`` values (and specs without one) are returned unchanged.
    """
    url = spec.get("$schema")
    if not isinstance(url, str):
        return spec
    return {**spec, "$schema": _SCHEMA_VERSION.sub(r"\1.json", url)}


def _golden_text(spec: Any) -> str:
    if isinstance(spec, dict):
        spec = normalize_schema(spec)
    return spec_json(spec)


def _update_requested() -> bool:
    return os.environ.get(UPDATE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def assert_spec_matches(
    chart: ChartLike,
    path: str | os.PathLike[str],
    *,
    update: bool | None = None,
    context: int = 3,
    max_diff_lines: int = 80,
) -> None:
    """Assert the canonical JSON of ``chart`` equals the golden file at ``path``.

    Both sides' ``$schema`` is cut to the major version first (:func:`normalize_schema`).
    A missing golden file is written (and the assertion passes). With ``update``
    (default: the ``VEGAFIGS_UPDATE_SPECS`` environment variable) the file is
    rewritten. On a mismatch the error shows a unified diff of the two specs.
    """
    golden = Path(path)
    actual = _golden_text(to_spec(chart))
    do_update = _update_requested() if update is None else update
    if do_update or not golden.exists():
        write_atomic(golden, actual.encode("utf-8"))
        return
    expected = golden.read_text(encoding="utf-8")
    if expected == actual:
        return
    with contextlib.suppress(ValueError):  # a golden file with another $schema version
        expected = _golden_text(json.loads(expected))
    if expected == actual:
        return
    diff = list(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            fromfile=f"{golden} (golden)",
            tofile="chart (actual)",
            n=context,
            lineterm="",
        )
    )
    shown = diff[:max_diff_lines]
    more = f"\n... {len(diff) - len(shown)} more diff lines" if len(diff) > len(shown) else ""
    raise AssertionError(
        f"chart spec differs from {golden}. If the change is intended, regenerate with "
        f"{UPDATE_ENV}=1 python -m pytest tests/test_golden.py\n" + "\n".join(shown) + more
    )


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
