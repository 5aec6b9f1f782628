"""``kl_spaghetti``: KL paths coloured by alive/dead, one panel per alpha (seed 004)."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import require_printable
from vegafigs._fields import as_text_levels, require_column_names, text_of
from vegafigs._layout import MIN_PLOT, PADDING
from vegafigs._params import BOOL, NONNEGATIVE, POSITIVE, POSITIVE_INT, TEXT, checked
from vegafigs.errors import InputError
from vegafigs.figure import Figure, Panel, make_figure
from vegafigs.figures._common import wrap_title
from vegafigs.figures.scaling import wrap_label
from vegafigs.frames import is_frame, to_pandas
from vegafigs.io.kl_runs import KLRuns, _alpha_key
from vegafigs.layers._encode import color_encoding
from vegafigs.layers.paths import DECIMALS, json_numbers, packed_numbers, segment_paths, unpack
from vegafigs.themes import Style, figure_size, merge, resolve_theme, text_width
from vegafigs.themes.config import Config
from vegafigs.transforms.kl import kl_alive_summary, kl_median, kl_states, kl_ymax, panel_xmax
from vegafigs.transforms.states import simplify_paths

ALIVE_COLOR = "#3a7ca5"
DEAD_COLOR = "#d97706"
BACKGROUND = "#faf7f2"
#: Text and axis colour (seaborn's ".15" grey; the ``sans`` theme's ink).
INK = "#262626"
#: Legend entries (the colour scale's domain) in legend order.
STATES = ("alive", "dead", "EOS", "target")
#: The seed's colours per legend entry (``palette`` overrides some).
COLORS = {"alive": ALIVE_COLOR, "dead": DEAD_COLOR, "EOS": "black", "target": "black"}
#: Vertical bar marker (matplotlib's "|"), as an SVG path in the unit square.
BAR = "M0,-1L0,1"
#: Gap between panels, pt.
SPACING = 14.0
#: Gaps between the columns and the rows of a grid (no y labels between them), pt.
GRID_SPACING = (8.0, 6.0)
#: Grids in figures lower than this (in) keep at most two title lines.
LOW_FIGURE = 2.5
#: End tick labels this close (px) to a plot edge are flush with it (not overhanging).
FLUSH = 8
#: Smallest font size (pt) of the counts in the plot.
MIN_TEXT = 5.0
#: Plots narrower than this (pt) get only two x ticks: 0 and a round last value.
NARROW = 90.0
#: Narrowest plot (pt) before the panels go into more rows.
MIN_WIDTH = 70.0
#: Lowest plot (pt) that more rows may leave.
MIN_HEIGHT = 20.0
#: Legend text relative to the theme's legend labels (the seed: 7 pt beside 9 pt labels),
#: but not below 7 pt (or the labels' size if they are smaller).
LEGEND_SCALE = 7 / 9
#: Path width relative to the theme's line width (hundreds of paths: hairlines).
PATH_SCALE = 1 / 3
#: Tolerance of the path simplification, px of the estimated plot.
TOLERANCE = 0.3
#: Measured legend sizes by spec (the layout may try a legend more than once).
_LEGEND_BOXES: dict[str, tuple[float, float]] = {}


@dataclass(frozen=True)
class _Look:
    """What every panel shares: texts, encodings' settings, sizes (estimated, pt)."""

    palette: dict[str, str]
    labels: dict[str, str]
    y_title: str | list[str]
    y_title_size: float | None
    y_range: tuple[float, float]
    kl_log: bool
    decimals: int
    plot: tuple[float, float]
    legend: alt.Legend
    legend_inside: bool
    legend_size: float
    heads: list[str | list[str]]
    counts: list[str] | None
    counts_size: float
    columns: int
    shared_x: bool


def _symlog(v: np.ndarray, constant: float = 0.1) -> np.ndarray:
    return np.sign(v) * np.log1p(np.abs(v) / constant)


def _symlog_ticks(lo: float, hi: float) -> list[float]:
    """0 and the powers of ten (either sign) inside ``[lo, hi]``, for a symlog axis."""
    powers = [10.0**k for k in range(7)]
    return [-p for p in reversed(powers) if -p >= lo] + [0.0] + [p for p in powers if p <= hi]


def _simplified(
    pts: pd.DataFrame,
    *,
    x_range: tuple[float, float],
    look: _Look,
    tolerance: float,
) -> pd.DataFrame:
    """``pts`` without the points a straight line replaces to within ``tolerance`` px."""
    f = _symlog if look.kl_log else np.asarray
    y0, y1 = (float(v) for v in f(np.asarray(look.y_range, dtype=float)))
    size = look.plot
    px = pts.assign(
        _x=(pts["t"] - x_range[0]) / (x_range[1] - x_range[0]) * size[0],
        _y=(f(pts["kl"].to_numpy(float)) - y0) / (y1 - y0) * size[1],
    )
    out = simplify_paths(px, path="traj", x="_x", y="_y", state="state", tolerance=tolerance)
    return out.drop(columns=["_x", "_y"])


def _theme(theme: str | Mapping[str, Any] | None, style: Style | None) -> Config:
    """The theme with the seed's look merged over it (background, axis colours, no ticks)."""
    cfg = resolve_theme(theme, default="sans", style=style)
    label = float(cfg["legend"]["labelFontSize"])
    legend_size = round(max(label * LEGEND_SCALE, min(label, 7.0)), 2)
    look = {
        "background": BACKGROUND,
        "axis": {
            "domainColor": INK,
            "domainWidth": 1.1,
            "ticks": False,
            "labelPadding": 4,
            "grid": False,
        },
        "axisY": {"grid": False},
        "legend": {"symbolStrokeColor": None, "labelFontSize": legend_size},
    }
    return merge(cfg, look)


@checked(
    window=POSITIVE_INT,
    threshold=POSITIVE,
    roll=POSITIVE_INT,
    normalize_kl=BOOL,
    calib_tokens=POSITIVE_INT,
    kl_log=BOOL,
    model=TEXT.maybe("model name in the default title"),
    tolerance=NONNEGATIVE.maybe("px a simplified path may move (None: every token)"),
    decimals=DECIMALS,
)
def kl_spaghetti(
    runs: KLRuns,
    *,
    panels: Sequence[str] | None = None,
    window: int = 512,
    threshold: float = 0.8,
    roll: int = 65,
    normalize_kl: bool = True,
    calib_tokens: int = 20,
    kl_log: bool = False,
    palette: Mapping[str, str] | None = None,
    stroke_width: float | None = None,
    opacity: float | None = None,
    model: str | None = None,
    title: str | None = None,
    tolerance: float | None = TOLERANCE,
    decimals: int | None = None,
    theme: str | Mapping[str, Any] | None = None,
    style: Style | None = None,
    width_in: float | None = None,
    height_in: float | None = None,
) -> Figure:
    """Every trajectory's smoothed KL as a thin line, alive/dead coloured; one panel per alpha.

    Alphas of any type are drawn as their text (``1.0`` as ``"1.0"``). Each
    panel shows the paths (alive over dead), an EOS tick where a rollout ended
    before ``window``, the median (black) and the dashed target (1 when
    normalised, else alpha², a note when it is off-scale). All panels share the y
    range ``[-0.05 ymax, ymax]``. The theme gets the seed's background, axis
    colours and no ticks merged over it; legend text is 7/9 of its label size,
    at least 7 pt.

    Small sizes: the panels stay in one row while each plot keeps about 70 pt,
    else they go into a grid (the fewest rows that keep that width while the
    plots keep 20 pt height; ``alt.concat(columns=...)``) with the y labels and
    title in the first column and the x title in the last row (the x labels too
    when the rows are full and share the x range); plots under 90 pt get two x
    ticks (0 and a round last value). The legend sits at the first plot's top
    right, or below the panels (4, 2 or 1 columns; labels without their
    parenthesis when room is short) when it would cover too much of it; panel
    titles break only between the alpha and the counts, and when the plots
    would be too low the counts move into the plots' top (layer ``counts``; in
    two lines rather than below 5 pt), in a low grid the alpha too (layer
    ``head``); a grid lower than 2.5 in keeps at most two title lines; the y
    title splits or shrinks; a title taller than a third of
    the figure is shortened with a warning; a size that cannot hold the panels
    is an :class:`~vegafigs.InputError` naming ``width_in/height_in``.

    Layers per panel (panel id = the alpha): ``paths``, ``eos``, ``median``,
    ``target`` or ``note`` (target off-scale), maybe ``counts`` and ``head``. Data:
    ``summary`` (alpha, n, n_died, n_censored), ``paths`` (alpha, traj, t, kl,
    state, vertex: kept by the simplification), ``median`` (alpha, t, median),
    ``eos`` (alpha, traj, t, kl), ``target`` (alpha, target, shown).

    Bad input: NaN/±inf KL values leave gaps in their lines (see
    :func:`~vegafigs.transforms.kl_states`); long alphas in the panel titles
    wrap after spaces, ``-``, ``_``, ``/``. Runs that are not a ``KLRuns``, no
    panels, a panel that is not an alpha of the runs, an alpha given twice, two
    alphas drawn as one text (``1`` and ``"1"``), an alpha with a control
    character, no trajectories at all, an unknown palette key and bad
    parameters are an :class:`~vegafigs.InputError` naming them.

    Parameters
    ----------
    runs : vegafigs.io.KLRuns
        The trajectories, from :func:`vegafigs.io.load_kl_runs` (or built by
        hand).
    panels : sequence, optional
        The alphas to draw, in order, each an alpha key or a number equal to
        one's value (``4`` draws ``"4.0"``; default None: all of ``runs``, in
        its order). See :term:`panels`.
    window : int, optional
        The generation window, tokens, > 0 (default 512): a rollout that ended
        before it gets an EOS tick and counts as censored. As in
        :func:`~vegafigs.transforms.kl_states`.
    threshold : float, optional
        A token whose pmass is below it is dead, > 0 (default 0.8).
    roll : int, optional
        Width of the rolling mean smoothing the KL, tokens, > 0 (default 65).
    normalize_kl : bool, optional
        Divide each trajectory's KL by the p95 of its first ``calib_tokens``
        tokens (default True); the target line is then 1, else alpha².
    calib_tokens : int, optional
        Tokens the normalisation's p95 is taken over, > 0 (default 20).
    kl_log : bool, optional
        A symlog y axis (default False).
    palette : mapping of str to str, optional
        Colours of the legend entries ``alive``, ``dead``, ``EOS``, ``target``;
        entries it leaves out keep the seed's ``#3a7ca5`` / ``#d97706`` / black
        (default None). See :term:`palette`.
    stroke_width : float, optional
        Width of the paths, pt (default None: a third of the theme's
        ``line.strokeWidth``, 0.5 pt; the legend's lines are the theme's
        width). See :term:`stroke_width`.
    opacity : float, optional
        Opacity of the paths (default None: ``clip(8 / n, 0.2, 0.7)`` per panel
        of ``n`` trajectories). See :term:`opacity`.
    model : str, optional
        The model named in the default ``title`` (default None:
        ``runs.model_contains``).
    title : str, optional
        Figure title (default None: ``"KL trajectories coloured by survival
        (pmass < {threshold} = dead). Model: {model}. window={window}."``).
        See :term:`title`.
    tolerance : float or None, optional
        Path points that a straight line replaces to within this many px are
        dropped, state changes kept, >= 0 (default 0.3; None: every token is
        kept). The px are measured on the plot size *estimated* from the figure
        size and fonts.
    decimals : int, optional
        Digits of the values in the spec, >= 0 (default None: enough for 1/1000
        of the y range).
    theme : str or mapping, optional
        Default None: the enabled vegafigs theme, else ``"sans"``. See
        :term:`theme`.
    style : vegafigs.themes.Style, optional
        Venue preset: the default size and a named theme's font sizes (default
        None). See :term:`style`.
    width_in : float, optional
        Width of the whole figure in inches (default None: the ``style``'s,
        else 3.0 per panel). See :term:`width_in`.
    height_in : float, optional
        Height of the whole figure in inches (default None: the ``style``'s,
        else 3.4). See :term:`height_in`.

    Returns
    -------
    Figure
        A :class:`~vegafigs.Figure` with one panel per alpha.

    Examples
    --------
    >>> import vegafigs as vf, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     runs = vf.io.load_kl_runs(vf.demo.kl_runs(tmp, alphas=["0.5", "4.0"], n_cells=1),
    ...                               alphas=["0.5", "4.0"], model_contains=vf.demo.KL_MODEL)
    >>> fig = vf.figures.kl_spaghetti(runs, width_in=6.75, height_in=2.5)
    >>> fig.panels, list(fig.data["summary"]["n"])
    (('0.5', '4.0'), [8, 8])
    >>> vf.save(fig, "kl.png")  # doctest: +SKIP
    """
    runs = _text_runs(runs)
    alphas = _panel_list(runs, panels)
    colors = _palette(palette)
    cfg = _theme(theme, style)
    size = figure_size(
        width_in=width_in, height_in=height_in, style=style, default=(3.0 * len(alphas), 3.4)
    )
    tokens, per_traj, summary, medians = _statistics(
        runs, alphas, window=window, threshold=threshold, roll=roll,
        normalize_kl=normalize_kl, calib_tokens=calib_tokens,
    )  # fmt: skip
    y_hi = kl_ymax(tokens["kl"].to_numpy())
    thr = str(float(threshold))
    if title is None:
        name = runs.model_contains if model is None else model
        title = f"KL trajectories coloured by survival (pmass < {thr} = dead). Model: {name}. "
        title += f"window={window}."
    heads = [_panel_title(row) for row in summary.itertuples(index=False)]
    texts = _texts(thr, normalize_kl=normalize_kl, calib_tokens=calib_tokens)
    look, title_text, shortened = _look(
        title,
        cfg,
        size,
        texts,
        heads=heads,
        shared_x=len({_x_max(per_traj, a, window) for a in alphas}) == 1,
        palette=colors,
        y_range=(-0.05 * y_hi, y_hi),
        kl_log=kl_log,
        decimals=decimals,
        opacity=_opacities(summary, opacity)[-1],
    )
    if shortened:
        warnings.warn(shortened, stacklevel=3)
    built, frames = [], []
    for j, alpha in enumerate(alphas):
        panel, drawn = _panel(
            alpha,
            j,
            n=len(alphas),
            tokens=tokens,
            per_traj=per_traj,
            medians=medians,
            look=look,
            window=window,
            normalize_kl=normalize_kl,
            calib_tokens=calib_tokens,
            tolerance=tolerance,
            stroke_width=_path_width(cfg, stroke_width),
            opacity=_opacities(summary, opacity)[j],
        )
        built.append(panel)
        frames.append(drawn)
    data = {"summary": summary}
    data.update({k: pd.concat([f[k] for f in frames], ignore_index=True) for k in frames[0]})
    head = alt.Title(title_text, anchor="middle", offset=_title_offset(size))
    compose = _compose(head, shared=not look.legend_inside, columns=look.columns, n=len(alphas))
    built = _presized(built, theme=cfg, size=size, compose=compose)
    return make_figure(built, theme=cfg, size=size, data=data, kind="kl_spaghetti", compose=compose)


def _presized(
    panels: list[Panel], *, theme: Config, size: tuple[float, float], compose: Any
) -> list[Panel]:
    """``panels`` with the plot sizes that make the figure ``size``, found without the data.

    The layout does not depend on the data (explicit domains, clipped marks), so
    it is fitted on the panels with their data layers emptied, which is cheap.
    Whole-pt plot widths are then spread so the content is within 1 pt of the
    width: Vega rounds each panel's bounds up, so uniform fractional widths can
    miss it by up to one pt per panel, and converting the figure would search
    again on the full data (seconds per measurement).
    """
    from vegafigs._layout import _measure

    light = [
        replace(p, layers={k: _emptied(c) if k in ("paths", "eos", "median") else c
                           for k, c in p.layers.items()})
        for p in panels
    ]  # fmt: skip
    spec = make_figure(light, theme=theme, size=size, compose=compose).to_dict(validate=False)
    views = spec[_key(spec)]
    widths = _whole_widths(spec, target=size[0] * 72 - 2 * PADDING, measure=_measure)
    sizes = [float(v["width"]) for v in views] if widths is None else widths
    props = [{"width": float(w), "height": float(views[0]["height"])} for w in sizes]
    return [
        replace(p, properties={**p.properties, **o}) for p, o in zip(panels, props, strict=True)
    ]


def _key(spec: dict[str, Any]) -> str:
    return "hconcat" if "hconcat" in spec else "concat"


def _whole_widths(spec: dict[str, Any], *, target: float, measure: Any) -> list[int] | None:
    """Whole-pt plot widths for the fitted ``spec`` whose content is within 1 pt of
    ``target`` (spread over the grid's columns)."""
    key = _key(spec)
    views = spec[key]
    k = int(spec.get("columns") or len(views))
    widths = [int(np.floor(float(v["width"]))) for v in views[:k]]
    trial = dict(spec, padding=0, autosize={"type": "pad"})
    for _ in range(2):
        trial[key] = [dict(v, width=widths[i % k]) for i, v in enumerate(views)]
        spare = target - measure(trial)[0]
        if 0 <= spare < 1:
            return [widths[i % k] for i in range(len(views))]
        extra = int(np.floor(spare))
        widths = [w + extra // k + (i < extra % k) for i, w in enumerate(widths)]
    return None


def _emptied(chart: Any) -> Any:
    """``chart`` drawing nothing: the same marks and encodings on no rows."""
    out = chart.copy(deep=False)
    out.data = alt.Data(values=[])
    return out


def _statistics(
    runs: KLRuns, alphas: list[str], *, window: int, **options: Any
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tokens and per-trajectory flags (:func:`kl_states`), the summary and the medians."""
    tokens, per_traj = kl_states(runs.trajectories, runs.kl, runs.pmass, window=window, **options)
    summary = kl_alive_summary(per_traj, alphas=alphas)
    if int(summary["n"].sum()) == 0:
        raise InputError(f"panels: no trajectories for {alphas}; the runs have {list(runs.alphas)}")
    tokens = tokens[tokens["alpha"].isin(alphas)]
    return tokens, per_traj, summary, kl_median(tokens, window=window)


def _pandas_runs(runs: KLRuns) -> KLRuns:
    """``runs`` with any frame that is not pandas read with :func:`vegafigs.frames.to_pandas`."""
    frames: dict[str, Any] = {
        name: to_pandas(frame, param=f"runs.{name}")
        for name in ("trajectories", "kl", "pmass")
        if is_frame(frame := getattr(runs, name)) and not isinstance(frame, pd.DataFrame)
    }
    return replace(runs, **frames) if frames else runs


def _text_runs(runs: Any) -> KLRuns:
    """``runs`` with its alphas (the panel ids) as text: numbers, booleans, categories
    drawn as their string form, checked to be distinct and printable."""
    if not isinstance(runs, KLRuns):
        raise InputError(f"runs: expected a KLRuns (from load_kl_runs), got {type(runs).__name__}")
    runs = _pandas_runs(runs)
    traj = runs.trajectories
    if isinstance(traj, pd.DataFrame) and "alpha" in traj.columns:
        require_column_names(traj, ["alpha"], param="runs.trajectories")
        text = as_text_levels(traj["alpha"], column="alpha", param="runs.trajectories")
        traj = traj.assign(alpha=text.astype(object))
    keys = [text_of(a) for a in runs.alphas]
    dup = [a for i, a in enumerate(keys) if a in keys[:i]]
    if dup:
        raise InputError(f"runs.alphas: two alphas are both drawn as {dup[0]!r}")
    for key in keys:
        require_printable(key, param="runs.alphas")
    return replace(runs, trajectories=traj, alphas=tuple(keys))


def _panel_list(runs: KLRuns, panels: Sequence[Any] | None) -> list[str]:
    """The alpha keys of ``panels``: a key given as text, or a number equal to a key's
    value (``4`` is ``"4.0"``); none given: all of ``runs.alphas``."""
    if isinstance(panels, (str, bytes)) or not (panels is None or isinstance(panels, Iterable)):
        raise InputError(f"panels: expected a list of alpha keys, got {panels!r}")
    keys = list(runs.alphas)
    if panels is None:
        out = keys
    else:
        out = []
        for p in panels:
            key = _alpha_key(p, keys) if _is_number(p) else text_of(p)
            if key is None or key not in keys:
                raise InputError(f"panels: {p!r} is not an alpha of the runs; they are {keys}")
            out.append(key)
    if not out:
        raise InputError("panels: expected at least one alpha")
    dup = [a for i, a in enumerate(out) if a in out[:i]]
    if dup:
        raise InputError(f"panels: {dup[0]!r} is given twice")
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def _palette(palette: Mapping[str, str] | None) -> dict[str, str]:
    unknown = [k for k in (palette or {}) if k not in COLORS]
    if unknown:
        raise InputError(f"palette: {unknown} are not legend entries; they are {list(STATES)}")
    return {**COLORS, **dict(palette or {})}


def _path_width(cfg: Config, stroke_width: float | None) -> float:
    """The paths' width: ``stroke_width``, else a third of the theme's line width."""
    if stroke_width is not None:
        return float(stroke_width)
    return round(float(cfg.get("line", {}).get("strokeWidth", 1.5)) * PATH_SCALE, 3)


def _opacities(summary: pd.DataFrame, opacity: float | None) -> list[float]:
    if opacity is not None:
        return [float(opacity)] * len(summary)
    return [float(np.clip(8.0 / max(int(n), 1), 0.2, 0.7)) for n in summary["n"]]


def _panel_title(row: Any) -> tuple[str, str]:
    """The seed's panel title in two parts: the alpha and the counts."""
    return f"α={row.alpha}", f"n={row.n} died={int(row.n_died)} cens={int(row.n_censored)}"


def _texts(thr: str, *, normalize_kl: bool, calib_tokens: int) -> dict[str, str]:
    """Legend labels and the y title."""
    target = f"calib p95 (tokens<{calib_tokens}) = 1" if normalize_kl else "calib target α²"
    return {
        "alive": f"alive (pmass >= {thr})",
        "dead": f"dead (pmass < {thr})",
        "EOS": "EOS (right-censored)",
        "target": target,
        "y_title": f"KL / p95(KL[:{calib_tokens}])" if normalize_kl else "per-token KL",
    }


def _lines(text: str | list[str]) -> int:
    return 1 if isinstance(text, str) else len(text)


def _title_offset(size: tuple[float, float]) -> float:
    height = size[1] * 72
    return 12.0 if height >= 200 else 5.0 if height >= 160 else 2.0


def _look(
    title: str, cfg: Config, size: tuple[float, float], texts: dict[str, str], **kw: Any
) -> tuple[_Look, str | list[str], str]:
    """The layout, the wrapped title and the warning if it was shortened: a grid in a
    figure lower than :data:`LOW_FIGURE` keeps at most two title lines."""
    title_text, shortened = _title(title, cfg, size)
    look = _layout(cfg, size, texts, title=title_text, **kw)
    if look.columns < len(kw["heads"]) and size[1] < LOW_FIGURE and _lines(title_text) > 2:
        title_text, shortened = _title(title, cfg, size, most=2)
        look = _layout(cfg, size, texts, title=title_text, **kw)
    return look, title_text, shortened


def _title(
    title: str, cfg: Config, size: tuple[float, float], most: int | None = None
) -> tuple[str | list[str], str]:
    """``title`` wrapped to the figure's width, in at most a third of its height
    (or ``most`` lines).

    Lines beyond that are dropped (the last kept one ends with "…"); the second
    item is then the warning to give (else "").
    """
    font, font_size = cfg["title"]["font"], float(cfg["title"]["fontSize"])
    text = wrap_title(title, width=size[0] * 72 - 2 * PADDING - 16, font=font, size=font_size)
    most = most or max(1, int(size[1] * 72 / 3 // (font_size * 1.2)))
    if isinstance(text, str) or len(text) <= most:
        return text, ""
    warning = (
        f"title: shortened to {most} line(s) to fit {size[0]:g} x {size[1]:g} in; "
        "pass a shorter title or a larger width_in/height_in"
    )
    return [*text[: most - 1], text[most - 1] + " …"], warning


def _compose(title: alt.Title, *, shared: bool, columns: int, n: int) -> Any:
    resolve = {"color": "shared" if shared else "independent", "x": "independent"}

    def compose(panels: Sequence[alt.LayerChart]) -> alt.TopLevelMixin:
        if columns >= n:
            chart: Any = alt.hconcat(*panels, spacing=SPACING)
        else:
            spacing = {"column": GRID_SPACING[0], "row": GRID_SPACING[1]}
            chart = alt.concat(*panels, columns=columns, spacing=spacing)
        return chart.resolve_scale(**resolve, y="independent").properties(title=title)

    return compose


def _layout(
    cfg: Config,
    size: tuple[float, float],
    texts: dict[str, str],
    *,
    heads: list[tuple[str, str]],
    title: str | list[str],
    shared_x: bool,
    palette: dict[str, str],
    y_range: tuple[float, float],
    kl_log: bool,
    decimals: int | None,
    opacity: float,
) -> _Look:
    """Estimated plot size (pt), the grid's columns and where the legend goes."""
    font, title_size = cfg["font"], float(cfg["title"]["fontSize"])
    legend_size = float(cfg["legend"]["labelFontSize"])
    width = size[0] * 72 - 2 * PADDING
    kw: dict[str, Any] = {"heads": heads, "title": title, "shared_x": shared_x}
    columns = _columns(cfg, size, **kw)
    geo = _geometry(cfg, size, columns=columns, **kw)
    plot_w, plot_h, wrapped, counts = geo
    if min(plot_w, plot_h) < MIN_PLOT:
        raise _too_small(size, len(heads))
    legend, inside, below = _legend_place(
        texts, cfg=cfg, palette=palette, opacity=opacity, plot=(plot_w, plot_h), width=width
    )
    plot_h -= below
    head_lines = max(_lines(h) for h in wrapped)
    rows = -(-len(heads) // columns)
    if plot_h < 40 and head_lines > 1 and plot_w > 2 * MIN_PLOT:
        # The counts move into the plot's top (empty: the y range reaches 1.4 x p99).
        fit = {"width": 0.85 * plot_w, "font": font, "size": title_size, "whole_words": False}
        wrapped, counts = [wrap_label(h[0], **fit) for h in heads], [h[1] for h in heads]
        plot_h += (head_lines - max(_lines(h) for h in wrapped)) * title_size * 1.2 * rows
    if columns < len(heads) and plot_h < MIN_HEIGHT and counts is not None:
        # No room for title rows: the alpha goes into the plot too, over the counts' lines.
        plot_h += max(_lines(h) for h in wrapped) * title_size * 1.2 * rows
        fit = {"width": 0.85 * plot_w - 8, "font": font, "size": legend_size}
        wrapped = [f"\t{_joined(wrap_label(h[0], **fit, whole_words=False))}" for h in heads]
    counts, counts_size = _fit_counts(counts, width=0.85 * plot_w - 8, font=font, size=legend_size)
    if min(plot_w, plot_h) < MIN_PLOT:
        raise _too_small(size, len(heads))
    y_title, y_title_size = _y_title(
        texts["y_title"], height=plot_h, font=font, size=float(cfg["axis"]["titleFontSize"])
    )
    if decimals is None:
        decimals = max(0, int(np.ceil(-np.log10(y_range[1] - y_range[0]))) + 3)
    return _Look(
        palette=palette,
        labels=texts,
        y_title=y_title,
        y_title_size=y_title_size,
        y_range=y_range,
        kl_log=kl_log,
        decimals=decimals,
        plot=(plot_w, plot_h),
        legend=legend,
        legend_inside=inside,
        legend_size=legend_size,
        heads=wrapped,
        counts=counts,
        counts_size=counts_size,
        columns=columns,
        shared_x=shared_x,
    )


def _columns(
    cfg: Config,
    size: tuple[float, float],
    *,
    heads: list[tuple[str, str]],
    title: Any,
    shared_x: bool,
) -> int:
    """Panels per row: one row if each plot keeps :data:`MIN_WIDTH`, else the fewest rows
    that do while the plots keep :data:`MIN_HEIGHT`; else the best compromise."""
    n = len(heads)
    options = sorted({-(-n // rows) for rows in range(1, n + 1)}, reverse=True)
    scores = []
    for k in options:
        geo = _geometry(cfg, size, heads=heads, title=title, columns=k, shared_x=shared_x)
        plot_w, plot_h = geo[0], geo[1]
        if plot_w >= MIN_WIDTH and plot_h >= MIN_HEIGHT:
            return k
        scores.append((min(plot_w / MIN_WIDTH, plot_h / MIN_HEIGHT), k))
    return max(scores)[1]


def _geometry(
    cfg: Config,
    size: tuple[float, float],
    *,
    heads: list[tuple[str, str]],
    title: Any,
    columns: int,
    shared_x: bool,
) -> tuple[float, float, list[str | list[str]], list[str] | None]:
    """Plot width and height (before the legend), panel titles and counts (or ``None``)
    for ``columns`` panels per row. One row: every panel has its y tick labels;
    a grid: only the first column has them and only the last row has x titles (and
    x tick labels if all panels share the x range, ``shared_x``)."""
    axis, font = cfg["axis"], cfg["font"]
    label, axis_title = float(axis["labelFontSize"]), float(axis["titleFontSize"])
    title_size, n = float(cfg["title"]["fontSize"]), len(heads)
    width, height = size[0] * 72 - 2 * PADDING, size[1] * 72 - 2 * PADDING
    top = _lines(title) * title_size * 1.2 + _title_offset(size) + 2
    if columns == n:
        plot_w = (width - (n - 1) * SPACING - (axis_title + 6) - n * (1.6 * label + 4)) / n
        wrapped = [
            wrap_label(
                " ".join(h), width=0.85 * plot_w, font=font, size=title_size, whole_words=False
            )
            for h in heads
        ]
        head_lines = max(_lines(h) for h in wrapped)
        plot_h = height - top - head_lines * title_size * 1.2 - (label + axis_title + 10)
        return plot_w, plot_h, wrapped, None
    rows = -(-n // columns)
    gaps = (columns - 1) * GRID_SPACING[0]
    plot_w = (width - gaps - (axis_title + 6) - (1.6 * label + 4)) / columns
    titles, counts = _heads(heads, width=0.95 * plot_w, font=font, size=title_size)
    x_labels = label + 6
    shared_x = shared_x and n % columns == 0  # full rows: x labels on the last row only
    per_row = max(_lines(h) for h in titles) * title_size * 1.2 + 2 + (0 if shared_x else x_labels)
    bottom = axis_title + 4 + (x_labels if shared_x else 0)
    rest = height - top - rows * per_row - (rows - 1) * GRID_SPACING[1] - bottom
    return plot_w, rest / rows, titles, counts


def _heads(
    heads: list[tuple[str, str]], *, width: float, font: str, size: float
) -> tuple[list[str | list[str]], list[str] | None]:
    """Panel titles within ``width``, broken only between the alpha and the counts:
    one line, else two, else the alpha alone (the counts returned to go in the plot;
    an alpha wider than ``width`` in lines, broken after spaces, ``-``, ``_``, ``/``)."""

    def fits(texts: list[str]) -> bool:
        return all(text_width(t, font=font, size=size) <= width for t in texts)

    if fits([" ".join(h) for h in heads]):
        return [" ".join(h) for h in heads], None
    if fits([t for h in heads for t in h]):
        return [list(h) for h in heads], None
    alone = [wrap_label(h[0], width=width, font=font, size=size, whole_words=False) for h in heads]
    return alone, [h[1] for h in heads]


def _joined(text: str | list[str]) -> str:
    """Lines as one text with line breaks (an in-plot text mark breaks at ``\\n``)."""
    return text if isinstance(text, str) else "\n".join(text)


def _fit_counts(
    counts: list[str] | None, *, width: float, font: str, size: float
) -> tuple[list[str] | None, float]:
    """The counts in one line at most ``size`` fitting ``width``; in two lines (split at
    the last space) when one line would be below :data:`MIN_TEXT` pt."""

    def fitted(lines: list[list[str]]) -> float:
        widest = max(text_width(t, font=font, size=size) for ls in lines for t in ls)
        return round(min(size, size * width / widest), 2)

    if counts is None:
        return None, size
    one = fitted([[c] for c in counts])
    if one >= MIN_TEXT:
        return counts, one
    split = [c.rsplit(" ", 1) for c in counts]
    return ["\n".join(s) for s in split], max(MIN_TEXT, fitted(split))


def _too_small(size: tuple[float, float], n: int) -> InputError:
    return InputError(
        f"width_in/height_in: {size[0]:.2f} x {size[1]:.2f} in is too small for {n} "
        "panel(s) with their titles, axes and legend"
    )


def _y_title(
    text: str, *, height: float, font: str, size: float
) -> tuple[str | list[str], float | None]:
    """The y title fitting ``height``: in one or two lines, without its parenthesis if
    need be, and as a last resort in a smaller font (returned; else ``None``)."""

    def split(t: str) -> list[str]:
        head, sep, tail = t.partition(" / ") if " / " in t else t.rpartition(" ")
        return [f"{head}{sep.rstrip()}", tail] if sep else [t]

    def length(c: str | list[str]) -> float:
        return max(text_width(t, font=font, size=size) for t in ([c] if isinstance(c, str) else c))

    short = re.sub(r"\(.*\)", "", text).strip()
    candidates: list[str | list[str]] = [text, split(text), short, split(short)]
    for c in candidates:
        if length(c) <= height:
            return c, None
    return candidates[-1], round(max(5.0, size * height / length(candidates[-1])), 2)


def _legend_place(
    texts: dict[str, str],
    *,
    cfg: Config,
    palette: dict[str, str],
    opacity: float,
    plot: tuple[float, float],
    width: float,
) -> tuple[alt.Legend, bool, float]:
    """The legend, whether it is inside the first plot, and the height it takes below.

    Inside the first plot's top right if it covers little of it; else below the
    panels in 4, 2 or 1 columns, whatever fits the width; when the plots would be
    left too low, the labels drop their parenthesised part (one or two rows).
    Each candidate is measured as Vega lays it out.
    """
    full = {s: texts[s] for s in STATES}
    short = {s: re.sub(r"\s*\([^)]*\)", "", v) for s, v in full.items()}
    size = float(cfg["legend"]["labelFontSize"])
    kw: dict[str, Any] = {"palette": palette, "size": size, "opacity": opacity}
    inside = _legend(full, inside=True, columns=1, **kw)
    w, h = _legend_box(inside, cfg, palette)
    if w <= 0.75 * plot[0] and h <= 0.65 * plot[1]:
        return inside, True, 0.0
    fallback: tuple[alt.Legend, bool, float] | None = None
    for labels, columns in ((full, 4), (full, 2), (full, 1), (short, 4), (short, 2)):
        legend = _legend(labels, inside=False, columns=columns, compact=labels is short, **kw)
        w, h = _legend_box(legend, cfg, palette)
        if w > width:
            continue
        fallback = fallback or (legend, False, h + 4)
        if plot[1] - h - 4 >= 40 or labels is short:
            return legend, False, h + 4
    if fallback is None:
        raise InputError(f"width_in/height_in: {width / 72:.2f} in is too narrow for the legend")
    return fallback


def _legend_box(legend: alt.Legend, cfg: Config, palette: dict[str, str]) -> tuple[float, float]:
    """Width and height (pt) of ``legend`` as Vega draws it with the theme ``cfg``."""
    from vegafigs._layout import scene
    from vegafigs.themes import applied

    chart = (
        alt.Chart(alt.Data(values=[{"state": s} for s in STATES]))
        .mark_point()
        .encode(color=color_encoding("state", palette, legend=legend))
        .properties(width=1, height=1)
    )
    with applied(cfg):
        spec = chart.to_dict()
    key = json.dumps(spec, sort_keys=True, default=str)
    if key not in _LEGEND_BOXES:
        _LEGEND_BOXES[key] = _drawn_legend(scene(spec)["scenegraph"])
    return _LEGEND_BOXES[key]


def _drawn_legend(scene: dict[str, Any]) -> tuple[float, float]:
    stack = [scene]
    while stack:
        node = stack.pop()
        if node.get("stroke") == "#cccccc" and "width" in node:
            return float(node["width"]), float(node["height"])
        stack.extend(node.get("items", []))
    raise AssertionError("the legend was not drawn")


def _legend(
    texts: dict[str, str],
    *,
    palette: dict[str, str],
    size: float,
    opacity: float,
    inside: bool,
    columns: int,
    compact: bool = False,
) -> alt.Legend:
    """The legend: inside the first panel's top right, or below the panels in ``columns``."""
    label_map = json.dumps({s: texts[s] for s in STATES}, sort_keys=True)
    scale = size / 7 * (0.75 if compact else 1.0)
    place: dict[str, Any] = (
        {"orient": "top-right", "offset": 4, "padding": 4}
        if inside
        else {
            "orient": "bottom",
            "direction": "horizontal",
            "columns": columns,
            "offset": 4,
            "columnPadding": 3 if compact else 8,
            "padding": 2 if compact else 4,
            "labelOffset": 2 if compact else 4,
        }
    )
    return alt.Legend(
        title=None,
        labelExpr=f"{label_map}[datum.value]",
        symbolType={"expr": f"datum.value === 'EOS' ? '{BAR}' : 'stroke'"},
        symbolDash={"expr": "datum.value === 'target' ? [3, 1.5] : []"},
        symbolOpacity={"expr": f"indexof(['alive', 'dead'], datum.value) >= 0 ? {opacity} : 1"},
        symbolSize={
            "expr": f"datum.value === 'EOS' ? {round(30 * scale**2, 2)} : "
            f"{round(130 * scale**2, 2)}"
        },
        fillColor=BACKGROUND,
        strokeColor="#cccccc",
        cornerRadius=3,
        rowPadding=1,
        **place,
    )


def _encodings(look: _Look, x_hi: float, j: int, n: int) -> tuple[alt.X, alt.Y]:
    """The panel's x and y: in a grid, y labels and title in the first column only,
    the x title in the last row (and the x labels too if the rows are full and share
    the x range); narrow plots get two x ticks."""
    lo, hi = look.y_range
    grid, first = look.columns < n, j % look.columns == 0
    last_row = not grid or j >= (n - 1) // look.columns * look.columns
    x_axis: dict[str, Any] = {"tickCount": 3}
    if look.plot[0] < NARROW:
        step = 10 ** np.floor(np.log10(max(x_hi, 1)))
        x_axis = {"values": [0, float(np.floor(x_hi / step) * step)], "labelFlush": FLUSH}
    if not (last_row or not look.shared_x or n % look.columns):
        x_axis["labels"] = False
    x = alt.X(
        "t:Q",
        scale=alt.Scale(domain=[-1, x_hi], nice=False, zero=False),
        title="token t" if last_row else None,
        axis=alt.Axis(**x_axis),
    )
    y_scale: dict[str, Any] = {"domain": [round(lo, 6), round(hi, 6)], "nice": False}
    axis: dict[str, Any] = {"tickCount": int(max(2, min(5, look.plot[1] // 18)))}
    if look.kl_log:
        y_scale.update(type="symlog", constant=0.1)
        axis = {"values": _symlog_ticks(lo, hi), "format": "~r"}
    if first and look.y_title_size is not None:
        axis["titleFontSize"] = look.y_title_size
    if grid:  # the top label inside the row: no overlap with the panel title
        axis.update(labelFlush=FLUSH) if first else axis.update(labels=False)
    y = alt.Y(
        "kl:Q",
        scale=alt.Scale(**y_scale),
        title=look.y_title if first else None,
        axis=alt.Axis(**axis),
    )
    return x, y


def _panel(
    alpha: str,
    j: int,
    *,
    n: int,
    tokens: pd.DataFrame,
    per_traj: pd.DataFrame,
    medians: pd.DataFrame,
    look: _Look,
    window: int,
    normalize_kl: bool,
    calib_tokens: int,
    tolerance: float | None,
    stroke_width: float,
    opacity: float,
) -> tuple[Panel, dict[str, pd.DataFrame]]:
    """One alpha's panel and the frames it drew."""
    trajs = per_traj[per_traj["alpha"] == alpha]
    x_hi = _x_max(per_traj, alpha, window)
    x, y = _encodings(look, x_hi, j, n)
    legend: Any = look.legend if j == 0 or not look.legend_inside else None
    pts = tokens[tokens["traj"].isin(trajs.loc[trajs["drawn"], "traj"])]
    pts = pts.assign(state=np.where(pts["alive"].to_numpy(), "alive", "dead"))
    shown = pts
    if len(pts) and tolerance is not None:
        shown = _simplified(pts, x_range=(-1.0, x_hi), look=look, tolerance=tolerance)
    paths = _paths_layer(shown, look, legend=legend, stroke_width=stroke_width, opacity=opacity)
    ends = trajs[trajs["censored"]]
    eos_rows = [
        {"t": int(t), "kl": v, "state": "EOS"}
        for t, v in zip(
            ends["end_t"], json_numbers(ends["end_kl"].to_numpy(), look.decimals), strict=True
        )
        if v is not None
    ]
    eos = (
        alt.Chart(alt.Data(values=eos_rows))
        .mark_point(shape=BAR, size=9, strokeWidth=0.8, opacity=0.6, filled=False, clip=True)
        .encode(x=x, y=y, color=color_encoding("state", look.palette, legend=legend))
    )
    med = medians[medians["alpha"] == alpha]
    layers = {
        "paths": paths.encode(x=x, y=y),
        "eos": eos,
        "median": _median_layer(med, look).encode(x=x, y=y),
    }
    target = _target(alpha, normalize_kl)
    shown_target = bool(np.isfinite(target) and 0 < target <= look.y_range[1])
    if shown_target:
        layers["target"] = (
            alt.Chart(alt.Data(values=[{"kl": target, "state": "target"}]))
            .mark_rule(strokeDash=[3.3, 1.4], strokeWidth=0.9)
            .encode(y=y, color=color_encoding("state", look.palette, legend=legend))
        )
    elif np.isfinite(target) and target > 0:
        layers["note"] = _note(alpha, target, look, normalize_kl, calib_tokens)
    head = look.heads[j]
    if isinstance(head, str) and head.startswith("\t"):  # the alpha in the plot
        layers["head"] = _text(head[1:], look, x=3.0, y=1.0, align="left")
    if look.counts is not None:
        head_lines = str(head).count("\n") + 1 if "head" in layers else 0
        below = 1.0 + 1.15 * look.legend_size * head_lines
        layers["counts"] = _text(
            look.counts[j], look, x=3.0, y=below, align="left", size=look.counts_size
        )
    # the estimate: a good start for the fit (see _presized)
    props: dict[str, Any] = {"width": round(look.plot[0], 1), "height": round(look.plot[1], 1)}
    if "head" not in layers:
        props["title"] = head
    drawn = {
        "paths": pts[["alpha", "traj", "t", "kl", "state"]]
        .assign(vertex=_vertices(pts, shown))
        .reset_index(drop=True),
        "median": med.reset_index(drop=True),
        "eos": ends[["alpha", "traj", "end_t", "end_kl"]]
        .rename(columns={"end_t": "t", "end_kl": "kl"})
        .reset_index(drop=True),
        "target": pd.DataFrame({"alpha": [alpha], "target": [target], "shown": [shown_target]}),
    }
    return Panel(alpha, layers, properties=props), drawn


def _x_max(per_traj: pd.DataFrame, alpha: str, window: int) -> float:
    trajs = per_traj[per_traj["alpha"] == alpha]
    return panel_xmax(int(trajs["n_tokens"].max()) if len(trajs) else 0, window)


def _vertices(pts: pd.DataFrame, shown: pd.DataFrame) -> np.ndarray:
    """Which rows of ``pts`` are vertices of the drawn (simplified) lines."""
    if not len(pts):
        return np.zeros(0, dtype=bool)
    kept = pd.MultiIndex.from_frame(shown[["traj", "t"]])
    return pd.MultiIndex.from_frame(pts[["traj", "t"]]).isin(kept)


def _paths_layer(
    pts: pd.DataFrame, look: _Look, *, legend: Any, stroke_width: float, opacity: float
) -> alt.Chart:
    if not len(pts):  # nothing drawn (e.g. alpha 0: no KL scale); keeps the layer and legend
        return (
            alt.Chart(alt.Data(values=[]))
            .mark_line(strokeWidth=stroke_width)
            .encode(color=color_encoding("state", look.palette, legend=legend))
        )
    return segment_paths(
        pts[["traj", "t", "kl", "state"]],
        x="t",
        y="kl",
        path="traj",
        state="state",
        palette=look.palette,
        draw_order=["dead", "alive"],
        stroke_width=stroke_width,
        opacity=opacity,
        decimals=look.decimals,
        legend=legend,
    )


def _median_layer(med: pd.DataFrame, look: _Look) -> alt.Chart:
    rows = {
        "t": packed_numbers(med["t"].to_numpy(int), None),
        "kl": packed_numbers(med["median"].to_numpy(), look.decimals),
    }
    data = pd.DataFrame([rows]) if len(med) else pd.DataFrame({"t": [], "kl": []})
    chart = unpack(alt.Chart(data), ["t", "kl"]) if len(med) else alt.Chart(data)
    return chart.mark_line(color="black", strokeWidth=1.3, opacity=0.9, clip=True)


def _target(alpha: str, normalize_kl: bool) -> float:
    """The calibration target: 1 when normalised, else alpha² (NaN for a non-number alpha)."""
    if normalize_kl:
        return 1.0
    try:
        return float(alpha) ** 2
    except ValueError:
        return float("nan")


def _note(alpha: str, target: float, look: _Look, normalize_kl: bool, calib_tokens: int) -> Any:
    label = look.labels["target"] if normalize_kl else f"calib target α²={target:.2g}"
    counts = 0 if look.counts is None else look.counts[0].count("\n") + 1
    head = str(look.heads[0])
    lines = counts + (head.count("\n") + 1 if head.startswith("\t") else 0)
    below = round(1.3 * lines * look.legend_size, 2)
    return _text(
        f"{label} off-scale", look, x=-0.02, y=0.08, y_offset=below, align="right", color="#404040"
    )


def _text(
    text: str,
    look: _Look,
    *,
    x: float,
    y: float,
    align: Literal["left", "right"],
    y_offset: float = 0.0,
    color: str = INK,
    size: float | None = None,
) -> alt.Chart:
    """One line of text in the plot: ``x``/``y`` in px (>= 1) or fractions of the plot
    (``x`` < 0: from the right edge), at the legend's text size."""
    lines: dict[str, Any] = {"lineBreak": "\n"} if "\n" in text else {}
    x_expr = f"{x}" if x >= 1 else f"width * {1 + x:g}" if x < 0 else f"width * {x:g}"
    y_expr = f"{y}" if y >= 1 else f"height * {y:g} + {y_offset:g}"
    return (
        alt.Chart(alt.Data(values=[{"text": text}]))
        .mark_text(
            x={"expr": x_expr},
            y={"expr": y_expr},
            align=align,
            baseline="top",
            fontSize=look.legend_size if size is None else size,
            color=color,
            limit={"expr": "width - 4"},
            **lines,
        )
        .encode(text="text:N")
    )


def summary_markdown(summary: pd.DataFrame) -> str:
    """The per-alpha counts as a Markdown (pipe) table, numbers right-aligned.

    >>> print(summary_markdown(pd.DataFrame({"alpha": ["0.5"], "n": [32], "n_died": [1],
    ...                                      "n_censored": [9]})), end="")
    | alpha |  n | n_died | n_censored |
    |------:|---:|-------:|-----------:|
    |   0.5 | 32 |      1 |          9 |
    """
    header = [str(c) for c in summary.columns]
    rows = [[str(v) for v in row] for row in summary.itertuples(index=False)]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = [
        "| " + " | ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join(lines) + "\n"
