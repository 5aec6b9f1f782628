"""Validation helpers shared by figures, layers and transforms (private)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from vegafigs.errors import InputError


def require_frame(df: object, *, param: str = "df") -> pd.DataFrame:
    """Return ``df`` if it is a non-empty DataFrame, else raise :class:`InputError`."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"{param}: expected a pandas DataFrame, got {type(df).__name__}")
    if df.empty:
        raise InputError(f"{param}: the frame is empty (0 rows); nothing to plot")
    return df


def require_columns(df: pd.DataFrame, columns: Iterable[str | None], *, param: str = "df") -> None:
    """Raise :class:`InputError` naming any missing column and listing those present."""
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        present = ", ".join(repr(str(c)) for c in df.columns)
        names = ", ".join(repr(m) for m in missing)
        raise InputError(f"{param}: missing column(s) {names}; the frame has columns: {present}")


def require_numeric(df: pd.DataFrame, column: str, *, param: str = "df") -> pd.Series:
    """Return ``df[column]`` as float, raising :class:`InputError` on non-numeric values."""
    s = df[column]
    if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
        converted = pd.to_numeric(s, errors="coerce")
        bad = s[converted.isna() & s.notna()]
        if len(bad) or pd.api.types.is_bool_dtype(s):
            example = repr(bad.iloc[0]) if len(bad) else repr(s.iloc[0])
            raise InputError(
                f"{param}: column {column!r} must be numeric; found non-numeric value {example}"
                f" ({len(bad)} such row(s))"
            )
        s = converted
    return s.astype(float)


def drop_nonfinite(
    df: pd.DataFrame, columns: Sequence[str], *, param: str = "df"
) -> tuple[pd.DataFrame, int]:
    """Drop rows where any of ``columns`` is NaN or +-inf; return the frame and the count."""
    mask = np.ones(len(df), dtype=bool)
    for c in columns:
        mask &= np.isfinite(df[c].to_numpy(dtype=float))
    dropped = int((~mask).sum())
    return df.loc[mask], dropped


def require_positive(value: float, *, param: str, integer: bool = False) -> None:
    """Raise :class:`InputError` unless ``value`` is > 0 (and an int when ``integer``)."""
    if integer and (isinstance(value, bool) or not isinstance(value, (int, np.integer))):
        raise InputError(f"{param}: expected a positive integer, got {value!r}")
    if not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0:
        raise InputError(f"{param}: expected a positive number, got {value!r}")


def require_choice(value: object, choices: Sequence[object], *, param: str) -> None:
    """Raise :class:`InputError` unless ``value`` is one of ``choices``."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise InputError(f"{param}: got {value!r}; expected one of {allowed}")
