"""Encoding helpers shared by the layers (private).

Series colours and dashes are given as mappings ``{series: colour}``; layers built
with the same mapping share one scale, so Vega-Lite merges their legends.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
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
from vegafigs._fields import as_text_levels, fdef, require_column_names, text_level, text_of
from vegafigs._params import NONNEGATIVE, POSITIVE, TEXT, Param
from vegafigs._params import checked as declare
from vegafigs._time import PlotX, as_plot_x, is_time
from vegafigs.errors import InputError
from vegafigs.themes.config import TAB10
from vegafigs.themes.fonts import bold_stack

SOLID: list[float] = []
#: Column names Vega-Lite titles as themselves (no escapes, no quotes): no explicit title needed.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: ``pandas.api.types.infer_dtype`` kinds of an object column of real numbers.
_NUMBERS = ("integer", "floating", "mixed-integer-float", "decimal")

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
    The legend has no title.

    Bad input: an unknown ``orient`` or ``symbol_type``, a non-string font,
    ``symbol_size`` <= 0 and a negative stroke width are an
    :class:`~vegafigs.InputError`.

    Parameters
    ----------
    highlight : object, optional
        The series whose label is bold, matched by its string form, as the
        layers draw series levels (``highlight=1`` bolds the label ``"1"`` of an
        integer run id; default None: no label bold). See :term:`highlight`.
    font : str
        Font (CSS font-family stack) of the labels, e.g. the theme's ``font``.
    orient : str, optional
        Vega-Lite legend position: ``"none"``, ``"left"``, ``"right"``,
        ``"top"``, ``"bottom"``, ``"top-left"``, ``"top-right"``,
        ``"bottom-left"`` or ``"bottom-right"`` (default ``"bottom-right"``,
        inside the plot).
    symbol_type : str, optional
        A Vega symbol shape name (``"stroke"``, ``"circle"``, ``"square"`` ...)
        or an SVG path starting with ``M`` (default ``"stroke"``: a short line).
    symbol_size : float, optional
        Symbol area in px², > 0 (default 300).
    symbol_stroke_width : float, optional
        Width of the symbols' strokes, px, >= 0 (default 2.5).

    Returns
    -------
    altair.Legend
        Pass it as ``legend=`` to the layers that draw the series.

    Examples
    --------
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
        test = f"datum.value === {json.dumps(text_level(highlight))}"
        props["labelFont"] = {
            "expr": f"{test} ? {json.dumps(bold_stack(font))} : {json.dumps(font)}"
        }
        props["labelFontWeight"] = {"expr": f"{test} ? 'bold' : 'normal'"}
    return alt.Legend(**props)


def checked(df: pd.DataFrame, columns: Sequence[str | None], *, param: str = "df") -> pd.DataFrame:
    """``df`` after checking it is a non-empty frame with string-named ``columns``.

    Every column name of the frame must be a string (Altair writes them all), flat and
    unique (:func:`~vegafigs._fields.require_column_names`).
    """
    require_frame(df, param=param)
    require_column_names(df, [*df.columns, *columns], param=param)
    require_columns(df, columns, param=param)
    for name in columns:
        require_field_name(name, param=param)
    return df


def require_field_name(name: str | None, *, param: str = "df") -> None:
    """Raise :class:`InputError` for a column name Vega-Lite cannot read (a backslash).

    Vega-Lite unescapes a field name once for its own expressions and once more
    for Vega's field accessors, so no escaping of ``\\`` reads the column right in
    both: the picture would silently lose the values.
    """
    if name is not None and "\\" in name:
        raise InputError(
            f"{param}: column {name!r} has a backslash, which Vega-Lite cannot read in a field "
            f"name; rename it, e.g. df.rename(columns={{{name!r}: {name.replace(chr(92), '/')!r}}})"
        )


def column_def(name: str, kind: str, **props: Any) -> dict[str, Any]:
    """The field definition of column ``name`` (:func:`~vegafigs._fields.fdef`).

    The explicit title is left out when the name is a plain identifier: Vega-Lite's
    default title is then the name itself, so the spec stays as it was.
    """
    out = fdef(name, kind, **props)
    if "title" not in props and _PLAIN.fullmatch(name):
        del out["title"]
    return out


def fresh_name(base: str, taken: Iterable[Any]) -> str:
    """``base``, or ``base`` with a numbered suffix, not among ``taken`` (no collision).

    >>> fresh_name("run", ["run", "run_1"])
    'run_2'
    """
    used = {str(t) for t in taken}
    name, i = base, 0
    while name in used:
        i += 1
        name = f"{base}_{i}"
    return name


def keeps_numbers(values: pd.Series) -> bool:
    """Whether category / ordinal ``values`` are drawn as the numbers they are.

    Real numbers (not booleans, not categoricals) are: Vega-Lite sorts them by value
    and writes them as numbers (``10.0`` as "10"; an ordinal x of floats, e.g. model
    sizes, keeps its numeric domain). Integers beyond 2**53 are not (JavaScript
    would merge neighbours), nor is anything else: those are drawn as their string form.
    """
    if isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(values):
        return False
    if not pd.api.types.is_numeric_dtype(values):
        return False
    if pd.api.types.is_integer_dtype(values) and len(values):
        big = values.dropna().abs().astype(float)
        return bool((big <= 2.0**53).all())
    return True


def drawn_categories(values: pd.Series, *, column: str) -> pd.Series:
    """``values`` (categories, ordinal x) as drawn: numbers kept, anything else as strings.

    Two values with one string form (``1`` and ``"1"``) and missing values are an
    :class:`~vegafigs.InputError` (:func:`~vegafigs._fields.as_text_levels`).
    """
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in _NUMBERS:
        values = pd.to_numeric(values)  # numbers held as objects are drawn as numbers
    if keeps_numbers(values):
        require_no_missing(pd.DataFrame({column: values}), column)
        return values
    return as_text_levels(values, column=column)


def levels_of(values: pd.Series) -> list[Any]:
    """The distinct ``values`` in drawing order: category order, else first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.tolist())
        return [c for c in values.cat.categories if c in present]
    return list(dict.fromkeys(values.tolist()))


def text_mapping(mapping: Mapping[Any, Any], param: str) -> dict[str, Any]:
    """``mapping`` with its keys in drawn (string) form; two keys with one form are an error."""
    out: dict[str, Any] = {}
    first: dict[str, Any] = {}
    for key, value in mapping.items():
        text = text_of(key)
        if text in out:
            raise InputError(
                f"{param}: keys {first[text]!r} and {key!r} are both drawn as {text!r}; keep one"
            )
        out[text], first[text] = value, key
    return out


def palette_for(df: pd.DataFrame, series: str, palette: Mapping[Any, str] | None) -> dict[str, str]:
    """``{series level: colour}`` with levels in their drawn (string) form.

    ``palette`` (keys of any type, matched by string form: ``{1: "red"}`` colours
    level ``"1"``) comes first in its order; the levels it leaves out take TAB10
    colours by their position (colouring one level does not shift the others).
    Keys no row has stay: they are legend entries shared with other layers.
    """
    levels = [text_of(v) for v in levels_of(as_text_levels(df[series], column=series))]
    if palette is None:
        return {lv: TAB10[i % len(TAB10)] for i, lv in enumerate(levels)}
    out = text_mapping(palette, "palette")
    for i, lv in enumerate(levels):
        out.setdefault(lv, TAB10[i % len(TAB10)])
    return out


def color_encoding(
    series: str,
    palette: Mapping[Any, str],
    *,
    legend: bool | alt.Legend = True,
    channel: type[alt.Color] | type[alt.Fill] | type[alt.Stroke] = alt.Color,
) -> alt.Color | alt.Fill | alt.Stroke:
    """A nominal colour (or fill / stroke) encoding of ``series`` with explicit domain/range.

    The domain is the palette's keys in drawn (string) form, matching the data
    written by the layers (:func:`~vegafigs._fields.as_text_levels`).
    ``legend=False`` leaves the legend to the other layers sharing the scale (it
    does not set ``legend: null``, which would hide the merged legend for all).
    """
    colors = text_mapping(palette, "palette")
    fdef_, leg = _series_channel(series, legend)
    return channel(
        **fdef_, scale=alt.Scale(domain=list(colors), range=list(colors.values())), legend=leg
    )


def _series_channel(series: str, legend: bool | alt.Legend) -> tuple[dict[str, Any], Any]:
    """The field definition and legend of a series channel: no legend title.

    A plain name has ``title: null``; any other keeps its name as the channel title
    (Vega-Lite's aria description would read the escaped field, and a quote in
    it breaks the expression) and the legend gets ``title: null`` instead.
    """
    leg: Any = alt.Undefined if legend is False else (alt.Legend() if legend is True else legend)
    if _PLAIN.fullmatch(series):
        return column_def(series, "N", title=None), leg
    if leg is alt.Undefined:
        leg = alt.Legend(title=None)
    elif isinstance(leg, alt.Legend) and leg.title is alt.Undefined:
        leg = alt.Legend(**{**leg.to_dict(validate=False), "title": None})
    return column_def(series, "N"), leg


def dash_encoding(
    series: str, dashes: Mapping[Any, Sequence[float]], *, legend: bool | alt.Legend = True
) -> alt.StrokeDash:
    """A nominal strokeDash encoding of ``series`` (``[]`` = solid); keys as in the palette."""
    patterns = text_mapping(dashes, "dashes")
    fdef_, leg = _series_channel(series, legend)
    return alt.StrokeDash(
        **fdef_,
        scale=alt.Scale(domain=list(patterns), range=[list(d) for d in patterns.values()]),
        legend=leg,
    )


def x_kind(values: pd.Series, kind: str | None) -> str:
    """The x type given (``"Q"``, ``"O"``, ``"N"``, ``"T"``) or inferred from ``values``."""
    if kind is None:
        if is_time(values):
            kind = "T" if pd.api.types.is_datetime64_any_dtype(values) else "Q"
        else:
            types = pd.api.types
            numeric = types.is_numeric_dtype(values) and not types.is_bool_dtype(values)
            # numbers held as objects count as numbers
            numbers = numeric or types.infer_dtype(values, skipna=True) in _NUMBERS
            kind = "Q" if numbers else "N"
    if kind not in {"Q", "O", "N", "T"}:
        raise InputError(f"x_type: got {kind!r}; expected one of 'Q', 'O', 'N', 'T'")
    return kind


def _time_values(values: pd.Series, column: str) -> pd.Series:
    """An ``x_type="T"`` column as datetimes: numbers are epoch ms, text is parsed."""
    if is_time(values):
        if pd.api.types.is_timedelta64_dtype(values):
            raise InputError(
                f"x_type: column {column!r} holds durations (timedelta), not dates; "
                "leave x_type=None to draw them as a number of s/min/h/d"
            )
        return values
    if pd.api.types.is_bool_dtype(values):
        raise InputError(f"x_type: 'T' needs dates in column {column!r}; it holds booleans")
    if pd.api.types.is_numeric_dtype(values):
        return pd.to_datetime(values, unit="ms")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = pd.to_datetime(values, format="mixed")
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(
            f"x_type: 'T' needs dates in column {column!r}; cannot read them ({exc})"
        ) from exc
    if not pd.api.types.is_datetime64_any_dtype(parsed):
        raise InputError(
            f"x_type: the dates in column {column!r} have different UTC offsets; convert them "
            f"first, e.g. pd.to_datetime(df[{column!r}], utc=True)"
        )
    return parsed


class XAxis:
    """How a layer draws its x column: the values to write and the encodings."""

    def __init__(self, column: str, kind: str, plot: PlotX | None = None) -> None:
        self.column, self.kind, self.plot = column, kind, plot

    def encoding(self, **props: Any) -> dict[str, Any]:
        """The x field definition (a ``utc`` time scale for dates)."""
        if self.plot is not None and self.plot.kind == "T":
            return self.plot.encoding(self.column, **props)
        if self.plot is not None and self.plot.unit:
            props.setdefault("title", self.plot.title(self.column))
        return column_def(self.column, self.kind, **props)

    def tooltip(self, values: pd.Series) -> dict[str, Any]:
        """The x tooltip: dates / durations as on the axis, else typed like the data."""
        if self.plot is not None:
            return self.plot.tooltip(self.column)
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        return column_def(self.column, "Q" if numeric else "N")


def x_values(df: pd.DataFrame, x: str, kind: str | None) -> tuple[pd.Series, XAxis]:
    """The x column as drawn and how (:class:`XAxis`).

    Dates (naive or tz-aware) become epoch ms on a ``utc`` time scale and
    durations a number of s/min/h/d (:func:`~vegafigs._time.as_plot_x`), so the
    labels are the same on every machine; ``"O"`` / ``"N"`` values are drawn as
    their string form unless they are numbers (:func:`drawn_categories`).
    """
    s = df[x]
    kind = x_kind(s, kind)
    if kind == "T":
        values, plot = as_plot_x(_time_values(s, x))
        return values, XAxis(x, "T", plot)
    if kind == "Q" and is_time(s):
        if pd.api.types.is_datetime64_any_dtype(s):
            raise InputError(
                f"x_type: 'Q' cannot draw the dates in column {x!r}; use x_type='T' or None"
            )
        values, plot = as_plot_x(s)
        return values, XAxis(x, "Q", plot)
    if kind in {"O", "N"}:
        return drawn_categories(s, column=x), XAxis(x, kind)
    return s, XAxis(x, kind)


def numeric_frame(
    df: pd.DataFrame,
    *,
    x: str,
    x_type: str | None,
    numeric: Sequence[str],
    series: str | None,
    func: str,
    unique_x: bool = False,
) -> tuple[pd.DataFrame, XAxis]:
    """Checked copy of ``df`` for an x/y layer and how its x is drawn (:func:`x_values`).

    The ``numeric`` columns (and ``x`` when quantitative) must hold numbers; rows
    with NaN/±inf there are dropped with a warning counting them (none left is an
    :class:`InputError`). Numeric-looking strings are converted; numeric columns
    keep their dtype. The ``series`` column is written as its string form
    (:func:`~vegafigs._fields.as_text_levels`). With ``unique_x`` an x repeated
    within a series is an error.
    """
    checked(df, [x, *numeric, series])
    out = df.copy()
    out[x], axis = x_values(df, x, x_type)
    cols = list(dict.fromkeys([*([x] if axis.kind in {"Q", "T"} else []), *numeric]))
    for col in cols:
        if pd.api.types.is_bool_dtype(out[col]) or not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = require_numeric(out, col)
    if series is not None:
        out[series] = as_text_levels(out[series], column=series)
    finite = np.ones(len(out), dtype=bool)
    for col in cols:
        finite &= np.isfinite(out[col].to_numpy(dtype=float, na_value=np.nan))
    dropped = int((~finite).sum())
    if dropped:
        warnings.warn(
            f"{func}: dropped {dropped} row(s) with NaN or infinite values in "
            f"{', '.join(map(repr, cols))}",
            stacklevel=3,
        )
        out, df = out.loc[finite], df.loc[finite]
    if out.empty:
        raise InputError(f"{func}: no rows with finite values in {', '.join(map(repr, cols))}")
    if unique_x:
        _require_unique_x(out, df, x=x, series=series, func=func)
    return out, axis


def _require_unique_x(
    out: pd.DataFrame, given: pd.DataFrame, *, x: str, series: str | None, func: str
) -> None:
    """An ``x`` repeated within a series is an error naming the value as given."""
    keys = [c for c in (series, x) if c is not None]
    dup = out.duplicated(subset=keys, keep=False)
    if dup.any():
        row = given.loc[dup.to_numpy(), keys].iloc[0]
        first = [v.item() if isinstance(v, np.generic) else v for v in row]
        where = f" (series {first[0]!r})" if series is not None else ""
        raise InputError(
            f"{func}: column {x!r} repeats the value {first[-1]!r}{where} - {int(dup.sum())} "
            "rows share an x within one series; aggregate them first (e.g. the mean over "
            "seeds) or give each line its own series"
        )


def tooltips(
    df: pd.DataFrame, x_axis: XAxis, series: str | None, numeric: Sequence[str]
) -> list[alt.Tooltip]:
    """The hover tooltip of an x/y layer: the series, x (as on its axis) and the ``numeric``."""
    out = [] if series is None else [alt.Tooltip(**column_def(series, "N"))]
    out.append(alt.Tooltip(**x_axis.tooltip(df[x_axis.column])))
    out += [alt.Tooltip(**column_def(c, "Q")) for c in numeric if c != x_axis.column]
    return out
