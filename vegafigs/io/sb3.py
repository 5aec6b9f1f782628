"""Stable-Baselines3 logs: ``Monitor`` episode files and the logger's ``progress.csv``.

- :func:`load_monitor` reads ``monitor.csv`` / ``0.monitor.csv`` (SB3's
  ``Monitor`` / ``VecMonitor`` wrappers): a ``#{"t_start": ..., "env_id": ...}``
  comment line, the header ``r,l,t[,info keywords...]``, one row per episode.
- :func:`load_sb3_progress` reads the ``progress.csv`` of SB3's logger
  (``configure(folder, ["csv"])``): one row per ``logger.dump()``, columns such as
  ``rollout/ep_rew_mean`` and ``time/total_timesteps``, empty cells for keys a
  row did not log (e.g. ``eval/*`` keys on rollout rows).

The CSV helpers here (``read_rows``, ``numeric_table``; internal, not in
``__all__``) are shared with :mod:`vegafigs.io.rllib`: they keep each row's real
line number, so a bad value or a ragged row is reported at the line a text
editor shows, and they drop an unterminated, incomplete last line (training
killed mid-write) with a warning.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import finish, open_check, where

__all__ = ["is_monitor_head", "is_sb3_progress_columns", "load_monitor", "load_sb3_progress"]

#: ``step=`` choices of :func:`load_monitor` -> the ``attrs["x"]`` name.
MONITOR_X = {"timesteps": "timesteps", "episodes": "episodes", "t": "t", "walltime": "t"}
#: Default x column of :func:`load_sb3_progress`.
SB3_X = "time/total_timesteps"
#: Cell texts that mean "no value" (SB3 writes ``None`` as an empty cell, NaN as ``nan``).
MISSING = frozenset({"", "nan", "NaN", "NAN", "-nan", "None", "null"})
BOOLS = {"True": 1.0, "False": 0.0, "true": 1.0, "false": 0.0}
#: Steps must fit an int64 (the tidy frame's step dtype).
STEP_LIMIT = float(2**63)


class Table:
    """A validated CSV: its header, the text to parse and the line number of every row.

    ``text`` is the CSV without an incomplete last line; ``lines[i]`` is the file
    line of data row ``i``; ``open_end`` is True when the last row kept has no
    line end (complete in width, but its last value may still be cut short).
    """

    def __init__(self, header: list[str], text: str, lines: np.ndarray, open_end: bool) -> None:
        self.header = header
        self.text = text
        self.lines = lines
        self.open_end = open_end


def read_text(p: Path) -> str:
    """The UTF-8 text of ``p``, or a :class:`LoadError` naming the file.

    A leading BOM is removed and ``\\r\\n`` line ends become ``\\n``; a lone
    ``\\r`` (which CSV readers would take for a line end) is refused.
    """
    try:
        mode = p.stat().st_mode
        if not stat.S_ISREG(mode):
            raise LoadError(f"log {where(p)}: not a regular file (a FIFO, device or socket?)")
        text = p.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise LoadError(f"log {where(p)}: not UTF-8 text ({exc.reason}, byte {exc.start})") from exc
    except OSError as exc:
        raise LoadError(f"log {where(p)}: cannot read ({exc.strerror})") from exc
    text = text.replace("\r\n", "\n")
    if text.endswith("\r"):  # cut between \r and \n
        text = text[:-1] + "\n"
    cr = text.find("\r")
    if cr >= 0:
        raise LoadError(
            f"log {where(p)}: line {text.count(chr(10), 0, cr) + 1}: a carriage return (\\r) "
            "inside a line; expected \\n or \\r\\n line ends"
        )
    return text


def read_rows(p: Path, text: str, *, first_line: int = 1) -> Table:
    """Check ``text`` (the part of ``p`` from line ``first_line`` on) as a CSV.

    Blank lines are skipped. A row with another number of fields than the header
    raises :class:`LoadError` naming its line, except the last line when the file
    does not end with a line end (cut off mid-write): it is dropped with a
    warning. Empty or whitespace-equal header names raise too. Quote-free text
    (most logs) is checked with numpy; quoted fields go through :mod:`csv`.

    >>> t = read_rows(Path("x.csv"), "a,b\\n1,2\\n\\n3,4\\n")
    >>> t.header, t.lines.tolist()
    (['a', 'b'], [2, 4])
    """
    fields, lines = (
        _fields_quoted(p, text, first_line) if '"' in text else _fields(text, first_line)
    )
    if not len(lines):
        where_ = f"log {where(p)}"
        raise LoadError(
            f"{where_}: empty file"
            if first_line == 1
            else f"{where_}: no header line after line {first_line - 1}"
        )
    header = _header(p, _first_record(text, lines[0] - first_line), int(lines[0]))
    n = len(header)
    open_end = _unterminated(text)
    bad = np.flatnonzero(fields[1:] != n)
    if bad.size and open_end and bad[0] == len(fields) - 2:
        why = "a quoted field not closed" if fields[-1] < 0 else f"{fields[-1]} of {n} fields"
        _drop_warning(p, int(lines[-1]), why)
        text = _before_line(text, int(lines[-1]) - first_line)
        fields, lines, open_end, bad = fields[:-1], lines[:-1], False, bad[:0]
    if bad.size:
        row = int(bad[0]) + 1
        raise LoadError(
            f"log {where(p)}: line {lines[row]}: {fields[row]} field(s), expected {n} as in the "
            f"header on line {lines[0]} ({','.join(header)})"
        )
    return Table(header, text, lines[1:], open_end)


def _fields(text: str, first_line: int) -> tuple[np.ndarray, np.ndarray]:
    """Fields per non-blank line and the line numbers, for text without quotes (numpy)."""
    buf = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    if not buf.size or buf[-1] != 10:
        ends = np.append(ends, buf.size)
    starts = np.concatenate(([0], ends[:-1] + 1))
    commas = np.flatnonzero(buf == 44)
    space = np.flatnonzero((buf == 32) | (buf == 9) | (buf == 13))

    def per_line(pos: np.ndarray) -> np.ndarray:
        return np.searchsorted(pos, ends) - np.searchsorted(pos, starts)

    keep = per_line(space) < ends - starts
    fields = (per_line(commas) + 1)[keep]
    return fields, first_line + np.flatnonzero(keep)


def _fields_quoted(p: Path, text: str, first_line: int) -> tuple[np.ndarray, np.ndarray]:
    """Fields per record and the line each starts on, with quoted fields (:mod:`csv`)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    counts: list[int] = []
    lines: list[int] = []
    start = first_line
    try:
        for row in reader:
            line, start = start, first_line + reader.line_num
            if row and not (len(row) == 1 and not row[0].strip()):
                counts.append(len(row))
                lines.append(line)
    except csv.Error as exc:
        at_end = reader.line_num >= text.count("\n") + 1
        if not (_unterminated(text) and at_end):
            raise LoadError(f"log {where(p)}: line {start}: not valid CSV ({exc})") from exc
        counts.append(-1)  # the cut-off last record: dropped by read_rows
        lines.append(start)
    return np.array(counts, dtype=np.int64), np.array(lines, dtype=np.int64)


def _first_record(text: str, skip: int) -> list[str]:
    """The fields of the CSV record starting ``skip`` lines into ``text`` (the header)."""
    rest = text.split("\n", skip)[-1] if skip else text
    return next(csv.reader(io.StringIO(rest, newline="")))


def _before_line(text: str, k: int) -> str:
    """``text`` up to (without) its line ``k`` (0-based): a record may span lines."""
    pos = 0
    for _ in range(k):
        pos = text.index("\n", pos) + 1
    return text[:pos]


def _unterminated(text: str) -> bool:
    return bool(text) and not text.endswith(("\n", "\r"))


def _drop_warning(p: Path, line: int, why: str) -> None:
    warnings.warn(
        f"log {where(p)}: line {line} (the last, without a line end) is incomplete ({why}): "
        "dropped, as written by a run stopped mid-write",
        stacklevel=4,
    )


def _header(p: Path, fields: list[str], line: int) -> list[str]:
    names = [f.strip() for f in fields]
    if any(not n for n in names):
        raise LoadError(f"log {where(p)}: line {line}: empty column name in the header {names}")
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise LoadError(
                f"log {where(p)}: line {line}: column {n!r} appears twice in the header "
                "(names compared without surrounding spaces)"
            )
        seen.add(n)
    return names


def numeric_table(
    p: Path, table: Table, *, required: Sequence[str] = ()
) -> tuple[pd.DataFrame, np.ndarray]:
    """The numeric columns of ``table`` as floats (text columns left out) + row lines.

    Parsed by pandas' C reader. Empty / ``nan`` / ``None`` cells are NaN (not
    logged); ``True`` / ``False`` are 1 / 0; a column holding numbers and other
    text raises :class:`LoadError` at the first bad line. A ``required`` column
    must have a number on every row. A bad value on an unterminated last line
    drops that line (with a warning) instead.
    """
    try:
        df = pd.read_csv(
            io.StringIO(table.text),
            keep_default_na=False,
            na_values=sorted(MISSING),
            low_memory=False,
        )
    except pd.errors.ParserError as exc:
        raise LoadError(f"log {where(p)}: not valid CSV ({exc})") from exc
    if len(df) != len(table.lines) or len(df.columns) != len(table.header):
        raise LoadError(f"log {where(p)}: rows could not be read consistently; not a clean CSV")
    df.columns = pd.Index(table.header)
    lines = table.lines
    try:
        return _to_numbers(p, df, lines, required=required), lines
    except _BadCell as bad:
        if not (table.open_end and bad.row == len(df) - 1):
            raise LoadError(bad.message) from None
        _drop_warning(p, int(lines[-1]), bad.message[bad.message.find("column ") :])
    try:
        return _to_numbers(p, df.iloc[:-1], lines[:-1], required=required), lines[:-1]
    except _BadCell as bad:
        raise LoadError(bad.message) from None


class _BadCell(Exception):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


def _column(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``col`` as floats, with masks of its missing cells and of its non-numeric cells."""
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        conv = col.to_numpy(dtype=float, na_value=np.nan)
        return conv, np.isnan(conv), np.zeros(len(col), dtype=bool)
    text = col.astype(str).str.strip()
    missing = (col.isna() | text.isin(MISSING)).to_numpy()
    conv = pd.to_numeric(text.replace(BOOLS), errors="coerce").to_numpy(dtype=float)
    return conv, missing, np.isnan(conv) & ~missing


def _to_numbers(
    p: Path, df: pd.DataFrame, lines: np.ndarray, *, required: Sequence[str]
) -> pd.DataFrame:
    out = {}
    for k, name in enumerate(df.columns):
        col = df.iloc[:, k]
        conv, missing, bad = _column(col)
        if name in required and missing.any():
            row = int(np.flatnonzero(missing)[0])
            raise _BadCell(
                row,
                f"log {where(p)}: line {lines[row]}, column {name!r}: empty (or NaN); every row "
                "needs a number there",
            )
        if np.isnan(conv).all() and name not in required:
            continue  # a text column (e.g. a note), not a metric
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise _BadCell(
                row,
                f"log {where(p)}: line {lines[row]}, column {name!r}: expected a number, "
                f"got {col.iloc[row]!r}",
            )
        out[str(name)] = conv
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


def check_steps(p: Path, steps: np.ndarray, lines: np.ndarray, column: str) -> None:
    """:class:`LoadError` if a step does not fit an int64 (it would wrap around)."""
    big = np.abs(np.nan_to_num(steps, nan=0.0, posinf=np.inf, neginf=np.inf)) >= STEP_LIMIT
    if big.any():
        row = int(np.flatnonzero(big)[0])
        raise LoadError(
            f"log {where(p)}: line {lines[row]}, column {column!r}: step {steps[row]:g} is beyond "
            "the int64 range"
        )


def tidy(
    num: pd.DataFrame, steps: np.ndarray, metrics: Iterable[str], *, run: str, path: Path
) -> pd.DataFrame:
    """Wide float columns ``metrics`` at ``steps`` -> the tidy frame (NaN cells dropped)."""
    frames = [
        pd.DataFrame({"run": run, "step": steps, "metric": m, "value": num[m].to_numpy()})
        for m in metrics
    ]
    if not frames:
        raise LoadError(f"log {where(path)}: no numeric metric columns")
    return finish(pd.concat(frames, ignore_index=True), path=path)


# --------------------------------------------------------------------------- Monitor


def is_monitor_head(first_lines: list[str]) -> bool:
    """True when the first two lines of a file look like an SB3 ``Monitor`` log.

    >>> is_monitor_head(['#{"t_start": 1700000000.1, "env_id": "CartPole-v1"}', "r,l,t"])
    True
    >>> is_monitor_head(["step,loss", "0,1.0"])
    False
    """
    if len(first_lines) < 2 or not first_lines[0].lstrip("\ufeff").startswith("#"):
        return False
    try:
        head = json.loads(first_lines[0].lstrip("\ufeff")[1:])
    except (ValueError, RecursionError):
        return False
    cols = [c.strip() for c in first_lines[1].strip().split(",")]
    return isinstance(head, dict) and cols[:3] == ["r", "l", "t"]


def load_monitor(
    path_or_paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    run: str | None = None,
    step: str | None = None,
) -> pd.DataFrame:
    """SB3 ``Monitor`` CSV(s) of one run -> tidy ``run, step, metric, value[, env_id]``.

    Metrics are ``r`` (episode return), ``l`` (episode length) and the numeric
    ``info_keywords`` / ``reset_keywords`` columns (``True`` / ``False`` as 1 / 0;
    text columns left out). ``step`` picks the x: ``"timesteps"`` (default, the
    cumulative sum of ``l`` as in the RL Zoo's plots), ``"episodes"`` (1..N) or
    ``"t"`` / ``"walltime"`` (seconds since ``t_start``); ``df.attrs["x"]`` is
    ``"timesteps"``, ``"episodes"`` or ``"t"``. Several files (one per vectorised
    env, ``0.monitor.csv``, ``1.monitor.csv`` ...) are one run: their episodes are
    merged as SB3's ``load_results`` does (sorted by ``t_start + t``, then the
    cumulative sum of ``l``). The comment line's ``env_id`` becomes the column
    ``env_id``. ``run`` defaults to the file stem (several files: their folder).

    A bad comment line, header or row raises :class:`~vegafigs.LoadError` naming
    the file and line; an incomplete last line (run killed mid-write) is dropped
    with a warning.

    >>> from pathlib import Path
    >>> _ = Path("monitor.csv").write_text(
    ...     '#{"t_start": 1700000000.5, "env_id": "CartPole-v1"}\\n'
    ...     "r,l,t\\n12.0,12,0.03\\n30.0,30,0.09\\n")
    >>> df = load_monitor("monitor.csv")
    >>> df
           run  step metric  value       env_id
    0  monitor    12      l   12.0  CartPole-v1
    1  monitor    42      l   30.0  CartPole-v1
    2  monitor    12      r   12.0  CartPole-v1
    3  monitor    42      r   30.0  CartPole-v1
    >>> df.attrs["x"]
    'timesteps'
    """
    paths = (
        [Path(path_or_paths)]
        if isinstance(path_or_paths, (str, os.PathLike))
        else [Path(q) for q in path_or_paths]
    )
    if not paths:
        raise LoadError("monitor logs: no files given")
    key = "timesteps" if step is None else step
    if key not in MONITOR_X:
        raise LoadError(
            f"step: got {key!r} for the Monitor log {where(paths[0])}; expected one of "
            f"{', '.join(map(repr, MONITOR_X))}"
        )
    parts = [_monitor_file(open_check(q)) for q in paths]
    x = MONITOR_X[key]
    if x == "t" or len(parts) > 1:
        for m in parts:
            _check_time_order(m, several=len(parts) > 1)
    episodes, env_ids = _merge_monitors(parts)
    if x == "timesteps":
        steps = np.cumsum(episodes["l"].to_numpy())
    elif x == "episodes":
        steps = np.arange(1, len(episodes) + 1, dtype=float)
    else:
        steps = episodes["t"].to_numpy()
    name = run if run is not None else _monitor_run(paths)
    metrics = [c for c in episodes.columns if c not in ("t", "_file", "_line")]
    frames = []
    for metric in metrics:
        frame = pd.DataFrame(
            {"run": name, "step": steps, "metric": metric, "value": episodes[metric]}
        )
        if env_ids is not None:
            frame["env_id"] = env_ids
        frames.append(frame)
    df = finish(pd.concat(frames, ignore_index=True), path=paths[0])
    df.attrs["x"] = x
    return df


def _monitor_run(paths: list[Path]) -> str:
    if len(paths) == 1:
        return paths[0].stem
    parents = {q.resolve().parent for q in paths}
    if len(parents) == 1:
        return next(iter(parents)).name or paths[0].stem
    return paths[0].stem


class _Monitor:
    def __init__(self, path: Path, head: dict, episodes: pd.DataFrame) -> None:
        self.path = path
        self.head = head
        self.episodes = episodes


def _monitor_file(p: Path) -> _Monitor:
    """One Monitor file: its comment-line JSON and its episodes (floats; r, l, t checked)."""
    text = read_text(p)
    if not text.strip():
        raise LoadError(f"log {where(p)}: empty file")
    first, _, rest = text.partition("\n")
    head = _monitor_head(p, first.rstrip("\r"))
    again = rest.find("\n#")
    if again >= 0 or rest.startswith("#"):
        line = 2 if rest.startswith("#") else rest.count("\n", 0, again) + 3
        raise LoadError(
            f"log {where(p)}: line {line}: a second Monitor comment line (files joined into "
            "one?); pass each Monitor file on its own"
        )
    table = read_rows(p, rest, first_line=2)
    if table.header[:3] != ["r", "l", "t"]:
        raise LoadError(
            f"log {where(p)}: line 2: expected the Monitor header 'r,l,t[,info keywords]', "
            f"got {','.join(table.header)!r}"
        )
    if not len(table.lines):
        raise LoadError(f"log {where(p)}: no episodes (the Monitor file has only its header)")
    num, lines = numeric_table(p, table, required=("r", "l", "t"))
    length = num["l"].to_numpy()
    bad = ~np.isfinite(length) | (length < 0) | (length != np.round(length))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise LoadError(
            f"log {where(p)}: line {lines[row]}, column 'l': episode length {length[row]:g}; "
            "expected a whole number >= 0"
        )
    num["_line"] = lines
    return _Monitor(p, head, num)


def _check_time_order(m: _Monitor, *, several: bool) -> None:
    """:class:`LoadError` if the wall time ``t`` of a file goes back (several sessions)."""
    t = m.episodes["t"].to_numpy()
    back = np.flatnonzero(np.diff(t) < 0)
    if back.size:
        i = int(back[0])
        fix = (
            "load the files as separate runs" if several else "pass step='timesteps' or 'episodes'"
        )
        raise LoadError(
            f"log {where(m.path)}: line {m.episodes['_line'].iloc[i + 1]}: t goes back from "
            f"{t[i]:g} to {t[i + 1]:g} s (a Monitor appending to its file after a restart?); "
            f"the episodes cannot be ordered by wall time: {fix}"
        )


def _monitor_head(p: Path, first: str) -> dict:
    """The JSON object of the Monitor comment line 1 (``#{"t_start": ..., ...}``)."""
    first = first.lstrip("\ufeff")
    if not first.startswith("#"):
        raise LoadError(
            f"log {where(p)}: line 1: expected the Monitor comment line "
            f'\'#{{"t_start": ..., "env_id": ...}}\', got {first[:60]!r}'
        )
    try:
        head = json.loads(first[1:])
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"log {where(p)}: line 1, column {exc.colno + 1}: the Monitor comment is not valid "
            f'JSON ({exc.msg}); expected \'#{{"t_start": ..., "env_id": ...}}\''
        ) from exc
    except RecursionError as exc:
        raise LoadError(
            f"log {where(p)}: line 1: the Monitor comment is nested too deeply"
        ) from exc
    if not isinstance(head, dict):
        raise LoadError(
            f"log {where(p)}: line 1: the Monitor comment must be a JSON object, "
            f"got {type(head).__name__}"
        )
    t_start = head.get("t_start")
    if t_start is not None and (isinstance(t_start, bool) or not isinstance(t_start, (int, float))):
        raise LoadError(
            f"log {where(p)}: line 1: 't_start' must be a number (seconds), got {t_start!r}"
        )
    return head


def _env_id(head: dict) -> str | None:
    env = head.get("env_id")
    return None if env is None or env == "None" else str(env)


def _merge_monitors(parts: list[_Monitor]) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Episodes of all files in SB3's ``load_results`` order + the env_id of each."""
    ids = [_env_id(m.head) for m in parts]
    has_ids = any(i is not None for i in ids)
    if len(parts) == 1:
        eps = parts[0].episodes
        env = np.full(len(eps), ids[0], dtype=object) if has_ids else None
        return eps.drop(columns="_line"), env
    for m in parts:
        if m.head.get("t_start") is None:
            raise LoadError(
                f"log {where(m.path)}: line 1: no 't_start'; it is needed to order the episodes "
                "of several Monitor files of one run (or load each file as its own run)"
            )
    t0 = min(float(m.head["t_start"]) for m in parts)
    frames = []
    for k, m in enumerate(parts):
        eps = m.episodes.copy()
        eps["t"] = eps["t"] + (float(m.head["t_start"]) - t0)
        eps["_file"] = k
        frames.append(eps)
    eps = pd.concat(frames, ignore_index=True)
    eps = eps.sort_values(["t", "_file", "_line"], kind="mergesort").reset_index(drop=True)
    env = np.array([ids[k] for k in eps["_file"]], dtype=object) if has_ids else None
    return eps.drop(columns=["_file", "_line"]), env


# --------------------------------------------------------------------------- progress.csv


def is_sb3_progress_columns(columns: Iterable[str]) -> bool:
    """True when a CSV header looks like SB3's logger ``progress.csv``.

    SB3 records ``time/total_timesteps`` in every rollout and evaluation dump.

    >>> is_sb3_progress_columns(["rollout/ep_rew_mean", "time/total_timesteps", "time/fps"])
    True
    >>> is_sb3_progress_columns(["step", "loss"])
    False
    """
    return SB3_X in {str(c).strip() for c in columns}


def load_sb3_progress(
    path: str | os.PathLike[str], *, run: str | None = None, step: str | None = None
) -> pd.DataFrame:
    """SB3's logger ``progress.csv`` -> tidy ``run, step, metric, value``.

    The x is ``time/total_timesteps`` unless ``step`` names another column (e.g.
    ``"time/iterations"``); ``df.attrs["x"]`` is the column used. Every other
    numeric column is a metric at its own rows: an empty cell is a key that row
    did not log (rollout rows have no ``eval/*`` values and evaluation rows no
    ``rollout/*`` ones). ``time/total_timesteps`` is never a metric. Text columns
    are left out; ``True`` / ``False`` are 1 / 0. Rows with values but no x are
    dropped with a warning. ``run`` defaults to the file stem.

    SB3 rewrites the whole file with a longer header when a new key appears
    (earlier rows padded with empty cells), so one header covers every row; a
    row of another width is malformed (:class:`~vegafigs.LoadError` naming the
    line) unless it is the unterminated last line, which is dropped.

    >>> from pathlib import Path
    >>> _ = Path("progress.csv").write_text(
    ...     "rollout/ep_rew_mean,time/total_timesteps,eval/mean_reward\\n"
    ...     "21.5,2048,\\n,4000,60.0\\n35.0,4096,\\n")
    >>> df = load_sb3_progress("progress.csv")
    >>> df
            run  step               metric  value
    0  progress  4000     eval/mean_reward   60.0
    1  progress  2048  rollout/ep_rew_mean   21.5
    2  progress  4096  rollout/ep_rew_mean   35.0
    >>> df.attrs["x"]
    'time/total_timesteps'
    """
    p = open_check(path)
    text = read_text(p)
    if not text.strip():
        raise LoadError(f"log {where(p)}: empty file")
    table = read_rows(p, text)
    x = SB3_X if step is None else step
    if x not in table.header:
        near = [c for c in table.header if c.startswith("time/")] or table.header
        shown = ", ".join(map(repr, near[:8])) + (", ..." if len(near) > 8 else "")
        raise LoadError(f"log {where(p)}: no x column {x!r}; pass step= / --x one of {shown}")
    if not len(table.lines):
        raise LoadError(f"log {where(p)}: no logged values (only the header)")
    num, lines = numeric_table(p, table)
    if x not in num.columns:
        raise LoadError(f"log {where(p)}: column {x!r} holds no numbers; it cannot be the x")
    steps = num[x].to_numpy()
    check_steps(p, steps, lines, x)
    metrics = [c for c in num.columns if c not in (x, SB3_X)]
    warn_no_x(p, num, steps, metrics, lines, x)
    df = tidy(num, steps, metrics, run=run if run is not None else p.stem, path=p)
    df.attrs["x"] = x
    return df


def warn_no_x(
    p: Path,
    num: pd.DataFrame,
    steps: np.ndarray,
    metrics: list[str],
    lines: np.ndarray,
    x: str,
) -> None:
    """Warn about rows that logged values but have no x (they cannot be placed)."""
    if not metrics:
        return
    lost = ~np.isfinite(steps) & num[metrics].notna().any(axis=1).to_numpy()
    if lost.any():
        rows = np.flatnonzero(lost)
        shown = ", ".join(str(lines[r]) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        warnings.warn(
            f"log {where(p)}: {len(rows)} row(s) with values but no {x!r} dropped "
            f"(line {shown}); pass step= / --x another column to keep them",
            stacklevel=3,
        )
