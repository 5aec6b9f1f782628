"""Category (ordinal) x encodings shared by the bar-chart layers (private).

Every layer of a bar chart sorts its categories the same explicit way, so
Vega-Lite merges them into one band scale without a sort conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._checks import require_no_missing
from vegafigs._params import Param
from vegafigs.errors import InputError


def category_levels(df: pd.DataFrame, x: str, order: Sequence[Any] | None) -> list[Any]:
    """Categories of ``df[x]`` in ``order`` (checked) or in order of first appearance.

    A missing category (NaN/None) is an :class:`InputError`: it has no place on the axis.
    """
    require_no_missing(df, x)
    present = list(dict.fromkeys(df[x].tolist()))
    if order is None:
        return present
    order = list(order)
    unknown = [o for o in order if o not in present]
    missing = [p for p in present if p not in order]
    if unknown or missing:
        raise InputError(
            f"order: must list each category of {x!r} once; unknown {unknown}, "
            f"not listed {missing}; the data has {present}"
        )
    return order


def category_x(df: pd.DataFrame, x: str, order: Sequence[Any] | None, **props: Any) -> alt.X:
    """An ordinal ``x`` encoding sorted by :func:`category_levels` (plus ``props``)."""
    levels = [v.item() if hasattr(v, "item") else v for v in category_levels(df, x, order)]
    return alt.X(f"{x}:O", sort=levels, **props)


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
