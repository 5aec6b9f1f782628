"""Helpers shared by the training-curve figures (private): axes, clipping, reduction."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import require_range
from vegafigs.errors import InputError
from vegafigs.transforms.downsample import downsample, needs_downsampling

#: Significant digits kept for plotted values in the spec (far below a pixel).
SPEC_DIGITS = 7
#: Most ticks a ``tick_step`` may put on an axis.
MAX_TICKS = 200
#: A d3-format specifier (d3-format's own pattern); anything else fails in the renderer.
_D3_FORMAT = re.compile(
    r"^(?:(.)?([<>=^]))?([+\-( ])?([$#])?(0)?(\d+)?(,)?(\.\d+)?(~)?([a-z%])?$", re.I
)


def clipped(chart: alt.Chart, **mark: Any) -> alt.Chart:
    """``chart`` with its mark clipped to the plot area (and ``mark`` properties set)."""
    current = chart.mark
    props = current.to_dict() if isinstance(current, alt.MarkDef) else {"type": str(current)}
    return chart.properties(mark=alt.MarkDef(**{**props, "clip": True, **mark}))


def tick_values(
    domain: Sequence[float], step: float | None, *, param: str = "tick step"
) -> list[float] | None:
    """Multiples of ``step`` inside ``domain`` (rounded to the step's decimals)."""
    if step is None:
        return None
    if (
        isinstance(step, bool)
        or not isinstance(step, (int, float, np.integer, np.floating))
        or not 0 < step < math.inf
    ):
        raise InputError(f"{param}: expected a positive number, got {step!r}")
    lo, hi = float(domain[0]), float(domain[1])
    decimals = max(0, -math.floor(math.log10(step)) + 2)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    if last - first + 1 > MAX_TICKS:
        raise InputError(
            f"{param}: {step!r} puts {last - first + 1:,} ticks on {lo:g}..{hi:g}; "
            f"expected at most {MAX_TICKS}"
        )
    return [round(k * step, decimals) for k in range(first, last + 1)]


def step_format(step: float | None) -> str | None:
    """A d3 format showing ``step``'s decimals (``0.05`` -> ``".2f"``)."""
    if step is None:
        return None
    text = f"{step:.10f}".rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return f".{decimals}f"


def domain_of(values: Sequence[pd.Series], given: Sequence[float] | None, *, param: str) -> list:
    """``given`` (checked) or the finite min..max over ``values``."""
    if given is not None:
        return list(require_range(given, param=param))
    arr = np.concatenate([np.asarray(v, dtype=float) for v in values])
    arr = arr[np.isfinite(arr)]
    lo, hi = float(arr.min()), float(arr.max())
    if hi == lo:
        hi = lo + 1.0
    return [lo, hi]


def flat_domain(values: Sequence[pd.Series]) -> list[float] | None:
    """A padded y domain when every finite value is the same, else ``None``.

    Vega-Lite gives a constant series a zero-width domain and labels its one
    tick without decimals (0.4 shows as "0"); ±10% (±1 around 0) keeps it right.
    """
    arr = np.concatenate([np.asarray(v, dtype=float) for v in values])
    arr = arr[np.isfinite(arr)]
    # Equal up to rounding (a mean over seeds of one value can differ in the last bit).
    if arr.size == 0 or not math.isclose(arr.min(), arr.max(), rel_tol=1e-9, abs_tol=1e-12):
        return None
    v = float(arr.mean())
    pad = abs(v) * 0.1 or 1.0
    return [v - pad, v + pad]


def nice_domain(values: Sequence[pd.Series], *, count: int = 10) -> list[float]:
    """The y domain Vega-Lite gives ``values`` by default (``nice: true``, no zero).

    Vega extends the data extent to multiples of d3's tick increment for ``count``
    ticks (d3-scale ``linear.nice``); this does the same on the values as written
    to the spec (``SPEC_DIGITS`` digits), so an explicit domain draws the same axis.
    """
    arr = np.concatenate([np.asarray(v, dtype=float) for v in values])
    arr = arr[np.isfinite(arr)]
    start = float(f"{arr.min():.{SPEC_DIGITS}g}")
    stop = float(f"{arr.max():.{SPEC_DIGITS}g}")
    prestep = None
    for _ in range(10):
        step = _tick_increment(start, stop, count)
        if step == prestep:
            break
        if step > 0:
            start, stop = math.floor(start / step) * step, math.ceil(stop / step) * step
        elif step < 0:
            start, stop = math.ceil(start * step) / step, math.floor(stop * step) / step
        else:
            break
        prestep = step
    return [start, stop]


def _tick_increment(start: float, stop: float, count: int) -> float:
    """d3-array's ``tickIncrement``: the tick step (negative: its inverse) for ``count`` ticks."""
    step = (stop - start) / count
    if not step > 0 or not math.isfinite(step):
        return 0.0
    power = math.floor(math.log10(step))
    error = step / 10.0**power
    factor = (
        10
        if error >= math.sqrt(50)
        else 5
        if error >= math.sqrt(10)
        else 2
        if error >= math.sqrt(2)
        else 1
    )
    return factor * 10.0**power if power >= 0 else -(10.0**-power) / factor


def is_integral(values: pd.Series) -> bool:
    """True when every value is a whole number (e.g. training steps)."""
    arr = np.asarray(values, dtype=float)
    return bool(np.all(arr == np.round(arr)))


def axis_x(
    field: str,
    *,
    domain: Sequence[float],
    title: str | None,
    tick_step: float | None = None,
    fmt: str | None = "~s",
    integer: bool = False,
) -> alt.X:
    """A quantitative x encoding with a fixed domain (no nice rounding).

    ``integer``: ticks only at whole numbers (steps), however short the log. (An
    explicit ``tickCount`` on short domains: Vega-Lite lets the ``~s`` format's
    own minimum step override ``tickMinStep``, vega-lite#9034.)
    """
    axis: dict[str, Any] = {"title": title}
    span = float(domain[1]) - float(domain[0])
    if integer and tick_step is None and span < 10:
        axis["tickCount"] = max(1, math.floor(span))
    values = tick_values(domain, tick_step, param="x_tick_step")
    if values is not None:
        axis["values"] = values
    if fmt is not None:
        check_format(fmt, param="x_format")
        # d3's "~s" alone prints 0 as "0k" next to "5k"; zero is always plain "0".
        axis["labelExpr"] = f"datum.value === 0 ? '0' : format(datum.value, {json.dumps(fmt)})"
    return alt.X(
        f"{field}:Q",
        scale=alt.Scale(domain=list(domain), nice=False, zero=False),
        axis=alt.Axis(**axis),
    )


def axis_y(
    field: str,
    *,
    domain: Sequence[float] | None,
    title: str | None,
    tick_step: float | None = None,
    fmt: str | None = None,
    orient: str | None = None,
    title_color: str | None = None,
    grid: bool | None = None,
) -> alt.Y:
    """A quantitative y encoding (fixed domain when given, else Vega-Lite's nice one)."""
    axis: dict[str, Any] = {"title": title}
    if domain is not None:
        values = tick_values(domain, tick_step, param="y_tick_step")
        if values is not None:
            axis["values"] = values
    fmt = fmt if fmt is not None else step_format(tick_step)
    if fmt is not None:
        axis["format"] = fmt
    if orient is not None:
        axis["orient"] = orient
    if title_color is not None:
        axis["titleColor"] = title_color
    if grid is not None:
        axis["grid"] = grid
    scale = (
        alt.Scale(domain=list(domain), nice=False, zero=False)
        if domain is not None
        else alt.Scale(zero=False)
    )
    return alt.Y(f"{field}:Q", scale=scale, axis=alt.Axis(**axis))


def inline_csv(frame: pd.DataFrame, *, numeric: Sequence[str]) -> alt.InlineData:
    """``frame`` as one inline CSV dataset (``numeric`` columns parsed as numbers).

    Floats keep ``SPEC_DIGITS`` significant digits (far below a pixel). A CSV
    string is ~4x smaller than the same rows as JSON objects in the spec.
    """
    text = frame.to_csv(index=False, float_format=f"%.{SPEC_DIGITS}g", lineterminator="\n")
    return alt.InlineData(
        values=text, format=alt.DataFormat(type="csv", parse={c: "number" for c in numeric})
    )


def on_shared_data(charts: Sequence[alt.Chart]) -> list[alt.Chart]:
    """Copies of ``charts`` without their own data, to inherit their layer's dataset."""
    out = []
    for c in charts:
        c = c.copy(deep=False)
        c.data = alt.Undefined
        out.append(c)
    return out


def reduce_rows(
    df: pd.DataFrame,
    *,
    x: str,
    y: Sequence[str],
    by: str | Sequence[str] | None,
    width_pt: float,
    dpi: float,
    x_domain: Sequence[float],
    enabled: bool | None,
) -> pd.DataFrame:
    """M4-reduce ``df`` for a plot ``width_pt`` wide rendered at ``dpi`` (when needed).

    ``enabled=None`` reduces only series longer than 4 × pixel columns; ``True``
    forces the reduction pass (it still keeps short series whole); ``False`` never.
    """
    width_px = max(2, math.ceil(width_pt * dpi / 72.0))
    if enabled is False or (
        enabled is None and not needs_downsampling(df, by=by, width_px=width_px)
    ):
        return df
    return downsample(df, x=x, y=list(y), width_px=width_px, by=by, x_domain=tuple(x_domain))


def check_mapping(value: Mapping[Any, Any] | None, *, param: str) -> None:
    if value is not None and not isinstance(value, Mapping):
        raise InputError(f"{param}: expected a mapping {{series: value}}, got {value!r}")


def check_format(fmt: object, *, param: str) -> None:
    """:class:`InputError` unless ``fmt`` is a d3-format specifier such as ``"~s"``, ``".2f"``."""
    if not isinstance(fmt, str) or not _D3_FORMAT.match(fmt):
        raise InputError(
            f"{param}: {fmt!r} is not a d3-format specifier (e.g. '~s', ',d', '.2f', '.0%')"
        )


def check_title(value: object, *, param: str) -> None:
    """:class:`InputError` unless ``value`` is a string or ``None`` (not given)."""
    if value is not None and not isinstance(value, str):
        raise InputError(f"{param}: expected a string, got {value!r} ({type(value).__name__})")
