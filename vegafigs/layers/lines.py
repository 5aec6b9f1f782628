"""Line and point layers, one line per series."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._params import BOOL, COLOR, MAPPING, NONNEGATIVE, POSITIVE, TEXT, checked
from vegafigs.frames import takes_frames
from vegafigs.layers._category import LEGEND, X_TYPE
from vegafigs.layers._encode import (
    color_encoding,
    column_def,
    dash_encoding,
    numeric_frame,
    palette_for,
    tooltips,
)


@checked(
    color=COLOR,
    dashes=MAPPING.maybe(),
    x_type=X_TYPE.maybe(),
    interpolate=TEXT,
    legend=LEGEND,
    tooltip=BOOL,
)
@takes_frames("df")
def line(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str | None = None,
    color: str = "#1f77b4",
    palette: Mapping[Any, str] | None = None,
    dashes: Mapping[Any, Sequence[float]] | None = None,
    stroke_width: float | None = 2.0,
    opacity: float | None = 1.0,
    x_type: str | None = None,
    interpolate: str = "linear",
    legend: bool | alt.Legend = True,
    tooltip: bool = True,
) -> alt.Chart:
    """A line of ``y`` against ``x``; one per ``series`` coloured by ``palette``.

    Pass the same ``palette`` (and ``dashes``) to every layer of a figure so they
    share one colour scale and one legend. Series levels of any type are drawn as
    their string form (run ``1`` is the legend entry ``"1"``; palette keys and
    ``series_legend(highlight=)`` match it as ``1`` or ``"1"``). A datetime ``x``
    (naive or tz-aware) is drawn on a UTC time axis showing the frame's
    wall-clock times, the same on every machine; a timedelta ``x`` as hours /
    minutes ... with the unit in the title.

    Bad input: rows with NaN/±inf in ``y`` (or a quantitative ``x``) are dropped
    with a warning counting them; non-numeric ``y``, an ``x`` repeated within a
    series (aggregate seeds first), missing series names and bad parameters
    are an :class:`~vegafigs.InputError` naming them.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per point, holding ``x``, ``y`` (and ``series`` when given).
    x : str
        Column on the x axis (numbers, dates, durations or categories). See
        :term:`x`.
    y : str
        Column of the values (numbers). See :term:`y`.
    series : str, optional
        Column whose levels get one line each (default None: one line in
        ``color``). See :term:`series`.
    color : str, optional
        CSS colour of the line when there is no ``series`` (default
        ``"#1f77b4"``).
    palette : mapping, optional
        ``{level: colour}`` of the ``series`` levels; levels it leaves out take
        tab10 colours by their position (default None: all tab10). See
        :term:`palette`.
    dashes : mapping, optional
        ``{level: dash pattern}`` of the ``series`` levels (``[]``: solid;
        default None: all solid).
    stroke_width : float or None, optional
        Line width, pt (default 2.0; None: the theme's ``line.strokeWidth``).
        See :term:`stroke_width`.
    opacity : float or None, optional
        Line opacity in [0, 1] (default 1.0; None: the theme's). See
        :term:`opacity`.
    x_type : {"Q", "O", "N", "T"}, optional
        Vega-Lite type of the x encoding (default None: inferred from the
        column's dtype).
    interpolate : str, optional
        Vega-Lite interpolation (default ``"linear"``; ``"monotone"``,
        ``"step"`` ...).
    legend : bool or altair.Legend, optional
        Whether (or how) this layer draws the series legend (default True).
    tooltip : bool, optional
        Add a hover tooltip (default True).

    Returns
    -------
    altair.Chart
        A line mark (one line per series).

    Examples
    --------
    >>> df = pd.DataFrame({"step": [0, 1, 2] * 2, "acc": [.1, .2, .3, .1, .15, .2],
    ...                    "method": ["A"] * 3 + ["B"] * 3})
    >>> chart = line(df, x="step", y="acc", series="method")
    """
    df, x_axis = numeric_frame(
        df, x=x, x_type=x_type, numeric=[y], series=series, func="line", unique_x=True
    )
    enc: dict[str, Any] = {"x": alt.X(**x_axis.encoding()), "y": alt.Y(**column_def(y, "Q"))}
    if series is not None:
        enc["color"] = color_encoding(series, palette_for(df, series, palette), legend=legend)
        enc["detail"] = alt.Detail(**column_def(series, "N"))
        if dashes is not None:
            enc["strokeDash"] = dash_encoding(series, dashes, legend=legend)
    if tooltip:
        enc["tooltip"] = tooltips(df, x_axis, series, [y])
    mark: dict[str, Any] = {"interpolate": interpolate}
    for key, value in (("strokeWidth", stroke_width), ("opacity", opacity)):
        if value is not None:
            mark[key] = value
    if series is None:
        mark["color"] = color
    return alt.Chart(df).mark_line(**mark).encode(**enc)


@checked(
    color=COLOR,
    fill=COLOR.maybe(),
    stroke=COLOR.maybe(),
    stroke_width=NONNEGATIVE,
    size=POSITIVE,
    shape=TEXT,
    x_type=X_TYPE.maybe(),
    legend=LEGEND,
    tooltip=BOOL,
)
@takes_frames("df")
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

    Bad input: rows with NaN/±inf in ``y`` (or a quantitative ``x``) are dropped
    with a warning counting them; non-numeric ``y`` and bad parameters are an
    :class:`~vegafigs.InputError` naming them. Repeated x are fine.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per marker, holding ``x``, ``y`` (and ``series`` when given).
    x : str
        Column on the x axis. See :term:`x`.
    y : str
        Column of the values (numbers). See :term:`y`.
    series : str, optional
        Column whose levels get one colour each (default None: every marker is
        ``color``). See :term:`series`.
    color : str, optional
        CSS colour of the markers when there is no ``series`` (default
        ``"#1f77b4"``).
    palette : mapping, optional
        ``{level: colour}`` of the ``series`` levels; levels it leaves out take
        tab10 colours (default None: all tab10). See :term:`palette`.
    fill : str, optional
        One fill for all markers (default None: the series colour, or
        ``color``); ``fill="white"`` gives hollow-looking markers edged in the
        series colour when ``stroke=None``.
    stroke : str or None, optional
        CSS colour of the marker edges (default ``"black"``; None: the series
        colour, or ``color``).
    stroke_width : float, optional
        Width of the marker edges, px, >= 0 (default 1.0). See
        :term:`stroke_width`.
    size : float, optional
        Marker area in px², > 0 (default 49; matplotlib ``ms=7`` ≈ ``size=49``).
    shape : str, optional
        A Vega shape name (default ``"circle"``).
    x_type : {"Q", "O", "N", "T"}, optional
        Vega-Lite type of the x encoding (default None: inferred; ``"O"`` for
        evenly spaced categories).
    legend : bool or altair.Legend, optional
        Whether (or how) this layer draws the series legend (default False).
    tooltip : bool, optional
        Add a hover tooltip (default True).

    Returns
    -------
    altair.Chart
        A point mark per row.

    Examples
    --------
    >>> df = pd.DataFrame({"step": [0, 1, 2], "acc": [.1, .2, .3]})
    >>> chart = points(df, x="step", y="acc", color="#2ca02c", size=30)
    >>> chart.mark.size, chart.mark.fill
    (30, '#2ca02c')
    """
    df, x_axis = numeric_frame(df, x=x, x_type=x_type, numeric=[y], series=series, func="points")
    enc: dict[str, Any] = {"x": alt.X(**x_axis.encoding()), "y": alt.Y(**column_def(y, "Q"))}
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
        enc["tooltip"] = tooltips(df, x_axis, series, [y])
    return alt.Chart(df).mark_point(**mark).encode(**enc)
