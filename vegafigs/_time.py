"""Datetime and timedelta x columns (private).

Altair writes datetimes as ISO strings without a zone, which Vega parses in the
local time zone of whatever machine renders them, so tick labels change with the
machine. vegafigs instead writes every datetime as epoch milliseconds and draws
it on a ``utc`` time scale: the labels are the wall-clock times the frame holds
(a tz-aware column in its own zone, a naive one as it is), on every machine.
A timedelta column (elapsed wall-clock time) becomes a number of seconds,
minutes, hours or days, whichever suits its span, with the unit in the title.

>>> s = pd.Series(pd.to_datetime(["2024-05-01 12:00", "2024-05-01 13:00"]))
>>> values, x = as_plot_x(s)
>>> values.tolist(), x.kind
([1714564800000.0, 1714568400000.0], 'T')
>>> values, x = as_plot_x(pd.Series(pd.to_timedelta([0, 10800], unit="s")))
>>> values.tolist(), x.unit
([0.0, 3.0], 'h')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from vegafigs._fields import fdef

#: Timedelta units: (name, seconds), from the largest; a span of at least 2 units picks it.
DURATION_UNITS = (("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0))
#: Tooltip / label format of datetimes (d3 time format, read in UTC).
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class PlotX:
    """How an x column is drawn: ``kind`` ``"T"`` (time) or ``"Q"``, and a duration's ``unit``."""

    kind: str = "Q"
    unit: str | None = None

    def encoding(self, name: str, **props: Any) -> dict[str, Any]:
        """The field definition of x column ``name`` (a ``utc`` scale for time)."""
        if self.kind == "T":
            scale = {"type": "utc", **props.pop("scale", {})}
            return fdef(name, "T", scale=scale, **props)
        return fdef(name, self.kind, **props)

    def title(self, text: str) -> str:
        """``text`` with the duration unit appended (``"elapsed (h)"``)."""
        return f"{text} ({self.unit})" if self.unit else text

    def tooltip(self, name: str) -> dict[str, Any]:
        """A tooltip field definition showing the value as the axis does."""
        if self.kind == "T":
            return fdef(name, "T", format=TIME_FORMAT, formatType="utc")
        return fdef(name, self.kind, title=self.title(name))


def is_time(s: pd.Series) -> bool:
    """Whether ``s`` holds datetimes or timedeltas."""
    return bool(pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_timedelta64_dtype(s))


def as_plot_x(s: pd.Series) -> tuple[pd.Series, PlotX]:
    """``s`` as the float values to draw and how to draw them (see the module docstring).

    Other columns are returned unchanged with ``PlotX("Q")``. Missing times
    (``NaT``) become NaN, for the caller's non-finite row handling.
    """
    if pd.api.types.is_datetime64_any_dtype(s):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)  # the zone's own wall-clock time
        ns = s.astype("datetime64[ns]")
        ms = ns.astype("int64").astype(float) / 1e6
        return ms.where(ns.notna()), PlotX("T")
    if pd.api.types.is_timedelta64_dtype(s):
        seconds = s.dt.total_seconds()
        span = float(seconds.max() - seconds.min()) if seconds.notna().any() else 0.0
        name, size = next(((n, v) for n, v in DURATION_UNITS if span >= 2 * v), ("s", 1.0))
        return seconds / size, PlotX("Q", unit=name)
    return s, PlotX("Q")
