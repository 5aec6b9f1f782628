"""``bar_trend``: ablation bars with a trend line, value labels and a baseline (seed 001)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import (
    require_finite_list,
    require_fraction,
    require_number_format,
    require_optional_text,
    require_positive,
)
from vegafigs.errors import InputError
from vegafigs.figures._common import clean_numeric, themed, wrap_title
from vegafigs.layers._category import category_levels
from vegafigs.layers.axes import set_axis
from vegafigs.layers.bars import BAR_DARK, BAR_LIGHT, BAR_WIDTH, PADDING_OUTER, bars
from vegafigs.layers.labels import LABEL_COLOR, value_labels
from vegafigs.layers.rules import hline
from vegafigs.layers.trend import TREND_COLOR, trend_line
from vegafigs.themes import get_theme, inches, text_width
from vegafigs.transforms.labels import label_offsets

#: Autosize padding Vega adds on each side, and the paper theme's tick + label padding.
_PAD, _TICK_ROOM, _TITLE_PAD = 5.0, 5.5, 4.0


def bar_trend(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    baseline: float | None = None,
    baseline_label: str | None = None,
    y_domain: tuple[float, float] | None = None,
    y_ticks: Sequence[float] | None = None,
    y_format: str | None = None,
    order: Sequence[Any] | None = None,
    fmt: str = ".2f",
    x_title: str | None = None,
    y_title: str | None = None,
    trend: bool = True,
    labels: bool = True,
    colors: tuple[str, str] = (BAR_LIGHT, BAR_DARK),
    exponent: float = 0.4,
    line_color: str = TREND_COLOR,
    baseline_color: str = "#D4686A",
    baseline_label_color: str = "#C53E43",
    baseline_opacity: float = 0.7,
    ink: str = LABEL_COLOR,
    theme: str = "paper",
    width_in: float = 3.6,
    height_in: float = 2.3,
    label_size: float = 7,
    tick_label_size: float = 8,
    axis_title_size: float = 9,
    baseline_label_size: float = 6,
) -> alt.LayerChart:
    """Bars of ``y`` per category ``x`` with a trend line, value labels and a baseline rule.

    ``df`` has one row per bar. Bars are filled on a power colour scale (light =
    lowest, dark = highest; see :func:`vegafigs.layers.bars`), the trend line joins
    the bar tops, each value is written above its bar (``fmt``), lifted where
    needed to stay clear of the trend line, and ``baseline`` draws a dashed rule
    labelled ``baseline_label`` (default: the value) at its left end.
    ``y_domain`` is the exact y range (default: from 0.75 × the data span below
    the lowest value/baseline to 0.25 × above the highest); ``y_ticks`` the tick
    values. Categories keep ``order`` (default: first appearance). ``width_in`` ×
    ``height_in`` is the whole figure. Rows with a NaN/inf ``y`` are dropped with
    a warning (their bar is not drawn). An empty frame, a missing column,
    non-numeric ``y``, a repeated or missing category, sizes <= 0, non-string
    titles, non-finite ``y_ticks`` and a ``fmt``/``y_format`` that is not a d3
    number format are an :class:`~vegafigs.InputError`.

    >>> import vegafigs as vf
    >>> df = vf.demo.warmup_ablation()
    >>> chart = vf.figures.bar_trend(df, x="warmup_steps", y="avg_score", baseline=55.79,
    ...                              baseline_label="GRPO 55.79", y_domain=(54.2, 58.2))
    >>> vf.save(chart, "warmup.pdf")  # doctest: +SKIP
    """
    func = "bar_trend"
    data = clean_numeric(df, numeric=[y], other=[x], func=func)
    require_positive(width_in, param="width_in")
    require_positive(height_in, param="height_in")
    for name, size in (
        ("label_size", label_size),
        ("tick_label_size", tick_label_size),
        ("axis_title_size", axis_title_size),
        ("baseline_label_size", baseline_label_size),
    ):
        require_positive(size, param=name)
    require_fraction(baseline_opacity, param="baseline_opacity")
    titles = {"x_title": x_title, "y_title": y_title, "baseline_label": baseline_label}
    for name, text in titles.items():
        require_optional_text(text, param=name)
    require_number_format(fmt, param="fmt")
    if y_format is not None:
        require_number_format(y_format, param="y_format")
    if y_ticks is not None:
        require_finite_list(y_ticks, param="y_ticks")
    levels = category_levels(data, x, order)
    data = data.set_index(x, drop=False).loc[levels].reset_index(drop=True)
    values = data[y].to_numpy(dtype=float)
    if baseline is not None:
        baseline = _finite(baseline, param="baseline")
    lo, hi = _domain(values, baseline, y_domain)

    font = get_theme(theme)["font"]
    w_px, h_px = inches(width_in, param="width_in"), inches(height_in, param="height_in")
    # Titles longer than the plot wrap onto more lines instead of squeezing it.
    x_text = wrap_title(
        x_title if x_title is not None else x, width=w_px - 70, font=font, size=axis_title_size
    )
    y_text = wrap_title(
        y_title if y_title is not None else y, width=h_px - 50, font=font, size=axis_title_size
    )
    layers: list[Any] = [
        bars(
            data,
            x=x,
            y=y,
            order=levels,
            colors=colors,
            exponent=exponent,
            base=lo,
            x_title=x_title,
            y_title=y_title,
        )
    ]
    if trend:
        layers.append(trend_line(data, x=x, y=y, order=levels, color=line_color))
    if labels:
        step, ppu = _plot_geometry(
            data, y=y, n=len(levels), lo=lo, hi=hi, w_px=w_px, h_px=h_px, font=font,
            ticks=y_ticks, tick_size=tick_label_size, title_size=axis_title_size,
            label_size=label_size, fmt=fmt,
            title_lines=(_n_lines(x_text), _n_lines(y_text)),
        )  # fmt: skip
        lifted = label_offsets(
            data,
            y=y,
            step_px=step,
            px_per_unit=ppu,
            fmt=fmt,
            font=font,
            font_size=label_size,
            min_offset=10.0 if trend else 3.0,
            gap=2.5 if trend else 0.0,
            column="_label_offset",
        )
        if not trend:
            lifted["_label_offset"] = 3.0
        layers.append(
            value_labels(
                lifted,
                x=x,
                y=y,
                fmt=fmt,
                offset="_label_offset",
                order=levels,
                font_size=label_size,
                color=ink,
            )
        )
    if baseline is not None:
        layers.append(
            hline(
                baseline,
                label=baseline_label if baseline_label is not None else format(baseline, ".2f"),
                color=baseline_color,
                label_color=baseline_label_color,
                opacity=baseline_opacity,
                font_size=baseline_label_size,
            )
        )
    chart = alt.layer(*layers)
    chart = set_axis(chart, "x", title=x_text)
    chart = set_axis(
        chart,
        "y",
        title=y_text,
        domain=(lo, hi),
        values=y_ticks,
        format=y_format if y_format is not None else ("~r" if y_ticks is not None else None),
    )
    chart = chart.properties(
        width=w_px, height=h_px, autosize=alt.AutoSizeParams(type="fit", contains="padding")
    )
    axis_style = {
        "labelFontSize": tick_label_size,
        "titleFontSize": axis_title_size,
        "labelColor": ink,
        "titleColor": ink,
        "tickColor": "#9490a8",
        "tickSize": 2,
        "domainWidth": 0.6,
        "titlePadding": _TITLE_PAD,
    }
    grid = {"gridColor": "#d4d0e4", "gridOpacity": 1, "gridDash": [3, 4], "gridWidth": 0.5}
    return themed(chart, theme, axis=axis_style, axisY=grid)


def _n_lines(title: str | list[str]) -> int:
    return len(title) if isinstance(title, list) else 1


def _finite(value: Any, *, param: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{param}: expected a number, got {value!r}") from exc
    if not np.isfinite(out):
        raise InputError(f"{param}: expected a finite number, got {value!r}")
    return out


def _domain(
    values: np.ndarray, baseline: float | None, y_domain: tuple[float, float] | None
) -> tuple[float, float]:
    """The y range: ``y_domain`` checked, or padded around the values and baseline."""
    if y_domain is not None:
        try:
            lo, hi = (_finite(v, param="y_domain") for v in y_domain)
        except ValueError as exc:  # not two items
            raise InputError(f"y_domain: expected (low, high), got {y_domain!r}") from exc
        if not lo < hi:
            raise InputError(f"y_domain: expected low < high, got {y_domain!r}")
        return lo, hi
    pts = np.append(values, [] if baseline is None else [baseline])
    vmin, vmax = float(pts.min()), float(pts.max())
    span = vmax - vmin or (abs(vmax) * 0.05 or 1.0)
    return round(vmin - 0.75 * span, 10), round(vmax + 0.25 * span, 10)


def _plot_geometry(
    data: pd.DataFrame,
    *,
    y: str,
    n: int,
    lo: float,
    hi: float,
    w_px: float,
    h_px: float,
    font: str,
    ticks: Sequence[float] | None,
    tick_size: float,
    title_size: float,
    label_size: float,
    fmt: str,
    title_lines: tuple[int, int] = (1, 1),
) -> tuple[float, float]:
    """Estimated category step (px) and px per y unit of the plot inside the figure.

    Only used to lift value labels clear of the trend line: the figure size
    minus the axes' room (tick labels measured in the theme font) and, for the
    height, the labels overhanging the plot top.
    """
    tick_texts = [format(hi, ".3g")] if ticks is None else [format(float(t), "g") for t in ticks]
    y_room = max(text_width(t, font=font, size=tick_size) for t in tick_texts)
    y_room += _TICK_ROOM + _TITLE_PAD + title_size * 1.1 * title_lines[1]
    x_room = _TICK_ROOM + tick_size * 1.1 + _TITLE_PAD + title_size * 1.1 * title_lines[0]
    plot_w = w_px - 2 * _PAD - y_room
    plot_h = h_px - 2 * _PAD - x_room
    if plot_w < 30 or plot_h < 30:
        raise InputError(
            f"width_in/height_in: the figure is too small for {n} bars and their axes "
            f"({w_px / 72:.2f} x {h_px / 72:.2f} in)"
        )
    step = plot_w / (n - (1 - BAR_WIDTH) + 2 * PADDING_OUTER)
    # Labels reaching above the plot top take their height from the plot.
    ppu = plot_h / (hi - lo)
    overhang = (float(data[y].max()) - hi) * ppu + 8.0 + label_size * 1.2
    return step, (plot_h - max(overhang, 0.0)) / (hi - lo)
