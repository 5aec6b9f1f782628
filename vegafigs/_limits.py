"""Resource bounds for rendering specs from elsewhere (private).

Every bound is checked before the work it guards, so a spec or argument that
would need more is a clear :class:`~vegafigs.ExportError` / :class:`~vegafigs.LoadError`
instead of an aborted process, an exhausted memory or a ``RecursionError``:

* ``dpi`` is a finite number from :data:`MIN_DPI` to :data:`MAX_DPI`;
* a PNG has at most :data:`MAX_PIXELS` pixels (the view's width x height in CSS
  px, times ``(dpi / 72) ** 2``), checked on the SVG before the raster is allocated;
* an SVG or PDF view has at most :data:`MAX_PIXELS` px (at 72 dpi, 1 px = 1 pt)
  and no side longer than :data:`MAX_SIDE` px (PDF's page-size limit, 200 in);
* a spec file read by ``vegafigs render`` is at most :data:`MAX_SPEC_BYTES`;
* a spec is nested at most :data:`MAX_DEPTH` levels (objects and lists);
* inline data (``data.values``, ``datasets``) is checked row by row cheaply
  (:func:`check_inline_data`) and left out of schema validation
  (:func:`elide_data`), which would otherwise cost memory in proportion to it.
"""

from __future__ import annotations

import itertools
import json
import math
import numbers
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vegafigs.errors import ExportError, LoadError

#: Most pixels a PNG may have (100 megapixels: 400 MB of RGBA).
MAX_PIXELS = 100_000_000
#: Longest side of an SVG / PDF view in px (= pt); PDF pages are at most 14400 pt.
MAX_SIDE = 14_400
#: The ``dpi`` range (pixels per inch of a PNG).
MIN_DPI, MAX_DPI = 10, 2400
#: Largest spec file ``vegafigs render`` reads (512 MiB).
MAX_SPEC_BYTES = 512 * 2**20
#: Deepest nesting of objects and lists in a spec (vegafigs' own specs use < 15).
MAX_DEPTH = 100
#: Most inline data values (rows x fields, or generated ``sequence`` rows) a PNG /
#: SVG / PDF is drawn from: vl-convert's JavaScript heap is fixed at ~1.4 GB and
#: running out of it aborts the process (measured: 800k rows x 3 fields abort as points,
#: 1.65M rows as lines; 500k rows as points need 2 GB RSS).
MAX_RENDER_VALUES = 1_000_000
#: Rows of each inline dataset kept for schema validation.
SAMPLE_ROWS = 3

_SCALARS = frozenset({str, int, float, bool, type(None)})
_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([0-9.eE+-]+)"[^>]*?\bheight="([0-9.eE+-]+)"')


def check_dpi(dpi: object) -> float:
    """``dpi`` as a float if it is a number from :data:`MIN_DPI` to :data:`MAX_DPI`.

    >>> check_dpi(300)
    300.0
    >>> check_dpi(1e6)
    Traceback (most recent call last):
    vegafigs.errors.ExportError: dpi: expected a positive number from 10 to 2400 ...
    """
    ok = isinstance(dpi, numbers.Real) and not isinstance(dpi, bool)
    if not ok or not math.isfinite(float(dpi)) or not MIN_DPI <= float(dpi) <= MAX_DPI:  # type: ignore[arg-type]
        raise ExportError(
            f"dpi: expected a positive number from {MIN_DPI} to {MAX_DPI} (pixels per inch; "
            f"a PNG has at most {MAX_PIXELS // 1_000_000} megapixels), got {dpi!r}"
        )
    return float(dpi)  # type: ignore[arg-type]


def svg_size(svg: str) -> tuple[float, float]:
    """Width and height (CSS px) of the root element of ``svg`` as vl-convert writes it.

    >>> svg_size('<svg xmlns="http://www.w3.org/2000/svg" width="300.5" height="20">')
    (300.5, 20.0)
    """
    match = _SVG_SIZE.search(svg[:4096])
    if match is None:
        raise ExportError("vl-convert wrote an SVG without a width and height; cannot size it")
    return float(match.group(1)), float(match.group(2))


def check_view(width: float, height: float, fmt: str, *, dpi: float = 72) -> None:
    """An :class:`ExportError` if a ``width`` x ``height`` px view is too large for ``fmt``.

    PNG: at most :data:`MAX_PIXELS` pixels at ``dpi``. SVG / PDF: at most
    :data:`MAX_PIXELS` px and :data:`MAX_SIDE` px a side.

    >>> check_view(600, 400, "png", dpi=300)
    >>> check_view(200_000, 300, "png", dpi=300)
    Traceback (most recent call last):
    vegafigs.errors.ExportError: png: the image would be 833334 x 1250 px ...
    """
    if fmt == "png":
        scale = dpi / 72
        w, h = math.ceil(width * scale - 1e-6), math.ceil(height * scale - 1e-6)
        if w * h > MAX_PIXELS:
            raise ExportError(
                f"png: the image would be {w} x {h} px ({w * h / 1e6:.0f} megapixels) at "
                f"dpi={dpi:g} for a {width:g} x {height:g} px view; at most "
                f"{MAX_PIXELS // 1_000_000} megapixels: pass a smaller dpi or make the chart "
                "smaller"
            )
    elif width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ExportError(
            f"{fmt}: the view is {width:g} x {height:g} px; at most {MAX_SIDE} px a side "
            f"and {MAX_PIXELS // 1_000_000} megapixels: make the chart smaller"
        )


_SIZE_KEYS = frozenset(
    {"width", "height", "step", "continuousWidth", "continuousHeight", "discreteWidth",
     "discreteHeight"}
)  # fmt: skip


def check_declared_size(spec: Any, path: str = "$", *, source: str = "spec") -> None:
    """An :class:`ExportError` if ``spec`` asks for a size over :data:`MAX_SIDE` px anywhere.

    Vega's work (axis ticks, grid lines) grows with a view's size, so a huge
    ``width`` is refused before anything is drawn. Inline data is not searched.

    >>> check_declared_size({"hconcat": [{"width": 2e5, "mark": "point"}]})
    Traceback (most recent call last):
    vegafigs.errors.ExportError: spec: $.hconcat[0].width is 200000 px; at most 14400 ...
    """
    if isinstance(spec, dict):
        for key, value in spec.items():
            here = f"{path}.{key}"
            if key in ("datasets", "values", "usermeta"):
                continue
            number = isinstance(value, numbers.Real) and not isinstance(value, bool)
            if key in _SIZE_KEYS and number and not abs(value) <= MAX_SIDE:
                raise ExportError(
                    f"{source}: {here} is {value:g} px; at most {MAX_SIDE} px "
                    "(200 in at 72 dpi): make the chart smaller"
                )
            check_declared_size(value, here, source=source)
    elif isinstance(spec, list):
        for i, item in enumerate(spec):
            check_declared_size(item, f"{path}[{i}]", source=source)


def check_depth(
    node: object, *, source: str = "spec", error: type[Exception] = ExportError
) -> None:
    """An ``error`` if ``node`` nests objects / lists deeper than :data:`MAX_DEPTH`.

    Iterative, so any depth is checked without a ``RecursionError``.

    >>> check_depth({"layer": [{"mark": "point"}]})
    >>> deep: list = []
    >>> for _ in range(200): deep = [deep]
    >>> check_depth({"layer": deep})
    Traceback (most recent call last):
    vegafigs.errors.ExportError: spec: nested deeper than 100 levels at $.layer[0][0]...
    """
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise error(
                f"{source}: nested deeper than {MAX_DEPTH} levels at "
                f"{_deep_path(node)[:200]}...; a Vega-Lite spec is never that deep"
            )
        stack.extend((child, depth + 1) for child in _containers(item))


def _containers(item: dict[Any, Any] | list[Any]) -> list[Any]:
    """The non-empty dicts and lists in ``item`` (rows of scalars are skipped at C speed)."""
    values: Any = item.values() if isinstance(item, dict) else item
    kinds = set(map(type, values))
    if kinds <= _SCALARS:
        return []
    if kinds == {dict} and isinstance(item, list):
        # A dataset: its rows are usually flat, then only the first row is looked at.
        inner = set(map(type, itertools.chain.from_iterable(map(dict.values, item))))
        if inner <= _SCALARS:
            return item[:1]
        return [row for row in item if not _SCALARS.issuperset(map(type, row.values()))]
    return [child for child in values if isinstance(child, (dict, list)) and child]


def _deep_path(node: Any) -> str:
    """The JSON path of the first branch deeper than :data:`MAX_DEPTH` (for messages)."""
    parts = ["$"]
    for _ in range(MAX_DEPTH):
        if isinstance(node, dict) and node:
            key = next((k for k, v in node.items() if isinstance(v, (dict, list)) and v), None)
            if key is None:
                break
            parts.append(f".{key}")
            node = node[key]
        elif isinstance(node, list) and node:
            i = next((i for i, v in enumerate(node) if isinstance(v, (dict, list)) and v), None)
            if i is None:
                break
            parts.append(f"[{i}]")
            node = node[i]
        else:
            break
    return "".join(parts)


def read_spec(path: Path) -> Any:
    """The parsed JSON of the spec file ``path``, at most :data:`MAX_SPEC_BYTES` and
    :data:`MAX_DEPTH` deep (a :class:`~vegafigs.LoadError` naming the file otherwise).

    >>> _ = Path("s.vl.json").write_text('{"mark": "point"}')
    >>> read_spec(Path("s.vl.json"))
    {'mark': 'point'}
    """
    name = f"spec {str(path)!r}"
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_SPEC_BYTES + 1)
    except OSError as exc:
        raise LoadError(f"{name}: cannot read ({exc.strerror})") from exc
    if len(raw) > MAX_SPEC_BYTES:
        raise LoadError(
            f"{name}: larger than {MAX_SPEC_BYTES // 2**20} MiB; a spec to render is at most "
            "that large (reduce its inline data)"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"{name}: not a text file (byte {exc.start} is not UTF-8); "
            "expected a Vega-Lite JSON spec such as a saved .vl.json"
        ) from exc
    del raw
    try:
        spec = json.loads(text)
    except RecursionError:
        raise LoadError(
            f"{name}: nested deeper than {MAX_DEPTH} levels; a Vega-Lite spec is never that deep"
        ) from None
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    check_depth(spec, source=name, error=LoadError)
    return spec


# -- inline data ---------------------------------------------------------------------


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else "list"


def inline_data(spec: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Every inline dataset of ``spec`` as ``(JSON path, values)``: ``data.values``, ``datasets``.

    >>> list(inline_data({"datasets": {"d": [1]}, "layer": [{"data": {"values": "a\\n1"}}]}))
    [('$.datasets.d', [1]), ('$.layer[0].data.values', 'a\\n1')]
    """
    if isinstance(spec, dict):
        for key, value in spec.items():
            here = f"{path}.{key}"
            if key == "datasets" and isinstance(value, dict):
                yield from ((f"{here}.{name}", rows) for name, rows in value.items())
            elif key == "data" and isinstance(value, dict) and "values" in value:
                yield f"{here}.values", value["values"]
                rest = {k: v for k, v in value.items() if k != "values"}
                yield from inline_data(rest, here)
            else:
                yield from inline_data(value, here)
    elif isinstance(spec, list):
        for i, item in enumerate(spec):
            yield from inline_data(item, f"{path}[{i}]")


def check_inline_data(spec: Any, *, source: str = "spec") -> None:
    """An :class:`ExportError` if an inline dataset of ``spec`` is not what Vega-Lite takes.

    A dataset is a list of objects, of numbers, of strings or of booleans (one kind
    per list), a string (CSV / TSV / JSON text) or an object (with ``format.property``).

    >>> check_inline_data({"data": {"values": [{"x": 1}, 5]}})
    Traceback (most recent call last):
    vegafigs.errors.ExportError: spec: $.data.values[1]: expected an object like row 0, got 5
    """
    for path, rows in inline_data(spec):
        if isinstance(rows, (str, dict)):
            continue
        if not isinstance(rows, list):
            raise ExportError(
                f"{source}: {path}: expected a list of rows (objects, numbers, strings or "
                f"booleans), a string of CSV/JSON text or an object, got {rows!r:.60}"
            )
        kinds = {type(row) for row in rows}
        if len(kinds) <= 1 and not kinds & {type(None), list, tuple}:
            continue
        first = _kind(rows[0])
        bad = next(
            (i for i, row in enumerate(rows) if _kind(row) != first or first in ("null", "list")),
            None,
        )
        if bad is None:
            continue  # e.g. ints and floats: all numbers
        if first in ("null", "list"):
            raise ExportError(
                f"{source}: {path}[0]: expected a row (an object, number, string or "
                f"boolean), got {rows[0]!r:.60}"
            )
        article = "an" if first == "object" else "a"
        raise ExportError(
            f"{source}: {path}[{bad}]: expected {article} {first} like row 0, got {rows[bad]!r:.60}"
        )


def _count_values(rows: Any) -> int:
    if isinstance(rows, str):  # CSV / TSV / JSON text: lines x fields of the first line
        first = rows[: rows.find("\n")] if "\n" in rows else rows
        return (rows.count("\n") + 1) * (max(first.count(","), first.count("\t")) + 1)
    if isinstance(rows, list):
        return sum(map(len, rows)) if {type(r) for r in rows} == {dict} else len(rows)
    return len(json.dumps(rows, default=str)) // 16 if isinstance(rows, dict) else 1


def _sequences(spec: Any) -> Iterator[tuple[str, Any]]:
    stack: list[tuple[str, Any]] = [("$", spec)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("sequence"), dict):
                yield f"{path}.sequence", node["sequence"]
            stack.extend((f"{path}.{k}", v) for k, v in node.items() if k != "values")
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(node))


def _sequence_rows(seq: dict[str, Any]) -> float:
    start, stop, step = seq.get("start", 0), seq.get("stop", 0), seq.get("step", 1)
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (start, stop, step)):
        return 0  # the schema (or Vega) reports it
    return abs((stop - start) / step) if step else math.inf


def check_render_data(spec: Any, fmt: str) -> None:
    """An :class:`ExportError` if ``spec`` draws from more than :data:`MAX_RENDER_VALUES` values.

    Counted cheaply: inline rows x fields, CSV lines x columns, ``sequence`` rows.

    >>> check_render_data({"data": {"sequence": {"start": 0, "stop": 1e9}}}, "svg")
    Traceback (most recent call last):
    vegafigs.errors.ExportError: svg: $.data.sequence makes 1000000000 rows; ...
    """
    limit = f"at most {MAX_RENDER_VALUES} values can be drawn to {fmt}"
    hint = "(vl-convert's JavaScript memory is fixed): reduce or aggregate the data first"
    for path, seq in _sequences(spec):
        n = _sequence_rows(seq)
        if n > MAX_RENDER_VALUES:
            raise ExportError(f"{fmt}: {path} makes {n:.0f} rows; {limit} {hint}")
    total = 0
    for path, rows in inline_data(spec):
        total += _count_values(rows)
        if total > MAX_RENDER_VALUES:
            raise ExportError(
                f"{fmt}: the inline data holds more than {MAX_RENDER_VALUES} values "
                f"(rows x fields; reached at {path}); {limit} {hint}"
            )


def elide_data(spec: Any) -> Any:
    """``spec`` with each inline dataset cut to its first :data:`SAMPLE_ROWS` rows (a new object).

    Data the schema cannot tell apart from a few rows of it is left out of
    validation; :func:`check_inline_data` checks all the rows.

    >>> elide_data({"data": {"values": [{"x": i} for i in range(10)]}})
    {'data': {'values': [{'x': 0}, {'x': 1}, {'x': 2}]}}
    """
    if isinstance(spec, dict):
        out = {}
        for key, value in spec.items():
            if key == "datasets" and isinstance(value, dict):
                out[key] = {name: _sample(rows) for name, rows in value.items()}
            elif key == "data" and isinstance(value, dict) and "values" in value:
                rest = elide_data({k: v for k, v in value.items() if k != "values"})
                out[key] = {**rest, "values": _sample(value["values"])}
            else:
                out[key] = elide_data(value)
        return out
    if isinstance(spec, list):
        return [elide_data(item) for item in spec]
    return spec


def _sample(rows: Any) -> Any:
    return rows[:SAMPLE_ROWS] if isinstance(rows, list) else rows
