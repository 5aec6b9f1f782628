"""Trend-line layer: a line through the bar tops with white-filled circle markers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._params import COLOR, NONNEGATIVE, POSITIVE, checked
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

    ``x`` is a category axis by default (``x_type="O"``, sorted like
    :func:`~vegafigs.layers.bars`: ``order`` or first appearance), so the
    markers sit on the bar centres; ``x_type="Q"`` draws over a numeric axis.
    ``color``: line and marker edge colour; ``stroke_width``: line width, pt;
    ``marker_size``: marker area in px² (matplotlib ``markersize=3`` ≈ 9–12);
    ``marker_fill`` / ``marker_stroke_width``: the markers' fill and edge width.

    Bad input: rows with a NaN/±inf ``y`` are dropped with one warning counting
    them; non-numeric ``y``, a repeated or missing ``x`` and bad parameters are
    an :class:`~vegafigs.InputError` naming them.

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
