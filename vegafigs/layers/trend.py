"""Trend-line layer: a line through the bar tops with white-filled circle markers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._params import COLOR, NONNEGATIVE, POSITIVE, checked
from vegafigs.frames import takes_frames
from vegafigs.layers._category import X_TYPE, category_x
from vegafigs.layers._encode import numeric_frame
from vegafigs.layers.lines import line, points

#: Default trend-line colour: darker than the bar gradient (seed 001).
TREND_COLOR = "#2E6FC7"


@checked(
    color=COLOR,
    stroke_width=POSITIVE,
    marker_size=POSITIVE,
    marker_fill=COLOR,
    marker_stroke_width=NONNEGATIVE,
    x_type=X_TYPE,
)
@takes_frames("df")
def trend_line(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    order: Sequence[Any] | None = None,
    color: str = TREND_COLOR,
    stroke_width: float = 0.9,
    marker_size: float = 12,
    marker_fill: str = "white",
    marker_stroke_width: float = 0.8,
    x_type: str = "O",
) -> alt.LayerChart:
    """A line through ``(x, y)`` with hollow-looking circle markers, on top of bars.

    Bad input: rows with a NaN/±inf ``y`` are dropped with one warning counting
    them; non-numeric ``y``, a repeated or missing ``x`` and bad parameters are
    an :class:`~vegafigs.InputError` naming them.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per point (per bar), holding ``x`` and ``y``.
    x : str
        Column of the positions: categories by default (see ``x_type``). See
        :term:`x`.
    y : str
        Column of the values the line joins (numbers). See :term:`y`.
    order : sequence, optional
        Order of the categories, sorted like :func:`~vegafigs.layers.bars`
        (default None: first appearance), so the markers sit on the bar centres.
        Unused when ``x_type="Q"``. See :term:`order`.
    color : str, optional
        CSS colour of the line and the marker edges (default ``"#2E6FC7"``,
        darker than the default bar gradient).
    stroke_width : float, optional
        Line width in pt (default 0.9). See :term:`stroke_width`.
    marker_size : float, optional
        Marker area in px² (default 12; matplotlib ``markersize=3`` ≈ 9–12).
    marker_fill : str, optional
        CSS colour filling the markers (default ``"white"``).
    marker_stroke_width : float, optional
        Width of the marker edges, pt, >= 0 (default 0.8).
    x_type : {"O", "N", "Q", "T"}, optional
        Vega-Lite type of the x encoding (default ``"O"``: a category axis;
        ``"Q"`` draws over a numeric axis).

    Returns
    -------
    altair.LayerChart
        Two layers: the ``line`` and the ``point`` markers.

    Examples
    --------
    >>> df = pd.DataFrame({"step": [5, 10, 15], "score": [55.7, 57.7, 57.1]})
    >>> chart = trend_line(df, x="step", y="score", color="#444444")
    >>> [layer.mark.type for layer in chart.layer]
    ['line', 'point']
    """
    df, _ = numeric_frame(
        df, x=x, x_type=x_type, numeric=[y], series=None, func="trend_line", unique_x=True
    )
    drawn = line(df, x=x, y=y, color=color, stroke_width=stroke_width, x_type=x_type, tooltip=False)
    markers = points(
        df,
        x=x,
        y=y,
        color=color,
        fill=marker_fill,
        stroke=color,
        stroke_width=marker_stroke_width,
        size=marker_size,
        x_type=x_type,
    )
    if x_type in {"O", "N"}:
        x_enc = category_x(df, x, order)
        drawn, markers = drawn.encode(x=x_enc), markers.encode(x=x_enc)
    return alt.LayerChart(layer=[drawn, markers])
