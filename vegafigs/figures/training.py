"""``training_curves``: smoothed metric vs. step per method, bands, references (seed 002)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._checks import require_finite, require_no_missing, require_positive
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
from vegafigs.layers._encode import TAB10, series_legend
from vegafigs.layers.bands import band as band_layer
from vegafigs.layers.lines import line
from vegafigs.layers.rules import hline
from vegafigs.themes import get_theme, inches
from vegafigs.transforms.bands import band as band_stats
from vegafigs.transforms.smoothing import parse_smooth
from vegafigs.transforms.smoothing import smooth as smooth_frame

#: Room around the plot area taken by the title, axes and labels (pt), latex theme.
_ROOM_W, _ROOM_H = 75.0, 68.0
#: matplotlib's dotted ``(0, (1, 2))`` at 1.8 pt line width.
DOTTED = (1.8, 3.6)


def _references(
    reference: float | tuple[float, str] | Mapping[str, float] | None, default_label: str
) -> dict[str, float]:
    if reference is None:
        return {}
    if isinstance(reference, Mapping):
        return {str(k): require_finite(v, param=f"reference[{k!r}]") for k, v in reference.items()}
    if isinstance(reference, tuple):
        if len(reference) != 2:
            raise InputError(f"reference: expected (value, label), got {reference!r}")
        return {str(reference[1]): require_finite(reference[0], param="reference value")}
    if isinstance(reference, str):
        raise InputError(
            f"reference: expected a number, (value, label) or a mapping, got {reference!r}"
        )
    return {default_label: require_finite(reference, param="reference")}


def training_curves(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    seed: str | None = None,
    lower: str | None = None,
    upper: str | None = None,
    smooth: str | tuple[str, float] | None = "ema:0.96",
    band: str | None = "std",
    align: str = "interpolate",
    order: Sequence[Any] | None = None,
    palette: Mapping[Any, str] | None = None,
    reference: float | tuple[float, str] | Mapping[str, float] | None = None,
    reference_color: str = "#AAAAAA",
    highlight: Any = None,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    x_domain: Sequence[float] | None = None,
    y_domain: Sequence[float] | None = None,
    x_tick_step: float | None = None,
    y_tick_step: float | None = None,
    x_format: str | None = "~s",
    band_opacity: float = 0.2,
    stroke_width: float = 2.5,
    legend_symbol: float = 20,
    legend_row_padding: float = -4,
    theme: str = "latex",
    width_in: float = 6.5,
    height_in: float = 4.4,
    downsample: bool | None = None,
    dpi: float = 300,
) -> alt.LayerChart:
    """Smoothed ``y`` against ``x``, one line per ``series``, with a band under each.

    Rows with NaN / ±inf in ``x``, ``y``, ``lower`` or ``upper`` are dropped with a
    ``UserWarning`` giving the count (none left: :class:`~vegafigs.InputError`);
    strings there, an empty frame, a missing column or a missing ``series`` /
    ``seed`` name are errors. Without ``seed`` (or ``lower`` / ``upper``) each
    ``series`` must log a step once; with ``seed``, repeated steps of one seed
    are averaged when the band is aligned.
    Bands come from ``seed`` (each seed's run is smoothed, then ``band`` —
    ``"std"``, ``"ci95"``, ``"ci95-boot"``, ``"q10-90"`` … — is taken across seeds
    per step; runs logged at different steps are aligned by ``align``, see
    :func:`vegafigs.transforms.band`) or from precomputed ``lower`` / ``upper``
    columns (smoothed like ``y``). ``smooth`` is ``"ema:0.96"`` (TensorBoard's
    EMA), ``"twema:…"``, ``"rolling:…"``, ``"gaussian:…"`` or ``None``.
    ``reference`` draws dotted horizontal lines that appear in the legend
    (``0.406``, ``(0.406, "Claude Sonnet 4")`` or ``{"label": value}``); the
    ``highlight`` series' legend label is bold. Series longer than 4 × the
    plot's pixel columns at ``dpi`` are reduced with M4 (same picture, small
    spec); ``downsample=False`` keeps every point.

    >>> import vegafigs as vf
    >>> chart = vf.figures.training_curves(
    ...     vf.demo.training_curve(), x="step", y="accuracy", series="method", seed="seed",
    ...     reference=(0.406, "Claude Sonnet 4"), highlight="SDPO")
    >>> vf.save(chart, "curve.pdf")  # doctest: +SKIP
    """
    func = "training_curves"
    if (lower is None) != (upper is None):
        raise InputError("lower/upper: give both columns or neither")
    if seed is not None and lower is not None:
        raise InputError(
            "seed, lower/upper: give seed (bands across seeds) or lower/upper, not both"
        )
    numeric = [c for c in (y, lower, upper) if c is not None]
    data = clean_numeric(df, numeric=[x, *numeric], other=[series, seed], func=func)
    for col in (series, seed):
        if col is not None:
            require_no_missing(data, col)
    require_positive(width_in, param="width_in")
    require_positive(height_in, param="height_in")
    require_positive(dpi, param="dpi")
    require_positive(stroke_width, param="stroke_width")
    require_positive(legend_symbol, param="legend_symbol")
    for name, text in (("title", title), ("x_title", x_title), ("y_title", y_title)):
        check_title(text, param=name)
    check_mapping(palette, param="palette")
    if downsample is not None and not isinstance(downsample, bool):
        raise InputError(f"downsample: expected True, False or None, got {downsample!r}")
    parse_smooth(smooth)
    levels = ordered_levels(pd.Series(pd.unique(data[series])), order, param="order")
    if highlight is not None and highlight not in levels:
        raise InputError(f"highlight: {highlight!r} is not a series; series are {levels}")
    refs = _references(reference, "reference")
    clash = [label for label in refs if label in {str(lv) for lv in levels}]
    if clash:
        raise InputError(f"reference: label {clash[0]!r} is also a series name; pick another")
    if seed is None:
        dup = data.duplicated([series, x], keep=False)
        if dup.any():
            s_name, step = data.loc[dup, [series, x]].iloc[0].tolist()
            raise InputError(
                f"{func}: column {x!r} repeats the value {step:g} for series {s_name!r} "
                f"({int(dup.sum())} rows share a step within a series); pass seed=... to "
                "draw the band across seeds, or average the rows first"
            )

    # Statistics: smooth each run, then the band across seeds (or smooth given bounds).
    runs = [series, seed] if seed is not None else [series]
    curves = smooth_frame(data, x=x, y=y, method=smooth, by=runs, out="__smooth")
    curves[y] = curves.pop("__smooth")
    has_band = False
    if seed is not None and band is not None:
        curves = band_stats(curves, x=x, y=y, run=seed, by=series, kind=band, align=align)
        has_band = True
    elif seed is not None:
        curves = curves.groupby([series, x], sort=True, as_index=False)[y].mean()
    elif lower is not None and upper is not None:
        for col in (lower, upper):
            s = smooth_col(data, x=x, col=col, series=series, method=smooth)
            curves[col] = s
        curves = curves.rename(columns={lower: "lower", upper: "upper"})
        has_band = True
    curves = curves[curves[series].isin(levels)]

    # Geometry, domains and reduction to the plot's pixel columns.
    width = inches(width_in, param="width_in") - _ROOM_W
    height = inches(height_in, param="height_in") - _ROOM_H
    if width < 40 or height < 40:
        raise InputError(f"width_in/height_in: {width_in} x {height_in} in is too small")
    xd = domain_of([curves[x]], x_domain, param="x_domain")
    cols = [y, "lower", "upper"] if has_band else [y]
    if y_domain is not None:
        yd = domain_of([curves[c] for c in cols], y_domain, param="y_domain")
    else:
        yd = flat_domain([curves[c] for c in cols])  # None: Vega-Lite's nice domain
    curves = reduce_rows(
        curves, x=x, y=cols, by=series, width_pt=width, dpi=dpi, x_domain=xd, enabled=downsample
    )
    curves = curves[[series, x, *cols]].reset_index(drop=True)

    pal_given = dict(palette) if palette is not None else {}
    pal = {lv: pal_given.get(lv, TAB10[i % len(TAB10)]) for i, lv in enumerate(levels)}
    pal.update({label: pal_given.get(label, reference_color) for label in refs})
    dashes: dict[Any, list[float]] = {lv: [] for lv in levels}
    dashes.update({label: list(DOTTED) for label in refs})

    font = get_theme(theme)["font"]
    legend = series_legend(
        highlight=highlight,
        font=font,
        symbol_size=legend_symbol**2,
        symbol_stroke_width=stroke_width,
    )
    xe = axis_x(
        x,
        domain=xd,
        title=x_title if x_title is not None else x,
        tick_step=x_tick_step,
        fmt=x_format,
        integer=is_integral(curves[x]),
    )
    y_title = y_title if y_title is not None else y

    def ye(field: str) -> alt.Y:
        return axis_y(field, domain=yd, title=y_title, tick_step=y_tick_step)

    layers: list[alt.Chart] = []
    if has_band:
        bands = band_layer(
            curves,
            x=x,
            lower="lower",
            upper="upper",
            series=series,
            palette=pal,
            opacity=band_opacity,
        )
        # fillOpacity (not opacity) so the merged legend's line symbols stay opaque.
        bands = clipped(bands, opacity=1, fillOpacity=band_opacity)
        layers.append(bands.encode(x=xe, y=ye("lower"), y2="upper:Q"))
    lines = line(
        curves,
        x=x,
        y=y,
        series=series,
        palette=pal,
        dashes=dashes,
        stroke_width=stroke_width,
        legend=legend,
        tooltip=False,
    )
    tooltip = [
        alt.Tooltip(f"{series}:N"),
        alt.Tooltip(f"{x}:Q"),
        alt.Tooltip(f"{y}:Q", format=".4~g"),
    ]
    # Round joins as matplotlib: miter joins spike at every tiny turn of a noisy curve.
    layers.append(clipped(lines.encode(x=xe, y=ye(y), tooltip=tooltip), strokeJoin="round"))
    # One CSV dataset on the layer feeds the band and the lines (small spec).
    layers = on_shared_data(layers)
    for label, value in refs.items():
        rule = hline(
            value,
            label=label,
            legend_field=series,
            palette=pal,
            dashes=dashes,
            stroke_width=1.8,
            color=reference_color,
        )
        layers.append(rule.encode(y=ye("y")))
    chart = alt.layer(*layers, data=inline_csv(curves, numeric=[x, *cols])).properties(
        width=round(width, 2), height=round(height, 2)
    )
    if title is not None:
        chart = chart.properties(title=title)
    return themed(
        chart, theme, legend={"labelFontSize": 11, "offset": 6, "rowPadding": legend_row_padding}
    )


def smooth_col(
    data: pd.DataFrame, *, x: str, col: str, series: str, method: str | tuple[str, float] | None
) -> pd.Series:
    """``col`` smoothed per series, in the (series, x)-sorted order :func:`smooth` returns."""
    out = smooth_frame(data, x=x, y=col, method=method, by=series, out="__s")
    return out["__s"].to_numpy()
