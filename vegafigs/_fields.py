"""User column names and values on their way into a Vega-Lite spec (private).

Vega-Lite reads ``.`` and ``[]`` in a field name as nested access (``val.score`` is
field ``score`` of object ``val``), and Altair's shorthand reads ``:`` as a type and
``mean(x)`` as an aggregate. So every user column reaches an encoding or transform
through :func:`field` (escaped) or :func:`fdef` (a field definition without
shorthand), and the frame keeps the user's own column names.

Series / run / panel / category values of any hashable dtype are drawn as their
string form (:func:`as_text_levels`), so the colour domain, the data, the legend
and ``highlight`` all compare the same strings; two values with the same string
form (``1`` and ``"1"``) are an error instead of one merged line.

>>> field("val.score")
'val\\\\.score'
>>> fdef("acc[0]", "Q")
{'field': 'acc\\\\[0\\\\]', 'type': 'quantitative', 'title': 'acc[0]'}
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from vegafigs._checks import require_printable
from vegafigs.errors import InputError

#: Vega-Lite type letters (Altair shorthand) -> type names.
TYPES = {"Q": "quantitative", "N": "nominal", "O": "ordinal", "T": "temporal"}
_SPECIAL = re.compile(r"([\\.\[\]'\"])")


def field(name: str) -> str:
    """``name`` escaped for a Vega-Lite ``field``: ``\\``, ``.``, ``[`` and ``]`` get a ``\\``."""
    return _SPECIAL.sub(r"\\\1", name)


def fdef(name: str, kind: str, **props: Any) -> dict[str, Any]:
    """A Vega-Lite field definition of column ``name`` with type letter ``kind`` (no shorthand).

    Pass it to a channel (``alt.X(**fdef(x, "Q"))``); ``props`` are added. The title
    defaults to ``name`` itself: Vega-Lite's default title would show the escapes,
    and it breaks its own description expression on a name with a quote.
    """
    if kind not in TYPES:
        raise InputError(f"type: got {kind!r}; expected one of {', '.join(map(repr, TYPES))}")
    return {"field": field(name), "type": TYPES[kind], "title": name, **props}


def require_column_names(df: pd.DataFrame, names: Iterable[Any], *, param: str = "df") -> None:
    """Raise :class:`InputError` unless ``df`` has flat, unique columns and ``names`` are strings.

    MultiIndex columns must be flattened first; a repeated column name is
    ambiguous; a non-string name (``0``) is refused with the fix to apply.
    """
    if isinstance(df.columns, pd.MultiIndex):
        raise InputError(
            f"{param}: the frame has MultiIndex columns {list(df.columns)[:3]}...; flatten them "
            "first, e.g. df.columns = ['_'.join(map(str, c)) for c in df.columns]"
        )
    dup = df.columns[df.columns.duplicated()].unique().tolist()
    if dup:
        raise InputError(f"{param}: column name(s) {dup} appear more than once; rename them")
    for name in names:
        if name is not None and not isinstance(name, str):
            raise InputError(
                f"{param}: column names must be strings, got {name!r} "
                f"({type(name).__name__}); rename the columns, e.g. df.columns = "
                "df.columns.astype(str)"
            )


def text_of(value: Any) -> str:
    """The string form a level is drawn with (``1`` -> ``"1"``, numpy scalars as Python)."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)


def as_text_levels(values: pd.Series, *, column: str, param: str = "df") -> pd.Series:
    """``values`` (a grouping column) as strings, checking no two levels share a string form.

    Missing values are an :class:`InputError`; an all-string column is returned as is.
    Levels keep their dtype's order: categories in category order, others as they appear.

    >>> as_text_levels(pd.Series([1, 2, 1]), column="run").tolist()
    ['1', '2', '1']
    """
    n = int(values.isna().sum())
    if n:
        raise InputError(
            f"{param}: column {column!r} has {n} missing value(s) (NaN/None); "
            "every row needs a group - fill or drop them first"
        )
    if values.dtype == object and all(isinstance(v, str) for v in values):
        for v in pd.unique(values):
            require_printable(v, param=f"{param}: column {column!r}")
        return values
    categorical = isinstance(values.dtype, pd.CategoricalDtype)
    uniques = values.cat.categories if categorical else pd.unique(values.astype(object))
    forms: dict[str, Any] = {}
    for v in uniques:
        key = text_of(v)
        if key in forms:  # the uniques are distinct values, so this is a collision
            raise InputError(
                f"{param}: column {column!r} has values {forms[key]!r} and {v!r}, which are both "
                f"drawn as {key!r}; make the values distinct (e.g. df[{column!r}].astype(str))"
            )
        require_printable(key, param=f"{param}: column {column!r}")
        forms[key] = v
    out = values.astype(object).map(text_of)
    if categorical:
        cats = [text_of(c) for c in values.cat.categories]
        return out.astype(pd.CategoricalDtype(cats, ordered=values.cat.ordered))
    return out.astype(object)


def text_level(value: Any) -> Any:
    """A level given as a parameter (``highlight=1``, ``order=[2, 1]``) in its drawn form."""
    return None if value is None else text_of(value)


def text_levels(values: Sequence[Any] | None) -> list[str] | None:
    """:func:`text_level` of each of ``values`` (``None`` stays ``None``)."""
    return None if values is None else [text_of(v) for v in values]


def text_keys(mapping: Mapping[Hashable, Any] | None) -> dict[str, Any] | None:
    """``mapping`` (e.g. a palette ``{1: "red"}``) with its keys in drawn form."""
    return None if mapping is None else {text_of(k): v for k, v in mapping.items()}
