"""Numbers written into specs, and the ranges they are drawn over (private).

A figure draws its numbers over an axis span, so the digits a spec needs depend
on that span, not on each value's own size: steps ``1e9 + k`` need ten
significant digits to stay apart, a loss in ``[0.3, 2.1]`` needs seven. Values
are written with at least :data:`MIN_SIGNIFICANT` significant digits and at
least enough decimals that the rounding error stays below :data:`REL_ERROR` of
their column's span.

A range is *drawable* when Vega can place, tick and label it: its span is at
least :data:`REL_SPAN` of its magnitude (below that, ticks would need more
digits than a double holds) and at least :data:`MIN_SPAN` (denormal numbers
lose their precision). A range that is not (all-equal values, or values one
ulp or 1e-300 apart) is drawn like all-equal values: flat, over a padded
range around their middle. Magnitudes above :data:`MAX_ABS` are an
:class:`~vegafigs.InputError` (their spans and paddings overflow to inf).

>>> spec_strings(np.array([1e9, 1e9 + 1, 1e9 + 2]))
['1000000000', '1000000001', '1000000002']
>>> spec_strings(np.array([0.30000001234, 2.1]))
['0.3', '2.1']
>>> drawable(1.0, 1.0 + 2e-16), padded(1.0, 1.0 + 2e-16)
(False, (0.9, 1.1))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from vegafigs.errors import InputError

#: Rounding error allowed in a spec, as a share of the column's span (far below a pixel).
REL_ERROR = 1e-6
#: Significant digits every written value keeps at least (the rule before spans counted).
MIN_SIGNIFICANT = 7
#: Smallest span, as a share of the range's magnitude, that Vega can tick and label.
REL_SPAN = 1e-12
#: Smallest absolute span drawn (denormals lose precision: 5e-324 has one bit).
MIN_SPAN = 1e-290
#: Largest magnitude drawn: spans and paddings of larger values overflow to inf.
MAX_ABS = 1e300
#: Padding of a flat range, as a share of its value (1 around values of about 0).
FLAT_PAD = 0.1


# ---------------------------------------------------------------- ranges
def finite(values: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    """The finite values of ``values`` as a float array."""
    arr = np.asarray(values, dtype=float).ravel()
    return arr[np.isfinite(arr)]


def require_magnitude(values: np.ndarray | pd.Series, *, column: str) -> None:
    """:class:`InputError` naming ``column`` when a finite value exceeds :data:`MAX_ABS`.

    >>> try:
    ...     require_magnitude(np.array([1.0, 1e308]), column="v")
    ... except InputError as exc:
    ...     print(exc)
    column 'v': holds 1e+308; values beyond ±1e+300 cannot be drawn (their range overflows); ...
    """
    arr = finite(values)
    if arr.size and float(np.max(np.abs(arr))) > MAX_ABS:
        big = arr[np.argmax(np.abs(arr))]
        raise InputError(
            f"column {column!r}: holds {big:g}; values beyond ±{MAX_ABS:g} cannot be drawn "
            "(their range overflows); rescale the column"
        )


def drawable(lo: float, hi: float) -> bool:
    """Whether ``lo < hi`` is a range Vega can draw, tick and label (see the module doc)."""
    span = hi - lo
    if not (math.isfinite(span) and span > 0):
        return False
    return span >= max(MIN_SPAN, REL_SPAN * max(abs(lo), abs(hi)))


def flat_range(value: float, *, pad: float | None = None) -> tuple[float, float]:
    """A padded range around one ``value``: ±10% of it (±1 around values near 0).

    ``pad``: the half-width to use when it is drawable (e.g. numpy's 0.5 for bins).

    >>> flat_range(2.0), flat_range(0.0), flat_range(5e-324)
    ((1.8, 2.2), (-1.0, 1.0), (-1.0, 1.0))
    """
    if pad is not None and drawable(value - pad, value + pad):
        return value - pad, value + pad
    half = abs(value) * FLAT_PAD
    if not drawable(value - half, value + half):
        half = 1.0
        if not drawable(value - half, value + half):  # |value| > 1e12: 10% is drawable then
            half = abs(value) * FLAT_PAD
    return value - half, value + half


def middle(lo: float, hi: float) -> float:
    """The middle of ``lo`` .. ``hi`` without overflow."""
    return lo + (hi - lo) / 2 if math.isfinite(hi - lo) else lo / 2 + hi / 2


def padded(lo: float, hi: float, *, pad: float | None = None) -> tuple[float, float]:
    """``(lo, hi)`` when drawable, else the :func:`flat_range` around its middle."""
    if drawable(lo, hi):
        return lo, hi
    return flat_range(middle(lo, hi), pad=pad)


def is_flat(values: Sequence[float] | np.ndarray | pd.Series) -> bool:
    """True when the finite ``values`` exist and their range is not drawable (equal-ish)."""
    arr = finite(values)
    return bool(arr.size) and not drawable(float(arr.min()), float(arr.max()))


def flat_domain(values: Sequence[Any]) -> list[float] | None:
    """The padded domain of ``values`` (arrays / series) when they are flat, else ``None``.

    >>> flat_domain([np.array([1.0, 1.0 + 2e-16])]), flat_domain([np.array([1.0, 2.0])])
    ([0.9, 1.1], None)
    """
    arr = np.concatenate([finite(v) for v in values]) if len(values) else np.zeros(0)
    if not is_flat(arr):
        return None
    return list(flat_range(middle(float(arr.min()), float(arr.max()))))


# ---------------------------------------------------------------- spec numbers
def decimals_for(span: float) -> int:
    """Decimals that keep rounding below :data:`REL_ERROR` × ``span`` (may be negative)."""
    if not (math.isfinite(span) and span > 0):
        return 0
    return math.ceil(-math.log10(span * REL_ERROR))


def column_span(arr: np.ndarray) -> float:
    """The span the values of a column are drawn over (their magnitude when flat)."""
    vals = arr[np.isfinite(arr)]
    if vals.size == 0:
        return 1.0
    lo, hi = float(vals.min()), float(vals.max())
    lo, hi = padded(lo, hi)
    return hi - lo


def spec_strings(values: np.ndarray | pd.Series, *, span: float | None = None) -> list[str]:
    """``values`` as the shortest decimal strings the picture needs (NaN/inf as "").

    Each value keeps at least :data:`MIN_SIGNIFICANT` significant digits and at
    least the decimals that keep its rounding error below :data:`REL_ERROR` ×
    ``span`` (default: the column's own span, see :func:`column_span`), at
    most the 17 digits that give back the exact double.
    """
    arr = np.asarray(values, dtype=float)
    span = column_span(arr) if span is None else span
    decimals = decimals_for(span)
    out = np.full(arr.shape, "", dtype=object)
    ok = np.isfinite(arr)
    vals = arr[ok]
    with np.errstate(divide="ignore"):
        exp = np.floor(np.log10(np.abs(vals)))
    exp = np.where(np.isfinite(exp), exp, 0).astype(np.int64)
    sig = np.clip(np.maximum(MIN_SIGNIFICANT, exp + 1 + decimals), 1, 17)
    text = np.empty(vals.shape, dtype=object)
    for s in np.unique(sig):  # one vectorised format per digit count
        pick = sig == s
        text[pick] = np.char.mod(f"%.{int(s)}g", vals[pick]).astype(object)
    out[ok] = text
    return out.tolist()


def round_to_span(value: float, span: float, *, decimals: int = 10) -> float:
    """``value`` rounded to ``decimals`` decimals, or to more when ``span`` needs them.

    The rounding error stays below :data:`REL_ERROR` × ``span`` however small
    the span (a fixed ``round(value, 10)`` collapses spans of 1e-11).

    >>> round_to_span(54.2675000000001, 4.0), round_to_span(1 + 3e-12, 1e-11)
    (54.2675, 1.000000000003)
    """
    if not math.isfinite(value):
        return value
    return round(value, max(decimals, decimals_for(span)))


def spec_float(value: float, *, span: float) -> float:
    """``value`` rounded as :func:`spec_strings` writes it (read back as a float)."""
    if not math.isfinite(value):
        return value
    return float(spec_strings(np.array([value]), span=span)[0])


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each float column as :func:`spec_strings` of it (for a CSV)."""
    out = frame.copy()
    for col in out.columns[[pd.api.types.is_float_dtype(t) for t in out.dtypes]]:
        out[col] = spec_strings(out[col].to_numpy(dtype=float))
    return out


# ---------------------------------------------------------------- tick labels
def value_range(values: Sequence[Any]) -> tuple[float, float] | None:
    """The finite (min, max) over ``values`` (arrays / series), or ``None`` when none."""
    arr = np.concatenate([finite(v) for v in values]) if len(values) else np.zeros(0)
    return (float(arr.min()), float(arr.max())) if arr.size else None


def zero_based_format(values: Any) -> str | None:
    """:func:`readable_format` (no format asked) of a zero-based axis over ``values``."""
    span = value_range([values])
    if span is None:
        return None
    return readable_format(None, min(span[0], 0.0), max(span[1], 0.0))


def tick_step(lo: float, hi: float, count: int = 10) -> float:
    """A 1-2-5 tick step giving about ``count`` ticks over ``lo`` .. ``hi`` (d3's rule)."""
    raw = (hi - lo) / count
    if not (math.isfinite(raw) and raw > 0):
        return 0.0
    power = math.floor(math.log10(raw))
    error = raw / 10.0**power
    factor = next(f for f, e in ((10, 50), (5, 10), (2, 2), (1, 0)) if error >= math.sqrt(e))
    return factor * 10.0**power


def si_digits(lo: float, hi: float) -> int:
    """Significant digits a ``~s`` label needs to tell ticks over ``lo`` .. ``hi`` apart."""
    step = tick_step(lo, hi, count=20)
    top = max(abs(lo), abs(hi))
    if step <= 0 or top <= 0:
        return 6
    # d3's ~s writes the digits from the SI prefix's thousands group.
    lead = math.floor(math.log10(top))
    return max(1, lead - math.floor(math.log10(step)) + 1)


def readable_format(fmt: str | None, lo: float, hi: float) -> str | None:
    """A d3 format labelling ticks over ``lo`` .. ``hi`` apart, from the asked ``fmt``.

    ``fmt`` ``"~s"`` (5k, 10k) keeps its style with as many significant digits
    as the ticks need (``1e9 + step`` -> ``".10~s"``: 1.0000002G). Without a
    format (``None``: Vega's default, fixed decimals of the tick step), spans
    whose labels Vega cannot write (tick steps below 1e-9, where its 20
    decimals show 1e-200 as 0.000…, or values of 1e15 and more) get the
    significant digits the ticks need (``".2~g"``: 1e-200, 1.5e-200, 0).
    Other formats are the caller's choice and kept.

    >>> readable_format("~s", 0, 20000), readable_format("~s", 1e9, 1e9 + 1000)
    ('~s', '.9~s')
    >>> readable_format(None, 0.0, 1.0), readable_format(None, 1e-200, 5e-200)
    (None, '.2~g')
    """
    if not drawable(lo, hi):
        return fmt
    if fmt == "~s":
        digits = si_digits(lo, hi)
        return fmt if digits <= 6 else f".{min(digits, 17)}~s"
    if fmt is None:
        step = tick_step(lo, hi, count=20)
        top = max(abs(lo), abs(hi))
        if step >= 1e-9 and top < 1e15:
            return None
        digits = math.floor(math.log10(top)) - math.floor(math.log10(step)) + 1
        return f".{min(max(digits, 1), 17)}~g"
    return fmt
