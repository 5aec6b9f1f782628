"""Shared pieces of the log loaders (private): the tidy frame and its checks."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
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


def where(path: str | os.PathLike[str]) -> str:
    return repr(str(path))


#: A row's line in the file: ``row + offset`` (an int) or a function of the row.
LineOf = int | Callable[[int], int]


def line_of(line_offset: LineOf, row: int) -> int:
    """The file line of data row ``row`` (0-based) under ``line_offset``."""
    return line_offset(row) if callable(line_offset) else row + line_offset


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _os_problem(p: Path, exc: OSError) -> str:
    """What ``exc`` (from ``os.stat`` / ``open``) means for the log ``p``, in words."""
    if exc.errno == errno.ENOENT:
        if os.path.islink(p):
            return f"dangling symbolic link (it points to {os.readlink(p)!r}, which does not exist)"
        return "no such file"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (the link leads back to itself); expected a log file"
    if exc.errno == errno.EACCES:
        return "permission denied (cannot read it); check the file's permissions"
    if exc.errno == errno.ENOTDIR:
        return "no such file (a part of the path is a file, not a folder)"
    return f"cannot read ({exc.strerror or exc})"


def open_check(path: str | os.PathLike[str], *, folder_ok: bool = False) -> Path:
    """``path`` as a Path, or a :class:`LoadError` if it is not a readable regular file.

    Checked with ``os.stat`` before anything opens the file (opening a FIFO would
    block forever): missing files, dangling symlinks, symlink loops, folders
    (unless ``folder_ok``, e.g. a TensorBoard log folder), FIFOs, sockets and
    devices, and files that cannot be read (permission denied) raise a
    :class:`LoadError` naming the file and the problem.

    >>> open_check("no-such.csv")
    Traceback (most recent call last):
    ...
    vegafigs.errors.LoadError: log 'no-such.csv': no such file
    """
    p = Path(path)
    try:
        st = os.stat(p)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        problem = _os_problem(p, exc) if isinstance(exc, OSError) else "not a valid path"
        raise LoadError(f"log {where(p)}: {problem}") from exc
    if stat.S_ISDIR(st.st_mode):
        if folder_ok:
            return p
        raise LoadError(f"log {where(p)}: is a folder; expected a log file")
    for test, kind in _KINDS:
        if test(st.st_mode):
            raise LoadError(f"log {where(p)}: is {kind}, not a regular file; expected a log file")
    try:
        with open(p, "rb"):
            pass
    except OSError as exc:
        raise LoadError(f"log {where(p)}: {_os_problem(p, exc)}") from exc
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


def check_header(names: Sequence[object], *, path: Path, line: int | None = 1) -> list[str]:
    """The column names stripped of surrounding spaces; repeated names raise.

    Two columns whose names are equal (``step,loss,loss``) or equal but for
    spaces (``loss`` and ``loss ``) would be one metric logged twice (pandas
    silently renames the second ``loss.1``): a :class:`LoadError` naming both.

    >>> check_header(["step", " loss"], path=Path("a.csv"))
    ['step', 'loss']
    >>> check_header(["step", "loss", "loss "], path=Path("a.csv"))
    Traceback (most recent call last):
    ...
    vegafigs.errors.LoadError: log 'a.csv': line 1: columns 2 and 3 are both named 'loss' ...
    """
    raw = [str(n) for n in names]
    out = [n.strip() for n in raw]
    first: dict[str, int] = {}
    for i, name in enumerate(out):
        if name not in first:
            first[name] = i
            continue
        j = first[name]
        how = "" if raw[j] == raw[i] else f" ({raw[j]!r} and {raw[i]!r} differ only in spaces)"
        at = f"line {line}: " if line is not None else ""
        raise LoadError(
            f"log {where(path)}: {at}columns {j + 1} and {i + 1} are both named {name!r}{how}; "
            "rename one"
        )
    return out


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


_TRUTH = {"true": 1.0, "false": 0.0}


def coerce_numbers(values: pd.Series) -> pd.Series:
    """``values`` as float (NaN where not a number); booleans and "True"/"False" are 1/0.

    Booleans are 0/1 metrics in every format (e.g. ``is_success``): JSON
    ``true``/``false``, a bool column, or the strings ``True``/``False`` (any case).

    >>> coerce_numbers(pd.Series(["1.5", "True", "false", "x", None], dtype=object)).tolist()
    [1.5, 1.0, 0.0, nan, nan]
    """
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return pd.Series(values.to_numpy(dtype=float, na_value=np.nan), index=values.index)
    conv = pd.to_numeric(values, errors="coerce").astype(float)
    missed = conv.isna() & values.notna()
    if missed.any():
        text = values[missed].astype(str).str.strip().str.lower()
        flags = text.map(_TRUTH)
        conv[flags.index] = flags.to_numpy(dtype=float)
    return conv


def numeric_or_error(
    values: pd.Series, *, path: Path, column: str, line_offset: LineOf = 2
) -> np.ndarray:
    """``values`` as float; a non-numeric entry raises naming the file, column and line.

    ``line_offset`` maps row ``i`` to its file line: ``i + line_offset``, or a
    function of ``i``. Booleans are 0/1 (see :func:`coerce_numbers`).
    """
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return values.to_numpy(dtype=float, na_value=np.nan)
    conv = coerce_numbers(values)
    bad = conv.isna() & values.notna() & (values.astype(str).str.strip() != "")
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise LoadError(
            f"log {where(path)}: line {line_of(line_offset, pos)}, column {column!r}: "
            f"expected a number, got {values.iloc[pos]!r}"
        )
    return conv.to_numpy(dtype=float, na_value=np.nan)


#: Steps at or beyond 2**63 do not fit the int64 step column.
_INT64_LIMIT = float(2**63)


def step_or_error(
    values: pd.Series, *, path: Path, column: str, line_offset: LineOf = 2
) -> np.ndarray:
    """The step column as int64 (integers kept exact) or float, checked.

    A non-number raises as in :func:`numeric_or_error`; so do a boolean step
    column and a step beyond the int64 range (``1e30``, ``99999999999999999999``),
    which no integer step column can hold exactly. Missing steps are NaN.

    >>> step_or_error(pd.Series([0, 2**62]), path=Path("a.csv"), column="step").tolist()
    [0, 4611686018427387904]
    >>> step_or_error(pd.Series([0.0, 1e30]), path=Path("a.csv"), column="step")
    Traceback (most recent call last):
    ...
    vegafigs.errors.LoadError: log 'a.csv': line 3, column 'step': step 1e+30 is beyond ...
    """
    if pd.api.types.is_bool_dtype(values):
        raise LoadError(
            f"log {where(path)}: column {column!r}: true/false values; expected step numbers"
        )
    if pd.api.types.is_integer_dtype(values) and not values.hasnans:
        return values.to_numpy(dtype=np.int64)
    steps = numeric_or_error(values, path=path, column=column, line_offset=line_offset)
    with np.errstate(invalid="ignore"):
        big = np.isfinite(steps) & (np.abs(steps) >= _INT64_LIMIT)
    if big.any():
        pos = int(np.flatnonzero(big)[0])
        raise LoadError(
            f"log {where(path)}: line {line_of(line_offset, pos)}, column {column!r}: "
            f"step {values.iloc[pos]} is beyond the int64 range (about ±9.2e18); "
            "expected a step count"
        )
    return steps


def tidy_from_wide(
    df: pd.DataFrame,
    *,
    path: Path,
    run: str,
    step: str | None,
    line_offset: LineOf = 2,
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A wide log (one column per metric) -> tidy rows; NaN cells (not logged) dropped."""
    step_col = find_step(list(df.columns), step, path=path)
    steps = step_or_error(df[step_col], path=path, column=step_col, line_offset=line_offset)
    if "run" in df.columns:
        run_codes, run_names = _codes(df["run"])
    else:
        run_codes, run_names = np.zeros(len(df), dtype=np.intp), [run]
    names = [c for c in df.columns if c != step_col and c not in NOT_METRICS]
    if metrics is not None:
        missing = [m for m in metrics if m not in names]
        if missing:
            raise LoadError(f"log {where(path)}: no metric column(s) {missing}; has {names}")
        names = list(metrics)
    parts = []
    for name in names:
        col = df[name]
        if not (pd.api.types.is_numeric_dtype(col) or col.dtype == object or col.dtype == "str"):
            continue
        # Text columns (e.g. a run note) are not metrics unless asked for.
        text = metrics is None and not pd.api.types.is_numeric_dtype(col)
        if text and coerce_numbers(col).notna().sum() == 0:
            continue
        vals = numeric_or_error(col, path=path, column=str(name), line_offset=line_offset)
        parts.append((str(name), vals))
    if not parts:
        raise LoadError(f"log {where(path)}: no numeric metric columns besides {step_col!r}")
    return finish(_stack(parts, steps, run_codes, run_names), path=path)


def _stack(
    parts: Sequence[tuple[str, np.ndarray]],
    steps: np.ndarray,
    run_codes: np.ndarray,
    run_names: Sequence[str],
) -> pd.DataFrame:
    """Metric columns ``(name, values)`` sharing ``steps`` -> long rows (NaN values dropped).

    ``run`` and ``metric`` are categoricals (sorted categories) so that
    :func:`finish` sorts by integer codes instead of strings.
    """
    metric_names = sorted({name for name, _ in parts})
    code = {name: i for i, name in enumerate(metric_names)}
    step_l, value_l, run_l, metric_l = [], [], [], []
    for name, vals in parts:
        keep = ~np.isnan(vals)
        n = int(keep.sum())
        step_l.append(steps[keep])
        value_l.append(vals[keep])
        run_l.append(run_codes[keep])
        metric_l.append(np.full(n, code[name], dtype=np.intp))
    return pd.DataFrame(
        {
            "run": pd.Categorical.from_codes(np.concatenate(run_l), categories=run_names),
            "step": np.concatenate(step_l),
            "metric": pd.Categorical.from_codes(np.concatenate(metric_l), categories=metric_names),
            "value": np.concatenate(value_l),
        }
    )


def tidy_from_long(
    df: pd.DataFrame, *, path: Path, run: str, step: str | None, line_offset: LineOf = 2
) -> pd.DataFrame:
    """A long log (columns step, metric, value[, run]) -> the tidy frame."""
    step_col = find_step(list(df.columns), step, path=path)
    out = pd.DataFrame(
        {
            "run": df["run"].astype(str).to_numpy() if "run" in df.columns else run,
            "step": step_or_error(
                df[step_col], path=path, column=step_col, line_offset=line_offset
            ),
            "metric": df["metric"].astype(str).to_numpy(),
            "value": numeric_or_error(
                df["value"], path=path, column="value", line_offset=line_offset
            ),
        }
    )
    return finish(out, path=path)


def is_long(columns: Iterable[Hashable]) -> bool:
    return "metric" in columns and "value" in columns


#: The dtype ``Series.astype(str)`` gives here (object before pandas 3, "str" from 3).
_STR = pd.Series(["a"]).astype(str).dtype


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``values`` as strings: integer codes into sorted category names."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = values.cat.categories
        if cats.is_monotonic_increasing and all(isinstance(c, str) for c in cats):
            return values.cat.codes.to_numpy(dtype=np.intp), [str(c) for c in cats]
        values = values.astype(object)
    try:
        codes, uniques = pd.factorize(values, sort=True)
        ok = not (codes < 0).any() and all(isinstance(u, str) for u in uniques)
    except TypeError:  # mixed types do not sort
        ok = False
    if not ok:
        codes, uniques = pd.factorize(values.astype(str), sort=True)
    return codes.astype(np.intp, copy=False), [str(u) for u in uniques]


def _labels(names: Sequence[str], codes: np.ndarray) -> pd.Series | np.ndarray:
    """The strings ``names[codes]`` as a column of the dtype ``astype(str)`` gives (fast)."""
    if isinstance(_STR, np.dtype):  # object
        return np.asarray(list(names), dtype=object)[codes]
    import pyarrow as pa

    return pd.Series(pa.array(list(names), pa.string()).take(pa.array(codes)), dtype=_STR)


def _sort_order(runs: np.ndarray, metrics: np.ndarray, steps: np.ndarray) -> np.ndarray | None:
    """A stable order sorting rows by run, metric, step; None when already sorted."""
    if len(steps) < 2:
        return None
    d_run, d_metric = np.diff(runs), np.diff(metrics)
    ok = (d_run > 0) | (
        (d_run == 0) & ((d_metric > 0) | ((d_metric == 0) & (steps[1:] >= steps[:-1])))
    )
    if ok.all():
        return None
    return np.lexsort((steps, metrics, runs))


def finish(df: pd.DataFrame, *, path: Path | None = None) -> pd.DataFrame:
    """Drop rows without a step or value; integral steps become int64; sort.

    A NaN value (or an empty cell) means "not logged at this step" and is dropped
    silently, as is a row without a finite step; ±inf values are kept (a logged
    divergence): the figures drop them with a warning giving the count. Steps
    beyond the int64 range raise a :class:`LoadError`.
    """
    steps = df["step"].to_numpy()
    keep = df["value"].notna().to_numpy().copy()
    if steps.dtype.kind not in "iu":
        steps = np.asarray(steps, dtype=float)
        keep &= np.isfinite(steps)
    out = df if keep.all() else df[keep]
    steps = steps[keep] if not keep.all() else steps
    if steps.dtype.kind == "f" and steps.size and np.all(steps == np.round(steps)):
        if np.abs(steps).max() >= _INT64_LIMIT:
            raise LoadError(
                f"log {where(path or 'logs')}: step {steps[np.abs(steps).argmax()]:g} is beyond "
                "the int64 range (about ±9.2e18); expected a step count"
            )
        steps = steps.astype(np.int64)
    run_codes, runs = _codes(out["run"])
    metric_codes, metrics = _codes(out["metric"])
    values = out["value"].to_numpy(dtype=float)
    extra = {c: out[c].to_numpy() for c in out.columns if c not in TIDY}
    order = _sort_order(run_codes, metric_codes, steps)
    if order is not None:
        run_codes, metric_codes, steps, values = (
            a[order] for a in (run_codes, metric_codes, steps, values)
        )
        extra = {c: a[order] for c, a in extra.items()}
    if not len(steps) and path is not None:
        raise LoadError(f"log {where(path)}: no logged values")
    cols = {
        "run": _labels(runs, run_codes),
        "step": steps,
        "metric": _labels(metrics, metric_codes),
    }
    return pd.DataFrame({**cols, "value": values, **extra})


def sorted_repeats(df: pd.DataFrame) -> np.ndarray:
    """Rows of a :func:`finish`-ed (sorted) frame repeating the previous row's run, metric, step."""
    steps = df["step"].to_numpy()
    out = np.zeros(len(df), dtype=bool)
    cand = np.flatnonzero(steps[1:] == steps[:-1]) + 1
    if cand.size:
        same = np.ones(cand.size, dtype=bool)
        for key in ("run", "metric"):
            col = df[key].to_numpy()
            same &= col[cand] == col[cand - 1]
        out[cand[same]] = True
    return out


def merge_runs(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate loaded frames; rows of one run from several files / workers merge by step.

    Where several files log the same (run, metric, step), their values are averaged
    (e.g. per-worker rewards of one data-parallel step).
    """
    if not frames:
        raise LoadError("logs: nothing to load")
    keys = ["run", "metric", "step"]
    # Each frame is already finish-ed (sorted); one frame needs no second pass.
    df = frames[0] if len(frames) == 1 else finish(pd.concat(frames, ignore_index=True))
    if sorted_repeats(df).any():
        agg = {c: "mean" for c in df.columns if c not in keys}
        df = finish(df.groupby(keys, sort=True, as_index=False).agg(agg))
    return df
