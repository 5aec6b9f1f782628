"""Declare one axis (title, domain, ticks, format) on every layer of a composed chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np

from vegafigs._checks import D3_FORMAT, require_choice, require_optional_text
from vegafigs._params import FINITE, MAPPING, RANGE, TEXT, Param, checked
from vegafigs.errors import InputError


class _Unset:
    """The default of ``set_axis(title=...)``: leave the title as it is (a fixed repr, so the
    API reference reads the same on every build)."""

    def __repr__(self) -> str:
        return "<unchanged>"


_UNSET: Any = _Unset()


def _channel(value: Any, name: str) -> Any:
    require_choice(value, ["x", "y"], param=name)
    return value


def _title(value: Any, name: str) -> Any:
    if isinstance(value, (list, tuple)) and value:  # one string per line
        for i, line in enumerate(value):
            require_optional_text(line, param=f"{name}[{i}]")
        return list(value)
    return require_optional_text(value, param=name)


def _values(value: Any, name: str) -> Any:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InputError(f"{name}: expected a list of tick values, got {value!r}")
    ticks = list(value)
    bad = [v for v in ticks if isinstance(v, (float, np.floating)) and not np.isfinite(v)]
    if bad:
        raise InputError(f"{name}: tick values must be finite, got {bad[0]!r}")
    return ticks


@checked(
    channel=Param(_channel, "'x' or 'y'", bad=("z", "color", 1)),
    title=Param(_title, "a title or its lines", bad=(5, ["a", 3])),
    domain=RANGE.maybe(),
    values=Param(_values, "tick values", bad=("55", [55, float("inf")], 3)).maybe(),
    format=TEXT.maybe(),
    label_angle=FINITE.maybe(),
    scale=MAPPING.maybe(),
    axis=MAPPING.maybe(),
)
def set_axis(
    chart: alt.Chart | alt.LayerChart,
    channel: str,
    *,
    title: str | Sequence[str] | None = _UNSET,
    domain: Sequence[float] | None = None,
    values: Sequence[Any] | None = None,
    format: str | None = None,
    label_angle: float | None = None,
    scale: Mapping[str, Any] | None = None,
    axis: Mapping[str, Any] | None = None,
) -> alt.Chart | alt.LayerChart:
    """``chart`` with the same ``channel`` ("x" or "y") title, scale and axis on every layer.

    Layers of one chart share a scale and an axis, but Vega-Lite joins differing
    field titles ("score, lo, hi") and unions data extents with a domain set on
    one layer only. Setting them here on every layer that encodes ``channel``
    (with a field; layers that do not are left as they are) gives exactly the
    axis asked for.

    Bad input (an :class:`~vegafigs.InputError`, before anything is drawn): a
    ``domain`` that is not two finite numbers with low < high, non-finite tick
    ``values``, a ``format`` that is not a d3 number format on a quantitative
    axis, a non-string title, a chart that is not an Altair ``Chart`` /
    ``LayerChart`` and unknown ``scale`` / ``axis`` properties.

    Parameters
    ----------
    chart : altair.Chart or altair.LayerChart
        The chart (or layered chart, searched recursively) to set the axis on.
    channel : {"x", "y"}
        The axis to set.
    title : str or list of str or None, optional
        Axis title; a list gives one line each; None: no title (default: the
        layers' titles are left as they are).
    domain : sequence of float, optional
        ``(low, high)`` of the scale, exact (no "nice" rounding, no zero;
        default None: unchanged).
    values : sequence, optional
        The tick values (numbers on a quantitative axis; default None:
        unchanged).
    format : str, optional
        Tick label format: a d3 number format on a quantitative axis (default
        None: unchanged).
    label_angle : float, optional
        Tick label angle in degrees (default None: unchanged).
    scale : mapping, optional
        Any other Vega-Lite scale properties, e.g. ``{"type": "log"}`` (default
        None).
    axis : mapping, optional
        Any other Vega-Lite axis properties, e.g. ``{"grid": False}`` (default
        None).

    Returns
    -------
    altair.Chart or altair.LayerChart
        A new chart of the same kind (the input is unchanged).

    Examples
    --------
    >>> import pandas as pd
    >>> from vegafigs.layers import bars, hline
    >>> df = pd.DataFrame({"step": [5, 10, 15], "score": [55.7, 57.7, 57.1]})
    >>> chart = set_axis(bars(df, x="step", y="score") + hline(55.79), "y",
    ...                  title="Avg Score", domain=(54.2, 58.2), values=[55, 56, 57, 58])
    >>> chart.layer[0].encoding.y.to_dict()["scale"]["domain"]
    [54.2, 58.2]
    """
    scale_props: dict[str, Any] = dict(scale or {})
    if domain is not None:
        scale_props.update({"domain": list(domain), "nice": False, "zero": False})
    axis_props: dict[str, Any] = dict(axis or {})
    if values is not None:
        axis_props["values"] = values
    if format is not None:
        axis_props["format"] = format
    if label_angle is not None:
        axis_props["labelAngle"] = label_angle
    try:
        return _apply(chart, channel, title, scale_props, axis_props)
    except alt.utils.schemapi.SchemaValidationError as exc:
        first = str(exc).strip().splitlines()[0]
        raise InputError(f"scale/axis: not valid Vega-Lite ({first})") from exc


def _apply(
    chart: Any, channel: str, title: Any, scale: dict[str, Any], axis: dict[str, Any]
) -> Any:
    if isinstance(chart, alt.LayerChart):
        out = chart.copy(deep=False)
        out.layer = [_apply(c, channel, title, scale, axis) for c in chart.layer]
        return out
    if not isinstance(chart, alt.Chart):
        got = type(chart).__name__
        raise InputError(f"chart: expected an Altair Chart or LayerChart, got {got}")
    encoding = chart.encoding
    obj = encoding[channel] if encoding is not alt.Undefined else alt.Undefined
    if obj is alt.Undefined:
        return chart
    current = obj.to_dict(validate=False, context={"data": chart.data})
    if not isinstance(current, dict) or "datum" in current or "value" in current:
        return chart  # this layer does not encode the channel with a field
    kind = current.get("type")
    fmt: Any = axis.get("format")
    if kind == "quantitative" and isinstance(fmt, str) and not D3_FORMAT.fullmatch(fmt):
        raise InputError(
            f"format: {fmt!r} is not a d3 number format such as '.2f' or '~r' "
            f"(the {channel} axis is quantitative)"
        )
    ticks = axis.get("values")
    if kind == "quantitative" and isinstance(ticks, list):
        text = [v for v in ticks if isinstance(v, (str, bool)) or v is None]
        if text:
            raise InputError(
                f"values: the {channel} axis is quantitative; tick values must be numbers, "
                f"got {text[0]!r}"
            )
    new = dict(current)
    if title is not _UNSET:
        new["title"] = title
    if scale:
        new["scale"] = {**(new.get("scale") or {}), **scale}
    if axis:
        new["axis"] = {**(new.get("axis") or {}), **axis}
    cls = alt.X if channel == "x" else alt.Y
    enc: Any = cls(**new)
    enc.to_dict(validate=True, context={"data": chart.data})  # bad scale/axis props fail here
    return chart.encode(x=enc) if channel == "x" else chart.encode(y=enc)
