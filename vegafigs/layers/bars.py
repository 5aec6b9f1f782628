"""Bar layer: bars over ordered categories, filled by value on a power colour scale."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import (
    require_finite,
    require_nonnegative,
    require_optional_text,
    require_positive,
)
from vegafigs.errors import InputError
from vegafigs.layers._category import category_x
from vegafigs.layers._encode import numeric_frame

#: Light and dark ends of the default bar gradient (seed 001).
BAR_LIGHT, BAR_DARK = "#9AC4F5", "#428AE5"
#: Bar edge for the default gradient (seed 001).
EDGE = "#3A78CC"
#: Default bar width (share of a category step) and outer padding (in steps).
BAR_WIDTH, PADDING_OUTER = 0.52, 0.28
#: Name of the computed field the colour scale reads (value above the colour domain's start).
COLOR_FIELD = "_bar_color_value"


def bars(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    order: Sequence[Any] | None = None,
    colors: tuple[str, str] = (BAR_LIGHT, BAR_DARK),
    exponent: float = 0.4,
    color_domain: tuple[float, float] | None = None,
    edge_color: str | None = None,
    edge_width: float = 0.5,
    bar_width: float = BAR_WIDTH,
    padding_outer: float = PADDING_OUTER,
    base: float | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    tooltip: bool = True,
) -> alt.Chart:
    """One bar per category of ``x`` (ordered by ``order`` or first appearance), height ``y``.

    The fill is a Vega-Lite ``pow`` colour scale from ``colors[0]`` (lowest value)
    to ``colors[1]`` (highest): a bar's shade is ``((v - lo) / (hi - lo)) ** exponent``
    of the way along, with ``(lo, hi)`` = ``color_domain`` (default: the data's
    range), so close high scores stay distinguishable. The scale reads
    ``v - lo`` (a computed field) over the domain ``[0, hi - lo]``; there is no
    per-row colour column and no legend. ``bar_width`` is the bar's share of a
    category step; bars start at ``base`` (default: the bottom of the plot,
    clipped to it) and have a thin ``edge_color`` outline (default: a darker shade
    of ``colors[1]``; ``#3A78CC`` for the default blues, as in seed 001).

    Bad input: rows with a NaN/±inf ``y`` are dropped with a warning counting
    them (no bar there); non-numeric ``y``, a repeated or missing category, a
    ``bar_width`` outside (0, 1], negative widths and paddings are an
    :class:`~vegafigs.InputError`. Equal values all get the middle colour.

    >>> df = pd.DataFrame({"step": [5, 10, 15], "score": [55.7, 57.7, 57.1]})
    >>> chart = bars(df, x="step", y="score")
    """
    if (
        isinstance(bar_width, bool)
        or not isinstance(bar_width, (int, float, np.integer, np.floating))
        or not 0 < bar_width <= 1
    ):
        raise InputError(f"bar_width: expected a share of the step in (0, 1], got {bar_width!r}")
    require_positive(exponent, param="exponent")
    require_nonnegative(edge_width, param="edge_width")
    require_nonnegative(padding_outer, param="padding_outer")
    if isinstance(colors, str) or len(colors) != 2:
        raise InputError(f"colors: expected (light, dark), got {colors!r}")
    if base is not None:
        base = require_finite(base, param="base")
    require_optional_text(x_title, param="x_title")
    require_optional_text(y_title, param="y_title")
    df, _ = numeric_frame(df, x=x, x_type="O", numeric=[y], series=None, func="bars")
    values = df[y].astype(float)
    dup = df[x][df[x].duplicated()].tolist()
    if dup:
        raise InputError(f"x: categories must be unique, one bar each; {x!r} repeats {dup}")
    if color_domain is None:
        lo, hi = float(values.min()), float(values.max())
    else:
        if isinstance(color_domain, str) or len(color_domain) != 2:
            raise InputError(f"color_domain: expected (low, high), got {color_domain!r}")
        lo, hi = (require_finite(v, param="color_domain") for v in color_domain)
        if hi < lo:
            raise InputError(f"color_domain: expected low <= high, got {color_domain!r}")
    # Equal values: a domain around 0 puts every bar mid-way along the gradient.
    domain = [0.0, hi - lo] if hi > lo else [-1.0, 1.0]

    if edge_color is None:
        edge_color = EDGE if tuple(colors) == (BAR_LIGHT, BAR_DARK) else _darker(colors[1])
    data = df.assign(**{y: values})
    y_enc: dict[str, Any] = {"title": y_title if y_title is not None else y}
    enc: dict[str, Any] = {
        "x": category_x(
            data,
            x,
            order,
            title=x_title if x_title is not None else x,
            scale=alt.Scale(paddingInner=round(1 - bar_width, 6), paddingOuter=padding_outer),
            axis=alt.Axis(labelAngle=0),
        ),
        "y": alt.Y(f"{y}:Q", **y_enc),
        "fill": alt.Fill(
            f"{COLOR_FIELD}:Q",
            scale=alt.Scale(
                type="pow",
                exponent=exponent,
                domain=domain,
                range=list(colors),
                interpolate="rgb",
                clamp=True,
            ),
            legend=None,
        ),
    }
    if base is not None:
        enc["y2"] = alt.datum(base)
    if tooltip:
        enc["tooltip"] = [alt.Tooltip(f"{x}:O"), alt.Tooltip(f"{y}:Q", format=".4g")]
    return (
        alt.Chart(data)
        .transform_calculate(**{COLOR_FIELD: f"datum[{json.dumps(y)}] - {lo!r}"})
        .mark_bar(stroke=edge_color, strokeWidth=edge_width, clip=base is None)
        .encode(**enc)
    )


def _darker(color: str, factor: float = 0.85) -> str:
    """``color`` (``#rrggbb``) darkened by ``factor``; other colour strings are returned as is."""
    if len(color) != 7 or not color.startswith("#"):
        return color
    try:
        rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    except ValueError:
        return color
    return "#" + "".join(f"{round(c * factor):02X}" for c in rgb)
