"""Shared pieces of the log loaders (private): the tidy frame and its checks."""

from __future__ import annotations

import errno
import os
import re
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


def _os_problem(p: Path, exc: OSError, *, folder_ok: bool = False) -> str:
    """What ``exc`` (from ``os.stat`` / ``open``) means for the log ``p``, in words."""
    if exc.errno == errno.ENOENT:
        if os.path.islink(p):
            return f"dangling symbolic link (it points to {os.readlink(p)!r}, which does not exist)"
        return "no such file or folder" if folder_ok else "no such file"
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
        problem = (
            _os_problem(p, exc, folder_ok=folder_ok)
            if isinstance(exc, OSError)
            else "not a valid path"
        )
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
        if name == "":  # no name (e.g. a trailing comma): the reader decides
            continue
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
    release: bool = False,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A wide log (one column per metric) -> tidy rows; NaN cells (not logged) dropped.

    Identifier columns (``ids``, text columns such as ``env`` / ``method`` and
    integer columns named like ``seed`` / ``trial`` / ``worker``) are kept as
    columns of every row (listed in ``attrs["ids"]``), not drawn as metrics.
    ``release`` empties ``df`` (drops its columns) once they are converted, so a
    big log's wide frame is freed before the tidy strings are built.
    """
    step_col = find_step(list(df.columns), step, path=path)
    steps = step_or_error(df[step_col], path=path, column=step_col, line_offset=line_offset)
    if "run" in df.columns:
        run_codes, run_names = _codes(df["run"])
    else:
        run_codes, run_names = np.zeros(len(df), dtype=np.int8), [run]
    id_cols, text_cols = id_columns(df, exclude={step_col, "run"}, given=ids, path=path)
    kept = {c: df[c].to_numpy() for c in id_cols}
    groups = grouping_candidates(df, [run_codes, *kept.values(), steps],
                                 exclude={step_col, *id_cols})  # fmt: skip
    names = [c for c in df.columns if c not in {step_col, *id_cols} and c not in NOT_METRICS]
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
    if release:
        del col, vals
        for c in list(df.columns):
            del df[c]
    box = [steps]  # _stack empties it: the step column's memory goes once stacked
    del steps
    out = _stack(parts, box, (run_codes, run_names), path=path, ids=kept)
    out = _id_sorted(out, id_cols)
    out.attrs.update(x=step_col, ids=list(id_cols), text=text_cols, candidates=groups)
    return out


def _stack(
    parts: list[tuple[str, np.ndarray]],
    box: list[np.ndarray],
    runs: tuple[np.ndarray, Sequence[str]],
    *,
    path: Path,
    ids: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Metric columns ``(name, values)`` sharing the steps ``box[0]`` -> the finished long frame.

    ``ids`` are identifier columns of the wide rows, repeated for every metric.

    ``parts`` and ``box`` are emptied (their arrays freed once stacked).

    Columns are stacked in metric-name order with integer codes for run and
    metric, so :func:`finish`'s sort is usually a check (no string sorting).
    """
    items = sorted(parts, key=lambda part: part[0])
    parts.clear()  # the caller's lists: let each column's memory go once stacked
    steps = box.pop()
    names = [name for name, _ in items]
    step_l, value_l, run_l, metric_l = [], [], [], []
    id_l: dict[str, list[np.ndarray]] = {c: [] for c in ids or {}}
    for i, (_, vals) in enumerate(items):
        keep = ~np.isnan(vals)
        every = bool(keep.all())
        step_l.append(steps if every else steps[keep])
        value_l.append(vals if every else vals[keep])
        run_l.append(runs[0] if every else runs[0][keep])
        metric_l.append(np.full(len(value_l[-1]), i, dtype=_code_dtype(len(items))))
        for c, col in (ids or {}).items():
            id_l[c].append(col if every else col[keep])
    del items, vals, steps
    cols = [np.concatenate(c) for c in (run_l, metric_l, step_l, value_l)]
    del run_l, metric_l, step_l, value_l
    extra = {c: np.concatenate(parts_c) for c, parts_c in id_l.items()}
    return _finish_arrays((cols[0], runs[1]), (cols[1], names), cols[2], cols[3], extra, path=path)


def _id_sorted(df: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """``df`` sorted by run, metric, the ``ids``, step (unchanged without ids)."""
    if not ids:
        return df
    order = ["run", "metric", *ids, "step"]
    return df.sort_values(order, kind="mergesort", na_position="last").reset_index(drop=True)


def _code_dtype(n: int) -> type[np.signedinteger]:
    """The smallest integer type holding codes ``0 .. n-1``."""
    return np.int8 if n < 2**7 else np.int16 if n < 2**15 else np.int32


def tidy_from_long(
    df: pd.DataFrame,
    *,
    path: Path,
    run: str,
    step: str | None,
    line_offset: LineOf = 2,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A long log (columns step, metric, value[, run], identifier columns) -> the tidy frame."""
    step_col = find_step(list(df.columns), step, path=path)
    id_cols, text = id_columns(df, exclude={step_col, "run"}, given=ids, path=path)
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
            **{c: df[c].to_numpy() for c in id_cols},
        }
    )
    out = finish(out, path=path, ids=id_cols)
    out.attrs.update(x=step_col, ids=list(id_cols), text=text)
    return out


def is_long(columns: Iterable[Hashable]) -> bool:
    return "metric" in columns and "value" in columns


#: The dtype ``Series.astype(str)`` gives here (object before pandas 3, "str" from 3).
_STR = pd.Series(["a"]).astype(str).dtype


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``values`` as strings: integer codes into sorted category names."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = values.cat.categories
        if cats.is_monotonic_increasing and all(isinstance(c, str) for c in cats):
            return values.cat.codes.to_numpy(), [str(c) for c in cats]
        values = values.astype(object)
    try:
        codes, uniques = pd.factorize(values, sort=True)
        ok = not (codes < 0).any() and all(isinstance(u, str) for u in uniques)
    except TypeError:  # mixed types do not sort
        ok = False
    if not ok:
        codes, uniques = pd.factorize(values.astype(str), sort=True)
    return codes.astype(_code_dtype(len(uniques))), [str(u) for u in uniques]


def _labels(names: Sequence[str], codes: np.ndarray) -> pd.Series | np.ndarray:
    """The strings ``names[codes]`` as a column of the dtype ``astype(str)`` gives (fast).

    Built from runs of equal codes (the rows are sorted), straight into an Arrow
    string array when pandas stores strings in Arrow.
    """
    if isinstance(_STR, np.dtype):  # object
        return np.asarray(list(names), dtype=object)[codes]
    import pyarrow as pa

    n = len(codes)
    starts = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    bounds = [0, *starts.tolist(), n] if n else [0]
    encoded = [str(name).encode("utf-8") for name in names]
    segments = [(int(codes[a]), a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    total = sum(len(encoded[c]) * (b - a) for c, a, b in segments)
    # large_string: the layout pandas' Arrow strings use, so no copy below.
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[0] = 0
    data: bytes | np.ndarray = b""
    if len(segments) == 1:
        c, a, b = segments[0]
        data = encoded[c] * (b - a)
    elif segments:
        data = np.empty(total, dtype=np.uint8)
    base = 0
    for c, a, b in segments:
        size, k = len(encoded[c]), b - a
        seg = offsets[a + 1 : b + 1]
        np.cumsum(np.broadcast_to(np.int64(size), (k,)), out=seg)  # no temporary array
        seg += base
        if size and isinstance(data, np.ndarray):
            _repeat_into(data[base : base + size * k], encoded[c])
        base += size * k
    bufs = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pd.Series(pa.Array.from_buffers(pa.large_string(), n, bufs), dtype=_STR)


def _repeat_into(out: np.ndarray, pattern: bytes) -> None:
    """Fill ``out`` with ``pattern`` repeated, by doubling copies (no temporary)."""
    out[: len(pattern)] = np.frombuffer(pattern, dtype=np.uint8)
    filled = len(pattern)
    while filled < len(out):
        n = min(filled, len(out) - filled)
        out[filled : filled + n] = out[:n]
        filled += n


def _sort_order(runs: np.ndarray, metrics: np.ndarray, steps: np.ndarray) -> np.ndarray | None:
    """A stable order sorting rows by run, metric, step; None when already sorted."""
    if len(steps) < 2:
        return None
    r0, r1, m0, m1 = runs[:-1], runs[1:], metrics[:-1], metrics[1:]
    if (r1 >= r0).all():
        new_run = r1 != r0
        ok = (m1 >= m0) | new_run
        if ok.all():
            ok = (steps[1:] >= steps[:-1]) | new_run | (m1 != m0)
            if ok.all():
                return None
    return np.lexsort((steps, metrics, runs))


def finish(df: pd.DataFrame, *, path: Path | None = None, ids: Sequence[str] = ()) -> pd.DataFrame:
    """Drop rows without a step or value; integral steps become int64; sort.

    A NaN value (or an empty cell) means "not logged at this step" and is dropped
    silently, as is a row without a finite step; ±inf values are kept (a logged
    divergence): the figures drop them with a warning giving the count. Steps
    beyond the int64 range raise a :class:`LoadError`.
    """
    extra = {c: df[c].to_numpy() for c in df.columns if c not in TIDY}
    out = _finish_arrays(
        _codes(df["run"]),
        _codes(df["metric"]),
        df["step"].to_numpy(),
        df["value"].to_numpy(dtype=float, na_value=np.nan),
        extra,
        path=path,
    )
    return _id_sorted(out, ids)


def _finish_arrays(
    runs: tuple[np.ndarray, Sequence[str]],
    metrics: tuple[np.ndarray, Sequence[str]],
    steps: np.ndarray,
    values: np.ndarray,
    extra: dict[str, np.ndarray],
    *,
    path: Path | None,
) -> pd.DataFrame:
    """:func:`finish` on columns: run / metric as ``(codes, names)``, names sorted."""
    keep = ~np.isnan(values)
    if steps.dtype.kind not in "iu":
        steps = np.asarray(steps, dtype=float)
        keep &= np.isfinite(steps)
    run_codes, metric_codes = runs[0], metrics[0]
    if not keep.all():
        run_codes, metric_codes, steps, values = (
            a[keep] for a in (run_codes, metric_codes, steps, values)
        )
        extra = {c: a[keep] for c, a in extra.items()}
    if steps.dtype.kind == "f" and steps.size and np.all(steps == np.round(steps)):
        if np.abs(steps).max() >= _INT64_LIMIT:
            raise LoadError(
                f"log {where(path or 'logs')}: step {steps[np.abs(steps).argmax()]:g} is beyond "
                "the int64 range (about ±9.2e18); expected a step count"
            )
        steps = steps.astype(np.int64)
    order = _sort_order(run_codes, metric_codes, steps)
    if order is not None:
        run_codes, metric_codes, steps, values = (
            a[order] for a in (run_codes, metric_codes, steps, values)
        )
        extra = {c: a[order] for c, a in extra.items()}
    if not len(steps) and path is not None:
        raise LoadError(f"log {where(path)}: no logged values")
    run_col = _labels(runs[1], run_codes)
    del run_codes
    metric_col = _labels(metrics[1], metric_codes)
    del metric_codes
    cols = {"run": run_col, "step": steps, "metric": metric_col, "value": values}
    return pd.DataFrame({**cols, **extra}, copy=False)


#: A column with at most this many distinct values may be a grouping column (``seed``).
FEW_VALUES = 64


def grouping_candidates(
    df: pd.DataFrame, keys: Sequence[np.ndarray], *, exclude: set[str]
) -> list[str]:
    """Columns of a table that tell apart its rows repeating a (run, ids, step) key.

    Only looked for when a key repeats: text columns and columns of a few distinct
    integers (``seed`` 0..9 read as a metric) with which no key repeats any more.
    Text columns and id-like names (``seed``, ``trial``) come first; other integer
    columns (which may be the metric itself) are named only when there is no such one.
    """
    steps = np.asarray(keys[-1], dtype=float)
    if (
        steps.size < 2
        or np.all(steps[1:] > steps[:-1])
        or not _repeats([pd.Series(k) for k in keys])
    ):
        return []  # (increasing steps, the usual log: nothing repeats)
    likely: list[str] = []
    other: list[str] = []
    for c in df.columns:
        col = df[c]
        text = c not in exclude and _is_text(col)
        if not (text or (c not in exclude and _few_integers(col))):
            continue
        if not _repeats([*(pd.Series(k) for k in keys), col.reset_index(drop=True)]):
            (likely if text or ID_NAME.search(str(c)) else other).append(str(c))
    return likely or other


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
