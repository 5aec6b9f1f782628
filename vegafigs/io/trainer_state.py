"""Hugging Face ``transformers`` ``trainer_state.json`` logs (its ``log_history``)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import check_header, finish, open_check, where
from vegafigs.io.tabular import parse_json

#: log_history keys that are not metrics (and the keys ``step=`` may name).
SKIP_KEYS = frozenset({"step", "epoch"})


def load_trainer_state(
    path: str | os.PathLike[str], *, run: str | None = None, step: str | None = None
) -> pd.DataFrame:
    """``trainer_state.json`` -> tidy ``run, step, metric, value`` from ``log_history``.

    Every numeric key of every ``log_history`` entry except ``step`` / ``epoch``
    becomes a metric at that entry's ``step`` (or ``epoch``, see ``step``;
    train and eval entries alike); ``true`` / ``false`` values are 1 / 0, as in
    every loader. ``NaN`` values are dropped (not logged); ``Infinity`` is
    kept, as by the other loaders. A ``step`` other than ``"step"`` /
    ``"epoch"``, a missing ``log_history`` key, an entry without that key, a
    step beyond int64, a key given twice, JSON nested too deeply or not valid
    JSON raise :class:`~vegafigs.LoadError` naming the file and key or line.

    Parameters
    ----------
    path : str or os.PathLike
        The ``trainer_state.json`` of a Hugging Face ``Trainer`` run (in its
        output dir or a ``checkpoint-*`` folder).
    run : str, optional
        The run name of every row; default ``None``: the name of the folder
        holding the file (e.g. the output dir name).
    step : {"step", "epoch"}, optional
        The ``log_history`` key the entries are placed at: ``"step"`` (the
        global step, default ``None`` too) or ``"epoch"`` (fractional epochs);
        any other key is a :class:`~vegafigs.LoadError`.

    Returns
    -------
    pandas.DataFrame
        The tidy frame ``run, step, metric, value``, sorted by run, metric, step;
        the ``step`` column holds the key chosen, ``df.attrs["x"]`` names it.

    Examples
    --------
    >>> import json
    >>> from pathlib import Path
    >>> state = {"log_history": [{"step": 10, "epoch": 0.1, "loss": 1.2},
    ...                          {"step": 20, "epoch": 0.2, "loss": 0.9, "eval_acc": 0.4}]}
    >>> Path("checkpoint-500").mkdir()
    >>> _ = Path("checkpoint-500/trainer_state.json").write_text(json.dumps(state))
    >>> load_trainer_state("checkpoint-500/trainer_state.json")
                  run  step    metric  value
    0  checkpoint-500    20  eval_acc    0.4
    1  checkpoint-500    10      loss    1.2
    2  checkpoint-500    20      loss    0.9
    """
    p = open_check(path)
    x = _step_key(step, p)
    name = run if run is not None else (p.parent.name or p.stem)
    history = _log_history(p)
    rows = []
    for i, entry in enumerate(history):
        at = _entry_step(entry, i, path=p, key=x)
        for key, value in entry.items():
            if key in SKIP_KEYS:
                continue
            if isinstance(value, (int, float)) and not math.isnan(value):
                rows.append((name, at, key, float(value)))
    if not rows:
        raise LoadError(f"log {where(p)}: 'log_history' holds no numeric metrics")
    check_header(sorted({key for _, _, key, _ in rows}), path=p, line=None)
    df = pd.DataFrame(rows, columns=["run", "step", "metric", "value"])
    out = finish(df, path=p)
    out.attrs["x"] = x
    return out


def _step_key(step: object, p: Path) -> str:
    """The ``log_history`` key of ``step=`` (``None``: ``"step"``), or :class:`LoadError`."""
    if step is None:
        return "step"
    if step not in SKIP_KEYS:
        raise LoadError(
            f"step: got {step!r}; a trainer_state.json's log_history is indexed by 'step' or "
            f"'epoch' (log {where(p)}); pass step='step' (the default) or step='epoch'"
        )
    return str(step)


def _log_history(p: Path) -> list:
    """The ``log_history`` list of the JSON file ``p``, or :class:`LoadError`."""
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"log {where(p)}: not UTF-8 text ({exc.reason})") from exc
    if not text.strip():
        raise LoadError(f"log {where(p)}: empty file; expected a trainer_state.json")
    state = parse_json(text, path=p)
    if not isinstance(state, dict) or "log_history" not in state:
        raise LoadError(f"log {where(p)}: no key 'log_history' (not a trainer_state.json?)")
    history = state["log_history"]
    if not isinstance(history, list):
        raise LoadError(f"log {where(p)}: key 'log_history' must be a list")
    return history


def _entry_step(entry: object, i: int, *, path: Path, key: str = "step") -> int | float:
    """The ``key`` (``step`` / ``epoch``) of ``log_history[i]``, checked."""
    if not isinstance(entry, dict):
        raise LoadError(f"log {where(path)}: log_history[{i}] must be an object")
    if key not in entry:
        raise LoadError(f"log {where(path)}: log_history[{i}] has no key {key!r}")
    step = entry[key]
    if isinstance(step, bool) or not isinstance(step, (int, float)):
        raise LoadError(f"log {where(path)}: log_history[{i}][{key!r}] must be a number")
    if math.isfinite(step) and abs(step) >= 2**63:
        raise LoadError(
            f"log {where(path)}: log_history[{i}][{key!r}] = {step} is beyond the int64 range "
            f"(about ±9.2e18); expected a{'n epoch' if key == 'epoch' else ' step'} count"
        )
    return step
