"""``reward_length``: reward and response length vs. step from RL logs (seed 003)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._fields import fdef, field, text_keys, text_levels
from vegafigs._params import BOOL, COLUMN, POSITIVE_INT, TEXT_MAPPING, checked
from vegafigs._precision import value_range
from vegafigs._time import PlotX
from vegafigs.engines import reduce as _reduce
from vegafigs.engines.curves import plot_values
from vegafigs.engines.frames import is_pandas
from vegafigs.engines.reduce import Group, Plan, reduce_groups
from vegafigs.engines.source import CurveSource as _Source
from vegafigs.engines.stream import ema_context
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
    hover_points,
    hover_rows,
    inline_csv,
    internal_prefix,
    is_integral,
    legend_box,
    legend_rows,
    lone_points,
    nice_domain,
    panel_grid,
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
from vegafigs.transforms.bands import band as band_stats
from vegafigs.transforms.bands import parse_kind, rolling_band
from vegafigs.transforms.smoothing import ema_values, parse_smooth
from vegafigs.transforms.smoothing import smooth as smooth_frame

#: Panel / axis titles of a few metric names (any other metric is titled as logged).
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
#: ``x_title``'s default when the frame does not say its x column (``df.attrs["x"]``);
#: a datetime / timedelta x is titled with its column's name.
DEFAULT_X_TITLE = "Training step"
#: The x title of each known x column name (:func:`x_title_of`; also tried lower-cased).
X_TITLES = {
    **dict.fromkeys(("time/total_timesteps", "timesteps_total", "num_env_steps_sampled_lifetime",
                     "num_env_steps_sampled", "timesteps", "timestep", "total_timesteps",
                     "env_steps", "env_step"), "Timesteps"),
    **dict.fromkeys(("episodes", "episode", "episodes_total", "time/episodes"), "Episode"),
    **dict.fromkeys(("training_iteration", "iteration", "iterations", "iter",
                     "time/iterations"), "Iteration"),
    **dict.fromkeys(("step", "global_step", "_step", "trainer/global_step",
                     "train/global_step"), "Step"),
    **dict.fromkeys(("epoch", "epochs", "train/epoch"), "Epoch"),
    **dict.fromkeys(("t", "walltime", "wall_time", "time_elapsed", "time/time_elapsed",
                     "time_total_s", "_runtime"), "Wall time (s)"),
}  # fmt: skip
#: Columns the figure adds (prefixed with ``_`` when a user column has one of the names).
OWN_COLUMNS = ("smooth", "lower", "upper", "n", "hover_y", "m0_value", "m0_smooth", "m1_value",
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
    seed=COLUMN.maybe("the column of seed ids (runs drawn as mean ± band)"),
    facet=COLUMN.maybe("the column whose values get a panel each"),
)
def reward_length(
    df: pd.DataFrame | Any,
    *,
    x: str = "step",
    y: str = "value",
    series: str = "run",
    panel: str = "metric",
    panels: Sequence[str] | None = ("reward", "response_length"),
    seed: str | None = None,
    facet: str | None = None,
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
    x_title: str | list[str] | None = None,
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
    """Reward and response length (or any metrics) against step for one or more runs.

    ``df`` is tidy (one row per ``series`` (run), ``x``, ``panel`` (metric) and
    ``y`` (value)), as :func:`vegafigs.io.load` returns it. ``layout="panels"``:
    one panel per metric side by side sharing the x axis; ``"dual"``: two metrics
    on one plot with left / right y axes (first metric solid, second dashed).
    Each run's raw trace is drawn faint under its smoothed line, optionally over
    a band. Runs are compared by colour with one legend (right of the plots, or
    under them when the figure is narrow).

    Groups: with ``seed``, the runs of one ``series`` (one per seed) are each
    smoothed, then drawn as their mean (the median for a quantile ``band``) with
    a ``band`` across the seeds (seeds logged at different steps are
    interpolated between their own points, see :func:`vegafigs.transforms.band`);
    the faint raw trace is then the same statistic (mean / median) of the seeds'
    raw values. With ``facet``, a grid with one row per metric and one column per
    value (``"dual"``: one dual panel per value), the x zoom shared by all. Rows
    that share a step of one drawn line (``series``, ``panel``, ``facet``,
    ``seed``) are an error naming the columns that tell them apart and what to
    pass (never averaged silently); so are the identifier columns of
    ``df.attrs["ids"]`` (:func:`vegafigs.io.load`) that vary within one line.

    Titles: a metric's panel title is its name as logged (``rollout/ep_rew_mean``),
    except the known names of :data:`~vegafigs.figures.reward_length.TITLES`
    (``reward`` -> "Reward") and those ``panel_titles`` gives. With
    ``interactive`` the HTML output has tooltips (run, step, value, smoothed;
    ``"dual"``: both metrics at the step nearest the pointer) and one x zoom /
    pan for all panels (drag, wheel; double-click resets); PNG / PDF are
    static.

    Layers: ``"panels"``: per metric panel ``band`` (with ``band``), ``raw``, ``line``,
    ``point`` (a dot at each run logged at one step only, which a line cannot show),
    ``hover`` (with ``interactive``); ``"dual"``: one panel with ``band_<metric>``,
    ``raw_<metric>``, ``line_<metric>`` (``point_<metric>``) per metric and ``hover``.
    Data: ``curves`` — per metric (``panel``), ``facet`` value, run and step the raw
    ``y``, the smoothed ``smooth``, the band's ``lower`` / ``upper`` (and with ``seed``
    ``n``, the seeds behind the row), at full resolution (before the M4 reduction);
    for a frame that is not pandas, the rows drawn (M4-reduced).

    Any engine: ``df`` may be a polars DataFrame / LazyFrame, a pyarrow Table, a DuckDB
    relation or a PySpark DataFrame (anything narwhals wraps): the checks, smoothing,
    bands and the M4 reduction run in its engine (:mod:`vegafigs.engines`), only the
    drawn rows reach Python, and the spec is the one the same rows give as pandas.
    There, ``df.attrs`` does not exist (``x_title`` falls back as for a frame without
    them); a run longer than :data:`vegafigs.engines.reduce.IN_MEMORY_ROWS` rows
    cannot use ``smooth="twema:W"``, and its seeds must share their steps; in the
    ``"dual"`` layout the tooltips read the other metric at the nearest drawn step.

    Bad input: rows with NaN / ±inf in ``x`` or ``y`` are dropped with a
    ``UserWarning`` giving the count (none left: :class:`~vegafigs.InputError`);
    strings there, an empty frame, a missing column, one column for two roles, a
    missing run name, a step logged twice for one line, or a metric without rows
    for a ``facet`` value are errors.

    Any frame: column names may hold any printable characters; the figure's own
    columns in ``data`` (``smooth``, ``lower``, ``upper``, ``n``) get a ``_`` prefix
    when one of ``x`` / ``y`` / ``series`` / ``panel`` / ``seed`` / ``facet`` has
    their name. Run and metric ids of any dtype are drawn as their string form
    (``order``, ``palette``, ``panels`` and ``panel_titles`` may name them as
    given; a categorical keeps its category order); two ids with one string form
    are an error. ``x`` may hold datetimes (a time axis of the wall-clock times,
    the same on every machine) or timedeltas (a duration in s / min / h / d, the
    unit added to the x title). A run logged at one step is drawn as a dot;
    legend labels too wide for the figure are drawn on several lines.

    Parameters
    ----------
    df : pandas.DataFrame or frame
        Tidy logs: one row per run, step and metric (pandas, or any frame
        narwhals wraps: polars, pyarrow, DuckDB, PySpark).
    x : str, optional
        Column of the steps (numbers, datetimes or timedeltas; default
        ``"step"``). See :term:`x`.
    y : str, optional
        Column of the logged values (default ``"value"``). See :term:`y`.
    series : str, optional
        Column of the run names, one colour each (default ``"run"``). See
        :term:`series`.
    panel : str, optional
        Column of the metric names (default ``"metric"``). See :term:`panel`.
    panels : sequence of str or None, optional
        The metrics to draw, in order (default ``("reward",
        "response_length")``; None: all, first appearance). ``"dual"`` needs
        exactly two. See :term:`panels`.
    seed : str, optional
        Column of seed ids: each ``series`` is drawn as the mean (or median)
        over its seeds with a band across them (default None). See
        :term:`seed`.
    facet : str, optional
        Column whose values get a column of panels each (default None).
    layout : {"panels", "dual"}, optional
        ``"panels"`` (default): one panel per metric; ``"dual"``: two metrics on
        one plot with left / right y axes.
    smooth : str or tuple or None, optional
        Smoothing of each run (default ``"ema:0.9"``; ``"twema:W"``,
        ``"rolling:N"``, ``"gaussian:S"``, a ``(method, parameter)`` tuple, or
        None: raw), as in :func:`vegafigs.figures.training_curves`.
    raw : bool, optional
        Draw each run's raw trace faint under its smoothed line (default True).
    raw_opacity : float or None, optional
        Opacity of the raw traces (default 0.3; None: 0.3). See
        :term:`raw_opacity`.
    band : str, optional
        Without ``seed``: a band of the raw values in a centred rolling window
        of ``band_window`` points, ``"q10-90"`` (any ``"qLO-HI"``), ``"std"`` or
        ``"ci95"`` (default None: no band). With ``seed``: the band across the
        seeds, ``"std"`` (also the default), ``"ci95"``, ``"ci95-boot"`` or
        ``"qLO-HI"``.
    band_window : int, optional
        Points in the rolling band's window, > 0 (default None: about 2% of the
        longest run, odd, at least 5). Given without ``band``, or with ``seed``
        (where it would do nothing), it is an error.
    band_opacity : float or None, optional
        Fill opacity of the bands (default 0.15; None: the theme's
        ``area.fillOpacity``). See :term:`band_opacity`.
    order : sequence, optional
        The runs to draw and their order (default None: all, first appearance).
        See :term:`order`.
    palette : mapping, optional
        ``{run: colour}``; runs it leaves out take the theme's colours (default
        None). See :term:`palette`.
    panel_titles : mapping, optional
        ``{metric: panel title}`` (default None: the titles of
        :data:`~vegafigs.figures.reward_length.TITLES`, else the names as
        logged).
    x_title : str or list of str, optional
        Default None: when ``x`` is ``"step"``, the title of the x column a
        loader used (``df.attrs["x"]``, by
        :func:`~vegafigs.figures.reward_length.x_title_of`, e.g.
        "Timesteps"), else "Training step"; another numeric ``x``: the title of
        that column's name by ``x_title_of`` (``"epoch"`` -> "Epoch", an unknown
        name as written); a datetime / timedelta ``x``: its column's name. See
        :term:`x_title`.
    x_domain : sequence of float, optional
        The exact x range (default None: the data's min to max); an error for
        a datetime / timedelta ``x``. See :term:`x_domain`.
    interactive : bool, optional
        Tooltips and a shared x zoom / pan in the HTML output (default True).
    stroke_width : float, optional
        Width of the smoothed lines, pt (default None: the theme's line width);
        raw traces are 7/18 of it. See :term:`stroke_width`.
    theme : str or mapping, optional
        Default None: the enabled vegafigs theme, else ``"paper"``. See
        :term:`theme`.
    style : vegafigs.themes.Style, optional
        Venue preset: the default size and a named theme's font sizes (default
        None). See :term:`style`.
    width_in : float, optional
        Width of the whole figure in inches (default None: the ``style``'s,
        else 7; with ``facet`` and more than three columns 1.8 per column +
        1.6). See :term:`width_in`.
    height_in : float, optional
        Height of the whole figure in inches (default None: the ``style``'s,
        else 2.8; a ``facet`` grid of several rows 2.2 per row + 0.6). See
        :term:`height_in`.
    downsample : bool or None, optional
        None (default): runs longer than 4 × the pixel columns at ``dpi`` are
        reduced with M4; True: the reduction is applied (short runs still kept
        whole); False: every point is kept. See :term:`downsample`.
    dpi : float, optional
        Dots per inch the M4 reduction is sized for (default 300). See
        :term:`dpi`.

    Returns
    -------
    Figure
        A :class:`~vegafigs.Figure` with one panel per metric (per ``facet``
        value: ``"<metric> | <value>"``).

    Examples
    --------
    >>> import vegafigs as vf
    >>> fig = vf.figures.reward_length(vf.demo.rl_logs(n_steps=60), band="q10-90")
    >>> fig.panels, list(fig.data)
    (('reward', 'response_length'), ['curves'])
    >>> import pandas as pd
    >>> logs = pd.concat([vf.demo.rl_logs(s, n_steps=30).assign(seed=s, env="gsm8k")
    ...                   for s in range(3)])
    >>> fig = vf.figures.reward_length(logs, seed="seed", facet="env")
    >>> fig.panels, int(fig.data["curves"]["n"].max())
    (('reward | gsm8k', 'response_length | gsm8k'), 3)
    >>> vf.save(fig, "rl.html")  # doctest: +SKIP
    """
    roles = {"x": x, "y": y, "series": series, "panel": panel, "seed": seed, "facet": facet}
    src = None if is_pandas(df) else _Source.of(df, columns=roles, func="reward_length")
    inp, metrics = _checked_rows(df if src is None else src.frame, x=x, y=y, series=series,
                                 panel=panel, panels=panels, layout=layout, seed=seed,
                                 facet=facet)  # fmt: skip
    if src is not None:

        def check(rows: pd.DataFrame) -> None:  # the pandas error, from the repeated rows
            _checked_rows(rows, x=x, y=y, series=series, panel=panel, panels=None,
                          layout="panels", seed=seed, facet=facet)  # fmt: skip

        src.check = check
    _check_band_window(band, band_window, seeded=seed is not None)
    px, data = inp.plot_x, inp.frame
    if px != PlotX() and x_domain is not None:
        raise InputError("x_domain: not available for a datetime / timedelta x; select the rows")
    order, palette = text_levels(order), text_keys(palette)
    levels = ordered_levels(pd.Series(inp.levels["series"], dtype=object), order, param="order")
    titles = _titles(metrics, text_keys(panel_titles))
    cfg = resolve_theme(theme, default="paper", style=style)
    grid = _Grid.of(metrics, inp, facet=facet, dual=layout == "dual")
    size = figure_size(width_in=width_in, height_in=height_in, style=style,
                       default=grid.default_size())  # fmt: skip
    xd = domain_of([data["x"]], x_domain, flat=flat_pad(px))
    plot_w = plot_columns(size[0], panels=grid.n_cols)
    pre = internal_prefix([x, y, series, panel, seed, facet], OWN_COLUMNS)
    names = {"x": x, "y": y, "series": series, **{c: pre + c for c in OWN_COLUMNS}}
    if src is None:
        curves = {k: _prepare(grid.rows(data, k, levels), smooth=smooth, band=band,
                              band_window=band_window, seeded=seed is not None)
                  .rename(columns=names) for k in grid.keys}  # fmt: skip
    else:
        width_px = max(2, math.ceil(plot_w * dpi / 72.0))
        curves = {k: _engine_curve(src, inp, grid, k, levels, smooth=smooth, band=band,
                                   band_window=band_window, raw=raw, x_domain=xd,
                                   width_px=width_px, enabled=downsample).rename(columns=names)
                  for k in grid.keys}  # fmt: skip
    cols = [names[c] for c in ("smooth", "lower", "upper") if names[c] in curves[grid.keys[0]]]
    reduced = {k: (c if src is not None else reduce_rows(
        c, x=x, y=[y, *cols] if raw else cols, by=series, width_pt=plot_w, dpi=dpi, x_domain=xd,
        enabled=downsample))[[series, x, y, *cols]].reset_index(drop=True)
        for k, c in curves.items()}  # fmt: skip
    width = float(stroke_width or cfg.get("line", {}).get("strokeWidth", 1.5))
    legend, rows = _legend(cfg, levels, size, n_plots=grid.n_cols, dual=grid.dual)
    plot_h = grid.plot_height(size, cfg, legend_rows=rows)
    # A narrow estimate of each plot's width: an x title wider than its plot widens it.
    room = legend_box(levels, cfg, symbol=LEGEND_SYMBOL)[0] if not rows else 0
    n_axes = (2 if grid.dual else 1) * grid.n_cols
    title_w = (size[0] * 72 - room - 50 * n_axes - SPACING * (grid.n_cols - 1)) / grid.n_cols
    require_room(size, plot_w=plot_w - 40 * (2 if grid.dual else 1), plot_h=plot_h,
                 what="the axes, titles and legend")  # fmt: skip
    if band_opacity is None:  # the theme's area fill
        band_opacity = float(cfg.get("area", {}).get("fillOpacity", 0.2))
    x_text = title_lines(unit_title(_x_title(x_title, df if src is None else src.frame, x=x,
                                             plot_x=px), px), cfg,
                         width=title_w, kind="axis")  # fmt: skip
    frames = {"curves": inp.user_frame(grid.full(curves, panel=panel, facet=facet),
                                       {"x": x, "series": series, "panel": panel,
                                        "facet": facet or "facet"})}  # fmt: skip
    sn = spec_names([series, x, y])  # the user's names, unless Vega-Lite cannot carry them
    curves = {k: c.rename(columns=sn) for k, c in curves.items()}
    reduced = {k: exact_x(c.rename(columns=sn), sn[x], px) for k, c in reduced.items()}
    look = _Look(
        x=sn[x], y=sn[y], series=sn[series], pal=series_palette(levels, palette, cfg),
        xe=axis_x(sn[x], domain=xd, title=x_text, integer=is_integral(data["x"]) if src is None else
        src.whole(src.lines_of(inp.originals, panel=metrics)), plot_x=px),
        legend=legend, plot_h=plot_h, cfg=cfg, names=names, pre=pre, plot_x=px,
        stroke_width=stroke_width, raw_width=round(RAW_WIDTH * width, 3),
        raw_opacity=0.3 if raw_opacity is None else raw_opacity, band_opacity=band_opacity,
        hover_n=max(2, int(plot_w)), titles=(series, x),
    )  # fmt: skip
    built = _built(look, grid, curves, reduced, titles, raw=raw, hover=interactive)
    compose = _grid_composer(grid, interactive)
    return make_figure(built, theme=cfg, size=size, data=frames, compose=compose,
                       kind="reward_length")  # fmt: skip


def x_title_of(name: str | None) -> str:
    """The x axis title of an x column named ``name`` (``df.attrs["x"]`` of a loaded log).

    Timestep counts (``time/total_timesteps``, ``timesteps_total``, ``env_steps`` ...)
    -> "Timesteps", ``episodes`` -> "Episode", ``training_iteration`` / ``iter`` ->
    "Iteration", ``step`` / ``global_step`` / ``_step`` / ``Step`` -> "Step",
    ``epoch`` -> "Epoch", ``t`` / wall time -> "Wall time (s)"; any other name is the
    title as written; ``None``: "Training step" (:data:`DEFAULT_X_TITLE`).

    >>> x_title_of("time/total_timesteps"), x_title_of("training_iteration"), x_title_of("lr")
    ('Timesteps', 'Iteration', 'lr')
    """
    if name is None:
        return DEFAULT_X_TITLE
    return X_TITLES.get(name, X_TITLES.get(name.lower(), name))


def _x_title(
    given: str | list[str] | None, df: pd.DataFrame, *, x: str, plot_x: PlotX
) -> str | list[str]:
    """``x_title``: given, a time x's column name, the title of the loader's x column."""
    if given is not None:
        return given
    if plot_x != PlotX():
        return x  # not a step count: the column's own name
    source = df.attrs.get("x") if x == "step" else x  # another column: its own title
    return x_title_of(source) if isinstance(source, str) and source else DEFAULT_X_TITLE


@dataclass(frozen=True)
class _Grid:
    """The figure's panels: one per metric (``dual``: one for both), times the values of
    ``facet`` (``labels``: each value's panel title; no facet: ``{None: ""}``)."""

    metrics: list[str]
    labels: dict[str | None, str]
    dual: bool
    facet: str | None

    @classmethod
    def of(cls, metrics: list[str], inp: CurveInput, *, facet: str | None, dual: bool) -> _Grid:
        if facet is None:
            return cls(metrics, {None: ""}, dual, None)
        values = inp.levels["facet"]
        dtype = inp.originals["facet"][1]
        named = pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
        return cls(metrics, {v: f"{facet}={v}" if named else v for v in values}, dual, facet)

    @property
    def facets(self) -> list[str | None]:
        return list(self.labels)

    @property
    def n_cols(self) -> int:
        if self.facet is not None:
            return len(self.labels)
        return 1 if self.dual else len(self.metrics)

    @property
    def n_rows(self) -> int:
        return len(self.metrics) if self.facet is not None and not self.dual else 1

    @property
    def keys(self) -> list[tuple[str, str | None]]:
        """``(metric, facet value)`` of every curve, row by row."""
        return [(m, f) for m in self.metrics for f in self.facets]

    def default_size(self) -> tuple[float, float]:
        """7 × 2.8 in, wider / taller for a grid of facets."""
        if self.facet is None:
            return (7.0, 2.8)
        w = 7.0 if self.n_cols <= 3 else round(1.8 * self.n_cols + 1.6, 2)
        return w, 2.8 if self.n_rows == 1 else round(2.2 * self.n_rows + 0.6, 2)

    def plot_height(self, size: tuple[float, float], cfg: Mapping[str, Any], *,
                    legend_rows: int) -> float:  # fmt: skip
        """An estimate of one plot's height in pt."""
        titled = not self.dual or self.facet is not None
        total = plot_height(size[1], cfg, title=titled, legend_rows=legend_rows)
        return (total - (self.n_rows - 1) * (SPACING + 45)) / self.n_rows

    def rows(self, data: pd.DataFrame, key: tuple[str, str | None],
             levels: Sequence[str]) -> pd.DataFrame:  # fmt: skip
        """The rows of one curve (checked: a facet value with no rows is an error)."""
        m, f = key
        keep = (data["panel"] == m) & data["series"].isin(levels)
        if f is not None:
            keep &= data["facet"] == f
        if not keep.any():
            raise InputError(
                f"facet: metric {m!r} has no rows (of the series drawn) for {self.facet}={f!r}; "
                "pick the metrics logged for every value (panels=) or select the rows"
            )
        return data[keep]

    def full(self, curves: Mapping[tuple[str, str | None], pd.DataFrame], *, panel: str,
             facet: str | None) -> pd.DataFrame:  # fmt: skip
        """Every curve in one frame, ``panel`` (and ``facet``) first."""
        parts = []
        for (m, f), c in curves.items():
            keys = {panel: m} if facet is None else {panel: m, facet: f}
            parts.append(c.assign(**keys)[[*keys, *c.columns]])
        return pd.concat(parts, ignore_index=True)

    def titles(self, key: tuple[str, str | None], titles: Mapping[str, str]
               ) -> tuple[str, str | None]:  # fmt: skip
        """(panel title, y title) of one metric's panel."""
        m, f = key
        if self.facet is None:
            return titles[m], titles[m]
        return self.labels[f], titles[m] if f == self.facets[0] else None

    def name(self, key: tuple[str, str | None]) -> str:
        m, f = key
        return str(m) if self.facet is None else f"{m} | {self.labels[f]}"


def _built(
    look: _Look,
    grid: _Grid,
    curves: Mapping[tuple[str, str | None], pd.DataFrame],
    reduced: Mapping[tuple[str, str | None], pd.DataFrame],
    titles: Mapping[str, str],
    *,
    raw: bool,
    hover: bool,
) -> list[Panel]:
    """The figure's panels, row by row."""
    if not grid.dual:
        return [_panel(look, k[0], reduced[k], *grid.titles(k, titles), name=grid.name(k),
                       index=i, raw=raw, hover=hover)
                for i, k in enumerate(grid.keys)]  # fmt: skip
    out = []
    for i, f in enumerate(grid.facets):
        single = grid.facet is None
        out.append(_dual_panel(
            look, grid.metrics, {m: reduced[(m, f)] for m in grid.metrics},
            {m: curves[(m, f)] for m in grid.metrics}, titles, raw=raw, hover=hover,
            name="plot" if single else f"plot | {grid.labels[f]}",
            title=None if single else grid.labels[f],
            hover_name="hover" if single else f"hover_{i}",
        ))  # fmt: skip
    return out


def _grid_composer(grid: _Grid, interactive: bool) -> Callable[[Sequence[alt.LayerChart]],
                                                                 alt.TopLevelMixin]:  # fmt: skip
    """Compose the panels: side by side (a grid of ``grid.n_cols`` columns), one x zoom."""
    columns = grid.n_cols if grid.n_rows > 1 else None

    def compose(panels: Sequence[alt.LayerChart]) -> alt.TopLevelMixin:
        if grid.dual:
            panels = [_one_axis_per_side(p) for p in panels]
        if interactive:
            return zoomed(panels, spacing=SPACING, columns=columns)
        return panel_grid(panels, spacing=SPACING, columns=columns)

    return compose


def _checked_rows(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    panel: str,
    panels: Sequence[Any] | None,
    layout: str,
    seed: str | None = None,
    facet: str | None = None,
) -> tuple[CurveInput, list[str]]:
    """The finite rows of ``df`` (internal names) and the metrics drawn, after the checks."""
    columns = {"x": x, "y": y, "series": series, "panel": panel, "seed": seed, "facet": facet}
    given = {k: v for k, v in columns.items() if v is not None}
    if len(set(given.values())) != len(given):
        what = "four" if len(given) == 4 else f"{len(given)}"
        raise InputError(
            f"{', '.join(given)}: expected {what} different columns, got "
            f"{', '.join(map(repr, given.values()))}"
        )
    groups = ["series", "panel", "seed", "facet"]
    inp = curve_input(df, columns=columns, numeric=["y"], groups=groups, func="reward_length")
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
    _require_one_row_per_step(df, inp, picked, given)
    return replace(inp, frame=picked.reset_index(drop=True)), metrics


#: Column names read as seed / repeat ids (the errors' suggestions pass them as ``seed``).
SEED_LIKE = re.compile(r"seed|trial|^reps?$|^repeat|^replicate", re.IGNORECASE)
#: Columns a loader writes next to ``value`` (W&B's min / max): values, never groups.
VALUE_COLUMNS = ("min", "max")


def _require_one_row_per_step(
    df: pd.DataFrame, inp: CurveInput, picked: pd.DataFrame, given: Mapping[str, str]
) -> None:
    """An :class:`InputError` when a drawn line (series, panel, facet, seed) has two rows at
    one step, or mixes values of an identifier column (``df.attrs["ids"]``).

    The error names the columns that tell the rows apart and what to pass.
    """
    keys = [k for k in ("series", "panel", "facet", "seed") if k in given]
    user_keys = [given[k] for k in keys]
    dup = picked.duplicated([*keys, "x"], keep=False)
    ids = [c for c in df.attrs.get("ids", []) if c in df.columns and c not in given.values()]
    if not dup.any():
        mixed = _differing(df, user_keys, ids)
        if mixed:
            first = picked.iloc[:1]
            raise InputError(
                f"reward_length: {_line_name(first, given)} mixes rows of several "
                f"{_listed(mixed)}: {_hint(mixed, given)}"
            )
        return
    rows = picked.loc[dup]
    sizes = rows.groupby([*keys, "x"], sort=False).size()
    first = rows.iloc[:1]
    others = [c for c in df.columns
              if c not in given.values() and c not in VALUE_COLUMNS]  # fmt: skip
    varying = _differing(df[df.duplicated([*user_keys, given["x"]], keep=False)],
                         [*user_keys, given["x"]], others)  # fmt: skip
    if varying:
        n = int(sizes.max())
        share = f"{n} rows share each step" if int(sizes.min()) == n else (
            f"up to {n} rows share a step")  # fmt: skip
        raise InputError(
            f"reward_length: {share} of {_line_name(first, given)}; they differ in "
            f"{_listed(varying)}: {_hint(varying, given)}"
        )
    step = x_values(first["x"], inp).iloc[0]
    step_text = f"{step:g}" if isinstance(step, float) else str(step)
    where = _line_name(first, given, plain=True)
    raise InputError(
        f"reward_length: column {given['x']!r} repeats the value {step_text} for {where} "
        f"({int(dup.sum())} rows share a step); average them first "
        "(vegafigs.io.load(..., merge='mean'), on the CLI --merge mean) or keep the column "
        "that tells them apart and pass it as series=, seed= or facet="
    )


def _differing(df: pd.DataFrame, keys: list[str], columns: Sequence[Any]) -> dict[Any, int]:
    """``{column: its number of values}`` of the ``columns`` that vary within a group of
    ``keys`` in ``df``."""
    out: dict[Any, int] = {}
    if df.empty or not columns:
        return out
    groups = df.groupby(keys, sort=False, dropna=False)
    for c in columns:
        try:
            if df[c].nunique(dropna=False) < 2:  # one value overall (cheap): never varies
                continue
            varies = bool((groups[c].nunique(dropna=False) > 1).any())
        except (TypeError, ValueError):  # unhashable cells (lists): not an identifier
            continue
        if varies:
            out[c] = int(df[c].nunique(dropna=False))
    return out


def _line_name(first: pd.DataFrame, given: Mapping[str, str], *, plain: bool = False) -> str:
    """``run 'a' (metric 'r', env 'x')`` for the line of the row ``first``."""
    series = given["series"]
    head = "run" if series == "run" else series
    text = f"{head} {first['series'].iloc[0]!r}"
    more = [f"{given[k]} {first[k].iloc[0]!r}" for k in ("facet", "seed") if k in given]
    metric = f"metric {first['panel'].iloc[0]!r}"
    if plain:  # the message of rows repeated as they are
        return ", ".join([text, metric, *more])
    return f"{text} ({', '.join([metric, *more])})"


def _listed(columns: Mapping[Any, int]) -> str:
    """``columns 'env' (7 values) and 'seed' (10 values)``."""
    parts = [f"{str(c)!r} ({n} values)" for c, n in columns.items()]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return ("column " if len(parts) == 1 else "columns ") + text


def _hint(columns: Mapping[Any, int], given: Mapping[str, str]) -> str:
    """What to pass for the columns that tell rows apart (Python, then the CLI)."""
    free = [r for r in ("series", "seed", "facet")
            if r not in given or (r == "series" and given[r] == "run")]  # fmt: skip
    roles: dict[str, str] = {}
    for c in map(str, columns):
        role = next((r for r in (("seed", "series", "facet") if SEED_LIKE.search(c)
                                 else ("series", "facet", "seed")) if r in free), None)  # fmt: skip
        if role is not None:
            free.remove(role)
            roles[role] = c
    if not roles:
        return "select the rows of one line, or pass these columns as series / seed / facet"
    what = {"series": "a colour each", "seed": "mean ± band", "facet": "a panel each"}
    py = [f"{r}={c!r} ({what[r]})" for r, c in roles.items()]
    py_text = py[0] if len(py) == 1 else ", ".join(py[:-1]) + " or " + py[-1]
    cli = " ".join(f"--{r} {c}" for r, c in roles.items())
    return f"pass {py_text} / on the CLI {cli}"


def _titles(metrics: Sequence[str], given: Mapping[str, str] | None) -> dict[str, str]:
    """Each metric's title: ``given``, a known name's or the name as logged."""
    unknown = [k for k in (given or {}) if k not in metrics]
    if unknown:
        raise InputError(f"panel_titles: {unknown} are not panels; the panels are {metrics}")
    out = {}
    for m in metrics:
        text = (given or {}).get(m, TITLES.get(m, str(m)))
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
    seeded: bool = False,
) -> pd.DataFrame:
    """One metric's rows (internal names ``series``, ``x``, ``y``) with ``smooth`` (and
    ``lower`` / ``upper``) columns, sorted; ``seeded``: across the seeds of ``seed``."""
    _check_band_window(band, band_window, seeded=seeded)
    if seeded:
        return _across_seeds(data, smooth=smooth, band=band or "std")
    out = smooth_frame(data[["series", "x", "y"]], x="x", y="y", method=smooth, by="series",
                       out="smooth")  # fmt: skip
    if band is not None:
        n = int(out.groupby("series").size().max())
        window = band_window if band_window is not None else max(5, (n // 50) | 1)
        bands = rolling_band(out, x="x", y="y", window=window, by="series", kind=band)
        out["lower"] = bands["lower"].to_numpy()
        out["upper"] = bands["upper"].to_numpy()
    return out.reset_index(drop=True)


def _check_band_window(band: str | None, band_window: int | None, *, seeded: bool) -> None:
    """An :class:`InputError` for a ``band_window`` that would do nothing."""
    if band_window is not None and (seeded or band is None):
        why = "the band is taken across the seeds" if seeded else "there is no band"
        raise InputError(
            f"band_window: only the rolling band (band=... without seed) has a window; "
            f"here {why}, so leave band_window out"
        )


def _across_seeds(
    data: pd.DataFrame, *, smooth: str | tuple[str, float] | None, band: str
) -> pd.DataFrame:
    """Per series and step: the seeds' raw centre ``y``, smoothed centre ``smooth``,
    ``lower`` / ``upper`` (``band`` across the smoothed seeds) and ``n``."""
    runs = smooth_frame(data[["series", "seed", "x", "y"]], x="x", y="y", method=smooth,
                        by=["series", "seed"], out="smooth")  # fmt: skip
    stats = band_stats(runs[["series", "seed", "x", "smooth"]], x="x", y="smooth", run="seed",
                       by="series", kind=band)  # fmt: skip
    centre = band if parse_kind(band)[0] == "quantile" else "std"  # the mean, no bootstrap
    raw = band_stats(runs[["series", "seed", "x", "y"]], x="x", y="y", run="seed", by="series",
                     kind=centre)  # fmt: skip
    out = stats.merge(raw[["series", "x", "y"]], on=["series", "x"], how="left", sort=False)
    return out[["series", "x", "y", "smooth", "lower", "upper", "n"]].reset_index(drop=True)


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
    axes = 55.0 * (2 if dual else 1) * n_plots + SPACING * (n_plots - 1)
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
    enc: dict[str, Any] = {"x": look.xe, "y": ye(sm)}
    bounds = (lo, hi) if lo in curve.columns else None
    if bounds is not None:  # a lone point's band: a rule between its bounds
        enc.update(y_lower=ye(lo), y2=alt.Y2(field=field(hi), title=hi))
    layers.update(lone_points(curve, x=look.x, series=series, palette=pal, width=width,
                              encode=enc, bounds=bounds))  # fmt: skip
    return layers


def _panel(
    look: _Look, metric: str, curve: pd.DataFrame, title: str, y_title: str | None, *,
    name: str, index: int, raw: bool, hover: bool,
) -> Panel:  # fmt: skip
    """One metric's panel: band, raw, line and hover layers, titled (``y_title``: the y
    axis title, ``None``: none)."""
    drawn = look.drawn(curve, raw=raw)
    domain = flat_domain(drawn)

    def ye(field: str) -> alt.Y:
        text = None if y_title is None else look.y_title(y_title)
        return axis_y(field, domain=domain, title=text, extent=value_range(drawn))

    layers = _layers(look, curve, ye, raw=raw)
    if hover:
        rows = hover_rows(curve, by=look.series, n=look.hover_n)
        sm = look.names["smooth"]
        layers["hover"] = hover_points(
            rows, x=look.x, y=sm, series=look.series, palette=look.pal, xe=look.xe,
            ye=ye(sm), tips=[(look.y, metric), (sm, "smoothed")], name=f"hover_{index}",
            plot_x=look.plot_x, titles=look.titles,
        )  # fmt: skip
    return Panel(name, layers, properties={"title": title, "width": 100.0, "height": 100.0})


def _dual_panel(
    look: _Look,
    metrics: Sequence[str],
    reduced: Mapping[str, pd.DataFrame],
    curves: Mapping[str, pd.DataFrame],
    titles: Mapping[str, str],
    *,
    raw: bool,
    hover: bool,
    name: str = "plot",
    title: str | None = None,
    hover_name: str = "hover",
) -> Panel:
    """Both metrics on one plot: left / right y axes with fixed domains, one hover layer
    (``hover_name``); the panel ``name``, titled ``title`` (a facet value)."""
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

        for layer, chart in _layers(look, curve, ye, raw=raw, dash=DUAL_DASHES[i]).items():
            layers[f"{layer}_{m}"] = chart
        duals.append((m, curve, curves[m], domain))
    if hover:
        layers["hover"] = _dual_hover(look, duals, name=hover_name)
    props = {} if title is None else {"title": title, "width": 100.0, "height": 100.0}
    return Panel(name, layers, resolve={"y": "independent"}, properties=props)


def _dual_hover(look: _Look, duals: Sequence[tuple[str, pd.DataFrame, pd.DataFrame, list[float]]],
                *, name: str = "hover") -> alt.Chart:  # fmt: skip
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
                        xe=look.xe, ye=ye, tips=tips, name=name,
                        plot_x=look.plot_x, titles=look.titles)  # fmt: skip


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


def _engine_curve(
    src: _Source, inp: CurveInput, grid: _Grid, key: tuple[str, str | None],
    levels: Sequence[str], *, smooth: str | tuple[str, float] | None, band: str | None,
    band_window: int | None, raw: bool, x_domain: Sequence[float], width_px: int,
    enabled: bool | None,
) -> pd.DataFrame:  # fmt: skip
    """One curve of a non-pandas frame computed and M4-reduced in its engine (internal
    column names): the rows :func:`_prepare` then :func:`reduce_rows` give for pandas."""
    grid.rows(inp.frame, key, levels)  # a facet value without rows: the pandas error
    m, f = key
    seeded = "seed" in src.columns
    lines = src.lines_of(inp.originals, panel=m, facet=f, series=list(levels))
    steps = _group_steps(src, lines) if seeded else None
    groups = []
    for name, part in lines.groupby("_series", sort=False):
        first = part.iloc[0]
        n_steps = int(first["n"]) if steps is None else steps[str(name)]
        if seeded and int(part["n"].sum()) > _reduce.IN_MEMORY_ROWS and (
                (part["n"] != n_steps).any()):  # fmt: skip
            raise InputError(
                f"reward_length: the seeds of run {name!r} (metric {m!r}) are logged at "
                "different steps; for a frame that is not pandas, long runs' seeds must share "
                "their steps (pandas interpolates between them): resample the seeds to common "
                "steps, or pass the rows as a pandas frame"
            )  # fmt: skip
        x_range = plot_values(pd.Series([part["x0"].min(), part["x1"].max()]), inp.plot_x,
                              inp.time)  # fmt: skip
        groups.append(Group(series=str(name), where=src.where(first, ["series", "panel", "facet"]),
                            steps=n_steps, rows=int(part["n"].sum()),
                            x_range=(float(x_range[0]), float(x_range[1]))))  # fmt: skip
    window = None
    if band is not None and not seeded:
        n = max(g.steps for g in groups)
        window = band_window if band_window is not None else max(5, (n // 50) | 1)
    before, after = _context(
        smooth, window, long=any(g.rows > _reduce.IN_MEMORY_ROWS for g in groups)
    )
    cols = ["smooth", *(["lower", "upper"] if band is not None or seeded else [])]
    seed_text = {v: k for k, v in inp.originals["seed"][0].items()} if seeded else {}
    plan = Plan(width_px=width_px, x_domain=(float(x_domain[0]), float(x_domain[1])),
                columns=["y", *cols] if raw else cols, enabled=enabled, before=before,
                after=after, seed=src.columns.get("seed"), seed_text=seed_text,
                plot_x=inp.plot_x, time=inp.time,
                repeated=lambda g: src.require_one_row_per_step(
                    src.lines_of(inp.originals, panel=grid.metrics), src.check))  # fmt: skip

    name, weight = parse_smooth(smooth)
    flat = {g.series for g, (_, p) in zip(groups, lines.groupby("_series", sort=False),
                                          strict=True) if (p["y0"] == p["y1"]).all()}  # fmt: skip

    def compute(rows: pd.DataFrame) -> pd.DataFrame:
        if seeded or band is not None or name not in ("ema", "none"):
            return _prepare(rows, smooth=smooth, band=band, band_window=window, seeded=seeded)
        # The pandas path's smoothing of one sorted run, without its frame copies: the
        # same EMA of the same floats (a constant run is left as it is).
        v = rows["y"].to_numpy(dtype=float)
        keep = name == "none" or str(rows["series"].iloc[0]) in flat
        out = rows[["series", "x", "y"]]
        return out.assign(smooth=v.copy() if keep else ema_values(v, float(weight or 0.0)))

    return reduce_groups(src.lf, groups, plan=plan, compute=compute, x=src.columns["x"],
                         y=src.columns["y"])  # fmt: skip


def _group_steps(src: _Source, lines: pd.DataFrame) -> dict[str, int]:
    """Distinct steps of each series of ``lines`` over its seeds (one small query)."""
    import narwhals.stable.v2 as nw

    from vegafigs.engines.curves import finite, key_filter
    from vegafigs.engines.frames import collect_pandas

    series = src.columns["series"]
    if lines.empty:
        return {}
    first = lines.iloc[0]
    where = finite(src.lf, [src.columns["x"], src.columns["y"]]) & key_filter(
        src.where(first, ["panel", "facet"])
    )
    counts = collect_pandas(src.lf.filter(where).group_by(series).agg(
        nw.col(src.columns["x"]).n_unique().alias("__nx")))  # fmt: skip
    back = dict(zip(lines[series], lines["_series"], strict=False))
    return {back[k]: int(v) for k, v in zip(counts[series], counts["__nx"], strict=True)
            if k in back}  # fmt: skip


def _context(smooth: str | tuple[str, float] | None, window: int | None, *,
             long: bool) -> tuple[int, int]:  # fmt: skip
    """Steps of context (before, after) the smoothing and rolling band need per row."""
    name, param = parse_smooth(smooth)
    before = after = 0
    if name == "ema" and param is not None:
        before = ema_context(param)
    elif name == "twema" and long:
        raise InputError(
            "smooth: 'twema' weights by each run's whole x range, which a frame that is not "
            "pandas cannot stream for runs this long; use 'ema:W', or pass a pandas frame"
        )
    elif name == "rolling" and param is not None:
        before = after = int(param) // 2
    elif name == "gaussian" and param is not None:
        before = after = max(1, math.ceil(4 * param))
    if window is not None:
        before, after = max(before, window), max(after, window)
    return before, after
