"""The two paper themes. Each is a zero-argument function returning a Vega-Lite config.

``paper``: Times-like serif, light dashed y-grid only, no top/right axis lines
(seeds 000 and 001). ``latex``: Computer-Modern-like serif, four-sided frame, ticks
pointing inward, no grid (seed 002).
"""

from __future__ import annotations

from typing import Any

from vegafigs.themes.fonts import COMPUTER_MODERN, TIMES

Config = dict[str, Any]


def _text_fonts(font: str, *, base: float, title: float, label: float, color: str) -> Config:
    return {
        "font": font,
        "background": "white",
        "title": {
            "font": font,
            "fontSize": title,
            "fontWeight": "normal",
            "color": color,
            "subtitleFont": font,
            "anchor": "middle",
        },
        "axis": {
            "labelFont": font,
            "titleFont": font,
            "labelFontSize": label,
            "titleFontSize": base,
            "titleFontWeight": "normal",
            "labelColor": color,
            "titleColor": color,
            "domainColor": "black",
            "tickColor": "black",
        },
        "legend": {
            "labelFont": font,
            "titleFont": font,
            "labelFontSize": label,
            "titleFontSize": base,
            "titleFontWeight": "normal",
            "labelColor": color,
            "titleColor": color,
        },
        "header": {
            "labelFont": font,
            "titleFont": font,
            "labelFontSize": base,
            "titleFontSize": title,
        },
        "text": {"font": font, "fontSize": label, "color": color},
    }


def paper(
    *,
    font: str = TIMES,
    font_size: float = 10,
    title_size: float = 12,
    label_size: float = 9,
    color: str = "#000000",
) -> Config:
    """Times-like serif, light dashed y-grid only, no top/right axis lines.

    >>> cfg = paper()
    >>> cfg["axisY"]["grid"], cfg["view"]["stroke"]
    (True, None)
    """
    cfg = _text_fonts(font, base=font_size, title=title_size, label=label_size, color=color)
    cfg["view"] = {"stroke": None}
    cfg["axis"].update(
        {"grid": False, "domainWidth": 0.8, "tickWidth": 0.8, "tickSize": 3.5, "labelPadding": 2}
    )
    cfg["axisY"] = {
        "grid": True,
        "gridColor": "#808080",
        "gridOpacity": 0.7,
        "gridDash": [4, 3],
        "gridWidth": 0.6,
    }
    cfg["axisX"] = {"grid": False}
    cfg["legend"].update({"strokeColor": None, "padding": 2})
    return cfg


def latex(
    *,
    font: str = COMPUTER_MODERN,
    font_size: float = 13,
    title_size: float = 15,
    label_size: float = 11,
    frame_width: float = 1.5,
    color: str = "#000000",
) -> Config:
    """Computer-Modern-like serif, four-sided frame, inward ticks, no grid.

    >>> cfg = latex()
    >>> cfg["axis"]["tickSize"], cfg["axis"]["grid"]
    ({"expr": "-5"}, False)
    """
    cfg = _text_fonts(font, base=font_size, title=title_size, label=label_size, color=color)
    cfg["view"] = {"stroke": "black", "strokeWidth": frame_width}
    cfg["axis"].update(
        {
            "grid": False,
            "domain": False,  # the view frame draws all four sides
            # Negative ticks point into the plot (an expression: the schema wants >= 0).
            "tickSize": {"expr": "-5"},
            "tickWidth": 1.2,
            "labelPadding": 9,  # measured from the (inward) tick's end: 4 px outside
            "titlePadding": 6,
        }
    )
    cfg["legend"].update({"strokeColor": None, "orient": "bottom-right"})
    # d3-format writes negatives with U+2212, which cmr10 lacks; resvg then sets the
    # whole label in a fallback font (a bold sans "-200"). Use the hyphen-minus cmr10 has.
    cfg["locale"] = {
        "number": {
            "decimal": ".",
            "thousands": ",",
            "grouping": [3],
            "currency": ["$", ""],
            "minus": "-",
        }
    }
    return cfg


#: Name -> theme function, for ``theme=`` parameters and ``alt.theme`` registration.
THEMES = {"paper": paper, "latex": latex}
