"""Path layers: many trajectories drawn as lines whose colour follows a per-point state."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import require_count, require_no_missing, require_numeric
from vegafigs._fields import as_text_levels, field, text_levels, text_of
from vegafigs._params import BOOL, COLUMN, LEVELS, Param, checked
from vegafigs.errors import InputError
from vegafigs.frames import takes_frames
from vegafigs.layers._category import LEGEND
from vegafigs.layers._encode import checked as checked_frame
from vegafigs.layers._encode import (
    color_encoding,
    column_def,
    drawn_categories,
    fresh_name,
    levels_of,
    text_mapping,
)
from vegafigs.themes.config import TAB10
from vegafigs.transforms.states import state_runs


def _decimals(value: Any, name: str) -> Any:
    return require_count(value, param=name)


#: ``decimals``: digits kept after the point in the spec (None: all).
DECIMALS = Param(_decimals, "an integer >= 0", optional=True, bad=(-1, 1.5, "2", True))
#: ``legend`` of a layer drawn in several panels: ``None`` draws none for its scale.
PANEL_LEGEND = Param(LEGEND.check, "True, False, None or an alt.Legend", optional=True,
                     bad=("yes", 1))  # fmt: skip


def json_numbers(values: np.ndarray, decimals: int | None) -> list[Any]:
    """Floats as JSON numbers (rounded when ``decimals``), NaN/inf as null; ints stay ints."""
    if values.dtype.kind in "iub":
        return values.astype(int).tolist()
    v = np.asarray(values, dtype=float)
    if decimals is not None:
        v = np.round(v, decimals)
    out: list[Any] = v.tolist()
    bad = np.flatnonzero(~np.isfinite(v))
    for i in bad:
        out[i] = None
    return out


def packed_numbers(values: np.ndarray, decimals: int | None) -> str:
    """Numbers as one space-separated string (NaN/inf as an empty item, read back as null).

    Thousands of path points stay a few lines of spec JSON instead of one line
    per number; :func:`unpack` turns them back into numbers inside Vega-Lite.
    """
    items = json_numbers(np.asarray(values), decimals)
    return " ".join("" if v is None else repr(v) for v in items)


def unpack(chart: alt.Chart, fields: Sequence[str], *, taken: Sequence[str] = ()) -> alt.Chart:
    """Vega-Lite transforms turning :func:`packed_numbers` strings into one row per point.

    The split lists go through helper fields named ``_<field>_items`` (numbered
    when that is one of ``fields`` or ``taken``, the data's other columns).
    """
    used = [*fields, *taken]
    tmp: list[str] = []
    for f in fields:
        tmp.append(fresh_name(f"_{f}_items", [*used, *tmp]))
    for f, t in zip(fields, tmp, strict=True):
        chart = chart.transform_calculate(**{t: f"split(datum[{json.dumps(f)}], ' ')"})
    chart = chart.transform_flatten([field(t) for t in tmp], as_=list(fields))
    for f in fields:
        chart = chart.transform_calculate(**{f: f"toNumber(datum[{json.dumps(f)}])"})
    return chart


def state_palette(states: Sequence[Any], palette: Mapping[Any, str] | None) -> dict[str, str]:
    """``{state: colour}``: ``palette`` (its order first), states it leaves out from tab10.

    States and keys are in their drawn (string) form (``{1: "red"}`` colours state ``1``).

    Keys of ``palette`` that no point has are kept: they are legend entries the
    layer shares with other layers drawn with the same mapping.

    >>> state_palette(["alive", "dead"], {"dead": "#d97706"})
    {'dead': '#d97706', 'alive': '#1f77b4'}
    """
    out = text_mapping(palette or {}, "palette")
    free = [c for c in TAB10 if c not in out.values()] or list(TAB10)
    for i, level in enumerate(lv for lv in dict.fromkeys(map(text_of, states)) if lv not in out):
        out[level] = free[i % len(free)]
    return out


@checked(
    path=COLUMN,
    state=COLUMN,
    draw_order=LEVELS.maybe("states, first drawn underneath"),
    decimals=DECIMALS,
    legend=PANEL_LEGEND,
    clip=BOOL,
)
@takes_frames("df")
def segment_paths(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    path: str,
    state: str,
    palette: Mapping[Any, str] | None = None,
    draw_order: Sequence[Any] | None = None,
    stroke_width: float | None = None,
    opacity: float | None = None,
    decimals: int | None = None,
    legend: bool | alt.Legend | None = True,
    clip: bool = True,
) -> alt.Chart:
    """One line per (``path``, run of equal ``state``), coloured by the state.

    Consecutive runs of a path share their boundary point, so each path is one
    continuous line whose colour changes where the state changes (the segment
    from ``x[i]`` to ``x[i+1]`` takes the state at ``x[i]``). It is one line mark
    with one group per run — not one mark per segment — and the spec stores each
    run's points as two packed number strings (unpacked by Vega-Lite transforms),
    not one object per point.

    Bad input: a NaN/±inf ``y`` is kept as a gap in its line (no warning); a
    non-numeric ``x`` or ``y``, a NaN/±inf ``x``, a missing path or state, one
    column for two of ``x`` / ``y`` / ``path`` / ``state``, a ``draw_order``
    without a drawn state and bad parameters (see the glossary) are an
    :class:`~vegafigs.InputError`.

    Parameters
    ----------
    df : dataframe
        pandas, polars (eager or lazy), pyarrow, DuckDB, PySpark ... (see
        :mod:`vegafigs.frames`; read as pandas with the same dtypes).
        One row per point of a path, holding ``x``, ``y``, ``path`` and
        ``state``.
    x : str
        Column of the points' x positions (numbers, finite). See :term:`x`.
    y : str
        Column of the points' y positions (numbers). See :term:`y`.
    path : str
        Column naming each trajectory (one line per path).
    state : str
        Column whose value colours each segment.
    palette : mapping, optional
        ``{state: colour}``; states it leaves out take tab10 colours; keys no
        point has stay as legend entries, so layers drawn with the figure's
        shared mapping merge their legends (default None: all tab10). See
        :term:`palette`.
    draw_order : sequence, optional
        The states in drawing order, first underneath; it must list every drawn
        state (default None: the ``palette``'s states in its order, then the
        others in order of appearance).
    stroke_width : float, optional
        Width of the lines, pt (default None: the theme's ``line.strokeWidth``).
        See :term:`stroke_width`.
    opacity : float, optional
        Opacity of the lines in [0, 1] (default None: the theme's). See
        :term:`opacity`.
    decimals : int, optional
        Digits kept of ``y`` in the spec, >= 0 (default None: all).
    legend : bool or altair.Legend or None, optional
        ``True`` (default): draw the colour legend; ``False``: leave it to other
        layers; ``None``: no legend for the colour scale (e.g. in a figure's
        other panels); or an ``alt.Legend``.
    clip : bool, optional
        Clip the lines to the plot (default True).

    Returns
    -------
    altair.Chart
        One line mark with a group per run.

    Examples
    --------
    >>> df = pd.DataFrame({"traj": 0, "t": [0, 1, 2, 3], "kl": [1.0, 1.2, 0.9, 1.1],
    ...                    "state": ["alive", "alive", "dead", "dead"]})
    >>> chart = segment_paths(df, x="t", y="kl", path="traj", state="state",
    ...                       palette={"alive": "#3a7ca5", "dead": "#d97706"})
    >>> chart.mark.strokeWidth  # the theme's line width
    Undefined
    """
    checked_frame(df, [x, y, path, state])
    if len({x, y, path, state}) != 4:
        raise InputError(
            f"x, y, path, state: expected four different columns, got {x, y, path, state}"
        )
    df = _positions(df, x, y)
    require_no_missing(df, path)
    states = as_text_levels(df[state], column=state)
    pal = state_palette(levels_of(states), palette)
    order = list(pal) if draw_order is None else list(text_levels(draw_order) or [])
    unknown = [s for s in levels_of(states) if s not in order]
    if unknown:
        raise InputError(f"draw_order: states {unknown} are missing; it has {order}")
    run = fresh_name("run", [x, y, state])
    records = _run_records(df, x=x, y=y, path=path, states=states, order=order,
                           run=run, state=state, decimals=decimals)  # fmt: skip
    return (
        unpack(alt.Chart(pd.DataFrame.from_records(records)), [x, y], taken=[run, state])
        .mark_line(clip=clip, **_mark_style(stroke_width=stroke_width, opacity=opacity))  # type: ignore[arg-type]
        .encode(
            x=alt.X(**column_def(x, "Q")),
            y=alt.Y(**column_def(y, "Q")),
            color=color_encoding(state, pal, legend=legend),  # type: ignore[arg-type]  # None: no legend
            detail=alt.Detail(**column_def(run, "N")),
            order=alt.Order(**column_def(x, "Q")),
        )
    )


def _positions(df: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """``df`` with numeric ``x`` / ``y`` (numeric text converted); a NaN/±inf ``x`` is an error."""
    xs_all = require_numeric(df, x)
    bad_x = int((~np.isfinite(xs_all.to_numpy())).sum())
    if bad_x:
        raise InputError(
            f"df: column {x!r} has {bad_x} NaN or infinite value(s); every point needs a position"
        )
    ys_all = require_numeric(df, y)
    for col, values in ((x, xs_all), (y, ys_all)):  # numeric text -> numbers; numbers kept as is
        if not pd.api.types.is_numeric_dtype(df[col]) or pd.api.types.is_extension_array_dtype(
            df[col]
        ):
            df = df.assign(**{col: values})
    return df


def _run_records(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    path: str,
    states: pd.Series,
    order: Sequence[str],
    run: str,
    state: str,
    decimals: int | None,
) -> list[dict[str, Any]]:
    """One record per run (``run`` id, its state, packed x and y), in drawing order.

    The runs are cut on a copy with internal column names, so a user column named
    like one of them (``run``) cannot collide.
    """
    paths = drawn_categories(df[path], column=path)
    sub = pd.DataFrame(
        {"p": paths.to_numpy(), "x": df[x].to_numpy(), "y": df[y].to_numpy(),
         "s": states.to_numpy()}
    )  # fmt: skip
    runs = state_runs(sub, path="p", x="x", state="s")
    run_ids = runs["run"].to_numpy()
    cut = np.flatnonzero(run_ids[1:] != run_ids[:-1]) + 1
    starts = np.concatenate([[0], cut])
    xs = np.split(runs["x"].to_numpy(), cut)
    ys = np.split(runs["y"].to_numpy(), cut)
    firsts = runs["s"].to_numpy()[starts]
    rank = {s: i for i, s in enumerate(order)}
    return sorted(
        (
            {
                run: int(run_ids[s]),
                state: text_of(st),
                x: packed_numbers(xv, None),
                y: packed_numbers(yv, decimals),
            }
            for s, st, xv, yv in zip(starts, firsts, xs, ys, strict=True)
        ),
        key=lambda r: (rank[r[state]], r[run]),
    )


def _mark_style(*, stroke_width: float | None, opacity: float | None) -> dict[str, float]:
    """The mark properties given (the others come from the theme)."""
    given = {"strokeWidth": stroke_width, "opacity": opacity}
    return {k: float(v) for k, v in given.items() if v is not None}
