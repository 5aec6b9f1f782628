"""``metric_histograms``: one histogram per panel with a statistics box (seed 000)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vegafigs import _checks as c
from vegafigs._checks import require_frame, require_no_missing
from vegafigs._fields import as_text_levels, require_column_names, text_keys, text_levels
from vegafigs._params import FORMAT, MAPPING, POSITIVE_INT, TEXT, Param, checked, declared
from vegafigs.errors import InputError
from vegafigs.figure import Figure, Panel, hconcat, make_figure
from vegafigs.figures import _histogram_engine as engine
from vegafigs.figures._common import (
    clean_numeric,
    letter,
    level_palette,
    ordered_levels,
    wrap_title,
)
from vegafigs.figures._geometry import fresh_name
from vegafigs.frames import read_columns
from vegafigs.layers.histogram import bins_chart, histogram
from vegafigs.layers.text import STAT_KEYS, stats_box
from vegafigs.themes import Style, figure_size, resolve_theme, text_width
from vegafigs.transforms.stats import histogram_bins, summary_stats

#: Internal names of the sample and panel columns (the user's may be anything).
VALUE, PANEL = "value", "panel"
#: Panel colours of seed 000: green, blue, orange (then more, cycled).
PANEL_COLORS = ("#4caf6e", "#5b9bd5", "#f0a050", "#c06c84", "#8e7cc3", "#76b7b2")
#: Gap between panels, pt (at most; narrow figures get less).
SPACING = 24.0
#: A stats box wider than this share of its plot moves to the panel title.
BOX_SHARE = 0.45
STATS_POSITIONS = ("auto", "inside", "title")
#: Panels narrower than this (pt, estimated) show the y title on the first panel only.
NARROW = 120.0
#: Plots shorter than this (pt, estimated) get count ticks 0, step, 2 step.
SHORT = 80.0


def _stats_position(value: Any, name: str) -> Any:
    c.require_choice(value, STATS_POSITIONS, param=name)
    return value


@checked(
    bins=POSITIVE_INT,
    stats=MAPPING.maybe("statistics to show per panel {panel: {key: value}}"),
    stat_keys=STAT_KEYS,
    panel_titles=MAPPING.maybe("{panel: title}"),
    x_titles=MAPPING.maybe("{panel: x axis title}"),
    label_format=FORMAT,
    stats_position=Param(_stats_position, "where the statistics go", bad=("top", 3)),
)
def metric_histograms(
    df: pd.DataFrame,
    *,
    x: str,
    panel: str,
    panels: Sequence[Any] | None = None,
    panel_titles: Mapping[Any, str] | None = None,
    x_titles: Mapping[Any, str] | None = None,
    y_title: str | None = "Frequency",
    palette: Mapping[Any, str] | None = None,
    bins: int = 25,
    stats: Mapping[Any, Mapping[str, float]] | None = None,
    stat_keys: Sequence[str] = ("max", "min", "mean"),
    label_format: str = ".4f",
    stats_position: str = "auto",
    theme: str | Mapping[str, Any] | None = None,
    style: Style | None = None,
    width_in: float | None = None,
    height_in: float | None = None,
) -> Figure:
    """One histogram of ``x`` per ``panel`` in a row, each with a Max/Min/Mean box.

    ``df`` is tidy: one row per sample, ``x`` its value and ``panel`` the panel
    it belongs to (any column names; panel values of any dtype are drawn as their
    string form). ``panels`` and the keys of ``panel_titles`` / ``x_titles`` /
    ``palette`` / ``stats`` may name a panel in either form (``0`` or ``"0"``).
    Titles wider than their panel wrap.

    Layers per panel: ``hist``, ``stats`` (when the box is inside); data:
    ``bins`` (panel, bin_start, bin_end, count) and ``stats`` (panel and the
    statistics shown), the panel column under its own name and values (a
    column named like it gets a leading ``_``).

    Bad input: NaN/±inf samples are dropped with a warning counting them (none
    left is an :class:`~vegafigs.InputError`); non-numeric samples, a missing
    panel name, two panels with one string form (``1`` and ``"1"``), ``x``
    and ``panel`` naming one column, an unknown panel in ``panels`` /
    ``stats`` / ``panel_titles`` / ``x_titles`` / ``palette`` and bad
    parameters are an ``InputError`` naming them.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per sample, holding ``x`` and ``panel``.
    x : str
        Column of the sample values (numbers). See :term:`x`.
    panel : str
        Column of the panel each sample belongs to. See :term:`panel`.
    panels : sequence, optional
        The panels to draw, in order (default None: every level, first
        appearance; a categorical's category order). See :term:`panels`.
    panel_titles : mapping, optional
        ``{panel: title}``; panels it leaves out keep the default ``"a) <panel>"``,
        ``"b) <panel>"`` ... (default None).
    x_titles : mapping, optional
        ``{panel: x axis title}``; panels it leaves out keep the default, the
        panel's name (default None).
    y_title : str, optional
        The shared y title, on the first panel only when the panels are narrow
        (default ``"Frequency"``; None: no title). See :term:`y_title`.
    palette : mapping, optional
        ``{panel: bar colour}``; panels it leaves out take seed 000's green,
        blue, orange ... by their position (default None). See :term:`palette`.
    bins : int, optional
        Equal-width bins per panel, > 0 (default 25).
    stats : mapping, optional
        ``{panel: {key: value}}``: the values a box shows (e.g. those quoted in
        a paper) instead of those computed from the data; panels or keys it
        leaves out are computed (default None: all computed).
    stat_keys : sequence of str, optional
        The statistics each box lists, one line each (default ``("max",
        "min", "mean")``). ``max``, ``min``, ``mean`` and ``count`` are
        computed (:func:`vegafigs.transforms.summary_stats`); other keys need
        a value in ``stats`` for every panel.
    label_format : str, optional
        Format of the statistics (default ``".4f"``): a d3 format that Python's
        ``format()`` also applies. See :term:`label_format`.
    stats_position : {"auto", "inside", "title"}, optional
        ``"inside"``: a box in the plot's upper right; ``"title"``: lines under
        the panel title; ``"auto"`` (default): inside unless the box would cover
        more than 45% of the plot's width, as in a narrow figure.
    theme : str or mapping, optional
        Default None: the enabled vegafigs theme, else ``"paper"``. See
        :term:`theme`.
    style : vegafigs.themes.Style, optional
        Venue preset: the default size and a named theme's font sizes (default
        None). See :term:`style`.
    width_in : float, optional
        Figure width in inches (default None: the ``style``'s, else 15). See
        :term:`width_in`.
    height_in : float, optional
        Figure height in inches (default None: the ``style``'s, else 4.5). See
        :term:`height_in`.

    Returns
    -------
    Figure
        A :class:`~vegafigs.Figure` with one panel per ``panels`` level (panel id:
        the level's string form), side by side.

    Examples
    --------
    >>> import vegafigs as vf
    >>> fig = vf.figures.metric_histograms(vf.demo.grad_metrics_hist(), x="value", panel="panel")
    >>> fig.panels
    ('Gradient Dot Product', 'Gradient Cosine Similarity', 'log P(y|x) - log P(y)')
    >>> fig.data["bins"].groupby("panel", sort=False)["count"].sum().tolist()
    [230, 250, 240]
    >>> vf.save(fig, "hist.pdf")  # doctest: +SKIP
    """
    samples = _samples(df, x=x, panel=panel, bins=bins)
    levels = _panel_levels(samples.names, text_levels(panels))
    stats, palette = text_keys(stats), text_keys(palette)
    panel_titles, x_titles = text_keys(panel_titles), text_keys(x_titles)
    if stats is not None:
        unknown = [k for k in stats if k not in levels]
        if unknown:
            raise InputError(f"stats: panels {unknown} not in the data; panels are {levels}")
    cfg = resolve_theme(theme, default="paper", style=style)
    size = figure_size(width_in=width_in, height_in=height_in, style=style, default=(15.0, 4.5))
    colors = level_palette(levels, palette, PANEL_COLORS, what="panels")
    titles = _texts(panel_titles, levels, [f"{letter(i)}) {lv}" for i, lv in enumerate(levels)],
                    param="panel_titles")  # fmt: skip
    xs = _texts(x_titles, levels, [str(lv) for lv in levels], param="x_titles")
    shown = _shown_stats(samples.computed, panel=PANEL, levels=levels, stats=stats, keys=stat_keys)
    bins_frame = samples.bins
    spacing = min(SPACING, size[0] * 72 * 0.03)
    plot, axis = _plot_estimate(cfg, width_pt=size[0] * 72, n=len(levels), spacing=spacing)
    slot = 0.95 * (plot + axis)  # a panel's share of the width; its text must fit in it
    inside = _stats_inside(shown, keys=stat_keys, label_format=label_format, cfg=cfg,
                           plot=plot, position=stats_position)  # fmt: skip
    # Titles wider than their panel wrap, instead of pushing the panels apart.
    title_text = _wrapped(titles, width=slot, font=cfg["font"], size=cfg["title"]["fontSize"])
    x_text = _wrapped(xs, width=slot, font=cfg["font"], size=cfg["axis"]["titleFontSize"])
    plot_h = _plot_height(cfg, size[1] * 72, titles=title_text, x_titles=x_text,
                          subtitle=0 if inside else len(stat_keys))  # fmt: skip
    built = []
    for i, level in enumerate(levels):
        # Narrow panels: the shared y title once, on the first panel.
        y_text = y_title if i == 0 or plot >= NARROW else None
        counts = bins_frame.loc[bins_frame[PANEL] == level, "count"]
        hist = _hist_layer(bins_frame[bins_frame[PANEL] == level], color=colors[level],
                           x_title=x_text[i], y_title=y_text,
                           y_ticks=_short_ticks(float(counts.max()), plot_h))  # fmt: skip
        row = shown[shown[PANEL] == level].iloc[0]
        values = {k: row[k] for k in stat_keys}
        layers: dict[str, Any] = {"hist": hist}
        title: Any = title_text[i]
        if inside:
            layers["stats"] = stats_box(
                values, keys=stat_keys, label_format=label_format,
                font=cfg["font"], font_size=cfg["text"]["fontSize"],
            )  # fmt: skip
        else:
            title = {"text": title_text[i], "subtitle": _stat_lines(values, label_format),
                     "subtitleFontSize": cfg["text"]["fontSize"]}  # fmt: skip
        props = {"title": title, "width": 100.0, "height": 100.0}
        built.append(Panel(str(level), layers, properties=props))
    # The bins of the panels drawn, in drawing order.
    drawn = pd.concat([bins_frame[bins_frame[PANEL] == lv] for lv in levels], ignore_index=True)
    frames = {
        k: _as_given(f, panel, samples.originals) for k, f in (("bins", drawn), ("stats", shown))
    }
    return make_figure(built, theme=cfg, size=size, data=frames, compose=hconcat(spacing),
                       kind="metric_histograms")  # fmt: skip


@dataclass(frozen=True)
class _Samples:
    """What the panels are drawn from: the panel texts (per sample or per panel; a
    categorical keeps its order), each text's value, the statistics and the bins."""

    names: pd.Series
    originals: dict[str, Any]
    computed: pd.DataFrame  # PANEL, max, min, mean, count
    bins: pd.DataFrame  # PANEL, bin_start, bin_end, count


def _samples(df: Any, *, x: str, panel: str, bins: int) -> _Samples:
    """The statistics and bins per panel: of a pandas frame (or one that cannot be binned
    in its engine: its two columns read as pandas) here, of any other in its engine."""
    if engine.pushable(df, x=x, panel=panel):
        if x == panel:
            raise InputError(f"x/panel: both name column {x!r}; the samples and panels must differ")
        return _reduced(engine.reduce(df, x=x, panel=panel, bins=bins, func="metric_histograms"),
                        panel=panel)  # fmt: skip
    if not isinstance(df, pd.DataFrame):
        df = read_columns(df, wanted=[x, panel])
    data, originals = _prepare(df, x=x, panel=panel)
    computed = summary_stats(data, value=VALUE, by=PANEL)
    binned = histogram_bins(data, value=VALUE, bins=bins, by=PANEL)
    return _Samples(data[PANEL], originals, computed, binned)


def _reduced(red: engine.Reduced, *, panel: str) -> _Samples:
    """:class:`_Samples` of the per panel results of the frame's engine."""
    names = as_text_levels(red.keys, column=panel, param="panel")
    originals = dict(zip(names.astype(object), red.keys, strict=True))
    texts = pd.Series(names.to_numpy(), dtype=object)
    if isinstance(names.dtype, pd.CategoricalDtype):  # keep the category order
        texts = pd.Series(pd.Categorical(texts, categories=names.cat.categories))
    computed = pd.concat([pd.DataFrame({PANEL: texts.astype(object)}), red.stats], axis=1)
    parts = [
        pd.DataFrame({PANEL: t, "bin_start": e[:-1], "bin_end": e[1:], "count": n})
        for t, e, n in zip(texts.astype(object), red.edges, red.counts, strict=True)
    ]
    return _Samples(texts, originals, computed, pd.concat(parts, ignore_index=True))


def _hist_layer(bins: pd.DataFrame, **kw: Any) -> Any:
    """The ``histogram`` layer of one panel's bins, its parameters checked as the layer's."""
    specs = declared(histogram)
    checked_kw = {k: specs[k](v, k) if k in specs else v for k, v in kw.items()}
    binned = bins[["bin_start", "bin_end", "count"]].reset_index(drop=True)
    return bins_chart(binned, x=VALUE, edge_color="white", edge_width=0.3, x_padding=0.05,
                      **checked_kw)  # fmt: skip


def _prepare(df: pd.DataFrame, *, x: str, panel: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The samples as columns ``VALUE`` / ``PANEL`` (the panel as text) and each text's value.

    Working on these internal names, no user column name can collide with the
    bins' or statistics' own columns, nor be misread by Vega-Lite.
    """
    require_frame(df)
    require_column_names(df, [x, panel])
    if x == panel:
        raise InputError(f"x/panel: both name column {x!r}; the samples and panels must differ")
    data = clean_numeric(df, numeric=[x], other=[panel], func="metric_histograms")
    require_no_missing(data, panel)
    names = as_text_levels(data[panel], column=panel, param="panel")
    originals = dict(zip(names.astype(object), data[panel], strict=True))
    work = pd.DataFrame({VALUE: data[x].to_numpy(dtype=float), PANEL: names.to_numpy()})
    if isinstance(names.dtype, pd.CategoricalDtype):  # keep the category order
        work[PANEL] = pd.Categorical(work[PANEL], categories=names.cat.categories)
    return work, originals


def _panel_levels(values: pd.Series, panels: list[str] | None) -> list[str]:
    """The panels: ``panels`` (checked), a categorical's category order, or first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values)
        ordered = [str(c) for c in values.cat.categories if c in present]
        return ordered_levels(pd.Series(ordered), panels, param="panels")
    return ordered_levels(values, panels, param="panels")


def _as_given(frame: pd.DataFrame, panel: str, originals: Mapping[str, Any]) -> pd.DataFrame:
    """``frame`` with the user's panel column (name, values); a column named like it renamed."""
    own = {c: fresh_name(c, [panel]) for c in frame.columns if c != PANEL}
    out = frame.rename(columns=own)
    values = [originals[str(v)] for v in out[PANEL]]
    return out.drop(columns=PANEL).assign(**{panel: values})[[panel, *own.values()]]


def _texts(
    given: Mapping[Any, str] | None, levels: list[Any], default: list[str], *, param: str
) -> list[str]:
    """One text per panel: ``given``'s, else the default (unknown panels are an error)."""
    given = dict(given or {})
    unknown = [k for k in given if k not in levels]
    if unknown:
        raise InputError(f"{param}: {unknown} are not panels; the panels are {levels}")
    return [
        TEXT(given.get(lv, d), f"{param}[{lv!r}]") for lv, d in zip(levels, default, strict=True)
    ]


def _wrapped(texts: list[str], *, width: float, font: str, size: float) -> list[str | list[str]]:
    return [wrap_title(t, width=width, font=font, size=size) for t in texts]


def _shown_stats(
    computed: pd.DataFrame,
    *,
    panel: str,
    levels: list[Any],
    stats: Mapping[Any, Mapping[str, float]] | None,
    keys: Sequence[str],
) -> pd.DataFrame:
    """One row per panel with the statistics its box shows (given or computed)."""
    computed = computed.set_index(panel)
    rows = []
    for level in levels:
        values = dict(stats[level]) if stats is not None and level in stats else {}
        values = {**computed.loc[level].to_dict(), **values}
        missing = [k for k in keys if k not in values]
        if missing:
            raise InputError(f"stats[{level!r}]: no value for {missing}")
        shown = {k: c.require_finite(values[k], param=f"stats[{level!r}][{k!r}]") for k in keys}
        rows.append({panel: level, **shown})
    return pd.DataFrame(rows)


def _stat_lines(values: Mapping[str, float], label_format: str) -> list[str]:
    try:
        return [f"{k.capitalize()}: {format(float(v), label_format)}" for k, v in values.items()]
    except ValueError as exc:  # a d3 format Python cannot apply (e.g. "~s")
        raise InputError(
            f"label_format: cannot format the values with {label_format!r} ({exc})"
        ) from exc


def _stats_inside(
    shown: pd.DataFrame,
    *,
    keys: Sequence[str],
    label_format: str,
    cfg: Mapping[str, Any],
    plot: float,
    position: str,
) -> bool:
    """Whether the stats boxes go inside the plots (``position="auto"``: if they fit)."""
    if position != "auto":
        return position == "inside"
    font, size = cfg["font"], cfg["text"]["fontSize"]
    widest = 0.0
    for _, row in shown.iterrows():
        lines = _stat_lines({k: row[k] for k in keys}, label_format)
        widest = max(widest, max(text_width(t, font=font, size=size) for t in lines))
    return widest + size * 0.6 + 10 + 6 <= BOX_SHARE * plot


def _plot_height(
    cfg: Mapping[str, Any],
    height_pt: float,
    *,
    titles: list[str | list[str]],
    x_titles: list[str | list[str]],
    subtitle: int,
) -> float:
    """The panels' plot height, estimated from the figure height and the text above and below."""

    def lines(texts: list[str | list[str]]) -> int:
        return max(len(t) if isinstance(t, list) else 1 for t in texts)

    axis = cfg["axis"]
    above = (
        cfg["title"]["fontSize"] * 1.2 * lines(titles) + cfg["text"]["fontSize"] * 1.25 * subtitle
    )
    below = axis["labelFontSize"] * 1.2 + axis["titleFontSize"] * 1.2 * lines(x_titles) + 12
    return height_pt - 2 * 5 - 6 - above - below


def _short_ticks(tallest: float, plot_height: float) -> list[float] | None:
    """Count ticks 0, step, 2 step (a 1-2-5 step) for a plot too short for Vega's own (else None).

    Vega picks about one tick per 40 pt, so a short plot would show only ``0``.
    """
    if plot_height >= SHORT or tallest <= 0:
        return None
    raw = tallest * 1.05 / 2
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [round(i * step, 10) for i in range(math.ceil(tallest * 1.05 / step) + 1)]


def _plot_estimate(
    cfg: Mapping[str, Any], *, width_pt: float, n: int, spacing: float
) -> tuple[float, float]:
    """(plot width, y axis width) of each panel, estimated from the figure width.

    The y axis takes its tick labels and title at the theme's sizes; the fit
    sets the exact plot width when the figure is converted.
    """
    axis = cfg["axis"]["labelFontSize"] * 2.2 + cfg["axis"]["titleFontSize"] * 1.4 + 8
    return max((width_pt - 10 - (n - 1) * spacing) / n - axis, 10.0), axis
