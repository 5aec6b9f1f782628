"""Helpers shared by the training-curve figures (private): parameters, axes, legend, data.

``training_curves`` and ``reward_length`` share their parameter declarations
(``smooth``, ``band``), the axis encodings, the series palette and legend (placed
by the figure's size), the M4 reduction to the plot's pixel columns and the
x zoom that links the panels in HTML.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as field_default
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import (
    clean_numeric,
    require_columns,
    require_frame,
    require_printable,
    require_range,
)
from vegafigs._fields import as_text_levels, fdef, field, require_column_names
from vegafigs._params import Param
from vegafigs._precision import (
    MIN_SIGNIFICANT,
    csv_frame,
    drawable,
    padded,
    readable_format,
    spec_float,
)
from vegafigs._precision import flat_domain as padded_flat
from vegafigs._time import DURATION_UNITS as DURATION_SECONDS
from vegafigs._time import PlotX, as_plot_x, is_time
from vegafigs.errors import InputError
from vegafigs.figures._common import level_palette, wrap_title
from vegafigs.layers._encode import series_legend
from vegafigs.themes import palette_of, text_width
from vegafigs.transforms.bands import parse_kind
from vegafigs.transforms.downsample import downsample, needs_downsampling
from vegafigs.transforms.smoothing import parse_smooth

#: Significant digits every plotted value keeps in the spec at least; values also keep
#: the decimals their column's span needs (rounding < 1e-6 of it, see ``_precision``).
SPEC_DIGITS = MIN_SIGNIFICANT
#: How a plain numeric x (steps) is drawn.
STEPS = PlotX()
#: Name of the x zoom / pan parameter (HTML) shared by a figure's plots.
ZOOM = "zoom"


# ---------------------------------------------------------------- parameters
def _parsed_by(parse: Callable[[Any], Any], prefix: str) -> Callable[[Any, str], Any]:
    """A check calling ``parse`` and naming the parameter in its errors (not ``prefix``)."""

    def check(value: Any, name: str) -> Any:
        try:
            parse(value)
        except InputError as exc:
            raise InputError(f"{name}: {str(exc).removeprefix(prefix)}") from exc
        return value

    return check


#: ``smooth``: ``"ema:0.9"``, ``"twema:…"``, ``"rolling:N"``, ``"gaussian:S"`` or None.
SMOOTH = Param(
    _parsed_by(parse_smooth, "smooth: "),
    "smoothing: 'ema:W', 'twema:W', 'rolling:N', 'gaussian:S' or None",
    optional=True,
    bad=("lowess:3", "ema:1", "rolling:0", 3),
)
#: ``band``: ``"std"``, ``"ci95"``, ``"ci95-boot"``, ``"q10-90"`` ... or None.
BAND = Param(
    _parsed_by(parse_kind, "kind: "),
    "band statistic: 'std', 'ci95', 'ci95-boot', 'qLO-HI' or None",
    optional=True,
    bad=("iqr", "q90-10", 3),
)


# ---------------------------------------------------------------- input
def internal_prefix(taken: Iterable[str | None], names: Iterable[str]) -> str:
    """The fewest ``_`` that, put before each of ``names``, avoid every ``taken`` name.

    The figures' own columns (``smooth``, ``lower`` ...) keep their documented
    names unless a user column has one of them; then all of them get the prefix.

    >>> internal_prefix(["step", "lower"], ["lower", "upper"])
    '_'
    """
    used, wanted = set(taken), list(names)
    pre = ""
    while any(pre + n in used for n in wanted):
        pre += "_"
    return pre


#: Characters Vega-Lite cannot carry in a field name: it passes a backslash on to
#: Vega unescaped (a facet's groupby then reads another field) and writes line
#: breaks into its description expressions unescaped (a parse error).
UNCARRIED = re.compile("[\\\\\r\n\u0085\u2028\u2029]")


def spec_names(names: Iterable[str]) -> dict[str, str]:
    """``{column: its name in the spec}``: itself, or with :data:`UNCARRIED` characters
    as ``_`` (then ``_`` appended until it is none of the others).

    >>> spec_names(["a\\\\b", "a_b", "step"])
    {'a\\\\b': 'a_b_', 'a_b': 'a_b', 'step': 'step'}
    """
    wanted = list(dict.fromkeys(names))
    used = {n for n in wanted if not UNCARRIED.search(n)}
    out = {}
    for n in wanted:
        alias = n
        if UNCARRIED.search(n):
            alias = UNCARRIED.sub("_", n)
            while alias in used:
                alias += "_"
            used.add(alias)
        out[n] = alias
    return out


#: Line breaks (a title with one is drawn as lines).
LINE_BREAK = re.compile("\r\n|[\r\n\u0085\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with its line breaks as spaces (a tooltip title: Vega-Lite writes it
    into an expression unescaped)."""
    return LINE_BREAK.sub(" ", text)


def tooltip_title(text: str) -> str:
    """:func:`one_line` with backslashes doubled: Vega-Lite writes a tooltip title into
    a string literal of its tooltip expression without escaping them."""
    return one_line(text).replace("\\", "\\\\")


#: The parameter naming each internal column (``lo`` is given as ``lower`` ...).
PARAM_OF = {"lo": "lower", "hi": "upper"}


@dataclass(frozen=True)
class CurveInput:
    """A figure's checked rows under fixed internal column names, and how to draw x.

    ``frame`` has columns ``x`` (float), the numeric columns and the group
    columns renamed by the caller's mapping; group columns hold the levels' string
    form; ``levels`` maps each group column to its levels (category order for a
    categorical column, else first appearance); ``time`` is the x column's dtype
    when it holds datetimes / timedeltas.
    """

    frame: pd.DataFrame
    plot_x: PlotX
    levels: dict[str, list[str]]
    time: Any = None
    originals: dict[str, tuple[dict[str, Any], Any]] = field_default(default_factory=dict)

    def user_frame(self, frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
        """A drawn ``frame`` under user names ``names`` (``{internal: user}``) with the
        user's own values: x in its dtype, group levels as given (``1``, not ``"1"``)."""
        out = frame.copy()
        if names["x"] in out.columns:
            out[names["x"]] = x_values(out[names["x"]], self)
        for col, (values, dtype) in self.originals.items():
            name = names.get(col)
            if name is not None and name in out.columns:
                back = out[name].map(values)
                try:
                    out[name] = back.astype(dtype)
                except (TypeError, ValueError):  # e.g. categories left out
                    out[name] = back
        return out


def curve_input(
    df: pd.DataFrame,
    *,
    columns: Mapping[str, str | None],
    numeric: Sequence[str],
    groups: Sequence[str],
    func: str,
) -> CurveInput:
    """``df``'s columns ``columns`` (``{internal: user column}``) checked and renamed.

    ``numeric`` / ``groups`` are internal names; ``"x"`` may hold datetimes or
    timedeltas (drawn as :func:`vegafigs._time.as_plot_x` says). Rows with a
    non-finite number are dropped with a warning (:func:`clean_numeric`); the
    parameters must name distinct string columns of a flat frame.
    """
    given = {k: v for k, v in columns.items() if v is not None}
    require_frame(df)
    require_column_names(df, given.values())
    names = list(given.values())
    if len(set(names)) != len(names):
        params = ", ".join(PARAM_OF.get(p, p) for p in given)
        raise InputError(f"{params}: expected different columns, got {', '.join(map(repr, names))}")
    require_columns(df, names)
    for param, name in given.items():
        require_printable(name, param=PARAM_OF.get(param, param))
    sub = df[names].copy()
    sub.columns = names
    x = given["x"]
    time = sub[x].dtype if is_time(sub[x]) else None
    sub[x], plot_x = as_plot_x(sub[x])
    user = [given[c] for c in ("x", *numeric) if c in given]
    data = clean_numeric(sub, numeric=user, func=func)
    levels: dict[str, list[str]] = {}
    orig: dict[str, tuple[dict[str, Any], Any]] = {}
    for g in groups:
        if g in given:
            text = as_text_levels(data[given[g]], column=given[g])
            for level in pd.unique(text.astype(object)):
                require_printable(level, param=f"df[{given[g]!r}]")
            if isinstance(text.dtype, pd.CategoricalDtype):
                present = set(text.astype(object))
                levels[g] = [c for c in text.cat.categories if c in present]
            else:
                levels[g] = list(dict.fromkeys(text.tolist()))
            originals = dict(zip(text.astype(object), data[given[g]], strict=True))
            orig[g] = (originals, data[given[g]].dtype)
            data[given[g]] = text.astype(object)
    frame = data.rename(columns={v: k for k, v in given.items()})
    return CurveInput(frame.reset_index(drop=True), plot_x, levels, time, orig)


def x_values(values: pd.Series, inp: CurveInput) -> pd.Series:
    """Drawn x ``values`` back in the x column's own dtype (datetimes, timedeltas)."""
    if inp.time is None:
        return values
    if inp.plot_x.kind == "T":
        out = pd.to_datetime(values, unit="ms")
        tz = getattr(inp.time, "tz", None)
        return out.dt.tz_localize(tz) if tz is not None else out
    size = dict(DURATION_SECONDS)[inp.plot_x.unit or "s"]
    return pd.to_timedelta(values * size, unit="s")


# ---------------------------------------------------------------- levels and colours
def series_palette(
    levels: Sequence[Any],
    palette: Mapping[Any, str] | None,
    cfg: Mapping[str, Any],
    *,
    extra: Mapping[str, str] | None = None,
) -> dict[Any, str]:
    """:func:`~vegafigs.figures._common.level_palette` with the theme's colours."""
    return level_palette(levels, palette, palette_of(cfg), extra=extra)


def series_color(series: str, palette: Mapping[Any, str], *, legend: Any = False) -> alt.Color:
    """A nominal colour encoding of column ``series`` with the palette's domain / range.

    ``legend=False`` leaves the legend to the layers sharing the scale.
    """
    scale = alt.Scale(domain=list(palette), range=list(palette.values()))
    leg = alt.Undefined if legend is False else legend
    # A field title, not None: Vega-Lite's default title (the escaped name) breaks
    # its own description expression on a quote. The legend has no title anyway.
    return alt.Color(**fdef(series, "N", scale=scale, legend=leg))


def series_dash(
    series: str, dashes: Mapping[Any, Sequence[float]], *, legend: Any = False
) -> alt.StrokeDash:
    """A nominal strokeDash encoding of column ``series`` (``[]`` = solid).

    Give it the colour's ``legend`` so Vega-Lite merges the two into one legend.
    """
    scale = alt.Scale(domain=list(dashes), range=[list(d) for d in dashes.values()])
    leg = alt.Undefined if legend is False else legend
    return alt.StrokeDash(**fdef(series, "N", scale=scale, legend=leg))


def series_lines(
    data: alt.InlineData,
    *,
    series: str,
    palette: Mapping[Any, str],
    stroke_width: float | None,
    legend: Any = False,
    dashes: Mapping[Any, Sequence[float]] | None = None,
) -> alt.Chart:
    """One line per ``series`` level of ``data``, coloured by ``palette`` (x / y left to
    the caller); ``stroke_width=None`` leaves the width to the theme."""
    mark: dict[str, Any] = {"interpolate": "linear", "opacity": 1.0}
    if stroke_width is not None:
        mark["strokeWidth"] = stroke_width
    enc: dict[str, Any] = {
        "color": series_color(series, palette, legend=legend),
        "detail": alt.Detail(**fdef(series, "N")),
    }
    if dashes is not None:
        enc["strokeDash"] = series_dash(series, dashes, legend=legend)
    return alt.Chart(data).mark_line(**mark).encode(**enc)


def lone_points(
    frame: pd.DataFrame,
    *,
    x: str,
    series: str,
    palette: Mapping[Any, str],
    width: float,
    encode: Mapping[str, Any],
    bounds: tuple[str, str] | None = None,
) -> dict[str, alt.Chart]:
    """Layers marking the series of ``frame`` logged at one step only (a line of one
    vertex draws nothing): ``point`` (a dot ``3 × width`` pt across, encoded with
    ``encode``: x / y) and, with ``bounds`` (lower / upper columns and their y
    encoding under ``"y"`` / ``"y2"`` of ``encode``), ``point_band`` (a rule between
    them). Empty when every series has two steps or more."""
    counts = frame.groupby(series, sort=False)[x].transform("size")
    lone = frame[counts.to_numpy() == 1]
    if lone.empty:
        return {}
    data = inline_csv(lone, numeric=[c for c in lone.columns if c != series])
    color = series_color(series, palette)
    layers = {
        "point": alt.Chart(data)
        .mark_point(filled=True, opacity=1, size=(3 * width) ** 2, clip=True)
        .encode(x=encode["x"], y=encode["y"], color=color)
    }
    if bounds is not None:
        layers["point_band"] = (
            alt.Chart(data)
            .mark_rule(strokeWidth=width, clip=True)
            .encode(x=encode["x"], y=encode["y_lower"], y2=encode["y2"], color=color)
        )
    return layers


def series_band(data: alt.InlineData, *, series: str, palette: Mapping[Any, str]) -> alt.Chart:
    """One filled ribbon per ``series`` level of ``data`` (x / y / y2 left to the caller)."""
    return (
        alt.Chart(data)
        .mark_area(interpolate="linear", opacity=0.2)
        .encode(color=series_color(series, palette), detail=alt.Detail(**fdef(series, "N")))
    )


# ---------------------------------------------------------------- axes
def domain_of(
    values: Sequence[pd.Series], given: Sequence[float] | None, *, flat: float = 1.0
) -> list[float]:
    """``given`` or the finite min..max over ``values`` (a flat range widened by ``flat``).

    Values too close to draw apart (1 ulp, 1e-300) or too large to widen by
    ``flat`` get the padded range of all-equal values
    (:func:`vegafigs._precision.padded`).
    """
    if given is not None:
        return [float(v) for v in given]
    arr = np.concatenate([np.asarray(v, dtype=float) for v in values])
    arr = arr[np.isfinite(arr)]
    lo, hi = float(arr.min()), float(arr.max())
    return [lo, hi + flat] if hi == lo and drawable(lo, hi + flat) else list(padded(lo, hi))


def exact_x(frame: pd.DataFrame, x: str, plot_x: PlotX) -> pd.DataFrame:
    """``frame`` with a time ``x`` as whole epoch milliseconds (the inline CSV writes
    integers exactly; a float there keeps only ``SPEC_DIGITS`` digits)."""
    if plot_x.kind != "T":
        return frame
    return frame.assign(**{x: np.round(frame[x].to_numpy(dtype=float)).astype(np.int64)})


def flat_pad(plot_x: PlotX) -> float:
    """How far a one-step x domain is widened: 1 (step or duration unit), a minute of time."""
    return 60_000.0 if plot_x.kind == "T" else 1.0


def unit_title(text: str | list[str], plot_x: PlotX) -> str | list[str]:
    """An x title with the duration unit of ``plot_x`` appended (to its last line)."""
    if isinstance(text, list):
        return [*text[:-1], plot_x.title(text[-1])] if text else text
    return plot_x.title(text)


def flat_domain(values: Sequence[pd.Series]) -> list[float] | None:
    """A padded y domain when every finite value is the same, else ``None``.

    Vega-Lite gives a constant series a zero-width domain and labels its one
    tick without decimals (0.4 shows as "0"); ±10% (±1 around 0) keeps it right.
    """
    # Equal up to rounding (a mean over seeds of one value can differ in the last bits),
    # or too close to draw apart: see vegafigs._precision.
    return padded_flat(values)


def nice_domain(values: Sequence[pd.Series], *, count: int = 10) -> list[float]:
    """The y domain Vega-Lite gives ``values`` by default (``nice: true``, no zero).

    Vega extends the data extent to multiples of d3's tick increment for ``count``
    ticks (d3-scale ``linear.nice``); this does the same on the values as written
    to the spec (rounded relative to their span, as :func:`inline_csv` writes
    them), so an explicit domain draws the same axis.
    """
    arr = np.concatenate([np.asarray(v, dtype=float) for v in values])
    arr = arr[np.isfinite(arr)]
    span = float(arr.max() - arr.min())
    start, stop = spec_float(float(arr.min()), span=span), spec_float(float(arr.max()), span=span)
    prestep = None
    for _ in range(10):
        step = _tick_increment(start, stop, count)
        if step == prestep or step == 0:
            break
        if step > 0:
            start, stop = math.floor(start / step) * step, math.ceil(stop / step) * step
        else:
            start, stop = math.ceil(start * step) / step, math.floor(stop * step) / step
        prestep = step
    return [start, stop]


def _tick_increment(start: float, stop: float, count: int) -> float:
    """d3-array's ``tickIncrement``: the tick step (negative: its inverse) for ``count`` ticks."""
    step = (stop - start) / count
    if not step > 0 or not math.isfinite(step):
        return 0.0
    power = math.floor(math.log10(step))
    error = step / 10.0**power
    factor = next(f for f, e in ((10, 50), (5, 10), (2, 2), (1, 0)) if error >= math.sqrt(e))
    return factor * 10.0**power if power >= 0 else -(10.0**-power) / factor


def ticks_format(ticks: Sequence[float] | None) -> str | None:
    """A fixed-decimals d3 format showing every tick value (``[0.3, 0.35]`` -> ``".2f"``)."""
    if not ticks:
        return None
    decimals = 0
    for t in ticks:
        text = f"{float(t):.10f}".rstrip("0").rstrip(".")
        decimals = max(decimals, len(text.split(".")[1]) if "." in text else 0)
    return f".{decimals}f"


def is_integral(values: pd.Series) -> bool:
    """True when every value is a whole number (e.g. training steps)."""
    arr = np.asarray(values, dtype=float)
    return bool(np.all(arr == np.round(arr)))


def axis_x(
    name: str,
    *,
    domain: Sequence[float],
    title: str | list[str] | None,
    ticks: Sequence[float] | None = None,
    fmt: str | None = "~s",
    integer: bool = False,
    plot_x: PlotX = STEPS,
) -> alt.X:
    """The x encoding of column ``name`` with a fixed domain (no nice rounding).

    ``integer``: ticks only at whole numbers (steps), however short the log. (An
    explicit ``tickCount`` on short domains: Vega-Lite lets the ``~s`` format's
    own minimum step override ``tickMinStep``, vega-lite#9034.) A time x
    (``plot_x``) is drawn on a ``utc`` time scale with Vega's time labels (``fmt``
    unused); a duration's ``"~s"`` is ``"~r"`` (SI prefixes would read 0.5 h as "500m").
    """
    axis: dict[str, Any] = {"title": title}
    scale: dict[str, Any] = {"domain": list(domain), "nice": False, "zero": False}
    if plot_x.kind == "T":
        # Not flush: a flush first label ("12 PM") is moved onto the next one shown.
        scale.pop("zero")
        axis["labelFlush"] = False
        return alt.X(**plot_x.encoding(name, scale=scale, axis=alt.Axis(**axis)))
    if plot_x.unit is not None and fmt == "~s":
        fmt = "~r"  # a duration of 0.5 h reads "0.5", not "500m"
    span = float(domain[1]) - float(domain[0])
    if integer and ticks is None and span < 10:
        axis["tickCount"] = max(1, math.floor(span))
    if ticks is not None:
        axis["values"] = list(ticks)
    fmt = readable_format(fmt, *domain) if ticks is None else fmt
    if fmt is not None:
        # d3's "~s" alone prints 0 as "0k" next to "5k"; zero is always plain "0".
        axis["labelExpr"] = f"datum.value === 0 ? '0' : format(datum.value, {json.dumps(fmt)})"
    return alt.X(**fdef(name, "Q", scale=alt.Scale(**scale), axis=alt.Axis(**axis)))


def axis_y(
    name: str,
    *,
    domain: Sequence[float] | None,
    title: str | list[str] | None,
    ticks: Sequence[float] | None = None,
    fmt: str | None = None,
    extent: Sequence[float] | None = None,
    **axis: Any,
) -> alt.Y:
    """The y encoding of column ``name`` (fixed domain when given, else Vega-Lite's nice one).

    ``extent``: the values' (min, max), to pick readable tick labels when there
    is no ``domain`` (:func:`vegafigs._precision.readable_format`).
    ``axis``: more axis properties (``orient``, ``grid`` ...).
    """
    props: dict[str, Any] = {"title": title, **axis}
    if ticks is not None:
        props["values"] = list(ticks)
    fmt = fmt if fmt is not None else ticks_format(ticks)
    span = domain if domain is not None else extent
    fmt = readable_format(fmt, *span) if span is not None and ticks is None else fmt
    if fmt is not None:
        props["format"] = fmt
    scale = (
        alt.Scale(domain=list(domain), nice=False, zero=False)
        if domain is not None
        else alt.Scale(zero=False)
    )
    return alt.Y(**fdef(name, "Q", scale=scale, axis=alt.Axis(**props)))


def clipped(chart: alt.Chart, **mark: Any) -> alt.Chart:
    """``chart`` with its mark clipped to the plot area (and ``mark`` properties set)."""
    current = chart.mark
    props = current.to_dict() if isinstance(current, alt.MarkDef) else {"type": str(current)}
    return chart.properties(mark=alt.MarkDef(**{**props, "clip": True, **mark}))


def title_lines(
    text: str | list[str] | None,
    cfg: Mapping[str, Any],
    *,
    width: float,
    kind: str = "title",
    max_lines: int = 2,
) -> str | list[str] | None:
    """``text`` wrapped into at most ``max_lines`` lines no wider than ``width`` pt.

    ``kind``: ``"title"`` (chart / panel title) or ``"axis"`` (axis title), whose
    theme font and size measure the text. Lines break at spaces; text beyond
    the last line is cut and marked with "..." (every font has it). Line breaks
    in ``text`` (a column name used as a title) start new lines.
    """
    if text is None or isinstance(text, list):  # None, or lines given as they are
        return text
    if LINE_BREAK.search(text):  # a column name with line breaks: each line wrapped
        out: list[str] = []
        for piece in LINE_BREAK.split(text):
            got = title_lines(piece, cfg, width=width, kind=kind, max_lines=max_lines)
            out.extend([got] if isinstance(got, str) else got or [])
        return out
    part = cfg.get(kind, {})
    key = "fontSize" if kind == "title" else "titleFontSize"
    font = part.get("font" if kind == "title" else "titleFont", cfg.get("font"))
    size = float(part.get(key, 11))
    # Lines break at spaces only (a word split over two lines reads badly).
    words = max((text_width(w, font=font, size=size) for w in text.split(" ")), default=0.0)
    lines = wrap_title(text, width=max(width, words + 1.0), font=font, size=size)
    if isinstance(lines, str) or len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and text_width(last + " ...", font=font, size=size) > max(width, words + 1.0):
        last = last.rsplit(" ", 1)[0] if " " in last else ""
    kept[-1] = f"{last} ...".strip()
    return kept


# ---------------------------------------------------------------- legend
def _label_font(cfg: Mapping[str, Any]) -> tuple[str, float]:
    leg = cfg.get("legend", {})
    return leg.get("labelFont", cfg.get("font")), float(leg.get("labelFontSize", 10))


def _label_width(text: str, cfg: Mapping[str, Any]) -> float:
    """Width in pt of one legend label line (the wider of regular and bold: highlight)."""
    font, size = _label_font(cfg)
    return max(text_width(text, font=font, size=size, bold=b) for b in (False, True))


#: Where a long legend label may break: after these characters, or at a space.
_BREAKS = re.compile(r"[^\s\-_/.,:;+]*[\-_/.,:;+]+|[^\s]+\s*|\s+")


def fold_labels(
    labels: Sequence[str], cfg: Mapping[str, Any], *, width: float
) -> dict[str, list[str]]:
    """The labels wider than ``width`` pt, as lines that fit (``{label: lines}``).

    Lines break after ``-`` ``_`` ``/`` ``.`` ``,`` ``:`` ``;`` ``+`` or at spaces;
    a piece wider than ``width`` on its own is broken between characters. Vega
    draws a label given as a list of lines on several lines, never cut.
    """
    out: dict[str, list[str]] = {}
    for label in labels:
        if _label_width(label, cfg) <= width:
            continue
        pieces = [p for p in _BREAKS.findall(label) if p]
        lines: list[str] = []
        line = ""
        for piece in pieces:
            if line and _label_width((line + piece).rstrip(), cfg) > width:
                lines.append(line.rstrip())
                line = piece.lstrip()
            else:
                line += piece
            while len(line) > 1 and _label_width(line.rstrip(), cfg) > width:
                cut = max(1, next(i for i in range(len(line), 0, -1)
                                  if _label_width(line[:i], cfg) <= width or i == 1))  # fmt: skip
                lines.append(line[:cut])
                line = line[cut:]
        if line.strip():
            lines.append(line.rstrip())
        out[label] = lines
    return out


def legend_box(
    labels: Sequence[str],
    cfg: Mapping[str, Any],
    *,
    symbol: float,
    folded: Mapping[str, Sequence[str]] | None = None,
) -> tuple[float, float]:
    """Estimated (width, height) in pt of a vertical legend of ``labels`` (``folded``:
    the labels drawn on several lines, see :func:`fold_labels`)."""
    _, size = _label_font(cfg)
    lines = [list((folded or {}).get(str(t), [str(t)])) for t in labels]
    widest = max((_label_width(line, cfg) for ls in lines for line in ls), default=0.0)
    return symbol + 6 + widest, sum(len(ls) for ls in lines) * (size + 2)


def curve_legend(
    cfg: Mapping[str, Any],
    *,
    orient: str,
    symbol: float,
    stroke_width: float,
    highlight: Any = None,
    columns: int | None = None,
    folded: Mapping[str, Sequence[str]] | None = None,
) -> alt.Legend:
    """The series legend of a curve figure: line symbols ``symbol`` pt long, no title.

    ``orient="bottom"`` lays the entries out in ``columns`` (a row under the plot);
    ``folded`` labels (:func:`fold_labels`) are drawn on their lines.
    """
    leg = cfg.get("legend", {})
    font = leg.get("labelFont", cfg.get("font"))
    legend = series_legend(
        highlight=highlight,
        font=font,
        orient=orient,
        symbol_size=symbol**2,
        symbol_stroke_width=stroke_width,
    )
    # Labels are never cut (Vega's default labelLimit ellipsizes at 160 px): the
    # figures measure them and place the legend where they fit whole.
    legend["labelLimit"] = 0
    if folded:
        legend["labelExpr"] = f"{json.dumps(dict(folded))}[datum.label] || datum.label"
    if orient == "bottom":
        legend["direction"] = "horizontal"
        legend["columns"] = columns or 0
        legend["offset"], legend["rowPadding"] = 6, 2
    return legend


#: Smallest plot side, pt, an estimate may leave before the figure is called too small.
MIN_PLOT = 20.0


def require_room(size: tuple[float, float], *, plot_w: float, plot_h: float, what: str) -> None:
    """:class:`InputError` naming width_in/height_in when the estimated plot is too small."""
    if plot_w < MIN_PLOT or plot_h < MIN_PLOT:
        raise InputError(
            f"width_in/height_in: {size[0]:g} x {size[1]:g} in is too small for {what} "
            f"(it leaves a plot of about {max(plot_w, 0):.0f} x {max(plot_h, 0):.0f} pt)"
        )


def plot_height(
    height_in: float, cfg: Mapping[str, Any], *, title: bool, legend_rows: int = 0
) -> float:
    """An estimate of the plot's height in pt (to wrap y titles before the size fit)."""
    axis = cfg.get("axis", {})
    label = float(axis.get("labelFontSize", 10))
    axis_title = float(axis.get("titleFontSize", 11))
    top = float(cfg.get("title", {}).get("fontSize", 12)) + 8 if title else 0.0
    legend = legend_rows * (float(cfg.get("legend", {}).get("labelFontSize", 10)) + 4) + 6
    return height_in * 72.0 - 10 - top - (label + axis_title + 16) - (legend if legend_rows else 0)


def legend_rows(
    labels: Sequence[str], columns: int, folded: Mapping[str, Sequence[str]] | None
) -> int:
    """Text lines of a legend of ``labels`` laid out in ``columns`` (folded labels
    count their lines)."""
    rows = [labels[i : i + columns] for i in range(0, len(labels), columns)]
    return sum(max(len((folded or {}).get(t, [t])) for t in row) for row in rows)


def bottom_columns(
    labels: Sequence[str],
    cfg: Mapping[str, Any],
    *,
    symbol: float,
    width: float,
    folded: Mapping[str, Sequence[str]] | None = None,
) -> int:
    """How many legend entries fit side by side in ``width`` pt (at least 1)."""
    each = [legend_box([t], cfg, symbol=symbol, folded=folded)[0] + 10 for t in labels]
    for n in range(len(each), 0, -1):
        rows = [each[i : i + n] for i in range(0, len(each), n)]
        cols = [max(r[c] for r in rows if c < len(r)) for c in range(n)]
        if sum(cols) <= width:
            return n
    return 1


# ---------------------------------------------------------------- data
def inline_csv(frame: pd.DataFrame, *, numeric: Sequence[str]) -> alt.InlineData:
    """``frame`` as one inline CSV dataset (``numeric`` columns parsed as numbers).

    Floats keep at least ``SPEC_DIGITS`` significant digits and the decimals
    their column's span needs (steps ``1e9 + k`` stay apart; rounding below
    1e-6 of the span, see :mod:`vegafigs._precision`). Header cells and values
    with commas, quotes or newlines are quoted (RFC 4180, which Vega's CSV
    reader follows); ``parse`` keys are escaped field names. A CSV string is
    ~4x smaller than the same rows as JSON objects; layers given the same frame
    share one dataset in the spec (Altair names it by its hash).
    """
    text = csv_frame(frame).to_csv(index=False, lineterminator="\n")
    return alt.InlineData(
        values=text, format=alt.DataFormat(type="csv", parse={field(c): "number" for c in numeric})
    )


def on_data(chart: alt.Chart, data: alt.InlineData) -> alt.Chart:
    """A copy of ``chart`` drawing ``data``."""
    out = chart.copy(deep=False)
    out.data = data
    return out


def plot_columns(width_in: float, *, panels: int = 1) -> float:
    """An upper estimate of one plot's width in pt (before the size fit).

    M4 keeps 4 points per pixel column, so a few columns too many cost a few
    rows and none too few would: axes take at least ~30 pt of the figure.
    """
    return max(20.0, (width_in * 72.0 - 30.0 * panels) / panels)


def reduce_rows(
    df: pd.DataFrame,
    *,
    x: str,
    y: Sequence[str],
    by: str | Sequence[str] | None,
    width_pt: float,
    dpi: float,
    x_domain: Sequence[float],
    enabled: bool | None,
) -> pd.DataFrame:
    """M4-reduce ``df`` for a plot ``width_pt`` wide rendered at ``dpi`` (when needed).

    ``enabled=None`` reduces only series longer than 4 × pixel columns; ``True``
    forces the reduction pass (it still keeps short series whole); ``False`` never.
    """
    width_px = max(2, math.ceil(width_pt * dpi / 72.0))
    if enabled is False or (
        enabled is None and not needs_downsampling(df, by=by, width_px=width_px)
    ):
        return df
    lo, hi = require_range(x_domain, param="x_domain")
    return downsample(df, x=x, y=list(y), width_px=width_px, by=by, x_domain=(lo, hi))


def hover_rows(curve: pd.DataFrame, *, by: str, n: int) -> pd.DataFrame:
    """At most ``n`` evenly spaced rows per ``by`` group: enough targets for a hover
    tooltip (about one per pt of plot width) without thousands of invisible symbols."""
    parts = []
    for _, g in curve.groupby(by, sort=False):
        idx = np.unique(np.linspace(0, len(g) - 1, min(n, len(g))).round().astype(np.int64))
        parts.append(g.iloc[idx])
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------- zoom (HTML)
def _has_x(layer: Any) -> bool:
    enc = getattr(layer, "encoding", alt.Undefined)
    return enc is not alt.Undefined and getattr(enc, "x", alt.Undefined) is not alt.Undefined


def _plot_view(panel: alt.LayerChart, index: int) -> tuple[alt.LayerChart, str | None]:
    """``panel`` and the name of a layer with an x encoding (the zoom binds to it).

    A layer Altair has named (one with a parameter: the hover points) is used
    as it is; else the first layer with an x encoding is named ``plot_<index>``.
    """
    layers = list(panel.layer)
    for layer in layers:
        if _has_x(layer) and layer.name is not alt.Undefined:
            return panel, str(layer.name)
    for i, layer in enumerate(layers):
        if _has_x(layer):
            named = layer.copy(deep=False)
            named.name = f"plot_{index}"
            layers[i] = named
            out = panel.copy(deep=False)
            out.layer = layers
            return out, named.name
    return panel, None


def zoomed(
    panels: Sequence[alt.LayerChart], *, spacing: float, columns: int | None = None
) -> alt.TopLevelMixin:
    """The panels side by side (``columns``: in a grid of that many columns) with one
    x zoom / pan (drag, wheel) shared by all.

    A scale-bound interval defined in several views sets the x domain of each of
    them from the same selection, so zooming one panel zooms the others with it
    (the panels share x). The zoom binds to a layer of each panel that has an x
    encoding, found when the figure is composed: it keeps working after layers
    are removed or added. (Added here rather than through ``add_params``, whose
    lifting of one param shared by layers in a concat lists stale view names.)
    """
    # Compose first: Altair names the views that hold parameters as it lifts them.
    chart: Any = panel_grid(panels, spacing=spacing, columns=columns)
    key = "concat" if columns is not None and columns < len(panels) else "hconcat"
    subs = [chart] if len(panels) == 1 else list(getattr(chart, key))
    found = [_plot_view(p, i) for i, p in enumerate(subs)]
    views = [name for _, name in found if name is not None]
    if len(panels) == 1:
        chart = found[0][0].copy(deep=False)
    else:
        chart = chart.copy(deep=False)
        setattr(chart, key, [p for p, _ in found])
    if views:
        zoom = alt.TopLevelSelectionParameter(
            name=ZOOM,
            select=alt.IntervalSelectionConfig(type="interval", encodings=["x"]),
            bind="scales",
            views=views,
        )
        params = [] if chart.params is alt.Undefined else list(chart.params)
        chart.params = [*params, zoom]
    return chart


def panel_grid(
    panels: Sequence[alt.LayerChart], *, spacing: float, columns: int | None = None
) -> alt.TopLevelMixin:
    """The panels side by side ``spacing`` pt apart, or in rows of ``columns`` (one panel:
    itself)."""
    if len(panels) == 1:
        return panels[0]
    if columns is not None and columns < len(panels):
        return alt.concat(*panels, columns=columns, spacing=spacing)
    return alt.hconcat(*panels, spacing=spacing)


def hover_points(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    palette: Mapping[Any, str],
    xe: alt.X,
    ye: alt.Y,
    tips: Sequence[tuple[str, str]],
    name: str,
    plot_x: PlotX = STEPS,
    titles: tuple[str, str] | None = None,
    size: float = 36,
) -> alt.Chart:
    """Invisible points that light up nearest the pointer, with a tooltip (HTML only):
    the series, the step (a time x as the axis shows it), then each ``(column, title)``
    of ``tips``. ``titles``: the tooltip titles of ``series`` and a time ``x``
    (default: the names)."""
    hover = alt.selection_point(
        name=name, fields=[field(x), field(series)], nearest=True, on="pointerover",
        clear="pointerout", empty=False,
    )  # fmt: skip
    inline = inline_csv(data, numeric=[c for c in data.columns if c != series])
    s_title, x_title = (tooltip_title(t) for t in titles or (series, x))
    step = (
        fdef(x, "Q", title="step", format=",")
        if plot_x == STEPS
        else {**plot_x.tooltip(x), "title": plot_x.title(x_title)}
    )
    return (
        alt.Chart(inline)
        .mark_point(filled=True, size=size, clip=True)
        .encode(
            x=xe,
            y=ye,
            color=series_color(series, palette),
            opacity=alt.condition(hover, alt.value(1), alt.value(0)),
            tooltip=[
                # format="": Vega-Lite's nearest (voronoi) tooltip reads an unformatted
                # nominal field from the cell instead of its point ("undefined"); a
                # format sends it through the path that reads the point (vega-lite#9707).
                alt.Tooltip(**fdef(series, "N", title=s_title, format="")),
                alt.Tooltip(**step),
                *(
                    alt.Tooltip(**fdef(c, "Q", title=tooltip_title(t), format=".4~g"))
                    for c, t in tips
                ),
            ],
        )
        .add_params(hover)
    )
