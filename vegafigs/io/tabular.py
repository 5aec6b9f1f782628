"""CSV, JSON Lines and Parquet logs, wide (one column per metric) or long (metric, value)."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import (
    check_header,
    find_step,
    is_long,
    open_check,
    tidy_from_long,
    tidy_from_wide,
    where,
)
from vegafigs.io._csv import no_rows, read_csv_frame

Progress = Callable[[int], None]


def load_csv(
    path: str | os.PathLike[str],
    *,
    run: str | None = None,
    step: str | None = None,
    progress: Progress | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A CSV log -> tidy ``run, step, metric, value`` (wide or long layout detected).

    Wide: a step column (``step``, ``global_step``, ``_step`` …) and one column per
    metric; empty cells mean "not logged at this step". Long: columns ``step``,
    ``metric``, ``value``. A ``run`` column names runs.

    Read with pyarrow's columnar reader: the header may follow ``#`` comment
    lines, text lines (e.g. ``Logging to ...``) or blank lines; a last line cut
    short (training killed mid-write) is dropped with a warning. Empty / NaN
    cells and rows without a step are dropped (not logged); ±inf values are
    kept; ``True``/``False`` are 1/0; a repeated step is kept
    (:func:`vegafigs.io.load` decides). Not UTF-8, ragged rows, repeated column
    names, steps beyond int64 or a non-numeric value raise
    :class:`~vegafigs.LoadError` naming the file (and line / column).

    Parameters
    ----------
    path : str or os.PathLike
        The CSV log (a regular file).
    run : str, optional
        The run name of every row when the file has no ``run`` column (default
        ``None``: the file stem). A ``run`` column, if present, names the runs
        instead.
    step : str, optional
        The step column; default ``None``: the first of ``step``,
        ``global_step``, ``_step``, ``Step``, ``iteration``, ``iter``, ``epoch``,
        ``timestep`` present. Recorded in ``df.attrs["x"]``.
    progress : callable, optional
        Called as ``progress(n_bytes)`` with the bytes read since the last call
        while the file is read (e.g. a tqdm bar's ``update``); default ``None``.
    ids : sequence of str, optional
        Columns kept as identifier columns (after ``value``, listed in
        ``df.attrs["ids"]``) besides the automatic ones (text columns such as
        ``env`` / ``method``, integer columns named like ``seed``); each must be
        a column of the file. Default ``None``: only the automatic ones.

    Returns
    -------
    pandas.DataFrame
        The tidy frame ``run, step, metric, value[, ids...]``, sorted by run,
        metric, ids, step; ``df.attrs`` records ``"x"`` (the step column),
        ``"ids"`` and ``"text"`` (text columns that are not identifiers).

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("run1.csv").write_text("step,loss,acc\\n0,1.0,0.1\\n10,0.5,\\n")
    >>> load_csv("run1.csv")
        run  step metric  value
    0  run1     0    acc    0.1
    1  run1     0   loss    1.0
    2  run1    10   loss    0.5
    """
    p = open_check(path)
    name = run if run is not None else p.stem
    df, lines = read_csv_frame(p, progress=progress)
    if df.empty:
        find_step(list(df.columns), step, path=p)  # a header that is not one says so first
        raise no_rows(p, lines)
    if is_long(df.columns):
        return tidy_from_long(df, path=p, run=name, step=step, line_offset=lines, ids=ids)
    return tidy_from_wide(df, path=p, run=name, step=step, line_offset=lines, release=True, ids=ids)


def load_jsonl(
    path: str | os.PathLike[str],
    *,
    run: str | None = None,
    step: str | None = None,
    progress: Progress | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A JSON Lines log (one JSON object per line, wide or long) -> the tidy frame.

    Blank lines are skipped; a line that is not a JSON object, holds a key twice
    or nests too deeply raises :class:`~vegafigs.LoadError` naming the file and
    line (a last line cut short, without a line end, is dropped with a warning).
    ``null`` / ``NaN`` values and records without a step are dropped (not
    logged); ``Infinity`` is kept; ``true`` / ``false`` are 1 / 0. Wide and long
    layouts, ``run`` and identifier columns are read as by
    :func:`~vegafigs.io.load_csv`.

    Parameters
    ----------
    path : str or os.PathLike
        The JSON Lines log (a regular file).
    run : str, optional
        The run name of every row when the file has no ``run`` key (default
        ``None``: the file stem). A ``run`` key, if present, names the runs
        instead.
    step : str, optional
        The step key; default ``None``: the first of ``step``,
        ``global_step``, ``_step``, ``Step``, ``iteration``, ``iter``, ``epoch``,
        ``timestep`` present. Recorded in ``df.attrs["x"]``.
    progress : callable, optional
        Called as ``progress(n_bytes)`` with the bytes read since the last call
        (e.g. a tqdm bar's ``update``); default ``None``.
    ids : sequence of str, optional
        Columns kept as identifier columns (after ``value``, listed in
        ``df.attrs["ids"]``) besides the automatic ones (text columns such as
        ``env`` / ``method``, integer columns named like ``seed``); each must be
        a key of the records. Default ``None``: only the automatic ones.

    Returns
    -------
    pandas.DataFrame
        The tidy frame ``run, step, metric, value[, ids...]``, sorted by run,
        metric, ids, step; ``df.attrs`` records ``"x"`` (the step column),
        ``"ids"`` and ``"text"`` (text columns that are not identifiers).

    Examples
    --------
    >>> from pathlib import Path
    >>> lines = ['{"step": 0, "loss": 1.0}', "", '{"step": 5, "loss": null}']
    >>> _ = Path("metrics.jsonl").write_text("\\n".join(lines))
    >>> load_jsonl("metrics.jsonl", run="baseline")
            run  step metric  value
    0  baseline     0   loss    1.0
    """
    p = open_check(path)
    name = run if run is not None else p.stem
    fast = _jsonl_arrow(p)
    if fast is None:  # anything pyarrow refuses is read line by line, for a precise message
        fast = _jsonl_python(p, progress)
    elif progress is not None:
        progress(p.stat().st_size)
    df, line_of = fast
    df.columns = pd.Index(check_header(list(df.columns), path=p, line=None))
    if is_long(df.columns):
        return tidy_from_long(df, path=p, run=name, step=step, line_offset=line_of, ids=ids)
    return tidy_from_wide(df, path=p, run=name, step=step, line_offset=line_of, ids=ids)


#: pyarrow's JSON reader recurses per nesting level (and crashes at some ten thousand
#: levels); files with more opening brackets on one line are read by Python's json.
ARROW_JSON_MAX_OPENS = 1000


def _shallow(p: Path, limit: int = ARROW_JSON_MAX_OPENS) -> bool:
    """No line of ``p`` holds more than ``limit`` opening brackets (``[`` / ``{``)."""
    import numpy as np

    carry = 0
    with open(p, "rb") as fh:
        while chunk := fh.read(1 << 24):
            a = np.frombuffer(chunk, dtype=np.uint8)
            opens = np.flatnonzero((a == ord("[")) | (a == ord("{")))
            nl = np.flatnonzero(a == ord("\n"))
            before = np.searchsorted(opens, nl)  # opening brackets before each line end
            per_line = np.diff(before, prepend=0)
            if per_line.size:
                per_line[0] += carry
                if per_line.max() > limit:
                    return False
                carry = 0
            carry += int(opens.size - (before[-1] if before.size else 0))
            if carry > limit:
                return False
    return carry <= limit


def _jsonl_arrow(p: Path) -> tuple[pd.DataFrame, Callable[[int], int]] | None:
    """The JSON Lines file ``p`` read by pyarrow (fast), or None when pyarrow refuses
    it (bad JSON, a key twice, types changing between blocks, ``NaN`` tokens, ...)."""
    import pyarrow as pa
    import pyarrow.json as pajson

    from vegafigs.io._csv import BLOCK_BYTES, arrow_pool

    if p.stat().st_size == 0 or not _shallow(p):
        return None
    try:
        table = pajson.read_json(
            p, read_options=pajson.ReadOptions(block_size=BLOCK_BYTES), memory_pool=arrow_pool()
        )
        if table.num_rows == 0:
            return None
        df = table.to_pandas(split_blocks=True, self_destruct=True)
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    lines: list[int] = []

    def line_of(row: int) -> int:
        if not lines:  # counted only when a message needs it
            with open(p, "rb") as fh:
                lines.extend(i for i, raw in enumerate(fh, start=1) if raw.strip())
        return lines[row] if 0 <= row < len(lines) else row + 1

    return df, line_of


def _jsonl_python(p: Path, progress: Progress | None) -> tuple[pd.DataFrame, Callable[[int], int]]:
    """The JSON Lines file ``p`` read line by line (every problem named by its line)."""
    records, lines = _json_records(p, progress)
    if not records:
        what = "empty file" if p.stat().st_size == 0 else "no JSON records (only blank lines)"
        raise LoadError(f"log {where(p)}: {what}; expected a JSON Lines log")

    def line_of(row: int) -> int:
        return lines[row] if 0 <= row < len(lines) else row + 1

    return pd.DataFrame.from_records(records), line_of


def json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` refusing a key given twice in one object."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _DuplicateKey(key)
    return out


class _DuplicateKey(Exception):
    pass


def parse_json(text: str, *, path: Path, line: int | None = None) -> Any:
    """``json.loads(text)``; any failure is a :class:`LoadError` naming ``path`` (and ``line``)."""
    at = f"line {line}: " if line is not None else ""
    try:
        return json.loads(text, object_pairs_hook=json_pairs)
    except json.JSONDecodeError as exc:
        if line is None:
            msg = f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        else:
            msg = f"not valid JSON ({exc.msg}, column {exc.colno})"
        raise LoadError(f"log {where(path)}: {at}{msg}") from exc
    except RecursionError as exc:
        at = at or f"line {_deep_line(text)}: "
        raise LoadError(
            f"log {where(path)}: {at}JSON nested too deeply to read (lists / objects inside "
            "each other thousands of levels deep); not a training log"
        ) from exc
    except _DuplicateKey as exc:
        raise LoadError(
            f"log {where(path)}: {at}key {exc.args[0]!r} appears twice in one JSON object; "
            "which value is meant is unclear"
        ) from exc


def _deep_line(text: str, limit: int = 500) -> int:
    """The line where brackets first nest ``limit`` deep (brackets in strings counted too)."""
    import numpy as np

    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    opens = (raw == ord("[")) | (raw == ord("{"))
    closes = (raw == ord("]")) | (raw == ord("}"))
    depth = np.cumsum(opens.astype(np.int64) - closes)
    deep = np.flatnonzero(depth >= limit)
    pos = int(deep[0]) if deep.size else 0
    return int((raw[:pos] == ord("\n")).sum()) + 1


def _json_records(p: Path, progress: Progress | None) -> tuple[list[dict], list[int]]:
    """The JSON objects of the lines of ``p`` and their line numbers."""
    records: list[dict] = []
    lines: list[int] = []
    try:
        with open(p, encoding="utf-8") as fh:
            for lineno, text in enumerate(fh, start=1):
                if progress is not None:
                    progress(len(text.encode("utf-8")))
                if not text.strip():
                    continue
                try:
                    obj = parse_json(text.rstrip("\r\n"), path=p, line=lineno)
                except LoadError:
                    if text.endswith("\n") or not records:  # only a last line lacks "\\n"
                        raise
                    warnings.warn(
                        f"log {where(p)}: line {lineno}: the last line is cut short (not valid "
                        "JSON, no line end: the file was being written); dropped",
                        stacklevel=3,
                    )
                    break
                if not isinstance(obj, dict):
                    raise LoadError(
                        f"log {where(p)}: line {lineno}: expected a JSON object, "
                        f"got {type(obj).__name__}"
                    )
                records.append(obj)
                lines.append(lineno)
    except UnicodeDecodeError as exc:
        raise LoadError(f"log {where(p)}: not UTF-8 text ({exc.reason})") from exc
    return records, lines


def load_parquet(
    path: str | os.PathLike[str],
    *,
    run: str | None = None,
    step: str | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A Parquet log (wide or long) -> the tidy frame (read with pyarrow).

    NaN values and rows without a step are dropped (not logged); ±inf is kept;
    booleans are 1 / 0. Wide and long layouts, ``run`` and identifier columns
    are read as by :func:`~vegafigs.io.load_csv`. Repeated column names, a file
    that is not Parquet or has no rows raise :class:`~vegafigs.LoadError`.

    Parameters
    ----------
    path : str or os.PathLike
        The Parquet file (a regular file).
    run : str, optional
        The run name of every row when the file has no ``run`` column (default
        ``None``: the file stem). A ``run`` column, if present, names the runs
        instead.
    step : str, optional
        The step column; default ``None``: the first of ``step``,
        ``global_step``, ``_step``, ``Step``, ``iteration``, ``iter``, ``epoch``,
        ``timestep`` present. Recorded in ``df.attrs["x"]``.
    ids : sequence of str, optional
        Columns kept as identifier columns (after ``value``, listed in
        ``df.attrs["ids"]``) besides the automatic ones (text columns such as
        ``env`` / ``method``, integer columns named like ``seed``); each must be
        a column of the file. Default ``None``: only the automatic ones.

    Returns
    -------
    pandas.DataFrame
        The tidy frame ``run, step, metric, value[, ids...]``, sorted by run,
        metric, ids, step; ``df.attrs`` records ``"x"`` (the step column),
        ``"ids"`` and ``"text"`` (text columns that are not identifiers).

    Examples
    --------
    >>> import pandas as pd
    >>> pd.DataFrame({"step": [0, 10], "loss": [1.0, 0.5]}).to_parquet("run.parquet")
    >>> load_parquet("run.parquet")
       run  step metric  value
    0  run     0   loss    1.0
    1  run    10   loss    0.5
    """
    p = open_check(path)
    name = run if run is not None else p.stem
    import pyarrow.parquet as pq

    try:
        names = check_header(pq.read_schema(p).names, path=p, line=None)
        table = pq.read_table(p, memory_map=False)
    except LoadError:
        raise
    except Exception as exc:  # pyarrow raises its own error types
        raise LoadError(f"log {where(p)}: not a readable Parquet file ({exc})") from exc
    # A pandas index written as columns (``__index_level_0__``) is not a metric.
    index = [c for c in (table.schema.pandas_metadata or {}).get("index_columns", [])
             if isinstance(c, str) and c in table.column_names]  # fmt: skip
    if index:
        table = table.drop(index)
        names = [n for n in names if n not in index]
    if table.num_rows == 0:
        raise LoadError(f"log {where(p)}: no rows (columns {names})")
    df = table.rename_columns([f"c{i}" for i in range(len(names))]).to_pandas()
    df.columns = pd.Index(names)
    if is_long(df.columns):
        return tidy_from_long(df, path=p, run=name, step=step, line_offset=0, ids=ids)
    return tidy_from_wide(df, path=p, run=name, step=step, line_offset=0, ids=ids)
