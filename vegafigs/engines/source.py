"""A curve figure's non-pandas input: the frame in its engine plus its line table.

>>> import polars as pl  # doctest: +SKIP
>>> src = CurveSource.of(pl.DataFrame({"run": ["a"], "step": [0], "value": [1.0]}),
...                      columns={"x": "step", "y": "value", "series": "run"},
...                      func="f")  # doctest: +SKIP
>>> src.frame.shape  # doctest: +SKIP
(1, 3)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from vegafigs._checks import require_no_missing_count
from vegafigs.engines.curves import (
    finite,
    key_filter,
    line_table,
    repeated_rows,
    require_columns_in,
    stand_in,
)
from vegafigs.engines.frames import all_of, equal_to, lazy_frame

#: The group roles of a curve figure, in the order a line's name lists them.
ROLES = ("series", "panel", "seed", "facet")


@dataclass
class CurveSource:
    """A frame in its own engine (``lf``), its line table (``table``: one row per line,
    :func:`~vegafigs.engines.curves.line_table`) and the small pandas stand-in
    (``frame``) the figure's checks run on; ``columns``: ``{role: column}``.

    Parameters
    ----------
    lf : narwhals.LazyFrame
        The frame.
    table : pandas.DataFrame
        Its line table.
    frame : pandas.DataFrame
        The stand-in frame.
    columns : mapping
        ``{role: column}`` of the given roles (``x``, ``y``, ``series`` ...).
    check : callable, optional
        The figure's check of the rows repeating a step (raises its error;
        default None: none).

    Examples
    --------
    >>> import pandas as pd
    >>> src = CurveSource.of(pd.DataFrame({"run": ["a"], "step": [0], "value": [1.0]}),
    ...                      columns={"x": "step", "y": "value", "series": "run"}, func="f")
    >>> src.frame.shape
    (1, 3)
    """

    lf: nw.LazyFrame[Any]
    table: pd.DataFrame
    frame: pd.DataFrame
    columns: Mapping[str, str]
    check: Callable[[pd.DataFrame], None] | None = None

    @classmethod
    def of(cls, df: Any, *, columns: Mapping[str, str | None], func: str) -> CurveSource:
        """Check ``df``'s columns and build its line table and stand-in (small queries).

        Parameters
        ----------
        df : frame
            Any frame narwhals wraps.
        columns : mapping
            ``{role: column or None}``.
        func : str
            The figure named by warnings and errors.

        Returns
        -------
        CurveSource
            The source.
        """
        given = {k: v for k, v in columns.items() if v is not None}
        lf = lazy_frame(df)
        require_columns_in(lf, given)
        keys = [given[r] for r in ROLES if r in given]
        table, _ = line_table(lf, x=given["x"], y=given["y"], keys=keys, func=func)
        for key in keys:  # counted over every row (the stand-in holds a few per line)
            require_no_missing_count(int(table.loc[table[key].isna(), "n"].sum()), key)
        frame = stand_in(lf, table, x=given["x"], y=given["y"], keys=keys)
        return cls(lf, table, frame, given)

    @property
    def keys(self) -> list[str]:
        """The group columns of a line."""
        return [self.columns[r] for r in ROLES if r in self.columns]

    def texts(self, originals: Mapping[str, tuple[Mapping[str, Any], Any]]) -> pd.DataFrame:
        """Each line's drawn names per role.

        Parameters
        ----------
        originals : mapping
            The checked input's ``{role: ({text: value}, dtype)}``.

        Returns
        -------
        pandas.DataFrame
            One column per role, one row per line.
        """
        out = {}
        for role in ROLES:
            if role in self.columns and role in originals:
                back = {v: k for k, v in originals[role][0].items()}
                out[role] = self.table[self.columns[role]].map(back)
        return pd.DataFrame(out, index=self.table.index)

    def lines_of(self, originals: Mapping[str, tuple[Mapping[str, Any], Any]],
                 **roles: Any) -> pd.DataFrame:  # fmt: skip
        """The line table's rows whose drawn names are ``roles``.

        Parameters
        ----------
        originals : mapping
            The checked input's ``{role: ({text: value}, dtype)}``.
        **roles : object
            ``role=name`` (a list: any of them; None: any).

        Returns
        -------
        pandas.DataFrame
            The rows, with the drawn names in columns ``_<role>``.
        """
        texts = self.texts(originals)
        keep = pd.Series(True, index=self.table.index)
        for role, want in roles.items():
            if want is None:
                continue
            col = texts[role]
            keep &= col.isin(want) if isinstance(want, list) else col == want
        out = self.table[keep.to_numpy()].copy()
        for role in texts.columns:
            out[f"_{role}"] = texts.loc[keep.to_numpy(), role]
        return out

    def where(self, row: pd.Series, roles: Sequence[str]) -> dict[str, Any]:
        """``{column: native value}`` selecting the rows of ``row``'s ``roles``.

        Parameters
        ----------
        row : pandas.Series
            A row of the line table.
        roles : sequence of str
            The roles to select by.

        Returns
        -------
        dict
            ``{column: value}``.
        """
        return {self.columns[r]: row[self.columns[r]] for r in roles if r in self.columns}

    def whole(self, lines: pd.DataFrame) -> bool:
        """Whether every x of ``lines`` is a whole number.

        Parameters
        ----------
        lines : pandas.DataFrame
            Rows of the line table.

        Returns
        -------
        bool
            True when every x is whole (no lines: True).
        """
        return bool(lines["whole"].min() == 1) if len(lines) else True

    def require_one_row_per_step(self, lines: pd.DataFrame,
                                 check: Callable[[pd.DataFrame], None] | None) -> None:  # fmt: skip
        """Fetch the rows of ``lines`` that repeat a step (only those) and run the
        figure's own ``check`` on them (which raises the pandas path's error).

        Parameters
        ----------
        lines : pandas.DataFrame
            Rows of the line table (lines found to repeat a step).
        check : callable or None
            The figure's check of a pandas frame (None: nothing is checked).
        """
        if lines.empty or check is None:
            return
        picks = [key_filter(self.where(row, ROLES)) for _, row in lines.iterrows()]
        anyof: nw.Expr = picks[0]
        for p in picks[1:]:
            anyof = anyof | p
        where = finite(self.lf, [self.columns["x"], self.columns["y"]]) & anyof
        check(repeated_rows(self.lf, x=self.columns["x"], keys=self.keys, where=where))


__all__ = ["ROLES", "CurveSource", "all_of", "equal_to"]
