"""The curve figures' queries: per-line aggregates, a small stand-in frame, line rows.

A curve figure (``reward_length``, ``training_curves``) draws lines: the rows of one
combination of its group columns (run, metric, seed, facet) ordered by x. In the
frame's own engine :func:`line_table` computes one row per line — first appearance,
row count, x / y extent, whether every x is whole — and counts the
rows dropped for a NaN / ±inf / missing x or y; :func:`stand_in` turns that table
into a small pandas frame with the extreme rows of every line, on which the
figure's pandas checks (columns, dtypes, levels and their order, time axes) run
unchanged; :func:`line_rows` streams one group of lines sorted by x in bounded
batches, and :func:`repeated_rows` fetches only the rows that repeat a step.

>>> import pandas as pd
>>> from vegafigs.engines.frames import lazy_frame
>>> df = pd.DataFrame({"run": ["b", "a", "b"], "step": [0, 0, 1], "value": [1.0, 2.0, None]})
>>> table, dropped = line_table(lazy_frame(df), x="step", y="value", keys=["run"],
...                             func="f")
>>> table["run"].tolist(), table["n"].tolist(), dropped
(['b', 'a'], [1, 1], 1)
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from vegafigs._time import PlotX
from vegafigs.engines.frames import (
    INDEX,
    all_of,
    batches,
    collect_pandas,
    column_names,
    equal_to,
    is_numeric,
    is_temporal,
    with_index,
)
from vegafigs.errors import InputError

#: Rows per batch streamed to Python.
BATCH_ROWS = 500_000


def finite(lf: nw.LazyFrame[Any], columns: Sequence[str]) -> nw.Expr:
    """True where every one of ``columns`` holds a finite number / a time (not null).

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame (its schema says which columns are times).
    columns : sequence of str
        Numeric or temporal columns.

    Returns
    -------
    narwhals.Expr
        The predicate.

    Examples
    --------
    >>> import pandas as pd
    >>> from vegafigs.engines.frames import lazy_frame
    >>> lf = lazy_frame(pd.DataFrame({"a": [1.0, float("inf"), None]}))
    >>> lf.filter(finite(lf, ["a"])).collect().shape
    (1, 1)
    """
    preds = []
    for c in columns:
        if is_temporal(lf, c):
            preds.append(~nw.col(c).is_null())
        else:
            preds.append(nw.col(c).cast(nw.Float64).is_finite().fill_null(False))
    return all_of(preds)


def require_columns_in(lf: nw.LazyFrame[Any], columns: Mapping[str, str], *,
                       param: str = "df") -> None:  # fmt: skip
    """An :class:`InputError` naming a missing column, or a non-numeric ``x`` / ``y``.

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame.
    columns : mapping
        ``{role: column}`` (roles ``x``, ``y``, ``series`` ...).
    param : str, optional
        The frame's parameter name (default ``"df"``).

    Examples
    --------
    >>> import pandas as pd
    >>> from vegafigs.engines.frames import lazy_frame
    >>> require_columns_in(lazy_frame(pd.DataFrame({"step": [1]})), {"x": "step"})
    """
    from vegafigs._checks import require_columns

    names = column_names(lf)
    require_columns(pd.DataFrame(columns=names), list(columns.values()), param=param)
    for role in ("x", "y"):
        c = columns.get(role)
        if c is None:
            continue
        dtype = lf.collect_schema()[c]
        ok = is_numeric(lf, c) or (role == "x" and is_temporal(lf, c))
        if not ok or dtype == nw.Boolean:
            raise InputError(
                f"{param}: column {c!r} must be numeric; it holds {dtype} values (cast it to "
                "a number in the frame's engine first)"
            )


def line_table(lf: nw.LazyFrame[Any], *, x: str, y: str, keys: Sequence[str],
               func: str) -> tuple[pd.DataFrame, int]:  # fmt: skip
    """One row per line (``keys`` combination): ``first`` (position of its first row),
    ``n`` (rows), ``x0`` / ``x1`` and ``y0`` / ``y1``
    (extents), ``whole`` (every x a whole number), sorted by ``first``; and the
    number of rows dropped for a NaN / ±inf / missing ``x`` or ``y`` (warned about,
    as the pandas path does).

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame.
    x, y : str
        The step and value columns.
    keys : sequence of str
        The group columns telling the lines apart.
    func : str
        The figure named by the warning.

    Returns
    -------
    tuple of (pandas.DataFrame, int)
        The table (key columns in the engine's dtypes) and the dropped count.

    Examples
    --------
    >>> import pandas as pd
    >>> from vegafigs.engines.frames import lazy_frame
    >>> df = pd.DataFrame({"run": "a", "step": [0, 1], "value": [1.0, 2.0]})
    >>> line_table(lazy_frame(df), x="step", y="value", keys=["run"], func="f")[0]["n"].tolist()
    [2]
    """
    total = int(collect_pandas(lf.select(nw.len().alias("n")))["n"].iloc[0])
    good = with_index(lf).filter(finite(lf, [x, y]))
    whole = (nw.lit(True) if is_temporal(lf, x)
             else nw.col(x).cast(nw.Float64) == nw.col(x).cast(nw.Float64).round(0))  # fmt: skip
    parts = good.with_columns(whole.cast(nw.Int8).alias("__whole"))
    aggs = [nw.col(INDEX).min().alias("first"), nw.len().alias("n"),
            nw.col(x).min().alias("x0"),
            nw.col(x).max().alias("x1"), nw.col(y).min().alias("y0"),
            nw.col(y).max().alias("y1"), nw.col("__whole").min().alias("whole")]  # fmt: skip
    if keys:
        table = collect_pandas(parts.group_by(list(keys), drop_null_keys=False).agg(*aggs))
    else:
        table = collect_pandas(parts.select(*aggs))
        table = table[table["n"] > 0] if "n" in table else table
    table = table.sort_values("first", kind="mergesort").reset_index(drop=True)
    kept = int(table["n"].sum()) if len(table) else 0
    dropped = total - kept
    if dropped and kept:
        warnings.warn(f"{func}: dropped {dropped} row(s) with NaN or infinite values in "
                      f"{x!r}, {y!r}", stacklevel=4)  # fmt: skip
    if total and not kept:
        warnings.warn(f"{func}: dropped {dropped} row(s) with NaN or infinite values in "
                      f"{x!r}, {y!r}", stacklevel=4)  # fmt: skip
        raise InputError(f"{func}: no rows with finite values in {x!r}, {y!r}")
    return table, dropped


def stand_in(lf: nw.LazyFrame[Any], table: pd.DataFrame, *, x: str, y: str,
             keys: Sequence[str]) -> pd.DataFrame:  # fmt: skip
    """A small pandas frame standing in for ``lf`` in the figure's pandas checks: per
    line (in first-appearance order) its rows at the smallest and largest x (with the
    smallest / largest y), in the frame's own dtypes; an empty frame for no lines.

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame (for the dtypes of an empty result).
    table : pandas.DataFrame
        :func:`line_table`'s table.
    x, y : str
        The step and value columns.
    keys : sequence of str
        The group columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``[*keys, x, y]``.

    Examples
    --------
    >>> import pandas as pd
    >>> from vegafigs.engines.frames import lazy_frame
    >>> df = pd.DataFrame({"run": "a", "step": [0, 5, 9], "value": [1.0, 3.0, 2.0]})
    >>> lf = lazy_frame(df)
    >>> t, _ = line_table(lf, x="step", y="value", keys=["run"], func="f")
    >>> stand_in(lf, t, x="step", y="value", keys=["run"])["step"].tolist()
    [0, 9]
    """
    cols = [*keys, x, y]
    if table.empty:
        return collect_pandas(lf.select(cols).head(0))
    lo = table[[*keys, "x0", "y0"]].set_axis(cols, axis=1).assign(__o=0)
    hi = table[[*keys, "x1", "y1"]].set_axis(cols, axis=1).assign(__o=1)
    hi = hi[(table["x1"] != table["x0"]).to_numpy()]
    both = pd.concat([lo.assign(__l=np.arange(len(lo))), hi.assign(__l=np.flatnonzero(
        (table["x1"] != table["x0"]).to_numpy()))])  # fmt: skip
    both = both.sort_values(["__l", "__o"], kind="mergesort")
    return both[cols].reset_index(drop=True)


def repeated_rows(lf: nw.LazyFrame[Any], *, x: str, keys: Sequence[str],
                  where: nw.Expr) -> pd.DataFrame:  # fmt: skip
    """Only the rows of ``lf`` (rows ``where`` holds) sharing a step with another row
    of their line, all columns, in the frame's order.

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame.
    x : str
        The step column.
    keys : sequence of str
        The group columns of a line.
    where : narwhals.Expr
        The rows considered (finite, drawn).

    Returns
    -------
    pandas.DataFrame
        The repeated rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from vegafigs.engines.frames import lazy_frame
    >>> df = pd.DataFrame({"run": "a", "step": [0, 0, 1], "value": [1.0, 2.0, 3.0]})
    >>> out = repeated_rows(lazy_frame(df), x="step", keys=["run"], where=nw.col("step") >= 0)
    >>> out["value"].tolist()
    [1.0, 2.0]
    """
    on = [*keys, x]
    base = with_index(lf).filter(where)
    dup = base.group_by(on).agg(nw.len().alias("__c")).filter(nw.col("__c") > 1)
    rows = collect_pandas(base.join(dup, on=on, how="inner"))
    rows = rows.sort_values(INDEX, kind="mergesort")
    return rows.drop(columns=[INDEX, "__c"]).reset_index(drop=True)


def plot_values(values: pd.Series, plot_x: PlotX, time: Any) -> np.ndarray:
    """Streamed x values as the figure draws them (epoch ms, a duration's unit).

    Parameters
    ----------
    values : pandas.Series
        Raw x values of a batch.
    plot_x : vegafigs._time.PlotX
        How the figure draws x (from its checked stand-in frame).
    time : object
        The x column's time dtype (``None`` for numbers).

    Returns
    -------
    numpy.ndarray
        Float x values.

    Examples
    --------
    >>> plot_values(pd.Series([1, 2]), PlotX(), None).tolist()
    [1.0, 2.0]
    """
    from vegafigs._time import DURATION_UNITS, as_plot_x

    if time is None:
        return values.to_numpy(dtype=float)
    if plot_x.kind == "T":
        return as_plot_x(pd.to_datetime(values))[0].to_numpy(dtype=float)
    size = dict(DURATION_UNITS)[plot_x.unit or "s"]
    return (pd.to_timedelta(values).dt.total_seconds() / size).to_numpy(dtype=float)


def line_rows(lf: nw.LazyFrame[Any], *, where: nw.Expr, columns: Sequence[str], x: str,
              size: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:  # fmt: skip
    """The rows ``where`` selects (``columns`` only), sorted by ``x``, in batches.

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame.
    where : narwhals.Expr
        The rows of the lines (e.g. one run and metric, finite).
    columns : sequence of str
        The columns fetched.
    x : str
        The sort column.
    size : int, optional
        Rows per batch (default :data:`BATCH_ROWS`).

    Yields
    ------
    pandas.DataFrame
        Consecutive sorted rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from vegafigs.engines.frames import lazy_frame
    >>> df = pd.DataFrame({"step": [2, 0, 1]})
    >>> [b["step"].tolist() for b in line_rows(lazy_frame(df), where=nw.col("step") >= 0,
    ...                                         columns=["step"], x="step", size=2)]
    [[0, 1], [2]]
    """
    query = lf.filter(where).select(list(dict.fromkeys(columns))).sort(x)
    yield from batches(query, size=size)


def key_filter(values: Mapping[str, Any]) -> nw.Expr:
    """``col == value`` for every ``{column: value}`` (native values, as collected).

    Parameters
    ----------
    values : mapping
        ``{column: value}``.

    Returns
    -------
    narwhals.Expr
        The conjunction.

    Examples
    --------
    >>> isinstance(key_filter({"run": "a"}), nw.Expr)
    True
    """
    return all_of([equal_to(c, v) for c, v in values.items()])
