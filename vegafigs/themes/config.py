"""The paper themes. Each is a function of keyword-only font settings (all with
defaults) returning a Vega-Lite config.

``paper``: Times-like serif, light dashed y-grid only, no top/right axis lines
(seeds 000 and 001). ``latex``: Computer-Modern-like serif, four-sided frame, ticks
pointing inward, no grid (seed 002). ``sans``: sans-serif, dark grey text, open top
and right, no grid.
"""

from __future__ import annotations

from typing import Any

from vegafigs.themes.fonts import COMPUTER_MODERN, SANS, TIMES

Config = dict[str, Any]

#: Series colours, the themes' category range (matplotlib's tab10, as in the seed scripts).
TAB10 = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip


def _marks(*, stroke_width: float, text_size: float, font: str, color: str) -> Config:
    """Mark defaults shared by the themes: line widths, palette, text font and size."""
    return {
        "range": {"category": list(TAB10)},
        "line": {"strokeWidth": stroke_width, "strokeJoin": "round"},
        "rule": {"strokeWidth": 1.0},
        "area": {"opacity": 1, "fillOpacity": 0.2},
        "text": {"font": font, "fontSize": text_size, "color": color},
    }


def _text_fonts(
    font: str, *, base: float, title: float, label: float, text: float, color: str
) -> Config:
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
        **_marks(stroke_width=1.5, text_size=text, font=font, color=color),
    }


def paper(
    *,
    font: str = TIMES,
    font_size: float = 10,
    title_size: float = 12,
    label_size: float = 9,
    text_size: float | None = None,
    color: str = "#000000",
) -> Config:
    """Times-like serif, light dashed y-grid only, no top/right axis lines.

    The look of seeds 000 and 001. Sizes are in pt (one pt is one px of the spec,
    see :mod:`vegafigs.themes.sizes`).

    Parameters
    ----------
    font : str, optional
        CSS font-family stack of every text: titles, axes, legends, panel headers
        and text marks (default :data:`~vegafigs.themes.TIMES`: a real Times when
        installed, else the bundled STIX).
    font_size : float, optional
        Axis and legend titles, and facet header labels, in pt (default 10).
    title_size : float, optional
        Chart and panel titles (and facet header titles), in pt (default 12).
    label_size : float, optional
        Tick labels and legend labels, in pt (default 9).
    text_size : float or None, optional
        Text marks (value labels, stats boxes), in pt (default ``None``:
        ``label_size``).
    color : str, optional
        CSS colour of the text: titles, axis and legend labels and titles, text
        marks (default ``"#000000"``). The axis lines and ticks stay black.

    Returns
    -------
    Config
        A new Vega-Lite config dict (give it as ``theme=`` or to ``alt.theme``).

    Examples
    --------
    >>> cfg = paper()
    >>> cfg["axisY"]["grid"], cfg["view"]["stroke"]
    (True, None)
    """
    text = label_size if text_size is None else text_size
    cfg = _text_fonts(
        font, base=font_size, title=title_size, label=label_size, text=text, color=color
    )
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
    text_size: float | None = None,
    frame_width: float = 1.5,
    color: str = "#000000",
) -> Config:
    """Computer-Modern-like serif, four-sided frame, inward ticks, no grid.

    The LaTeX look of seed 002. Sizes are in pt (one pt is one px of the spec).

    Parameters
    ----------
    font : str, optional
        CSS font-family stack of every text (default
        :data:`~vegafigs.themes.COMPUTER_MODERN`: CMU Serif or Latin Modern when
        installed, else the bundled "vegafigs CM").
    font_size : float, optional
        Axis and legend titles, and facet header labels, in pt (default 13).
    title_size : float, optional
        Chart and panel titles (and facet header titles), in pt (default 15).
    label_size : float, optional
        Tick labels and legend labels, in pt (default 11).
    text_size : float or None, optional
        Text marks (value labels, stats boxes), in pt (default ``None``:
        ``label_size``).
    frame_width : float, optional
        Line width of the four-sided frame around each plot, in pt (default 1.5).
    color : str, optional
        CSS colour of the text: titles, axis and legend labels and titles, text
        marks (default ``"#000000"``). The frame and ticks stay black.

    Returns
    -------
    Config
        A new Vega-Lite config dict (give it as ``theme=`` or to ``alt.theme``).

    Examples
    --------
    >>> cfg = latex()
    >>> cfg["axis"]["tickSize"], cfg["axis"]["grid"]
    ({'expr': '-5'}, False)
    """
    text = label_size if text_size is None else text_size
    cfg = _text_fonts(
        font, base=font_size, title=title_size, label=label_size, text=text, color=color
    )
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
    # Negatives are written with d3-format's real minus sign (U+2212): "vegafigs CM" has it.
    return cfg


def sans(
    *,
    font: str = SANS,
    font_size: float = 9,
    title_size: float = 10,
    label_size: float = 9,
    text_size: float | None = None,
    color: str = "#262626",
) -> Config:
    """Sans-serif, dark grey text, open top and right, no grid.

    Sizes are in pt (one pt is one px of the spec).

    Parameters
    ----------
    font : str, optional
        CSS font-family stack of every text (default :data:`~vegafigs.themes.SANS`:
        Helvetica or Arial when installed, else the bundled DejaVu Sans).
    font_size : float, optional
        Axis and legend titles, and facet header labels, in pt (default 9).
    title_size : float, optional
        Chart and panel titles (and facet header titles), in pt (default 10).
    label_size : float, optional
        Tick labels and legend labels, in pt (default 9).
    text_size : float or None, optional
        Text marks (value labels, stats boxes), in pt (default ``None``:
        ``label_size``).
    color : str, optional
        CSS colour of the text and of the axis lines and ticks (default
        ``"#262626"``, dark grey).

    Returns
    -------
    Config
        A new Vega-Lite config dict (give it as ``theme=`` or to ``alt.theme``).

    Examples
    --------
    >>> sans()["axis"]["grid"]
    False
    """
    cfg = paper(
        font=font,
        font_size=font_size,
        title_size=title_size,
        label_size=label_size,
        text_size=text_size,
        color=color,
    )
    cfg["axis"].update({"domainColor": color, "tickColor": color})
    cfg["axisY"] = {"grid": False}
    return cfg


#: Name -> theme function, for ``theme=`` parameters and ``alt.theme`` registration.
THEMES = {"paper": paper, "latex": latex, "sans": sans}
