"""Encoding helpers shared by the layers (private).

Series colours and dashes are given as mappings ``{series: colour}``; layers built
with the same mapping share one scale, so Vega-Lite merges their legends.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import (
    require_columns,
    require_frame,
    require_no_missing,
    require_numeric,
    require_text,
)
from vegafigs._params import NONNEGATIVE, POSITIVE, TEXT, Param
from vegafigs._params import checked as declare
from vegafigs.errors import InputError
from vegafigs.themes.config import TAB10
from vegafigs.themes.fonts import bold_stack

SOLID: list[float] = []

#: Vega-Lite legend positions.
LEGEND_ORIENTS = (
    "none", "left", "right", "top", "bottom",
    "top-left", "top-right", "bottom-left", "bottom-right",
)  # fmt: skip
#: Vega's named symbol shapes (anything else must be an SVG path, starting with M).
SYMBOL_SHAPES = (
    "circle", "square", "cross", "diamond", "triangle-up", "triangle-down",
    "triangle-right", "triangle-left", "stroke", "arrow", "wedge", "triangle",
)  # fmt: skip


def choice(*options: str, optional: bool = False) -> Param:
    """A parameter that must be one of ``options`` (or ``None`` when ``optional``)."""

    def check(value: Any, name: str) -> Any:
        if not isinstance(value, str) or value not in options:
            allowed = ", ".join(repr(o) for o in options)
            raise InputError(f"{name}: got {value!r}; expected one of {allowed}")
        return value

    bad = ("nope", 3) if optional else ("nope", 3, None)
    return Param(check, f"one of {', '.join(options)}", optional=optional, bad=bad)


def _symbol(value: Any, name: str) -> Any:
    require_text(value, param=name)
    if value not in SYMBOL_SHAPES and not value.lstrip().startswith(("M", "m")):
        raise InputError(
            f"{name}: got {value!r}; expected one of {', '.join(SYMBOL_SHAPES)} "
            "or an SVG path starting with 'M'"
        )
    return value


@declare(
    font=TEXT,
    orient=choice(*LEGEND_ORIENTS),
    symbol_type=Param(_symbol, "a Vega symbol shape or an SVG path", bad=("blob", 3)),
    symbol_size=POSITIVE,
    symbol_stroke_width=NONNEGATIVE,
)
def series_legend(
    *,
    highlight: Any = None,
    font: str,
    orient: str = "bottom-right",
    symbol_type: str = "stroke",
    symbol_size: float = 300,
    symbol_stroke_width: float = 2.5,
) -> alt.Legend:
    """A frameless series legend; the ``highlight`` series' label alone is bold.

    Bold uses the theme's bold stack (``themes.fonts.bold_stack``), since e.g. bold
    Computer Modern is a separate font family. Symbols are drawn fully opaque.
    An unknown ``orient`` or ``symbol_type`` (a Vega shape name or an SVG path
    ``"M..."``), a non-string font, ``symbol_size`` <= 0 and a negative stroke
    width are an :class:`~vegafigs.InputError`.

    >>> from vegafigs.themes.fonts import COMPUTER_MODERN
    >>> series_legend(highlight="SDPO", font=COMPUTER_MODERN).orient
    'bottom-right'
    """
    props: dict[str, Any] = {
        "orient": orient,
        "symbolType": symbol_type,
        "symbolSize": symbol_size,
        "symbolStrokeWidth": symbol_stroke_width,
        "symbolOpacity": 1,
        "labelFont": font,
        "title": None,
    }
    if highlight is not None:
        test = f"datum.value === {json.dumps(str(highlight))}"
        props["labelFont"] = {
            "expr": f"{test} ? {json.dumps(bold_stack(font))} : {json.dumps(font)}"
        }
        props["labelFontWeight"] = {"expr": f"{test} ? 'bold' : 'normal'"}
    return alt.Legend(**props)


def checked(df: pd.DataFrame, columns: Sequence[str | None], *, param: str = "df") -> pd.DataFrame:
    """``df`` after checking it is a non-empty frame with ``columns``."""
    require_frame(df, param=param)
    require_columns(df, columns, param=param)
    return df


def field_type(df: pd.DataFrame, column: str, kind: str | None) -> str:
    """``column:TYPE`` with TYPE given (``"Q"``, ``"O"``, ``"N"``, ``"T"``) or inferred."""
    if kind is None:
        s = df[column]
        if pd.api.types.is_datetime64_any_dtype(s):
            kind = "T"
        elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            kind = "Q"
        else:
            kind = "N"
    if kind not in {"Q", "O", "N", "T"}:
        raise InputError(f"x_type: got {kind!r}; expected one of 'Q', 'O', 'N', 'T'")
    return f"{column}:{kind}"


def palette_for(df: pd.DataFrame, series: str, palette: Mapping[Any, str] | None) -> dict[Any, str]:
    """``{series level: colour}``: the given mapping (checked) or TAB10 in order of appearance."""
    levels = list(dict.fromkeys(df[series].tolist()))
    if palette is None:
        return {lv: TAB10[i % len(TAB10)] for i, lv in enumerate(levels)}
    missing = [lv for lv in levels if lv not in palette]
    if missing:
        raise InputError(f"palette: no colour for series {missing}; it has {list(palette)}")
    return dict(palette)


def color_encoding(
    series: str,
    palette: Mapping[Any, str],
    *,
    legend: bool | alt.Legend = True,
    channel: type[alt.Color] | type[alt.Fill] | type[alt.Stroke] = alt.Color,
) -> alt.Color | alt.Fill | alt.Stroke:
    """A nominal colour (or fill / stroke) encoding of ``series`` with explicit domain/range.

    ``legend=False`` leaves the legend to the other layers sharing the scale (it
    does not set ``legend: null``, which would hide the merged legend for all).
    """
    leg: Any = alt.Undefined if legend is False else (alt.Legend() if legend is True else legend)
    return channel(
        f"{series}:N",
        scale=alt.Scale(domain=list(palette), range=list(palette.values())),
        legend=leg,
        title=None,
    )


def dash_encoding(
    series: str, dashes: Mapping[Any, Sequence[float]], *, legend: bool | alt.Legend = True
) -> alt.StrokeDash:
    """A nominal strokeDash encoding of ``series`` (``[]`` = solid)."""
    leg: Any = alt.Undefined if legend is False else (alt.Legend() if legend is True else legend)
    return alt.StrokeDash(
        f"{series}:N",
        scale=alt.Scale(domain=list(dashes), range=[list(d) for d in dashes.values()]),
        legend=leg,
        title=None,
    )


def numeric_frame(
    df: pd.DataFrame,
    *,
    x: str,
    x_type: str | None,
    numeric: Sequence[str],
    series: str | None,
    func: str,
    unique_x: bool = False,
) -> tuple[pd.DataFrame, str]:
    """Checked copy of ``df`` for an x/y layer and the x encoding string.

    The ``numeric`` columns (and ``x`` when quantitative) must hold numbers; rows
    with NaN/±inf there are dropped with a warning counting them (none left is an
    :class:`InputError`). Numeric-looking strings are converted; numeric columns
    keep their dtype. With ``unique_x`` an x repeated within a series is an error.
    """
    checked(df, [x, *numeric, series])
    x_enc = field_type(df, x, x_type)
    cols = list(dict.fromkeys([*([x] if x_enc.endswith(":Q") else []), *numeric]))
    out = df.copy()
    for col in cols:
        if pd.api.types.is_bool_dtype(out[col]) or not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = require_numeric(out, col)
    if series is not None:
        require_no_missing(out, series)
    finite = np.ones(len(out), dtype=bool)
    for col in cols:
        finite &= np.isfinite(out[col].to_numpy(dtype=float))
    dropped = int((~finite).sum())
    if dropped:
        warnings.warn(
            f"{func}: dropped {dropped} row(s) with NaN or infinite values in "
            f"{', '.join(map(repr, cols))}",
            stacklevel=3,
        )
        out = out.loc[finite]
    if out.empty:
        raise InputError(f"{func}: no rows with finite values in {', '.join(map(repr, cols))}")
    if unique_x:
        keys = [c for c in (series, x) if c is not None]
        dup = out.duplicated(subset=keys, keep=False)
        if dup.any():
            row = out.loc[dup, keys].iloc[0]
            first = [v.item() if isinstance(v, np.generic) else v for v in row]
            where = f" (series {first[0]!r})" if series is not None else ""
            raise InputError(
                f"{func}: column {x!r} repeats the value {first[-1]!r}{where} - {int(dup.sum())} "
                "rows share an x within one series; aggregate them first (e.g. the mean over "
                "seeds) or give each line its own series"
            )
    return out, x_enc
