"""Value-label layer: each value written above its bar or point."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs.errors import InputError
from vegafigs.layers._category import category_x
from vegafigs.layers._encode import checked, field_type

#: d3-format's specifier grammar ([[fill]align][sign][symbol][0][width][,][.precision][~][type]).
D3_FORMAT = re.compile(r"(?:.?[<>=^])?[-+( ]?[$#]?0?\d*,?(?:\.\d+)?~?[%bcdefgnoprsxX]?")

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

    >>> df = pd.DataFrame({"step": [5, 10, 15], "score": [55.7, 57.7, 57.1]})
    >>> chart = bars(df, x="step", y="score") + value_labels(df, x="step", y="score")
    ... # doctest: +SKIP
    """
    checked(df, [x, y] + ([offset] if isinstance(offset, str) else []))
    if not isinstance(fmt, str) or not D3_FORMAT.fullmatch(fmt):
        raise InputError(f"fmt: {fmt!r} is not a d3 number format such as '.2f' or ',.1%'")
    mark: dict[str, Any] = {
        "align": "center",
        "baseline": "bottom",
        "fontSize": font_size,
        "color": color,
    }
    if isinstance(offset, str):
        mark["dy"] = alt.expr(f"-datum[{json.dumps(offset)}]")
    else:
        try:
            mark["dy"] = -float(offset)
        except (TypeError, ValueError) as exc:
            raise InputError(f"offset: expected px or a column name, got {offset!r}") from exc
    if font is not None:
        mark["font"] = font
    x_enc: Any = category_x(df, x, order) if x_type in {"O", "N"} else field_type(df, x, x_type)
    return (
        alt.Chart(df)
        .mark_text(**mark)
        .encode(x=x_enc, y=f"{y}:Q", text=alt.Text(f"{y}:Q", format=fmt))
    )
