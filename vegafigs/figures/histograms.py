"""``metric_histograms``: one histogram per panel with a statistics box (seed 000)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from vegafigs._checks import require_no_missing
from vegafigs._params import FORMAT, MAPPING, POSITIVE_INT, TEXT, Param, checked
from vegafigs.errors import InputError
from vegafigs.figure import Figure, Panel, hconcat, make_figure
from vegafigs.figures._common import clean_numeric, letter, ordered_levels, per_level
from vegafigs.layers.histogram import histogram
from vegafigs.layers.text import stats_box
from vegafigs.themes import Style, figure_size, resolve_theme
from vegafigs.transforms.stats import histogram_bins, summary_stats

#: Panel colours of seed 000: green, blue, orange (then more, cycled).
PANEL_COLORS = ("#4caf6e", "#5b9bd5", "#f0a050", "#c06c84", "#8e7cc3", "#76b7b2")
#: Gap between panels, pt.
SPACING = 24.0


def _stat_keys(value: Any, name: str) -> Any:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise InputError(f"{name}: expected a non-empty list of statistic names, got {value!r}")
    for key in value:
        TEXT(key, name)
    return tuple(value)


@checked(
    bins=POSITIVE_INT,
    stats=MAPPING.maybe("statistics to show per panel {panel: {key: value}}"),
    stat_keys=Param(_stat_keys, "statistics listed in the box", bad=((), "max", [3])),
    panel_titles=MAPPING.maybe("{panel: title}"),
    x_titles=MAPPING.maybe("{panel: x axis title}"),
    label_format=FORMAT,
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
    theme: str | Mapping[str, Any] | None = None,
    style: Style | None = None,
    width_in: float | None = None,
    height_in: float | None = None,
) -> Figure:
    """One histogram of ``x`` per ``panel`` in a row, each with a Max/Min/Mean box.

    ``df`` is tidy: one row per sample. ``panels`` picks and orders the panels
    (default: every level, first appearance); ``panel_titles`` / ``x_titles``
    map a panel to its title (default ``"a) <panel>"``) and x title (default
    the panel). ``palette`` maps a panel to its bar colour (others: seed 000's
    green, blue, orange ...). The box shows ``stat_keys`` computed from the
    data, or the values ``stats`` gives per panel (e.g. those quoted in a
    paper), formatted with ``label_format``. ``theme``, ``style``, ``width_in``,
    ``height_in``: see the glossary (default 15 × 4.5 in, paper theme).

    Layers per panel: ``hist``, ``stats``; data: ``bins`` (panel, bin_start,
    bin_end, count) and ``stats`` (panel and the statistics shown).

    Bad input: NaN/±inf samples are dropped with a warning counting them (none
    left is an :class:`~vegafigs.InputError`); non-numeric samples, a missing
    panel name, an unknown panel in ``panels`` / ``stats`` and bad parameters
    are an ``InputError`` naming them.

    >>> import vegafigs as vf
    >>> fig = vf.figures.metric_histograms(vf.demo.grad_metrics_hist(), x="value", panel="panel")
    >>> fig.panels
    ('entropy', 'cosine', 'grad_norm')
    >>> vf.save(fig, "hist.pdf")  # doctest: +SKIP
    """
    data = clean_numeric(df, numeric=[x], other=[panel], func="metric_histograms")
    require_no_missing(data, panel)
    levels = ordered_levels(data[panel], panels, param="panels")
    if stats is not None:
        unknown = [k for k in stats if k not in levels]
        if unknown:
            raise InputError(f"stats: panels {unknown} not in the data; panels are {levels}")
    cfg = resolve_theme(theme, default="paper", style=style)
    size = figure_size(width_in=width_in, height_in=height_in, style=style, default=(15.0, 4.5))
    colors = _panel_colors(levels, palette)
    titles = _texts(panel_titles, levels, [f"{letter(i)}) {lv}" for i, lv in enumerate(levels)],
                    param="panel_titles")  # fmt: skip
    xs = _texts(x_titles, levels, [str(lv) for lv in levels], param="x_titles")
    shown = _shown_stats(data, x=x, panel=panel, levels=levels, stats=stats, keys=stat_keys)
    bins_frame = histogram_bins(data, value=x, bins=bins, by=panel)
    font, text_size = cfg["font"], cfg["text"]["fontSize"]
    built = []
    for i, level in enumerate(levels):
        hist = histogram(data[data[panel] == level], x=x, bins=bins, color=colors[level],
                         x_title=xs[i], y_title=y_title)  # fmt: skip
        row = shown[shown[panel] == level].iloc[0]
        box = stats_box({k: row[k] for k in stat_keys}, keys=stat_keys, label_format=label_format,
                        font=font, font_size=text_size)  # fmt: skip
        props = {"title": titles[i], "width": 100.0, "height": 100.0}
        built.append(Panel(str(level), {"hist": hist, "stats": box}, properties=props))
    frames = {"bins": bins_frame[bins_frame[panel].isin(levels)].reset_index(drop=True),
              "stats": shown}  # fmt: skip
    return make_figure(built, theme=cfg, size=size, data=frames, compose=hconcat(SPACING),
                       kind="metric_histograms")  # fmt: skip


def _panel_colors(levels: list[Any], palette: Mapping[Any, str] | None) -> dict[Any, str]:
    given = dict(palette or {})
    unknown = [k for k in given if k not in levels]
    if unknown:
        raise InputError(f"palette: {unknown} are not panels; the panels are {levels}")
    return {lv: given.get(lv, PANEL_COLORS[i % len(PANEL_COLORS)]) for i, lv in enumerate(levels)}


def _texts(
    given: Mapping[Any, str] | None, levels: list[Any], default: list[str], *, param: str
) -> list[str]:
    out = per_level(given, levels, default, param=param) if given is not None else default
    if given is not None:
        unknown = [k for k in given if k not in levels]
        if unknown:
            raise InputError(f"{param}: {unknown} are not panels; the panels are {levels}")
    return [TEXT(t, param) for t in out]


def _shown_stats(
    data: pd.DataFrame,
    *,
    x: str,
    panel: str,
    levels: list[Any],
    stats: Mapping[Any, Mapping[str, float]] | None,
    keys: Sequence[str],
) -> pd.DataFrame:
    """One row per panel with the statistics its box shows (given or computed)."""
    computed = summary_stats(data, value=x, by=panel).set_index(panel)
    rows = []
    for level in levels:
        values = dict(stats[level]) if stats is not None and level in stats else {}
        values = {**computed.loc[level].to_dict(), **values}
        missing = [k for k in keys if k not in values]
        if missing:
            raise InputError(f"stats[{level!r}]: no value for {missing}")
        rows.append({panel: level, **{k: values[k] for k in keys}})
    return pd.DataFrame(rows)
