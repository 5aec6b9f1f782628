"""Any frame in: narwhals intake, small aggregate queries and bounded batches out.

The functions here talk to the frame's own engine through narwhals (polars eager /
lazy, pyarrow, DuckDB, PySpark; pandas too, though the figures keep their own pandas
path). Nothing here collects a whole frame: aggregates come back as one row per
group, rows come back as batches of at most ``size`` rows.

>>> import pandas as pd
>>> lf = lazy_frame(pd.DataFrame({"run": ["a", "b"], "step": [0, 1]}))
>>> sorted(lf.collect_schema().names())
['run', 'step']
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from vegafigs.errors import InputError
from vegafigs.frames import repeated_names_error

#: Name of the row-position column the queries add (first appearance of levels).
INDEX = "__vegafigs_row__"


def is_pandas(df: object) -> bool:
    """Whether ``df`` is a pandas DataFrame (the figures' own in-memory path).

    Parameters
    ----------
    df : object
        Any object.

    Returns
    -------
    bool
        True for a :class:`pandas.DataFrame`.

    Examples
    --------
    >>> import pandas as pd
    >>> is_pandas(pd.DataFrame()), is_pandas([1, 2])
    (True, False)
    """
    return isinstance(df, pd.DataFrame)


def lazy_frame(df: Any, *, param: str = "df") -> nw.LazyFrame[Any]:
    """``df`` (any frame narwhals knows) as a narwhals LazyFrame in its own engine.

    Parameters
    ----------
    df : frame
        A pandas / polars (eager or lazy) / pyarrow / DuckDB / PySpark frame.
    param : str, optional
        The parameter named by the error for anything else (default ``"df"``).

    Returns
    -------
    narwhals.LazyFrame
        The same rows, not collected.

    Examples
    --------
    >>> import pandas as pd
    >>> lazy_frame(pd.DataFrame({"a": [1]})).collect().shape
    (1, 1)
    """
    try:
        frame = nw.from_native(df)
    except TypeError as exc:
        raise InputError(
            f"{param}: expected a pandas, polars, pyarrow, DuckDB or PySpark frame, "
            f"got {type(df).__name__}"
        ) from exc
    except ValueError as exc:  # narwhals' DuplicateError: the shared message names them
        raise repeated_names_error(df, param=param) from exc
    if isinstance(frame, nw.DataFrame):
        return frame.lazy()
    if isinstance(frame, nw.LazyFrame):
        return frame
    raise InputError(f"{param}: expected a frame, got a series ({type(df).__name__})")


def with_index(lf: nw.LazyFrame[Any], *, name: str = INDEX) -> nw.LazyFrame[Any]:
    """``lf`` with the rows' position (scan order) in column ``name`` (int).

    polars / pyarrow / pandas number the rows as stored; DuckDB and Spark number them
    in scan order (``row_number() over ()`` / ``monotonically_increasing_id``), which
    is the order of a table or file read on one machine.

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame.
    name : str, optional
        Name of the added column (default :data:`INDEX`).

    Returns
    -------
    narwhals.LazyFrame
        ``lf`` with the column added.

    Examples
    --------
    >>> import pandas as pd
    >>> out = with_index(lazy_frame(pd.DataFrame({"a": [5, 6]})), name="i").collect()
    >>> out["i"].to_list()
    [0, 1]
    """
    native = lf.to_native()
    impl = lf.implementation
    if impl.is_polars():
        return lazy_frame(native.with_row_index(name))
    if impl.is_duckdb():
        cols = ", ".join(f'"{c}"' for c in native.columns)
        return lazy_frame(native.project(f'{cols}, (row_number() OVER ()) - 1 AS "{name}"'))
    if impl.is_pyspark() or impl.is_pyspark_connect():
        from pyspark.sql import functions as F  # noqa: N812 - Spark's own name

        return lazy_frame(native.withColumn(name, F.monotonically_increasing_id()))
    if impl.is_pyarrow():
        import pyarrow as pa

        return lazy_frame(native.append_column(name, pa.array(range(native.num_rows))))
    if impl.is_pandas_like():
        return lazy_frame(native.assign(**{name: range(len(native))}))
    return lf.with_row_index(name, order_by=lf.collect_schema().names()[0])


def collect_pandas(lf: nw.LazyFrame[Any]) -> pd.DataFrame:
    """A small query's result as pandas (aggregates, a few rows: never a whole frame).

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The query (its result must be small).

    Returns
    -------
    pandas.DataFrame
        The rows, columns as the engine gives them (categoricals / enums stay
        categorical).

    Examples
    --------
    >>> import pandas as pd
    >>> collect_pandas(lazy_frame(pd.DataFrame({"a": [1]}))).shape
    (1, 1)
    """
    out = lf.collect().to_pandas()
    return out.reset_index(drop=True)


def batches(lf: nw.LazyFrame[Any], *, size: int) -> Iterator[pd.DataFrame]:
    """The rows of ``lf`` (in its order) as pandas frames of at most ``size`` rows.

    polars: ``collect_batches``; DuckDB: ``to_arrow_reader``; pyarrow:
    ``to_batches``; Spark: ``toLocalIterator``. Memory is bounded by ``size`` rows
    (plus what the engine needs to run the query, e.g. a sort).

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The query.
    size : int
        The largest batch, rows (> 0).

    Yields
    ------
    pandas.DataFrame
        Consecutive rows of the result.

    Examples
    --------
    >>> import pandas as pd
    >>> [len(b) for b in batches(lazy_frame(pd.DataFrame({"a": range(5)})), size=2)]
    [2, 2, 1]
    """
    native = lf.to_native()
    impl = lf.implementation
    if impl.is_polars():
        for part in native.collect_batches(chunk_size=size, maintain_order=True):
            yield from _split(part.to_pandas(), size)
    elif impl.is_duckdb():
        read = getattr(native, "to_arrow_reader", None) or native.fetch_record_batch
        reader = read(size)
        try:
            for part in reader:
                yield from _split(part.to_pandas(), size)
        finally:  # the connection runs one query at a time
            reader.close()
    elif impl.is_pyarrow():
        for part in native.to_batches(max_chunksize=size):
            yield part.to_pandas()
    elif impl.is_pyspark() or impl.is_pyspark_connect():
        yield from _spark_batches(native, size)
    else:
        frame = lf.collect().to_pandas()
        yield from _split(frame, size)


def _split(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), size):
        yield frame.iloc[start : start + size].reset_index(drop=True)


def _spark_batches(native: Any, size: int) -> Iterator[pd.DataFrame]:
    cols = list(native.columns)
    rows: list[Any] = []
    for row in native.toLocalIterator():
        rows.append(tuple(row))
        if len(rows) >= size:
            yield pd.DataFrame.from_records(rows, columns=cols)
            rows = []
    if rows:
        yield pd.DataFrame.from_records(rows, columns=cols)


def column_names(lf: nw.LazyFrame[Any]) -> list[str]:
    """The column names of ``lf`` (its schema, nothing computed).

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame.

    Returns
    -------
    list of str
        The names in order.

    Examples
    --------
    >>> import pandas as pd
    >>> column_names(lazy_frame(pd.DataFrame({"a": [1], "b": [2]})))
    ['a', 'b']
    """
    return list(lf.collect_schema().names())


def is_numeric(lf: nw.LazyFrame[Any], column: str) -> bool:
    """Whether ``column`` holds numbers (not booleans) in ``lf``'s schema.

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame.
    column : str
        A column of it.

    Returns
    -------
    bool
        True for integer / float / decimal columns.

    Examples
    --------
    >>> import pandas as pd
    >>> is_numeric(lazy_frame(pd.DataFrame({"a": [1.0], "b": ["x"]})), "b")
    False
    """
    dtype = lf.collect_schema()[column]
    return bool(dtype.is_numeric())


def is_temporal(lf: nw.LazyFrame[Any], column: str) -> bool:
    """Whether ``column`` holds datetimes or durations in ``lf``'s schema.

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame.
    column : str
        A column of it.

    Returns
    -------
    bool
        True for datetime / duration columns.

    Examples
    --------
    >>> import pandas as pd
    >>> is_temporal(lazy_frame(pd.DataFrame({"t": pd.to_datetime(["2024-01-01"])})), "t")
    True
    """
    dtype = lf.collect_schema()[column]
    return bool(dtype.is_temporal())


def equal_to(column: str, value: Any) -> nw.Expr:
    """``column == value`` (``is_null`` for a missing value).

    Parameters
    ----------
    column : str
        The column.
    value : object
        A scalar as collected from the same column.

    Returns
    -------
    narwhals.Expr
        The predicate.

    Examples
    --------
    >>> import pandas as pd
    >>> lf = lazy_frame(pd.DataFrame({"a": [1, 2]}))
    >>> lf.filter(equal_to("a", 2)).collect()["a"].to_list()
    [2]
    """
    if value is None or (isinstance(value, float) and value != value):
        return nw.col(column).is_null()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    elif isinstance(value, pd.Timedelta):
        value = value.to_pytimedelta()
    elif hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    return nw.col(column) == nw.lit(value)


def all_of(exprs: Sequence[nw.Expr]) -> nw.Expr:
    """The conjunction of ``exprs`` (``True`` for none).

    Parameters
    ----------
    exprs : sequence of narwhals.Expr
        Predicates.

    Returns
    -------
    narwhals.Expr
        ``exprs[0] & exprs[1] & ...``.

    Examples
    --------
    >>> import pandas as pd
    >>> lf = lazy_frame(pd.DataFrame({"a": [1, 2], "b": [3, 4]}))
    >>> lf.filter(all_of([nw.col("a") > 1, nw.col("b") > 3])).collect().shape
    (1, 2)
    """
    out: nw.Expr = nw.lit(True)
    for e in exprs:
        out = out & e
    return out
