"""``reward_length``: reward and response length vs. step from RL logs (seed 003)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._fields import fdef, field, text_keys, text_levels
from vegafigs._params import BOOL, POSITIVE_INT, TEXT_MAPPING, checked
from vegafigs._precision import value_range
from vegafigs._time import PlotX
from vegafigs.errors import InputError
from vegafigs.figure import Figure, Panel, hconcat, make_figure
from vegafigs.figures._common import ordered_levels
from vegafigs.figures._curves import (
    BAND,
    SMOOTH,
    CurveInput,
    axis_x,
    axis_y,
    bottom_columns,
    clipped,
    curve_input,
    curve_legend,
    domain_of,
    exact_x,
    flat_domain,
    flat_pad,
    fold_labels,
    hover_points,
    hover_rows,
    inline_csv,
    internal_prefix,
    is_integral,
    legend_box,
    legend_rows,
    lone_points,
    nice_domain,
    plot_columns,
    plot_height,
    reduce_rows,
    require_room,
    series_band,
    series_lines,
    series_palette,
    spec_names,
    title_lines,
    unit_title,
    x_values,
    zoomed,
)
from vegafigs.layers._encode import choice
from vegafigs.themes import Style, figure_size, resolve_theme
from vegafigs.transforms.bands import rolling_band
from vegafigs.transforms.smoothing import smooth as smooth_frame

#: Default panel / axis titles of common metric names.
TITLES = {
    "reward": "Reward",
    "response_length": "Response length",
    "loss": "Loss",
    "kl": "KL",
    "entropy": "Entropy",
}
#: Dash of each metric in the dual layout (first solid, second dashed).
DUAL_DASHES: tuple[list[float], list[float]] = ([], [6, 3])
#: Gap between panels, pt.
SPACING = 30.0
#: Raw traces are this fraction of the smoothed lines' width (0.7 pt at 1.8 pt).
RAW_WIDTH = 7 / 18
#: Legend symbol length, pt.
LEGEND_SYMBOL = 16.0
#: ``x_title``'s default (a datetime / timedelta x is titled with its column's name).
DEFAULT_X_TITLE = "Training step"
#: Columns the figure adds (prefixed with ``_`` when a user column has one of the names).
OWN_COLUMNS = ("smooth", "lower", "upper", "hover_y", "m0_value", "m0_smooth", "m1_value",
               "m1_smooth")  # fmt: skip


@dataclass(frozen=True)
class _Look:
    """What every panel of one figure shares: columns, scales, styling.

    ``names``: the user-facing names of the figure's own columns (``smooth``,
    ``lower``, ``upper`` ..., all prefixed with ``pre`` when a user column has one
    of their names); ``plot_x``: how x is drawn (steps, time, a duration);
    ``x`` / ``y`` / ``series`` are the columns' names in the spec and ``titles`` the
    user's names of ``series`` and ``x`` (tooltip titles).
    """

    x: str
    y: str
    series: str
    xe: alt.X
    pal: Mapping[Any, str]
    legend: alt.Legend
    stroke_width: float | None
    raw_width: float
    raw_opacity: float
    band_opacity: float
    hover_n: int
    plot_h: float
    cfg: Mapping[str, Any]
    names: Mapping[str, str]
    pre: str
    plot_x: PlotX
    titles: tuple[str, str]

    def drawn(self, curve: pd.DataFrame, *, raw: bool) -> list[pd.Series]:
        """The columns of ``curve`` a panel draws (its y domain): raw, smoothed, band."""
        cols = [self.y, *(self.names[c] for c in ("smooth", "lower", "upper"))]
        return [curve[c] for c in cols if c in curve.columns and (raw or c != self.y)]

    def y_title(self, text: str) -> str | list[str] | None:
        """``text`` wrapped to the plot's (estimated) height."""
        return title_lines(text, self.cfg, width=self.plot_h, kind="axis")


@checked(
    layout=choice("panels", "dual"),
    smooth=SMOOTH,
    band=BAND,
    band_window=POSITIVE_INT.maybe("points in the rolling band's window (default ~2% of a run)"),
    raw=BOOL,
    interactive=BOOL,
    panel_titles=TEXT_MAPPING.maybe("{panel: title}"),
)
def reward_length(
    df: pd.DataFrame,
    *,
    x: str = "step",
    y: str = "value",
    series: str = "run",
    panel: str = "metric",
    panels: Sequence[str] | None = ("reward", "response_length"),
    layout: str = "panels",
    smooth: str | tuple[str, float] | None = "ema:0.9",
    raw: bool = True,
    raw_opacity: float | None = 0.3,
    band: str | None = None,
    band_window: int | None = None,
    band_opacity: float | None = 0.15,
    order: Sequence[Any] | None = None,
    palette: Mapping[Any, str] | None = None,
    panel_titles: Mapping[Any, str] | None = None,
    x_title: str | list[str] = DEFAULT_X_TITLE,
    x_domain: Sequence[float] | None = None,
    interactive: bool = True,
    stroke_width: float | None = None,
    theme: str | Mapping[str, Any] | None = None,
    style: Style | None = None,
    width_in: float | None = None,
    height_in: float | None = None,
    downsample: bool | None = None,
    dpi: float = 300,
) -> Figure:
    """Reward and response length against step for one or more runs, from a tidy log.

    ``df`` is tidy (one row per ``series`` (run), ``x``, ``panel`` (metric) and
    ``y`` (value)), as the :mod:`vegafigs.io` loaders return it; ``panels`` picks
    the metrics (``None``: all). ``layout="panels"``: one panel per metric side
    by side sharing the x axis; ``"dual"``: two metrics on one plot with left /
    right y axes (first metric solid, second dashed). Each run's raw trace is
    drawn faint (``raw``, ``raw_opacity``) under its smoothed line (``smooth``,
    e.g. ``"ema:0.9"``), optionally over a ``band`` of the raw values in a
    centred window of ``band_window`` points (``"q10-90"``, ``"std"``,
    ``"ci95"``; default window ≈ 2% of the run; ``band_opacity``). Runs are
    compared by colour (``order``, ``palette``) with one legend (right of the
    plots, or under them when the figure is narrow). ``panel_titles`` maps a
    metric to its title (default e.g. ``"Reward"``). With ``interactive`` the
    HTML output has tooltips (run, step, value, smoothed; ``"dual"``: both
    metrics at the step nearest the pointer) and one x zoom / pan for all panels
    (drag, wheel; double-click resets); PNG / PDF are static. Series longer
    than 4 × the pixel columns at ``dpi`` are reduced with M4. ``stroke_width``
    (default: the theme's), ``theme`` (default ``"paper"``), ``style``,
    ``width_in`` × ``height_in`` (the whole figure, default 7 × 2.8 in): see
    the glossary.

    Layers: ``"panels"``: per metric panel ``band`` (with ``band``), ``raw``, ``line``,
    ``point`` (a dot at each run logged at one step only, which a line cannot show),
    ``hover`` (with ``interactive``); ``"dual"``: one panel with ``band_<metric>``,
    ``raw_<metric>``, ``line_<metric>`` (``point_<metric>``) per metric and ``hover``.
    Data: ``curves`` — per metric (``panel``), run and step the raw ``y``, the smoothed
    ``smooth`` and the band's ``lower`` / ``upper``, at full resolution (before the M4
    reduction of the drawn rows).

    Bad input: rows with NaN / ±inf in ``x`` or ``y`` are dropped with a
    ``UserWarning`` giving the count (none left: :class:`~vegafigs.InputError`);
    strings there, an empty frame, a missing column, a missing run name or a
    step logged twice for one run and metric (average workers first:
    :func:`vegafigs.io.load` does) are errors.

    Any frame: column names may hold any printable characters; the figure's own
    columns in ``data`` (``smooth``, ``lower``, ``upper``) get a ``_`` prefix
    when one of ``x`` / ``y`` / ``series`` / ``panel`` has their name. Run and
    metric ids of any dtype are drawn as their string form (``order``,
    ``palette``, ``panels`` and ``panel_titles`` may name them as given; a
    categorical keeps its category order); two ids with one string form are an
    error. ``x`` may hold datetimes (a time axis of the wall-clock times, the
    same on every machine; the default x title is then the column's name) or
    timedeltas (a duration in s / min / h / d, the unit added to the x title);
    ``x_domain`` is then an error. A run logged at one step is drawn as a dot;
    legend labels too wide for the figure are drawn on several lines.

    >>> import vegafigs as vf
    >>> fig = vf.figures.reward_length(vf.demo.rl_logs(n_steps=60), band="q10-90")
    >>> fig.panels, list(fig.data)
    (('reward', 'response_length'), ['curves'])
    >>> vf.save(fig, "rl.html")  # doctest: +SKIP
    """
    inp, metrics = _checked_rows(df, x=x, y=y, series=series, panel=panel, panels=panels,
                                 layout=layout)  # fmt: skip
    px, data = inp.plot_x, inp.frame
    if px != PlotX() and x_domain is not None:
        raise InputError("x_domain: not available for a datetime / timedelta x; select the rows")
    order, palette = text_levels(order), text_keys(palette)
    levels = ordered_levels(pd.Series(inp.levels["series"], dtype=object), order, param="order")
    titles = _titles(metrics, text_keys(panel_titles))
    cfg = resolve_theme(theme, default="paper", style=style)
    size = figure_size(width_in=width_in, height_in=height_in, style=style, default=(7.0, 2.8))
    xd = domain_of([data["x"]], x_domain, flat=flat_pad(px))
    n_plots = len(metrics) if layout == "panels" else 1
    plot_w = plot_columns(size[0], panels=n_plots)
    pre = internal_prefix([x, y, series, panel], OWN_COLUMNS)
    names = {"x": x, "y": y, "series": series, **{c: pre + c for c in OWN_COLUMNS}}
    curves = {m: _prepare(data[(data["panel"] == m) & data["series"].isin(levels)],
                          smooth=smooth, band=band, band_window=band_window).rename(columns=names)
              for m in metrics}  # fmt: skip
    cols = [names[c] for c in ("smooth", "lower", "upper") if names[c] in curves[metrics[0]]]
    reduced = {m: reduce_rows(c, x=x, y=[y, *cols] if raw else cols, by=series, width_pt=plot_w,
                              dpi=dpi, x_domain=xd, enabled=downsample)[[series, x, y, *cols]]
               .reset_index(drop=True) for m, c in curves.items()}  # fmt: skip
    width = float(stroke_width or cfg.get("line", {}).get("strokeWidth", 1.5))
    legend, rows = _legend(cfg, levels, size, n_plots=n_plots, dual=layout == "dual")
    plot_h = plot_height(size[1], cfg, title=layout == "panels", legend_rows=rows)
    # A narrow estimate of each plot's width: an x title wider than its plot widens it.
    room = legend_box(levels, cfg, symbol=LEGEND_SYMBOL)[0] if not rows else 0
    title_w = (size[0] * 72 - room - 50 * (2 if layout == "dual" else n_plots)
               - SPACING * (n_plots - 1)) / n_plots  # fmt: skip
    require_room(size, plot_w=plot_w - 40 * (2 if layout == "dual" else 1), plot_h=plot_h,
                 what="the axes, titles and legend")  # fmt: skip
    if band_opacity is None:  # the theme's area fill
        band_opacity = float(cfg.get("area", {}).get("fillOpacity", 0.2))
    if px != PlotX() and x_title == DEFAULT_X_TITLE:
        x_title = x  # not a step count: the column's own name
    x_text = title_lines(unit_title(x_title, px), cfg, width=title_w, kind="axis")
    full = pd.concat([c.assign(**{panel: m})[[panel, *c.columns]] for m, c in curves.items()],
                     ignore_index=True)  # fmt: skip
    frames = {"curves": inp.user_frame(full, {"x": x, "series": series, "panel": panel})}
    sn = spec_names([series, x, y])  # the user's names, unless Vega-Lite cannot carry them
    curves = {m: c.rename(columns=sn) for m, c in curves.items()}
    reduced = {m: exact_x(c.rename(columns=sn), sn[x], px) for m, c in reduced.items()}
    look = _Look(
        x=sn[x], y=sn[y], series=sn[series], pal=series_palette(levels, palette, cfg),
        xe=axis_x(sn[x], domain=xd, title=x_text, integer=is_integral(data["x"]), plot_x=px),
        legend=legend, plot_h=plot_h, cfg=cfg, names=names, pre=pre, plot_x=px,
        stroke_width=stroke_width, raw_width=round(RAW_WIDTH * width, 3),
        raw_opacity=0.3 if raw_opacity is None else raw_opacity, band_opacity=band_opacity,
        hover_n=max(2, int(plot_w)), titles=(series, x),
    )  # fmt: skip
    if layout == "panels":
        built = [_panel(look, m, reduced[m], titles[m], index=i, raw=raw,
                        hover=interactive) for i, m in enumerate(metrics)]  # fmt: skip
        compose = _zoom_composer(SPACING) if interactive else hconcat(SPACING)
    else:
        built = [_dual_panel(look, metrics, reduced, curves, titles, raw=raw,
                             hover=interactive)]  # fmt: skip
        compose = _dual_composer(interactive)
    return make_figure(built, theme=cfg, size=size, data=frames, compose=compose,
                       kind="reward_length")  # fmt: skip


def _checked_rows(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    panel: str,
    panels: Sequence[Any] | None,
    layout: str,
) -> tuple[CurveInput, list[str]]:
    """The finite rows of ``df`` (internal names) and the metrics drawn, after the checks."""
    if len({x, y, series, panel}) != 4:
        raise InputError(
            f"x, y, series, panel: expected four different columns, got "
            f"{x!r}, {y!r}, {series!r}, {panel!r}"
        )
    columns = {"x": x, "y": y, "series": series, "panel": panel}
    inp = curve_input(df, columns=columns, numeric=["y"], groups=["series", "panel"],
                      func="reward_length")  # fmt: skip
    present = inp.levels["panel"]  # first-appearance (or category) order
    metrics = present if panels is None else list(text_levels(panels) or [])
    if not metrics:
        raise InputError("panels: expected at least one metric, got []")
    if layout == "dual" and len(metrics) != 2:
        raise InputError(f"panels: layout='dual' needs exactly two metrics, got {metrics}")
    missing = [m for m in metrics if m not in present]
    if missing:
        raise InputError(f"panels: {missing} not in column {panel!r}; it has {present}")
    data = inp.frame
    picked = data[data["panel"].isin(metrics)]
    dup = picked.duplicated(["series", "panel", "x"], keep=False)
    if dup.any():
        first = picked.loc[dup].iloc[:1]
        r, m = first["series"].iloc[0], first["panel"].iloc[0]
        step = x_values(first["x"], inp).iloc[0]
        step_text = f"{step:g}" if isinstance(step, float) else str(step)
        raise InputError(
            f"reward_length: column {x!r} repeats the value {step_text} for run {r!r}, metric "
            f"{m!r} ({int(dup.sum())} rows share a step); average them first "
            "(vegafigs.io.load merges the files / workers of a run by step)"
        )
    return replace(inp, frame=picked.reset_index(drop=True)), metrics


def _titles(metrics: Sequence[str], given: Mapping[str, str] | None) -> dict[str, str]:
    """Each metric's title: ``given``, a known name's or the name capitalised."""
    unknown = [k for k in (given or {}) if k not in metrics]
    if unknown:
        raise InputError(f"panel_titles: {unknown} are not panels; the panels are {metrics}")
    out = {}
    for m in metrics:
        text = (given or {}).get(m, TITLES.get(m, str(m).replace("_", " ").capitalize()))
        if not isinstance(text, str):
            raise InputError(f"panel_titles[{m!r}]: expected a string, got {text!r}")
        out[m] = text
    return out


def _prepare(
    data: pd.DataFrame,
    *,
    smooth: str | tuple[str, float] | None,
    band: str | None,
    band_window: int | None,
) -> pd.DataFrame:
    """One metric's rows (internal names ``series``, ``x``, ``y``) with ``smooth`` (and
    ``lower`` / ``upper``) columns, sorted."""
    out = smooth_frame(data[["series", "x", "y"]], x="x", y="y", method=smooth, by="series",
                       out="smooth")  # fmt: skip
    if band is not None:
        n = int(out.groupby("series").size().max())
        window = band_window if band_window is not None else max(5, (n // 50) | 1)
        bands = rolling_band(out, x="x", y="y", window=window, by="series", kind=band)
        out["lower"] = bands["lower"].to_numpy()
        out["upper"] = bands["upper"].to_numpy()
    return out.reset_index(drop=True)


def _legend(
    cfg: Mapping[str, Any],
    labels: Sequence[str],
    size: tuple[float, float],
    *,
    n_plots: int,
    dual: bool,
) -> tuple[alt.Legend, int]:
    """Right of the plots when each keeps >= 110 pt of width, else under them.

    Returns the legend and the number of its rows under the plots (0: right).
    """
    bottom = size[0] * 72 - 60
    # Labels wider than the figure holds are drawn on several lines (never cut).
    folded = fold_labels(labels, cfg, width=bottom - LEGEND_SYMBOL - 16)
    box_w, _ = legend_box(labels, cfg, symbol=LEGEND_SYMBOL, folded=folded)
    axes = 55.0 * (2 if dual else n_plots) + SPACING * (n_plots - 1)
    if (size[0] * 72 - axes - box_w - 20) / n_plots >= 110:
        legend = curve_legend(cfg, orient="right", symbol=LEGEND_SYMBOL, stroke_width=2,
                              folded=folded)  # fmt: skip
        return legend, 0
    columns = bottom_columns(labels, cfg, symbol=LEGEND_SYMBOL, width=bottom, folded=folded)
    legend = curve_legend(cfg, orient="bottom", symbol=LEGEND_SYMBOL, stroke_width=2,
                          columns=columns, folded=folded)  # fmt: skip
    return legend, legend_rows(labels, columns, folded)


def _layers(
    look: _Look,
    curve: pd.DataFrame,
    ye: Callable[[str], alt.Y],
    *,
    raw: bool,
    dash: Sequence[float] = (),
) -> dict[str, alt.Chart]:
    """``band`` (when the curve has one), ``raw`` (when drawn) and ``line`` of one metric."""
    y, series, pal = look.y, look.series, look.pal
    sm, lo, hi = look.names["smooth"], look.names["lower"], look.names["upper"]
    shared = inline_csv(curve, numeric=[c for c in curve.columns if c != series])
    layers: dict[str, alt.Chart] = {}
    if lo in curve.columns:
        b = clipped(series_band(shared, series=series, palette=pal), opacity=1,
                    fillOpacity=look.band_opacity)  # fmt: skip
        layers["band"] = b.encode(x=look.xe, y=ye(lo), y2=alt.Y2(field=field(hi), title=hi))
    if raw:
        r = series_lines(shared, series=series, palette=pal, stroke_width=look.raw_width)
        r = clipped(r, opacity=1, strokeOpacity=look.raw_opacity, strokeDash=list(dash),
                    strokeJoin="round")  # fmt: skip
        layers["raw"] = r.encode(x=look.xe, y=ye(y))
    s = series_lines(shared, series=series, palette=pal, stroke_width=look.stroke_width,
                     legend=look.legend)  # fmt: skip
    s = clipped(s, strokeDash=list(dash), strokeJoin="round")
    layers["line"] = s.encode(x=look.xe, y=ye(sm))
    width = look.raw_width / RAW_WIDTH
    layers.update(lone_points(curve, x=look.x, series=series, palette=pal, width=width,
                              encode={"x": look.xe, "y": ye(sm)}))  # fmt: skip
    return layers


def _panel(
    look: _Look, metric: str, curve: pd.DataFrame, title: str, *, index: int, raw: bool,
    hover: bool,
) -> Panel:  # fmt: skip
    """One metric's panel: band, raw, line and hover layers, titled."""
    drawn = look.drawn(curve, raw=raw)
    domain = flat_domain(drawn)

    def ye(field: str) -> alt.Y:
        return axis_y(field, domain=domain, title=look.y_title(title), extent=value_range(drawn))

    layers = _layers(look, curve, ye, raw=raw)
    if hover:
        rows = hover_rows(curve, by=look.series, n=look.hover_n)
        sm = look.names["smooth"]
        layers["hover"] = hover_points(
            rows, x=look.x, y=sm, series=look.series, palette=look.pal, xe=look.xe,
            ye=ye(sm), tips=[(look.y, metric), (sm, "smoothed")], name=f"hover_{index}",
            plot_x=look.plot_x, titles=look.titles,
        )  # fmt: skip
    return Panel(str(metric), layers, properties={"title": title, "width": 100.0, "height": 100.0})


def _zoom_composer(spacing: float) -> Callable[[Sequence[alt.LayerChart]], alt.TopLevelMixin]:
    def compose(panels: Sequence[alt.LayerChart]) -> alt.TopLevelMixin:
        return zoomed(panels, spacing=spacing)

    return compose


def _dual_panel(
    look: _Look,
    metrics: Sequence[str],
    reduced: Mapping[str, pd.DataFrame],
    curves: Mapping[str, pd.DataFrame],
    titles: Mapping[str, str],
    *,
    raw: bool,
    hover: bool,
) -> Panel:
    """Both metrics on one plot: left / right y axes with fixed domains, one hover layer."""
    layers: dict[str, alt.Chart] = {}
    duals = []
    for i, m in enumerate(metrics):
        curve = reduced[m]
        drawn = look.drawn(curve, raw=raw)
        # Fixed y domains (the ones Vega-Lite would pick): each layer has its own y scale
        # (resolve independent), and one hover layer places both metrics' points.
        domain = flat_domain(drawn) or nice_domain(drawn)
        kind = "dashed" if i else "solid"
        axis = {"orient": "right", "grid": False} if i else {"orient": "left"}

        def ye(field: str, domain: list[float] = domain, title: str = f"{titles[m]} ({kind})",
               axis: dict[str, Any] = axis) -> alt.Y:  # fmt: skip
            return axis_y(field, domain=domain, title=look.y_title(title), **axis)

        for name, chart in _layers(look, curve, ye, raw=raw, dash=DUAL_DASHES[i]).items():
            layers[f"{name}_{m}"] = chart
        duals.append((m, curve, curves[m], domain))
    if hover:
        layers["hover"] = _dual_hover(look, duals)
    return Panel("plot", layers, resolve={"y": "independent"})


def _dual_hover(look: _Look, duals: Sequence[tuple[str, pd.DataFrame, pd.DataFrame, list[float]]]
                ) -> alt.Chart:  # fmt: skip
    """The dual layout's hover layer: points on both metrics' curves, both metrics' values."""
    x, series = look.x, look.series
    # Column names of the hover rows, kept apart from the user's columns.
    pre = look.pre
    rows = _dual_rows(duals, x=x, series=series, y=look.y, n=look.hover_n, pre=pre,
                      smooth=look.names["smooth"])  # fmt: skip
    tips = [(f"{pre}m{k}_{c}", f"{m} (smoothed)" if c == "smooth" else m)
            for k, (m, *_) in enumerate(duals) for c in ("value", "smooth")]  # fmt: skip
    ye = alt.Y(**fdef(f"{pre}hover_y", "Q", scale=alt.Scale(domain=[0, 1], nice=False),
                      axis=None))  # fmt: skip
    return hover_points(rows, x=x, y=f"{pre}hover_y", series=series, palette=look.pal,
                        xe=look.xe, ye=ye, tips=tips, name="hover",
                        plot_x=look.plot_x, titles=look.titles)  # fmt: skip


def _dual_composer(interactive: bool) -> Callable[[Sequence[alt.LayerChart]], alt.TopLevelMixin]:
    """Compose the dual panel: one y axis per side (the first layer's), then the zoom."""

    def compose(panels: Sequence[alt.LayerChart]) -> alt.TopLevelMixin:
        out = [_one_axis_per_side(p) for p in panels]
        return zoomed(out, spacing=SPACING) if interactive else out[0]

    return compose


def _one_axis_per_side(panel: alt.LayerChart) -> alt.LayerChart:
    """``panel`` with the y axis of each side drawn by its first layer only.

    Every layer of a metric carries that metric's axis (so removing one keeps
    the axis); with independent y scales each would draw it, offset.
    """
    seen: set[str] = set()
    layers = []
    for layer in panel.layer:
        enc: Any = getattr(layer, "encoding", alt.Undefined)
        ych: Any = alt.Undefined if enc is alt.Undefined else getattr(enc, "y", alt.Undefined)
        # Channel attributes are property setters: read the schema values by key.
        axis = ych._kwds.get("axis", alt.Undefined) if isinstance(ych, alt.Y) else alt.Undefined
        if isinstance(axis, alt.Axis):
            side = axis._kwds.get("orient", alt.Undefined)
            side = "left" if side is alt.Undefined else str(side)
            if side in seen:
                ych = ych.copy(deep=False)
                ych["axis"] = None
                enc = enc.copy(deep=False)
                enc["y"] = ych
                layer = layer.copy(deep=False)
                layer.encoding = enc
            seen.add(side)
        layers.append(layer)
    out = panel.copy(deep=False)
    out.layer = layers
    return out


def _dual_rows(
    duals: Sequence[tuple[str, pd.DataFrame, pd.DataFrame, Sequence[float]]],
    *,
    x: str,
    series: str,
    y: str,
    n: int,
    pre: str = "",
    smooth: str = "smooth",
) -> pd.DataFrame:
    """Hover targets of the dual layout: both metrics' points in one frame.

    Each row is a point on one metric's smoothed curve (at most ``n`` per run and
    metric) placed at ``hover_y``, its height in 0..1 of that metric's y domain,
    and carries both metrics' raw and smoothed values at the nearest logged step
    of its run (columns ``m0_value``, ``m0_smooth``, ``m1_value``, ``m1_smooth``;
    every added column name starts with ``pre``; ``smooth`` is the curves' smoothed
    column).
    """
    parts = []
    for _, curve, _, (lo, hi) in duals:
        rows = hover_rows(curve, by=series, n=n)[[series, x, smooth]]
        rows = rows.assign(**{f"{pre}hover_y": (rows[smooth] - lo) / (hi - lo)})
        rows = rows.drop(columns=smooth)
        for k, (_, _, full, _) in enumerate(duals):
            for col in (y, smooth):
                rows[f"{pre}m{k}_{'value' if col == y else 'smooth'}"] = _at_nearest(
                    rows, full, x=x, series=series, col=col
                )
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)


def _at_nearest(
    rows: pd.DataFrame, full: pd.DataFrame, *, x: str, series: str, col: str
) -> np.ndarray:
    """``full[col]`` at the logged step of the same run nearest each row's ``x``."""
    out = np.full(len(rows), np.nan)
    groups: dict[Any, pd.DataFrame] = {key: g for key, g in full.groupby(series, sort=False)}
    for key, idx in rows.groupby(series, sort=False).indices.items():
        g = groups.get(key)
        if g is None or g.empty:
            continue
        xs = g[x].to_numpy(dtype=float)
        vals = g[col].to_numpy(dtype=float)
        order = np.argsort(xs, kind="stable")
        xs, vals = xs[order], vals[order]
        if len(xs) == 1:
            out[idx] = vals[0]
            continue
        want = rows[x].to_numpy(dtype=float)[idx]
        right = np.clip(np.searchsorted(xs, want), 1, len(xs) - 1)
        left = right - 1
        pick = np.where(np.abs(want - xs[left]) <= np.abs(xs[right] - want), left, right)
        out[idx] = vals[pick]
    return out
