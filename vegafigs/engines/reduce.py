"""A curve figure's lines computed and M4-reduced where the data lives.

:func:`reduce_groups` runs a figure's per-line computation (smoothing, bands, seeds)
on the lines of a frame in its own engine and returns only the rows the figure
draws: a group of lines (one run, or the seeds of one run) of at most
:data:`IN_MEMORY_ROWS` rows is fetched (sorted by x) and computed by the figure's
own pandas code, then reduced by :func:`vegafigs.transforms.downsample`; a longer
one is streamed in batches through :class:`~vegafigs.engines.stream.Segments`
(overlapping segments, so every row sees the context its window needs) into
:class:`~vegafigs.engines.stream.M4Stream`.

>>> import pandas as pd
>>> from vegafigs.engines.frames import lazy_frame
>>> lf = lazy_frame(pd.DataFrame({"run": "a", "step": range(5), "value": range(5)}))
>>> g = Group(series="a", where={"run": "a"}, steps=5, rows=5, x_range=(0.0, 4.0))
>>> plan = Plan(width_px=2, x_domain=(0.0, 4.0), columns=["y"], enabled=None)
>>> reduce_groups(lf, [g], plan=plan, compute=lambda r: r, x="step", y="value")["x"].tolist()
[0.0, 1.0, 2.0, 3.0, 4.0]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from vegafigs._time import PlotX
from vegafigs.engines.curves import finite, key_filter, line_rows, plot_values
from vegafigs.engines.stream import M4Stream, ProbeM4, Segments, ts_probe
from vegafigs.transforms.downsample import POINTS_PER_COLUMN, downsample

#: A group of lines with at most this many rows is computed in one piece (in pandas).
IN_MEMORY_ROWS = 250_000


@dataclass(frozen=True)
class Group:
    """The lines drawn as one series: a run (or the seeds of one run) of one panel.

    Parameters
    ----------
    series : str
        Its drawn name.
    where : mapping
        ``{column: native value}`` selecting its rows.
    steps : int
        The rows it is drawn with (distinct steps).
    rows : int
        Its rows in the frame.
    x_range : tuple of float
        Its first and last x as drawn.
    """

    series: str
    where: Mapping[str, Any]
    steps: int
    rows: int
    x_range: tuple[float, float]


@dataclass(frozen=True)
class Plan:
    """How a figure computes and reduces its lines.

    Parameters
    ----------
    width_px : int
        Pixel columns of the plot.
    x_domain : tuple of float
        The plot's x domain (drawn units).
    columns : sequence of str
        The drawn columns M4 keeps (internal names).
    enabled : bool or None
        The figure's ``downsample=`` (None: only when a series has more than 4
        rows per pixel column).
    before, after : int, optional
        Steps of context the computation needs on each side (default 0).
    seed : str, optional
        The seed column (default None).
    seed_text : mapping, optional
        ``{seed value: drawn name}``.
    plot_x : vegafigs._time.PlotX, optional
        How x is drawn.
    time : object, optional
        The x column's time dtype (None: numbers).
    repeated : callable, optional
        Called with a group whose rows repeat a step of one line (it raises the
        figure's error); default None: no check.
    """

    width_px: int
    x_domain: tuple[float, float]
    columns: Sequence[str]
    enabled: bool | None
    before: int = 0
    after: int = 0
    seed: str | None = None
    seed_text: Mapping[Any, str] = field(default_factory=dict)
    plot_x: PlotX = PlotX()
    time: Any = None
    repeated: Callable[[Group], None] | None = None

    @property
    def limit(self) -> int:
        """Series with more steps than this are reduced."""
        return POINTS_PER_COLUMN * self.width_px


def reduce_groups(lf: nw.LazyFrame[Any], groups: Sequence[Group], *, plan: Plan,
                  compute: Callable[[pd.DataFrame], pd.DataFrame], x: str,
                  y: str) -> pd.DataFrame:  # fmt: skip
    """The drawn rows of ``groups`` (internal columns ``series``, ``x`` ...), sorted by
    series name, then x.

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame.
    groups : sequence of Group
        The series of one panel.
    plan : Plan
        The reduction.
    compute : callable
        The figure's per-series computation on rows with columns ``series``
        (``seed``), ``x`` (float, as drawn), ``y`` (float), sorted by x; returns the
        drawn columns sorted by x.
    x, y : str
        The frame's step and value columns.

    Returns
    -------
    pandas.DataFrame
        The rows drawn (after M4 when the plan reduces).

    Examples
    --------
    >>> import pandas as pd
    >>> from vegafigs.engines.frames import lazy_frame
    >>> lf = lazy_frame(pd.DataFrame({"run": "a", "step": [1, 0], "value": [2.0, 1.0]}))
    >>> g = Group(series="a", where={"run": "a"}, steps=2, rows=2, x_range=(0.0, 1.0))
    >>> plan = Plan(width_px=2, x_domain=(0.0, 1.0), columns=["y"], enabled=None)
    >>> reduce_groups(lf, [g], plan=plan, compute=lambda r: r, x="step", y="value")["y"].tolist()
    [1.0, 2.0]
    """
    needs = plan.enabled is True or (
        plan.enabled is None and any(g.steps > plan.limit for g in groups)
    )
    parts = []
    for g in sorted(groups, key=lambda g: g.series):
        reduce = needs and g.steps > plan.limit
        parts.append(_group_rows(lf, g, plan=plan, compute=compute, x=x, y=y, reduce=reduce))
    return pd.concat(parts, ignore_index=True)


def _internal(rows: pd.DataFrame, g: Group, *, plan: Plan, x: str, y: str) -> pd.DataFrame:
    """A batch under the internal names, x as drawn."""
    out = {"series": pd.Series([g.series] * len(rows), dtype=object)}
    if plan.seed is not None:
        out["seed"] = rows[plan.seed].map(plan.seed_text).astype(object)
    out["x"] = pd.Series(plot_values(rows[x], plan.plot_x, plan.time))
    out["y"] = pd.Series(rows[y].to_numpy(dtype=float))
    return pd.DataFrame(out)


def _checked(stream: Iterator[pd.DataFrame], g: Group, *, plan: Plan,
             x: str) -> Iterator[pd.DataFrame]:  # fmt: skip
    """``stream`` (sorted by x), calling ``plan.repeated`` when a line repeats a step."""
    keys = [x] if plan.seed is None else [plan.seed, x]
    last: pd.DataFrame | None = None
    for b in stream:
        if plan.repeated is not None and len(b):
            both = b if last is None else pd.concat([last, b], ignore_index=True)
            if both.duplicated(keys).any():
                close = getattr(stream, "close", None)
                if close is not None:  # end the query before fetching the repeated rows
                    close()
                plan.repeated(g)
            xs = b[x].to_numpy()
            last = b[xs == xs[-1]]
        yield b


def _reducer(lf: nw.LazyFrame[Any], g: Group, *, plan: Plan, where: nw.Expr,
             x: str) -> M4Stream | ProbeM4:  # fmt: skip
    """The streaming M4 of a long series: the numpy rule, or for a series spanning the
    domain (which the pandas path reduces with ``tsdownsample``) that package's own
    pixel columns, from its run over the series' steps alone (a first pass fetching
    only x: 8 bytes a step)."""
    lo, hi = plan.x_domain
    if g.x_range != (lo, hi):
        return M4Stream(x_domain=(lo, hi), width_px=plan.width_px, columns=plan.columns)
    parts = [plot_values(b[x], plan.plot_x, plan.time) for b in
             line_rows(lf, where=where, columns=[x], x=x)]  # fmt: skip
    steps = np.unique(np.concatenate(parts)) if plan.seed is not None else np.concatenate(parts)
    del parts
    return ProbeM4(ts_probe(steps, plan.width_px), plan.columns)


def _group_rows(lf: nw.LazyFrame[Any], g: Group, *, plan: Plan,
                compute: Callable[[pd.DataFrame], pd.DataFrame], x: str, y: str,
                reduce: bool) -> pd.DataFrame:  # fmt: skip
    cols = [x, y, *([plan.seed] if plan.seed is not None else [])]
    where = finite(lf, [x, y]) & key_filter(g.where)
    stream = _checked(line_rows(lf, where=where, columns=cols, x=x), g, plan=plan, x=x)
    if g.rows <= IN_MEMORY_ROWS:
        parts = [_internal(b, g, plan=plan, x=x, y=y) for b in stream]
        out = compute(pd.concat(parts, ignore_index=True))
        if not reduce:
            return out
        return downsample(out, x="x", y=list(plan.columns), width_px=plan.width_px, by="series",
                          x_domain=plan.x_domain)  # fmt: skip
    m4 = _reducer(lf, g, plan=plan, where=where, x=x) if reduce else None
    kept: list[pd.DataFrame] = []
    seg = Segments(compute, before=plan.before, after=plan.after)

    def feed(part: pd.DataFrame) -> None:
        if m4 is None:
            kept.append(part)
        else:
            m4.push(part.reset_index(drop=True))

    for b in stream:
        for part in seg.push(_internal(b, g, plan=plan, x=x, y=y)):
            feed(part)
    for part in seg.finish():
        feed(part)
    if m4 is not None:
        return m4.finish()
    return pd.concat(kept, ignore_index=True)
