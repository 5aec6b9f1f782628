"""Category (ordinal) x encodings shared by the bar-chart layers (private).

Every layer of a bar chart sorts its categories the same explicit way, so
Vega-Lite merges them into one band scale without a sort conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import require_no_missing
from vegafigs._fields import as_text_levels, text_of
from vegafigs._params import Param
from vegafigs.errors import InputError
from vegafigs.layers._encode import column_def, keeps_numbers, levels_of


def category_levels(df: pd.DataFrame, x: str, order: Sequence[Any] | None) -> list[Any]:
    """Categories of ``df[x]`` (as the data holds them) in ``order`` or in order of appearance.

    Categories are matched to ``order`` by their string form (``order=[2, 1]``
    orders categories ``"2"``, ``"1"`` and ``2``, ``1`` alike), numbers also by
    value (``1`` matches ``1.0``). A categorical column without ``order`` keeps its
    category order. A missing category (NaN/None), two categories with one string
    form, an ``order`` naming an unknown category or leaving one out are an
    :class:`InputError`: they have no single place on the axis.
    """
    require_no_missing(df, x)
    as_text_levels(df[x], column=x)  # two categories drawn alike are an error
    present = levels_of(df[x])
    if order is None:
        return present
    order = list(order)
    by_text = {text_of(p): p for p in present}
    chosen: list[Any] = []
    unknown: list[Any] = []
    for o in order:
        match = by_text.get(text_of(o), _by_value(o, present))
        if match is _NONE or any(match is c for c in chosen):
            unknown.append(o)
        else:
            chosen.append(match)
    missing = [p for p in present if not any(p is c for c in chosen)]
    if unknown or missing:
        raise InputError(
            f"order: must list each category of {x!r} once; unknown {unknown}, "
            f"not listed {missing}; the data has {present}"
        )
    return chosen


_NONE: Any = object()


def _by_value(o: Any, present: Sequence[Any]) -> Any:
    """The number in ``present`` equal to number ``o`` (booleans are not numbers), or ``_NONE``."""
    if isinstance(o, (bool, np.bool_)) or not isinstance(o, (int, float, np.number)):
        return _NONE
    for p in present:
        if isinstance(p, (bool, np.bool_)):
            continue
        if isinstance(p, str):  # a float category drawn as its string form ("2.0")
            try:
                if float(p) == o:
                    return p
            except ValueError:
                continue
        elif isinstance(p, (int, float, np.number)) and p == o:
            return p
    return _NONE


def category_x(df: pd.DataFrame, x: str, order: Sequence[Any] | None, **props: Any) -> alt.X:
    """An ordinal ``x`` encoding ordered by :func:`category_levels` (plus ``props``).

    The scale's domain lists the categories as
    :func:`~vegafigs.layers._encode.drawn_categories` writes them: the data of the
    layer must hold ``df[x]`` in that form.
    """
    levels = category_levels(df, x, order)
    numbers = keeps_numbers(df[x])
    domain = [(v.item() if isinstance(v, np.generic) else v) if numbers else text_of(v)
              for v in levels]  # fmt: skip
    # An explicit scale domain, not an encoding sort: a layer added on top (fig + chart)
    # that names x without a sort then joins this order (with a sort list, Vega-Lite
    # would find the sorts in conflict and sort the union alphabetically); and
    # Vega-Lite names a sort-index field after x unescaped, which a '.' or '[' breaks.
    scale = props.pop("scale", None)
    given = scale.to_dict() if isinstance(scale, alt.Scale) else dict(scale or {})
    return alt.X(**column_def(x, "O", **props), scale={**given, "domain": domain}, sort=None)


def _x_type(value: Any, name: str) -> Any:
    if value not in ("Q", "O", "N", "T"):
        raise InputError(f"{name}: got {value!r}; expected one of 'Q', 'O', 'N', 'T'")
    return value


def _legend(value: Any, name: str) -> Any:
    if not isinstance(value, (bool, alt.Legend)):
        raise InputError(f"{name}: expected True, False or an alt.Legend, got {value!r}")
    return value


#: The x encoding type of a layer: "Q" (numeric axis), "O" / "N" (categories), "T" (time).
X_TYPE = Param(_x_type, "x encoding type 'Q', 'O', 'N' or 'T'", bad=("Z", "q", 3))
#: Whether (True / False) or how (an ``alt.Legend``) a layer draws the series legend.
LEGEND = Param(_legend, "True, False or an alt.Legend", bad=("yes", None, 1))
