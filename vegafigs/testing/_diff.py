"""Readable differences between two Vega-Lite specs, for snapshot failures.

:func:`spec_changes` names what changed by JSON path (``$.layer[1].mark.color``),
labels each change with what it is about (mark, encoding, scale, axis, legend,
title, config, params, transform, size, data, other) and summarises inline data per
dataset (rows added / removed / changed, per column, with a few examples) instead
of printing a text diff of the whole spec.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import difflib
import gc
import io
import json
import operator
import re
from collections import Counter
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
_FIRST_KEYS = ("mark", "type", "name", "field", "text", "title")
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
        for i, key in enumerate(sorted(value, key=_key_order)):
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


def _key_order(key: Any) -> tuple[int, str]:
    """Shown dicts start with the keys that say most (``mark``, ``type`` ...), then A-Z."""
    text = str(key)
    return (_FIRST_KEYS.index(text), "") if text in _FIRST_KEYS else (len(_FIRST_KEYS), text)


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
    """Inline data as named columns of cells (column-major); ``kind`` names its format.

    Cells are the values as given: strings for CSV / TSV text, JSON values for
    records, :data:`_MISSING` where a record has no such key.
    """

    columns: list[str]
    data: list[list[Any]]
    n_rows: int
    kind: str

    @property
    def text_cells(self) -> bool:
        """Whether cells are the text of a CSV / TSV / text file (numbers are strings)."""
        return self.kind in ("csv", "tsv", "dsv", "text")

    def row(self, i: int) -> list[Any]:
        return [column[i] for column in self.data]


def _records_table(values: Sequence[Any], kind: str) -> _Table:
    if values and all(type(r) is dict for r in values):
        first = values[0].keys()
        if all(r.keys() == first for r in values):  # the usual case, 3x faster
            data = [list(map(operator.itemgetter(name), values)) for name in first]
            return _Table([str(c) for c in first], data, len(values), kind)
    names: dict[Any, None] = {}
    for row in values:
        if isinstance(row, Mapping):
            names.update(dict.fromkeys(row))
        else:
            names["data"] = None  # Vega-Lite wraps a primitive as {"data": value}
    data = []
    for name in names:
        data.append(
            [r.get(name, _MISSING) if isinstance(r, Mapping) else _MISSING for r in values]
            if name != "data"
            else [r.get(name, _MISSING) if isinstance(r, Mapping) else r for r in values]
        )
    return _Table([str(c) for c in names], data, len(values), kind)


def _delimited_table(text: str, delimiter: str, kind: str) -> _Table:
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not lines:
        return _Table([], [], 0, kind)
    header, body = lines[0], lines[1:]
    width = max([len(header), *map(len, body)])
    columns: list[str] = []
    for i in range(width):
        name = header[i] if i < len(header) else f"column {i + 1}"
        while name in columns:
            name += "'"
        columns.append(name)
    if any(len(r) != width for r in body):
        body = [r + [""] * (width - len(r)) for r in body]
    data = [list(column) for column in zip(*body, strict=True)] if body else [[]] * width
    return _Table(columns, data, len(body), kind)


def _text_table(text: str, kind: str) -> _Table:
    lines = text.splitlines()
    return _Table(["text"], [lines], len(lines), kind)


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


def _cell_token(value: Any) -> Any:
    """A hashable cell that is equal for equal JSON values only (``1``, ``1.0``, ``true``)."""
    if type(value) is str or value is _MISSING:
        return value
    if value is None or type(value) in (bool, int, float):
        return (type(value).__name__, repr(value))
    try:
        return ("json", _canon(value))
    except (TypeError, ValueError) as exc:
        raise InputError(f"expected / actual: inline data holds a non-JSON value ({exc})") from None


_PLAIN = {str, int, float, bool, type(None), _Missing}


def _tokens_of(old: list[Any], new: list[Any]) -> tuple[list[Any], list[Any]]:
    """Two columns as cells comparable with ``==`` as JSON values (and hashable).

    Most columns hold one kind of value and are used as they are; a column
    mixing ``1``, ``1.0`` and ``True`` (equal in Python) pairs each cell with its
    type; NaN, lists and objects are converted cell by cell.
    """
    kinds = set(map(type, old)) | set(map(type, new))
    if not kinds <= _PLAIN or (float in kinds and (_has_nan(old) or _has_nan(new))):
        return [_cell_token(v) for v in old], [_cell_token(v) for v in new]
    if len(kinds & {int, float, bool}) <= 1:
        return old, new
    return list(zip(map(type, old), old, strict=True)), list(zip(map(type, new), new, strict=True))


def _has_nan(column: list[Any]) -> bool:
    return any(v != v for v in column if type(v) is float)


def _cell_text(value: Any, table: _Table) -> str:
    if value is _MISSING:
        return "(missing)"
    if isinstance(value, str) and table.text_cells and _NUMBER.match(value):
        return value  # a number in CSV text, shown as a number
    return _show(value, _CELL_CHARS)


def _change_text(old: Any, new: Any, ta: _Table, tb: _Table) -> str:
    """``old -> new`` for one cell, with repr'd strings when the plain texts look equal."""
    a, b = _cell_text(old, ta), _cell_text(new, tb)
    if a == b:  # the text '1' and the number 1
        a = _show(old, _CELL_CHARS) if isinstance(old, str) else a
        b = _show(new, _CELL_CHARS) if isinstance(new, str) else b
    return f"{a} -> {b}"


def _row_text(row: list[Any], table: _Table) -> str:
    parts: list[str] = []
    size = 0
    for name, cell in zip(table.columns, row, strict=True):
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
    rows = _count(table.n_rows, "row")
    cols = _show(", ".join(table.columns), _VALUE_CHARS)[1:-1] if table.columns else ""
    return f"{rows}; columns {cols}" if cols else rows


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------- comparing two tables


@dataclass
class _TableDiff:
    """What differs between two tables (counts, and the first few examples)."""

    old: _Table
    new: _Table
    columns: list[str]  # the columns both tables have, in the old table's order
    changed_rows: int = 0
    cells: dict[int, list] = field(default_factory=dict)  # column -> [count, [(i, j)]]
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    n_added: int = 0
    n_removed: int = 0

    def add(self, j: int) -> None:
        self.n_added += 1
        if len(self.added) < _EXAMPLES:
            self.added.append(j)

    def remove(self, i: int) -> None:
        self.n_removed += 1
        if len(self.removed) < _EXAMPLES:
            self.removed.append(i)

    def compare(self, i: int, j: int, a: tuple, b: tuple) -> None:
        if a == b:
            return
        self.changed_rows += 1
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                entry = self.cells.setdefault(k, [0, []])
                entry[0] += 1
                if len(entry[1]) < _EXAMPLES:
                    entry[1].append((i, j))

    def cell(self, table: _Table, k: int, i: int) -> Any:
        """The cell of common column ``k``, row ``i`` of ``table`` (old or new)."""
        return table.data[table.columns.index(self.columns[k])][i]


_SMALL_GAP = 200  # rows between two anchors aligned by SequenceMatcher when both are this short

Opcodes = list[tuple[str, int, int, int, int]]


def _anchors(ra: Sequence[tuple], rb: Sequence[tuple]) -> list[tuple[int, int]]:
    """Pairs (i, j) of rows found exactly once in each, in order in both (patience diff)."""
    count_a = Counter(ra)
    count_b = Counter(rb)
    where_b = {row: j for j, row in enumerate(rb) if count_b[row] == 1}
    pairs = [(i, where_b[r]) for i, r in enumerate(ra) if count_a[r] == 1 and r in where_b]
    # the longest run of pairs increasing in j (patience sorting, O(n log n))
    tails: list[int] = []  # tails[k]: the smallest last j of an increasing run of k + 1 pairs
    tail_at: list[int] = []  # index in pairs of that pair
    before = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[pos], tail_at[pos] = j, k
        before[k] = tail_at[pos - 1] if pos else -1
    run: list[tuple[int, int]] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        run.append(pairs[k])
        k = before[k]
    return run[::-1]


def _gap(ra: Sequence[tuple], rb: Sequence[tuple], i1: int, i2: int, j1: int, j2: int) -> Opcodes:
    """Opcodes for rows ``ra[i1:i2]`` and ``rb[j1:j2]`` between two anchors."""
    if i1 == i2 and j1 == j2:
        return []
    if i2 - i1 == j2 - j1 or i1 == i2 or j1 == j2:
        return [("replace", i1, i2, j1, j2)]  # by position, as a dataset of the same length
    if i2 - i1 > _SMALL_GAP or j2 - j1 > _SMALL_GAP:
        return [("replace", i1, i2, j1, j2)]
    matcher = difflib.SequenceMatcher(None, ra[i1:i2], rb[j1:j2], autojunk=False)
    return [
        (tag, a1 + i1, a2 + i1, b1 + j1, b2 + j1)
        for tag, a1, a2, b1, b2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _opcodes(ra: Sequence[tuple], rb: Sequence[tuple]) -> Opcodes:
    """Non-equal opcodes pairing the rows: anchored on unique rows, gaps by SequenceMatcher.

    Plain SequenceMatcher takes minutes on 50,000 rows with many scattered
    changes; anchoring on rows that occur once on each side first keeps it fast.
    """
    start, end_a, end_b = 0, len(ra), len(rb)
    while start < min(end_a, end_b) and ra[start] == rb[start]:
        start += 1
    while end_a > start and end_b > start and ra[end_a - 1] == rb[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    ops: Opcodes = []
    i0 = j0 = start
    anchors = _anchors(ra[start:end_a], rb[start:end_b])
    for i, j in [*((i + start, j + start) for i, j in anchors), (end_a, end_b)]:
        ops += _gap(ra, rb, i0, i, j0, j)
        i0, j0 = i + 1, j + 1
    return ops


def _events(ops: Opcodes, ra: list[tuple], rb: list[tuple]) -> int:
    """Rows added, removed or changed when the rows are paired by ``ops``."""
    n = 0
    for _, i1, i2, j1, j2 in ops:
        paired = min(i2 - i1, j2 - j1)
        n += max(i2 - i1, j2 - j1) - paired
        n += sum(ra[i1 + k] != rb[j1 + k] for k in range(paired))
    return n


def _align(diff: _TableDiff, ra: list[tuple], rb: list[tuple]) -> None:
    """Pair the rows into ``diff``: by position when both have as many, else aligned.

    With as many rows, the alignment is used instead when it explains the
    change with fewer rows (one row inserted and another removed).
    """
    ops: Opcodes = [("replace", 0, len(ra), 0, len(rb))]
    if len(ra) != len(rb):
        ops = _opcodes(ra, rb)
    elif (positional := _events(ops, ra, rb)) > 1:
        aligned = _opcodes(ra, rb)
        if _events(aligned, ra, rb) < positional:
            ops = aligned
    for _, i1, i2, j1, j2 in ops:
        pairs = _block_pairs(ra, rb, i1, i2, j1, j2)
        for i, j in pairs:
            diff.compare(i, j, ra[i], rb[j])
        paired_a, paired_b = {i for i, _ in pairs}, {j for _, j in pairs}
        for i in range(i1, i2):
            if i not in paired_a:
                diff.remove(i)
        for j in range(j1, j2):
            if j not in paired_b:
                diff.add(j)


_SMALL_BLOCK = 30  # unequal blocks of rows up to this size are paired by likeness


def _block_pairs(
    ra: list[tuple], rb: list[tuple], i1: int, i2: int, j1: int, j2: int
) -> list[tuple[int, int]]:
    """Which rows of a block of unequal rows to pair (as changed); the rest are added / removed.

    Same-size and large blocks pair by position; small ones pair the rows that
    share most cells, in order (a row inserted before a changed row is added).
    """
    n, m = i2 - i1, j2 - j1
    if n == m or not n or not m or n > _SMALL_BLOCK or m > _SMALL_BLOCK:
        return [(i1 + k, j1 + k) for k in range(min(n, m))]
    same = [[sum(p == q for p, q in zip(ra[i1 + x], rb[j1 + y], strict=True)) for y in range(m)]
            for x in range(n)]  # fmt: skip
    best = [[0] * (m + 1) for _ in range(n + 1)]  # best[x][y]: most shared cells from x, y on
    for x in range(n - 1, -1, -1):
        for y in range(m - 1, -1, -1):
            pair = best[x + 1][y + 1] + same[x][y] if same[x][y] else -1
            best[x][y] = max(pair, best[x + 1][y], best[x][y + 1])
    pairs, x, y = [], 0, 0
    while x < n and y < m:
        if same[x][y] and best[x][y] == best[x + 1][y + 1] + same[x][y]:
            pairs.append((i1 + x, j1 + y))
            x, y = x + 1, y + 1
        elif best[x][y] == best[x + 1][y]:
            x += 1
        else:
            y += 1
    return pairs


def _compare_tables(old: _Table, new: _Table) -> _TableDiff:
    if not old.n_rows and not old.text_cells:  # no records: no columns to compare either
        old = _Table(new.columns, [[] for _ in new.columns], 0, old.kind)
    if not new.n_rows and not new.text_cells:
        new = _Table(old.columns, [[] for _ in old.columns], 0, new.kind)
    new_columns = set(new.columns)
    common = [c for c in old.columns if c in new_columns]
    diff = _TableDiff(old, new, common)
    cols_a, cols_b = [], []
    for name in common:
        a, b = _tokens_of(old.data[old.columns.index(name)], new.data[new.columns.index(name)])
        cols_a.append(a)
        cols_b.append(b)
    ra = list(zip(*cols_a, strict=True)) if common else [()] * old.n_rows
    rb = list(zip(*cols_b, strict=True)) if common else [()] * new.n_rows
    _align(diff, ra, rb)
    return diff


def _table_header(diff: _TableDiff) -> str:
    """``(600 rows -> 601 rows): 1 added, 2 changed`` for the dataset's line."""
    n_old, n_new = diff.old.n_rows, diff.new.n_rows
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


def _cell_lines(diff: _TableDiff) -> list[str]:
    """Per changed column: a count (when more than one) and up to 3 examples."""
    out: list[str] = []
    for k, (count, examples) in sorted(diff.cells.items()):  # in column order
        name = diff.columns[k]
        if count > 1:
            out.append(f"{name}: {count} cells changed")
        for i, j in examples:
            old, new = diff.cell(diff.old, k, i), diff.cell(diff.new, k, j)
            change = _change_text(old, new, diff.old, diff.new)
            out.append(f"{'  ' if count > 1 else ''}{_row_name(i, j)}: {name} {change}")
    return out


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
    out += _cell_lines(diff)
    for sign, rows, total, table in (
        ("-", diff.removed, diff.n_removed, diff.old),
        ("+", diff.added, diff.n_added, diff.new),
    ):
        out.extend(f"{sign} row {k}: {_row_text(table.row(k), table)}" for k in rows)
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
    if old == new and _json_equal(old, new):
        return None
    ta, tb = _table(old, fmt_old), _table(new, fmt_new)
    diff = _compare_tables(ta, tb)
    details = _table_details(diff)
    if not details and _json_equal(old, new):  # NaN and NaN, a tuple and a list
        return None
    if not details:  # same table, e.g. other line endings or quoting in CSV text
        note = "the same rows, but the text differs"
        if isinstance(old, str) and isinstance(new, str):
            details = [_first_difference(old, new)]
        return _Change("data", f"dataset at {where} ({_count(ta.n_rows, 'row')}): {note}", details)
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


def _shared(paths: list[JsonPath], others: Mapping[str, list[JsonPath]]) -> dict[str, int]:
    """How many of ``paths`` each of ``others`` is used at too."""
    mine = set(paths)
    counts = {name: len(mine.intersection(theirs)) for name, theirs in others.items()}
    return {name: n for name, n in counts.items() if n}


def _pair(old: _Uses, new: _Uses, old_names: list[str], new_names: list[str]) -> dict[str, str]:
    """New dataset name -> the old one it is compared with.

    The same name first; then an old and a new dataset used at most of the same
    places; then a new dataset used where an old one still in use was (the data
    of one of the views that shared a dataset changed).
    """
    pairs = {n: n for n in new_names if n in old_names}
    left_new = {n: new.paths.get(n, []) for n in new_names if n not in pairs}
    candidates = []
    for name in old_names:
        if name not in pairs:
            shared = _shared(old.paths.get(name, []), left_new)
            candidates += [
                (-n, _first_use(old, name), _first_use(new, o), o, name) for o, n in shared.items()
            ]
    for *_, other, name in sorted(candidates):
        if other not in pairs and name not in pairs.values():
            pairs[other] = name
    old_paths = {n: old.paths.get(n, []) for n in old_names}
    for name in new_names:
        if name not in pairs:
            shared = _shared(new.paths.get(name, []), old_paths)
            if shared:
                pairs[name] = min(shared, key=lambda o: (-shared[o], _first_use(old, o)))
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
    found: list[tuple[tuple, _Change]] = []
    for name, was in pairs.items():
        split = was in new_sets and was != name  # an old dataset still used elsewhere
        where = _where(new, name) if split else _where(old, was)
        fmts = old.formats.get(was), new.formats.get(name)
        change = _data_change(where, old_sets[was], new_sets[name], *fmts)
        if change is None and name != was:
            change = _Change("data", f"dataset {was!r} renamed {name!r} at {where}")
        if change is not None:
            found.append(((_first_use(new, name) if split else _first_use(old, was)), change))
    for names, sets, uses, sign in (
        ([n for n in old_names if n not in pairs.values()], old_sets, old, "-"),
        ([n for n in new_names if n not in pairs], new_sets, new, "+"),
    ):
        for name in names:
            where = f" at {_where(uses, name)}" if uses.paths.get(name) else ""
            table = _describe(_table(sets[name], uses.formats.get(name)))
            found.append(
                (
                    _first_use(uses, name),
                    _Change("data", f"{sign} dataset {name!r}{where} ({table})"),
                )
            )
    found.sort(key=lambda item: item[0])
    return [change for _, change in found], pairs


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
            _check_scalar(a, "expected", path)
            _check_scalar(b, "actual", path)
            kinds = _json_type(a), _json_type(b)
            note = "" if kinds[0] == kinds[1] else f" ({kinds[0]} -> {kinds[1]})"
            self.note(path, f"{_path_text(path)}: {_show(a)} -> {_show(b)}{note}")

    def mappings(self, a: Mapping, b: Mapping, path: JsonPath) -> None:
        for key in sorted({*a, *b}, key=str):
            sub = (*path, key)
            if not path and key == "datasets" and _dataset_maps(a, b):
                continue
            if key not in b:
                self.note(sub, f"- {_path_text(sub)}: {_show(a[key])}")
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
            table = _table(a["values"], a.get("format"))
            self.note(sub, f"- {_path_text(sub)}: {_describe(table)}")
        elif "values" not in a:
            table = _table(b["values"], b.get("format"))
            self.note(sub, f"+ {_path_text(sub)}: {_describe(table)}")
        else:
            where = _path_text(path[:-1])
            change = _data_change(where, a["values"], b["values"], a.get("format"), b.get("format"))
            if change is not None:
                self.changes.append(change)

    def sequences(self, a: Sequence, b: Sequence, path: JsonPath) -> None:
        nested = any(isinstance(v, Mapping | list | tuple) for v in (*a, *b))
        if len(a) == len(b) and not nested:
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                self.walk(x, y, (*path, i))
            return
        if not nested:
            sizes = f"({len(a)} -> {_count(len(b), 'item')})"
            self.note(path, f"{_path_text(path)}: {_show(a)} -> {_show(b)} {sizes}")
            return
        texts = [_checked_canon(v, "expected") for v in a], [_checked_canon(v, "actual") for v in b]
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, *texts).get_opcodes():
            if tag == "equal":
                continue
            paired = min(i2 - i1, j2 - j1)
            for k in range(paired):
                self.walk(a[i1 + k], b[j1 + k], (*path, j1 + k))
            for i in range(i1 + paired, i2):
                self.note((*path, i), f"- {_path_text((*path, i))}: {_show(a[i])}")
            for j in range(j1 + paired, j2):
                self.note((*path, j), f"+ {_path_text((*path, j))}: {_show(b[j])}")


def _check_scalar(value: Any, param: str, path: JsonPath) -> None:
    if not isinstance(value, str | int | float | Mapping | list | tuple) and value is not None:
        raise InputError(
            f"{param}: expected a JSON-compatible spec; {_path_text(path)} is a "
            f"{type(value).__name__}"
        )


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
        mark  + $.layer[2]: {mark: {type: 'rule', color: 'red'}, encoding: {y: …
        data  dataset at $.layer[0] (600 rows -> 601 rows): 1 added, 2 changed
                row 5: value 360.19 -> 361.0
                + row 600: {run: 'GRPO', step: 601, value: 361.5}

    ``+ path: value`` is an added key or list item, ``- path: value`` a removed
    one (with its old value); lists of objects (layers, params, transforms) are
    aligned, so one layer inserted is one line. Values are cut to about 60
    characters, strings are repr'd. Each label is what the path is about:
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
    A 50,000-row dataset is compared in well under a second.

    Parameters
    ----------
    expected : Mapping
        The golden spec (a JSON object: dicts, lists, strings, numbers, booleans,
        ``None``).
    actual : Mapping
        The spec made now, likewise.
    max_lines : int, optional
        At most this many lines are returned (default 60; an integer >= 2); when
        changes are left off, the last line says how many (``... and 37 more
        changes``).

    Returns
    -------
    list of str
        The report lines; ``[]`` when the specs are equal.

    Raises
    ------
    ~vegafigs.InputError
        ``expected`` or ``actual`` is not a JSON object (or holds a value JSON
        cannot), or ``max_lines`` is not an integer >= 2.

    Examples
    --------
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
    if expected == actual and _json_equal(expected, actual):
        return []
    with _gc_paused():  # building 50,000-row tables with the collector on takes 3x longer
        changes = _changes(expected, actual)
    if not changes:
        if _json_equal(expected, actual):  # e.g. NaN and NaN, or a tuple and a list
            return []
        changes = [_Change("other", "the specs differ as JSON text but no change was itemised")]
    return _report(changes, max_lines)


def _json_equal(expected: Any, actual: Any) -> bool:
    """Whether the two are equal as JSON values (their canonical JSON texts are equal)."""
    return _checked_canon(expected, "expected") == _checked_canon(actual, "actual")


def _checked_canon(value: Any, param: str) -> str:
    try:
        return _canon(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{param}: expected a JSON-compatible spec ({exc})") from None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (only creates acyclic tuples and lists)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _changes(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[_Change]:
    """Every change from ``expected`` to ``actual`` (which differ), in walk order."""
    changes: list[_Change] = []
    renamed: dict[str, str] = {}
    if _dataset_maps(expected, actual):
        changes, renamed = _dataset_changes(expected, actual)
    walk = _Walk(renamed)
    walk.walk(expected, actual, ())
    return changes + walk.changes
