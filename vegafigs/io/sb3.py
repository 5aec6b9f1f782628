"""Stable-Baselines3 logs: ``Monitor`` episode files and the logger's ``progress.csv``.

- :func:`load_monitor` reads ``monitor.csv`` / ``0.monitor.csv`` (SB3's
  ``Monitor`` / ``VecMonitor`` wrappers): a ``#{"t_start": ..., "env_id": ...}``
  comment line, the header ``r,l,t[,info keywords...]``, one row per episode.
- :func:`load_sb3_progress` reads the ``progress.csv`` of SB3's logger
  (``configure(folder, ["csv"])``): one row per ``logger.dump()``, columns such as
  ``rollout/ep_rew_mean`` and ``time/total_timesteps``, empty cells for keys a
  row did not log (e.g. ``eval/*`` keys on rollout rows).

Both are read by the project's CSV reader
(:func:`vegafigs.io._csv.read_csv_frame`: real line numbers, a cut last line
dropped with a warning) and converted by the shared helpers of
:mod:`vegafigs.io._common`. The helpers here (``read_log_csv``, ``numbers``,
``tidy``, ``warn_no_x``; internal, not in ``__all__``) are shared with
:mod:`vegafigs.io.rllib`.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import (
    coerce_numbers,
    finish,
    numeric_or_error,
    open_check,
    step_or_error,
    where,
)
from vegafigs.io._csv import RowLines, read_csv_frame

__all__ = ["is_monitor_head", "is_sb3_progress_columns", "load_monitor", "load_sb3_progress"]

#: ``step=`` choices of :func:`load_monitor` -> the ``attrs["x"]`` name.
MONITOR_X = {"timesteps": "timesteps", "episodes": "episodes", "t": "t", "walltime": "t"}
#: Default x column of :func:`load_sb3_progress`.
SB3_X = "time/total_timesteps"


def check_lines(p: Path, *, comments: bool = False, block: int = 1 << 24) -> None:
    """:class:`LoadError` for a lone ``\\r`` inside a line (old Mac line ends: the
    line numbers of every message would be wrong) and, with ``comments``, for a
    ``#`` line after line 1 (two Monitor files joined into one). Read in blocks.

    >>> _ = Path("cr.csv").write_bytes(b"a,b\\r\\n1,2\\r3,4\\n")
    >>> check_lines(Path("cr.csv"))
    Traceback (most recent call last):
    ...
    vegafigs.errors.LoadError: log 'cr.csv': line 2: a carriage return (\\r) inside a line; ...
    """
    before, carry = 0, b""  # newlines before ``buf``; the last byte of the previous block
    with open(p, "rb") as fh:
        while chunk := fh.read(block):
            buf = np.frombuffer(carry + chunk, dtype=np.uint8)
            nl = buf[:-1] == 10
            cr = np.flatnonzero((buf[:-1] == 13) & (buf[1:] != 10))[:1]
            hashes = np.flatnonzero(nl & (buf[1:] == 35))[:1] + 1 if comments else cr[:0]
            if cr.size and not (hashes.size and hashes[0] < cr[0]):
                raise LoadError(
                    f"log {where(p)}: line {before + int(nl[: cr[0]].sum()) + 1}: a carriage "
                    "return (\\r) inside a line; expected \\n or \\r\\n line ends"
                )
            if hashes.size:
                raise LoadError(
                    f"log {where(p)}: line {before + int(nl[: hashes[0]].sum()) + 1}: a second "
                    "Monitor comment line (files joined into one?); pass each Monitor file on "
                    "its own"
                )
            before += int(nl.sum())
            carry = chunk[-1:]


def read_log_csv(
    p: Path, *, expected: str, comments: bool = False
) -> tuple[pd.DataFrame, RowLines]:
    """The CSV ``p`` through :func:`read_csv_frame`, line ends checked first."""
    check_lines(p, comments=comments)
    return read_csv_frame(p, expected=expected)


def numbers(
    p: Path,
    df: pd.DataFrame,
    lines: RowLines,
    *,
    required: Sequence[str] = (),
    skip: Callable[[str], bool] = lambda name: False,
) -> pd.DataFrame:
    """The numeric columns of ``df`` as floats (text and ``skip`` columns left out).

    Empty / ``nan`` / ``None`` cells are NaN (not logged); ``True`` / ``False``
    are 1 / 0; a column holding numbers and other text raises
    :class:`LoadError` at its first bad line. A ``required`` column must have a
    number on every row.
    """
    out = {}
    for name in map(str, df.columns):
        col = df[name]
        if name not in required and (skip(name) or coerce_numbers(col).notna().sum() == 0):
            continue  # a text column (e.g. a note) or bookkeeping, not a metric
        vals = numeric_or_error(col, path=p, column=name, line_offset=lines)
        if name in required and np.isnan(vals).any():
            row = int(np.flatnonzero(np.isnan(vals))[0])
            raise LoadError(
                f"log {where(p)}: line {lines(row)}, column {name!r}: empty (or NaN); every row "
                "needs a number there"
            )
        out[name] = vals
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


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
    text columns left out). Several files (one per vectorised env,
    ``0.monitor.csv``, ``1.monitor.csv`` ...) are one run: their episodes are
    merged as SB3's ``load_results`` does (sorted by ``t_start + t``, then the
    cumulative sum of ``l``). The comment line's ``env_id`` becomes the column
    ``env_id``.

    A bad comment line, header or row raises :class:`~vegafigs.LoadError` naming
    the file and line; an incomplete last line (run killed mid-write) is dropped
    with a warning. Wall times ``t`` that go back within a file (needed in order
    when ``step`` is ``"t"`` or several files are merged) and several files
    without ``t_start`` are a :class:`~vegafigs.LoadError` too.

    Parameters
    ----------
    path_or_paths : str or os.PathLike, or a sequence of them
        One Monitor file (``monitor.csv``, ``0.monitor.csv``), or the Monitor
        files of one run's vectorised envs (at least one).
    run : str, optional
        The run name of every row; default ``None``: the file stem (several
        files: the name of their common folder, else the first file's stem).
    step : {"timesteps", "episodes", "t", "walltime"}, optional
        The x: ``"timesteps"`` (the default, ``None``: the cumulative sum of
        ``l``, as in the RL Zoo's plots), ``"episodes"`` (1..N) or ``"t"`` /
        ``"walltime"`` (seconds since ``t_start``). ``df.attrs["x"]`` is
        ``"timesteps"``, ``"episodes"`` or ``"t"``.

    Returns
    -------
    pandas.DataFrame
        The tidy frame ``run, step, metric, value`` (plus ``env_id`` when the
        comment line names one), sorted by run, metric, step.

    Examples
    --------
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
    metrics = [c for c in episodes.columns if c not in ("t", "_file", "_row")]
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
    def __init__(
        self, path: Path, head: dict, episodes: pd.DataFrame, lines: Callable[[int], int]
    ) -> None:
        self.path = path
        self.head = head
        self.episodes = episodes
        self.lines = lines


def _monitor_file(p: Path) -> _Monitor:
    """One Monitor file: its comment-line JSON and its episodes (floats; r, l, t checked)."""
    head = _monitor_head(p, _first_line(p))
    df, lines = read_log_csv(p, expected="an SB3 Monitor log", comments=True)
    at = lines.head.line
    if [str(c) for c in df.columns[:3]] != ["r", "l", "t"]:
        raise LoadError(
            f"log {where(p)}: line {at}: expected the Monitor header 'r,l,t[,info keywords]', "
            f"got {','.join(map(str, df.columns))!r}"
        )
    if df.empty:
        raise LoadError(f"log {where(p)}: no episodes (the Monitor file has only its header)")
    num = numbers(p, df, lines, required=("r", "l", "t"))
    length = num["l"].to_numpy()
    bad = ~np.isfinite(length) | (length < 0) | (length != np.round(length))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise LoadError(
            f"log {where(p)}: line {lines(row)}, column 'l': episode length {length[row]:g}; "
            "expected a whole number >= 0"
        )
    num["_row"] = np.arange(len(num))
    return _Monitor(p, head, num, lines)


def _first_line(p: Path) -> str:
    """Line 1 of ``p`` (the Monitor comment), decoded; an empty file raises."""
    with open(p, "rb") as fh:
        raw = fh.readline()
    if not raw.strip():
        raise LoadError(f"log {where(p)}: empty file; expected an SB3 Monitor log")
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise LoadError(f"log {where(p)}: line 1: not UTF-8 text ({exc.reason})") from exc


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
            f"log {where(m.path)}: line {m.lines(i + 1)}: t goes back from "
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
        return eps.drop(columns="_row"), env
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
    eps = eps.sort_values(["t", "_file", "_row"], kind="mergesort").reset_index(drop=True)
    env = np.array([ids[k] for k in eps["_file"]], dtype=object) if has_ids else None
    return eps.drop(columns=["_file", "_row"]), env


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

    Every numeric column other than the x is a metric at its own rows: an empty
    cell is a key that row did not log (rollout rows have no ``eval/*`` values
    and evaluation rows no ``rollout/*`` ones). ``time/total_timesteps`` is
    never a metric. Text columns are left out; ``True`` / ``False`` are 1 / 0.
    Rows with values but no x are dropped with a warning.

    SB3 rewrites the whole file with a longer header when a new key appears
    (earlier rows padded with empty cells), so one header covers every row; a
    row of another width is malformed (:class:`~vegafigs.LoadError` naming the
    line) unless it is the unterminated last line, which is dropped.

    Parameters
    ----------
    path : str or os.PathLike
        The ``progress.csv`` written by SB3's logger
        (``configure(folder, ["csv"])``).
    run : str, optional
        The run name of every row; default ``None``: the file stem.
    step : str, optional
        The x column; default ``None``: ``time/total_timesteps``. Another column
        (e.g. ``"time/iterations"``) must hold numbers. ``df.attrs["x"]`` is the
        column used.

    Returns
    -------
    pandas.DataFrame
        The tidy frame ``run, step, metric, value``, sorted by run, metric, step.

    Examples
    --------
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
    df, lines = read_log_csv(p, expected="an SB3 progress.csv")
    x = SB3_X if step is None else step
    header = [str(c) for c in df.columns]
    if x not in header:
        near = [c for c in header if c.startswith("time/")] or header
        shown = ", ".join(map(repr, near[:8])) + (", ..." if len(near) > 8 else "")
        raise LoadError(f"log {where(p)}: no x column {x!r}; pass step= / --x one of {shown}")
    if df.empty:
        raise LoadError(f"log {where(p)}: no logged values (only the header)")
    num = numbers(p, df, lines)
    if x not in num.columns:
        raise LoadError(f"log {where(p)}: column {x!r} holds no numbers; it cannot be the x")
    steps = step_or_error(df[x], path=p, column=x, line_offset=lines)
    metrics = [c for c in num.columns if c not in (x, SB3_X)]
    warn_no_x(p, num, steps, metrics, lines, x)
    out = tidy(num, steps, metrics, run=run if run is not None else p.stem, path=p)
    out.attrs["x"] = x
    return out


def warn_no_x(
    p: Path,
    num: pd.DataFrame,
    steps: np.ndarray,
    metrics: list[str],
    lines: Callable[[int], int],
    x: str,
) -> None:
    """Warn about rows that logged values but have no x (they cannot be placed)."""
    if not metrics:
        return
    lost = ~np.isfinite(steps.astype(float)) & num[metrics].notna().any(axis=1).to_numpy()
    if lost.any():
        rows = np.flatnonzero(lost)
        shown = ", ".join(str(lines(int(r))) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        warnings.warn(
            f"log {where(p)}: {len(rows)} row(s) with values but no {x!r} dropped "
            f"(line {shown}); pass step= / --x another column to keep them",
            stacklevel=3,
        )
