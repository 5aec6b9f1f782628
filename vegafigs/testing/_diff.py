"""Readable differences between two Vega-Lite specs, for snapshot failures.

:func:`spec_changes` names what changed by JSON path (``$.layer[1].mark.color``),
labels each change with what it is about (mark, encoding, scale, axis, legend,
title, config, params, transform, size, data, other) and summarises inline data per
dataset (rows added / removed / changed, per column, with a few examples) instead
of printing a text diff of the whole spec.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vegafigs.errors import InputError

#: The labels of :func:`spec_changes`, in the order its lines are grouped.
LABELS = (
    "mark",
    "encoding",
    "scale",
    "axis",
    "legend",
    "title",
    "config",
    "params",
    "transform",
    "size",
    "data",
    "other",
)

_VALUE_CHARS = 60  # a shown value is cut to this many characters (with "…")
_CELL_CHARS = 30  # a shown data cell, likewise
_EXAMPLES = 3  # example cells per changed column, example rows added / removed
_DETAILS = 12  # detail lines under one dataset

JsonPath = tuple[str | int, ...]  # keys and list indices from the root

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\Z")
_CONTAINERS = {"layer", "hconcat", "vconcat", "concat", "spec"}
_SIZE = {"width", "height", "autosize", "padding", "spacing"}
_DIRECT = {
    "mark": "mark",
    "title": "title",
    "params": "params",
    "selection": "params",
    "transform": "transform",
    "data": "data",
    "datasets": "data",
}
_CHANNEL_PARTS = {"scale": "scale", "axis": "axis", "legend": "legend"}


@dataclass
class _Change:
    """One reported change: its label, its line, and indented detail lines."""

    label: str
    line: str
    details: list[str] = field(default_factory=list)


class _Missing:
    """A record without the column (shown as ``(missing)``, differs from ``null``)."""

    def __repr__(self) -> str:
        return "(missing)"


_MISSING = _Missing()


# ---------------------------------------------------------------- paths, labels, values


def _path_text(path: JsonPath) -> str:
    """``$.hconcat[0].layer[1].mark``; keys that are not identifiers in brackets."""
    parts = ["$"]
    for p in path:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        elif _IDENT.match(p):
            parts.append("." + p)
        else:
            parts.append("[" + json.dumps(p, ensure_ascii=False) + "]")
    return "".join(parts)


def _path_key(path: JsonPath) -> tuple:
    """A sort key for paths: indices in numeric order, keys in text order."""
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path)


def _label(path: JsonPath) -> str:
    """What the change at ``path`` is about (one of :data:`LABELS`)."""
    if path[:1] == ("config",):
        return "config"
    in_channel = False
    for p in path:
        if isinstance(p, int):
            continue
        if in_channel:
            if p in _CHANNEL_PARTS:
                return _CHANNEL_PARTS[p]
        elif p in ("encoding", "resolve", "facet"):
            in_channel = True
        elif p in _DIRECT:
            return _DIRECT[p]
        elif p in _SIZE:
            return "size"
        elif p not in _CONTAINERS:
            return "other"
    if in_channel:
        return "encoding"
    if len(path) >= 2 and path[-2] == "layer":
        return "mark"  # a whole layer added or removed
    return "other"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, Mapping) else "array"


def _tokens(value: Any, limit: int) -> Iterator[str]:
    """Pieces of the display of ``value`` (a consumer stops once it has enough)."""
    if isinstance(value, str):
        yield repr(value if len(value) <= limit else value[: limit + 1])
    elif value is None or isinstance(value, bool | int | float):
        yield json.dumps(value)
    elif isinstance(value, Mapping):
        yield "{"
        for i, key in enumerate(sorted(value, key=str)):
            key_text = key if isinstance(key, str) and _IDENT.match(key) else repr(key)
            yield (", " if i else "") + f"{key_text}: "
            yield from _tokens(value[key], limit)
        yield "}"
    elif isinstance(value, list | tuple):
        yield "["
        for i, item in enumerate(value):
            if i:
                yield ", "
            yield from _tokens(item, limit)
        yield "]"
    else:
        yield repr(value)


def _show(value: Any, limit: int = _VALUE_CHARS) -> str:
    """``value`` in at most ``limit`` characters (strings repr'd, long values cut with …)."""
    parts: list[str] = []
    size = 0
    for piece in _tokens(value, limit):
        parts.append(piece)
        size += len(piece)
        if size > limit:
            break
    text = "".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _canon(value: Any) -> str:
    """Canonical JSON text: equal texts <=> equal JSON values."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _same(a: Any, b: Any) -> bool:
    """Scalars equal as JSON values (``1`` and ``1.0`` and ``true`` differ)."""
    if type(a) is not type(b):
        return False
    return bool(a == b) or (a != a and b != b)  # NaN equals NaN here


# ---------------------------------------------------------------- inline data as tables


@dataclass
class _Table:
    """Inline data as columns and rows of hashable cells; ``kind`` names its format."""

    columns: list[str]
    rows: list[tuple]
    kind: str

    @property
    def text_cells(self) -> bool:
        """Whether cells are the text of a CSV / TSV / text file (numbers are strings)."""
        return self.kind in ("csv", "tsv", "dsv", "text")


def _cell_token(value: Any) -> Any:
    """A hashable cell that is equal for equal JSON values only."""
    if type(value) is str or value is _MISSING:
        return value
    if value is None or type(value) in (bool, int, float):
        return (type(value).__name__, repr(value))
    return ("json", _canon(value))


def _records_table(values: Sequence[Any], kind: str) -> _Table:
    columns: dict[str, None] = {}
    for row in values:
        if isinstance(row, Mapping):
            columns.update(dict.fromkeys(row))
        else:
            columns["data"] = None  # Vega-Lite wraps a primitive as {"data": value}
    names = list(columns)
    rows = [
        tuple(_cell_token(r.get(c, _MISSING)) for c in names)
        if isinstance(r, Mapping)
        else tuple(_cell_token(r) if c == "data" else _MISSING for c in names)
        for r in values
    ]
    return _Table([str(c) for c in names], rows, kind)


def _delimited_table(text: str, delimiter: str, kind: str) -> _Table:
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not lines:
        return _Table([], [], kind)
    header, body = lines[0], lines[1:]
    width = max([len(header), *map(len, body)])
    columns: list[str] = []
    for i in range(width):
        name = header[i] if i < len(header) else f"column {i + 1}"
        while name in columns:
            name += "'"
        columns.append(name)
    rows = [tuple(r) if len(r) == width else tuple(r + [""] * (width - len(r))) for r in body]
    return _Table(columns, rows, kind)


def _text_table(text: str, kind: str) -> _Table:
    return _Table(["text"], [(line,) for line in text.splitlines()], kind)


def _string_table(text: str, fmt: Mapping[str, Any]) -> _Table:
    kind = fmt.get("type", "json")
    if kind in ("csv", "tsv", "dsv"):
        delimiter = {"csv": ",", "tsv": "\t"}.get(kind, fmt.get("delimiter", ","))
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            return _text_table(text, "text")
        return _delimited_table(text, delimiter, kind)
    if kind != "json":
        return _text_table(text, "text")
    try:
        value = json.loads(text)
    except ValueError:
        return _text_table(text, "text")
    prop = fmt.get("property")
    for part in prop.split(".") if isinstance(prop, str) else ():
        value = value.get(part) if isinstance(value, Mapping) else None
    return _records_table(value if isinstance(value, list) else [value], "json")


def _table(values: Any, fmt: Any) -> _Table:
    """Inline ``values`` (records, primitives, or CSV / TSV / JSON text) as a table."""
    if isinstance(values, str):
        return _string_table(values, fmt if isinstance(fmt, Mapping) else {})
    if isinstance(values, list | tuple):
        return _records_table(values, "records")
    return _records_table([values], "object")


def _cell_text(token: Any, table: _Table) -> str:
    if token is _MISSING:
        return "(missing)"
    if isinstance(token, str):
        plain = table.text_cells and _NUMBER.match(token)
        return token if plain else _show(token, _CELL_CHARS)
    kind, text = token
    if kind == "NoneType":
        return "null"
    if kind == "bool":
        return text.lower()
    if kind == "float" and text in ("nan", "inf", "-inf"):
        return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[text]
    return text if len(text) <= _CELL_CHARS else text[: _CELL_CHARS - 1] + "…"


def _change_text(old: Any, new: Any, ta: _Table, tb: _Table) -> str:
    """``old -> new`` for one cell, with repr'd strings when the plain texts look equal."""
    a, b = _cell_text(old, ta), _cell_text(new, tb)
    if a == b:  # e.g. '1' and '1 ' in CSV, or the text '1' and the number 1
        a = _show(old, _CELL_CHARS) if isinstance(old, str) else a
        b = _show(new, _CELL_CHARS) if isinstance(new, str) else b
    return f"{a} -> {b}"


def _row_text(row: tuple, table: _Table) -> str:
    parts: list[str] = []
    size = 0
    for name, cell in zip(table.columns, row, strict=False):
        if cell is _MISSING:
            continue
        parts.append(f"{name}: {_cell_text(cell, table)}")
        size += len(parts[-1]) + 2
        if size > _VALUE_CHARS:
            break
    text = "{" + ", ".join(parts) + "}"
    return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 2] + "…}"


def _describe(table: _Table) -> str:
    """``601 rows; columns run, step, value`` (cut when long)."""
    rows = f"{len(table.rows)} row{'' if len(table.rows) == 1 else 's'}"
    cols = _show(", ".join(table.columns), _VALUE_CHARS)[1:-1] if table.columns else ""
    return f"{rows}; columns {cols}" if cols else rows


# ---------------------------------------------------------------- comparing two tables


@dataclass
class _TableDiff:
    """What differs between two tables (counts, and the first few examples)."""

    old: _Table
    new: _Table
    columns: list[str]  # the columns both tables have, in the old table's order
    changed_rows: int = 0
    cells: dict[str, list] = field(default_factory=dict)  # column -> [count, examples]
    added: list[tuple[int, tuple]] = field(default_factory=list)
    removed: list[tuple[int, tuple]] = field(default_factory=list)
    n_added: int = 0
    n_removed: int = 0

    def add(self, j: int) -> None:
        self.n_added += 1
        if len(self.added) < _EXAMPLES:
            self.added.append((j, self.new.rows[j]))

    def remove(self, i: int) -> None:
        self.n_removed += 1
        if len(self.removed) < _EXAMPLES:
            self.removed.append((i, self.old.rows[i]))

    def compare(self, i: int, j: int, a: tuple, b: tuple) -> None:
        if a == b:
            return
        self.changed_rows += 1
        for name, x, y in zip(self.columns, a, b, strict=True):
            if x != y:
                entry = self.cells.setdefault(name, [0, []])
                entry[0] += 1
                if len(entry[1]) < _EXAMPLES:
                    entry[1].append((i, j, x, y))


def _project(rows: list[tuple], columns: list[str], keep: list[str]) -> list[tuple]:
    if columns == keep:
        return rows
    where = [columns.index(c) for c in keep]
    return [tuple(r[k] for k in where) for r in rows]


def _align(diff: _TableDiff, ra: list[tuple], rb: list[tuple]) -> None:
    """Pair rows positionally (same length) or by SequenceMatcher, into ``diff``."""
    if len(ra) == len(rb):
        for i, (a, b) in enumerate(zip(ra, rb, strict=True)):
            diff.compare(i, i, a, b)
        return
    start, end_a, end_b = 0, len(ra), len(rb)
    while start < min(end_a, end_b) and ra[start] == rb[start]:
        start += 1
    while end_a > start and end_b > start and ra[end_a - 1] == rb[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    matcher = difflib.SequenceMatcher(None, ra[start:end_a], rb[start:end_b])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        i1, i2, j1, j2 = i1 + start, i2 + start, j1 + start, j2 + start
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            diff.compare(i1 + k, j1 + k, ra[i1 + k], rb[j1 + k])
        for i in range(i1 + paired, i2):
            diff.remove(i)
        for j in range(j1 + paired, j2):
            diff.add(j)


def _compare_tables(old: _Table, new: _Table) -> _TableDiff:
    new_columns = set(new.columns)
    common = [c for c in old.columns if c in new_columns]
    diff = _TableDiff(old, new, common)
    ra = _project(old.rows, old.columns, common)
    rb = _project(new.rows, new.columns, common)
    _align(diff, ra, rb)
    return diff


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _table_header(diff: _TableDiff) -> str:
    """``(600 rows -> 601 rows): 1 added, 2 changed`` for the dataset's line."""
    n_old, n_new = len(diff.old.rows), len(diff.new.rows)
    rows = _count(n_old, "row") + ("" if n_old == n_new else f" -> {_count(n_new, 'row')}")
    parts = [f"{n} {word}" for n, word in ((diff.n_added, "added"), (diff.n_removed, "removed"))]
    parts = [p for p in parts if not p.startswith("0 ")]
    if diff.changed_rows:
        parts.append(f"{diff.changed_rows} changed")
    new_cols = len(diff.new.columns) - len(diff.columns)
    old_cols = len(diff.old.columns) - len(diff.columns)
    if new_cols:
        parts.append(_count(new_cols, "column") + " added")
    if old_cols:
        parts.append(_count(old_cols, "column") + " removed")
    return f"({rows}): " + (", ".join(parts) if parts else "same rows and columns")


def _row_name(i: int, j: int) -> str:
    return f"row {i}" if i == j else f"row {i} (now {j})"


def _table_details(diff: _TableDiff) -> list[str]:
    """Indented lines: format and columns changed, changed cells per column, rows."""
    out: list[str] = []
    if diff.old.kind != diff.new.kind:
        out.append(f"format: {diff.old.kind} -> {diff.new.kind}")
    common = set(diff.columns)
    for sign, table in (("+", diff.new), ("-", diff.old)):
        extra = [c for c in table.columns if c not in common]
        if extra:
            word = "added" if sign == "+" else "removed"
            out.append(f"{sign} columns {word}: {_show(', '.join(extra))[1:-1]}")
    for name, (count, examples) in diff.cells.items():
        if count > 1:
            out.append(f"{name}: {count} cells changed")
        for i, j, x, y in examples:
            prefix = "  " if count > 1 else ""
            change = _change_text(x, y, diff.old, diff.new)
            out.append(f"{prefix}{_row_name(i, j)}: {name} {change}")
    for sign, rows, total, table in (
        ("-", diff.removed, diff.n_removed, diff.old),
        ("+", diff.added, diff.n_added, diff.new),
    ):
        out.extend(f"{sign} row {k}: {_row_text(row, table)}" for k, row in rows)
        if total > len(rows):
            out.append(f"{sign} … {total - len(rows)} more rows")
    return _cap(out, _DETAILS)


def _cap(lines: list[str], limit: int) -> list[str]:
    """``lines``, or its first ``limit - 1`` and a line counting the rest."""
    if len(lines) <= limit:
        return lines
    return [*lines[: limit - 1], f"… {len(lines) - limit + 1} more lines"]


def _first_difference(a: str, b: str) -> str:
    """Where two texts first differ: ``character 12: '…,1\\r\\n' -> '…,1\\n'``."""
    k = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    lo = max(0, k - 8)
    return f"character {k}: {_show(a[lo : k + 12], 30)} -> {_show(b[lo : k + 12], 30)}"


def _data_change(where: str, old: Any, new: Any, fmt_old: Any, fmt_new: Any) -> _Change | None:
    """The ``data`` change of one dataset (``None`` when the values are the same)."""
    if _canon(old) == _canon(new):
        return None
    ta, tb = _table(old, fmt_old), _table(new, fmt_new)
    diff = _compare_tables(ta, tb)
    details = _table_details(diff)
    if not details:  # same table, e.g. other line endings or quoting in CSV text
        note = "the same rows, but the text differs"
        if isinstance(old, str) and isinstance(new, str):
            details = [_first_difference(old, new)]
        return _Change(
            "data", f"dataset at {where} ({_count(len(ta.rows), 'row')}): {note}", details
        )
    return _Change("data", f"dataset at {where} {_table_header(diff)}", details)


# ---------------------------------------------------------------- top-level datasets


@dataclass
class _Uses:
    """Where each named dataset is used: name -> view paths, and the first ``format``."""

    paths: dict[str, list[JsonPath]] = field(default_factory=dict)
    formats: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, path: JsonPath, fmt: Any) -> None:
        self.paths.setdefault(name, []).append(path)
        self.formats.setdefault(name, fmt)


def _uses(spec: Any, uses: _Uses, path: JsonPath = ()) -> _Uses:
    """Record every ``{"data": {"name": ...}}`` of ``spec`` (not descending into values)."""
    if isinstance(spec, Mapping):
        for key, value in spec.items():
            if not path and key == "datasets":
                continue
            if key == "data" and isinstance(value, Mapping):
                if isinstance(value.get("name"), str):
                    uses.add(value["name"], path, value.get("format"))
                value = {k: v for k, v in value.items() if k != "values"}
            _uses(value, uses, (*path, key))
    elif isinstance(spec, list | tuple):
        for i, item in enumerate(spec):
            _uses(item, uses, (*path, i))
    return uses


def _first_use(uses: _Uses, name: str) -> tuple:
    paths = uses.paths.get(name)
    return (0, _path_key(min(paths, key=_path_key)), name) if paths else (1, (), name)


def _pair(old: _Uses, new: _Uses, old_names: list[str], new_names: list[str]) -> dict[str, str]:
    """Pair each old dataset with a new one: the same name, else the most shared uses."""
    pairs = {n: n for n in old_names if n in new_names}
    left_new = {n for n in new_names if n not in pairs}
    by_path: dict[JsonPath, list[str]] = {}
    for name in sorted(left_new):
        for path in new.paths.get(name, ()):
            by_path.setdefault(path, []).append(name)
    candidates = []
    for name in old_names:
        if name in pairs:
            continue
        shared: dict[str, int] = {}
        for path in set(old.paths.get(name, ())):
            for other in by_path.get(path, ()):
                shared[other] = shared.get(other, 0) + 1
        candidates += [(-n, _first_use(old, name), other, name) for other, n in shared.items()]
    taken: set[str] = set()
    for _, _, other, name in sorted(candidates):
        if name not in pairs and other not in taken:
            pairs[name] = other
            taken.add(other)
    return pairs


def _where(uses: _Uses, name: str) -> str:
    paths = uses.paths.get(name)
    return _path_text(min(paths, key=_path_key)) if paths else f"$.datasets[{json.dumps(name)}]"


def _dataset_changes(
    expected: Mapping[str, Any], actual: Mapping[str, Any]
) -> tuple[list[_Change], dict[str, str]]:
    """Changes of the top-level ``datasets``, and new name -> old name for paired ones."""
    old_sets, new_sets = expected.get("datasets", {}), actual.get("datasets", {})
    old, new = _uses(expected, _Uses()), _uses(actual, _Uses())
    old_names = sorted(old_sets, key=lambda n: _first_use(old, n))
    new_names = sorted(new_sets, key=lambda n: _first_use(new, n))
    pairs = _pair(old, new, old_names, new_names)
    changes: list[_Change] = []
    for name in old_names:
        if name not in pairs:
            table = _table(old_sets[name], old.formats.get(name))
            where = f" at {_where(old, name)}" if old.paths.get(name) else ""
            changes.append(_Change("data", f"- dataset {name!r}{where} ({_describe(table)})"))
            continue
        other = pairs[name]
        fmts = old.formats.get(name), new.formats.get(other)
        change = _data_change(_where(old, name), old_sets[name], new_sets[other], *fmts)
        if change is None and other != name:
            change = _Change("data", f"dataset {name!r} renamed {other!r} at {_where(old, name)}")
        if change is not None:
            changes.append(change)
    paired = set(pairs.values())
    for name in new_names:
        if name not in paired:
            table = _table(new_sets[name], new.formats.get(name))
            where = f" at {_where(new, name)}" if new.paths.get(name) else ""
            changes.append(_Change("data", f"+ dataset {name!r}{where} ({_describe(table)})"))
    return changes, {new_name: old_name for old_name, new_name in pairs.items()}


# ---------------------------------------------------------------- the structural walk


class _Walk:
    """Compare two JSON values key by key, collecting :class:`_Change` s."""

    def __init__(self, renamed: Mapping[str, str]) -> None:
        self.renamed = renamed  # new dataset name -> the old name it is compared as
        self.changes: list[_Change] = []

    def note(self, path: JsonPath, line: str) -> None:
        self.changes.append(_Change(_label(path), line))

    def walk(self, a: Any, b: Any, path: JsonPath) -> None:
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            self.mappings(a, b, path)
        elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
            self.sequences(a, b, path)
        elif not _same(a, b):
            kinds = _json_type(a), _json_type(b)
            note = "" if kinds[0] == kinds[1] else f" ({kinds[0]} -> {kinds[1]})"
            self.note(path, f"{_path_text(path)}: {_show(a)} -> {_show(b)}{note}")

    def mappings(self, a: Mapping, b: Mapping, path: JsonPath) -> None:
        for key in sorted({*a, *b}, key=str):
            sub = (*path, key)
            if not path and key == "datasets" and _dataset_maps(a, b):
                continue
            if key not in b:
                self.note(sub, f"- {_path_text(sub)}")
            elif key not in a:
                self.note(sub, f"+ {_path_text(sub)}: {_show(b[key])}")
            elif key == "data" and isinstance(a[key], Mapping) and isinstance(b[key], Mapping):
                self.data(a[key], b[key], sub)
            else:
                self.walk(a[key], b[key], sub)

    def data(self, a: Mapping, b: Mapping, path: JsonPath) -> None:
        """A ``data`` object: renamed datasets compared by old name, values as tables."""
        name = b.get("name")
        if isinstance(name, str) and name in self.renamed:
            b = {**b, "name": self.renamed[name]}
        if "values" in a or "values" in b:
            self.values(a, b, path)
            a = {k: v for k, v in a.items() if k != "values"}
            b = {k: v for k, v in b.items() if k != "values"}
        self.mappings(a, b, path)

    def values(self, a: Mapping, b: Mapping, path: JsonPath) -> None:
        """Inline ``values`` of a ``data`` object: a table change, or added / removed."""
        sub = (*path, "values")
        if "values" not in b:
            self.note(sub, f"- {_path_text(sub)}")
        elif "values" not in a:
            table = _table(b["values"], b.get("format"))
            self.note(sub, f"+ {_path_text(sub)}: {_describe(table)}")
        else:
            where = _path_text(path[:-1])
            change = _data_change(where, a["values"], b["values"], a.get("format"), b.get("format"))
            if change is not None:
                self.changes.append(change)

    def sequences(self, a: Sequence, b: Sequence, path: JsonPath) -> None:
        if len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                self.walk(x, y, (*path, i))
            return
        if not any(isinstance(v, Mapping | list | tuple) for v in (*a, *b)):
            sizes = f"({len(a)} -> {_count(len(b), 'item')})"
            self.note(path, f"{_path_text(path)}: {_show(a)} -> {_show(b)} {sizes}")
            return
        matcher = difflib.SequenceMatcher(None, [_canon(v) for v in a], [_canon(v) for v in b])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            paired = min(i2 - i1, j2 - j1)
            for k in range(paired):
                self.walk(a[i1 + k], b[j1 + k], (*path, j1 + k))
            for i in range(i1 + paired, i2):
                self.note((*path, i), f"- {_path_text((*path, i))}")
            for j in range(j1 + paired, j2):
                self.note((*path, j), f"+ {_path_text((*path, j))}: {_show(b[j])}")


def _dataset_maps(a: Mapping, b: Mapping) -> bool:
    """Whether both top-level ``datasets`` are objects (compared as datasets)."""
    return isinstance(a.get("datasets", {}), Mapping) and isinstance(b.get("datasets", {}), Mapping)


# ---------------------------------------------------------------- the report


def _round_robin(sizes: list[int], slots: int) -> list[int]:
    """How many entries of each group to show: one per group in turn, ``slots`` in all."""
    taken = [0] * len(sizes)
    while slots > 0 and any(t < s for t, s in zip(taken, sizes, strict=True)):
        for k, size in enumerate(sizes):
            if slots > 0 and taken[k] < size:
                taken[k] += 1
                slots -= 1
    return taken


def _fit(details: list[str], spare: int) -> list[str]:
    """``details`` in at most ``spare`` lines: all, or a few and a count, or none."""
    if len(details) <= spare:
        return details
    return _cap(details, spare) if spare >= 2 else []


def _report(changes: list[_Change], max_lines: int) -> list[str]:
    """The summary line, then the changes grouped by label, within ``max_lines`` lines."""
    groups = [(lab, [c for c in changes if c.label == lab]) for lab in LABELS]
    groups = [(lab, cs) for lab, cs in groups if cs]
    summary = "spec differs: " + ", ".join(f"{len(cs)} {lab}" for lab, cs in groups)
    total = len(changes)
    slots = max_lines - 1 if total <= max_lines - 1 else max_lines - 2
    taken = _round_robin([len(cs) for _, cs in groups], slots)
    shown = [(lab, cs[:n]) for (lab, cs), n in zip(groups, taken, strict=True) if n]
    spare = slots - sum(taken)
    width = max((len(lab) for lab, _ in shown), default=0)
    lines = [summary]
    for lab, cs in shown:
        for change in cs:
            lines.append(f"{lab:<{width}}  {change.line}")
            details = _fit(change.details, spare)
            spare -= len(details)
            lines.extend(" " * (width + 4) + d for d in details)
    if sum(taken) < total:
        lines.append(f"... and {total - sum(taken)} more changes")
    return lines


def spec_changes(
    expected: Mapping[str, Any], actual: Mapping[str, Any], *, max_lines: int = 60
) -> list[str]:
    """What changed from ``expected`` to ``actual`` (two Vega-Lite specs), line by line.

    Returns ``[]`` when the specs are equal as JSON values (``1`` and ``1.0`` differ).
    Otherwise the first line counts the changes per label (``spec differs: 1 mark,
    1 data``) and each further line names one change by JSON path, prefixed with its
    label, grouped in the order of :data:`LABELS`::

        mark  $.layer[1].mark.color: '#1f77b4' -> '#d62728'
        mark  + $.layer[2]: {data: ..., mark: ...}
        data  dataset at $.layer[0] (600 rows -> 601 rows): 1 added, 2 changed

    ``+ path: value`` is an added key or list item, ``- path`` a removed one;
    values are cut to about 60 characters. Each label is what the path is about:
    ``mark``, ``encoding`` (a channel), its ``scale``, ``axis`` or ``legend``,
    ``title``, ``config``, ``params``, ``transform``, ``size`` (width, height,
    autosize, padding, spacing), ``data``; anything else is ``other``.

    Inline data is summarised per dataset, never shown whole: rows added, removed
    and changed, the changed cells of each column (``row 5: value 360.19 ->
    361.0``, rows numbered from 0 as in ``expected``), columns added or removed.
    Values may be records or CSV / TSV / JSON text (``data.format.type``); CSV cells
    are compared as text. Rows are paired by position when both datasets have as
    many, else aligned (a row inserted is one added row). Top-level ``datasets``
    (named by a hash of their content, so a changed dataset has a new name) are
    paired by the views that use them, so a renamed dataset is one ``data`` change.

    Args:
        expected: The golden spec (a JSON object).
        actual: The spec made now.
        max_lines: At most this many lines are returned (at least 2); when changes
            are left off, the last line says how many (``... and 37 more changes``).

    Raises:
        InputError: ``expected`` or ``actual`` is not a JSON object, or
            ``max_lines`` is not an integer >= 2.

    >>> old = {"mark": {"type": "line", "color": "#1f77b4"}, "title": "Reward",
    ...        "data": {"values": [{"step": 1, "value": 3.5}, {"step": 2, "value": 4.0}]}}
    >>> new = {"mark": {"type": "line", "color": "#d62728"}, "title": "Reward",
    ...        "data": {"values": [{"step": 1, "value": 3.5}, {"step": 2, "value": 4.5}]}}
    >>> for line in spec_changes(old, new):
    ...     print(line)
    spec differs: 1 mark, 1 data
    mark  $.mark.color: '#1f77b4' -> '#d62728'
    data  dataset at $ (2 rows): 1 changed
              row 1: value 4.0 -> 4.5
    >>> spec_changes(old, old)
    []
    """
    for param, value in (("expected", expected), ("actual", actual)):
        if not isinstance(value, Mapping):
            raise InputError(
                f"{param}: expected a Vega-Lite spec (a dict), got {type(value).__name__}"
            )
    if isinstance(max_lines, bool) or not isinstance(max_lines, int) or max_lines < 2:
        raise InputError(f"max_lines: expected an integer >= 2, got {max_lines!r}")
    texts = []
    for param, value in (("expected", expected), ("actual", actual)):
        try:
            texts.append(_canon(value))
        except (TypeError, ValueError) as exc:
            raise InputError(f"{param}: expected a JSON-compatible spec ({exc})") from None
    if texts[0] == texts[1]:
        return []
    changes: list[_Change] = []
    renamed: dict[str, str] = {}
    if _dataset_maps(expected, actual):
        changes, renamed = _dataset_changes(expected, actual)
    walk = _Walk(renamed)
    walk.walk(expected, actual, ())
    changes += walk.changes
    if not changes:  # never report equal specs that are not: say so plainly
        changes = [_Change("other", "the specs differ as JSON text but no change was itemised")]
    return _report(changes, max_lines)
