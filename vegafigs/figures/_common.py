"""Helpers shared by the figure functions (private)."""

from __future__ import annotations

import string
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import altair as alt
import pandas as pd

from vegafigs._checks import drop_nonfinite, require_columns, require_frame, require_numeric
from vegafigs.errors import InputError
from vegafigs.themes import get_theme

C = TypeVar("C", bound=alt.TopLevelMixin)


def themed(chart: C, theme: str, **overrides: Any) -> C:
    """Attach theme ``theme``'s config (with nested ``overrides`` merged) to ``chart``."""
    cfg = get_theme(theme)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key] = {**cfg[key], **value}
        else:
            cfg[key] = value
    return chart.properties(config=cfg)


def clean_numeric(
    df: pd.DataFrame, *, numeric: Sequence[str], other: Sequence[str | None] = (), func: str
) -> pd.DataFrame:
    """Check the frame and columns; coerce ``numeric`` to float; drop non-finite rows (warn)."""
    require_frame(df)
    require_columns(df, [*numeric, *other])
    out = df.copy()
    for col in numeric:
        out[col] = require_numeric(out, col)
    out, dropped = drop_nonfinite(out, numeric)
    if dropped:
        warnings.warn(
            f"{func}: dropped {dropped} row(s) with NaN or infinite values in "
            f"{', '.join(map(repr, numeric))}",
            stacklevel=3,
        )
    if out.empty:
        raise InputError(f"{func}: no rows with finite values in {', '.join(map(repr, numeric))}")
    return out


def ordered_levels(values: pd.Series, order: Sequence[Any] | None, *, param: str) -> list[Any]:
    """Levels of ``values`` in ``order`` (checked) or in order of first appearance."""
    present = list(dict.fromkeys(values.tolist()))
    if order is None:
        return present
    unknown = [o for o in order if o not in present]
    if unknown:
        raise InputError(f"{param}: {unknown} not found; the data has {present}")
    return list(order)


def per_level(
    spec: Mapping[Any, Any] | Sequence[Any] | None,
    levels: Sequence[Any],
    default: Sequence[Any],
    *,
    param: str,
) -> list[Any]:
    """One value per level from a mapping, a sequence or the defaults (cycled)."""
    if spec is None:
        return [default[i % len(default)] for i in range(len(levels))]
    if isinstance(spec, Mapping):
        missing = [lv for lv in levels if lv not in spec]
        if missing:
            raise InputError(f"{param}: no entry for {missing}; expected keys {list(levels)}")
        return [spec[lv] for lv in levels]
    if isinstance(spec, str) or len(spec) != len(levels):
        raise InputError(f"{param}: expected {len(levels)} values (one per panel), got {spec!r}")
    return list(spec)


def letter(i: int) -> str:
    """Panel letter ``a``, ``b``, ... ``z``, ``aa`` ..."""
    letters = string.ascii_lowercase
    return letters[i] if i < 26 else letter(i // 26 - 1) + letters[i % 26]
