"""Grouping helpers for the series transforms (private).

Every series transform works on contiguous slices of a frame sorted by
``[*by, x]`` (stable), so its result does not depend on the input row order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from vegafigs._checks import require_columns, require_frame, require_numeric
from vegafigs.errors import InputError


def by_list(by: str | Sequence[str] | None) -> list[str]:
    """``by`` as a list of column names (``None`` -> ``[]``)."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def sorted_frame(
    df: pd.DataFrame,
    *,
    x: str | None,
    numeric: Sequence[str],
    by: str | Sequence[str] | None,
    param: str = "df",
) -> tuple[pd.DataFrame, list[str]]:
    """A copy of ``df`` (numeric columns as float) sorted stably by ``[*by, x]``."""
    require_frame(df, param=param)
    keys = by_list(by)
    cols = [*keys, *([x] if x is not None else []), *numeric]
    require_columns(df, cols, param=param)
    if len(set(cols)) != len(cols):
        raise InputError(f"{param}: the columns {cols} must be distinct")
    out = df.copy()
    for col in [*([x] if x is not None else []), *numeric]:
        s = out[col]
        keep = isinstance(s.dtype, np.dtype) and s.dtype.kind in "iu"
        if not keep:  # integer steps stay integers; everything else becomes float
            out[col] = require_numeric(out, col, param=param)
    order = [*keys, *([x] if x is not None else [])]
    if order:
        out = out.sort_values(order, kind="mergesort")
    return out.reset_index(drop=True), keys


def group_slices(df: pd.DataFrame, keys: Sequence[str]) -> Iterator[slice]:
    """Contiguous slices of a frame already sorted by ``keys`` (one per group)."""
    n = len(df)
    if not keys or n == 0:
        yield slice(0, n)
        return
    codes = np.zeros(n, dtype=np.int64)
    for k in keys:
        c, _ = pd.factorize(df[k], use_na_sentinel=False)
        codes = codes * (int(c.max()) + 1) + c
    bounds = np.flatnonzero(np.diff(codes)) + 1
    starts = np.concatenate([[0], bounds])
    stops = np.concatenate([bounds, [n]])
    for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
        yield slice(a, b)
