"""``scaling_curves``: a metric against model size, one line + band per method (seed 002)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from itertools import combinations
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import plain, require_choice, require_numeric
from vegafigs._fields import (
    as_text_levels,
    require_column_names,
    text_keys,
    text_level,
    text_levels,
)
from vegafigs._params import COLUMN, NONNEGATIVE, POSITIVE, Param, checked
from vegafigs._precision import flat_domain, readable_format, zero_based_format
from vegafigs._time import as_plot_x, is_time
from vegafigs.errors import InputError
from vegafigs.figure import Figure, Panel, make_figure
from vegafigs.figures._common import clean_numeric, level_palette, ordered_levels
from vegafigs.figures._geometry import settle
from vegafigs.frames import takes_frames
from vegafigs.layers._encode import series_legend
from vegafigs.layers.axes import set_axis
from vegafigs.layers.bands import band
from vegafigs.layers.lines import line, points
from vegafigs.themes import Style, figure_size, merge, palette_of, resolve_theme, text_width

#: Legend symbol: a line through a filled circle. Path units are half the symbol's side
#: (sqrt(symbol size) px); the line reaches beyond it, so labels get a wider offset.
_R = 0.38  # circle radius
LINE_MARKER_SYMBOL = (
    f"M-2.2,0L-{_R},0M{_R},0L2.2,0M{_R},0A{_R},{_R},0,1,1,-{_R},0A{_R},{_R},0,1,1,{_R},0Z"
)
LEGEND_ORIENTS = ("bottom-right", "bottom-left", "top-right", "top-left", "right", "bottom")
#: Smallest plot side, px, before the figure is called too small.
MIN_PLOT = 30.0
#: Edge colour of the markers (seed 002: dark-edged circles).
MARKER_EDGE = "black"
#: Vega's default legend ``labelLimit`` (px): longer labels are cut with an ellipsis.
VEGA_LABEL_LIMIT = 160.0
#: Legend labels wrap to at least this width, px.
MIN_LABEL = 60.0
#: Legend right of the plot: at most this share of the figure's width.
RIGHT_SHARE = 0.5
#: A legend entry's width besides its label: symbol, label offset, inset, px.
LEGEND_EXTRA = 34.0
#: Where a label may break: after spaces, ``-``, ``_`` and ``/``.
_BREAKS = re.compile(r"[^ \-_/]*(?:[ \-_/]+|$)")


def _orient(value: Any, name: str) -> Any:
    require_choice(value, LEGEND_ORIENTS, param=name)
    return value


@checked(
    err=COLUMN.maybe("column of ± half-widths of the band"),
    marker_size=POSITIVE,
    x_padding=NONNEGATIVE,
    legend_orient=Param(_orient, "where the legend goes", bad=("middle", 3)).maybe(),
)
@takes_frames("df", columns=("x", "y", "series", "lower", "upper", "err"))
def scaling_curves(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    lower: str | None = None,
    upper: str | None = None,
    err: str | None = None,
    highlight: Any = None,
    order: Sequence[Any] | None = None,
    palette: Mapping[Any, str] | None = None,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    y_domain: tuple[float, float] | None = None,
    y_ticks: Sequence[float] | None = None,
    y_format: str | None = None,
    stroke_width: float | None = None,
    marker_size: float = 49,
    band_opacity: float | None = None,
    x_padding: float = 0.35,
    legend_orient: str | None = None,
    theme: str | Mapping[str, Any] | None = None,
    style: Style | None = None,
    width_in: float | None = None,
    height_in: float | None = None,
) -> Figure:
    """``y`` against ``x`` (e.g. model size) as evenly spaced categories, a line per ``series``.

    Each series gets a line with dark-edged circle markers and, where ``err`` or
    ``lower`` / ``upper`` are given, a translucent band. ``x`` values are placed
    equally spaced in ascending order (labelled as given, e.g. 0.6, 1.7, 4, 8).
    Series values of any type (ints, bools, floats, categories, pandas nullable)
    are drawn as their text, and ``highlight``, ``order`` and ``palette`` keys
    may be given as the same values (``highlight=1``, ``palette={0: "red"}``).
    The frameless legend lists the series in ``order`` with the ``highlight``
    series' label alone in bold. Long labels wrap after spaces, ``-``, ``_`` and
    ``/`` to the room there (never inside a word) and are never cut short.

    Layers: ``band`` (when there is a spread), ``line``, ``points``; data:
    ``curves`` (``series`` as text, ``x``, ``y`` under the user's column names,
    ``lower``, ``upper``: the band limits drawn, NaN where that point has none;
    named ``band_lower`` / ``band_upper`` when ``x``, ``y`` or ``series`` has
    that name).

    Bad input: rows with a NaN/inf ``y`` are dropped with a warning; a NaN or
    ±inf ``err`` / ``lower`` / ``upper`` only leaves that point out of the band
    (e.g. a base model without spread). Column names may hold any characters
    (``val.score``, ``acc[0]``, ``mean(r)``); a timedelta ``x`` is drawn as a
    number of s / min / h / d (the unit in the default title). A datetime ``x``,
    a time column as ``y`` or band, an empty frame, a missing column,
    MultiIndex / repeated / non-string column names, one column for two of
    ``x`` / ``y`` / ``series``, non-numeric values, a missing series name, two
    series values drawn as one text (``1`` and ``"1"``), a repeated (series, x), both
    ``err`` and ``lower`` / ``upper``, a negative ``err``, ``lower`` > ``upper``,
    an unknown ``highlight`` / ``order`` / ``palette`` level, a figure too small
    for its plot (``width_in`` / ``height_in``) and bad parameters are an
    :class:`~vegafigs.InputError` naming them.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per (series, x) point, holding ``x``, ``y``, ``series`` and the
        band columns.
    x : str
        Column of the sizes (numbers, or timedeltas), one category each. See
        :term:`x`.
    y : str
        Column of the metric (numbers). See :term:`y`.
    series : str
        Column whose levels get a line each. See :term:`series`.
    lower : str, optional
        Column of the band's lower limits (e.g. precomputed quantiles); give it
        with ``upper`` (default None). See :term:`lower`.
    upper : str, optional
        Column of the band's upper limits; give it with ``lower`` (default
        None). See :term:`upper`.
    err : str, optional
        Column of ± half-widths of the band around ``y``, >= 0; not with
        ``lower`` / ``upper`` (default None).
    highlight : object, optional
        The series whose legend label is bold (default None). See
        :term:`highlight`.
    order : sequence, optional
        The series to draw, in legend order (default None: all, in category
        order for a categorical column, else first appearance). See
        :term:`order`.
    palette : mapping, optional
        ``{series: colour}``; series it leaves out take the theme's colours
        (default None). See :term:`palette`.
    title : str, optional
        Chart title, wrapped when longer than the plot (default None: none). See
        :term:`title`.
    x_title : str, optional
        Default None: the column name (with the unit of a timedelta ``x``);
        wrapped when longer than the plot. See :term:`x_title`.
    y_title : str, optional
        Default None: the column name; wrapped when longer than the plot. See
        :term:`y_title`.
    y_domain : tuple of float, optional
        The exact y range (default None: Vega-Lite's). See :term:`y_domain`.
    y_ticks : sequence of float, optional
        The y tick values (default None: Vega-Lite's). See :term:`y_ticks`.
    y_format : str, optional
        d3 format of the y tick labels (default None: Vega-Lite's, with the
        digits the values need; ``"~r"`` with ``y_ticks``). See
        :term:`y_format`.
    stroke_width : float, optional
        Width of the lines and the legend's symbols, pt (default None: the
        theme's ``line.strokeWidth``). See :term:`stroke_width`.
    marker_size : float, optional
        Marker area in px², > 0 (default 49).
    band_opacity : float, optional
        Fill opacity of the bands (default None: the theme's
        ``area.fillOpacity``). See :term:`band_opacity`.
    x_padding : float, optional
        Room between the frame and the first / last ``x``, in steps between
        two ``x``, >= 0 (default 0.35).
    legend_orient : str, optional
        Where the legend goes: ``"bottom-right"``, ``"bottom-left"``,
        ``"top-right"``, ``"top-left"`` (inside the plot), ``"right"`` or
        ``"bottom"`` (default None: inside the plot's bottom-right corner while
        it covers at most a third of each side, else right of the plot while it
        takes at most half the width, else below the plot in as many columns as
        fit).
    theme : str or mapping, optional
        Default None: the enabled vegafigs theme, else ``"latex"``. See
        :term:`theme`.
    style : vegafigs.themes.Style, optional
        Venue preset: the default size and a named theme's font sizes (default
        None). See :term:`style`.
    width_in : float, optional
        Figure width in inches (default None: the ``style``'s, else 10). See
        :term:`width_in`.
    height_in : float, optional
        Figure height in inches (default None: the ``style``'s, else 5). See
        :term:`height_in`.

    Returns
    -------
    Figure
        A single-panel :class:`~vegafigs.Figure` (panel ``"main"``).

    Examples
    --------
    >>> import vegafigs as vf
    >>> fig = vf.figures.scaling_curves(vf.demo.model_scaling(), x="params_b", y="accuracy",
    ...                                 series="method", err="std", highlight="SDPO")
    >>> list(fig.layers)
    ['band', 'line', 'points']
    >>> fig.data["curves"].columns.tolist()
    ['method', 'params_b', 'accuracy', 'lower', 'upper']
    >>> vf.save(fig, "scaling.pdf")  # doctest: +SKIP
    """
    curves, (lo_col, hi_col), present, unit = _curves(
        df, x=x, y=y, series=series, err=err, lower=lower, upper=upper
    )
    levels = ordered_levels(pd.Series(present), text_levels(order), param="order")
    highlight = text_level(highlight)
    if highlight is not None and highlight not in levels:
        raise InputError(f"highlight: {highlight!r} is not a series; the series are {levels}")
    cfg = resolve_theme(theme, default="latex", style=style)
    if band_opacity is not None:
        cfg = merge(cfg, {"area": {"fillOpacity": band_opacity}})
    size = figure_size(width_in=width_in, height_in=height_in, style=style, default=(10.0, 5.0))
    pal = level_palette(levels, text_keys(palette), palette_of(cfg))
    curves = curves[curves[series].isin(levels)].reset_index(drop=True)
    width = float(stroke_width if stroke_width is not None else cfg["line"]["strokeWidth"])
    orient, labels, columns = _legend_plan(
        levels, cfg=cfg, size=size, titled=title is not None, highlight=highlight,
        orient=legend_orient,
    )  # fmt: skip
    legend = series_legend(highlight=highlight, font=cfg["font"], orient=orient,
                           symbol_type=LINE_MARKER_SYMBOL, symbol_size=130,
                           symbol_stroke_width=width)  # fmt: skip
    # Room for the symbol's overhanging line: label gap, compact rows, inset from the frame.
    legend["labelOffset"], legend["rowPadding"], legend["offset"] = 14, 2, 10
    _whole_labels(legend, labels, cfg, columns)
    common: dict[str, Any] = {"x": x, "series": series, "palette": pal, "x_type": "O"}
    layers: dict[str, alt.Chart | alt.LayerChart] = {}
    spread = curves.dropna(subset=[lo_col, hi_col])
    if len(spread):
        layers["band"] = band(spread, lower=lo_col, upper=hi_col, opacity=1.0, legend=legend,
                              **common)  # fmt: skip
    layers["line"] = line(curves, y=y, stroke_width=width, legend=legend, **common)
    layers["points"] = points(curves, y=y, stroke=MARKER_EDGE, size=marker_size, **common)
    texts = {
        "x_title": (f"{x} ({unit})" if unit else x) if x_title is None else x_title,
        "y_title": y if y_title is None else y_title,
    }
    if title is not None:
        texts["title"] = title
    fmt = y_format if y_format is not None else ("~r" if y_ticks is not None else None)
    # Values too close to draw apart (1 ulp, denormals) get the padded domain of equal ones.
    flat = flat_domain([curves[c] for c in (y, lo_col, hi_col)]) if y_domain is None else None
    if fmt is None and y_ticks is None:  # labels Vega's default cannot write (1e-200)
        fmt = readable_format(None, *flat) if flat else zero_based_format(curves[y])
    y_axis: dict[str, Any] = {"domain": flat or y_domain, "values": y_ticks, "format": fmt}
    x_scale = {"padding": x_padding, "domain": [float(s) for s in sorted(set(curves[x].tolist()))]}

    def build(titles: dict[str, Any], plot: tuple[float, float] | None) -> Figure:
        drawn: dict[str, Any] = {}
        for name, layer in layers.items():
            layer = set_axis(layer, "x", title=titles["x_title"], label_angle=0, scale=x_scale)
            drawn[name] = set_axis(layer, "y", title=titles["y_title"], **y_axis)
        props = {"title": titles["title"]} if "title" in titles else {}
        return make_figure([Panel("main", drawn, properties=props)], theme=cfg, size=size,
                           data={"curves": curves}, kind="scaling_curves")  # fmt: skip

    fig, plot = settle(build, texts, cfg=cfg, size=size)
    if min(plot) < MIN_PLOT:
        raise InputError(
            f"width_in/height_in: {size[0]:.2f} x {size[1]:.2f} in is too small for this plot "
            f"with its title, axes and legend (it would be {plot[0]:.0f} x {plot[1]:.0f} px)"
        )
    return fig


def _plot_estimate(
    cfg: Mapping[str, Any], size: tuple[float, float], *, titled: bool
) -> tuple[float, float]:
    """The plot's (width, height) px estimated from the figure size and the fonts."""
    axis = cfg.get("axis", {})
    room = 2 * float(axis.get("titleFontSize", 12)) + 2 * float(axis.get("labelFontSize", 10))
    top = float(cfg.get("title", {}).get("fontSize", 12)) * 1.4 if titled else 0.0
    return size[0] * 72 - room - 20, size[1] * 72 - room - top - 20


def _label_style(cfg: Mapping[str, Any]) -> tuple[str, float]:
    legend, axis = cfg.get("legend", {}), cfg.get("axis", {})
    return cfg["font"], float(legend.get("labelFontSize", axis.get("labelFontSize", 10)))


def _legend_plan(
    levels: Sequence[str],
    *,
    cfg: Mapping[str, Any],
    size: tuple[float, float],
    titled: bool,
    highlight: str | None,
    orient: str | None,
) -> tuple[str, dict[str, str | list[str]], int | None]:
    """Where the legend goes, its labels (in lines where they are long) and, below the
    plot, its columns.

    Without ``orient``: inside the plot's bottom-right corner while the legend covers
    at most a third of each side, else right of the plot while it takes at most
    :data:`RIGHT_SHARE` of the width and fits the height, else below it. Labels wrap
    (at spaces, ``-``, ``_``, ``/``) to the room of that place, never narrower than
    their longest word.
    """
    font, label = _label_style(cfg)
    plot_w, plot_h = _plot_estimate(cfg, size, titled=titled)
    content = (size[0] * 72 - 20, size[1] * 72 - 20)
    room = {"right": RIGHT_SHARE * content[0], "bottom": content[0]}
    box: dict[str, Any] = {"font": font, "size": label, "highlight": highlight}

    def wrapped(place: str) -> dict[str, str | list[str]]:
        width = room.get(place, plot_w / 3) - LEGEND_EXTRA
        return {
            lv: wrap_label(
                lv, width=max(width, MIN_LABEL), font=font, size=label, bold=lv == highlight
            )
            for lv in levels
        }

    for place in (orient,) if orient is not None else ("bottom-right", "right", "bottom"):
        labels = wrapped(place)
        w, h = _legend_box(labels, **box)
        inside = w <= plot_w / 3 and h <= plot_h / 3
        beside = place == "right" and w <= room["right"] and h <= content[1]
        if orient is not None or place == "bottom" or inside or beside:
            break
    columns = _columns(labels, **box, width=content[0]) if place == "bottom" else None
    return place, labels, columns


def _widths(
    labels: Mapping[str, str | list[str]], *, font: str, size: float, highlight: str | None
) -> list[float]:
    """Each label's widest line, px (bold for ``highlight``)."""
    return [
        max(
            text_width(ln, font=font, size=size, bold=lv == highlight)
            for ln in ([v] if isinstance(v, str) else v)
        )
        for lv, v in labels.items()
    ]


def _legend_box(
    labels: Mapping[str, str | list[str]], *, font: str, size: float, highlight: str | None
) -> tuple[float, float]:
    """Estimated (width, height) px of a one-column legend of ``labels``."""
    lines = [1 if isinstance(v, str) else len(v) for v in labels.values()]
    widest = max(_widths(labels, font=font, size=size, highlight=highlight))
    return widest + LEGEND_EXTRA, sum(n * size * 1.25 + 2 for n in lines) + 10


def _columns(
    labels: Mapping[str, str | list[str]],
    *,
    font: str,
    size: float,
    highlight: str | None,
    width: float,
) -> int:
    """How many entries fit side by side in ``width`` px (a legend below the plot)."""
    entries = [w + LEGEND_EXTRA for w in _widths(labels, font=font, size=size, highlight=highlight)]
    for k in range(len(entries), 1, -1):
        if max(sum(entries[i : i + k]) for i in range(0, len(entries), k)) <= width:
            return k
    return 1


def wrap_label(
    text: str,
    *,
    width: float,
    font: str,
    size: float,
    bold: bool = False,
    whole_words: bool = True,
) -> str | list[str]:
    """``text`` as is if it fits in ``width`` px, else in lines that do, broken after
    spaces, ``-``, ``_`` and ``/`` (measured in the bundled ``font``, ``bold`` or not).

    ``whole_words``: a word is never broken (lines are as wide as the widest word
    if need be); else a word wider than ``width`` is broken between characters.

    >>> wrap_label("Qwen-2.5-0.5B-Instruct", width=60, font="STIXGeneral", size=10)
    ['Qwen-2.5-', '0.5B-Instruct']
    """

    def wide(line: str) -> float:
        return text_width(line.strip(), font=font, size=size, bold=bold)

    if wide(text) <= width:
        return text
    parts = [p for p in _BREAKS.findall(text) if p]
    if whole_words:
        width = max(width, *(wide(p) for p in parts))
    else:
        parts = [c for p in parts for c in _chunks(p, wide, width)]
    lines: list[str] = []
    current = ""
    for part in parts:
        if current and wide(current + part) > width:
            lines.append(current.strip())
            current = ""
        current += part
    if current.strip():
        lines.append(current.strip())
    return lines if len(lines) > 1 else text


def _chunks(part: str, wide: Callable[[str], float], width: float) -> list[str]:
    """``part`` cut between characters into pieces no wider than ``width``."""
    out, current = [], ""
    for char in part:
        if current and wide(current + char) > width:
            out.append(current)
            current = ""
        current += char
    return [*out, current] if current else out


def _whole_labels(
    legend: alt.Legend,
    labels: Mapping[str, str | list[str]],
    cfg: Mapping[str, Any],
    columns: int | None,
) -> None:
    """Make ``legend`` draw every label whole: wrapped ones in their lines, none cut
    by Vega's ``labelLimit`` (160 px by default, set to none when a line may reach it)."""
    font, size = _label_style(cfg)
    wrapped = {k: v for k, v in labels.items() if isinstance(v, list)}
    widest = max(_widths(labels, font=font, size=size, highlight=None), default=0.0)
    if widest > VEGA_LABEL_LIMIT - 10:
        legend["labelLimit"] = 0
    if wrapped:
        keys, texts = json.dumps(list(wrapped)), json.dumps(list(wrapped.values()))
        found = f"indexof({keys}, datum.value)"
        legend["labelExpr"] = f"{found} >= 0 ? {texts}[{found}] : datum.label"
    if columns is not None:
        legend["columns"] = columns


def _fresh(name: str, taken: Sequence[str]) -> str:
    """``name``, or ``band_<name>`` (then with a number) if a user column has it."""
    out, i = name, 1
    while out in taken:
        out = f"band_{name}" if i == 1 else f"band_{name}_{i}"
        i += 1
    return out


def _roles(x: str, y: str, series: str) -> None:
    """``x``, ``y`` and ``series`` must be three different columns."""
    roles = {"x": x, "y": y, "series": series}
    for (a, ca), (b, cb) in combinations(roles.items(), 2):
        if ca == cb:
            raise InputError(f"{a}/{b}: both name column {ca!r}; expected different columns")


def _curves(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    err: str | None,
    lower: str | None,
    upper: str | None,
) -> tuple[pd.DataFrame, tuple[str, str], list[str], str | None]:
    """The drawn frame: series (as text), x, y and the band's limits (NaN: no band); the
    names of the limit columns (``lower`` / ``upper`` unless a user column has them),
    the series in their default order (category order, else first appearance) and
    the unit of a timedelta ``x`` (drawn as a number of it).

    Rows need a finite ``x`` / ``y`` and one row per (series, x); a NaN spread
    only leaves that point out of the band.
    """
    if err is not None and (lower is not None or upper is not None):
        raise InputError("err: give either err (± half-width) or lower and upper, not both")
    if (lower is None) != (upper is None):
        raise InputError("lower/upper: give both columns (the band's bottom and top) or neither")
    spread = [c for c in (err, lower, upper) if c is not None]
    if isinstance(df, pd.DataFrame):
        require_column_names(df, [x, y, series, *spread])
    _roles(x, y, series)
    df, unit = _no_times(df, x=x, others=[y, *spread])
    data = clean_numeric(df, numeric=[x, y], other=[series, *spread], func="scaling_curves")
    for col in spread:  # NaN allowed here: that point just has no band
        data[col] = require_numeric(data, col)
    names = as_text_levels(data[series], column=series)
    present = _present(names)
    data[series] = names.astype(object)
    dup = data[data.duplicated([series, x])]
    if len(dup):
        first = dup.iloc[0]
        raise InputError(
            f"df: {len(dup)} duplicate ({series!r}, {x!r}) row(s), e.g. "
            f"({plain(first[series])!r}, {plain(first[x])!r}); expected one row per series and x"
        )
    lo, hi = _limits(data, y=y, err=err, lower=lower, upper=upper)
    keep = np.isfinite(lo) & np.isfinite(hi)
    out = data[[series, x, y]].copy()
    cols = (_fresh("lower", [series, x, y]), _fresh("upper", [series, x, y]))
    out[cols[0]], out[cols[1]] = lo.where(keep), hi.where(keep)
    return out.reset_index(drop=True), cols, present, unit


def _no_times(df: Any, *, x: str, others: Sequence[str]) -> tuple[Any, str | None]:
    """``df`` with a timedelta ``x`` as a number in a unit that suits it (and the unit);
    a datetime ``x`` or a datetime / timedelta value column is an :class:`InputError`
    (read as numbers they would be nanoseconds)."""
    if not isinstance(df, pd.DataFrame):
        return df, None
    for col in others:
        if col in df.columns and is_time(df[col]):
            raise InputError(f"df: column {col!r} holds times; expected numbers")
    if x not in df.columns or not is_time(df[x]):
        return df, None
    if pd.api.types.is_datetime64_any_dtype(df[x]):
        raise InputError(
            f"x: column {x!r} holds datetimes; scaling_curves places x as sizes (numbers), "
            "e.g. convert them to days since the first"
        )
    values, plot_x = as_plot_x(df[x])
    return df.assign(**{x: values}), plot_x.unit


def _present(names: pd.Series) -> list[str]:
    """The series present: in category order for a categorical column, else as they appear."""
    seen = list(dict.fromkeys(names.tolist()))
    if isinstance(names.dtype, pd.CategoricalDtype):
        return [c for c in names.cat.categories if c in set(seen)]
    return seen


def _limits(
    data: pd.DataFrame, *, y: str, err: str | None, lower: str | None, upper: str | None
) -> tuple[pd.Series, pd.Series]:
    """The band's bottom and top per row (NaN where there is none)."""
    if err is not None:
        e = data[err].astype(float)
        if (e < 0).any():
            raise InputError(f"err: column {err!r} must be >= 0 (a ± half-width)")
        return data[y] - e, data[y] + e
    if lower is not None and upper is not None:
        lo, hi = data[lower].astype(float), data[upper].astype(float)
        if (lo > hi).any():
            raise InputError(
                f"lower/upper: {int((lo > hi).sum())} row(s) where {lower!r} > {upper!r}"
            )
        return lo, hi
    nan = pd.Series(np.nan, index=data.index)
    return nan, nan
