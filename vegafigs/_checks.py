"""Validation helpers shared by figures, layers and transforms (private)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from vegafigs.errors import InputError


def plain(value: Any) -> Any:
    """A numpy scalar as the Python value (for messages: ``1.0``, not ``np.float64(1.0)``)."""
    return value.item() if isinstance(value, np.generic) else value


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
    if pd.api.types.is_bool_dtype(s):
        raise InputError(f"{param}: column {column!r} must be numeric; it holds booleans")
    if not pd.api.types.is_numeric_dtype(s):
        converted = pd.to_numeric(s, errors="coerce")
        bad = s[converted.isna() & s.notna()]
        if len(bad):
            example = repr(bad.iloc[0])
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
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not 0 < value < np.inf
    ):
        raise InputError(f"{param}: expected a positive number, got {value!r}")


def require_count(value: object, *, param: str, minimum: int = 0) -> int:
    """``value`` as an int if it is an integer >= ``minimum`` (decimals, lengths), else
    :class:`InputError`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputError(f"{param}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def require_choice(value: object, choices: Sequence[object], *, param: str) -> None:
    """Raise :class:`InputError` unless ``value`` is one of ``choices``."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise InputError(f"{param}: got {value!r}; expected one of {allowed}")


def require_nonnegative(value: float, *, param: str) -> None:
    """Raise :class:`InputError` unless ``value`` is a finite number >= 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not 0 <= value < float("inf")
    ):
        raise InputError(f"{param}: expected a number >= 0, got {value!r}")


def require_fraction(value: float, *, param: str) -> None:
    """Raise :class:`InputError` unless ``value`` is a number in [0, 1] (e.g. an opacity)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not 0 <= value <= 1
    ):
        raise InputError(f"{param}: expected a number between 0 and 1, got {value!r}")


def require_finite(value: object, *, param: str) -> float:
    """``value`` as a finite float, or :class:`InputError` naming ``param``."""
    if isinstance(value, bool):
        raise InputError(f"{param}: expected a finite number, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{param}: expected a finite number, got {value!r}") from exc
    if not np.isfinite(number):
        raise InputError(f"{param}: expected a finite number, got {value!r}")
    return number


def require_range(value: object, *, param: str) -> tuple[float, float]:
    """``value`` as a finite ``(min, max)`` pair with min < max, or :class:`InputError`."""
    try:
        lo, hi = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{param}: expected (min, max), got {value!r}") from exc
    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        raise InputError(f"{param}: expected finite min < max, got {value!r}")
    return lo, hi


def require_text(value: object, *, param: str) -> str:
    """``value`` if it is a string, else :class:`InputError` (titles, labels)."""
    if not isinstance(value, str):
        raise InputError(f"{param}: expected a string, got {value!r} ({type(value).__name__})")
    return value


def require_no_missing(df: pd.DataFrame, column: str, *, param: str = "df") -> None:
    """Raise :class:`InputError` if ``column`` (a grouping column) has missing values."""
    require_no_missing_count(int(df[column].isna().sum()), column, param=param)


def require_no_missing_count(n: int, column: str, *, param: str = "df") -> None:
    """Raise :class:`InputError` if ``n`` rows of the grouping ``column`` are missing."""
    if n:
        raise InputError(
            f"{param}: column {column!r} has {n} missing value(s) (NaN/None); "
            "every row needs a group - fill or drop them first"
        )


def clean_numeric(
    df: pd.DataFrame, *, numeric: Sequence[str], other: Sequence[str | None] = (), func: str
) -> pd.DataFrame:
    """Check the frame and columns; coerce ``numeric`` to float; drop non-finite rows (warn).

    The warning counts the dropped rows; no finite row left, or a value beyond
    ±1e300 (:func:`vegafigs._precision.require_magnitude`), is an :class:`InputError`.
    """
    import warnings

    from vegafigs._precision import require_magnitude

    require_frame(df)
    require_columns(df, [*numeric, *other])
    out = df.copy()
    for col in numeric:
        out[col] = require_numeric(out, col)
    out, dropped = drop_nonfinite(out, numeric)
    for col in numeric:  # beyond ±1e300 spans and paddings overflow (vegafigs._precision)
        require_magnitude(out[col], column=col)
    if dropped:
        warnings.warn(
            f"{func}: dropped {dropped} row(s) with NaN or infinite values in "
            f"{', '.join(map(repr, numeric))}",
            stacklevel=3,
        )
    if out.empty:
        raise InputError(f"{func}: no rows with finite values in {', '.join(map(repr, numeric))}")
    return out


#: d3-format's number specifier ([[fill]align][sign][symbol][0][width][,][.precision][~][type]).
D3_FORMAT = re.compile(r"(?:.?[<>=^])?[-+( ]?[$#]?0?\d*,?(?:\.\d+)?~?[%bcdefgnoprsxX]?")


def require_number_format(fmt: object, *, param: str) -> str:
    """``fmt`` if it is a d3 number format (``".2f"``, ``",.1%"``, ``"~r"``), else
    :class:`InputError` (Vega would fail only when drawing, with an obscure message)."""
    if not isinstance(fmt, str) or not D3_FORMAT.fullmatch(fmt):
        raise InputError(f"{param}: {fmt!r} is not a d3 number format such as '.2f' or ',.1%'")
    return fmt


def require_finite_list(values: object, *, param: str) -> list[float]:
    """``values`` (e.g. tick values) as a list of finite floats, else :class:`InputError`."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InputError(f"{param}: expected a list of numbers, got {values!r}")
    items: list[Any] = list(values)
    for i, v in enumerate(items):
        if isinstance(v, (str, bytes)):
            raise InputError(f"{param}[{i}]: expected a finite number, got {v!r}")
    return [require_finite(v, param=f"{param}[{i}]") for i, v in enumerate(items)]


def require_optional_text(value: object, *, param: str) -> str | None:
    """``value`` if it is ``None`` or a string (an optional title), else :class:`InputError`."""
    return None if value is None else require_text(value, param=param)


#: Characters no renderer can take: C0 controls except tab and newline, DEL, C1
#: controls, lone surrogates and the non-characters U+FFFE / U+FFFF (vl-convert
#: aborts the process on some of them).
UNDRAWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def require_printable(text: str, *, param: str) -> str:
    """``text`` if it holds no control character (tab and newline are allowed), else
    :class:`InputError` naming ``param`` and the character's code point.

    >>> require_printable("a\\x07b", param="title")
    Traceback (most recent call last):
    vegafigs.errors.InputError: title: 'a\\x07b' holds the control character U+0007 at index 1; ...
    """
    m = UNDRAWABLE.search(text)
    if m:
        raise InputError(
            f"{param}: {text!r:.60} holds the control character U+{ord(m.group()):04X} at index "
            f"{m.start()}; remove it (it cannot be drawn)"
        )
    return text
