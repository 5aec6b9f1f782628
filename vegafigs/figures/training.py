"""``training_curves``: smoothed metric vs. step per method, bands, references (seed 002)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._checks import require_finite
from vegafigs._fields import fdef, field, text_keys, text_level, text_levels
from vegafigs._params import checked
from vegafigs._precision import value_range
from vegafigs._time import PlotX
from vegafigs.errors import InputError
from vegafigs.figure import Figure, Panel, make_figure
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
    inline_csv,
    internal_prefix,
    is_integral,
    legend_box,
    legend_rows,
    lone_points,
    plot_columns,
    plot_height,
    reduce_rows,
    require_room,
    series_band,
    series_color,
    series_dash,
    series_lines,
    series_palette,
    spec_names,
    title_lines,
    tooltip_title,
    unit_title,
    x_values,
)
from vegafigs.frames import takes_frames
from vegafigs.layers._encode import choice
from vegafigs.themes import Style, figure_size, merge, resolve_theme
from vegafigs.transforms.bands import band as band_stats
from vegafigs.transforms.smoothing import smooth as smooth_frame

#: Colour of reference lines unless ``reference_color`` / ``palette`` says otherwise.
REFERENCE_GREY = "#AAAAAA"
#: A reference line is this fraction of the curves' width, dotted like matplotlib's ``:``.
REFERENCE_WIDTH = 0.72
#: Columns the figure adds to its frames (prefixed with ``_`` when a user column has the name).
OWN_COLUMNS = ("lower", "upper", "n", "smooth")
#: Legend symbol length and row padding at an 11 pt legend label (scaled with it), pt.
LEGEND_SYMBOL, LEGEND_ROW_PADDING = 20.0, -4.0


@takes_frames("df", columns=("x", "y", "series", "seed", "lower", "upper"))
@checked(smooth=SMOOTH, band=BAND, align=choice("interpolate", "exact"))
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
    highlight: Any = None,
    reference: float | Mapping[str, float] | None = None,
    reference_label: str | None = None,
    reference_color: str | None = None,
    title: str | list[str] | None = None,
    x_title: str | list[str] | None = None,
    y_title: str | list[str] | None = None,
    x_domain: Sequence[float] | None = None,
    y_domain: Sequence[float] | None = None,
    x_ticks: Sequence[float] | None = None,
    y_ticks: Sequence[float] | None = None,
    x_format: str | None = "~s",
    y_format: str | None = None,
    band_opacity: float | None = 0.2,
    stroke_width: float | None = None,
    theme: str | Mapping[str, Any] | None = None,
    style: Style | None = None,
    width_in: float | None = None,
    height_in: float | None = None,
    downsample: bool | None = None,
    dpi: float = 300,
) -> Figure:
    """Smoothed ``y`` against ``x``, one line per ``series``, with a band under each.

    Bands come from ``seed`` (each seed's run is smoothed, then ``band`` is taken
    across seeds per step, runs logged at different steps aligned by ``align``)
    or from precomputed ``lower`` / ``upper`` columns (smoothed like ``y``).
    ``reference`` lines are dotted and appear in the legend. The legend sits
    inside the plot's lower right, or under the plot when the figure is too
    small for that; legend labels too wide for the figure are drawn on several
    lines, never cut. A series logged at one step only is drawn as a dot.

    Layers: ``band`` (when there is one), ``line``, ``point`` (and ``point_band``: a
    dot, and a rule for its band, at each series logged at one step only, which a line
    cannot show), ``reference`` (when given). Data (full resolution, before the M4
    reduction): ``curves`` — per series and step the drawn ``y`` (mean over seeds of the
    smoothed runs; the median for quantile bands), ``lower`` / ``upper`` and ``n``
    (seeds behind the row); ``runs`` — per series (and seed) and step the raw ``y`` and
    its smoothed value ``smooth``.

    Bad input: rows with NaN / ±inf in ``x``, ``y``, ``lower`` or ``upper`` are
    dropped with a ``UserWarning`` giving the count (none left:
    :class:`~vegafigs.InputError`); strings there, an empty frame, a missing
    column or a missing ``series`` / ``seed`` name are errors. Without ``seed``
    (or ``lower`` / ``upper``) each series must log a step once; with ``seed``,
    repeated steps of one seed are averaged when the band is aligned.

    Any frame: column names may hold any printable characters (``val.score``,
    ``acc[0]``, ``mean(r)``); the figure's own columns in ``data`` (``lower``,
    ``upper``, ``n``, ``smooth``) get a ``_`` prefix when a column named by a
    parameter has one of their names. Series / seed ids of any dtype (ints,
    bools, categoricals — in category order —, nullable) are drawn as their
    string form, and ``highlight`` / ``order`` / ``palette`` may name them as
    given (``highlight=1``); two ids with one string form (``1`` and ``"1"``)
    or a control character are an error. ``x`` may hold datetimes (a time axis
    of the frame's wall-clock times, tz-aware or naive, the same on every
    machine) or timedeltas (a duration in s / min / h / d, the unit added to the
    x title).

    Parameters
    ----------
    df : dataframe
        One row per logged point: ``x``, ``y``, ``series`` (and ``seed`` or
        ``lower`` / ``upper``). pandas, polars (eager or lazy), pyarrow,
        DuckDB, PySpark ...: only these columns are read, then drawn as pandas
        (see :mod:`vegafigs.frames`; every row is drawn, so this figure is for
        logs of a size pandas holds; :func:`reward_length` reduces big logs in
        their own engine).
    x : str
        Column of the steps (numbers, datetimes or timedeltas). See :term:`x`.
    y : str
        Column of the metric (numbers). See :term:`y`.
    series : str
        Column whose levels (methods) get a line each. See :term:`series`.
    seed : str, optional
        Column of the seed ids: the runs of one series, whose band is taken
        across them (default None). Not with ``lower`` / ``upper``. See
        :term:`seed`.
    lower : str, optional
        Column of precomputed band lower limits, smoothed like ``y``; give it
        with ``upper`` (default None). See :term:`lower`.
    upper : str, optional
        Column of precomputed band upper limits, smoothed like ``y``; give it
        with ``lower`` (default None). See :term:`upper`.
    smooth : str or tuple or None, optional
        Smoothing of each run: ``"ema:W"`` (TensorBoard's EMA, weight W in
        [0, 1); default ``"ema:0.96"``), ``"twema:W"`` (W&B's, W in [0, 1]),
        ``"rolling:N"`` (odd window of N points), ``"gaussian:S"`` (sigma S
        points), a ``(method, parameter)`` tuple, or None / ``"none"`` (raw).
    band : str or None, optional
        With ``seed``: the band taken across seeds per step, ``"std"`` (default,
        mean ± std), ``"ci95"``, ``"ci95-boot"`` or quantiles ``"qLO-HI"``
        (e.g. ``"q10-90"``, drawn around the median); None: the mean line only.
        Unused without ``seed``.
    align : {"interpolate", "exact"}, optional
        How seeds logged at different steps are aligned for the band (default
        ``"interpolate"``; see :func:`vegafigs.transforms.band`). Unused
        without ``seed``.
    order : sequence, optional
        The series to draw and their order (default None: all, first
        appearance). See :term:`order`.
    palette : mapping, optional
        ``{series or reference label: colour}``; levels it leaves out take the
        theme's colours (default None). See :term:`palette`.
    highlight : object, optional
        The series whose legend label is bold (default None). See
        :term:`highlight`.
    reference : float or mapping, optional
        Dotted horizontal line(s) that appear in the legend: a number
        (labelled ``reference_label``) or ``{label: value}`` (default None). See
        :term:`reference`.
    reference_label : str, optional
        Legend label of a single number ``reference`` (default None:
        ``"reference"``); with a mapping it is an error. See
        :term:`reference_label`.
    reference_color : str, optional
        Colour of the reference lines (default None: grey ``"#AAAAAA"``). See
        :term:`reference_color`.
    title : str or list of str, optional
        Chart title, centred on the plot and wrapped to its width (default
        None: none). See :term:`title`.
    x_title : str or list of str, optional
        Default None: the column name (with a duration's unit). See
        :term:`x_title`.
    y_title : str or list of str, optional
        Default None: the column name. See :term:`y_title`.
    x_domain : sequence of float, optional
        The exact x range (default None: the data's min to max); an error for
        a datetime / timedelta ``x``. See :term:`x_domain`.
    y_domain : sequence of float, optional
        The exact y range (default None: Vega-Lite's). See :term:`y_domain`.
    x_ticks : sequence of float, optional
        The x tick values (default None: Vega's); an error for a datetime /
        timedelta ``x``. See :term:`x_ticks`.
    y_ticks : sequence of float, optional
        The y tick values; their labels then show the ticks' decimals unless
        ``y_format`` (default None: Vega's). See :term:`y_ticks`.
    x_format : str or None, optional
        d3 format of the x labels (default ``"~s"``: 5k, 10k; ``"~r"`` for a
        timedelta ``x``; unused for a datetime ``x``). See :term:`x_format`.
    y_format : str, optional
        d3 format of the y labels (default None: Vega-Lite's, with the digits
        the values need). See :term:`y_format`.
    band_opacity : float or None, optional
        Fill opacity of the bands (default 0.2; None: the theme's
        ``area.fillOpacity``). See :term:`band_opacity`.
    stroke_width : float, optional
        Width of the lines, pt (default None: the theme's line width). See
        :term:`stroke_width`.
    theme : str or mapping, optional
        Default None: the enabled vegafigs theme, else ``"latex"``. See
        :term:`theme`.
    style : vegafigs.themes.Style, optional
        Venue preset: the default size and a named theme's font sizes (default
        None). See :term:`style`.
    width_in : float, optional
        Width of the whole figure in inches (default None: the ``style``'s,
        else 6.5). See :term:`width_in`.
    height_in : float, optional
        Height of the whole figure in inches (default None: the ``style``'s,
        else 4.4). See :term:`height_in`.
    downsample : bool or None, optional
        None (default): series longer than 4 × the plot's pixel columns at
        ``dpi`` are reduced with M4 (same picture, small spec); True: the
        reduction is applied (short series still kept whole); False: every
        point is kept. See :term:`downsample`.
    dpi : float, optional
        Dots per inch the M4 reduction is sized for (default 300). See
        :term:`dpi`.

    Returns
    -------
    Figure
        A single-panel :class:`~vegafigs.Figure` (panel ``"plot"``).

    Examples
    --------
    >>> import vegafigs as vf
    >>> fig = vf.figures.training_curves(
    ...     vf.demo.training_curve(n_steps=50), x="step", y="accuracy", series="method",
    ...     seed="seed", reference=0.406, reference_label="Claude Sonnet 4", highlight="SDPO")
    >>> list(fig.layers), list(fig.data)
    (['band', 'line', 'reference'], ['curves', 'runs'])
    >>> vf.save(fig, "curve.pdf")  # doctest: +SKIP
    """
    inp = _checked_rows(df, x=x, y=y, series=series, seed=seed, lower=lower, upper=upper)
    px = inp.plot_x
    if px != PlotX() and (x_domain is not None or x_ticks is not None):
        raise InputError(
            "x_domain/x_ticks: not available for a datetime / timedelta x; "
            "select the rows to show instead"
        )
    order, highlight, palette = text_levels(order), text_level(highlight), text_keys(palette)
    levels = ordered_levels(pd.Series(inp.levels["series"], dtype=object), order, param="order")
    if highlight is not None and highlight not in levels:
        raise InputError(f"highlight: {highlight!r} is not a series; series are {levels}")
    refs = _references(reference, reference_label, levels)
    size = figure_size(width_in=width_in, height_in=height_in, style=style, default=(6.5, 4.4))
    cfg = resolve_theme(theme, default="latex", style=style)
    scale = float(cfg.get("legend", {}).get("labelFontSize", 11)) / 11.0
    cfg = merge(cfg, {"legend": {"offset": 6 * scale, "rowPadding": LEGEND_ROW_PADDING * scale}})
    curves, runs, names = _stats(inp, levels, x=x, y=y, series=series, seed=seed,
                                 smooth=smooth, band=band, align=align)  # fmt: skip
    if band_opacity is None:  # the theme's area fill
        band_opacity = float(cfg.get("area", {}).get("fillOpacity", 0.2))
    cols = [c for c in (y, names["lower"], names["upper"]) if c in curves.columns]
    xd = domain_of([curves[x]], x_domain, flat=flat_pad(px))
    yd = list(y_domain) if y_domain is not None else flat_domain([curves[c] for c in cols])
    drawn = reduce_rows(curves, x=x, y=cols, by=series, width_pt=plot_columns(size[0]),
                        dpi=dpi, x_domain=xd, enabled=downsample)[[series, x, *cols]]  # fmt: skip
    sn = spec_names([series, x, *cols])  # the user's names, unless Vega-Lite cannot carry them
    drawn = exact_x(drawn.rename(columns=sn), sn[x], px)
    grey = reference_color or REFERENCE_GREY
    pal = series_palette(levels, palette, cfg, extra={label: grey for label in refs})
    width = float(stroke_width or cfg.get("line", {}).get("strokeWidth", 1.5))
    legend, rows = _legend(cfg, [*levels, *refs], size, scale=scale, title=title,
                           stroke_width=width, highlight=highlight)  # fmt: skip
    plot_w = size[0] * 72 - 75 * scale
    plot_h = plot_height(size[1], cfg, title=title is not None, legend_rows=rows)
    require_room(size, plot_w=plot_w, plot_h=plot_h, what="the axes, titles and legend")
    x_text = title_lines(unit_title(x_title or x, px), cfg, width=plot_w, kind="axis")
    xe = axis_x(sn[x], domain=xd, title=x_text, ticks=x_ticks, fmt=x_format,
                integer=is_integral(curves[x]), plot_x=px)  # fmt: skip
    y_text = title_lines(y_title or y, cfg, width=plot_h, kind="axis")

    def ye(field: str) -> alt.Y:
        return axis_y(field, domain=yd, title=y_text, ticks=y_ticks, fmt=y_format,
                      extent=value_range([curves[c] for c in cols]))  # fmt: skip

    layers = _layers(drawn, x=sn[x], y=sn[y], series=sn[series], levels=levels, refs=refs,
                     pal=pal, legend=legend, xe=xe, ye=ye, width=width,
                     stroke_width=stroke_width, band_opacity=band_opacity, names=names,
                     plot_x=px, titles=(tooltip_title(series), tooltip_title(x),
                                        tooltip_title(y)))  # fmt: skip
    # The title is centred on the plot: wrapped to the plot's (estimated) width.
    props = {} if title is None else {"title": title_lines(title, cfg, width=plot_w)}
    user = {"x": x, "series": series, "seed": seed or "seed"}
    data = {"curves": inp.user_frame(curves, user), "runs": inp.user_frame(runs, user)}
    return make_figure([Panel("plot", layers, properties=props)], theme=cfg, size=size,
                       data=data, kind="training_curves")  # fmt: skip


def _stats(
    inp: CurveInput,
    levels: Sequence[str],
    *,
    x: str,
    y: str,
    series: str,
    seed: str | None,
    smooth: str | tuple[str, float] | None,
    band: str | None,
    align: str,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """``(curves, runs, names)`` of the drawn ``levels`` under the user's column names.

    The statistics are taken on the internal names of ``inp``; the figure's own
    columns (``lower``, ``upper``, ``n``, ``smooth``) are renamed as ``names``
    says, prefixed when a user column has one of their names.
    """
    has_bounds = "lo" in inp.frame.columns
    curves, runs = curve_stats(inp.frame, x="x", y="y", series="series",
                               seed="seed" if seed is not None else None,
                               lower="lo" if has_bounds else None,
                               upper="hi" if has_bounds else None,
                               smooth=smooth, band=band, align=align)  # fmt: skip
    pre = internal_prefix([x, y, series, seed], OWN_COLUMNS)
    names = {c: pre + c for c in OWN_COLUMNS}
    rename = {"x": x, "y": y, "series": series, "seed": seed or "seed", **names}
    out = []
    for frame in (curves, runs):
        frame = frame[frame["series"].isin(levels)].reset_index(drop=True)
        out.append(frame.rename(columns=rename))
    return out[0], out[1], names


def _layers(
    drawn: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    levels: Sequence[Any],
    refs: Mapping[str, float],
    pal: Mapping[Any, str],
    legend: alt.Legend,
    xe: alt.X,
    ye: Callable[[str], alt.Y],
    width: float,
    stroke_width: float | None,
    band_opacity: float,
    names: Mapping[str, str],
    plot_x: PlotX,
    titles: tuple[str, str, str],
) -> dict[str, alt.Chart]:
    """The ``band`` (when drawn has bounds), ``line`` and ``reference`` layers.

    ``titles``: the tooltip titles of ``series``, ``x`` and ``y`` (the user's names).
    """
    lo, hi = names["lower"], names["upper"]
    cols = [c for c in (y, lo, hi) if c in drawn.columns]
    dotted = [round(REFERENCE_WIDTH * width, 3), round(2 * REFERENCE_WIDTH * width, 3)]
    dashes = {**{lv: [] for lv in levels}, **{label: dotted for label in refs}}
    shared = inline_csv(drawn, numeric=[x, *cols])
    layers: dict[str, alt.Chart] = {}
    if lo in drawn.columns:
        bands = series_band(shared, series=series, palette=pal)
        # fillOpacity (not opacity) so the merged legend's line symbols stay opaque.
        bands = clipped(bands, opacity=1, fillOpacity=band_opacity)
        layers["band"] = bands.encode(x=xe, y=ye(lo), y2=alt.Y2(field=field(hi), title=hi))
    lines = series_lines(shared, series=series, palette=pal, dashes=dashes,
                         stroke_width=stroke_width, legend=legend)  # fmt: skip
    tooltip = [alt.Tooltip(**fdef(series, "N", title=titles[0])),
               alt.Tooltip(**{**plot_x.tooltip(x), "title": plot_x.title(titles[1])}),
               alt.Tooltip(**fdef(y, "Q", title=titles[2], format=".4~g"))]  # fmt: skip
    # Round joins as matplotlib: miter joins spike at every tiny turn of a noisy curve.
    lines = clipped(lines, strokeJoin="round")
    layers["line"] = lines.encode(x=xe, y=ye(y), tooltip=tooltip)
    enc = {"x": xe, "y": ye(y), "y_lower": ye(lo), "y2": alt.Y2(field=field(hi), title=hi)}
    layers.update(lone_points(drawn, x=x, series=series, palette=pal, width=width, encode=enc,
                              bounds=(lo, hi) if lo in drawn.columns else None))  # fmt: skip
    if refs:
        layers["reference"] = _reference_layer(
            refs, y=y, series=series, pal=pal, dashes=dashes, width=dotted[0], ye=ye(y)
        )
    return layers


def _checked_rows(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    seed: str | None,
    lower: str | None,
    upper: str | None,
) -> CurveInput:
    """The finite rows of ``df`` (internal names) after the checks that relate the columns."""
    if (lower is None) != (upper is None):
        raise InputError("lower/upper: give both columns or neither")
    if seed is not None and lower is not None:
        raise InputError(
            "seed, lower/upper: give seed (bands across seeds) or lower/upper, not both"
        )
    columns = {"x": x, "y": y, "series": series, "seed": seed, "lo": lower, "hi": upper}
    inp = curve_input(df, columns=columns, numeric=["y", "lo", "hi"], groups=["series", "seed"],
                      func="training_curves")  # fmt: skip
    data = inp.frame
    if seed is None:
        dup = data.duplicated(["series", "x"], keep=False)
        if dup.any():
            first = data.loc[dup].iloc[:1]
            s_name, step = first["series"].iloc[0], x_values(first["x"], inp).iloc[0]
            step_text = f"{step:g}" if isinstance(step, float) else str(step)
            raise InputError(
                f"training_curves: column {x!r} repeats the value {step_text} for series "
                f"{s_name!r} ({int(dup.sum())} rows share a step within a series); pass "
                "seed=... to draw the band across seeds, or average the rows first"
            )
    return inp


def _references(
    reference: float | Mapping[str, float] | None,
    label: str | None,
    levels: Sequence[Any],
) -> dict[str, float]:
    """``{label: value}`` of the reference lines (checked)."""
    if reference is None:
        refs: dict[str, float] = {}
    elif isinstance(reference, Mapping):
        if label is not None:
            raise InputError("reference_label: the reference mapping names its lines already")
        refs = {str(k): require_finite(v, param=f"reference[{k!r}]") for k, v in reference.items()}
    elif isinstance(reference, (str, bytes, tuple, list)):
        raise InputError(
            f"reference: expected a number or a mapping {{label: value}}, got {reference!r}"
        )
    else:
        refs = {label or "reference": require_finite(reference, param="reference")}
    clash = [name for name in refs if name in {str(lv) for lv in levels}]
    if clash:
        raise InputError(f"reference: label {clash[0]!r} is also a series name; pick another")
    return refs


def _legend(
    cfg: Mapping[str, Any],
    labels: Sequence[str],
    size: tuple[float, float],
    *,
    scale: float,
    title: str | list[str] | None,
    stroke_width: float,
    highlight: Any,
) -> tuple[alt.Legend, int]:
    """Inside the plot's lower right when it takes little of it, else under the plot.

    Returns the legend and the number of its rows under the plot (0: inside).
    """
    symbol = LEGEND_SYMBOL * min(scale, 1.0)
    bottom = size[0] * 72 - 60 * scale
    # Labels wider than the figure holds are drawn on several lines (never cut).
    folded = fold_labels(labels, cfg, width=bottom - 0.6 * symbol - 16)
    box_w, box_h = legend_box(labels, cfg, symbol=symbol, folded=folded)
    plot_w = size[0] * 72 - 75 * scale
    plot_h = size[1] * 72 - (50 if title is None else 70) * scale
    inside = box_w <= 0.5 * plot_w and box_h <= 0.42 * plot_h
    if inside:
        legend = curve_legend(cfg, orient="bottom-right", symbol=symbol, folded=folded,
                              stroke_width=stroke_width, highlight=highlight)  # fmt: skip
        return legend, 0
    # Under the plot: shorter symbols, as many entries side by side as the plot's width holds.
    symbol *= 0.6
    columns = bottom_columns(labels, cfg, symbol=symbol, width=bottom, folded=folded)
    legend = curve_legend(cfg, orient="bottom", symbol=symbol, stroke_width=stroke_width,
                          highlight=highlight, columns=columns, folded=folded)  # fmt: skip
    return legend, legend_rows(labels, columns, folded)


def _reference_layer(
    refs: Mapping[str, float],
    *,
    y: str,
    series: str,
    pal: Mapping[Any, str],
    dashes: Mapping[Any, Sequence[float]],
    width: float,
    ye: alt.Y,
) -> alt.Chart:
    """One dotted rule per reference, coloured and dashed on the series' scales (legend)."""
    rows = pd.DataFrame({series: list(refs), y: list(refs.values())})
    return (
        alt.Chart(rows)
        .mark_rule(strokeWidth=width, clip=True)
        .encode(
            y=ye,
            color=series_color(series, pal),
            strokeDash=series_dash(series, dashes),
        )
    )


def curve_stats(
    data: pd.DataFrame,
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
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(curves, runs)``: the statistics :func:`training_curves` draws.

    ``runs``: each run (``series`` and ``seed``) smoothed — columns ``y`` (raw)
    and ``smooth``. ``curves``: per series and step, ``y`` (the smoothed runs'
    mean, or the band's centre) with ``lower`` / ``upper`` (and ``n``) when
    there is a band: across seeds, or the given ``lower`` / ``upper`` smoothed.
    """
    keys = [series, seed] if seed is not None else [series]
    runs = smooth_frame(data, x=x, y=y, method=smooth, by=keys, out="smooth")
    runs = runs[[*keys, x, y, "smooth"]].reset_index(drop=True)
    smoothed = runs.drop(columns=y).rename(columns={"smooth": y})
    if seed is not None and band is not None:
        curves = band_stats(smoothed, x=x, y=y, run=seed, by=series, kind=band, align=align)
    elif seed is not None:
        curves = smoothed.groupby([series, x], sort=True, as_index=False)[[y]].mean()
    else:
        curves = smoothed[[series, x, y]].copy()
        if lower is not None and upper is not None:
            for col, name in ((lower, "lower"), (upper, "upper")):
                out = smooth_frame(data, x=x, y=col, method=smooth, by=series, out="__s")
                curves[name] = out["__s"].to_numpy()
    return curves.reset_index(drop=True), runs
