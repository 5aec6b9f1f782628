"""Repeated (run, metric, step) rows (private): found, reported, combined only when asked.

A step logged twice for one run is ambiguous: two seeds or environments in one
table, workers of one run, a restarted run logging its steps again. Which one it
is only the user knows, so a repeat is a :class:`~vegafigs.LoadError` saying what
to pass, unless ``merge`` (``"mean"``, ``"last"``, ``"first"``) says how to combine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from vegafigs.errors import LoadError
from vegafigs.io._common import TIDY, where

#: How repeated rows may be combined (``load(..., merge=)``, ``--merge``).
MERGES = ("mean", "last", "first")


def check_merge(merge: str | None) -> None:
    """:class:`LoadError` unless ``merge`` is None or one of :data:`MERGES`."""
    if merge is not None and merge not in MERGES:
        raise LoadError(f"merge: got {merge!r}; expected None or one of {', '.join(MERGES)}")


def keys_of(df: pd.DataFrame, ids: Sequence[str]) -> list[str]:
    return ["run", "metric", *[c for c in ids if c in df.columns], "step"]


def repeated(df: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Rows of ``df`` (sorted by ``keys``) with the same key as the row before."""
    n = len(df)
    if n < 2:
        return np.zeros(n, dtype=bool)
    steps = df[keys[-1]].to_numpy()
    idx = np.flatnonzero(steps[1:] == steps[:-1])
    for key in keys[:-1]:
        if not idx.size:
            break
        col = df[key].to_numpy()
        a, b = col[idx], col[idx + 1]
        same = np.asarray(a == b, dtype=bool) | (pd.isna(a) & pd.isna(b))
        idx = idx[same]
    out = np.zeros(n, dtype=bool)
    out[idx + 1] = True
    return out


def sort_keys(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    return df.sort_values(list(keys), kind="mergesort").reset_index(drop=True)


def combine(df: pd.DataFrame, keys: Sequence[str], merge: str) -> pd.DataFrame:
    """One row per key: the ``merge`` of the repeated rows' values (in file / row order)."""
    rest = [c for c in df.columns if c not in keys]
    grouped = df.groupby(list(keys), sort=True, dropna=False, as_index=False)
    out = grouped.agg({c: merge for c in rest}) if rest else grouped.first()
    return out[list(df.columns)]


def within_file_error(df: pd.DataFrame, rep: np.ndarray, *, path: Path) -> LoadError:
    """The error for rows of one table repeating a (run, metric, step)."""
    first = df.loc[rep].iloc[0]
    keys = keys_of(df, df.attrs.get("ids", ()))
    same = (df[keys] == first[keys]).all(axis=1) if len(df) < 5_000_000 else None
    times = f" appears {int(same.sum())} times" if same is not None else " repeats"
    example = _example(first, keys) + times
    n_keys = _n_repeated_keys(df, rep, keys)
    groups = list(df.attrs.get("candidates", ()))
    if groups:
        hint = (
            f"the column(s) {', '.join(map(repr, groups))} look like grouping columns: keep them "
            f"with ids={groups!r} (CLI: --series / --seed / --facet COL), or "
        )
    else:
        hint = (
            "no column tells the repeated rows apart (a restarted run logging its steps again?); "
        )
    return LoadError(
        f"log {where(path)}: {n_keys:,} (metric, step) pair(s) repeat ({int(rep.sum()):,} extra "
        f"rows), e.g. "
        f"{example}; {hint}combine the rows with merge='mean', 'last' or 'first' (CLI: --merge)"
    )


def across_files_error(df: pd.DataFrame, rep: np.ndarray, files: Sequence[Path]) -> LoadError:
    """The error for one (run, metric, step) logged by more than one file."""
    keys = keys_of(df, df.attrs.get("ids", ()))
    first = df.loc[rep].iloc[0]
    same = (df[keys] == first[keys]).all(axis=1)
    sources = sorted({int(i) for i in df.loc[same, "_file"]})
    names = ", ".join(repr(str(files[i])) for i in sources[:4])
    n_keys = _n_repeated_keys(df, rep, keys)
    return LoadError(
        f"run {first['run']!r}: {n_keys:,} (metric, step) pair(s) are logged by more than one "
        f"file ({names}), "
        f"e.g. {_example(first, keys, run=False)}; combine them with merge='mean' (workers of "
        "one run), 'last' or 'first' (CLI: --merge), or give the files different run names "
        "(NAME=PATH)"
    )


def _example(row: pd.Series, keys: Sequence[str], *, run: bool = True) -> str:
    parts = [f"run {row['run']!r}"] if run else []
    parts.append(f"metric {row['metric']!r}")
    parts.extend(f"{k} {row[k]!r}" for k in keys[2:-1])
    step = row["step"]
    parts.append(f"step {step:g}" if isinstance(step, float) else f"step {step}")
    return ", ".join(parts)


def _n_repeated_keys(df: pd.DataFrame, rep: np.ndarray, keys: Sequence[str]) -> int:
    """Distinct keys among the repeated rows."""
    starts = rep & ~np.concatenate([[False], rep[:-1]])
    return int(starts.sum())


def tidy_columns(df: pd.DataFrame) -> list[str]:
    return [*TIDY, *[c for c in df.columns if c not in TIDY and c != "_file"]]
