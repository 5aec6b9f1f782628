"""Shared pieces of the log loaders (private): the tidy frame and its checks."""

from __future__ import annotations

import os
import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from vegafigs.errors import LoadError

#: Columns of every loaded frame, in order.
TIDY = ("run", "step", "metric", "value")
#: Step column names recognised in wide logs, in order of preference.
STEP_NAMES = ("step", "global_step", "_step", "Step", "iteration", "iter", "epoch", "timestep")
#: Columns of wide logs that are bookkeeping, not metrics.
NOT_METRICS = frozenset({"run", "_runtime", "_timestamp", "timestamp", "wall_time", "time"})
#: Integer columns with these names identify a run (kept as id columns, not drawn as metrics).
ID_NAME = re.compile(r"(?:^|[_/ .-])(?:seed|trial|worker|rank|replicate|rep|fold|run_id|env_id)"
                     r"(?:[_ -]?(?:id|idx|index|no|num))?$", re.I)  # fmt: skip
#: Text columns that are bookkeeping (never identifiers): dates, hosts, paths, free notes.
TEXT_BOOKKEEPING = frozenset(
    {"date", "datetime", "time", "timestamp", "hostname", "host", "node_ip", "ip", "logdir",
     "path", "note", "notes", "comment", "message", "msg", "experiment_tag", "trial_id",
     "experiment_id", "pid", "_runtime", "_timestamp", "wall_time"}
)  # fmt: skip


def where(path: str | os.PathLike[str]) -> str:
    return repr(str(path))


def open_check(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, or a :class:`LoadError` if it is not a readable file."""
    p = Path(path)
    if not p.exists():
        raise LoadError(f"log {where(p)}: no such file")
    if p.is_dir():
        raise LoadError(f"log {where(p)}: is a folder; expected a log file")
    return p


@contextmanager
def csv_errors(path: Path, *, expected: str) -> Iterator[None]:
    """Turn pandas' CSV reading errors into a :class:`LoadError` naming the file."""
    try:
        yield
    except pd.errors.EmptyDataError as exc:
        raise LoadError(f"log {where(path)}: empty file") from exc
    except pd.errors.ParserError as exc:
        raise LoadError(f"log {where(path)}: not valid CSV ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"log {where(path)}: not UTF-8 text ({exc.reason}); expected {expected}"
        ) from exc


def check_fields(chunk: pd.DataFrame, *, path: Path, first_line: int = 2) -> None:
    """:class:`LoadError` if pandas took extra leading fields of a row as an index.

    ``read_csv`` silently shifts every column when the first data row has more
    fields than the header (the extras become the index): a malformed file.
    """
    if not isinstance(chunk.index, pd.RangeIndex):
        raise LoadError(
            f"log {where(path)}: line {first_line}: more fields than the header's "
            f"{len(chunk.columns)} ({', '.join(map(str, chunk.columns))}); not a well-formed CSV"
        )


def find_step(columns: Sequence[str], step: str | None, *, path: Path) -> str:
    """The step column: ``step`` if given (checked) else the first known name present."""
    if step is not None:
        if step not in columns:
            raise LoadError(f"log {where(path)}: no step column {step!r}; columns: {list(columns)}")
        return step
    for name in STEP_NAMES:
        if name in columns:
            return name
    raise LoadError(
        f"log {where(path)}: no step column (looked for {', '.join(STEP_NAMES)}); "
        f"columns: {list(columns)}; pass step=... / --x"
    )


def numeric_or_error(
    values: pd.Series, *, path: Path, column: str, line_offset: int = 2
) -> np.ndarray:
    """``values`` as float; a non-numeric entry raises naming the file, column and line."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float, na_value=np.nan)
    conv = pd.to_numeric(values, errors="coerce")
    bad = conv.isna() & values.notna() & (values.astype(str).str.strip() != "")
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise LoadError(
            f"log {where(path)}: line {pos + line_offset}, column {column!r}: "
            f"expected a number, got {values.iloc[pos]!r}"
        )
    return conv.to_numpy(dtype=float, na_value=np.nan)


def tidy_from_wide(
    df: pd.DataFrame,
    *,
    path: Path,
    run: str,
    step: str | None,
    line_offset: int = 2,
    metrics: Sequence[str] | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A wide log (one column per metric) -> tidy rows; NaN cells (not logged) dropped.

    Identifier columns (``ids``, text columns such as ``env`` / ``method`` and
    integer columns named like ``seed`` / ``trial`` / ``worker``) are kept as
    columns of every row (listed in ``attrs["ids"]``), not drawn as metrics.
    """
    step_col = find_step(list(df.columns), step, path=path)
    steps = numeric_or_error(df[step_col], path=path, column=step_col, line_offset=line_offset)
    runs = df["run"].astype(str).to_numpy() if "run" in df.columns else np.full(len(df), run)
    id_cols, text = id_columns(df, exclude={step_col, "run"}, given=ids, path=path)
    names = [c for c in df.columns if c not in {step_col, *id_cols} and c not in NOT_METRICS]
    if metrics is not None:
        missing = [m for m in metrics if m not in names]
        if missing:
            raise LoadError(f"log {where(path)}: no metric column(s) {missing}; has {names}")
        names = list(metrics)
    keep = {c: df[c].to_numpy() for c in id_cols}
    frames = []
    for name in names:
        col = df[name]
        if not (pd.api.types.is_numeric_dtype(col) or col.dtype == object or col.dtype == "str"):
            continue
        if metrics is None and not pd.api.types.is_numeric_dtype(col):
            # Text columns (e.g. a run note) are not metrics unless asked for.
            conv = pd.to_numeric(col, errors="coerce")
            if conv.notna().sum() == 0:
                continue
        vals = numeric_or_error(col, path=path, column=str(name), line_offset=line_offset)
        frames.append(
            pd.DataFrame({"run": runs, "step": steps, "metric": str(name), "value": vals, **keep})
        )
    if not frames:
        raise LoadError(f"log {where(path)}: no numeric metric columns besides {step_col!r}")
    out = pd.concat(frames, ignore_index=True)
    out = finish(out, path=path, ids=id_cols)
    groups = grouping_candidates(df, [runs, *keep.values(), steps], exclude={step_col, *id_cols})
    out.attrs.update(x=step_col, ids=list(id_cols), text=text, candidates=groups)
    return out


#: A column with at most this many distinct values may be a grouping column (``seed``).
FEW_VALUES = 64


def grouping_candidates(
    df: pd.DataFrame, keys: Sequence[np.ndarray], *, exclude: set[str]
) -> list[str]:
    """Columns of a table that tell apart its rows repeating a (run, ids, step) key.

    Only looked for when a key repeats: text columns and columns of a few distinct
    integers (``seed`` 0..9 read as a metric) with which no key repeats any more.
    """
    steps = np.asarray(keys[-1], dtype=float)
    if (
        steps.size < 2
        or np.all(steps[1:] > steps[:-1])
        or not _repeats([pd.Series(k) for k in keys])
    ):
        return []  # (increasing steps, the usual log: nothing repeats)
    out = []
    for c in df.columns:
        if c in exclude:
            continue
        col = df[c]
        if not (_is_text(col) or _few_integers(col)):
            continue
        if not _repeats([*(pd.Series(k) for k in keys), col.reset_index(drop=True)]):
            out.append(str(c))
    return out


def _repeats(columns: Sequence[pd.Series]) -> bool:
    frame = pd.concat(list(columns), axis=1, ignore_index=True)
    return bool(frame.duplicated().any())


def _few_integers(col: pd.Series) -> bool:
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        return False
    v = col.to_numpy(dtype=float, na_value=np.nan)
    v = v[~np.isnan(v)]
    return bool(v.size and np.all(v == np.round(v)) and 2 <= np.unique(v).size <= FEW_VALUES)


def id_columns(
    df: pd.DataFrame, *, exclude: set[str], given: Sequence[str] | None, path: Path
) -> tuple[list[str], list[str]]:
    """``(identifier columns, other text columns)`` of a table.

    Identifiers: the ``given`` names (each must be a column), text / categorical
    columns that repeat values (not one distinct value per row, not bookkeeping
    such as ``date`` or ``hostname``) and integer columns named like ``seed``.
    """
    columns = [str(c) for c in df.columns]
    missing = [c for c in (given or ()) if c not in columns and c != "run"]
    if missing:
        raise LoadError(
            f"log {where(path)}: no column(s) {missing} to keep as ids; columns: {columns}"
        )
    ids = [c for c in (given or ()) if c != "run"]
    text = []
    for c in columns:
        if c in exclude or c in ids or c in {"metric", "value"}:
            continue
        col = df[c]
        if _is_text(col):
            distinct = col.nunique(dropna=True)
            per_row = len(col) > 2 and distinct == col.notna().sum()
            if c.lower() in TEXT_BOOKKEEPING or per_row or distinct == 0:
                text.append(c)
            else:
                ids.append(c)
        elif _is_integer(col) and ID_NAME.search(c):
            ids.append(c)
    return ids, text


def _is_integer(col: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _is_text(col: pd.Series) -> bool:
    if isinstance(col.dtype, pd.CategoricalDtype):
        return True
    if col.dtype == object or pd.api.types.is_string_dtype(col):
        # Text when every value is a string and none is a number (a number among
        # words is a bad metric cell; dicts / lists are not identifiers).
        if pd.api.types.infer_dtype(col, skipna=True) not in ("string", "empty"):
            return False
        conv = pd.to_numeric(col.dropna(), errors="coerce")
        return bool(conv.notna().sum() == 0)
    return False


def tidy_from_long(
    df: pd.DataFrame,
    *,
    path: Path,
    run: str,
    step: str | None,
    line_offset: int = 2,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A long log (columns step, metric, value[, run], identifier columns) -> the tidy frame."""
    step_col = find_step(list(df.columns), step, path=path)
    id_cols, text = id_columns(df, exclude={step_col, "run"}, given=ids, path=path)
    out = pd.DataFrame(
        {
            "run": df["run"].astype(str).to_numpy() if "run" in df.columns else run,
            "step": numeric_or_error(
                df[step_col], path=path, column=step_col, line_offset=line_offset
            ),
            "metric": df["metric"].astype(str).to_numpy(),
            "value": numeric_or_error(
                df["value"], path=path, column="value", line_offset=line_offset
            ),
            **{c: df[c].to_numpy() for c in id_cols},
        }
    )
    out = finish(out, path=path, ids=id_cols)
    out.attrs.update(x=step_col, ids=list(id_cols), text=text)
    return out


def is_long(columns: Iterable[Hashable]) -> bool:
    return "metric" in columns and "value" in columns


def finish(df: pd.DataFrame, *, path: Path | None = None, ids: Sequence[str] = ()) -> pd.DataFrame:
    """Drop rows without a step or value; integral steps become int64; sort.

    A NaN value (or an empty cell) means "not logged at this step" and is dropped
    silently, as is a row without a finite step; ±inf values are kept (a logged
    divergence): the figures drop them with a warning giving the count.
    """
    out = df[np.isfinite(df["step"].to_numpy(dtype=float))]
    out = out[out["value"].notna()].copy()
    steps = out["step"].to_numpy(dtype=float)
    if steps.size and np.all(steps == np.round(steps)):
        out["step"] = steps.astype(np.int64)
    out["run"] = out["run"].astype(str)
    out["metric"] = out["metric"].astype(str)
    out["value"] = out["value"].astype(float)
    extra = [c for c in out.columns if c not in TIDY]
    out = out[[*TIDY, *extra]]
    if out.empty and path is not None:
        raise LoadError(f"log {where(path)}: no logged values")
    order = ["run", "metric", *ids, "step"]
    return out.sort_values(order, kind="mergesort").reset_index(drop=True)


def merge_runs(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate loaded frames; rows of one run from several files / workers merge by step.

    Where several files log the same (run, metric, step), their values are averaged
    (e.g. per-worker rewards of one data-parallel step).
    """
    if not frames:
        raise LoadError("logs: nothing to load")
    df = pd.concat(frames, ignore_index=True)
    keys = ["run", "metric", "step"]
    if df.duplicated(keys).any():
        agg = {c: "mean" for c in df.columns if c not in keys}
        df = df.groupby(keys, sort=True, as_index=False).agg(agg)
    return finish(df)
