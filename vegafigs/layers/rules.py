"""Reference lines: a horizontal rule with a text label or a legend entry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from vegafigs._checks import (
    require_choice,
    require_finite,
    require_fraction,
    require_nonnegative,
    require_positive,
    require_text,
)
from vegafigs.errors import InputError
from vegafigs.layers._encode import color_encoding, dash_encoding


def hline(
    y: float,
    *,
    label: str | None = None,
    color: str = "#D4686A",
    dash: Sequence[float] = (5, 3),
    stroke_width: float = 0.8,
    opacity: float = 1.0,
    label_position: str = "left",
    label_color: str | None = None,
    font_size: float = 6,
    font: str | None = None,
    label_offset: float = 2,
    legend_field: str | None = None,
    palette: Mapping[Any, str] | None = None,
    dashes: Mapping[Any, Sequence[float]] | None = None,
) -> alt.LayerChart | alt.Chart:
    """A horizontal rule at ``y`` across the plot, labelled at one end or in the legend.

    By default the ``label`` is drawn just above the rule at the ``label_position``
    end ("left" or "right"). With ``legend_field`` the rule instead becomes a legend
    entry named ``label``: pass the figure's shared ``palette`` and ``dashes``
    (including ``label``) so it joins the other series' legend. A non-finite
    ``y``, a non-string label and zero/negative sizes are an
    :class:`~vegafigs.InputError`.

    >>> chart = bars_chart + hline(55.79, label="GRPO 55.79")  # doctest: +SKIP
    """
    require_choice(label_position, ["left", "right"], param="label_position")
    y = require_finite(y, param="y")
    require_positive(font_size, param="font_size")
    require_nonnegative(stroke_width, param="stroke_width")
    require_fraction(opacity, param="opacity")
    if label is not None:
        require_text(label, param="label")
    if legend_field is not None:
        if label is None:
            raise InputError("label: required when legend_field is set (it names the entry)")
        data = pd.DataFrame({legend_field: [label], "y": [y]})
        pal = dict(palette) if palette is not None else {label: color}
        dsh = dict(dashes) if dashes is not None else {label: list(dash)}
        for name, mapping in (("palette", pal), ("dashes", dsh)):
            if label not in mapping:
                raise InputError(f"{name}: must include the reference label {label!r}")
        return (
            alt.Chart(data)
            .mark_rule(strokeWidth=stroke_width, opacity=opacity)
            .encode(
                y="y:Q",
                color=color_encoding(legend_field, pal),
                strokeDash=dash_encoding(legend_field, dsh),
            )
        )
    data = pd.DataFrame({"y": [y], "label": [label or ""]})
    rule = (
        alt.Chart(data)
        .mark_rule(color=color, strokeDash=list(dash), strokeWidth=stroke_width, opacity=opacity)
        .encode(y="y:Q")
    )
    if not label:
        return rule
    text_mark: dict[str, Any] = {
        "align": label_position,
        "baseline": "bottom",
        "dy": -label_offset,
        "fontSize": font_size,
        "color": label_color or color,
        "x": 0 if label_position == "left" else "width",
        "xOffset": label_offset if label_position == "left" else -label_offset,
    }
    if font is not None:
        text_mark["font"] = font
    text = alt.Chart(data).mark_text(**text_mark).encode(y="y:Q", text="label:N")
    return alt.layer(rule, text)
