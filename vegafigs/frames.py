"""Any dataframe in: pandas, polars, pyarrow, DuckDB, PySpark ... through narwhals.

Every figure, layer, transform and :mod:`vegafigs.io` function that takes a frame
accepts whatever `narwhals <https://narwhals-dev.github.io/narwhals/>`_ supports:
a pandas DataFrame, a polars DataFrame or LazyFrame, a pyarrow Table, a DuckDB
relation, a PySpark DataFrame (and narwhals' other backends: Modin, cuDF, Dask,
Ibis, SQLFrame). Their libraries are imported only when the object is one of
theirs; none is a dependency of vegafigs.

A frame that is not pandas is read with :func:`to_pandas`: only the columns the
function uses are selected, in the frame's own engine (a lazy frame is collected
once, after the select), then converted with the dtypes pandas would give the
same data, so the figure's spec is byte-identical to the one drawn from pandas:

==================================  ==========================================
narwhals / Arrow type               pandas column
==================================  ==========================================
integers without nulls              the numpy integer dtype (int64, uint8 ...)
integers with nulls                 float64, nulls as NaN
floats                              the numpy float dtype, nulls as NaN
booleans without nulls              bool
booleans with nulls                 object (True / False / None)
strings                             what pandas infers for them (``str``)
polars Enum, DuckDB ENUM            Categorical, the Enum's category order
polars Categorical                  Categorical, categories sorted (as
                                    ``astype("category")``)
Arrow dictionary (pyarrow)          Categorical, the dictionary's order
datetimes                           datetime64 with the time zone kept
durations                           timedelta64
dates                               object (``datetime.date``), as pandas
decimals                            float64
anything else (lists, structs ...)  object
==================================  ==========================================

Row order: pandas, polars (eager and lazy), pyarrow and the other eager backends
keep the frame's row order, so "first appearance" (the default order of bars,
panels, series) is the order of the rows. DuckDB keeps insertion order through
scans, projections and filters (its ``preserve_insertion_order`` setting, on by
default), so a relation's rows come in the order DuckDB returns them without an
``ORDER BY``. Spark has no row order of its own: the rows come in the order of
``collect()`` (partition by partition), which is fixed for a given plan without a
shuffle; after a ``groupBy`` / ``join`` / ``repartition`` sort the frame
(``df.orderBy(...)``) or name the order (``categories=``, ``panels=``, ``order=``)
to make "first appearance" deterministic.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from vegafigs.errors import InputError

__all__ = [
    "ACCEPTED",
    "UNORDERED",
    "column_names",
    "frame_kind",
    "is_frame",
    "is_ordered",
    "narwhals_frame",
    "read_columns",
    "takes_frames",
    "to_pandas",
]

F = TypeVar("F", bound=Callable[..., Any])

#: What a frame parameter accepts, in words (the end of the error for anything else).
ACCEPTED = (
    "a pandas DataFrame, a polars DataFrame or LazyFrame, a pyarrow Table, a DuckDB "
    "relation, a PySpark DataFrame or another frame narwhals supports"
)
#: Backends whose frames have no row order of their own (see the module's notes).
UNORDERED = ("duckdb", "pyspark", "pyspark_connect", "sqlframe", "ibis", "dask")


def is_frame(df: object) -> bool:
    """Whether ``df`` is a frame vegafigs accepts (pandas or any narwhals backend).

    Parameters
    ----------
    df : object
        Anything.

    Returns
    -------
    bool
        True for a pandas DataFrame and every frame narwhals can wrap.

    Examples
    --------
    >>> import pandas as pd
    >>> is_frame(pd.DataFrame({"a": [1]})), is_frame([1, 2]), is_frame(pd.Series([1]))
    (True, False, False)
    """
    try:
        return isinstance(df, pd.DataFrame) or _narwhals(df) is not None
    except ValueError:  # a frame narwhals refuses (a repeated column name)
        return True


def frame_kind(df: object, *, param: str = "df") -> str:
    """The kind of frame ``df`` is: its backend, with ``"-lazy"`` for a lazy frame.

    Parameters
    ----------
    df : frame
        A frame (see :data:`ACCEPTED`).
    param : str, optional
        The parameter's name, for the error (default ``"df"``).

    Returns
    -------
    str
        ``"pandas"``, ``"polars"``, ``"polars-lazy"``, ``"pyarrow"``,
        ``"duckdb-lazy"``, ``"pyspark-lazy"`` ...

    Raises
    ------
    InputError
        ``df`` is not a frame.

    Examples
    --------
    >>> import pandas as pd
    >>> frame_kind(pd.DataFrame({"a": [1]}))
    'pandas'
    """
    if isinstance(df, pd.DataFrame):
        return "pandas"
    frame = narwhals_frame(df, param=param)
    name = frame.implementation.name.lower()
    return name if _is_eager(frame) else f"{name}-lazy"


def narwhals_frame(df: object, *, param: str = "df") -> Any:
    """``df`` as a narwhals DataFrame (eager) or LazyFrame, else :class:`InputError`.

    Parameters
    ----------
    df : frame
        A frame (see :data:`ACCEPTED`).
    param : str, optional
        The parameter's name, for the error (default ``"df"``).

    Returns
    -------
    narwhals.DataFrame or narwhals.LazyFrame
        The frame wrapped by narwhals (nothing is computed or copied).

    Raises
    ------
    InputError
        ``df`` is not a frame narwhals supports (a list, a dict, an array, a Series).

    Examples
    --------
    >>> narwhals_frame([1, 2], param="data")
    Traceback (most recent call last):
    vegafigs.errors.InputError: data: expected a pandas DataFrame, got list; other dataframes ...
    """
    try:
        frame = _narwhals(df)
    except ValueError as exc:  # narwhals' DuplicateError: Arrow tables may repeat a name
        raise repeated_names_error(df, param=param) from exc
    if frame is None:
        raise InputError(
            f"{param}: expected a pandas DataFrame, got {type(df).__name__}; other dataframes "
            f"work too: {ACCEPTED.removeprefix('a pandas DataFrame, ')}"
        )
    return frame


def column_names(df: object, *, param: str = "df") -> list[Any]:
    """The column names of ``df``, read from its schema (no row is computed).

    Parameters
    ----------
    df : frame
        A frame (see :data:`ACCEPTED`).
    param : str, optional
        The parameter's name, for the error (default ``"df"``).

    Returns
    -------
    list
        The names, in the frame's order.

    Examples
    --------
    >>> import pandas as pd
    >>> column_names(pd.DataFrame({"a": [1], "b": [2]}))
    ['a', 'b']
    """
    if isinstance(df, pd.DataFrame):
        return list(df.columns)
    return list(narwhals_frame(df, param=param).collect_schema().names())


def is_ordered(df: object, *, param: str = "df") -> bool:
    """Whether ``df``'s engine defines a row order (pandas, polars, Arrow: yes).

    Parameters
    ----------
    df : frame
        A frame (see :data:`ACCEPTED`).
    param : str, optional
        The parameter's name, for the error (default ``"df"``).

    Returns
    -------
    bool
        False for DuckDB, Spark, SQLFrame, Ibis and Dask frames (see the module's
        notes on row order).

    Examples
    --------
    >>> import pandas as pd
    >>> is_ordered(pd.DataFrame({"a": [1]}))
    True
    """
    return frame_kind(df, param=param).removesuffix("-lazy") not in UNORDERED


def to_pandas(
    df: object, *, param: str = "df", columns: Iterable[Any] | None = None
) -> pd.DataFrame:
    """``df`` as a pandas DataFrame: pandas as is, any other frame via narwhals.

    A pandas frame is returned unchanged (no copy; ``columns`` is ignored). Any
    other frame has ``columns`` selected in its own engine, a lazy one is then
    collected once, and the result is converted with the dtypes of the module's
    table, so a figure drawn from it equals the one drawn from the same data as
    pandas. Row order: see the module's notes.

    Parameters
    ----------
    df : frame
        A frame (see :data:`ACCEPTED`).
    param : str, optional
        The public parameter's name, for errors (default ``"df"``).
    columns : iterable, optional
        The columns to keep, in the frame's order (``None`` entries are
        skipped); default None: all. A name the frame lacks is an
        :class:`~vegafigs.InputError` naming it and listing the columns present
        (as for pandas input); a non-string name one saying names are strings.

    Returns
    -------
    pandas.DataFrame
        The data, with a default RangeIndex unless ``df`` was pandas.

    Raises
    ------
    InputError
        ``df`` is not a frame, or a column is missing.

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = pa.table({"run": ["a", "b"], "score": [1, None], "other": [0, 0]})
    >>> to_pandas(table, columns=["run", "score"])
      run  score
    0   a    1.0
    1   b    NaN
    """
    if isinstance(df, pd.DataFrame):
        return df
    frame = narwhals_frame(df, param=param)
    if columns is not None:
        frame = frame.select(_present(frame, columns, param=param))
    table = frame.to_arrow() if _is_eager(frame) else frame.collect(backend="pyarrow").to_arrow()
    schema = frame.collect_schema()
    polars = frame.implementation.name == "POLARS"
    data = {
        name: _column(table.column(i), dtype=schema[name], polars=polars)
        for i, name in enumerate(table.column_names)
    }
    return pd.DataFrame(data, index=pd.RangeIndex(table.num_rows))


def takes_frames(*params: str, columns: Sequence[str] = ()) -> Callable[[F], F]:
    """Decorator: convert the frame parameters ``params`` with :func:`to_pandas` on entry.

    A pandas frame (and ``None``) passes untouched; any other value is given to
    :func:`to_pandas` under its parameter's name, so the function body sees
    pandas and an error names the public parameter.

    Parameters
    ----------
    *params : str
        Names of the wrapped function's frame parameters.
    columns : sequence of str, optional
        Names of the wrapped function's column parameters (``x``, ``y``,
        ``series`` ...): when given, only the columns they name are read (the
        function must use no other). A column the frame lacks (or a name that
        is not a string) reads the first row only, so the function's own checks
        report it exactly as for pandas. Default ``()``: every column is read.

    Returns
    -------
    callable
        The decorator.

    Examples
    --------
    >>> import pyarrow as pa
    >>> @takes_frames("df", columns=["x"])
    ... def names(df, *, x):
    ...     return type(df).__name__, list(df.columns)
    >>> names(pa.table({"a": [1, 2], "b": [3, 4]}), x="b")
    ('DataFrame', ['b'])
    """

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn)
        for name in (*params, *columns):
            if name not in sig.parameters:
                raise TypeError(f"{fn.__name__}: {name!r} is not one of its parameters")

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind_partial(*args, **kwargs)
            for name in params:
                value = bound.arguments.get(name)
                if value is not None and not isinstance(value, pd.DataFrame):
                    wanted = [bound.arguments.get(c) for c in columns] if columns else None
                    bound.arguments[name] = read_columns(value, param=name, wanted=wanted)
            return fn(*bound.args, **bound.kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def read_columns(df: object, *, param: str = "df", wanted: Sequence[Any] | None) -> pd.DataFrame:
    """``df`` as pandas with only the ``wanted`` columns, or its first row when one is missing.

    For a function that checks its columns itself: a missing column (or a name
    that is not a string) reads the first row of every column only, so those
    checks give the message they give for the whole frame as pandas (an empty
    frame stays empty), without reading it all.

    Parameters
    ----------
    df : frame
        A frame (see :data:`ACCEPTED`); pandas is returned as is.
    param : str, optional
        The public parameter's name, for errors (default ``"df"``).
    wanted : sequence, optional
        Column names (``None`` entries and nested lists allowed); None: all.

    Returns
    -------
    pandas.DataFrame
        The columns read, as :func:`to_pandas` converts them.

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = pa.table({"a": [1, 2], "b": [3, 4]})
    >>> list(read_columns(table, wanted=["b"]).columns), len(read_columns(table, wanted=["z"]))
    (['b'], 1)
    """
    if isinstance(df, pd.DataFrame) or wanted is None:
        return to_pandas(df, param=param)
    value = df
    names = set(column_names(value, param=param))
    flat = [w for v in wanted for w in (v if isinstance(v, (list, tuple)) else [v])]
    if all(w is None or (isinstance(w, str) and w in names) for w in flat):
        return to_pandas(value, param=param, columns=flat)
    return to_pandas(narwhals_frame(value, param=param).head(1).to_native(), param=param)


# ---------------------------------------------------------------- internals
def repeated_names_error(df: object, *, param: str) -> InputError:
    """The :class:`InputError` for a frame narwhals refuses for repeating a column name
    (an Arrow table may), naming the repeated names (used by :mod:`vegafigs.engines` too)."""
    names = list(getattr(df, "column_names", None) or getattr(df, "columns", None) or [])
    dup = list(dict.fromkeys(n for n in names if names.count(n) > 1))
    return InputError(f"{param}: column name(s) {dup} appear more than once; rename them")


def _narwhals(df: object) -> Any:
    """``df`` wrapped by narwhals, or None when narwhals cannot take it (a ``ValueError``
    when it can but the frame repeats a column name)."""
    if isinstance(df, (list, tuple, dict, str, bytes, np.ndarray, pd.Series)) or df is None:
        return None
    import narwhals as nw

    try:
        return nw.from_native(df)
    except TypeError:
        return None


def _is_eager(frame: Any) -> bool:
    import narwhals as nw

    return isinstance(frame, nw.DataFrame)


def _present(frame: Any, columns: Iterable[Any], *, param: str) -> list[str]:
    """The wanted ``columns`` (deduplicated, in the frame's order), checked present."""
    from vegafigs._checks import require_columns
    from vegafigs._fields import require_column_names

    wanted = list(dict.fromkeys(c for c in columns if c is not None))
    names = list(frame.collect_schema().names())
    empty = pd.DataFrame(columns=pd.Index(names, dtype=object))
    require_column_names(empty, wanted, param=param)
    require_columns(empty, wanted, param=param)
    keep = set(wanted)
    return [n for n in names if n in keep]


def _column(arr: Any, *, dtype: Any, polars: bool) -> Any:
    """One Arrow column as what pandas would hold for the same values (see the table)."""
    import narwhals as nw
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = arr.type
    if pa.types.is_dictionary(kind):
        return _categorical(arr, sort=polars and dtype == nw.Categorical)
    if pa.types.is_integer(kind):
        if arr.null_count:
            return pc.cast(arr, pa.float64()).to_numpy()
        return arr.to_numpy()
    if pa.types.is_floating(kind):
        return arr.to_numpy()
    if pa.types.is_decimal(kind):
        return pc.cast(arr, pa.float64()).to_numpy()
    if pa.types.is_boolean(kind):
        return arr.to_numpy() if not arr.null_count else np.array(arr.to_pylist(), dtype=object)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or _is_view(kind):
        return arr.to_numpy()  # an object array: the DataFrame constructor infers as for pandas
    if pa.types.is_timestamp(kind) or pa.types.is_duration(kind) or pa.types.is_date(kind):
        return arr.to_pandas()
    return np.array(arr.to_pylist(), dtype=object)


def _categorical(arr: Any, *, sort: bool) -> pd.Categorical:
    """A dictionary column as a Categorical: the dictionary's order, or sorted (``sort``)."""
    import pyarrow as pa

    arr = arr.unify_dictionaries() if arr.num_chunks > 1 else arr
    chunks = arr.chunks or [pa.array([], type=arr.type)]
    categories = chunks[0].dictionary.to_pylist()
    codes = np.concatenate([_codes(c) for c in chunks])
    if sort:  # polars' own order is its string cache's, not the data's: use pandas' (sorted)
        used = np.unique(codes[codes >= 0])
        order = sorted(used.tolist(), key=lambda i: categories[i])
        remap = np.full(max(len(categories), 1), -1, dtype=np.int64)
        remap[order] = np.arange(len(order))
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        categories = [categories[i] for i in order]
    return pd.Categorical.from_codes(codes, categories=categories)


def _codes(chunk: Any) -> np.ndarray:
    """A dictionary chunk's indices as int64, nulls as -1."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.cast(chunk.indices, pa.int64()).fill_null(-1).to_numpy()


def _is_view(kind: Any) -> bool:
    """Whether an Arrow type is ``string_view`` (pyarrow >= 16 has it)."""
    import pyarrow as pa

    check = getattr(pa.types, "is_string_view", None)
    return bool(check is not None and check(kind))
