"""``metric_histograms``: one histogram per panel with a statistics box (seed 000)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from vegafigs._checks import require_no_missing, require_positive, require_text
from vegafigs.errors import InputError
from vegafigs.figures._common import clean_numeric, letter, ordered_levels, per_level, themed
from vegafigs.layers.histogram import histogram
from vegafigs.layers.text import stats_box
from vegafigs.themes import get_theme, inches
from vegafigs.transforms.stats import summary_stats

#: Panel colours of seed 000: green, blue, orange (then more, cycled).
PANEL_COLORS = ("#4caf6e", "#5b9bd5", "#f0a050", "#c06c84", "#8e7cc3", "#76b7b2")


def metric_histograms(
    df: pd.DataFrame,
    *,
    value: str,
    panel: str,
    order: Sequence[str] | None = None,
    titles: Mapping[str, str] | Sequence[str] | None = None,
    x_titles: Mapping[str, str] | Sequence[str] | None = None,
    colors: Mapping[str, str] | Sequence[str] | None = None,
    bins: int = 25,
    stats: Mapping[str, Mapping[str, float]] | None = None,
    stat_keys: Sequence[str] = ("max", "min", "mean"),
    fmt: str = ".4f",
    theme: str = "paper",
    width_in: float = 15.0,
    height_in: float = 4.5,
    title_size: float = 16,
    axis_title_size: float = 11,
    label_size: float = 10,
    stats_size: float = 10,
) -> alt.HConcatChart:
    """One histogram per ``panel`` in a row, each with a Max/Min/Mean box (upper right).

    ``df`` is tidy: one row per sample, ``value`` holds the sample and ``panel``
    names its panel. Statistics are computed from the data unless ``stats`` gives
    the values to show per panel (e.g. those quoted in a paper). Titles default to
    ``"a) <panel>"``.

    Bad input: NaN/±inf samples are dropped with a warning counting them (none
    left is an :class:`~vegafigs.InputError`); non-numeric samples, a missing
    panel name, non-string titles and zero/negative bins or sizes are an
    ``InputError``.

    >>> import vegafigs as vf
    >>> df = vf.demo.grad_metrics_hist()
    >>> chart = vf.figures.metric_histograms(df, value="value", panel="panel")
    >>> vf.save(chart, "hist.pdf")  # doctest: +SKIP
    """
    func = "metric_histograms"
    data = clean_numeric(df, numeric=[value], other=[panel], func=func)
    require_no_missing(data, panel)
    require_positive(bins, param="bins", integer=True)
    for name, size in (
        ("width_in", width_in),
        ("height_in", height_in),
        ("title_size", title_size),
        ("axis_title_size", axis_title_size),
        ("label_size", label_size),
        ("stats_size", stats_size),
    ):
        require_positive(size, param=name)
    levels = ordered_levels(data[panel], order, param="order")
    n = len(levels)
    default_titles = [f"{letter(i)}) {lv}" for i, lv in enumerate(levels)]
    panel_titles = per_level(titles, levels, default_titles, param="titles")
    panel_x = per_level(x_titles, levels, [str(lv) for lv in levels], param="x_titles")
    panel_colors = per_level(colors, levels, PANEL_COLORS, param="colors")
    for name, texts in (("titles", panel_titles), ("x_titles", panel_x), ("colors", panel_colors)):
        for text in texts:
            require_text(text, param=name)
    computed = summary_stats(data, value=value, by=panel).set_index(panel)
    if stats is not None:
        unknown = [k for k in stats if k not in levels]
        if unknown:
            raise InputError(f"stats: panels {unknown} not in the data; panels are {levels}")

    font = get_theme(theme)["font"]
    # Plot-area size per panel: the figure width minus per-panel axis room and gaps.
    spacing, y_axis_room, x_axis_room = 24.0, 52.0, 48.0 + title_size * 1.6
    panel_w = (inches(width_in, param="width_in") - n * y_axis_room - (n - 1) * spacing) / n
    panel_h = inches(height_in, param="height_in") - x_axis_room
    if panel_w < 40 or panel_h < 40:
        raise InputError(
            f"width_in/height_in: {width_in} x {height_in} in is too small for {n} panels"
        )

    charts = []
    for i, level in enumerate(levels):
        part = data[data[panel] == level]
        shown = dict(stats[level]) if stats is not None and level in stats else computed.loc[level]
        hist = histogram(part, value=value, bins=bins, color=panel_colors[i], x_title=panel_x[i])
        box = stats_box(
            {k: shown[k] for k in stat_keys if k in shown},
            keys=stat_keys,
            fmt=fmt,
            font=font,
            font_size=stats_size,
        )
        charts.append(
            alt.layer(hist, box).properties(
                width=round(panel_w, 2), height=round(panel_h, 2), title=panel_titles[i]
            )
        )
    chart = alt.hconcat(*charts, spacing=spacing)
    return themed(
        chart,
        theme,
        title={"fontSize": title_size},
        axis={"titleFontSize": axis_title_size, "labelFontSize": label_size},
    )
