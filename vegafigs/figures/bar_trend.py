"""``bar_trend``: ablation bars with a trend line, value labels and a reference (seed 001)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import require_frame, require_no_missing
from vegafigs._fields import as_text_levels, require_column_names, text_of
from vegafigs._params import BOOL, COLOR, FINITE, FORMAT, POSITIVE, checked
from vegafigs._precision import drawable, middle, readable_format, round_to_span
from vegafigs.errors import InputError
from vegafigs.figure import Figure, Panel, make_figure
from vegafigs.figures._common import clean_numeric
from vegafigs.figures._geometry import fresh_name, settle
from vegafigs.frames import takes_frames
from vegafigs.layers._wrap import LabelLayout, layout_labels
from vegafigs.layers.axes import set_axis
from vegafigs.layers.bars import BAR_DARK, BAR_LIGHT, BAR_WIDTH, GRADIENT, PADDING_OUTER, darker
from vegafigs.layers.bars import bars as bar_layer
from vegafigs.layers.labels import LABEL_COLOR, value_labels
from vegafigs.layers.rules import hline
from vegafigs.layers.trend import TREND_COLOR, trend_line
from vegafigs.themes import Style, figure_size, merge, resolve_theme, text_width
from vegafigs.transforms.labels import label_offsets

#: Reference rule colour and its (darker) label colour (seed 001).
REFERENCE_COLOR, REFERENCE_INK = "#D4686A", "#C53E43"
#: Smallest plot side, px, that still holds the bars and their labels.
MIN_PLOT = 30.0
#: Most of the figure's height the category labels may take.
LABEL_SHARE = 0.3
#: Seed 001's look over the theme: ink-coloured text, light lavender dashed grid.
LOOK: dict[str, Any] = {
    "axis": {"labelColor": LABEL_COLOR, "titleColor": LABEL_COLOR, "titlePadding": 4},
    "axisY": {"gridColor": "#d4d0e4", "gridOpacity": 1, "gridDash": [3, 4], "gridWidth": 0.5},
    "text": {"color": LABEL_COLOR},
}
#: Short grey outward ticks and a thin axis line (only over themes with outward ticks).
TICKS: dict[str, Any] = {"axis": {"tickColor": "#9490a8", "tickSize": 2, "domainWidth": 0.6}}


@checked(
    reference=FINITE.maybe("the reference value drawn as a dashed rule"),
    reference_color=COLOR,
    label_format=FORMAT,
    trend=BOOL,
    labels=BOOL,
    colors=GRADIENT,
    exponent=POSITIVE,
)
@takes_frames("df", columns=("x", "y"))
def bar_trend(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    order: Sequence[Any] | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
    reference_color: str = REFERENCE_COLOR,
    y_domain: tuple[float, float] | None = None,
    y_ticks: Sequence[float] | None = None,
    y_format: str | None = None,
    label_format: str = ".2f",
    x_title: str | None = None,
    y_title: str | None = None,
    trend: bool = True,
    labels: bool = True,
    colors: tuple[str, str] = (BAR_LIGHT, BAR_DARK),
    exponent: float = 0.4,
    theme: str | Mapping[str, Any] | None = None,
    style: Style | None = None,
    width_in: float | None = None,
    height_in: float | None = None,
) -> Figure:
    """Bars of ``y`` per category ``x`` with a trend line, value labels and a reference rule.

    Categories of any dtype (str, int, bool, float, categorical, nullable) are
    drawn as their string form. Their labels are laid out in the theme's font for
    the final plot width: as they are, else wrapped into 2-3 lines at ``-`` ``_``
    ``/`` and spaces, rotated -45° or -90°, set smaller (down to 60%), or broken
    between characters; they never overlap and are never cut (the plot shrinks to
    make room). Bars are filled on a power colour scale from ``colors[0]``
    (lowest value) to ``colors[1]`` (highest) with ``exponent`` (see
    :func:`vegafigs.layers.bars`). Font sizes and text colour come from the
    theme; value labels use its ``text.fontSize``.

    Layers: ``bars``, ``trend``, ``labels``, ``reference`` (those drawn); data:
    ``bars`` (``x`` as drawn: each category's string form, so a chart made from
    this frame and layered on (``fig + chart``) lands on the bars; ``y`` as given;
    ``label_offset``: the px each label was lifted) and ``reference`` (``y``,
    ``label``) when there is one; an added column named like ``x`` or ``y`` gets a
    leading ``_``. The categories' order is the x scale's domain, so such a layer
    joins it without giving a sort.

    Bad input: rows with a NaN/±inf ``y`` are dropped with a warning (their bar
    is not drawn). An empty frame, a missing column, non-numeric ``y``, a
    repeated or missing category, two categories with one string form (``1``
    and ``"1"``), ``x`` and ``y`` naming one column, an ``order`` that does
    not list each category once, a figure too small for its bars or too
    narrow for its labels (``width_in``) and bad parameters are an
    :class:`~vegafigs.InputError` naming them.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per bar, holding ``x`` and ``y`` (other columns are ignored).
    x : str
        Column of the categories, one bar each. See :term:`x`.
    y : str
        Column of the bar heights (numbers). See :term:`y`.
    order : sequence, optional
        Order of the categories, each once, in either form (``[5, 10]`` or
        ``["5", "10"]``; default None: first appearance, a categorical column's
        category order). See :term:`order`.
    reference : float, optional
        A value drawn as a dashed horizontal rule, labelled at its left end
        (default None: no rule). See :term:`reference`.
    reference_label : str, optional
        The rule's label (default None: the value in ``label_format``). See
        :term:`reference_label`.
    reference_color : str, optional
        CSS colour of the rule (default ``"#D4686A"``; its label is a darker
        shade). See :term:`reference_color`.
    y_domain : tuple of float, optional
        The exact y range (default None: from 0.75 × the data span below the
        lowest value or reference to 0.25 × above the highest, raised where the
        value labels need room). See :term:`y_domain`.
    y_ticks : sequence of float, optional
        The y tick values (default None: Vega-Lite's). See :term:`y_ticks`.
    y_format : str, optional
        d3 format of the y tick labels (default None: Vega-Lite's, with the
        digits the domain needs; ``"~r"`` with ``y_ticks``). See
        :term:`y_format`.
    label_format : str, optional
        d3 format of the value labels and the default reference label (default
        ``".2f"``). See :term:`label_format`.
    x_title : str, optional
        Title of the category axis (default None: the column name; wrapped when
        longer than the plot). See :term:`x_title`.
    y_title : str, optional
        Title of the value axis (default None: the column name; wrapped when
        longer than the plot). See :term:`y_title`.
    trend : bool, optional
        Join the bar tops with a line, a darker shade of ``colors[1]`` (default
        True).
    labels : bool, optional
        Write each value above its bar in ``label_format``, lifted where needed
        to stay clear of the trend line at the figure's final size (default
        True).
    colors : tuple of str, optional
        ``(light, dark)`` CSS colours of the bar gradient's ends (default
        ``("#9AC4F5", "#428AE5")``, seed 001's blues).
    exponent : float, optional
        Power of the colour scale, > 0 (default 0.4; 1 = linear).
    theme : str or mapping, optional
        Default None: the enabled vegafigs theme, else ``"paper"``; seed 001's
        ink-coloured text and dashed grid are merged over it. See :term:`theme`.
    style : vegafigs.themes.Style, optional
        Venue preset: the default size and a named theme's font sizes (default
        None). See :term:`style`.
    width_in : float, optional
        Figure width in inches (default None: the ``style``'s, else 3.6). See
        :term:`width_in`.
    height_in : float, optional
        Figure height in inches (default None: the ``style``'s, else 2.3). See
        :term:`height_in`.

    Returns
    -------
    Figure
        A single-panel :class:`~vegafigs.Figure` (panel ``"main"``).

    Examples
    --------
    >>> import vegafigs as vf
    >>> fig = vf.figures.bar_trend(vf.demo.warmup_ablation(), x="warmup_steps", y="avg_score",
    ...                            reference=55.79, reference_label="GRPO 55.79")
    >>> list(fig.layers)
    ['bars', 'trend', 'labels', 'reference']
    >>> fig.data["bars"].columns.tolist()
    ['warmup_steps', 'avg_score', 'label_offset']
    >>> vf.save(fig, "warmup.pdf")  # doctest: +SKIP
    """
    data, levels = _prepare(df, x=x, y=y, order=order)
    lo, hi = _domain(data[y].to_numpy(dtype=float), reference, y_domain)
    cfg = _look(resolve_theme(theme, default="paper", style=style))
    size = figure_size(width_in=width_in, height_in=height_in, style=style, default=(3.6, 2.3))
    drawn = data.assign(**{x: as_text_levels(data[x], column=x, param="x").astype(object)})
    names = [text_of(v) for v in levels]
    layers: dict[str, alt.TopLevelMixin] = {
        "bars": bar_layer(drawn, x=x, y=y, order=names, colors=colors, exponent=exponent, base=lo)
    }
    if trend:
        line_color = TREND_COLOR if tuple(colors) == (BAR_LIGHT, BAR_DARK) else darker(colors[1])
        layers["trend"] = trend_line(drawn, x=x, y=y, order=names, color=line_color)
    first = (10.0 if trend else 3.0) if labels else np.nan
    lift = fresh_name("label_offset", [x, y])
    # x as drawn (its string form), so a chart made from fig.data["bars"] lands on the bars
    frames = {"bars": drawn.assign(**{lift: first})}
    if reference is not None:
        text = reference_label if reference_label is not None else _text(reference, label_format)
        layers["reference"] = _reference(reference, text, color=reference_color, cfg=cfg)
        frames["reference"] = pd.DataFrame({y: [reference], fresh_name("label", [y]): [text]})
    order_of = {"bars": 0, "trend": 1, "labels": 2, "reference": 3}
    ticks = _CategoryTicks(names, cfg=cfg, size=size)

    final = {"top": hi}

    def build(titles: dict[str, Any], plot: tuple[float, float] | None) -> Figure:
        top = hi
        if labels:
            lifts, top = (first, hi) if plot is None else _place(
                plot, data, y=y, lo=lo, hi=hi, grow=y_domain is None, fmt=label_format,
                trend=trend, cfg=cfg,
            )  # fmt: skip
            frames["bars"] = drawn.assign(**{lift: lifts})
            layers["labels"] = value_labels(drawn.assign(**{lift: lifts}), x=x, y=y,
                                            label_format=label_format, offset=lift,
                                            order=names)  # fmt: skip
        final["top"] = top
        fmt = y_format if y_format is not None or y_ticks is not None \
            else readable_format(None, lo, top)  # fmt: skip
        axes = {"domain": (lo, top), "ticks": y_ticks, "format": fmt, **titles,
                "x_axis": ticks.axis(plot)}  # fmt: skip
        shown = {k: _axes(layers[k], **axes) for k in sorted(layers, key=order_of.__getitem__)}
        return make_figure([Panel("main", shown)], theme=cfg, size=size, data=frames,
                           kind="bar_trend")  # fmt: skip

    texts = {
        "x_title": x if x_title is None else x_title,
        "y_title": y if y_title is None else y_title,
    }
    fig, plot = settle(build, texts, cfg=cfg, size=size, needs_plot=True)
    _check_room(plot, n=len(levels), size=size)
    ticks.check()
    if labels:
        lifted = frames["bars"][lift].to_numpy(dtype=float)
        _check_value_labels(plot, data[y].to_numpy(dtype=float), lifted, domain=(lo, final["top"]),
                            fmt=label_format, cfg=cfg)  # fmt: skip
    return fig


def _prepare(
    df: pd.DataFrame, *, x: str, y: str, order: Sequence[Any] | None
) -> tuple[pd.DataFrame, list[Any]]:
    """The ``x`` and ``y`` columns, one row per bar in drawing order, and the categories."""
    require_frame(df)
    require_column_names(df, [x, y])
    if x == y:
        raise InputError(f"x/y: both name column {x!r}; the categories and values must differ")
    data = clean_numeric(df, numeric=[y], other=[x], func="bar_trend")[[x, y]]
    require_no_missing(data, x)
    as_text_levels(data[x], column=x, param="x")  # two categories drawn alike are an error
    dup = data[x][data[x].duplicated()].tolist()
    if dup:
        raise InputError(f"x: categories must be unique, one bar each; {x!r} repeats {dup}")
    levels = _levels(data[x], order)
    index = {text_of(v): i for i, v in enumerate(data[x])}
    rows = [index[text_of(v)] for v in levels]
    return data.iloc[rows].reset_index(drop=True), levels


def _levels(values: pd.Series, order: Sequence[Any] | None) -> list[Any]:
    """The categories (values of ``x``) in ``order`` (checked), category order or as they appear."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = [c for c in values.cat.categories if c in set(values)]
    else:
        present = list(values)
    if order is None:
        return present
    by_text = {text_of(v): v for v in present}
    wanted = list(order)
    unknown = [o for o in wanted if text_of(o) not in by_text]
    listed = [text_of(o) for o in wanted]
    missing = [v for v in present if text_of(v) not in listed]
    if unknown or missing or len(set(listed)) != len(listed):
        raise InputError(
            f"order: must list each category of {values.name!r} once; unknown {unknown}, "
            f"not listed {missing}; the data has {present}"
        )
    return [by_text[t] for t in listed]


class _CategoryTicks:
    """The x axis of the categories: labels laid out for the plot width (:mod:`.layers._wrap`)."""

    def __init__(self, names: list[str], *, cfg: Mapping[str, Any], size: tuple[float, float]):
        axis = {**cfg.get("axis", {}), **cfg.get("axisX", {})}
        self.names, self.cfg = names, cfg
        self.font = str(axis.get("labelFont", cfg["font"]))
        self.font_size = float(axis.get("labelFontSize", 10))
        self.width, self.cap = size[0] * 72.0 - 70.0, size[1] * 72.0 * LABEL_SHARE
        self.error: InputError | None = None

    def axis(self, plot: tuple[float, float] | None) -> dict[str, Any]:
        """Axis properties for a plot ``plot[0]`` px wide (an estimate before it is measured)."""
        width = self.width if plot is None else plot[0]
        step = max(width, 1.0) / (len(self.names) - (1 - BAR_WIDTH) + 2 * PADDING_OUTER)
        try:
            # 3% narrower than measured: a plot a little narrower next round still fits.
            lay = layout_labels(self.names, step=step * 0.97, font=self.font,
                                size=self.font_size, max_height=self.cap)  # fmt: skip
            self.error = None
        except InputError as exc:  # too narrow: reported once the figure's size is checked
            self.error = exc
            lay = LabelLayout({n: [n] for n in self.names}, 0.0, self.font_size)
        return lay.axis(self.font_size)

    def check(self) -> None:
        """Raise the layout's error if the labels fit no layout at the final plot size."""
        if self.error is not None:
            raise self.error


def _look(cfg: dict[str, Any]) -> dict[str, Any]:
    """The theme with seed 001's colours (and short grey ticks where ticks point out)."""
    out = merge(cfg, LOOK)
    tick = out.get("axis", {}).get("tickSize", 0)
    return merge(out, TICKS) if isinstance(tick, (int, float)) and tick >= 0 else out


def _text(value: float, fmt: str) -> str:
    try:
        return format(value, fmt)
    except ValueError:  # a d3-only format
        return f"{value:.4g}"


def _reference(value: float, label: str, *, color: str, cfg: Mapping[str, Any]) -> Any:
    ink = REFERENCE_INK if color == REFERENCE_COLOR else darker(color)
    size = round(float(cfg.get("text", {}).get("fontSize", 7)) * 6 / 7, 2)
    return hline(value, label=label, color=color, label_color=ink, opacity=0.7, font_size=size)


def _axes(
    layer: Any,
    *,
    x_axis: Mapping[str, Any],
    x_title: Any,
    y_title: Any,
    domain: tuple[float, float],
    ticks: Sequence[float] | None,
    format: str | None,
) -> Any:
    """One layer with the figure's x title and y title, domain, ticks and format."""
    layer = set_axis(layer, "x", title=x_title, axis=x_axis)
    fmt = format if format is not None else ("~r" if ticks is not None else None)
    return set_axis(layer, "y", title=y_title, domain=domain, values=ticks, format=fmt)


def _check_value_labels(
    plot: tuple[float, float],
    values: np.ndarray,
    lifts: np.ndarray,
    *,
    domain: tuple[float, float],
    fmt: str,
    cfg: Mapping[str, Any],
) -> None:
    """Raise :class:`InputError` if two value labels would overlap (bars too narrow for them)."""
    text = cfg.get("text", {})
    font, size = str(text.get("font", cfg["font"])), float(text.get("fontSize", 7))
    step = plot[0] / (len(values) - (1 - BAR_WIDTH) + 2 * PADDING_OUTER)
    widths = [text_width(_text(float(v), fmt), font=font, size=size) for v in values]
    lo, top = domain
    bottoms = plot[1] * (top - values) / (top - lo) - lifts  # px from the plot's top
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            apart_x = (j - i) * step - (widths[i] + widths[j]) / 2
            if apart_x >= 1.0:
                break
            if abs(bottoms[i] - bottoms[j]) < size:
                raise InputError(
                    f"labels: the value labels {_text(float(values[i]), fmt)!r} and "
                    f"{_text(float(values[j]), fmt)!r} would overlap: they are wider than the "
                    f"{step:.0f} px each bar has; pass "
                    "labels=False, a shorter label_format or a larger width_in"
                )


def _check_room(plot: tuple[float, float], *, n: int, size: tuple[float, float]) -> None:
    if min(plot) < MIN_PLOT:
        raise InputError(
            f"width_in/height_in: {size[0]:.2f} x {size[1]:.2f} in is too small for {n} bars "
            f"with their axes and titles (the plot would be {plot[0]:.0f} x {plot[1]:.0f} px)"
        )


def _offsets(
    plot: tuple[float, float],
    data: pd.DataFrame,
    *,
    y: str,
    lo: float,
    hi: float,
    fmt: str,
    trend: bool,
    cfg: Mapping[str, Any],
) -> np.ndarray | float:
    """Px each value label must be lifted to clear the trend line, in a ``plot`` (w, h) px."""
    if not trend:
        return 3.0
    if min(plot) < MIN_PLOT:  # too small: the caller says so
        return 10.0
    text = cfg.get("text", {})
    lifted = label_offsets(
        data,
        y=y,
        step_px=plot[0] / (len(data) - (1 - BAR_WIDTH) + 2 * PADDING_OUTER),
        px_per_unit=plot[1] / (hi - lo),
        label_format=fmt,
        font=text.get("font", cfg["font"]),
        font_size=float(text.get("fontSize", 7)),
        min_offset=10.0,
        gap=2.5,
    )
    return lifted["label_offset"].to_numpy(dtype=float)


def _place(
    plot: tuple[float, float],
    data: pd.DataFrame,
    *,
    y: str,
    lo: float,
    hi: float,
    grow: bool,
    fmt: str,
    trend: bool,
    cfg: Mapping[str, Any],
) -> tuple[np.ndarray | float, float]:
    """Label lifts for ``plot`` and the y domain's top, raised (if ``grow``) to hold the labels.

    A label's top is its lift plus its text height above its value; the top
    ``t`` holds it when ``(t - v) * plot_h / (t - lo) >= need``.
    """
    lifts = _offsets(plot, data, y=y, lo=lo, hi=hi, fmt=fmt, trend=trend, cfg=cfg)
    if not grow or min(plot) < MIN_PLOT:
        return lifts, hi
    text_h = float(cfg.get("text", {}).get("fontSize", 7)) * 1.1 + 2.0
    share = (np.broadcast_to(lifts, (len(data),)) + text_h) / plot[1]
    if (share >= 0.8).any():  # no room to make: the size check reports it
        return lifts, hi
    values = data[y].to_numpy(dtype=float)
    # (v - share * lo) / (1 - share), written from lo: no cancellation on offset data (1e9 + k).
    top = max(hi, float(np.max(lo + (values - lo) / (1 - share))))
    if top > hi:  # a taller domain: shallower slopes need less lift
        lifts = _offsets(plot, data, y=y, lo=lo, hi=top, fmt=fmt, trend=trend, cfg=cfg)
    return lifts, round_to_span(top, top - lo)


def _domain(
    values: np.ndarray, reference: float | None, y_domain: tuple[float, float] | None
) -> tuple[float, float]:
    """The y range: ``y_domain`` (checked), or padded around the values and reference.

    Values too close to draw apart (all equal, 1 ulp or 1e-300 apart) are drawn
    as equal: padded by 5% of their value (1 around 0) instead of their span.
    """
    if y_domain is not None:
        if not drawable(float(y_domain[0]), float(y_domain[1])):
            raise InputError(
                f"y_domain: {tuple(y_domain)!r} is too narrow to draw (its width is below "
                "1e-12 of its values); give a wider range"
            )
        return y_domain
    pts = np.append(values, [] if reference is None else [reference])
    vmin, vmax = float(pts.min()), float(pts.max())
    span = vmax - vmin
    if not drawable(vmin, vmax):
        vmin = vmax = middle(vmin, vmax)
        span = abs(vmax) * 0.05
        if not drawable(vmin - 0.75 * span, vmax + 0.25 * span):  # about 0, or denormal
            span = 1.0
    lo, hi = vmin - 0.75 * span, vmax + 0.25 * span
    return round_to_span(lo, hi - lo), round_to_span(hi, hi - lo)
