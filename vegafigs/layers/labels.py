"""Value-label layer: each value written above its bar or point."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._checks import (
    D3_FORMAT,  # noqa: F401  (re-exported: it was defined here)
    require_finite,
    require_number_format,
    require_optional_text,
    require_positive,
)
from vegafigs.layers._category import category_x
from vegafigs.layers._encode import checked, numeric_frame

#: Default label colour: a near-black ink (seed 001).
LABEL_COLOR = "#2e2b40"


def value_labels(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    fmt: str = ".2f",
    offset: float | str = 8.0,
    order: Sequence[Any] | None = None,
    font_size: float = 7,
    font: str | None = None,
    color: str = LABEL_COLOR,
    x_type: str = "O",
) -> alt.Chart:
    """The value of ``y`` (d3 format ``fmt``) centred above each ``(x, y)``.

    ``offset`` is the gap in px between the value's height and the label's
    bottom: one number for every label, or the name of a column holding one per
    row (e.g. raised labels next to a steep trend line; ``figures.bar_trend``
    computes those so labels stay clear of its trend line). ``x`` is a category
    axis by default (sorted like :func:`~vegafigs.layers.bars`); ``x_type="Q"``
    for a numeric axis. ``font`` defaults to the theme's text font.

    Bad input: rows with a NaN/±inf ``y`` (or offset) are dropped with a warning
    counting them (nothing to write there); non-numeric ``y``, a missing category,
    a non-d3 ``fmt`` and a font size <= 0 are an :class:`~vegafigs.InputError`.
    Repeated ``x`` are fine (labels are drawn at each point).

    >>> df = pd.DataFrame({"step": [5, 10, 15], "score": [55.7, 57.7, 57.1]})
    >>> chart = bars(df, x="step", y="score") + value_labels(df, x="step", y="score")
    ... # doctest: +SKIP
    """
    offset_col = [offset] if isinstance(offset, str) else []
    checked(df, [x, y, *offset_col])
    require_number_format(fmt, param="fmt")
    require_positive(font_size, param="font_size")
    require_optional_text(font, param="font")
    if not offset_col:
        offset = require_finite(offset, param="offset")
    df, x_enc = numeric_frame(
        df, x=x, x_type=x_type, numeric=[y, *offset_col], series=None, func="value_labels"
    )
    mark: dict[str, Any] = {
        "align": "center",
        "baseline": "bottom",
        "fontSize": font_size,
        "color": color,
    }
    if isinstance(offset, str):
        mark["dy"] = alt.expr(f"-datum[{json.dumps(offset)}]")
    else:
        mark["dy"] = -float(offset)
    if font is not None:
        mark["font"] = font
    if x_type in {"O", "N"}:
        x_enc = category_x(df, x, order)
    return (
        alt.Chart(df)
        .mark_text(**mark)
        .encode(x=x_enc, y=f"{y}:Q", text=alt.Text(f"{y}:Q", format=fmt))
    )
