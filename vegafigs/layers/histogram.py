"""Histogram layer: equal-width bins drawn as adjoining bars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._checks import require_frame
from vegafigs._fields import require_column_names
from vegafigs._params import COLOR, NONNEGATIVE, POSITIVE_INT, RANGE, checked
from vegafigs._precision import readable_format
from vegafigs.frames import read_columns
from vegafigs.layers._encode import column_def
from vegafigs.transforms.stats import histogram_bins


@checked(
    bins=POSITIVE_INT,
    x_padding=NONNEGATIVE,
    edge_width=NONNEGATIVE,
    color=COLOR,
    edge_color=COLOR,
    extent=RANGE.maybe("(low, high) range of the bins (default: the data's min and max)"),
)
def histogram(
    df: pd.DataFrame,
    *,
    x: str,
    bins: int = 25,
    color: str = "#5b9bd5",
    edge_color: str = "white",
    edge_width: float = 0.3,
    x_title: str | list[str] | None = None,
    y_title: str | list[str] | None = "Frequency",
    extent: tuple[float, float] | None = None,
    x_padding: float = 0.05,
    y_ticks: Sequence[float] | None = None,
) -> alt.Chart:
    """Bars of the counts of column ``x`` in ``bins`` equal-width bins.

    Bins are computed in Python (:func:`vegafigs.transforms.histogram_bins`), so the
    spec holds one row per bin whatever the number of samples.

    Bad input: NaN/±inf samples are left out with a warning counting them;
    non-numeric samples and bad parameters are an :class:`~vegafigs.InputError`.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per sample.
    x : str
        Column of the samples (numbers). See :term:`x`.
    bins : int, optional
        Number of equal-width bins, > 0 (default 25).
    color : str, optional
        CSS colour filling the bars (default ``"#5b9bd5"``).
    edge_color : str, optional
        CSS colour of the bar outlines (default ``"white"``).
    edge_width : float, optional
        Width of the bar outlines, pt, >= 0 (default 0.3).
    x_title : str or list of str, optional
        Title of the value axis (default None: the column name). See
        :term:`x_title`.
    y_title : str or list of str, optional
        Title of the count axis (default ``"Frequency"``; None: no title).
        See :term:`y_title`.
    extent : tuple of float, optional
        The ``(low, high)`` range binned (default None: the data's min and max).
    x_padding : float, optional
        Room left and right of the bars, as a share of the binned range, >= 0
        (default 0.05).
    y_ticks : sequence of float, optional
        Tick values of the count axis; the axis then reaches at least the last
        (default None: Vega-Lite's ticks). See :term:`y_ticks`.

    Returns
    -------
    altair.Chart
        A rect mark per bin (data: ``bin_start``, ``bin_end``, ``count``).

    Examples
    --------
    >>> import vegafigs as vf
    >>> df = vf.demo.grad_metrics_hist()
    >>> chart = vf.layers.histogram(df[df.panel == "Gradient Cosine Similarity"], x="value")
    >>> len(chart.data)
    25
    """
    if not isinstance(df, pd.DataFrame):  # only the samples are read (the bins are drawn)
        df = read_columns(df, wanted=[x])
    require_column_names(require_frame(df), [x])  # the bins, not df, are drawn
    binned = histogram_bins(df, value=x, bins=bins, extent=extent)
    return bins_chart(
        binned, x=x, color=color, edge_color=edge_color, edge_width=edge_width,
        x_title=x_title, y_title=y_title, x_padding=x_padding, y_ticks=y_ticks,
    )  # fmt: skip


def bins_chart(
    binned: pd.DataFrame,
    *,
    x: str,
    color: str,
    edge_color: str,
    edge_width: float,
    x_title: str | list[str] | None,
    y_title: str | list[str] | None,
    x_padding: float,
    y_ticks: Sequence[float] | None,
) -> alt.Chart:
    """The layer of :func:`histogram` from its bins (``bin_start``, ``bin_end``, ``count``),
    the parameters checked (figures that bin in the frame's engine draw with it)."""
    lo, hi = float(binned["bin_start"].min()), float(binned["bin_end"].max())
    pad = (hi - lo) * x_padding
    top = float(binned["count"].max()) * 1.05 or 1.0  # headroom above the tallest bar
    y_scale = alt.Scale(domain=[0, top], nice=True)
    y_axis: Any = alt.Undefined
    # Tick labels Vega's default cannot write (bins of 1e-200) get the digits they need.
    x_format = readable_format(None, lo - pad, hi + pad)
    x_axis: Any = alt.Undefined if x_format is None else alt.Axis(format=x_format)
    if y_ticks is not None:
        y_scale = alt.Scale(domain=[0, max(top, *y_ticks)], nice=False)
        y_axis = alt.Axis(values=list(y_ticks))
    return (
        alt.Chart(binned)
        .mark_rect(color=color, stroke=edge_color, strokeWidth=edge_width)
        .encode(
            x=alt.X(
                **column_def("bin_start", "Q"),
                title=x_title if x_title is not None else x,
                scale=alt.Scale(domain=[lo - pad, hi + pad], nice=False, zero=False),
                axis=x_axis,
            ),
            x2=alt.X2(field="bin_end"),
            y=alt.Y(**column_def("count", "Q", title=y_title), scale=y_scale, axis=y_axis),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip(**column_def("bin_start", "Q", title="from", format=".4g")),
                alt.Tooltip(**column_def("bin_end", "Q", title="to", format=".4g")),
                alt.Tooltip(**column_def("count", "Q", title="count")),
            ],
        )
    )
