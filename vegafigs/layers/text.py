"""Text layers: a bordered statistics box pinned to a corner of the plot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt

from vegafigs._checks import (
    require_choice,
    require_finite,
    require_nonnegative,
    require_positive,
    require_text,
)
from vegafigs.errors import InputError
from vegafigs.themes.fonts import TIMES, text_width

CORNERS = ("upper right", "upper left", "lower right", "lower left")


def stats_box(
    stats: Mapping[str, float],
    *,
    keys: Sequence[str] = ("max", "min", "mean"),
    labels: Sequence[str] | None = None,
    label_format: str = ".4f",
    corner: str = "upper right",
    font: str = TIMES,
    font_size: float = 10,
    color: str = "black",
    margin: float = 6,
    padding: float = 5,
    line_height: float | None = None,
    fill: str = "white",
    stroke: str = "black",
    stroke_width: float = 0.8,
    corner_radius: float = 4,
) -> alt.LayerChart:
    """A rounded box listing ``Label: value`` lines, pinned inside a plot corner.

    Labels are left-aligned and values right-aligned; the box is sized to its
    text from the font's real glyph widths. A missing key, a non-finite or
    non-numeric value, non-string labels and zero/negative sizes are an
    :class:`~vegafigs.InputError`.

    >>> box = stats_box({"max": 46.18, "min": 0.94, "mean": 9.23})
    >>> chart = histogram_chart + box  # doctest: +SKIP
    """
    require_choice(corner, CORNERS, param="corner")
    labels = list(labels) if labels is not None else [f"{k.capitalize()}:" for k in keys]
    if len(labels) != len(keys):
        raise InputError(f"labels: expected {len(keys)} labels (one per key), got {len(labels)}")
    if not keys:
        raise InputError("keys: expected at least one statistic to show, got none")
    for text in labels:
        require_text(text, param="labels")
    require_positive(font_size, param="font_size")
    if line_height is not None:
        require_positive(line_height, param="line_height")
    for name, size in (("margin", margin), ("padding", padding), ("stroke_width", stroke_width)):
        require_nonnegative(size, param=name)
    missing = [k for k in keys if k not in stats]
    if missing:
        raise InputError(f"stats: missing key(s) {missing}; got {sorted(map(str, stats))}")
    numbers = {k: require_finite(stats[k], param=f"stats[{k!r}]") for k in keys}
    try:
        values = [format(numbers[k], label_format.lstrip(":")) for k in keys]
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"label_format: cannot format the values with {label_format!r} ({exc})"
        ) from exc

    lh = line_height if line_height is not None else round(font_size * 1.25, 3)
    label_w = max(text_width(t, font=font, size=font_size) for t in labels)
    value_w = max(text_width(t, font=font, size=font_size) for t in values)
    gap = font_size * 0.6
    box_w = round(label_w + gap + value_w + 2 * padding, 2)
    box_h = round((len(keys) - 1) * lh + font_size * 1.15 + 2 * padding, 2)

    # Positions are offsets from the view's edges ("width"/"height"), so the box
    # stays pinned to its corner in any view size, layer or concatenation.
    right = corner.endswith("right")
    top = corner.startswith("upper")
    x_edge = "width" if right else 0
    y_edge = 0 if top else "height"
    box_x0 = -(margin + box_w) if right else margin
    box_y0 = margin if top else -(margin + box_h)
    # Vega-Lite drops x2Offset/y2Offset on mark properties, so the rect gets a size,
    # and with a size its x/y position the centre.
    rect_pos = {
        "x": x_edge, "xOffset": round(box_x0 + box_w / 2, 3), "width": box_w,
        "y": y_edge, "yOffset": round(box_y0 + box_h / 2, 3), "height": box_h,
    }  # fmt: skip
    text_y = {"y": y_edge, "yOffset": box_y0 + padding}
    left_text = {"x": x_edge, "xOffset": box_x0 + padding}
    right_text = {"x": x_edge, "xOffset": box_x0 + box_w - padding}

    row = {"label": "\n".join(labels), "text": "\n".join(values)}
    row.update(numbers)
    base = alt.Chart(alt.Data(values=[row]))
    text_style = {
        "font": font,
        "fontSize": font_size,
        "color": color,
        "baseline": "top",
        "lineBreak": "\n",
        "lineHeight": lh,
        **text_y,
    }
    box = base.mark_rect(
        **rect_pos,
        fill=fill,
        stroke=stroke,
        strokeWidth=stroke_width,
        cornerRadius=corner_radius,
    )
    label_text = base.mark_text(align="left", **left_text, **text_style).encode(text="label:N")
    value_text = base.mark_text(align="right", **right_text, **text_style).encode(text="text:N")
    return alt.layer(box, label_text, value_text)
