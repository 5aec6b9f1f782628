"""Reference lines: a horizontal rule with a text label or a legend entry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._checks import require_choice
from vegafigs._params import (
    COLOR,
    FINITE,
    FINITE_LIST,
    FRACTION,
    MAPPING,
    NONNEGATIVE,
    POSITIVE,
    TEXT,
    Param,
    checked,
)
from vegafigs.errors import InputError
from vegafigs.layers._encode import (
    color_encoding,
    column_def,
    dash_encoding,
    fresh_name,
    text_mapping,
)


def _position(value: Any, name: str) -> Any:
    require_choice(value, ["left", "right"], param=name)
    return value


def _field(value: Any, name: str) -> Any:
    if not isinstance(value, str) or not value:
        raise InputError(f"{name}: expected a column name (a non-empty string), got {value!r}")
    return value


@checked(
    reference=FINITE,
    label=TEXT.maybe(),
    color=COLOR,
    dash=FINITE_LIST,
    stroke_width=POSITIVE,
    opacity=FRACTION,
    label_position=Param(_position, "'left' or 'right'", bad=("top", 3)),
    label_color=COLOR.maybe(),
    font_size=POSITIVE.maybe(),
    font=TEXT.maybe(),
    label_offset=NONNEGATIVE,
    legend_field=Param(_field, "a legend field name", bad=("", 3)).maybe(),
    dashes=MAPPING.maybe(),
)
def hline(
    reference: float,
    *,
    label: str | None = None,
    color: str = "#D4686A",
    dash: Sequence[float] = (5, 3),
    stroke_width: float = 0.8,
    opacity: float = 1.0,
    label_position: str = "left",
    label_color: str | None = None,
    font_size: float | None = None,
    font: str | None = None,
    label_offset: float = 2,
    legend_field: str | None = None,
    palette: Mapping[Any, str] | None = None,
    dashes: Mapping[Any, Sequence[float]] | None = None,
) -> alt.LayerChart | alt.Chart:
    """A horizontal rule at y = ``reference`` across the plot, labelled at one end or in a legend.

    By default the ``label`` is drawn just above the rule at the
    ``label_position`` end. With ``legend_field`` the rule instead becomes a
    legend entry named ``label``: pass the figure's shared ``palette`` and
    ``dashes`` (including ``label``) so it joins the other series' legend.

    Bad input: a non-finite ``reference``, a ``legend_field`` without a
    ``label``, a ``palette`` / ``dashes`` without the label and bad parameters
    are an :class:`~vegafigs.InputError` naming them.

    Parameters
    ----------
    reference : float
        The y value of the rule (finite). See :term:`reference`.
    label : str, optional
        Text written above the rule, or the legend entry's name with
        ``legend_field`` (default None: no label).
    color : str, optional
        CSS colour of the rule (default ``"#D4686A"``).
    dash : sequence of float, optional
        Dash pattern of the rule, px (default ``(5, 3)``; ``[]``: solid).
    stroke_width : float, optional
        Width of the rule, pt (default 0.8). See :term:`stroke_width`.
    opacity : float, optional
        Opacity of the rule in [0, 1] (default 1.0). See :term:`opacity`.
    label_position : {"left", "right"}, optional
        The end of the rule the label is drawn at (default ``"left"``).
    label_color : str, optional
        CSS colour of the label (default None: ``color``).
    font_size : float, optional
        Label size, pt (default None: the theme's text mark size).
    font : str, optional
        Label font (default None: the theme's text mark font).
    label_offset : float, optional
        px the label sits up from the rule and in from the plot's edge, >= 0
        (default 2).
    legend_field : str, optional
        Name of the legend field (the series column of the layers it joins);
        given, the rule is drawn as a legend entry named ``label`` instead of a
        text label (default None).
    palette : mapping, optional
        With ``legend_field``: the figure's shared ``{level: colour}``, which
        must include ``label`` (default None: ``{label: color}``). Unused
        without ``legend_field``. See :term:`palette`.
    dashes : mapping, optional
        With ``legend_field``: the figure's shared ``{level: dash pattern}``,
        which must include ``label`` (default None: ``{label: dash}``). Unused
        without ``legend_field``.

    Returns
    -------
    altair.LayerChart or altair.Chart
        The ``rule`` and its ``text`` as a layer chart; only the rule (a
        ``Chart``) without a label or with ``legend_field``.

    Examples
    --------
    >>> rule = hline(55.79, label="GRPO 55.79", label_position="right")
    >>> [layer.mark.type for layer in rule.layer]
    ['rule', 'text']
    """
    if legend_field is not None:
        return _legend_rule(reference, label, legend_field, color, dash, stroke_width, opacity,
                            palette, dashes)  # fmt: skip
    data = pd.DataFrame({"y": [reference], "label": [label or ""]})
    rule = (
        alt.Chart(data)
        .mark_rule(color=color, strokeDash=list(dash), strokeWidth=stroke_width, opacity=opacity)
        .encode(y=alt.Y(**column_def("y", "Q")))
    )
    if not label:
        return rule
    text_mark: dict[str, Any] = {
        "align": label_position,
        "baseline": "bottom",
        "dy": -label_offset,
        "color": label_color or color,
        "x": 0 if label_position == "left" else "width",
        "xOffset": label_offset if label_position == "left" else -label_offset,
    }
    for key, value in (("fontSize", font_size), ("font", font)):
        if value is not None:
            text_mark[key] = value
    text = (
        alt.Chart(data)
        .mark_text(**text_mark)
        .encode(y=alt.Y(**column_def("y", "Q")), text=alt.Text(**column_def("label", "N")))
    )
    return alt.LayerChart(layer=[rule, text])


def _legend_rule(
    reference: float,
    label: str | None,
    legend_field: str,
    color: str,
    dash: Sequence[float],
    stroke_width: float,
    opacity: float,
    palette: Mapping[Any, str] | None,
    dashes: Mapping[Any, Sequence[float]] | None,
) -> alt.Chart:
    if label is None:
        raise InputError("label: required when legend_field is set (it names the entry)")
    y = fresh_name("y", [legend_field])  # the legend field may be called "y"
    data = pd.DataFrame({legend_field: [label], y: [reference]})
    pal = text_mapping(palette, "palette") if palette is not None else {label: color}
    dsh = text_mapping(dashes, "dashes") if dashes is not None else {label: list(dash)}
    for name, mapping in (("palette", pal), ("dashes", dsh)):
        if label not in mapping:
            raise InputError(f"{name}: must include the reference label {label!r}")
    return (
        alt.Chart(data)
        .mark_rule(strokeWidth=stroke_width, opacity=opacity)
        .encode(
            y=alt.Y(**column_def(y, "Q")),
            color=color_encoding(legend_field, pal),
            strokeDash=dash_encoding(legend_field, dsh),
        )
    )
