"""Bar layer: bars over ordered categories, filled by value on a power colour scale."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._params import BOOL, COLOR, FINITE, NONNEGATIVE, POSITIVE, Param, checked
from vegafigs.errors import InputError
from vegafigs.frames import takes_frames
from vegafigs.layers._category import category_x
from vegafigs.layers._encode import column_def, fresh_name, numeric_frame

#: Light and dark ends of the default bar gradient (seed 001).
BAR_LIGHT, BAR_DARK = "#9AC4F5", "#428AE5"
#: Bar edge for the default gradient (seed 001).
EDGE = "#3A78CC"
#: Default bar width (share of a category step) and outer padding (in steps).
BAR_WIDTH, PADDING_OUTER = 0.52, 0.28
#: Name of the computed field the colour scale reads (value above the colour domain's start);
#: a frame with a column of that name gets a numbered variant (``fresh_name``).
COLOR_FIELD = "_bar_color_value"


def _share(value: Any, name: str) -> Any:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not 0 < value <= 1
    ):
        raise InputError(f"{name}: expected a share of the step in (0, 1], got {value!r}")
    return float(value)


def _gradient(value: Any, name: str) -> Any:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
        raise InputError(f"{name}: expected (light, dark), got {value!r}")
    if not all(isinstance(c, str) and c.strip() for c in value):
        raise InputError(f"{name}: expected two CSS colour strings (light, dark), got {value!r}")
    return tuple(value)


def _low_high(value: Any, name: str) -> Any:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
        raise InputError(f"{name}: expected (low, high), got {value!r}")
    lo, hi = (FINITE(v, name) for v in value)
    if hi < lo:
        raise InputError(f"{name}: expected low <= high, got {value!r}")
    return lo, hi


#: Shared declarations of the bar chart layers' own parameters.
SHARE = Param(_share, "a share of the category step in (0, 1]", bad=(0, 1.5, "wide", True))
GRADIENT = Param(_gradient, "(light, dark) colours", bad=("red", ("red",), ("a", 3)))
LOW_HIGH = Param(_low_high, "a (low, high) pair", bad=((3, 1), (3,), "ab", (0, float("nan"))))


@checked(
    colors=GRADIENT,
    exponent=POSITIVE,
    color_domain=LOW_HIGH.maybe(),
    edge_color=COLOR.maybe(),
    edge_width=NONNEGATIVE,
    bar_width=SHARE,
    padding_outer=NONNEGATIVE,
    base=FINITE.maybe(),
    tooltip=BOOL,
)
@takes_frames("df")
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
    of the way along, so close high scores stay distinguishable. The scale reads
    ``v - lo`` (a computed field) over ``[0, hi - lo]``; there is no per-row
    colour column and no legend.

    Bad input: rows with a NaN/±inf ``y`` are dropped with a warning counting
    them (no bar there); non-numeric ``y``, a repeated or missing category and
    bad parameters are an :class:`~vegafigs.InputError` naming them. Equal
    values all get the middle colour.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per bar, holding ``x`` and ``y``.
    x : str
        Column of the categories, one bar each. See :term:`x`.
    y : str
        Column of the bar heights (numbers). See :term:`y`.
    order : sequence, optional
        Order of the categories (default None: first appearance; a categorical
        column's category order). See :term:`order`.
    colors : tuple of str, optional
        ``(light, dark)`` CSS colours at the ends of the gradient (default
        ``("#9AC4F5", "#428AE5")``, seed 001's blues).
    exponent : float, optional
        Power of the colour scale, > 0 (default 0.4; 1 = linear).
    color_domain : tuple of float, optional
        ``(lo, hi)`` mapped to the two ends of the gradient, lo <= hi (default
        None: the data's range).
    edge_color : str, optional
        CSS colour of the bar outlines (default None: a darker shade of
        ``colors[1]``; ``"#3A78CC"`` for the default blues, as in seed 001).
    edge_width : float, optional
        Width of the bar outlines, pt, >= 0 (default 0.5).
    bar_width : float, optional
        The bar's share of a category step, in (0, 1] (default 0.52).
    padding_outer : float, optional
        Space before the first and after the last bar, in steps, >= 0 (default
        0.28).
    base : float, optional
        The value the bars start at (default None: the bottom of the plot, bars
        clipped to it).
    x_title : str, optional
        Title of the category axis (default None: the column name). See
        :term:`x_title`.
    y_title : str, optional
        Title of the value axis (default None: the column name). See
        :term:`y_title`.
    tooltip : bool, optional
        Add a hover tooltip with the category and value (default True).

    Returns
    -------
    altair.Chart
        A bar mark per category.

    Examples
    --------
    >>> df = pd.DataFrame({"step": [5, 10, 15], "score": [55.7, 57.7, 57.1]})
    >>> chart = bars(df, x="step", y="score", base=50, colors=("#F5C49A", "#E5862A"))
    >>> chart.mark.stroke  # a darker shade of the dark end
    '#C37224'
    """
    df, _ = numeric_frame(df, x=x, x_type="O", numeric=[y], series=None, func="bars")
    values = df[y].astype(float)
    dup = df[x][df[x].duplicated()].tolist()
    if dup:
        raise InputError(f"x: categories must be unique, one bar each; {x!r} repeats {dup}")
    if color_domain is None:
        lo, hi = float(values.min()), float(values.max())
    else:
        lo, hi = color_domain
    # Equal values: a domain around 0 puts every bar mid-way along the gradient.
    domain = [0.0, hi - lo] if hi > lo else [-1.0, 1.0]

    if edge_color is None:
        edge_color = EDGE if tuple(colors) == (BAR_LIGHT, BAR_DARK) else darker(colors[1])
    data = df.assign(**{y: values})
    color_field = fresh_name(COLOR_FIELD, data.columns)
    enc: dict[str, Any] = {
        "x": category_x(
            data,
            x,
            order,
            title=x_title if x_title is not None else x,
            scale=alt.Scale(paddingInner=round(1 - bar_width, 6), paddingOuter=padding_outer),
            axis=alt.Axis(labelAngle=0),
        ),
        "y": alt.Y(**column_def(y, "Q", title=y_title if y_title is not None else y)),
        "fill": alt.Fill(
            **column_def(color_field, "Q"),
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
        enc["tooltip"] = [
            alt.Tooltip(**column_def(x, "O")),
            alt.Tooltip(**column_def(y, "Q", format=".4g")),
        ]
    return (
        alt.Chart(data)
        .transform_calculate(**{color_field: f"datum[{json.dumps(y)}] - {lo!r}"})
        .mark_bar(stroke=edge_color, strokeWidth=edge_width, clip=base is None)
        .encode(**enc)
    )


def darker(color: str, factor: float = 0.85) -> str:
    """``color`` (``#rrggbb``) darkened by ``factor``; other colour strings are returned as is."""
    if len(color) != 7 or not color.startswith("#"):
        return color
    try:
        rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    except ValueError:
        return color
    return "#" + "".join(f"{round(c * factor):02X}" for c in rgb)
