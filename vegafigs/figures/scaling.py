"""``scaling_curves``: a metric against model size, one line + band per method (seed 002)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import (
    plain,
    require_choice,
    require_finite_list,
    require_fraction,
    require_nonnegative,
    require_number_format,
    require_numeric,
    require_optional_text,
    require_positive,
    require_range,
)
from vegafigs.errors import InputError
from vegafigs.figures._common import clean_numeric, ordered_levels, themed, wrap_title
from vegafigs.layers._encode import palette_for, series_legend
from vegafigs.layers.axes import set_axis
from vegafigs.layers.bands import band
from vegafigs.layers.lines import line, points
from vegafigs.themes import get_theme, inches

#: Legend symbol: a line through a filled circle. Path units are half the symbol's side
#: (sqrt(symbol size) px); the line reaches beyond it, so labels get a wider offset.
_R = 0.38  # circle radius
LINE_MARKER_SYMBOL = (
    f"M-2.2,0L-{_R},0M{_R},0L2.2,0M{_R},0A{_R},{_R},0,1,1,-{_R},0A{_R},{_R},0,1,1,{_R},0Z"
)
LEGEND_ORIENTS = ("bottom-right", "bottom-left", "top-right", "top-left", "right", "bottom")


def scaling_curves(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    lower: str | None = None,
    upper: str | None = None,
    err: str | None = None,
    highlight: Any = None,
    order: Sequence[Any] | None = None,
    palette: Mapping[Any, str] | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    title: str | None = None,
    y_domain: tuple[float, float] | None = None,
    y_ticks: Sequence[float] | None = None,
    y_format: str | None = None,
    theme: str = "latex",
    width_in: float = 10.0,
    height_in: float = 5.0,
    stroke_width: float = 2.5,
    marker_size: float = 49,
    marker_edge: str = "black",
    band_opacity: float = 0.18,
    x_padding: float = 0.35,
    legend_orient: str = "bottom-right",
) -> alt.LayerChart:
    """``y`` against ``x`` (e.g. model size) as evenly spaced categories, a line per ``series``.

    Each method gets a line with dark-edged circle markers and, when ``err``
    (± half-width) or ``lower``/``upper`` are given, a translucent band. ``x``
    values are placed equally spaced in ascending order (labelled as given, e.g.
    0.6, 1.7, 4, 8). The frameless legend (``legend_orient``) lists the series in
    ``order`` (default: first appearance) with the ``highlight`` series' label
    alone in bold. ``palette`` maps series to colours (default: tab10).
    ``width_in`` × ``height_in`` is the whole figure. Rows with a NaN/inf ``y``
    are dropped with a warning; a NaN ``err``/``lower``/``upper`` only leaves that
    point out of the band (e.g. a base model without spread has no band), and
    so does a ±inf one. An empty frame, a missing column, non-numeric values, a
    missing series name, a repeated (series, x), sizes <= 0, negative widths,
    non-string titles, non-finite ``y_ticks`` and a ``y_format`` that is not a d3
    number format are an :class:`~vegafigs.InputError`.

    >>> import vegafigs as vf
    >>> df = vf.demo.model_scaling()
    >>> chart = vf.figures.scaling_curves(df, x="params_b", y="accuracy", series="method",
    ...                                   err="std", highlight="SDPO")
    >>> vf.save(chart, "scaling.pdf")  # doctest: +SKIP
    """
    func = "scaling_curves"
    if err is not None and (lower is not None or upper is not None):
        raise InputError("err: give either err (± half-width) or lower and upper, not both")
    if (lower is None) != (upper is None):
        raise InputError("lower/upper: give both columns (the band's bottom and top) or neither")
    spread = [c for c in (err, lower, upper) if c is not None]
    data = clean_numeric(df, numeric=[x, y], other=[series, *spread], func=func)
    for col in spread:  # NaN allowed here: that point just has no band
        data[col] = require_numeric(data, col)
    require_positive(width_in, param="width_in")
    require_positive(height_in, param="height_in")
    require_nonnegative(stroke_width, param="stroke_width")
    require_nonnegative(x_padding, param="x_padding")
    require_positive(marker_size, param="marker_size")
    require_fraction(band_opacity, param="band_opacity")
    for name, text in (("title", title), ("x_title", x_title), ("y_title", y_title)):
        require_optional_text(text, param=name)
    if y_format is not None:
        require_number_format(y_format, param="y_format")
    if y_ticks is not None:
        require_finite_list(y_ticks, param="y_ticks")
    require_choice(legend_orient, LEGEND_ORIENTS, param="legend_orient")
    levels = ordered_levels(data[series], order, param="order")
    if highlight is not None and highlight not in levels:
        raise InputError(f"highlight: {highlight!r} is not a series; the series are {levels}")
    dup = data[data.duplicated([series, x])]
    if len(dup):
        first = dup.iloc[0]
        raise InputError(
            f"df: {len(dup)} duplicate ({series!r}, {x!r}) row(s), e.g. "
            f"({plain(first[series])!r}, {plain(first[x])!r}); expected one row per series and x"
        )
    pal = palette_for(data, series, palette)
    pal = {lv: pal[lv] for lv in levels}
    data = data[data[series].isin(levels)]

    band_data = _band_rows(data, y=y, err=err, lower=lower, upper=upper)
    cfg = get_theme(theme)
    font = cfg["font"]
    w_px, h_px = inches(width_in, param="width_in"), inches(height_in, param="height_in")
    # Titles longer than the plot wrap onto more lines instead of squeezing it.
    axis_size = cfg["axis"]["titleFontSize"]
    x_text = wrap_title(
        x_title if x_title is not None else x, width=w_px - 70, font=font, size=axis_size
    )
    y_text = wrap_title(
        y_title if y_title is not None else y, width=h_px - 50, font=font, size=axis_size
    )
    legend = series_legend(
        highlight=highlight,
        font=font,
        orient=legend_orient,
        symbol_type=LINE_MARKER_SYMBOL,
        symbol_size=130,
        symbol_stroke_width=stroke_width,
    )
    # Room for the symbol's overhanging line: label gap, compact rows, inset from the frame.
    legend["labelOffset"], legend["rowPadding"], legend["offset"] = 14, 2, 10
    layers: list[alt.Chart] = []
    if band_data is not None:
        layers.append(
            band(
                band_data,
                x=x,
                lower="_lower",
                upper="_upper",
                series=series,
                palette=pal,
                opacity=band_opacity,
                x_type="O",
                legend=legend,
            )  # fmt: skip
        )
    layers.append(
        line(
            data,
            x=x,
            y=y,
            series=series,
            palette=pal,
            stroke_width=stroke_width,
            x_type="O",
            legend=legend,
        )  # fmt: skip
    )
    layers.append(
        points(
            data,
            x=x,
            y=y,
            series=series,
            palette=pal,
            stroke=marker_edge,
            size=marker_size,
            x_type="O",
        )  # fmt: skip
    )
    sizes = sorted(set(data[x].tolist()))
    chart = set_axis(
        alt.layer(*layers),
        "x",
        title=x_text,
        label_angle=0,
        scale={"padding": x_padding, "domain": [float(s) for s in sizes]},
    )
    y_props: dict[str, Any] = {}
    if y_domain is not None:
        lo, hi = require_range(y_domain, param="y_domain")
        y_props["domain"] = (lo, hi)
    chart = set_axis(
        chart,
        "y",
        title=y_text,
        values=y_ticks,
        format=y_format if y_format is not None else ("~r" if y_ticks is not None else None),
        **y_props,
    )
    props: dict[str, Any] = {
        "width": w_px,
        "height": h_px,
        "autosize": alt.AutoSizeParams(type="fit", contains="padding"),
    }
    if title is not None:
        props["title"] = wrap_title(
            title, width=w_px - 70, font=font, size=cfg["title"]["fontSize"]
        )
    return themed(chart.properties(**props), theme)


def _band_rows(
    data: pd.DataFrame, *, y: str, err: str | None, lower: str | None, upper: str | None
) -> pd.DataFrame | None:
    """Rows with a finite band, with ``_lower``/``_upper`` columns; None if there is none."""
    if err is None and lower is None:
        return None
    out = data.copy()
    if err is not None:
        e = out[err].astype(float)
        if (e < 0).any():
            raise InputError(f"err: column {err!r} must be >= 0 (a ± half-width)")
        out["_lower"], out["_upper"] = out[y] - e, out[y] + e
    else:
        out["_lower"], out["_upper"] = out[lower].astype(float), out[upper].astype(float)
        bad = out[(out["_lower"] > out["_upper"])]
        if len(bad):
            raise InputError(f"lower/upper: {len(bad)} row(s) where {lower!r} > {upper!r}")
    keep = np.isfinite(out["_lower"]) & np.isfinite(out["_upper"])
    out = out[keep]
    return out if len(out) else None
