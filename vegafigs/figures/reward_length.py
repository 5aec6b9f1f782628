"""``reward_length``: reward and response length vs. step from RL logs (seed 003)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import (
    require_choice,
    require_fraction,
    require_no_missing,
    require_positive,
)
from vegafigs.errors import InputError
from vegafigs.figures._common import clean_numeric, ordered_levels, themed
from vegafigs.figures._curves import (
    axis_x,
    axis_y,
    check_mapping,
    check_title,
    clipped,
    domain_of,
    flat_domain,
    inline_csv,
    is_integral,
    nice_domain,
    on_shared_data,
    reduce_rows,
)
from vegafigs.layers._encode import TAB10, color_encoding, series_legend
from vegafigs.layers.bands import band as band_layer
from vegafigs.layers.lines import line
from vegafigs.themes import get_theme, inches
from vegafigs.transforms.bands import parse_kind, rolling_band
from vegafigs.transforms.smoothing import parse_smooth
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
DUAL_DASHES = ([], [6, 3])
_ROOM_W, _ROOM_H = 60.0, 48.0


def _title(metric: str, titles: Mapping[str, str] | None) -> str:
    if titles is not None and metric in titles:
        return titles[metric]
    return TITLES.get(metric, metric.replace("_", " ").capitalize())


def _prepare(
    data: pd.DataFrame,
    *,
    x: str,
    run: str,
    value: str,
    smooth: str | tuple[str, float] | None,
    band: str | None,
    band_window: int | None,
) -> pd.DataFrame:
    """One metric's rows with ``smooth`` (and ``lower`` / ``upper``) columns, sorted."""
    out = smooth_frame(data, x=x, y=value, method=smooth, by=run, out="smooth")
    if band is not None:
        n = int(out.groupby(run).size().max())
        window = band_window if band_window is not None else max(5, (n // 50) | 1)
        bands = rolling_band(out, x=x, y=value, window=window, by=run, kind=band)
        out["lower"] = bands["lower"].to_numpy()
        out["upper"] = bands["upper"].to_numpy()
    return out


def reward_length(
    df: pd.DataFrame,
    *,
    x: str = "step",
    run: str = "run",
    metric: str = "metric",
    value: str = "value",
    metrics: Sequence[str] = ("reward", "response_length"),
    layout: str = "panels",
    smooth: str | tuple[str, float] | None = "ema:0.9",
    raw: bool = True,
    raw_opacity: float = 0.3,
    band: str | None = None,
    band_window: int | None = None,
    order: Sequence[Any] | None = None,
    palette: Mapping[Any, str] | None = None,
    titles: Mapping[str, str] | None = None,
    x_title: str = "Training step",
    x_domain: Sequence[float] | None = None,
    interactive: bool = True,
    stroke_width: float = 1.8,
    theme: str = "paper",
    width_in: float = 7.0,
    height_in: float = 2.8,
    downsample: bool | None = None,
    dpi: float = 300,
) -> alt.HConcatChart | alt.LayerChart:
    """Reward and response length against step for one or more runs, from a tidy log.

    ``df`` is tidy (one row per ``run``, ``x``, ``metric``, ``value``), as the
    :mod:`vegafigs.io` loaders return it. ``layout="panels"``: one panel per
    metric side by side sharing the x axis; ``"dual"``: two metrics on one plot
    with independent left / right y axes (first metric solid, second dashed).
    Each run's raw trace is drawn faint (``raw``) under its smoothed line
    (``smooth``, e.g. ``"ema:0.9"``), optionally over a ``band`` of the raw
    values in a centred window of ``band_window`` points (``"q10-90"``, ``"std"``,
    ``"ci95"``; default window ≈ 2% of the run). Runs are compared by colour with
    one legend. With ``interactive`` the HTML output has tooltips (run, step,
    value, smoothed; ``"dual"``: both metrics at the step nearest the pointer)
    and one x zoom / pan for all panels (drag, wheel; double-click resets); PNG /
    PDF are static. Series longer than 4 × the pixel columns at ``dpi`` are
    reduced with M4.

    Rows with NaN / ±inf in ``x`` or ``value`` are dropped with a ``UserWarning``
    giving the count (none left: :class:`~vegafigs.InputError`); strings there,
    an empty frame, a missing column, a missing ``run`` name or a step logged
    twice for one run and metric (average workers first: :func:`vegafigs.io.load`
    does) are errors.

    >>> import vegafigs as vf
    >>> chart = vf.figures.reward_length(vf.demo.rl_logs(), band="q10-90")
    >>> vf.save(chart, "rl.html")  # doctest: +SKIP
    """
    func = "reward_length"
    require_choice(layout, ["panels", "dual"], param="layout")
    parse_smooth(smooth)
    if band is not None:
        parse_kind(band)
    require_positive(width_in, param="width_in")
    require_positive(height_in, param="height_in")
    require_positive(dpi, param="dpi")
    require_fraction(raw_opacity, param="raw_opacity")
    if band_window is not None:
        require_positive(band_window, param="band_window", integer=True)
    if len({x, run, metric, value}) != 4:
        raise InputError(
            f"x, run, metric, value: expected four different columns, got "
            f"{x!r}, {run!r}, {metric!r}, {value!r}"
        )
    check_title(x_title, param="x_title")
    check_mapping(titles, param="titles")
    for key, text in (titles or {}).items():
        check_title(text, param=f"titles[{key!r}]")
    check_mapping(palette, param="palette")
    if isinstance(metrics, str) or not metrics:
        raise InputError(f"metrics: expected a list of metric names, got {metrics!r}")
    metrics = list(metrics)
    if len(set(metrics)) != len(metrics):
        raise InputError(f"metrics: each metric once, got {metrics}")
    if layout == "dual" and len(metrics) != 2:
        raise InputError(f"metrics: layout='dual' needs exactly two metrics, got {metrics}")
    data = clean_numeric(df, numeric=[x, value], other=[run, metric], func=func)
    present = pd.unique(data[metric]).tolist()  # first-appearance order, fast on long logs
    missing = [m for m in metrics if m not in present]
    if missing:
        raise InputError(f"metrics: {missing} not in column {metric!r}; it has {present}")
    require_no_missing(data, run)
    picked = data[data[metric].isin(metrics)]
    dup = picked.duplicated([run, metric, x], keep=False)
    if dup.any():
        r, m, step = picked.loc[dup, [run, metric, x]].iloc[0].tolist()
        raise InputError(
            f"{func}: column {x!r} repeats the value {step:g} for run {r!r}, metric {m!r} "
            f"({int(dup.sum())} rows share a step); average them first "
            "(vegafigs.io.load merges the files / workers of a run by step)"
        )
    levels = ordered_levels(pd.Series(pd.unique(data[run])), order, param="order")
    pal_given = dict(palette) if palette is not None else {}
    pal = {lv: pal_given.get(lv, TAB10[i % len(TAB10)]) for i, lv in enumerate(levels)}
    xd = domain_of([data[x]], x_domain, param="x_domain")

    n = len(metrics)
    total_w = inches(width_in, param="width_in")
    gap = 30.0
    width = (
        (total_w - _ROOM_W * n - gap * (n - 1)) / n if layout == "panels" else total_w - 2 * _ROOM_W
    )
    height = inches(height_in, param="height_in") - _ROOM_H
    if width < 40 or height < 40:
        raise InputError(f"width_in/height_in: {width_in} x {height_in} in is too small")

    font = get_theme(theme)["font"]
    legend = series_legend(font=font, orient="right", symbol_size=16**2, symbol_stroke_width=2)
    xe = axis_x(x, domain=xd, title=x_title, integer=is_integral(data[x]))

    charts = []
    duals: list[tuple[str, pd.DataFrame, pd.DataFrame, list[float]]] = []  # dual hover input
    for i, m in enumerate(metrics):
        sub = data[(data[metric] == m) & data[run].isin(levels)][[run, x, value]]
        prepared = _prepare(
            sub, x=x, run=run, value=value, smooth=smooth, band=band, band_window=band_window
        )
        cols = ["smooth", "lower", "upper"] if band is not None else ["smooth"]
        # M4 over the raw and smoothed columns at once: one row set draws every layer.
        curve = reduce_rows(
            prepared,
            x=x,
            y=[value, *cols] if raw else cols,
            by=run,
            width_pt=width,
            dpi=dpi,
            x_domain=xd,
            enabled=downsample,
        )
        curve = curve[[run, x, value, *cols]].reset_index(drop=True)
        dual_right = layout == "dual" and i == 1
        drawn = [curve[c] for c in [value, *cols] if raw or c != value]
        flat = flat_domain(drawn)
        ye_kw: dict[str, Any] = {"domain": flat, "title": _title(m, titles)}
        if layout == "dual":
            ye_kw["orient"] = "right" if dual_right else "left"
            ye_kw["title"] = f"{_title(m, titles)} ({'dashed' if dual_right else 'solid'})"
            if dual_right:
                ye_kw["grid"] = False  # one grid (the left axis') is enough
            if interactive:
                # Fixed y domains (the ones Vega-Lite would pick) let one hover layer
                # place both metrics' points on their curves.
                ye_kw["domain"] = flat or nice_domain(drawn)
                duals.append((m, curve, prepared, ye_kw["domain"]))
        dash = DUAL_DASHES[i] if layout == "dual" else []
        layers: list[alt.Chart] = []
        if band is not None:
            b = band_layer(curve, x=x, lower="lower", upper="upper", series=run, palette=pal)
            b = clipped(b, opacity=1, fillOpacity=0.15)
            layers.append(b.encode(x=xe, y=axis_y("lower", **ye_kw), y2="upper:Q"))
        if raw:
            r = line(curve, x=x, y=value, series=run, palette=pal, stroke_width=0.7, tooltip=False)
            r = clipped(
                r, opacity=1, strokeOpacity=raw_opacity, strokeDash=dash, strokeJoin="round"
            )
            layers.append(r.encode(x=xe, y=axis_y(value, **ye_kw)))
        s = line(
            curve,
            x=x,
            y="smooth",
            series=run,
            palette=pal,
            stroke_width=stroke_width,
            legend=legend,
            tooltip=False,
        )
        s = clipped(s, strokeDash=dash, strokeJoin="round")
        layers.append(s.encode(x=xe, y=axis_y("smooth", **ye_kw)))
        hovered = interactive and layout == "panels"
        if hovered:
            layers.append(
                _hover_points(
                    _hover_rows(curve, run=run, n=max(2, int(width))),
                    x=x,
                    y="smooth",
                    run=run,
                    tips=[(value, m), ("smooth", "smoothed")],
                    pal=pal,
                    ye=axis_y("smooth", **ye_kw),
                    xe=xe,
                    name=f"hover_{i}",
                )
            )
        shared = on_shared_data(layers[: len(layers) - 1 if hovered else None])
        own = [layers[-1]] if hovered else []  # hover points carry their own small data
        layer = alt.layer(*shared, *own, data=inline_csv(curve, numeric=[x, value, *cols]))
        if layout == "panels":
            layer = layer.properties(
                width=round(width, 2), height=round(height, 2), title=_title(m, titles)
            )
        charts.append(layer)

    if layout == "panels":
        chart: alt.HConcatChart | alt.LayerChart = alt.hconcat(*charts, spacing=gap)
        views = [c.layer[-1].name for c in chart.hconcat] if interactive else []
    else:
        if interactive:
            # Column names of the hover rows, kept apart from the x and run columns.
            pre = next(p for p in ("", "_", "__", "___") if not {x, run} & _dual_cols(p))
            rows = _dual_rows(duals, x=x, run=run, value=value, n=max(2, int(width)), pre=pre)
            charts.append(
                _hover_points(
                    rows,
                    x=x,
                    y=f"{pre}hover_y",
                    run=run,
                    tips=[
                        (f"{pre}m{k}_{c}", f"{m} (smoothed)" if c == "smooth" else m)
                        for k, (m, *_) in enumerate(duals)
                        for c in ("value", "smooth")
                    ],
                    pal=pal,
                    ye=alt.Y(
                        f"{pre}hover_y:Q", scale=alt.Scale(domain=[0, 1], nice=False), axis=None
                    ),
                    xe=xe,
                    name="hover",
                )
            )
        chart = (
            alt.layer(*charts)
            .resolve_scale(y="independent")
            .properties(width=round(width, 2), height=round(height, 2))
        )
        views = [chart.layer[-1].name] if interactive else []
    if interactive:
        chart = _with_zoom(chart, views)
    return themed(chart, theme)


def _with_zoom(chart: alt.TopLevelMixin, views: Sequence[str]) -> alt.TopLevelMixin:
    """``chart`` with one x zoom / pan (drag, wheel) shared by the plots of ``views``.

    A scale-bound interval defined in several views sets the x domain of each of
    them from the same selection, so zooming one panel zooms the others with it
    (the panels share x). Added here rather than through ``add_params``, whose
    lifting of one param shared by layers in a concat lists stale view names.
    """
    zoom = alt.TopLevelSelectionParameter(
        name="zoom",
        select=alt.IntervalSelectionConfig(type="interval", encodings=["x"]),
        bind="scales",
        views=list(views),
    )
    chart = chart.copy(deep=False)
    params = [] if chart.params is alt.Undefined else list(chart.params)
    chart.params = [*params, zoom]
    return chart


def _hover_rows(curve: pd.DataFrame, *, run: str, n: int) -> pd.DataFrame:
    """At most ``n`` evenly spaced rows per run: enough targets for a hover tooltip
    (about one per pt of plot width) without thousands of invisible symbols."""
    parts = []
    for _, g in curve.groupby(run, sort=False):
        idx = np.unique(np.linspace(0, len(g) - 1, min(n, len(g))).round().astype(np.int64))
        parts.append(g.iloc[idx])
    return pd.concat(parts, ignore_index=True)


def _dual_cols(pre: str) -> set[str]:
    """The columns :func:`_dual_rows` adds, with prefix ``pre``."""
    return {f"{pre}hover_y"} | {f"{pre}m{k}_{c}" for k in (0, 1) for c in ("value", "smooth")}


def _dual_rows(
    duals: Sequence[tuple[str, pd.DataFrame, pd.DataFrame, Sequence[float]]],
    *,
    x: str,
    run: str,
    value: str,
    n: int,
    pre: str = "",
) -> pd.DataFrame:
    """Hover targets of the dual layout: both metrics' points in one frame.

    Each row is a point on one metric's smoothed curve (at most ``n`` per run and
    metric) placed at ``hover_y``, its height in 0..1 of that metric's y domain,
    and carries both metrics' raw and smoothed values at the nearest logged step
    of its run (columns ``m0_value``, ``m0_smooth``, ``m1_value``, ``m1_smooth``;
    every added column name starts with ``pre``).
    """
    parts = []
    for _, curve, _, (lo, hi) in duals:
        rows = _hover_rows(curve, run=run, n=n)[[run, x, "smooth"]]
        rows = rows.assign(**{f"{pre}hover_y": (rows["smooth"] - lo) / (hi - lo)})
        rows = rows.drop(columns="smooth")
        for k, (_, _, full, _) in enumerate(duals):
            for col in (value, "smooth"):
                rows[f"{pre}m{k}_{'value' if col == value else 'smooth'}"] = _at_nearest(
                    rows, full, x=x, run=run, col=col
                )
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)


def _at_nearest(
    rows: pd.DataFrame, full: pd.DataFrame, *, x: str, run: str, col: str
) -> np.ndarray:
    """``full[col]`` at the logged step of the same run nearest each row's ``x``."""
    out = np.full(len(rows), np.nan)
    groups = {key: g for key, g in full.groupby(run, sort=False)}
    for key, idx in rows.groupby(run, sort=False).indices.items():
        g = groups.get(key)
        if g is None or g.empty:
            continue
        xs = g[x].to_numpy(dtype=float)
        vals = g[col].to_numpy(dtype=float)
        order = np.argsort(xs, kind="stable")
        xs, vals = xs[order], vals[order]
        want = rows[x].to_numpy(dtype=float)[idx]
        right = np.clip(np.searchsorted(xs, want), 1, max(1, len(xs) - 1))
        left = right - 1
        if len(xs) == 1:
            out[idx] = vals[0]
            continue
        pick = np.where(np.abs(want - xs[left]) <= np.abs(xs[right] - want), left, right)
        out[idx] = vals[pick]
    return out


def _hover_points(
    curve: pd.DataFrame,
    *,
    x: str,
    y: str,
    run: str,
    tips: Sequence[tuple[str, str]],
    pal: Mapping[Any, str],
    xe: alt.X,
    ye: alt.Y,
    name: str,
) -> alt.Chart:
    """Invisible points that light up nearest the pointer, with a tooltip (HTML only):
    run, step, then each ``(column, title)`` of ``tips``."""
    hover = alt.selection_point(
        name=name, fields=[x, run], nearest=True, on="pointerover", clear="pointerout", empty=False
    )
    data = inline_csv(curve, numeric=[c for c in curve.columns if c != run])
    return (
        alt.Chart(data)
        .mark_point(filled=True, size=36, clip=True)
        .encode(
            x=xe,
            y=ye,
            color=color_encoding(run, pal, legend=False),
            opacity=alt.condition(hover, alt.value(1), alt.value(0)),
            tooltip=[
                # format="": Vega-Lite's nearest (voronoi) tooltip reads an unformatted
                # nominal field from the cell instead of its point ("undefined"); a
                # format sends it through the path that reads the point (vega-lite#9707).
                alt.Tooltip(f"{run}:N", title="run", format=""),
                alt.Tooltip(f"{x}:Q", title="step", format=","),
                *(alt.Tooltip(f"{c}:Q", title=t, format=".4~g") for c, t in tips),
            ],
        )
        .add_params(hover)
    )
