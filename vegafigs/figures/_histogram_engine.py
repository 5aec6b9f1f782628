"""Histogram bins and statistics per panel computed in the frame's own engine (private).

For a frame that is not pandas, :func:`vegafigs.figures.metric_histograms` runs two
aggregate queries through narwhals (polars, DuckDB, Spark ... do the work) and
collects only their small results:

1. per panel: the first row's position, the row count, the finite count, min,
   max and mean of the finite values;
2. per panel and inner bin edge: how many finite values are >= the edge.

The edges are the pandas path's own (:func:`vegafigs.transforms.histogram_bins`:
``numpy.linspace`` over the padded min..max), and a bin's count is the difference
of two "values >= edge" counts: exactly ``numpy.histogram``'s rule (a bin holds
``edge_i <= v < edge_i+1``, the last one also its right edge), so the spec equals
the one drawn from the same data as pandas. Means are summed by the engine (they
may differ from numpy's in the last bits; the box shows them rounded).

Pushed down when the sample column is numeric (not boolean) and the panel column
holds strings, categories, integers or booleans, and the engine has a row
position (polars, Arrow, DuckDB, Spark); otherwise the two columns are read with
:func:`vegafigs.frames.to_pandas` and binned as pandas.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from vegafigs._checks import require_frame
from vegafigs._fields import require_column_names
from vegafigs._precision import MAX_ABS, padded
from vegafigs.errors import InputError
from vegafigs.frames import narwhals_frame, to_pandas
from vegafigs.transforms.stats import _bin_edges

#: Internal column names (a user column named like one gets a leading ``_``).
ROW, FIRST, ROWS, FINITE, LO, HI, MEAN = "row", "first", "rows", "finite", "lo", "hi", "mean"


@dataclass(frozen=True)
class Reduced:
    """One row per panel (first appearance order): its value, statistics and bins."""

    keys: pd.Series
    stats: pd.DataFrame  # max, min, mean, count
    edges: list[np.ndarray]
    counts: list[np.ndarray]


def pushable(df: Any, *, x: str, panel: str) -> bool:
    """Whether ``df`` (not pandas) can be binned in its engine (see the module's notes)."""
    import narwhals as nw

    if isinstance(df, pd.DataFrame):
        return False
    frame = narwhals_frame(df)
    schema = frame.collect_schema()
    if x not in schema or panel not in schema or _row_frame(frame, "r") is None:
        return False
    xt, pt = schema[x], schema[panel]
    numeric = xt.is_numeric() and xt != nw.Boolean
    keyed = pt.is_integer() or pt in (nw.String, nw.Categorical, nw.Boolean) or pt == nw.Enum
    return bool(numeric and keyed)


def reduce(df: Any, *, x: str, panel: str, bins: int, func: str) -> Reduced:
    """Per panel statistics and bins of ``df`` (see :func:`pushable`), checked as pandas."""
    frame = narwhals_frame(df)
    names = list(frame.collect_schema().names())
    require_column_names(pd.DataFrame(columns=pd.Index(names, dtype=object)), [x, panel])
    own = {k: _fresh(k, names) for k in (ROW, FIRST, ROWS, FINITE, LO, HI, MEAN)}
    groups = _groups(frame, x=x, panel=panel, own=own)
    if not len(groups):
        require_frame(pd.DataFrame())  # the frame is empty (0 rows)
    groups = _checked_groups(groups, x=x, panel=panel, own=own, func=func)
    edges = [
        _bin_edges(*padded(float(lo), float(hi), pad=0.5), int(bins), given=False)
        for lo, hi in zip(groups[own[LO]], groups[own[HI]], strict=True)
    ]
    counts = _counts(frame, x=x, panel=panel, groups=groups, edges=edges, own=own)
    stats = pd.DataFrame(
        {
            "max": groups[own[HI]].to_numpy(dtype=float),
            "min": groups[own[LO]].to_numpy(dtype=float),
            "mean": groups[own[MEAN]].to_numpy(dtype=float),
            "count": groups[own[FINITE]].to_numpy(dtype=np.int64),
        }
    )
    return Reduced(groups[panel].reset_index(drop=True), stats, edges, counts)


def _fresh(name: str, taken: list[str]) -> str:
    name = f"__vegafigs_{name}"
    while name in taken:
        name = f"_{name}"
    return name


def _finite(x: str) -> tuple[Any, Any]:
    """The sample as float and the expression of it where finite (else null)."""
    import narwhals as nw

    v = nw.col(x).cast(nw.Float64)
    return v.is_finite(), nw.when(v.is_finite()).then(v)


def _groups(frame: Any, *, x: str, panel: str, own: dict[str, str]) -> pd.DataFrame:
    """Query 1: one row per panel value (null included), in first appearance order."""
    import narwhals as nw

    fin, v = _finite(x)
    rows = _row_frame(frame.select(x, panel), own[ROW])
    rows = rows.with_columns(fin.cast(nw.Int64).alias(own[FINITE]), v.alias(own[LO]))
    agg = rows.group_by(panel).agg(
        nw.col(own[ROW]).min().alias(own[FIRST]),
        nw.len().alias(own[ROWS]),
        nw.col(own[FINITE]).sum(),
        nw.col(own[LO]).min(),
        nw.col(own[LO]).max().alias(own[HI]),
        nw.col(own[LO]).mean().alias(own[MEAN]),
    )
    out = to_pandas(agg.to_native())
    return out.sort_values(own[FIRST], kind="mergesort").reset_index(drop=True)


def _checked_groups(
    groups: pd.DataFrame, *, x: str, panel: str, own: dict[str, str], func: str
) -> pd.DataFrame:
    """The panels with finite samples, after the pandas path's checks and warning."""
    finite = groups[own[FINITE]].fillna(0).astype(np.int64)
    dropped = int(groups[own[ROWS]].sum() - finite.sum())
    big = pd.concat([groups[own[LO]], groups[own[HI]]]).dropna()
    if len(big) and float(big.abs().max()) > MAX_ABS:
        value = float(big.iloc[int(np.argmax(big.abs().to_numpy()))])
        raise InputError(
            f"column {x!r}: holds {value:g}; values beyond ±{MAX_ABS:g} cannot be drawn "
            "(their range overflows); rescale the column"
        )
    if dropped:
        warnings.warn(
            f"{func}: dropped {dropped} row(s) with NaN or infinite values in {x!r}", stacklevel=4
        )
    if not int(finite.sum()):
        raise InputError(f"{func}: no rows with finite values in {x!r}")
    groups = groups.assign(**{own[FINITE]: finite})
    missing = groups[panel].isna()
    n = int(groups.loc[missing, own[FINITE]].sum())
    if n:
        raise InputError(
            f"df: column {panel!r} has {n} missing value(s) (NaN/None); "
            "every row needs a group - fill or drop them first"
        )
    return groups[~missing & (groups[own[FINITE]] > 0)].reset_index(drop=True)


def _counts(
    frame: Any,
    *,
    x: str,
    panel: str,
    groups: pd.DataFrame,
    edges: list[np.ndarray],
    own: dict[str, str],
) -> list[np.ndarray]:
    """Query 2: each panel's bin counts, from the finite samples >= each inner edge."""
    import narwhals as nw

    _, v = _finite(x)
    flags, names = [], []
    for i, (key, e) in enumerate(zip(groups[panel].tolist(), edges, strict=True)):
        mine = nw.col(panel) == nw.lit(key.item() if isinstance(key, np.generic) else key)
        for k, edge in enumerate(e[1:-1], start=1):
            names.append(f"{own[ROW]}_{i}_{k}")
            flags.append((mine & (v >= float(edge))).cast(nw.Int64).alias(names[-1]))
    sums = [nw.col(n).sum() for n in names]
    query = frame.select(x, panel).with_columns(*flags).select(*sums) if flags else None
    got = to_pandas(query.to_native()) if query is not None else pd.DataFrame([{}])
    out = []
    for i, total in enumerate(groups[own[FINITE]].tolist()):
        n = len(edges[i]) - 1
        ge = [int(total)] + [int(got.iloc[0][f"{own[ROW]}_{i}_{k}"]) for k in range(1, n)] + [0]
        out.append(-np.diff(np.asarray(ge, dtype=np.int64)))
    return out


def _row_frame(frame: Any, name: str) -> Any:
    """``frame`` with a column ``name`` holding each row's position (None: no such thing).

    The position is the order :func:`vegafigs.frames.to_pandas` reads the rows in:
    polars' and Arrow's row order, DuckDB's scan order (``row_number() OVER ()``),
    Spark's partition order (``monotonically_increasing_id``).
    """
    import narwhals as nw

    kind = frame.implementation.name
    native = frame.to_native()
    if isinstance(frame, nw.DataFrame):
        return frame.with_row_index(name)
    if kind == "POLARS":
        return nw.from_native(native.with_row_index(name))
    if kind == "DUCKDB":
        return nw.from_native(native.project(f'*, row_number() OVER () AS "{name}"'))
    if kind == "PYSPARK":
        from pyspark.sql import functions as sf

        return nw.from_native(native.withColumn(name, sf.monotonically_increasing_id()))
    return None
