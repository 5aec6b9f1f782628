"""Loaders: training logs of many formats -> one tidy frame ``run, step, metric, value``;
steering run folders -> :class:`~vegafigs.io.kl_runs.KLRuns`.

>>> import pandas as pd, vegafigs as vf
>>> for seed in (0, 1):
...     log = pd.DataFrame({"step": [0, 10], "reward": [0.1, 0.5 + seed]})
...     log.to_csv(f"seed{seed}.csv", index=False)
>>> vf.io.load(["seed0.csv", "seed1.csv"])
     run  step  metric  value
0  seed0     0  reward    0.1
1  seed0    10  reward    0.5
2  seed1     0  reward    0.1
3  seed1    10  reward    1.5

One module per format family: :mod:`~vegafigs.io.tabular` (CSV, JSON Lines,
Parquet; wide or long), :mod:`~vegafigs.io.trainer_state` (Hugging Face),
:mod:`~vegafigs.io.wandb` (W&B CSV export), :mod:`~vegafigs.io.tensorboard`
(event files, through the optional ``tbparse``). :func:`~vegafigs.io.scan` reads the
table formats lazily (DuckDB; Parquet dataset folders and globs too) without loading rows.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import open_check
from vegafigs.io._detect import DETECTED, detect_format
from vegafigs.io._merge import (
    MERGES,
    across_files_error,
    check_merge,
    combine,
    keys_of,
    repeated,
    sort_keys,
    tidy_columns,
    within_file_error,
)
from vegafigs.io._runs import checkpoint_key, run_names
from vegafigs.io.console import load_console
from vegafigs.io.kl_runs import KLRuns, load_kl_runs
from vegafigs.io.rllib import load_rllib
from vegafigs.io.sb3 import load_monitor, load_sb3_progress
from vegafigs.io.scan import scan, scan_info
from vegafigs.io.tabular import Progress, load_csv, load_jsonl, load_parquet
from vegafigs.io.tensorboard import load_tensorboard
from vegafigs.io.trainer_state import load_trainer_state
from vegafigs.io.wandb import load_wandb_csv

__all__ = [
    "FORMATS",
    "MERGES",
    "KLRuns",
    "detect_format",
    "load",
    "load_console",
    "load_csv",
    "load_jsonl",
    "load_kl_runs",
    "load_monitor",
    "load_parquet",
    "load_rllib",
    "load_sb3_progress",
    "load_tensorboard",
    "load_trainer_state",
    "load_wandb_csv",
    "scan",
    "scan_info",
]

#: Format names accepted by ``load(..., format=)`` (``--format``).
FORMATS = DETECTED

PathLike = str | os.PathLike[str]


def _size(p: Path) -> int:
    if p.is_dir():
        return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    return p.stat().st_size if p.exists() else 0


Logs = PathLike | Sequence[PathLike] | Mapping[str, PathLike | Sequence[PathLike]]


def load(
    logs: Logs,
    *,
    step: str | None = None,
    format: str | None = None,
    merge: str | None = None,
    ids: Sequence[str] | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Load one or more logs into one tidy frame ``run, step, metric, value[, ids...]``.

    A file's run is its ``run`` column, else its stem; a stem every run writes
    (``trainer_state``, ``progress``, ``monitor``, ``result``, tfevents ...) is
    replaced by the nearest folder that is not a checkpoint folder
    (``checkpoint-500``, ``global_step_100``). Two files that would get one name
    are told apart by their folders (``a/seed0``, ``b/seed0``), never merged;
    copies of one file in several checkpoint folders are one run, read from the
    latest checkpoint (a ``UserWarning`` if an earlier one is not a prefix of it).
    Several files under one name are one run (workers).

    Identifier columns of a table (text columns such as ``env`` / ``method``,
    integer columns named like ``seed``, and the ``ids`` given) are kept as
    columns after ``value`` (``df.attrs["ids"]``). Nothing is averaged silently:
    a (run, metric, ids, step) logged twice, in one table or by several files of
    one run, is a :class:`~vegafigs.LoadError` saying how many steps repeat and
    which columns look like grouping columns, unless ``merge`` says how to
    combine them. Every file is read and checked before anything is returned: a
    bad file raises :class:`~vegafigs.LoadError` naming the file and the line or
    key.

    Parameters
    ----------
    logs : path, sequence of paths or mapping
        What to load: a path (a log file, or a TensorBoard log folder), a list of
        paths, or ``{run: path or [paths]}`` naming the runs yourself. A file
        given twice is a :class:`~vegafigs.LoadError`.
    step : str, optional
        The x column (or key) of the logs; default ``None``: detected per format
        (``step``, ``global_step``, ``_step`` ... for tables, the format's own
        for the others). For SB3 Monitor files it is one of ``"timesteps"``,
        ``"episodes"``, ``"t"`` / ``"walltime"`` (see
        :func:`~vegafigs.io.load_monitor`). For ``trainer_state.json`` it is
        ``"step"`` or ``"epoch"`` (the ``log_history`` keys); TensorBoard logs
        have only ``"step"``. A name the format does not have is a
        :class:`~vegafigs.LoadError`, never ignored. ``df.attrs["x"]`` records
        the one used.
    format : str, optional
        The format of every file, one of :data:`~vegafigs.io.FORMATS`; default
        ``None``: detected from each file's content and name
        (:func:`~vegafigs.io.detect_format`).
    merge : {"mean", "last", "first"}, optional
        How rows repeating a (run, metric, ids, step) are combined: their mean,
        or the last / first one in file and row order. Default ``None``: a
        repeat is an error.
    ids : sequence of str, optional
        Columns kept as identifier columns (e.g. ``["seed"]``) besides those
        found automatically; each must be a column of every file loaded
        (else :class:`~vegafigs.LoadError`). ``"run"`` is always the run.
        Default ``None``: only the automatic ones.
    progress : bool, optional
        Show a tqdm progress bar of the bytes read on stderr (default ``False``;
        no bar when stderr is not a terminal).

    Returns
    -------
    pandas.DataFrame
        Columns ``run, step, metric, value`` and the identifier columns, sorted by
        run, metric, ids, step; ``df.attrs`` records ``"x"`` (the step column
        used), ``"ids"`` and ``"text"`` (text columns that are not identifiers).

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("w0.jsonl").write_text('{"step": 0, "loss": 1.0}\\n{"step": 1, "loss": 0.8}\\n')
    >>> _ = Path("w1.jsonl").write_text('{"step": 1, "loss": 0.6}\\n')
    >>> _ = Path("ours.csv").write_text("step,loss\\n0,0.9\\n1,0.5\\n")
    >>> load({"baseline": ["w0.jsonl", "w1.jsonl"], "ours": "ours.csv"}, merge="mean")
            run  step metric  value
    0  baseline     0   loss    1.0
    1  baseline     1   loss    0.7
    2      ours     0   loss    0.9
    3      ours     1   loss    0.5
    """
    jobs = _jobs(logs)
    if format is not None and format not in FORMATS:
        raise LoadError(f"format: got {format!r}; expected one of {', '.join(FORMATS)}")
    check_merge(merge)
    given = _checked_ids(ids)
    for _, p in jobs:
        _check_path(p)
    # Each file's format, detected once (its first 64 KB): naming and loading both use it.
    formats = {p: format or detect_format(p) for _, p in jobs}
    runs = _runs(jobs, formats)
    bar = None
    if progress:
        from tqdm import tqdm

        total = sum(_size(p) for run in runs for p in run.files)
        bar = tqdm(
            total=total, unit="B", unit_scale=True, desc="loading logs", leave=False, disable=None
        )  # disable=None: no bar when stderr is not a terminal
    try:
        frames = [_load_run(run, step=step, formats=formats, ids=given, merge=merge, bar=bar)
                  for run in runs]  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
    return _combine([f for fs in frames for f in fs], [p for r in runs for p in r.files], merge)


@dataclass(frozen=True)
class _Run:
    """The files of one run: ``name`` None when each file names its own run(s)."""

    name: str | None
    files: tuple[Path, ...]
    explicit: bool
    earlier: tuple[Path, ...] = ()  # earlier checkpoints of ``files[0]``


def _jobs(logs: Logs) -> list[tuple[str | None, Path]]:
    """``(run name or None, path)`` for every file of ``load``'s ``logs``."""
    jobs: list[tuple[str | None, Path]] = []
    try:
        if isinstance(logs, Mapping):
            for run, paths in logs.items():
                items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
                if not items:
                    raise LoadError(f"logs[{run!r}]: no files given")
                jobs.extend((str(run), Path(p)) for p in items)
        elif isinstance(logs, (str, os.PathLike)):
            jobs.append((None, Path(logs)))
        else:
            jobs.extend((None, Path(p)) for p in logs)
    except TypeError as exc:
        raise LoadError(
            f"logs: expected a path, a list of paths or {{run: path(s)}}, got {logs!r}"
        ) from exc
    if not jobs:
        raise LoadError("logs: no files given")
    seen: set[Path] = set()
    for _, p in jobs:
        if p.absolute() in seen:
            raise LoadError(f"log {str(p)!r}: given twice; each file is read once")
        seen.add(p.absolute())
    return jobs


def _check_path(p: Path) -> None:
    """:class:`LoadError` unless ``p`` is a readable regular file or a folder."""
    open_check(p, folder_ok=True)  # before anything opens it (a FIFO would block)


def _checked_ids(ids: Sequence[str] | None) -> list[str]:
    if ids is None:
        return []
    if isinstance(ids, str) or not all(isinstance(c, str) for c in ids):
        raise LoadError(f"ids: expected a list of column names, got {ids!r}")
    return list(dict.fromkeys(ids))


def _latest(paths: Sequence[Path]) -> list[tuple[Path, tuple[Path, ...]]]:
    """Each file with its earlier checkpoints; copies in checkpoint folders become one."""
    groups: dict[str, list[tuple[float, Path]]] = {}
    for p in paths:
        key, number = checkpoint_key(p)
        groups.setdefault(key, []).append((number, p))
    out = []
    for members in groups.values():
        members.sort(key=lambda m: m[0])
        out.append((members[-1][1], tuple(p for _, p in members[:-1])))
    return out


def _monitor_folders(paths: Sequence[Path], formats: Mapping[Path, str]) -> list[tuple[Path, ...]]:
    """The SB3 Monitor files of each folder holding more than one."""
    by_folder: dict[Path, list[Path]] = {}
    for p in paths:
        if p.is_file() and formats[p] == "monitor":
            by_folder.setdefault(p.absolute().parent, []).append(p)
    return [tuple(ps) for ps in by_folder.values() if len(ps) > 1]


def _runs(jobs: Sequence[tuple[str | None, Path]], formats: Mapping[Path, str]) -> list[_Run]:
    """The runs of ``jobs``: plain files named by :func:`run_names`, named ones grouped.

    Plain SB3 Monitor files of one folder (``0.monitor.csv``, ``1.monitor.csv``: one
    per vectorised env) are one run, named by the folder.
    """
    plain = _latest([p for run, p in jobs if run is None])
    folders = _monitor_folders([p for p, earlier in plain if not earlier], formats)
    grouped = {p for ps in folders for p in ps}
    plain = [(p, e) for p, e in plain if p not in grouped]
    names = run_names([*(p for p, _ in plain), *(ps[0].parent for ps in folders)])
    runs = [_Run(n, (p,), False, e) for n, (p, e) in zip(names, plain, strict=False)]
    runs.extend(_Run(n, ps, False) for n, ps in zip(names[len(plain) :], folders, strict=True))
    named: dict[str, list[Path]] = {}
    for run, p in jobs:
        if run is not None:
            named.setdefault(run, []).append(p)
    for run, paths in named.items():
        latest = _latest(paths)
        if len(latest) == 1:
            runs.append(_Run(run, (latest[0][0],), True, latest[0][1]))
        else:
            runs.append(_Run(run, tuple(p for p, _ in latest), True))
    return runs


def _load_run(
    run: _Run,
    *,
    step: str | None,
    formats: Mapping[Path, str],
    ids: list[str],
    merge: str | None,
    bar: Any,
) -> list[pd.DataFrame]:
    """The frames of ``run``'s files, each checked for repeated steps."""
    kinds = [formats[p] for p in run.files]
    if len(run.files) > 1 and set(kinds) == {"monitor"}:
        # SB3 writes one Monitor file per vectorised env: one run's episodes, merged in time.
        frame = _monitor_ids(load_monitor(list(run.files), run=run.name, step=step))
        return [_checked(_with_ids(frame, ids, run.files[0]), run.files[0], merge)]
    out = []
    for p, f in zip(run.files, kinds, strict=True):
        before = bar.n if bar is not None else 0
        frame = _load_one(p, f, run=_run_for(run, f), step=step, ids=ids,
                          tick=bar.update if bar is not None else None)  # fmt: skip
        if bar is not None:
            bar.update(max(0, before + _size(p) - bar.n))
        out.append(_checked(_with_ids(frame, ids, p), p, merge))
    if run.earlier:
        _check_prefix(out[0], run, fmt=kinds[0], step=step, ids=ids)
    return out


def _monitor_ids(frame: pd.DataFrame) -> pd.DataFrame:
    """A Monitor frame's ``env_id`` column is an identifier (colour by env with --series)."""
    if "env_id" in frame.columns:
        frame.attrs["ids"] = [*frame.attrs.get("ids", ()), "env_id"]
    return frame


def _run_for(run: _Run, fmt: str) -> str | None:
    """The run name a loader gets: W&B exports and TensorBoard folders name their runs."""
    if not run.explicit and (fmt == "wandb" or (fmt == "tensorboard" and run.files[0].is_dir())):
        return None
    return run.name


def _with_ids(frame: pd.DataFrame, ids: list[str], path: Path) -> pd.DataFrame:
    """``frame`` with ``attrs["ids"]`` checked against the ``ids`` asked for."""
    missing = [c for c in ids if c != "run" and c not in frame.columns]
    if missing:
        raise LoadError(
            f"log {str(path)!r}: no column(s) {missing} to keep as ids (ids= / --series / "
            f"--seed / --facet); it has {list(frame.columns)}"
        )
    have = list(frame.attrs.get("ids", ()))
    frame.attrs["ids"] = [*have, *[c for c in ids if c != "run" and c not in have]]
    return frame


def _checked(frame: pd.DataFrame, path: Path, merge: str | None) -> pd.DataFrame:
    """``frame``; a step repeated within it is an error unless ``merge`` says how to combine."""
    if merge is not None:
        return frame
    keys = keys_of(frame, frame.attrs.get("ids", ()))
    data = frame if len(keys) == 3 else sort_keys(frame, keys)
    data.attrs = dict(frame.attrs)
    rep = repeated(data, keys)
    if rep.any():
        raise within_file_error(data, rep, path=path)
    return data


def _check_prefix(
    latest: pd.DataFrame, run: _Run, *, fmt: str, step: str | None, ids: list[str]
) -> None:
    """Warn when an earlier checkpoint's history is not a prefix of the latest one."""
    cols = ["metric", "step", "value"]
    have = latest[cols]
    for p in run.earlier:
        old = _load_one(p, fmt, run=run.name, step=step, ids=ids, tick=None)[cols]
        both = old.merge(have, on=["metric", "step"], how="left", suffixes=("", "_latest"))
        differ = ~np.isclose(both["value"], both["value_latest"], equal_nan=False)
        if differ.any():
            warnings.warn(
                f"log {str(p)!r}: an earlier checkpoint of run {run.name!r} that is not a "
                f"prefix of the latest one ({str(run.files[0])!r}): {int(differ.sum())} of its "
                f"{len(old)} values differ or are missing there; using the latest",
                UserWarning,
                stacklevel=4,
            )


def _combine(frames: list[pd.DataFrame], files: list[Path], merge: str | None) -> pd.DataFrame:
    """One frame of all files: repeats across files checked or merged, attrs recorded."""
    if not frames:
        raise LoadError("logs: nothing to load")
    ids = list(dict.fromkeys(c for f in frames for c in f.attrs.get("ids", ())))
    xs = {f.attrs.get("x", "step") for f in frames}
    text = list(dict.fromkeys(c for f in frames for c in f.attrs.get("text", ())))
    if len(frames) == 1 and merge is None:
        df = frames[0]
    else:
        df = pd.concat([f.assign(_file=i) for i, f in enumerate(frames)], ignore_index=True)
        keys = keys_of(df, ids)
        df = sort_keys(df, keys)
        df.attrs = {"ids": ids, "text": text}
        if merge is not None:
            df = combine(df.drop(columns="_file"), keys, merge)
        else:
            rep = repeated(df, keys)
            if rep.any():
                raise across_files_error(df, rep, [Path(f) for f in _file_names(frames, files)])
            df = df.drop(columns="_file")
    columns = tidy_columns(df)
    if list(df.columns) != columns:
        df = df[columns]
    if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0:
        df = df.reset_index(drop=True)
    df.attrs = {"x": xs.pop() if len(xs) == 1 else "step", "ids": ids, "text": text}
    return df


def _file_names(frames: list[pd.DataFrame], files: list[Path]) -> list[Path]:
    return files if len(files) == len(frames) else [Path(f"file {i}") for i in range(len(frames))]


def _load_one(
    p: Path,
    fmt: str,
    *,
    run: str | None,
    step: str | None,
    ids: Sequence[str] = (),
    tick: Progress | None,
) -> pd.DataFrame:
    """One log of format ``fmt`` as a tidy frame (``tick(n)`` reports bytes read)."""
    if fmt == "csv":
        return load_csv(p, run=run, step=step, ids=ids, progress=tick)
    if fmt == "jsonl":
        return load_jsonl(p, run=run, step=step, ids=ids, progress=tick)
    if fmt == "parquet":
        return load_parquet(p, run=run, step=step, ids=ids)
    if fmt == "trainer_state":
        return load_trainer_state(p, run=run, step=step)
    if fmt == "console":
        return load_console(p, run=run, step=step)
    if fmt == "monitor":
        return _monitor_ids(load_monitor(p, run=run, step=step))
    if fmt == "sb3":
        return load_sb3_progress(p, run=run, step=step)
    if fmt == "rllib":
        return load_rllib(p, run=run, step=step)
    if fmt == "wandb":
        df = load_wandb_csv(p, step=step)
        if run is not None:
            df["run"] = run
        return df
    return load_tensorboard(p, run=run, step=step)
