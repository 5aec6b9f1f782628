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
    value, smoothed) and x zoom / pan (drag, wheel; double-click resets); PNG /
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
        flat = flat_domain([curve[c] for c in [value, *cols] if raw or c != value])
        ye_kw: dict[str, Any] = {"domain": flat, "title": _title(m, titles)}
        if layout == "dual":
            ye_kw["orient"] = "right" if dual_right else "left"
            ye_kw["title"] = f"{_title(m, titles)} ({'dashed' if dual_right else 'solid'})"
            if dual_right:
                ye_kw["grid"] = False  # one grid (the left axis') is enough
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
        if interactive:
            hover = _hover_points(
                _hover_rows(curve, run=run, n=max(2, int(width))),
                x=x,
                y="smooth",
                run=run,
                value=value,
                pal=pal,
                metric=m,
                ye=axis_y("smooth", **ye_kw),
                xe=xe,
                name=f"hover_{i}",
            )
            if layout == "panels" or i == 0:  # x zoom / pan, one per plot
                zoom = alt.selection_interval(name=f"zoom_{i}", bind="scales", encodings=["x"])
                hover = hover.add_params(zoom)
            layers.append(hover)
        shared = on_shared_data(layers[: len(layers) - 1 if interactive else None])
        own = [layers[-1]] if interactive else []  # hover points carry their own small data
        layer = alt.layer(*shared, *own, data=inline_csv(curve, numeric=[x, value, *cols]))
        if layout == "panels":
            layer = layer.properties(
                width=round(width, 2), height=round(height, 2), title=_title(m, titles)
            )
        charts.append(layer)

    if layout == "panels":
        chart: alt.HConcatChart | alt.LayerChart = alt.hconcat(*charts, spacing=gap)
    else:
        chart = (
            alt.layer(*charts)
            .resolve_scale(y="independent")
            .properties(width=round(width, 2), height=round(height, 2))
        )
    return themed(chart, theme)


def _hover_rows(curve: pd.DataFrame, *, run: str, n: int) -> pd.DataFrame:
    """At most ``n`` evenly spaced rows per run: enough targets for a hover tooltip
    (about one per pt of plot width) without thousands of invisible symbols."""
    parts = []
    for _, g in curve.groupby(run, sort=False):
        idx = np.unique(np.linspace(0, len(g) - 1, min(n, len(g))).round().astype(np.int64))
        parts.append(g.iloc[idx])
    return pd.concat(parts, ignore_index=True)


def _hover_points(
    curve: pd.DataFrame,
    *,
    x: str,
    y: str,
    run: str,
    value: str,
    pal: Mapping[Any, str],
    metric: str,
    xe: alt.X,
    ye: alt.Y,
    name: str,
) -> alt.Chart:
    """Invisible points that light up nearest the pointer, with a tooltip (HTML only)."""
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
                alt.Tooltip(f"{value}:Q", title=metric, format=".4~g"),
                alt.Tooltip(f"{y}:Q", title="smoothed", format=".4~g"),
            ],
        )
        .add_params(hover)
    )
