"""Declare one axis (title, domain, ticks, format) on every layer of a composed chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from vegafigs._checks import require_choice
from vegafigs.errors import InputError

_UNSET: Any = object()


def set_axis(
    chart: alt.Chart | alt.LayerChart,
    channel: str,
    *,
    title: str | None = _UNSET,
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
    gives exactly the axis asked for. ``domain`` is exact (no "nice" rounding, no
    zero); ``values`` are the tick values; ``scale`` / ``axis`` add any other
    Vega-Lite scale / axis properties. Returns a new chart (the input is unchanged).

    >>> chart = set_axis(bars(df, x="step", y="score") + hline(55.79), "y",
    ...                  title="Avg Score", domain=(54.2, 58.2), values=[55, 56, 57, 58])
    ... # doctest: +SKIP
    """
    require_choice(channel, ["x", "y"], param="channel")
    scale_props: dict[str, Any] = dict(scale or {})
    if domain is not None:
        lo_hi = list(domain)
        if len(lo_hi) != 2:
            raise InputError(f"domain: expected (low, high), got {domain!r}")
        scale_props.update({"domain": lo_hi, "nice": False, "zero": False})
    axis_props: dict[str, Any] = dict(axis or {})
    if values is not None:
        axis_props["values"] = list(values)
    if format is not None:
        axis_props["format"] = format
    if label_angle is not None:
        axis_props["labelAngle"] = label_angle
    return _apply(chart, channel, title, scale_props, axis_props)


def _apply(
    chart: Any, channel: str, title: Any, scale: dict[str, Any], axis: dict[str, Any]
) -> Any:
    if isinstance(chart, alt.LayerChart):
        out = chart.copy(deep=False)
        out.layer = [_apply(c, channel, title, scale, axis) for c in chart.layer]
        return out
    if not isinstance(chart, alt.Chart):
        kind = type(chart).__name__
        raise InputError(f"chart: expected an Altair Chart or LayerChart, got {kind}")
    encoding = chart.encoding
    obj = encoding[channel] if encoding is not alt.Undefined else alt.Undefined
    if obj is alt.Undefined:
        return chart
    current = obj.to_dict(validate=False, context={"data": chart.data})
    if not isinstance(current, dict) or "datum" in current or "value" in current:
        return chart  # this layer does not encode the channel with a field
    new = dict(current)
    if title is not _UNSET:
        new["title"] = title
    if scale:
        new["scale"] = {**(new.get("scale") or {}), **scale}
    if axis:
        new["axis"] = {**(new.get("axis") or {}), **axis}
    cls = alt.X if channel == "x" else alt.Y
    return chart.encode(**{channel: cls(**new)})
