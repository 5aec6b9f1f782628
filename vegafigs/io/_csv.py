"""Fast, checked CSV reading for the loaders (private): pyarrow's columnar reader.

:func:`read_csv_frame` finds the header (after ``#`` comments, text lines such
as ``Logging to /tmp/sb3/run_1`` and blank lines), streams the rest through
``pyarrow.csv.open_csv`` and keeps every check of the old row reader: ragged
rows and non-UTF-8 text raise a :class:`~vegafigs.LoadError` naming the file's
real line; a last line cut short (training killed mid-write) is dropped with a
warning. Data rows map to file lines through the returned :class:`RowLines`.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import check_header, coerce_numbers, where

#: Bytes read ahead to find the header line.
HEAD_BYTES = 1 << 20
#: pyarrow block size (bytes parsed per batch; also the progress granularity).
BLOCK_BYTES = 16 << 20
#: Values pyarrow reads as null (an empty cell = "not logged"), as pandas does.
NULLS = ["", "NA", "N/A", "n/a", "NaN", "nan", "-nan", "-NaN", "NULL", "null", "None", "#N/A"]
_NUMBER = re.compile(r"^[\s+-]*(\d|\.\d|inf|nan)", re.IGNORECASE)


@dataclass
class Head:
    """Where the header is: its 1-based line, byte offset, names, delimiter, line end."""

    line: int
    offset: int
    names: list[str]
    delimiter: str
    ends_with_newline: bool
    size: int


@dataclass
class RowLines:
    """Data row ``i`` (0-based, as read) -> its line in the file, counted lazily.

    Row ``i`` is usually on line ``header + 1 + i``; blank lines between rows
    (skipped by the reader) shift that, so the file is scanned on first use
    (only when a message needs a line number).
    """

    path: Path
    head: Head
    _lines: list[int] | None = field(default=None, repr=False)

    def __call__(self, row: int) -> int:
        if self._lines is None:
            self._lines = []
            with open(self.path, "rb") as fh:
                fh.seek(self.head.offset)
                fh.readline()
                for lineno, raw in enumerate(fh, start=self.head.line + 1):
                    if raw.strip(b"\r\n"):
                        self._lines.append(lineno)
        if 0 <= row < len(self._lines):
            return self._lines[row]
        return self.head.line + 1 + row


def _fields(text: str, delimiter: str) -> list[str]:
    return next(csv.reader([text], delimiter=delimiter), [])


def _numeric(cells: list[str]) -> bool:
    return any(_NUMBER.match(c) for c in cells)


def _decode(raw: bytes, *, path: Path, lineno: int, expected: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"log {where(path)}: not UTF-8 text (line {lineno}: {exc.reason}); expected {expected}"
        ) from exc


def find_head(path: Path, *, expected: str = "a CSV log") -> Head:
    """The header line of the CSV ``path``: the first line of two or more fields
    (not blank, not a ``#`` comment) followed by a row of as many fields holding
    a number; else the first line of two or more fields. Raises for an empty file
    or one with only comments / blank lines.
    """
    size = path.stat().st_size
    with open(path, "rb") as fh:
        data = fh.read(HEAD_BYTES)
        if size == 0 or not data:
            raise LoadError(f"log {where(path)}: empty file; expected {expected}")
        fh.seek(-1, io.SEEK_END)
        ends = fh.read(1) == b"\n"
    raws = data.split(b"\n")
    if len(data) < size:
        raws = raws[:-1]  # the window may end mid-line
    offsets, pos = [], 0
    for raw in raws:
        offsets.append(pos)
        pos += len(raw) + 1
    cands: list[tuple[int, list[str], str]] = []  # (index, fields, delimiter)
    pick = None
    for i, raw in enumerate(raws):
        body = raw[3:] if i == 0 and raw.startswith(b"\xef\xbb\xbf") else raw
        text = _decode(body, path=path, lineno=i + 1, expected=expected).strip("\r")
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        delim = "\t" if "\t" in text and "," not in text else ","
        cands.append((i, _fields(text, delim), delim))
        if len(cands) >= 2:
            _, names, _ = prev = cands[-2]
            row = cands[-1][1]
            if len(names) >= 2 and len(row) == len(names) and _numeric(row) and not _numeric(names):
                pick = prev
                break
        if len(cands) > 1000:
            break
    if not cands:
        raise LoadError(
            f"log {where(path)}: no header line (only comments or blank lines); expected {expected}"
        )
    if pick is None:
        pick = next((c for c in cands if len(c[1]) >= 2), cands[0])
    i, names, delim = pick
    bom = 3 if i == 0 and raws[0].startswith(b"\xef\xbb\xbf") else 0
    return Head(i + 1, offsets[i] + bom, names, delim, ends, size)


class _Counted(io.RawIOBase):
    """A file read from ``offset``, reporting bytes read to ``progress``."""

    def __init__(self, path: Path, offset: int, progress: Callable[[int], None] | None):
        self._fh = open(path, "rb")  # noqa: SIM115 (closed with this object)
        self._fh.seek(offset)
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        n = self._fh.readinto(buf) or 0
        if self._progress is not None and n:
            self._progress(n)
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def _arrow_read(
    path: Path,
    head: Head,
    progress: Callable[[int], None] | None,
    *,
    as_text: bool = False,
    ragged: bool = False,
) -> tuple[Any, list[tuple[int, int, str]]]:
    """``(table, ragged rows)`` of the data after the header (pyarrow, multithreaded).

    ``as_text`` reads every column as strings; ``ragged`` collects rows whose
    field count differs from the header's instead of failing (slower).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    bad: list[tuple[int, int, str]] = []

    def invalid(row: Any) -> str:
        bad.append((row.expected_columns, row.actual_columns, row.text))
        return "skip"

    names = [f"c{i}" for i in range(len(head.names))]
    convert = pacsv.ConvertOptions(
        null_values=NULLS,
        strings_can_be_null=True,
        column_types={n: pa.string() for n in names} if as_text else None,
    )
    src = _Counted(path, head.offset, progress)
    try:
        table = pacsv.read_csv(
            src,
            read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                delimiter=head.delimiter, invalid_row_handler=invalid if ragged else None
            ),
            convert_options=convert,
            memory_pool=arrow_pool(),
        )
    finally:
        src.close()
    return table, bad


def arrow_pool() -> Any:
    """The Arrow memory pool for reading: jemalloc returning freed pages at once
    (pyarrow's default pool keeps them, about doubling the peak memory of a big
    read), else the system allocator."""
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
        return pool
    except (NotImplementedError, pa.ArrowNotImplementedError, AttributeError):
        return pa.system_memory_pool()


def _read_table(path: Path, head: Head, progress: Callable[[int], None] | None) -> Any:
    """The data as an Arrow table: fast path first, slower re-reads only for problems."""
    import pyarrow as pa

    as_text = ragged = False
    for _ in range(3):
        try:
            table, bad = _arrow_read(path, head, progress, as_text=as_text, ragged=ragged)
        except pa.ArrowInvalid as exc:
            msg = str(exc)
            if "Expected" in msg and "columns" in msg and not ragged:
                ragged = True  # a ragged row: find it (and maybe drop a cut last line)
            elif "conversion error" in msg and not as_text:
                as_text = True  # types differ between blocks: read text, cast after
            else:
                raise LoadError(f"log {where(path)}: not a well-formed CSV ({msg})") from exc
            progress = None
            continue
        _check_invalid(path, head, bad)
        return _typed(table) if as_text else table
    raise LoadError(f"log {where(path)}: not a well-formed CSV")


def _typed(table: Any) -> Any:
    """Text columns (read as strings after a type clash) cast to int64 / float64 when they fit."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = []
    for col in table.columns:
        for typ in (pa.int64(), pa.float64()):
            try:
                col = pc.cast(col, typ)
                break
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                continue
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def _nulls_as_float(table: Any) -> Any:
    """Columns with no value at all (type null) as float64 NaN: a metric never logged."""
    import pyarrow as pa

    for i, typ in enumerate(table.schema.types):
        if pa.types.is_null(typ):
            name = table.column_names[i]
            table = table.set_column(i, name, table.column(i).cast(pa.float64()))
    return table


def _line_of_text(path: Path, head: Head, text: str) -> int | None:
    """The first line after the header whose text is ``text``."""
    want = text.rstrip("\r")
    with open(path, "rb") as fh:
        fh.seek(head.offset)
        fh.readline()
        for lineno, raw in enumerate(fh, start=head.line + 1):
            if raw.rstrip(b"\r\n").decode("utf-8", "replace") == want:
                return lineno
    return None


def _last_line(path: Path, head: Head) -> int:
    with open(path, "rb") as fh:
        fh.seek(head.offset)
        return head.line + sum(1 for _ in fh) - 1


def _check_invalid(path: Path, head: Head, bad: list[tuple[int, int, str]]) -> None:
    """Ragged rows: a cut last line is dropped (warning); any other raises with its line."""
    if not bad:
        return
    expected, actual, text = bad[0]
    lineno = _line_of_text(path, head, text)
    last = _last_line(path, head)
    cut = len(bad) == 1 and not head.ends_with_newline and actual < expected
    if cut and lineno in (None, last):
        warnings.warn(
            f"log {where(path)}: line {last}: the last line is cut short ({actual} of "
            f"{expected} fields, no line end: the file was being written); dropped",
            stacklevel=4,
        )
        return
    n = lineno if lineno is not None else "?"
    shown = text if len(text) <= 60 else text[:57] + "..."
    how = "more" if actual > expected else "fewer"
    raise LoadError(
        f"log {where(path)}: line {n}: {how} fields than the header's {expected} "
        f"({', '.join(head.names)}): {shown!r}; not valid CSV "
        f"(Expected {expected} fields in line {n}, saw {actual})"
    )


def _drop_open_quote(df: pd.DataFrame, *, path: Path, head: Head, lines: RowLines) -> pd.DataFrame:
    """Drop a last row cut inside a quoted field (``3.0,7,"0.5``, no line end):
    pyarrow would close the quote at the end of the file and keep the value."""
    if head.ends_with_newline or df.empty:
        return df
    with open(path, "rb") as fh:
        fh.seek(max(head.offset, head.size - HEAD_BYTES))
        tail = fh.read().rsplit(b"\n", 1)[-1]
    if tail.count(b'"') % 2 == 0:  # quoted values cannot span lines (pyarrow's default)
        return df
    warnings.warn(
        f"log {where(path)}: line {lines(len(df) - 1)}: the last line is cut short (a quoted "
        "field not closed, no line end: the file was being written); dropped",
        stacklevel=4,
    )
    return df.iloc[:-1]


def _drop_cut_number(df: pd.DataFrame, *, path: Path, head: Head, lines: RowLines) -> pd.DataFrame:
    """Drop a last row cut mid-number (``0.1e``) when the file has no final line end."""
    if head.ends_with_newline or len(df) < 2:
        return df
    for name in df.columns:
        col = df[name]
        if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            continue
        last = col.iloc[-1]
        conv = coerce_numbers(col)
        rest_ok = conv.iloc[:-1].notna().sum() == col.iloc[:-1].notna().sum() > 0
        if rest_ok and pd.notna(last) and pd.isna(conv.iloc[-1]):
            warnings.warn(
                f"log {where(path)}: line {lines(len(df) - 1)}: the last line is cut short "
                f"({name!r} = {last!r}, no line end: the file was being written); dropped",
                stacklevel=4,
            )
            return df.iloc[:-1]
    return df


def read_csv_frame(
    path: Path, *, progress: Callable[[int], None] | None = None, expected: str = "a CSV log"
) -> tuple[pd.DataFrame, RowLines]:
    """The CSV ``path`` as a frame (columns named as in its header, stripped) and
    its row -> line map. Every problem is a :class:`LoadError` naming the file:
    empty file, repeated names, ragged rows (but for a cut last line, dropped
    with a warning), text that is not UTF-8. A header without rows gives an
    empty frame (the caller checks its columns first, then raises :func:`no_rows`).

    >>> from pathlib import Path
    >>> _ = Path("sb3.csv").write_text("Logging to /tmp/sb3\\n\\nstep,r\\n1,0.5\\n\\n2,0.7\\n")
    >>> df, lines = read_csv_frame(Path("sb3.csv"))
    >>> df.to_dict("list"), lines(0), lines(1)
    ({'step': [1, 2], 'r': [0.5, 0.7]}, 4, 6)
    """
    import pyarrow as pa

    head = find_head(path, expected=expected)
    names = check_header(head.names, path=path, line=head.line)
    if progress is not None:
        progress(head.offset)
    table = _read_table(path, head, progress)
    lines = RowLines(path, head)
    table = _nulls_as_float(table)
    if any(pa.types.is_binary(t) for t in table.schema.types):
        raise LoadError(f"log {where(path)}: {_bad_utf8(path)}; expected {expected}")
    df = table.to_pandas(split_blocks=True, self_destruct=True, memory_pool=arrow_pool())
    del table
    df.columns = pd.Index(names)
    df = _drop_unnamed(df, path=path, head=head)
    df = _drop_open_quote(df, path=path, head=head, lines=lines)
    df = _drop_cut_number(df, path=path, head=head, lines=lines)
    return df, lines


def no_rows(path: Path, lines: RowLines, expected: str = "a CSV log") -> LoadError:
    """The error for a CSV with a header and no data rows."""
    return LoadError(
        f"log {where(path)}: no rows (only the header, line {lines.head.line}); expected {expected}"
    )


def _drop_unnamed(df: pd.DataFrame, *, path: Path, head: Head) -> pd.DataFrame:
    """Columns with an empty header name: dropped if empty (a trailing comma) or a
    first column 0, 1, 2 ... (the index ``DataFrame.to_csv`` writes); else an error."""
    for i, name in enumerate(list(df.columns)):
        if name != "":
            continue
        col = df.iloc[:, i]
        index = np.arange(len(df))
        if i == 0 and pd.api.types.is_integer_dtype(col) and (col.to_numpy() == index).all():
            continue  # the index pandas' to_csv writes by default: not a metric
        if col.notna().any():
            raise LoadError(
                f"log {where(path)}: line {head.line}: column {i + 1} has no name in the "
                "header but holds values; name it"
            )
    return df.loc[:, [c != "" for c in df.columns]]


def _bad_utf8(path: Path) -> str:
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return f"not UTF-8 text (line {lineno}: {exc.reason})"
    return "not UTF-8 text"
