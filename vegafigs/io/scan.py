"""Lazy scans of table logs in DuckDB: Parquet files, hive-partitioned Parquet datasets,
globs, and CSV / JSON Lines tables -> the tidy ``run, step, metric, value[, ids...]``
columns as a lazy DuckDB relation (which narwhals takes), nothing read into Python.

:func:`scan` reads what :func:`vegafigs.io.load` reads for these formats, with the same
semantics (step column detection, run names, NaN values dropped, booleans 1 / 0,
identifier columns, :class:`~vegafigs.LoadError` naming the file), but lazily: columns
not needed are never read (projection) and ``metrics=`` is a filter DuckDB pushes into
the file scan (row groups / partitions without those metrics are skipped).

Which reader takes what
-----------------------
* Parquet: always DuckDB's ``read_parquet`` (a folder: every ``*.parquet`` under it,
  ``key=value`` folders becoming identifier columns).
* CSV: DuckDB's strict reader when the file is a plain numeric table: the header on the
  first line, every line ending in a line end, every column numbers or booleans (text
  only in ``run``, a long table's ``metric`` and the ``ids`` given), nothing DuckDB
  refuses (ragged rows, bad UTF-8). Anything else (comment or text lines before the
  header, a last line cut short, text columns to classify, ...) is read by
  :func:`~vegafigs.io.load`'s careful loader and its frame handed to DuckDB: the result
  is always what ``load`` gives.
* JSON Lines: :func:`~vegafigs.io.load`'s reader (pyarrow, which refuses a key given
  twice in one object; DuckDB's does not), its frame handed to DuckDB.

What runs when: :func:`scan` reads the files' footers (schemas, row counts) and, only
when the tables need it, one aggregate query: text columns (to tell identifiers such as
``env`` from notes, as ``load`` does) and float step columns (integral -> int64, as
``load``). Everything else runs when the relation is collected or reduced.

The relation's rows are in no particular order: sort by run, metric, ids, step (the
order ``load`` returns) when order matters. A step logged twice for one line is not
looked for here (that needs a pass over all rows): the figures check it. Neither is a
file whose values are all NaN (``load``: "no logged values"): it adds no rows.

Run names: a ``run`` column; else ``run=``; else each file as ``load`` names it
(its stem, a generic stem by its folder); every file of a dataset folder is one run
named by the folder, its lines told apart by the partition columns. A flat folder of
per-run files is a glob (``logs/*.parquet``), not a dataset.
"""

from __future__ import annotations

import csv
import glob
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vegafigs.errors import LoadError
from vegafigs.io._common import (
    ID_NAME,
    NOT_METRICS,
    STEP_NAMES,
    TEXT_BOOKKEEPING,
    check_header,
    find_step,
    is_long,
    open_check,
    where,
)
from vegafigs.io._runs import run_names

__all__ = ["SCAN_ENGINES", "ScanInfo", "scan", "scan_info"]

#: What :func:`scan` can return: a DuckDB relation, or a polars LazyFrame reading it.
SCAN_ENGINES = ("duckdb", "polars")
#: Formats :func:`scan` reads (the table formats of :func:`vegafigs.io.load`).
TABLES = ("parquet", "csv", "jsonl")

_INT = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
        "UINTEGER", "UBIGINT", "UHUGEINT"}  # fmt: skip
_FLOAT = {"FLOAT", "DOUBLE", "REAL"}
#: Steps at or beyond 2**63 do not fit the int64 step column.
_INT64_LIMIT = float(2**63)


@dataclass(frozen=True)
class ScanInfo:
    """What :func:`scan_info` found besides the relation.

    Parameters
    ----------
    x : str
        The step column of the files (``"step"`` when they name it differently).
    ids : tuple of str
        The identifier columns (after ``value``).
    files : tuple of Path
        The files read.
    reader : {"duckdb", "load"}
        ``"duckdb"``: the engine reads the files; ``"load"``: the careful loader of
        :func:`~vegafigs.io.load` did (see the module docstring).

    Examples
    --------
    >>> ScanInfo("step", ("seed",), (), "duckdb").ids
    ('seed',)
    """

    x: str
    ids: tuple[str, ...]
    files: tuple[Path, ...]
    reader: str


def scan(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    run: str | None = None,
    step: str | None = None,
    ids: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    format: str | None = None,
    engine: str = "duckdb",
) -> Any:
    """Table logs -> a lazy tidy frame ``run, step, metric, value[, ids...]`` (no rows read).

    Reads what :func:`vegafigs.io.load` reads for Parquet, CSV and JSON Lines
    tables, with its semantics, as a lazy query (see the module docstring for
    which reader takes what). A Parquet dataset folder (``method=ppo/seed=3/
    part-0.parquet``) is one table: its ``key=value`` folders are identifier
    columns. The rows come in no particular order (``load``'s order is run,
    metric, ids, step).

    Parameters
    ----------
    paths : path or sequence of paths
        Log files, Parquet dataset folders and glob patterns (``logs/*.parquet``,
        ``data/**/*.parquet``).
    run : str, optional
        The run of every row when the files have no ``run`` column. Default
        ``None``: a ``run`` column, else each file's name as
        :func:`~vegafigs.io.load` names it, a dataset folder's name for its files.
    step : str, optional
        The step column; default ``None``: the first of ``step``,
        ``global_step``, ``_step``, ``Step``, ``iteration``, ``iter``, ``epoch``,
        ``timestep`` present.
    ids : sequence of str, optional
        Columns kept as identifier columns besides the automatic ones (text
        columns such as ``env`` / ``method``, integer columns named like ``seed``,
        partition folders); each must be a column of every file.
    metrics : sequence of str, optional
        Only these metrics (a filter pushed into the file scan); default ``None``:
        every metric. A metric column missing from a wide table is a
        :class:`~vegafigs.LoadError`.
    format : {"parquet", "csv", "jsonl"}, optional
        The format of every file; default ``None``: detected (as by ``load``).
    engine : {"duckdb", "polars"}
        ``"duckdb"`` (default): a ``duckdb.DuckDBPyRelation``; ``"polars"``: a
        ``polars.LazyFrame`` reading that relation (needs polars, the
        ``vegafigs[polars]`` extra, and DuckDB 1.4 or later).

    Returns
    -------
    duckdb.DuckDBPyRelation or polars.LazyFrame
        The lazy tidy frame; ``narwhals.from_native`` takes either.

    Examples
    --------
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> for seed in (0, 1):
    ...     part = Path(f"runs/method=ppo/seed={seed}")
    ...     part.mkdir(parents=True)
    ...     log = pd.DataFrame({"step": [0, 10], "reward": [0.5, 1.0 + seed]})
    ...     log.to_parquet(part / "part-0.parquet")
    >>> rel = scan("runs", metrics=["reward"])
    >>> rel.order("seed, step").df()
       run  step  metric  value method  seed
    0  runs     0  reward    0.5    ppo     0
    1  runs    10  reward    1.0    ppo     0
    2  runs     0  reward    0.5    ppo     1
    3  runs    10  reward    2.0    ppo     1
    """
    frame, _ = scan_info(
        paths, run=run, step=step, ids=ids, metrics=metrics, format=format, engine=engine
    )
    return frame


def scan_info(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    run: str | None = None,
    step: str | None = None,
    ids: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    format: str | None = None,
    engine: str = "duckdb",
) -> tuple[Any, ScanInfo]:
    """:func:`scan` and what it found: ``(frame, ScanInfo)``.

    Parameters
    ----------
    paths : path or sequence of paths
        As for :func:`scan`.
    run : str, optional
        As for :func:`scan`.
    step : str, optional
        As for :func:`scan`.
    ids : sequence of str, optional
        As for :func:`scan`.
    metrics : sequence of str, optional
        As for :func:`scan`.
    format : {"parquet", "csv", "jsonl"}, optional
        As for :func:`scan`.
    engine : {"duckdb", "polars"}
        As for :func:`scan`.

    Returns
    -------
    tuple
        The lazy frame and a :class:`ScanInfo` (step column, identifier columns,
        files, reader).

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("ppo.csv").write_text("global_step,reward\\n0,1.0\\n5,2.0\\n")
    >>> rel, info = scan_info("ppo.csv")
    >>> info.x, info.reader
    ('global_step', 'duckdb')
    """
    if engine not in SCAN_ENGINES:
        raise LoadError(f"engine: got {engine!r}; expected one of {', '.join(SCAN_ENGINES)}")
    if format is not None and format not in TABLES:
        raise LoadError(
            f"format: got {format!r}; scan reads the tables {', '.join(TABLES)} "
            "(vegafigs.io.load reads every format)"
        )
    given = _checked_names(ids, "ids")
    wanted = None if metrics is None else _checked_names(metrics, "metrics")
    sources = _sources(paths)
    fmt = _one_format(sources, format)
    con = _connection()
    if fmt == "parquet":
        rel, info = _parquet(con, sources, run=run, step=step, ids=given, metrics=wanted)
    else:
        rel, info = _text_table(con, sources, fmt, run=run, step=step, ids=given, metrics=wanted)
    if engine == "polars":
        if not _has_lazy_polars(rel):
            raise LoadError("engine='polars': needs DuckDB 1.4 or later (relation.pl(lazy=True))")
        return rel.pl(lazy=True), info
    return rel, info


_CONNECTION: list[Any] = []


def _connection() -> Any:
    """The process's DuckDB connection of scans (in memory; a relation needs its
    connection open while it is used, and older DuckDB closes one nobody holds)."""
    if not _CONNECTION:
        import duckdb

        con = duckdb.connect(":memory:")
        con.execute("SET enable_progress_bar = false")
        _CONNECTION.append(con)
    return _CONNECTION[0]


def _has_lazy_polars(rel: Any) -> bool:
    import inspect

    try:
        return "lazy" in inspect.signature(rel.pl).parameters
    except (TypeError, ValueError):  # a builtin without a signature: try it
        return True


def _checked_names(names: Sequence[str] | None, what: str) -> list[str]:
    if names is None:
        return []
    if isinstance(names, str) or not all(isinstance(c, str) for c in names):
        raise LoadError(f"{what}: expected a list of names, got {names!r}")
    return list(dict.fromkeys(names))


@dataclass(frozen=True)
class _Source:
    """A file to read; ``dataset`` the folder it was found in (None: given itself)."""

    path: Path
    dataset: Path | None = None


def _is_glob(text: str) -> bool:
    return any(c in text for c in "*?[")


def _sources(paths: Any) -> list[_Source]:
    """The files of ``paths``: files, folders (their ``*.parquet``) and globs expanded."""
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not items:
        raise LoadError("paths: no files given")
    out: list[_Source] = []
    for item in items:
        text = os.fspath(item)
        if _is_glob(text) and not os.path.exists(text):
            found = sorted(glob.glob(text, recursive=True))
            files = [Path(f) for f in found if os.path.isfile(f)]
            if not files:
                raise LoadError(f"log {text!r}: no files match this pattern")
            out.extend(_Source(open_check(f)) for f in files)
            continue
        p = open_check(text, folder_ok=True)
        if p.is_dir():
            parts = sorted(q for q in p.rglob("*.parquet") if q.is_file() and not _hidden(q, p))
            if not parts:
                raise LoadError(f"log {where(p)}: a folder without .parquet files")
            out.extend(_Source(q, p) for q in parts)
        else:
            out.append(_Source(p))
    seen: set[Path] = set()
    for s in out:
        if s.path.absolute() in seen:
            raise LoadError(f"log {where(s.path)}: given twice; each file is read once")
        seen.add(s.path.absolute())
    return out


def _hidden(q: Path, root: Path) -> bool:
    """A dot / underscore file or folder under ``root`` (Spark's ``_SUCCESS``, ``.crc``)."""
    return any(part.startswith((".", "_")) for part in q.relative_to(root).parts)


def _one_format(sources: Sequence[_Source], given: str | None) -> str:
    """The one table format of every source (detected as ``load`` does)."""
    from vegafigs.io._detect import detect_format

    formats: dict[str, Path] = {}
    for s in sources:
        if given is not None:
            fmt = given
        elif s.dataset is not None:
            fmt = "parquet"
        else:
            fmt = detect_format(s.path)
        if fmt not in TABLES:
            raise LoadError(
                f"log {where(s.path)}: a {fmt} log; scan reads the tables {', '.join(TABLES)} "
                "(read it with vegafigs.io.load)"
            )
        formats.setdefault(fmt, s.path)
    if len(formats) > 1:
        shown = ", ".join(f"{f} ({where(p)})" for f, p in formats.items())
        raise LoadError(f"paths: files of several formats ({shown}); scan one format at a time")
    return next(iter(formats))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _kind(duck_type: str) -> str:
    """``int``, ``float``, ``bool``, ``str`` or ``other`` for a DuckDB type name."""
    t = duck_type.upper()
    if t in _INT:
        return "int"
    if t in _FLOAT or t.startswith("DECIMAL"):
        return "float"
    if t == "BOOLEAN":
        return "bool"
    if t == "VARCHAR" or t.startswith("ENUM"):
        return "str"
    return "other"


# ---------------------------------------------------------------- Parquet


def _parquet_names(p: Path) -> tuple[list[str], list[str], int]:
    """``(raw column names, pandas index columns, rows)`` of one Parquet file, checked."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(p)
        schema = meta.schema.to_arrow_schema()
    except Exception as exc:  # pyarrow raises its own error types
        raise LoadError(f"log {where(p)}: not a readable Parquet file ({exc})") from exc
    index: list[str] = []
    pandas_meta = schema.pandas_metadata or {}
    index = [c for c in pandas_meta.get("index_columns", []) if isinstance(c, str)]
    names = [n for n in schema.names if n not in index]
    check_header(names, path=p, line=None)
    if meta.num_rows == 0:
        raise LoadError(f"log {where(p)}: no rows (columns {[n.strip() for n in names]})")
    return names, index, meta.num_rows


def _partitions(s: _Source) -> dict[str, str]:
    """The ``key=value`` folders of a file (under its dataset folder, or anywhere)."""
    parent = s.path.parent
    parts = parent.relative_to(s.dataset).parts if s.dataset is not None else parent.parts
    out = {}
    for part in parts:
        key, sep, value = part.partition("=")
        if sep and key:
            out[key] = value
    return out


def _parquet(
    con: Any,
    sources: Sequence[_Source],
    *,
    run: str | None,
    step: str | None,
    ids: list[str],
    metrics: list[str] | None,
) -> tuple[Any, ScanInfo]:
    """The tidy relation of Parquet files (see :func:`scan`): files of one layout (wide /
    long) and step column read together, the groups' rows joined by column name."""
    keys = [_partitions(s) for s in sources]
    hive = list(keys[0]) if keys and all(set(k) == set(keys[0]) for k in keys) else []
    steps: set[str] = set()
    index_cols: set[str] = set()
    layouts: dict[tuple[bool, str], list[_Source]] = {}
    for s in sources:
        raw, index, _ = _parquet_names(s.path)
        index_cols.update(index)
        stripped = [n.strip() for n in raw]
        found = find_step(stripped, step, path=s.path)
        steps.add(found)
        missing = [c for c in ids if c != "run" and c not in stripped and c not in hive]
        if missing:
            raise LoadError(
                f"log {where(s.path)}: no column(s) {missing} to keep as ids; columns: {stripped}"
            )
        layouts.setdefault((is_long(stripped), found), []).append(s)
    names = {p: run for p in (s.path for s in sources)} if run is not None else _run_names(sources)
    specs = [
        _parquet_spec(con, group, names, step=col, ids=ids, hive=hive, skip=index_cols,
                      metrics=metrics)
        for (_, col), group in layouts.items()
    ]  # fmt: skip
    if len(specs) == 1:
        sql = specs[0].sql()
    else:
        sql = " UNION ALL BY NAME ".join(f"SELECT * FROM ({sp.sql()})" for sp in specs)
    kept = tuple(dict.fromkeys(c for sp in specs for c in sp.ids))
    files = tuple(s.path for s in sources)
    x = steps.pop() if len(steps) == 1 else "step"  # as load records it
    return con.sql(sql), ScanInfo(x, kept, files, "duckdb")


def _parquet_spec(
    con: Any,
    group: Sequence[_Source],
    names: dict[Path, str],
    *,
    step: str | None,
    ids: list[str],
    hive: list[str],
    skip: set[str],
    metrics: list[str] | None,
) -> _Spec:
    """The query of Parquet files of one layout, run names from ``names`` (by file)."""
    listed = "[" + ", ".join(_lit(str(s.path)) for s in group) + "]"
    source = (
        f"read_parquet({listed}, union_by_name=true, filename='_vf_file', "
        f"hive_partitioning={'true' if hive else 'false'})"
    )
    return _named_spec(con, source, [s.path for s in group], names, step=step, ids=ids,
                       partitions=hive, skip=skip, metrics=metrics)  # fmt: skip


def _named_spec(
    con: Any,
    source: str,
    files: list[Path],
    names: dict[Path, str],
    *,
    step: str | None,
    ids: list[str],
    partitions: Sequence[str],
    skip: set[str],
    metrics: list[str] | None,
) -> _Spec:
    """The query over ``source`` (with a ``_vf_file`` column); runs named by file."""
    base = con.sql(f"SELECT * FROM {source} LIMIT 0")
    cols = {c: str(t) for c, t in zip(base.columns, base.dtypes, strict=True)}
    cols = {c: t for c, t in cols.items() if c not in skip and c != "_vf_file"}
    mine = {names[f] for f in files}
    run_sql = _lit(next(iter(mine)))
    if len(mine) > 1:
        pairs = ", ".join(f"({_lit(str(f))}, {_lit(names[f])})" for f in files)
        source = (
            f"(SELECT * FROM {source} JOIN (VALUES {pairs}) AS _vf_names(_vf_f, _vf_run) "
            "ON _vf_file = _vf_f)"
        )
        run_sql = _quote("_vf_run")
    return _Spec(con, source, cols, path=files[0], run_sql=run_sql, step=step, ids=ids,
                 partitions=partitions, metrics=metrics)  # fmt: skip


def _run_names(sources: Sequence[_Source]) -> dict[Path, str]:
    """Each file's run: a dataset folder's name for its files, else as ``load`` names it."""
    plain = [s.path for s in sources if s.dataset is None]
    names = dict(zip(plain, run_names(plain), strict=True)) if plain else {}
    for s in sources:
        if s.dataset is not None:
            names[s.path] = s.dataset.absolute().name
    return names


class _Spec:
    """The tidy query over one source (a DuckDB table expression) and its columns."""

    def __init__(
        self,
        con: Any,
        source: str,
        cols: dict[str, str],
        *,
        path: Path,
        run_sql: str,
        step: str | None,
        ids: list[str],
        partitions: Sequence[str],
        metrics: list[str] | None,
    ) -> None:
        self.con, self.source, self.path = con, source, path
        self.raw = {c.strip(): c for c in cols}  # stripped -> raw name
        self.kinds = {c.strip(): _kind(t) for c, t in cols.items()}
        # A run column names the runs; files without one are named by run_sql.
        self.run_sql = (
            f"COALESCE(CAST({self.q('run')} AS VARCHAR), {run_sql})" if "run" in self.raw
            else run_sql
        )  # fmt: skip
        self.long = is_long(self.raw)
        self.step = find_step(list(self.raw), step, path=path)
        self.wanted = metrics
        self.text_stats = self._text_stats(exclude={self.step, "run", *ids, *partitions})
        self.ids = self._ids(ids, partitions)

    def q(self, name: str) -> str:
        return _quote(self.raw[name])

    def _text_stats(self, exclude: set[str]) -> dict[str, tuple[int, ...]]:
        """``{column: (rows, non-null, distinct, bad)}`` of text columns: ``bad`` counts the
        values that are neither numbers, ``true`` / ``false`` nor blank (one query)."""
        text = [c for c, k in self.kinds.items() if k == "str" and c not in exclude]
        text = [c for c in text if not (self.long and c in ("metric", "value"))]
        if not text:
            return {}
        parts = []
        for c in text:
            col = self.q(c)
            bad = (
                f"{col} IS NOT NULL AND trim({col}) <> '' AND TRY_CAST({col} AS DOUBLE) IS NULL"
                f" AND lower(trim({col})) NOT IN ('true', 'false')"
            )
            parts.append(
                f"count({col}), count(DISTINCT {col}), count(TRY_CAST({col} AS DOUBLE)), "
                f"count(*) FILTER (WHERE {bad})"
            )
        row = self.con.sql(f"SELECT count(*), {', '.join(parts)} FROM {self.source}").fetchall()[0]
        n = int(row[0])
        return {c: (n, *(int(v) for v in row[1 + 4 * i : 5 + 4 * i])) for i, c in enumerate(text)}

    def _ids(self, given: list[str], partitions: Sequence[str]) -> list[str]:
        """The identifier columns, as :func:`vegafigs.io._common.id_columns` finds them."""
        ids = [c for c in given if c != "run"]
        for c, kind in self.kinds.items():
            if c in ids or c in (self.step, "run", "metric", "value") or c in partitions:
                continue
            if kind == "str" and c in self.text_stats:
                n, nonnull, distinct, numeric = self.text_stats[c][:4]
                if numeric:  # numbers as text: a metric (wide), not an identifier
                    continue
                per_row = n > 2 and distinct == nonnull
                if not (c.lower() in TEXT_BOOKKEEPING or per_row or distinct == 0):
                    ids.append(c)
            elif kind == "int" and ID_NAME.search(c):
                ids.append(c)
        return [*ids, *(c for c in partitions if c not in ids and c != "run")]

    def number(self, name: str) -> str:
        """A column as DOUBLE: booleans 1 / 0, numbers written as text parsed."""
        col, kind = self.q(name), self.kinds[name]
        if kind == "str":
            return (
                f"(CASE lower(trim({col})) WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0 "
                f"ELSE TRY_CAST({col} AS DOUBLE) END)"
            )
        return f"CAST({col} AS DOUBLE)"

    def step_sql(self) -> tuple[str, str]:
        """``(step expression, row filter)``: integer steps as BIGINT, others checked."""
        col, kind = self.q(self.step), self.kinds[self.step]
        if kind == "int":
            return f"CAST({col} AS BIGINT)", f"{col} IS NOT NULL"
        if kind != "float":
            what = "true/false values" if kind == "bool" else f"{kind} values"
            raise LoadError(
                f"log {where(self.path)}: column {self.step!r}: {what}; expected step numbers "
                "(vegafigs.io.load reads steps written as text)"
            )
        keep = f"isfinite(CAST({col} AS DOUBLE))"
        whole, big = self.con.sql(
            f"SELECT bool_and({col} = round({col})), max(abs({col})) FROM {self.source} "
            f"WHERE {keep}"
        ).fetchall()[0]
        if whole and big is not None and float(big) >= _INT64_LIMIT:
            raise LoadError(
                f"log {where(self.path)}: column {self.step!r}: step {float(big):g} is beyond "
                "the int64 range (about ±9.2e18); expected a step count"
            )
        return (f"CAST({col} AS BIGINT)" if whole else f"CAST({col} AS DOUBLE)"), keep

    def metric_columns(self) -> list[str]:
        """The wide table's metric columns (as ``tidy_from_wide`` picks them), checked."""
        skip = {self.step, *self.ids, *NOT_METRICS}
        names = [c for c in self.raw if c not in skip]
        if self.wanted is not None:
            missing = [m for m in self.wanted if m not in names]
            if missing:
                raise LoadError(
                    f"log {where(self.path)}: no metric column(s) {missing}; has {names}"
                )
            return list(self.wanted)
        out = []
        for c in names:
            kind = self.kinds[c]
            if kind in ("int", "float", "bool"):
                out.append(c)
            elif kind == "str" and self.text_stats.get(c, (0, 0, 0, 0))[3]:
                out.append(c)  # numbers written as text (a word among them is an error below)
        if not out:
            raise LoadError(
                f"log {where(self.path)}: no numeric metric columns besides {self.step!r}"
            )
        return sorted(out)

    def _check_text_metric(self, name: str) -> None:
        stats = self.text_stats.get(name)
        if self.kinds[name] == "other" or (stats is not None and stats[4] > 0):
            col = self.q(name)
            got = self.con.sql(
                f"SELECT {col} FROM {self.source} WHERE {col} IS NOT NULL AND trim({col}) <> '' "
                f"AND TRY_CAST({col} AS DOUBLE) IS NULL "
                f"AND lower(trim({col})) NOT IN ('true', 'false') LIMIT 1"
            ).fetchall()
            value = got[0][0] if got else self.kinds[name]
            raise LoadError(
                f"log {where(self.path)}: column {name!r}: expected a number, got {value!r}"
            )

    def sql(self) -> str:
        """The tidy query: one SELECT per metric column (wide) or one (long)."""
        step_expr, keep = self.step_sql()
        ids = ", ".join(f"{self.q(c) if c in self.raw else _quote(c)} AS {_quote(c)}"
                        for c in self.ids)  # fmt: skip
        tail = f", {ids}" if ids else ""
        head = f"{self.run_sql} AS run, {step_expr} AS step"
        if self.long:
            value = self.number("value")
            metric = f"CAST({self.q('metric')} AS VARCHAR)"
            where_ = f"{keep} AND {value} IS NOT NULL AND NOT isnan({value})"
            if self.wanted is not None:
                where_ += f" AND {self.q('metric')} IN ({', '.join(map(_lit, self.wanted))})"
            sql = (
                f"SELECT {head}, {metric} AS metric, {value} AS value{tail} "
                f"FROM {self.source} WHERE {where_}"
            )
            return sql
        parts = []
        for name in self.metric_columns():
            self._check_text_metric(name)
            value = self.number(name)
            parts.append(
                f"SELECT {head}, {_lit(name)} AS metric, {value} AS value{tail} FROM {self.source} "
                f"WHERE {keep} AND {value} IS NOT NULL AND NOT isnan({value})"
            )
        return " UNION ALL ".join(parts)


# ---------------------------------------------------------------- CSV / JSON Lines


def _strict_csv(p: Path, step: str | None) -> list[str] | None:
    """The raw header of ``p`` when DuckDB's strict reader may read it, else None."""
    size = p.stat().st_size
    if size == 0:
        return None
    with open(p, "rb") as fh:
        head = fh.read(1 << 16)
        fh.seek(size - 1)
        last = fh.read(1)
    if last != b"\n" or head.startswith((b"\xef\xbb\xbf", b"#")):
        return None
    try:
        first = head.split(b"\n", 1)[0].decode("utf-8")
    except UnicodeDecodeError:
        return None
    header = next(csv.reader(io.StringIO(first)), [])
    names = [h.strip() for h in header]
    if not names or len(set(names)) != len(names) or "" in names:
        return None
    if not (step in names if step is not None else any(n in STEP_NAMES for n in names)):
        return None  # maybe not the header: the careful loader finds it
    return names


def _text_table(
    con: Any,
    sources: Sequence[_Source],
    fmt: str,
    *,
    run: str | None,
    step: str | None,
    ids: list[str],
    metrics: list[str] | None,
) -> tuple[Any, ScanInfo]:
    """CSV files through DuckDB's strict reader, or CSV / JSONL through ``load``'s."""
    files = [s.path for s in sources]
    if fmt == "csv":
        got = _duck_csv(con, files, run=run, step=step, ids=ids, metrics=metrics)
        if got is not None:
            return got
    return _through_load(con, files, fmt, run=run, step=step, ids=ids, metrics=metrics)


def _duck_csv(
    con: Any,
    files: list[Path],
    *,
    run: str | None,
    step: str | None,
    ids: list[str],
    metrics: list[str] | None,
) -> tuple[Any, ScanInfo] | None:
    """The CSV files read by DuckDB's strict reader, or None when it may not take them."""
    import duckdb

    allowed = {"run", "metric", *ids}
    layouts = set()
    for p in files:
        header = _strict_csv(p, step)
        if header is None:
            return None
        layouts.add(is_long(header))
    if len(layouts) > 1:
        return None  # wide and long files: load's reader takes them one by one
    listed = "[" + ", ".join(_lit(str(f)) for f in files) + "]"
    source = (
        f"read_csv({listed}, header=true, delim=',', quote='\"', escape='\"', "
        "strict_mode=true, auto_type_candidates=['BOOLEAN', 'BIGINT', 'DOUBLE', 'VARCHAR'], "
        "sample_size=-1, union_by_name=true, filename='_vf_file')"
    )
    try:
        base = con.sql(f"SELECT * FROM {source} LIMIT 0")
        cols = {c: str(t) for c, t in zip(base.columns, base.dtypes, strict=True)}
    except duckdb.Error:
        return None  # the careful loader says what is wrong, precisely
    cols.pop("_vf_file", None)
    if any(_kind(t) not in ("int", "float", "bool") and c.strip() not in allowed
           for c, t in cols.items()):  # fmt: skip
        return None
    names = {p: run for p in files} if run is not None else _run_names([_Source(p) for p in files])
    try:
        spec = _named_spec(con, source, files, names, step=step, ids=ids, partitions=(),
                           skip=set(), metrics=metrics)  # fmt: skip
        rel = con.sql(spec.sql())
        rel.limit(1).fetchall()  # (the sniffer read every row: a bad one failed above)
    except (duckdb.Error, LoadError):
        return None  # the careful loader reads it or says precisely what is wrong
    return rel, ScanInfo(spec.step, tuple(spec.ids), tuple(files), "duckdb")


def _through_load(
    con: Any,
    files: list[Path],
    fmt: str,
    *,
    run: str | None,
    step: str | None,
    ids: list[str],
    metrics: list[str] | None,
) -> tuple[Any, ScanInfo]:
    """The files read by :func:`vegafigs.io.load`, its frame handed to DuckDB."""
    import pyarrow as pa

    from vegafigs.io import load

    logs: Any = {run: files} if run is not None else files
    df = load(logs, step=step, format=fmt, ids=ids or None)
    x, found = df.attrs.get("x", "step"), list(df.attrs.get("ids", ()))
    if metrics is not None:
        df = df[df["metric"].isin(metrics)]
    table = pa.Table.from_pandas(df, preserve_index=False)
    return con.from_arrow(table), ScanInfo(x, tuple(found), tuple(files), "load")
