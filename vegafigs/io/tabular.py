"""CSV, JSON Lines and Parquet logs, wide (one column per metric) or long (metric, value)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence

import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import (
    check_fields,
    csv_errors,
    is_long,
    open_check,
    tidy_from_long,
    tidy_from_wide,
    where,
)

Progress = Callable[[int], None]


def load_csv(
    path: str | os.PathLike[str],
    *,
    run: str | None = None,
    step: str | None = None,
    progress: Progress | None = None,
    chunk_rows: int = 250_000,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A CSV log -> tidy ``run, step, metric, value`` (wide or long layout detected).

    Wide: a step column (``step``, ``global_step``, ``_step`` …) and one column per
    metric; empty cells mean "not logged at this step". Long: columns ``step``,
    ``metric``, ``value``. A ``run`` column names runs; otherwise ``run`` (default
    the file stem). ``progress(n_bytes)`` is called as the file is read.
    Empty / NaN cells and rows without a step are dropped (not logged); ±inf
    values are kept; a repeated step is kept (:func:`vegafigs.io.load` averages
    it). Not UTF-8, ragged rows or a non-numeric value raise
    :class:`~vegafigs.LoadError` naming the file (and line / column).

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
    chunks: list[pd.DataFrame] = []
    with csv_errors(p, expected="a CSV log"), open(p, "rb") as fh:
        reader = pd.read_csv(fh, chunksize=chunk_rows, skipinitialspace=True)
        last = 0
        for chunk in reader:
            if not chunks:
                check_fields(chunk, path=p)
            chunks.append(chunk)
            if progress is not None:
                pos = fh.tell()
                progress(pos - last)
                last = pos
    if not chunks:
        raise LoadError(f"log {where(p)}: empty file")
    df = pd.concat(chunks, ignore_index=True)
    df.columns = pd.Index([str(c).strip() for c in df.columns])
    if is_long(df.columns):
        return tidy_from_long(df, path=p, run=name, step=step, ids=ids)
    return tidy_from_wide(df, path=p, run=name, step=step, ids=ids)


def load_jsonl(
    path: str | os.PathLike[str],
    *,
    run: str | None = None,
    step: str | None = None,
    progress: Progress | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A JSON Lines log (one JSON object per line, wide or long) -> the tidy frame.

    Blank lines are skipped; a line that is not a JSON object raises
    :class:`LoadError` naming the file and line. ``null`` / ``NaN`` values and
    records without a step are dropped (not logged); ``Infinity`` is kept.

    >>> from pathlib import Path
    >>> lines = ['{"step": 0, "loss": 1.0}', "", '{"step": 5, "loss": null}']
    >>> _ = Path("metrics.jsonl").write_text("\\n".join(lines))
    >>> load_jsonl("metrics.jsonl", run="baseline")
            run  step metric  value
    0  baseline     0   loss    1.0
    """
    p = open_check(path)
    name = run if run is not None else p.stem
    records = []
    lines = []
    try:
        with open(p, encoding="utf-8") as fh:
            for lineno, text in enumerate(fh, start=1):
                if progress is not None:
                    progress(len(text.encode("utf-8")))
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise LoadError(
                        f"log {where(p)}: line {lineno}: not valid JSON ({exc.msg}, "
                        f"column {exc.colno})"
                    ) from exc
                if not isinstance(obj, dict):
                    raise LoadError(
                        f"log {where(p)}: line {lineno}: expected a JSON object, "
                        f"got {type(obj).__name__}"
                    )
                records.append(obj)
                lines.append(lineno)
    except UnicodeDecodeError as exc:
        raise LoadError(f"log {where(p)}: not UTF-8 text ({exc.reason})") from exc
    if not records:
        raise LoadError(f"log {where(p)}: no JSON records")
    df = pd.DataFrame.from_records(records)
    df.columns = pd.Index([str(c) for c in df.columns])
    # Line numbers of records for error messages: map row i -> lines[i].
    offset_df = df.copy()
    try:
        if is_long(df.columns):
            return tidy_from_long(offset_df, path=p, run=name, step=step, line_offset=1, ids=ids)
        return tidy_from_wide(offset_df, path=p, run=name, step=step, line_offset=1, ids=ids)
    except LoadError as exc:
        raise LoadError(_renumber(str(exc), lines)) from exc


def _renumber(message: str, lines: list[int]) -> str:
    """Rewrite "line N" (row N-1 of the records) to the file's real line number."""
    import re

    def sub(m: re.Match[str]) -> str:
        row = int(m.group(1)) - 1
        return f"line {lines[row]}" if 0 <= row < len(lines) else m.group(0)

    return re.sub(r"line (\d+)", sub, message, count=1)


def load_parquet(
    path: str | os.PathLike[str],
    *,
    run: str | None = None,
    step: str | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A Parquet log (wide or long) -> the tidy frame. Needs ``pyarrow`` (extra ``parquet``).

    NaN values and rows without a step are dropped (not logged); ±inf is kept.

    >>> import pandas as pd
    >>> pd.DataFrame({"step": [0, 10], "loss": [1.0, 0.5]}).to_parquet("run.parquet")
    >>> load_parquet("run.parquet")
       run  step metric  value
    0  run     0   loss    1.0
    1  run    10   loss    0.5
    """
    p = open_check(path)
    name = run if run is not None else p.stem
    try:
        df = pd.read_parquet(p)
    except ImportError as exc:
        raise LoadError(
            f"log {where(p)}: reading Parquet needs pyarrow (pip install 'vegafigs[parquet]')"
        ) from exc
    except Exception as exc:  # pyarrow raises its own error types
        raise LoadError(f"log {where(p)}: not a readable Parquet file ({exc})") from exc
    df.columns = pd.Index([str(c) for c in df.columns])
    if is_long(df.columns):
        return tidy_from_long(df, path=p, run=name, step=step, line_offset=0, ids=ids)
    return tidy_from_wide(df, path=p, run=name, step=step, line_offset=0, ids=ids)
