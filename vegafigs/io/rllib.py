"""RLlib / Ray Tune results: ``result.json`` (JSON lines) and ``progress.csv``.

Tune's JSON logger writes one JSON object per training iteration to
``result.json``; nested dicts (``env_runners``, ``info/learner/<policy>/learner_stats``,
``timers`` ...) are flattened here with ``/`` as Tune's CSV logger does for
``progress.csv``, so both files give the same metric names, e.g.
``env_runners/episode_return_mean`` or
``info/learner/default_policy/learner_stats/policy_loss``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import open_check, step_or_error, where
from vegafigs.io.sb3 import numbers, read_log_csv, tidy, warn_no_x
from vegafigs.io.tabular import _json_records

__all__ = ["is_rllib_columns", "is_rllib_record", "load_rllib"]

#: Default x columns, in order of preference (old API stack, new API stack, any Tune run).
RLLIB_X = (
    "timesteps_total",
    "num_env_steps_sampled_lifetime",
    "env_runners/num_env_steps_sampled_lifetime",
    "training_iteration",
)
#: Tune's bookkeeping keys: ids, host, clock time and restore-relative copies of counters.
#: ``time_this_iter_s``, ``time_total_s``, ``episodes_total`` ... stay metrics.
BOOKKEEPING = frozenset(
    {
        "trial_id",
        "experiment_id",
        "experiment_tag",
        "trainable_name",
        "date",
        "timestamp",
        "pid",
        "hostname",
        "node_ip",
        "done",
        "should_checkpoint",
        "checkpoint_dir_name",
        "time_since_restore",
        "timesteps_since_restore",
        "iterations_since_restore",
    }
)
#: Subtrees that are not metrics (the trial's hyperparameters).
SKIP_TREES = ("config",)


def is_rllib_record(obj: object) -> bool:
    """True when a JSON object looks like one Tune / RLlib training result.

    >>> is_rllib_record({"training_iteration": 1, "time_this_iter_s": 2.5, "trial_id": "a1"})
    True
    >>> is_rllib_record({"step": 1, "loss": 0.5})
    False
    """
    return isinstance(obj, dict) and is_rllib_columns(obj.keys())


def is_rllib_columns(columns: Iterable[str]) -> bool:
    """True when a CSV header looks like Tune / RLlib's ``progress.csv``.

    >>> is_rllib_columns(["training_iteration", "time_this_iter_s", "timesteps_total"])
    True
    >>> is_rllib_columns(["time/total_timesteps", "rollout/ep_rew_mean"])
    False
    """
    cols = {str(c).strip() for c in columns}
    return "training_iteration" in cols and bool(
        cols & {"trial_id", "time_this_iter_s", "time_total_s", "timesteps_total"}
    )


def load_rllib(
    path: str | os.PathLike[str], *, run: str | None = None, step: str | None = None
) -> pd.DataFrame:
    """An RLlib / Tune ``result.json`` or ``progress.csv`` -> tidy ``run, step, metric, value``.

    ``result.json`` holds one JSON object per line: nested dicts are flattened
    with ``/``; numbers are metrics, ``true`` / ``false`` are 1 / 0, and lists,
    strings and ``null`` are left out, as is the ``config`` subtree. A
    ``progress.csv`` (the same keys, one row per iteration) is read alike; the
    file kind comes from the suffix (``.csv`` / ``.json``), else the content.
    Tune's bookkeeping keys (``trial_id``, ``date``, ``timestamp``, ``pid``,
    ``hostname``, ``node_ip``, ``done``, the ``*_since_restore`` counters ...) are
    not metrics; ``time_this_iter_s`` and ``time_total_s`` are. Keys missing from
    an iteration are not logged there.

    A line that is not a JSON object, or nested too deeply, raises
    :class:`~vegafigs.LoadError` naming the line; an incomplete last line (run
    killed mid-write) is dropped with a warning.

    Parameters
    ----------
    path : str or os.PathLike
        A trial's ``result.json`` (JSON lines) or ``progress.csv``.
    run : str, optional
        The run name of every row; default ``None``: the file stem.
    step : str, optional
        The x key, a flattened name holding numbers (e.g. ``"training_iteration"``);
        default ``None``: the first of ``timesteps_total``,
        ``num_env_steps_sampled_lifetime`` (new API stack),
        ``env_runners/num_env_steps_sampled_lifetime`` and ``training_iteration``
        holding a number. ``df.attrs["x"]`` is its name.

    Returns
    -------
    pandas.DataFrame
        The tidy frame ``run, step, metric, value``, sorted by run, metric, step.

    Examples
    --------
    >>> import json
    >>> from pathlib import Path
    >>> rows = [{"training_iteration": i, "timesteps_total": 4000 * i,
    ...          "env_runners": {"episode_return_mean": 10.0 * i}, "hostname": "n1",
    ...          "config": {"lr": 5e-5}} for i in (1, 2)]
    >>> _ = Path("result.json").write_text("".join(json.dumps(r) + "\\n" for r in rows))
    >>> df = load_rllib("result.json")
    >>> df[df.metric == "env_runners/episode_return_mean"]
          run  step                           metric  value
    0  result  4000  env_runners/episode_return_mean   10.0
    1  result  8000  env_runners/episode_return_mean   20.0
    >>> df.attrs["x"]
    'timesteps_total'
    """
    p = open_check(path)
    num, lines = _json_table(p) if _is_json(p) else _csv_table(p)
    x = _pick_x(p, num, step)
    steps = step_or_error(num[x], path=p, column=x, line_offset=lines)
    metrics = [c for c in num.columns if c != x and not _bookkeeping(c)]
    warn_no_x(p, num, steps, metrics, lines, x)
    df = tidy(num, steps, metrics, run=run if run is not None else p.stem, path=p)
    df.attrs["x"] = x
    return df


def _is_json(p: Path) -> bool:
    """JSON lines by the suffix (``.json`` / ``.jsonl``), else by a first ``{``."""
    suffix = p.suffix.lower()
    if suffix in (".json", ".jsonl", ".csv"):
        return suffix != ".csv"
    with open(p, "rb") as fh:
        start = fh.read(4096)
    return start.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"{")


def _bookkeeping(name: str) -> bool:
    return (
        name in BOOKKEEPING
        or name.startswith("__")
        or any(name.startswith(t + "/") for t in SKIP_TREES)
    )


def _pick_x(p: Path, num: pd.DataFrame, step: str | None) -> str:
    if step is not None:
        if step not in num.columns:
            near = [c for c in RLLIB_X if c in num.columns] or sorted(num.columns)
            shown = ", ".join(map(repr, near[:8])) + (", ..." if len(near) > 8 else "")
            raise LoadError(f"log {where(p)}: no numeric x column {step!r}; candidates: {shown}")
        return step
    for name in RLLIB_X:
        if name in num.columns and num[name].notna().any():
            return name
    raise LoadError(
        f"log {where(p)}: no x column (looked for {', '.join(RLLIB_X)}); pass step= / --x "
        "one of its numeric keys"
    )


def _csv_table(p: Path) -> tuple[pd.DataFrame, Callable[[int], int]]:
    df, lines = read_log_csv(p, expected="an RLlib / Tune progress.csv")
    if df.empty:
        raise LoadError(f"log {where(p)}: no logged values (only the header)")
    return numbers(p, df, lines, skip=_bookkeeping), lines


def _json_table(p: Path) -> tuple[pd.DataFrame, Callable[[int], int]]:
    """One flattened record per JSON line (floats, NaN where a key is absent) + lines."""
    objs, lines = _json_records(p, None)
    if not objs:
        what = "empty file" if p.stat().st_size == 0 else "no JSON records (only blank lines)"
        raise LoadError(f"log {where(p)}: {what}; expected an RLlib / Tune result.json")
    records = [_flatten(obj, p=p, line=line) for obj, line in zip(objs, lines, strict=True)]
    return pd.DataFrame.from_records(records).astype(float), lines.__getitem__


def _flatten(obj: dict, *, p: Path, line: int) -> dict[str, float]:
    """Numbers (bools as 0/1) of a nested dict, keys joined with ``/``; no recursion."""
    out: dict[str, float] = {}
    stack: list[tuple[str, dict]] = [("", obj)]
    while stack:
        prefix, d = stack.pop()
        for k, v in d.items():
            key = f"{prefix}{k}"
            if isinstance(v, dict):
                if not (prefix == "" and k in SKIP_TREES):
                    stack.append((key + "/", v))
            elif isinstance(v, (bool, int, float)):
                try:
                    out[key] = float(v)
                except OverflowError as exc:
                    raise LoadError(
                        f"log {where(p)}: line {line}, key {key!r}: {str(v)[:20]}... is too "
                        "large for a float"
                    ) from exc
    return out
