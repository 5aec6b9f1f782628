"""Path layers: many trajectories drawn as lines whose colour follows a per-point state."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import (
    require_count,
    require_fraction,
    require_no_missing,
    require_nonnegative,
    require_numeric,
)
from vegafigs.errors import InputError
from vegafigs.layers._encode import checked, color_encoding, palette_for
from vegafigs.transforms.states import state_runs


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


def unpack(chart: alt.Chart, fields: Sequence[str]) -> alt.Chart:
    """Vega-Lite transforms turning :func:`packed_numbers` strings into one row per point."""
    tmp = [f"_{f}_items" for f in fields]
    for f, t in zip(fields, tmp, strict=True):
        chart = chart.transform_calculate(**{t: f"split(datum[{json.dumps(f)}], ' ')"})
    chart = chart.transform_flatten(tmp, as_=list(fields))
    for f in fields:
        chart = chart.transform_calculate(**{f: f"toNumber(datum[{json.dumps(f)}])"})
    return chart


def segment_paths(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    path: str,
    state: str,
    palette: Mapping[Any, str] | None = None,
    draw_order: Sequence[Any] | None = None,
    stroke_width: float = 0.5,
    opacity: float = 1.0,
    decimals: int | None = None,
    legend: bool | alt.Legend = True,
    clip: bool = True,
) -> alt.Chart:
    """One line per (``path``, run of equal ``state``), coloured by the state.

    Consecutive runs of a path share their boundary point, so each path is one
    continuous line whose colour changes where the state changes (the segment
    from ``x[i]`` to ``x[i+1]`` takes the state at ``x[i]``). It is one line mark
    with one group per run — not one mark per segment — and the spec stores each
    run's points as two packed number strings (unpacked by Vega-Lite transforms),
    not one object per point.
    Runs are drawn in ``draw_order`` of their states (first underneath; default:
    ``palette`` order). Pass the figure's shared ``palette`` so the legend merges.

    Bad input: a NaN/±inf ``y`` is kept as a gap in its line (no warning); a
    non-numeric ``x`` or ``y``, a NaN/±inf ``x``, a missing path or state, a state
    without a colour, a negative width, an opacity outside [0, 1] and
    ``decimals`` < 0 are an :class:`~vegafigs.InputError`.

    >>> df = pd.DataFrame({"traj": 0, "t": [0, 1, 2, 3], "kl": [1.0, 1.2, 0.9, 1.1],
    ...                    "state": ["alive", "alive", "dead", "dead"]})
    >>> chart = segment_paths(df, x="t", y="kl", path="traj", state="state",
    ...                       palette={"alive": "#3a7ca5", "dead": "#d97706"})
    """
    checked(df, [x, y, path, state])
    if len({x, y, path, state}) != 4:
        raise InputError(
            f"x, y, path, state: expected four different columns, got {x, y, path, state}"
        )
    if "run" in (x, y, state):
        raise InputError("x, y, state: the name 'run' is used for the runs; rename that column")
    require_nonnegative(stroke_width, param="stroke_width")
    require_fraction(opacity, param="opacity")
    if decimals is not None:
        require_count(decimals, param="decimals")
    xs_all = require_numeric(df, x)
    bad_x = int((~np.isfinite(xs_all.to_numpy())).sum())
    if bad_x:
        raise InputError(
            f"df: column {x!r} has {bad_x} NaN or infinite value(s); every point needs a position"
        )
    ys_all = require_numeric(df, y)
    for col, values in ((x, xs_all), (y, ys_all)):  # numeric text -> numbers; numbers kept as is
        if not pd.api.types.is_numeric_dtype(df[col]):
            df = df.assign(**{col: values})
    require_no_missing(df, path)
    require_no_missing(df, state)
    pal = palette_for(df, state, palette)
    order = list(pal) if draw_order is None else list(draw_order)
    unknown = [s for s in dict.fromkeys(df[state].tolist()) if s not in order]
    if unknown:
        raise InputError(f"draw_order: states {unknown} are missing; it has {order}")
    runs = state_runs(df[[path, x, y, state]], path=path, x=x, state=state)
    run_ids = runs["run"].to_numpy()
    cut = np.flatnonzero(run_ids[1:] != run_ids[:-1]) + 1
    starts = np.concatenate([[0], cut])
    xs = np.split(runs[x].to_numpy(), cut)
    ys = np.split(runs[y].to_numpy(), cut)
    states = runs[state].to_numpy()[starts]
    rank = {s: i for i, s in enumerate(order)}
    records = sorted(
        (
            {
                "run": int(run_ids[s]),
                state: st.item() if isinstance(st, np.generic) else st,
                x: packed_numbers(xv, None),
                y: packed_numbers(yv, decimals),
            }
            for s, st, xv, yv in zip(starts, states, xs, ys, strict=True)
        ),
        key=lambda r: (rank[r[state]], r["run"]),
    )
    return (
        unpack(alt.Chart(pd.DataFrame.from_records(records)), [x, y])
        .mark_line(strokeWidth=stroke_width, opacity=opacity, clip=clip)
        .encode(
            x=alt.X(f"{x}:Q"),
            y=alt.Y(f"{y}:Q"),
            color=color_encoding(state, pal, legend=legend),
            detail="run:N",
            order=alt.Order(f"{x}:Q"),
        )
    )
