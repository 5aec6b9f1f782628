"""Value-label layer: each value written above its bar or point."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._checks import D3_FORMAT  # noqa: F401  (re-exported: it was defined here)
from vegafigs._params import COLOR, FINITE, FORMAT, POSITIVE, TEXT, Param, checked
from vegafigs.errors import InputError
from vegafigs.frames import takes_frames
from vegafigs.layers._category import X_TYPE, category_x
from vegafigs.layers._encode import checked as frame_checked
from vegafigs.layers._encode import column_def, numeric_frame

#: Label colour of seed 001: a near-black ink (``figures.bar_trend`` sets it in its theme).
LABEL_COLOR = "#2e2b40"


def _offset(value: Any, name: str) -> Any:
    if isinstance(value, str):
        if not value:
            raise InputError(f"{name}: expected px or a column name, got ''")
        return value
    return FINITE(value, name)


@checked(
    label_format=FORMAT,
    offset=Param(_offset, "px above the value, or a column of px", bad=("", float("nan"), [1])),
    font_size=POSITIVE.maybe(),
    font=TEXT.maybe(),
    color=COLOR.maybe(),
    x_type=X_TYPE,
)
@takes_frames("df")
def value_labels(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    label_format: str = ".2f",
    offset: float | str = 8.0,
    order: Sequence[Any] | None = None,
    font_size: float | None = None,
    font: str | None = None,
    color: str | None = None,
    x_type: str = "O",
) -> alt.Chart:
    """The value of ``y`` (d3 format ``label_format``) centred above each ``(x, y)``.

    Bad input: rows with a NaN/±inf ``y`` (or offset) are dropped with a warning
    counting them (nothing to write there); non-numeric ``y``, a missing
    category and bad parameters are an :class:`~vegafigs.InputError` naming
    them. Repeated ``x`` are fine (labels are drawn at each point).

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per label, holding ``x``, ``y`` (and the ``offset`` column when
        ``offset`` names one).
    x : str
        Column of the positions: categories by default (see ``x_type``). See
        :term:`x`.
    y : str
        Column of the values written (numbers); each label sits at its value's
        height. See :term:`y`.
    label_format : str, optional
        d3 number format of the labels (default ``".2f"``). See
        :term:`label_format`.
    offset : float or str, optional
        Gap in px between the value's height and the label's bottom: one number
        for every label (default 8.0), or the name of a column holding one per
        row (e.g. raised labels next to a steep trend line;
        :func:`vegafigs.figures.bar_trend` computes those so labels stay clear
        of its trend line).
    order : sequence, optional
        Order of the categories, sorted like :func:`~vegafigs.layers.bars`
        (default None: first appearance). Unused when ``x_type="Q"``. See
        :term:`order`.
    font_size : float, optional
        Label size, pt (default None: the theme's ``text.fontSize``).
    font : str, optional
        Label font (default None: the theme's text mark font).
    color : str, optional
        CSS colour of the labels (default None: the theme's text mark colour).
    x_type : {"O", "N", "Q", "T"}, optional
        Vega-Lite type of the x encoding (default ``"O"``: a category axis;
        ``"Q"`` for a numeric axis).

    Returns
    -------
    altair.Chart
        A text mark per row.

    Examples
    --------
    >>> df = pd.DataFrame({"step": [5, 10, 15], "score": [55.7, 57.7, 57.1]})
    >>> chart = value_labels(df, x="step", y="score", label_format=".1f", offset=4)
    >>> chart.mark.dy
    -4.0
    """
    offset_col = [offset] if isinstance(offset, str) else []
    frame_checked(df, [x, y, *offset_col])
    df, x_axis = numeric_frame(
        df, x=x, x_type=x_type, numeric=[y, *offset_col], series=None, func="value_labels"
    )
    mark: dict[str, Any] = {"align": "center", "baseline": "bottom"}
    for key, value in (("fontSize", font_size), ("font", font), ("color", color)):
        if value is not None:
            mark[key] = value
    if isinstance(offset, str):
        mark["dy"] = alt.expr(f"-datum[{json.dumps(offset)}]")
    else:
        mark["dy"] = -float(offset)
    x_channel: Any = category_x(df, x, order) if x_type in {"O", "N"} else x_axis.encoding()
    return (
        alt.Chart(df)
        .mark_text(**mark)
        .encode(
            x=x_channel,
            y=alt.Y(**column_def(y, "Q")),
            text=alt.Text(**column_def(y, "Q", format=label_format)),
        )
    )
