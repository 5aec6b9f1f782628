"""Reductions pushed to where the data lives: the curve figures on any frame.

``reward_length`` (and ``vegafigs curves``) given a polars DataFrame / LazyFrame, a
pyarrow Table, a DuckDB relation or a PySpark DataFrame (anything narwhals wraps)
run their checks and reductions in that frame's engine, so what reaches Python is
bounded by the drawn rows (about four per pixel column and line), not by the log:

1. one aggregate query per figure (:func:`~vegafigs.engines.curves.line_table`):
   per line (run × metric × seed × facet) its first row's position, rows, distinct
   steps, x / y extent and whether every x is whole; NaN / ±inf / null rows are
   counted (the pandas path's warning) and left out of every later query;
2. the figure's own pandas checks run on a stand-in frame of each line's extreme
   rows (:func:`~vegafigs.engines.curves.stand_in`): column roles, dtypes, levels
   and their order (first appearance, category / Enum order), time axes — the same
   messages as for pandas. Rows repeating a step of one line are found from the
   table (distinct steps < rows) and only those rows are fetched, so the error is
   the pandas one, word for word;
3. per drawn series one sorted query (:func:`~vegafigs.engines.curves.line_rows`),
   fetched in batches of :data:`~vegafigs.engines.curves.BATCH_ROWS` rows. A series
   (a run, or the seeds of a run) of at most
   :data:`~vegafigs.engines.reduce.IN_MEMORY_ROWS` rows is computed by the figure's
   pandas code and M4-reduced by :func:`vegafigs.transforms.downsample` (exactly
   the pandas path); a longer one streams through
   :class:`~vegafigs.engines.stream.Segments` (overlapping segments: each row is
   computed with the context its window needs) into
   :class:`~vegafigs.engines.stream.M4Stream` /
   :class:`~vegafigs.engines.stream.ProbeM4` (the current pixel column's
   first / last / min / max candidates only).

Which path each transform takes (every engine: polars, DuckDB, pyarrow, Spark):

=================  ==============================  ===================================
transform          series <= IN_MEMORY_ROWS        longer series (streamed)
=================  ==============================  ===================================
x domain, levels   aggregate query in the engine   aggregate query in the engine
checks, NaN drop   aggregate query in the engine   aggregate query in the engine
``ema:W``          fetched sorted, pandas EWM      segments with ``ema_context(W)``
                                                   points of history (same floats)
``twema:W``        fetched sorted, pandas          an ``InputError`` (weights by the
                                                   run's whole range: use pandas)
``rolling:N``      fetched sorted, pandas          segments with N // 2 points each side
``gaussian:S``     fetched sorted, pandas          segments with ceil(4 S) points each side
rolling ``band``   fetched sorted, pandas          segments with the window each side
seeds (``seed=``)  fetched sorted, pandas          segments of whole steps; the seeds
                   (interpolated when seeds are    must share their steps (else an
                   logged at different steps)      ``InputError`` saying what to do)
M4                 :func:`~vegafigs.transforms     :class:`~vegafigs.engines.stream
                   .downsample`                    .M4Stream` (numpy rule) or, for a
                                                   series spanning the x domain,
                                                   :class:`~vegafigs.engines.stream
                                                   .ProbeM4` (tsdownsample's columns
                                                   from a first pass over the steps
                                                   only): the same rows
=================  ==============================  ===================================

Memory: sorting is done by the engine (polars sorts a run of 10M rows in memory:
two columns, ~160 MB); Python holds one batch, one segment and the kept rows, plus,
for a long run spanning the x domain, its steps alone for the ``tsdownsample``
pixel columns (8 bytes a step: 80 MB for 10M steps, freed before the main pass).
polars' ``ewm_mean`` is not used: it equals TensorBoard's EMA only up to rounding
(which can move an M4 pick between equal-looking values), while the segments give
pandas' own floats, so the spec is byte-identical. DuckDB: a ``TIMESTAMP WITH TIME
ZONE`` keeps no zone (it reads back in the session's zone) and an ``INTERVAL``
reads back as a calendar offset (not a duration), so give such x as naive times /
numbers there.
"""

from vegafigs.engines.curves import line_rows, line_table, stand_in
from vegafigs.engines.frames import batches, is_pandas, lazy_frame
from vegafigs.engines.reduce import Group, Plan, reduce_groups
from vegafigs.engines.source import CurveSource
from vegafigs.engines.stream import M4Stream, ProbeM4, Segments

__all__ = [
    "CurveSource",
    "Group",
    "M4Stream",
    "Plan",
    "ProbeM4",
    "Segments",
    "batches",
    "is_pandas",
    "lazy_frame",
    "line_rows",
    "line_table",
    "reduce_groups",
    "stand_in",
]
