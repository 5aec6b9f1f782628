"""Text layers: a bordered statistics box pinned to a corner of the plot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from vegafigs._checks import require_choice, require_finite
from vegafigs._params import COLOR, NONNEGATIVE, POSITIVE, TEXT, Param, checked
from vegafigs.errors import InputError
from vegafigs.layers._encode import column_def, fresh_name
from vegafigs.themes.fonts import text_width

CORNERS = ("upper right", "upper left", "lower right", "lower left")


def _stat_keys(value: Any, name: str) -> Any:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise InputError(f"{name}: expected a non-empty list of statistic names, got {value!r}")
    for key in value:
        TEXT(key, name)
    return tuple(value)


def _labels(value: Any, name: str) -> Any:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InputError(f"{name}: expected a list of strings, got {value!r}")
    return [TEXT(v, f"{name}[{i}]") for i, v in enumerate(value)]


def _corner(value: Any, name: str) -> Any:
    require_choice(value, CORNERS, param=name)
    return value


#: Statistic names listed in a stats box (``stats_box(keys=)``, ``metric_histograms(stat_keys=)``).
STAT_KEYS = Param(_stat_keys, "statistics listed in the box", bad=((), "max", [3]))


#: Significant digits of the statistics kept in a stats box's data row.
ROW_DIGITS = 12


@checked(
    keys=STAT_KEYS,
    labels=Param(_labels, "the line labels (default 'Max:' ...)", bad=("Max:", [1])).maybe(),
    corner=Param(_corner, "plot corner the box is pinned to", bad=("middle", 3)),
    font=TEXT.maybe("font of the text (default: the theme's text font)"),
    font_size=POSITIVE.maybe("text size in pt (default: the theme's text size)"),
    color=COLOR,
    margin=NONNEGATIVE,
    padding=NONNEGATIVE,
    line_height=POSITIVE.maybe("distance between lines, pt (default 1.25 x font_size)"),
    fill=COLOR,
    stroke=COLOR,
    corner_radius=NONNEGATIVE,
)
def stats_box(
    stats: Mapping[str, float],
    *,
    keys: Sequence[str] = ("max", "min", "mean"),
    labels: Sequence[str] | None = None,
    label_format: str = ".4f",
    corner: str = "upper right",
    font: str | None = None,
    font_size: float | None = None,
    color: str = "black",
    margin: float = 6,
    padding: float = 5,
    line_height: float | None = None,
    fill: str = "white",
    stroke: str = "black",
    stroke_width: float | None = 0.8,
    corner_radius: float = 4,
) -> alt.LayerChart:
    """A rounded box listing ``Label: value`` lines, pinned inside a plot corner.

    Labels are left-aligned and values right-aligned; the box is sized to its
    text from the font's real glyph widths.

    Bad input: a missing key, a non-finite or non-numeric value, a label count
    other than the keys' and bad parameters are an :class:`~vegafigs.InputError`.

    Parameters
    ----------
    stats : mapping of str to float
        The value of each of ``keys`` (other entries are ignored).
    keys : sequence of str, optional
        The statistics listed, one line each, in order (default ``("max",
        "min", "mean")``).
    labels : sequence of str, optional
        The line labels, one per key (default None: each key capitalised with a
        colon, ``"Max:"``, ``"Min:"`` ...).
    label_format : str, optional
        Number format of the values (default ``".4f"``): a d3 format that
        Python's ``format()`` also applies (a d3-only one such as ``"~s"`` is
        an error). See :term:`label_format`.
    corner : {"upper right", "upper left", "lower right", "lower left"}, optional
        The plot corner the box is pinned to (default ``"upper right"``).
    font : str, optional
        Font of the text (default None: the enabled vegafigs theme's text font,
        else the paper theme's).
    font_size : float, optional
        Text size, pt (default None: the enabled vegafigs theme's text size,
        else the paper theme's).
    color : str, optional
        CSS colour of the text (default ``"black"``).
    margin : float, optional
        Gap between the box and the plot edges, pt, >= 0 (default 6).
    padding : float, optional
        Gap between the box's edge and its text, pt, >= 0 (default 5).
    line_height : float, optional
        Distance between lines, pt (default None: 1.25 × ``font_size``).
    fill : str, optional
        CSS colour filling the box (default ``"white"``).
    stroke : str, optional
        CSS colour of the box's outline (default ``"black"``).
    stroke_width : float or None, optional
        Width of the box's outline, pt (default 0.8; None: 0.8). See
        :term:`stroke_width`.
    corner_radius : float, optional
        Radius of the box's corners, pt, >= 0 (default 4).

    Returns
    -------
    altair.LayerChart
        Three layers: the box (``rect``), the labels and the values (``text``).

    Examples
    --------
    >>> box = stats_box({"max": 46.18, "min": 0.94, "mean": 9.23}, font_size=9)
    >>> [layer.mark.type for layer in box.layer]
    ['rect', 'text', 'text']
    """
    font, font_size = _text_style(font, font_size)
    labels = list(labels) if labels is not None else [f"{k.capitalize()}:" for k in keys]
    if len(labels) != len(keys):
        raise InputError(f"labels: expected {len(keys)} labels (one per key), got {len(labels)}")
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
    rect_pos: dict[str, Any] = {
        "x": x_edge, "xOffset": round(box_x0 + box_w / 2, 3), "width": box_w,
        "y": y_edge, "yOffset": round(box_y0 + box_h / 2, 3), "height": box_h,
    }  # fmt: skip
    text_y: dict[str, Any] = {"y": y_edge, "yOffset": box_y0 + padding}
    left_text: dict[str, Any] = {"x": x_edge, "xOffset": box_x0 + padding}
    right_text: dict[str, Any] = {"x": x_edge, "xOffset": box_x0 + box_w - padding}

    # The statistics are kept in the row (for its data), to 12 significant digits: a mean
    # summed by another engine (polars, DuckDB, Spark) than numpy differs in its last bits
    # only. The text is formatted from the full values; its fields avoid their names.
    label_field = fresh_name("label", keys)
    text_field = fresh_name("text", [*keys, label_field])
    row: dict[str, Any] = {k: float(f"{v:.{ROW_DIGITS}g}") for k, v in numbers.items()}
    row.update({label_field: "\n".join(labels), text_field: "\n".join(values)})
    base = alt.Chart(alt.Data(values=[row]))
    text_style: dict[str, Any] = {
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
        strokeWidth=0.8 if stroke_width is None else stroke_width,
        cornerRadius=corner_radius,
    )
    label_text = base.mark_text(align="left", **left_text, **text_style).encode(
        text=alt.Text(**column_def(label_field, "N"))
    )
    value_text = base.mark_text(align="right", **right_text, **text_style).encode(
        text=alt.Text(**column_def(text_field, "N"))
    )
    return alt.LayerChart(layer=[box, label_text, value_text])


def _text_style(font: str | None, font_size: float | None) -> tuple[str, float]:
    """``font`` and ``font_size``, or the enabled vegafigs theme's text font and size."""
    if font is not None and font_size is not None:
        return font, font_size
    from vegafigs.themes import resolve_theme

    text = resolve_theme(None, default="paper").get("text", {})
    return (font if font is not None else text["font"],
            font_size if font_size is not None else float(text["fontSize"]))  # fmt: skip
