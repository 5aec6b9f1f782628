"""Line and point layers, one line per series."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._params import COLOR, MAPPING, checked
from vegafigs.layers._encode import (
    LAYER_PARAMS,
    LAYER_WIDTH,
    color_encoding,
    dash_encoding,
    numeric_frame,
    palette_for,
)

_LINE = {k: LAYER_PARAMS[k] for k in ("x_type", "interpolate", "legend", "tooltip", "color")}


@checked(stroke_width=LAYER_WIDTH, dashes=MAPPING.maybe("{series: dash pattern}"), **_LINE)
def line(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str | None = None,
    color: str = "#1f77b4",
    palette: Mapping[Any, str] | None = None,
    dashes: Mapping[Any, Sequence[float]] | None = None,
    stroke_width: float | None = None,
    opacity: float | None = 1.0,
    x_type: str | None = None,
    interpolate: str = "linear",
    legend: bool | alt.Legend = True,
    tooltip: bool = True,
) -> alt.Chart:
    """A line of ``y`` against ``x``; one per ``series`` coloured by ``palette``.

    ``series``: one line per level, coloured by ``palette`` ``{level: colour}``
    (default tab10 in order of appearance) and dashed by ``dashes`` ``{level:
    [dash, gap]}`` (``[]``: solid); without it the line is ``color``. Pass the
    same ``palette`` (and ``dashes``) to every layer of a figure so they share
    one colour scale and one legend (``legend``: ``True``, ``False`` to leave it
    to the other layers, or an ``alt.Legend``). ``stroke_width`` (pt) defaults
    to the theme's ``line.strokeWidth``; ``opacity`` is the line's opacity
    (``None``: the theme's). ``x_type``: ``"Q"``, ``"O"``, ``"N"``, ``"T"``
    (default: from the dtype); ``interpolate``: Vega-Lite's interpolation;
    ``tooltip``: series, x and y on hover.

    Bad input: rows with NaN/±inf in ``y`` (or a quantitative ``x``) are dropped
    with a warning counting them; non-numeric ``y``, an ``x`` repeated within a
    series (aggregate seeds first), missing series names, negative widths and an
    opacity outside [0, 1] are an :class:`~vegafigs.InputError`.

    >>> df = pd.DataFrame({"step": [0, 1, 2] * 2, "acc": [.1, .2, .3, .1, .15, .2],
    ...                    "method": ["A"] * 3 + ["B"] * 3})
    >>> line(df, x="step", y="acc", series="method").encoding.color.to_dict()["scale"]
    {'domain': ['A', 'B'], 'range': ['#1f77b4', '#ff7f0e']}
    """
    df, x_enc = numeric_frame(
        df, x=x, x_type=x_type, numeric=[y], series=series, func="line", unique_x=True
    )
    enc: dict[str, Any] = {"x": x_enc, "y": f"{y}:Q"}
    if series is not None:
        enc["color"] = color_encoding(series, palette_for(df, series, palette), legend=legend)
        enc["detail"] = f"{series}:N"
        if dashes is not None:
            enc["strokeDash"] = dash_encoding(series, dashes, legend=legend)
    if tooltip:
        enc["tooltip"] = [c for c in (series, x, y) if c is not None]
    mark: dict[str, Any] = {} if opacity is None else {"opacity": opacity}
    if stroke_width is not None:
        mark["strokeWidth"] = stroke_width
    if series is None:
        mark["color"] = color
    mark["interpolate"] = interpolate
    return alt.Chart(df).mark_line(**mark).encode(**enc)


_POINTS = {k: LAYER_PARAMS[k] for k in ("x_type", "legend", "tooltip", "color", "shape", "size")}


@checked(
    stroke_width=LAYER_WIDTH,
    fill=COLOR.maybe("marker fill (default: the series colour)"),
    stroke=COLOR.maybe("marker edge (None: the series colour)"),
    **_POINTS,
)
def points(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str | None = None,
    color: str = "#1f77b4",
    palette: Mapping[Any, str] | None = None,
    fill: str | None = None,
    stroke: str | None = "black",
    stroke_width: float = 1.0,
    size: float = 49,
    shape: str = "circle",
    x_type: str | None = None,
    legend: bool | alt.Legend = False,
    tooltip: bool = True,
) -> alt.Chart:
    """Outlined markers at each ``(x, y)``; filled with the series colour unless ``fill``.

    ``size`` is the marker area in px² (matplotlib ``ms=7`` ≈ ``size=49``);
    ``fill="white"`` gives hollow-looking markers edged in the series colour when
    ``stroke=None``.

    Bad input: rows with NaN/±inf in ``y`` (or a quantitative ``x``) are dropped
    with a warning counting them; non-numeric ``y``, ``size`` <= 0 and a negative
    ``stroke_width`` are an :class:`~vegafigs.InputError`. Repeated x are fine.

    >>> chart = line(df, x="step", y="acc", series="method") + points(
    ...     df, x="step", y="acc", series="method")  # doctest: +SKIP
    """
    df, x_enc = numeric_frame(df, x=x, x_type=x_type, numeric=[y], series=series, func="points")
    enc: dict[str, Any] = {"x": x_enc, "y": f"{y}:Q"}
    mark: dict[str, Any] = {"shape": shape, "size": size, "filled": True, "opacity": 1}
    pal = palette_for(df, series, palette) if series is not None else None
    if series is not None and pal is not None:
        if fill is None:
            enc["fill"] = color_encoding(series, pal, legend=legend, channel=alt.Fill)
        else:
            mark["fill"] = fill
        if stroke is None:
            enc["stroke"] = color_encoding(series, pal, legend=False, channel=alt.Stroke)
        else:
            mark["stroke"] = stroke
    else:
        mark["fill"] = fill if fill is not None else color
        mark["stroke"] = stroke if stroke is not None else color
    mark["strokeWidth"] = stroke_width
    if tooltip:
        enc["tooltip"] = [c for c in (series, x, y) if c is not None]
    return alt.Chart(df).mark_point(**mark).encode(**enc)
