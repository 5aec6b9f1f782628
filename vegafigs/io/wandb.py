"""Weights & Biases CSV exports: ``Step`` plus ``"<run> - <metric>"`` columns."""

from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import finish, numeric_or_error, open_check, step_or_error, where
from vegafigs.io._csv import no_rows, read_csv_frame

_COLUMN = re.compile(r"^(?P<run>.+?) - (?P<metric>.+?)(?P<kind>__MIN|__MAX)?$")
#: Step column names a W&B panel export uses.
STEP_NAMES = ("Step", "_step", "step", "global_step", "trainer/global_step")


def is_wandb_columns(columns: list[str]) -> bool:
    """True when the header looks like a W&B panel export."""
    return any(_COLUMN.match(c) for c in columns) and any(c in STEP_NAMES for c in columns)


def load_wandb_csv(path: str | os.PathLike[str], *, step: str | None = None) -> pd.DataFrame:
    """A W&B panel CSV export -> tidy ``run, step, metric, value, min, max``.

    Columns ``"<run> - <metric>"`` hold the (sampled) values; their ``__MIN`` /
    ``__MAX`` companions (W&B's min / max within each sampled bucket) become the
    ``min`` / ``max`` columns (NaN where absent). Empty cells are steps a run did
    not log (dropped); ±inf values are kept; ``True`` / ``False`` are 1 / 0. Read
    like any CSV log (:func:`vegafigs.io.load_csv`: header after comments, cut
    last line dropped, repeated column names and ragged rows refused). The runs
    are named by the column names; columns of another form are ignored.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file a W&B chart panel exports (its data as CSV).
    step : str, optional
        The step column; default ``None``: the first of ``Step``, ``_step``,
        ``step``, ``global_step``, ``trainer/global_step`` present.

    Returns
    -------
    pandas.DataFrame
        The tidy frame ``run, step, metric, value, min, max``, sorted by run,
        metric, step.

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("wandb_export.csv").write_text(
    ...     '"Step","ppo-1 - reward","ppo-1 - reward__MIN","ppo-1 - reward__MAX"\\n'
    ...     '"0","0.1","0.05","0.2"\\n"5","0.3","0.2","0.4"\\n')
    >>> load_wandb_csv("wandb_export.csv")
         run  step  metric  value   min  max
    0  ppo-1     0  reward    0.1  0.05  0.2
    1  ppo-1     5  reward    0.3  0.20  0.4
    """
    p = open_check(path)
    df, lines = read_csv_frame(p, expected="a W&B CSV export")
    columns = [str(c) for c in df.columns]
    found = [c for c in STEP_NAMES if c in columns]
    step_col = step if step is not None else (found[0] if found else None)
    if step_col is None or step_col not in columns:
        raise LoadError(
            f"log {where(p)}: no step column (looked for {', '.join(STEP_NAMES)}); "
            f"columns: {columns}"
        )
    if df.empty:
        raise no_rows(p, lines, expected="a W&B CSV export")
    steps = step_or_error(df[step_col], path=p, column=step_col, line_offset=lines)
    series: dict[tuple[str, str], dict[str, np.ndarray]] = {}
    for col in columns:
        if col == step_col:
            continue
        m = _COLUMN.match(col)
        if not m:
            continue
        kind = {"__MIN": "min", "__MAX": "max"}.get(m.group("kind") or "", "value")
        key = (m.group("run"), m.group("metric"))
        series.setdefault(key, {})[kind] = numeric_or_error(
            df[col], path=p, column=col, line_offset=lines
        )
    if not series:
        raise LoadError(
            f"log {where(p)}: no '<run> - <metric>' columns (not a W&B export?); columns: {columns}"
        )
    frames = []
    for (run, metric), parts in series.items():
        if "value" not in parts:
            raise LoadError(
                f"log {where(p)}: column {run + ' - ' + metric!r} missing; only its "
                "__MIN/__MAX companions are present"
            )
        nan = np.full(len(steps), np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "run": run,
                    "step": steps,
                    "metric": metric,
                    "value": parts["value"],
                    "min": parts.get("min", nan),
                    "max": parts.get("max", nan),
                }
            )
        )
    return finish(pd.concat(frames, ignore_index=True), path=p)
