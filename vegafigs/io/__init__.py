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
(event files, through the optional ``tbparse``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import merge_runs, open_check
from vegafigs.io.kl_runs import KLRuns, load_kl_runs
from vegafigs.io.tabular import Progress, load_csv, load_jsonl, load_parquet
from vegafigs.io.tensorboard import is_event_file, load_tensorboard
from vegafigs.io.trainer_state import load_trainer_state
from vegafigs.io.wandb import is_wandb_columns, load_wandb_csv

__all__ = [
    "FORMATS",
    "KLRuns",
    "detect_format",
    "load",
    "load_csv",
    "load_jsonl",
    "load_kl_runs",
    "load_parquet",
    "load_tensorboard",
    "load_trainer_state",
    "load_wandb_csv",
]

#: Format names accepted by ``load(..., format=)``.
FORMATS = ("csv", "jsonl", "parquet", "trainer_state", "wandb", "tensorboard")

PathLike = str | os.PathLike[str]


def detect_format(path: PathLike) -> str:
    """The format of ``path`` from its name (and a CSV's header for W&B exports)."""
    p = Path(path)
    name = p.name.lower()
    if p.is_dir() or is_event_file(p):
        return "tensorboard"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith(".json"):
        return "trainer_state"
    if name.endswith((".csv", ".tsv", ".txt")):
        try:
            with open(p, encoding="utf-8", errors="replace") as fh:
                header = fh.readline().strip()
        except OSError as exc:
            raise LoadError(f"log {str(p)!r}: cannot read ({exc.strerror})") from exc
        cols = [c.strip().strip('"') for c in header.split(",")]
        return "wandb" if is_wandb_columns(cols) else "csv"
    raise LoadError(
        f"log {str(p)!r}: cannot tell the format from the name; expected .csv, .jsonl, "
        ".parquet, trainer_state .json, a tfevents file or folder (or pass format=)"
    )


def _size(p: Path) -> int:
    if p.is_dir():
        return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    return p.stat().st_size if p.exists() else 0


def load(
    logs: PathLike | Sequence[PathLike] | Mapping[str, PathLike | Sequence[PathLike]],
    *,
    step: str | None = None,
    format: str | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Load one or more logs into one tidy frame ``run, step, metric, value``.

    ``logs`` is a path, a list of paths (each file's run comes from the file:
    its ``run`` column, or its stem), or ``{run: path or [paths]}`` naming runs;
    files / workers of the same run are merged by step (values logged by several
    files at the same step are averaged). Every file is read and checked before
    anything is returned: a bad file raises :class:`~vegafigs.LoadError` naming
    the file and the line or key. ``progress`` shows a tqdm bar (bytes read).

    >>> from pathlib import Path
    >>> _ = Path("w0.jsonl").write_text('{"step": 0, "loss": 1.0}\\n{"step": 1, "loss": 0.8}\\n')
    >>> _ = Path("w1.jsonl").write_text('{"step": 1, "loss": 0.6}\\n')
    >>> _ = Path("ours.csv").write_text("step,loss\\n0,0.9\\n1,0.5\\n")
    >>> load({"baseline": ["w0.jsonl", "w1.jsonl"], "ours": "ours.csv"})
            run  step metric  value
    0  baseline     0   loss    1.0
    1  baseline     1   loss    0.7
    2      ours     0   loss    0.9
    3      ours     1   loss    0.5
    """
    jobs = _jobs(logs)
    if format is not None and format not in FORMATS:
        raise LoadError(f"format: got {format!r}; expected one of {', '.join(FORMATS)}")
    for _, p in jobs:
        open_check(p, folder_ok=True)  # before anything opens it (a FIFO would block)
    bar = None
    if progress:
        from tqdm import tqdm

        total = sum(_size(p) for _, p in jobs)
        bar = tqdm(
            total=total, unit="B", unit_scale=True, desc="loading logs", leave=False, disable=None
        )  # disable=None: no bar when stderr is not a terminal
    frames = []
    try:
        for run, p in jobs:
            before = bar.n if bar is not None else 0
            tick = bar.update if bar is not None else None
            frames.append(_load_one(p, format or detect_format(p), run=run, step=step, tick=tick))
            if bar is not None:
                bar.update(max(0, before + _size(p) - bar.n))
    finally:
        if bar is not None:
            bar.close()
    return merge_runs(frames)


def _jobs(
    logs: PathLike | Sequence[PathLike] | Mapping[str, PathLike | Sequence[PathLike]],
) -> list[tuple[str | None, Path]]:
    """``(run name or None, path)`` for every file of ``load``'s ``logs``."""
    jobs: list[tuple[str | None, Path]] = []
    try:
        if isinstance(logs, Mapping):
            for run, paths in logs.items():
                items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
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
    return jobs


def _load_one(
    p: Path,
    fmt: str,
    *,
    run: str | None,
    step: str | None,
    tick: Progress | None,
) -> pd.DataFrame:
    """One log of format ``fmt`` as a tidy frame (``tick(n)`` reports bytes read)."""
    if fmt == "csv":
        return load_csv(p, run=run, step=step, progress=tick)
    if fmt == "jsonl":
        return load_jsonl(p, run=run, step=step, progress=tick)
    if fmt == "parquet":
        return load_parquet(p, run=run, step=step)
    if fmt == "trainer_state":
        return load_trainer_state(p, run=run)
    if fmt == "wandb":
        df = load_wandb_csv(p, step=step)
        if run is not None:
            df["run"] = run
        return df
    return load_tensorboard(p, run=run)
