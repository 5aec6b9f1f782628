"""Band layer: a filled ribbon between a lower and an upper column, per series."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._params import BOOL, COLOR, TEXT, checked
from vegafigs.frames import takes_frames
from vegafigs.layers._category import LEGEND, X_TYPE
from vegafigs.layers._encode import (
    color_encoding,
    column_def,
    numeric_frame,
    palette_for,
    tooltips,
)


@checked(color=COLOR, x_type=X_TYPE.maybe(), interpolate=TEXT, legend=LEGEND, tooltip=BOOL)
@takes_frames("df")
def band(
    df: pd.DataFrame,
    *,
    x: str,
    lower: str,
    upper: str,
    series: str | None = None,
    color: str = "#1f77b4",
    palette: Mapping[Any, str] | None = None,
    opacity: float | None = 0.2,
    x_type: str | None = None,
    interpolate: str = "linear",
    tooltip: bool = False,
    legend: bool | alt.Legend = False,
) -> alt.Chart:
    """A ribbon from ``lower`` to ``upper`` along ``x`` (e.g. mean ± std), no legend.

    Bad input: rows with NaN/±inf in ``lower``/``upper`` (or a quantitative ``x``)
    are dropped with a warning counting them; non-numeric bounds, an ``x``
    repeated within a series and an opacity outside [0, 1] are an
    :class:`~vegafigs.InputError`.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per ``x`` (per series), holding the ``x``, ``lower`` and
        ``upper`` columns (and ``series`` when given).
    x : str
        Column along which the ribbon runs. See :term:`x`.
    lower : str
        Column of the ribbon's lower edge (numbers). See :term:`lower`.
    upper : str
        Column of the ribbon's upper edge (numbers). See :term:`upper`.
    series : str, optional
        Column whose levels get one ribbon each, coloured by ``palette``
        (default None: one ribbon in ``color``). See :term:`series`.
    color : str, optional
        CSS colour of the ribbon when there is no ``series`` (default
        ``"#1f77b4"``).
    palette : mapping, optional
        ``{level: colour}`` of the ``series`` levels; levels it leaves out take
        tab10 colours in order of appearance (default None: all tab10). See
        :term:`palette`.
    opacity : float or None, optional
        The ribbon's opacity in [0, 1] (default 0.2; None: the theme's ``area``
        setting). See :term:`opacity`.
    x_type : {"Q", "O", "N", "T"}, optional
        Vega-Lite type of the x encoding (default None: from the column's
        dtype).
    interpolate : str, optional
        Vega-Lite's line interpolation of the edges (default ``"linear"``;
        e.g. ``"monotone"``, ``"step"``).
    tooltip : bool, optional
        Show the series, x and bounds on hover (default False).
    legend : bool or altair.Legend, optional
        Whether (or how) this layer draws the series legend (default False).
        When the line layers pass a custom legend (e.g.
        :func:`~vegafigs.layers.series_legend`), pass the same one here: the
        band is drawn first, and Vega-Lite takes the merged legend's look
        (e.g. symbol opacity) from the first layer.

    Returns
    -------
    altair.Chart
        An area mark from ``lower`` (``y``) to ``upper`` (``y2``).

    Examples
    --------
    >>> df = pd.DataFrame({"step": [0, 1, 2], "lo": [0.1, 0.2, 0.2], "hi": [0.3, 0.4, 0.5]})
    >>> band(df, x="step", lower="lo", upper="hi").mark.opacity
    0.2
    """
    df, x_axis = numeric_frame(
        df, x=x, x_type=x_type, numeric=[lower, upper], series=series, func="band", unique_x=True
    )
    lower_def, upper_def = column_def(lower, "Q"), column_def(upper, "Q")
    if "title" in lower_def or "title" in upper_def:  # both titled: Vega-Lite joins them
        lower_def["title"], upper_def["title"] = lower, upper
    del upper_def["type"]  # a secondary channel has no type of its own
    enc: dict[str, Any] = {
        "x": alt.X(**x_axis.encoding()),
        "y": alt.Y(**lower_def),
        "y2": alt.Y2(**upper_def),
    }
    mark: dict[str, Any] = {"interpolate": interpolate}
    if opacity is not None:
        mark["opacity"] = opacity
    if series is not None:
        enc["color"] = color_encoding(series, palette_for(df, series, palette), legend=legend)
        enc["detail"] = alt.Detail(**column_def(series, "N"))
    else:
        mark["color"] = color
    if tooltip:
        enc["tooltip"] = tooltips(df, x_axis, series, [lower, upper])
    return alt.Chart(df).mark_area(**mark).encode(**enc)
