"""``vegafigs curves`` on Parquet files, dataset folders and globs: :func:`vegafigs.io.scan`.

The logs are scanned lazily (DuckDB); what the command prints comes from one aggregate
query (points per metric and run), never from pulling rows. :data:`LAZY_CURVES` is the
one switch between handing ``reward_length`` the lazy frame and collecting the rows it
draws first.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: True: ``reward_length`` gets the lazy frame itself (its reductions run in the engine).
#: True: ``reward_length`` gets the lazy relation and reduces it in DuckDB
#: (:mod:`vegafigs.engines`); False: the rows of the metrics drawn are collected into
#: pandas, sorted as :func:`vegafigs.io.load` sorts them.
LAZY_CURVES = True


def is_path(item: str) -> bool:
    """True when ``item`` is a path or a glob matching files (not ``NAME=PATH``)."""
    return os.path.exists(item) or (_is_glob(item) and bool(glob.glob(item, recursive=True)))


def _is_glob(item: str) -> bool:
    return any(c in item for c in "*?[")


def scannable(items: Sequence[str], *, fmt: str | None, merge: str | None) -> bool:
    """True when every LOG is Parquet (a file, a folder of ``.parquet`` files or a glob).

    Anything else (other formats, ``--merge``, ``--format`` other than parquet) goes
    through :func:`vegafigs.io.load` as before.
    """
    from vegafigs.errors import LoadError
    from vegafigs.io._detect import detect_format

    if merge is not None or fmt not in (None, "parquet") or not items:
        return False
    for item in items:
        if not os.path.exists(item):
            if not _is_glob(item) or not glob.glob(item, recursive=True):
                return False
            continue
        p = Path(item)
        if p.is_dir():
            if next(p.rglob("*.parquet"), None) is None:
                return False
            continue
        try:
            if (fmt or detect_format(p)) != "parquet":
                return False
        except LoadError:
            return False  # load says what is wrong with it
    return True


@dataclass
class Scanned:
    """The scanned logs: the lazy frame, its step column, ids and points per (metric, run)."""

    frame: Any
    x: str | None
    ids: list[str]
    counts: Mapping[tuple[str, str], int] = field(default_factory=dict)
    lazy: bool = True

    @property
    def metrics(self) -> list[str]:
        """The metrics with at least one point, sorted."""
        return sorted({m for m, _ in self.counts})

    def summary(self, metrics: Sequence[str]) -> tuple[int, int]:
        """``(points, runs)`` of the metrics drawn (from the aggregate query)."""
        drawn = {k: n for k, n in self.counts.items() if k[0] in metrics}
        return sum(drawn.values()), len({r for _, r in drawn})

    def for_figure(self, metrics: Sequence[str]) -> Any:
        """What ``reward_length`` gets: the lazy frame, or the drawn rows collected."""
        if not self.lazy:
            return self.frame
        rel = self.frame.filter(_metric_filter(metrics))
        if LAZY_CURVES:
            return rel
        runs = sorted({r for m, r in self.counts if m in metrics})
        total = self.summary(metrics)[0]
        return collect(rel, x=self.x, ids=self.ids, runs=runs, metrics=list(metrics), total=total)

    def series_order(self, series: str, metrics: Sequence[str]) -> list[Any] | None:
        """The ``series`` levels in the order :func:`vegafigs.io.load`'s frame shows them
        first (it is sorted by run, metric, ids, step; a scan has no order): one
        aggregate query. ``None`` for loaded logs (their frame has that order)."""
        if not self.lazy or not LAZY_CURVES:
            return None
        keys = ", ".join(_q(c) for c in ("run", "metric", *self.ids, self.x or "step")
                         if c in self.frame.columns)  # fmt: skip
        rel = self.frame.filter(_metric_filter(metrics))
        rows = rel.aggregate(f"{_q(series)}, min(struct_pack({keys})) AS first",
                             _q(series)).order("first").fetchall()  # fmt: skip
        return [r[0] for r in rows]


def _metric_filter(metrics: Sequence[str]) -> str:
    listed = ", ".join("'" + m.replace("'", "''") + "'" for m in metrics)
    return f"metric IN ({listed})"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def scan_logs(
    items: Sequence[str], *, run: str | None, step: str | None, ids: list[str]
) -> Scanned:
    """:func:`~vegafigs.io.scan` of the LOGs and the points per (metric, run), one query."""
    from vegafigs.io.scan import scan_info

    rel, info = scan_info(list(items), run=run, step=step, ids=ids or None)
    rows = rel.aggregate("metric, run, count(*)", "metric, run").fetchall()
    counts = {(str(m), str(r)): int(n) for m, r, n in rows}
    return Scanned(rel, info.x, list(info.ids), counts)


def loaded(df: Any) -> Scanned:
    """The frame :func:`vegafigs.io.load` gave, as a :class:`Scanned` (points counted)."""
    sizes = df.groupby([df["metric"].astype(str), df["run"].astype(str)], observed=True).size()
    counts = {(str(m), str(r)): int(n) for (m, r), n in sizes.items()}
    return Scanned(df, df.attrs.get("x"), list(df.attrs.get("ids", [])), counts, lazy=False)


def collect(
    rel: Any,
    *,
    x: str | None,
    ids: Sequence[str],
    runs: Sequence[str],
    metrics: Sequence[str],
    total: int,
) -> Any:
    """The relation's rows as the pandas frame ``load`` would give (order, dtypes, attrs).

    Streamed as Arrow batches into arrays of ``total`` rows (counted by the aggregate
    query): run and metric become integer codes into ``runs`` / ``metrics`` batch by
    batch, so the strings of every row are built once, in the frame; the rows are
    sorted by load's own code (no sort at all when they come sorted, the usual case).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from vegafigs.errors import LoadError
    from vegafigs.io._common import _code_dtype, _finish_arrays, _id_sorted

    names = {"run": sorted(runs), "metric": sorted(metrics)}
    sets = {k: pa.array(v, type=pa.string()) for k, v in names.items()}
    picked = rel.select(", ".join(_q(c) for c in ("run", "metric", "step", "value", *ids)))
    cols: dict[str, Any] = {}
    pieces: dict[str, list[Any]] = {}
    at = 0
    for batch in _batches(picked):
        n = batch.num_rows
        for c in batch.schema.names:
            col = batch.column(c)
            if c in sets:
                col = pc.index_in(col.cast(pa.string()), value_set=sets[c])
                col = col.to_numpy(zero_copy_only=False).astype(_code_dtype(len(names[c])))
            elif c in ids:  # any dtype, nulls in some batches only: joined at the end
                pieces.setdefault(c, []).append(col.to_pandas())
                continue
            else:
                col = col.to_numpy(zero_copy_only=False)
            if c not in cols:  # filled in place: no list of pieces to concatenate
                cols[c] = np.empty(total, dtype=col.dtype)
            cols[c][at : at + n] = col
        at += n
    if at != total:  # the logs changed since they were counted
        raise LoadError(f"logs: {at:,} rows read, {total:,} counted; were they being written?")
    import pandas as pd

    if not cols:
        cols = {c: np.array([]) for c in ("run", "metric", "step", "value", *ids)}
    for c, got in pieces.items():
        cols[c] = pd.concat(got, ignore_index=True).to_numpy()
    extra = {c: cols.pop(c) for c in ids}
    frame = _finish_arrays((cols.pop("run"), names["run"]), (cols.pop("metric"), names["metric"]),
                           cols.pop("step"), cols.pop("value"), extra, path=None)  # fmt: skip
    df = _id_sorted(frame, list(ids))
    df.attrs = {"x": x, "ids": list(ids), "text": []}
    return df


def _batches(rel: Any) -> Any:
    """The relation's rows as Arrow record batches (the name differs across DuckDB versions)."""
    for name in ("to_arrow_reader", "fetch_arrow_reader", "record_batch"):
        if hasattr(rel, name):
            return getattr(rel, name)(1 << 20)
    return rel.arrow().to_batches()
