"""Figure sizes in inches, and paper venues' text widths in their native units.

Vega-Lite sizes are in CSS pixels and vl-convert renders 72 px per inch at
``scale=1``, so one px is one typographic point: a matplotlib ``fontsize=9`` is
``fontSize: 9`` here and ``width_in=3.6`` is 259.2 px.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vegafigs._checks import require_choice, require_count, require_positive

PX_PER_INCH = 72.0

#: Paper venues in their native units, from their LaTeX style files, with text and column
#: widths in inches (``column`` is ``None`` for single-column venues) and the body
#: text size in pt. Figure text follows tueplots' rule: axis titles at body - 1,
#: tick and legend labels at body - 3.
VENUES: dict[str, dict[str, float | None | str]] = {
    # neurips_2024.sty: \textwidth=5.5in (single column), 10pt body
    "neurips": {"text": 5.5, "column": None, "font_size": 10.0,
                "source": "neurips_2024.sty \\textwidth=5.5in, 10pt"},
    # iclr2025_conference.sty: \textwidth=5.5in (single column), 10pt body
    "iclr": {"text": 5.5, "column": None, "font_size": 10.0,
             "source": "iclr2025_conference.sty \\textwidth=5.5in, 10pt"},
    # icml2025.sty: \textwidth=6.75in, \columnsep=0.25in -> column 3.25in; 10pt body
    "icml": {"text": 6.75, "column": 3.25, "font_size": 10.0,
             "source": "icml2025.sty \\textwidth=6.75in, 10pt"},
    # acl.sty: \textwidth=455.24pt (6.3in), \columnwidth=219.1pt (3.03in); 11pt body
    "acl": {"text": 6.3, "column": 3.03, "font_size": 11.0,
            "source": "acl.sty \\textwidth=455.24pt, 11pt"},
    # aaai25.sty: \textwidth=7.0in, \columnwidth=3.3in; 10pt body
    "aaai": {"text": 7.0, "column": 3.3, "font_size": 10.0,
             "source": "aaai25.sty \\textwidth=7.0in, 10pt"},
}  # fmt: skip

GOLDEN_RATIO = (5**0.5 - 1) / 2


def inches(value: float, *, param: str = "size") -> float:
    """Convert inches to Vega-Lite px (72 per inch), rounded to 3 decimals.

    Parameters
    ----------
    value : float
        A length in inches; a positive finite number, else an
        :class:`~vegafigs.InputError`.
    param : str, optional
        The parameter name the error message gives (default ``"size"``), e.g.
        ``"width_in"`` when converting that argument.

    Returns
    -------
    float
        ``value * 72`` px (= pt).

    Examples
    --------
    >>> inches(3.6)
    259.2
    """
    require_positive(value, param=param)
    return round(float(value) * PX_PER_INCH, 3)


def venue_size(
    venue: str, *, span: str = "text", height_ratio: float = GOLDEN_RATIO
) -> dict[str, float]:
    """``{"width_in": ..., "height_in": ...}`` for a venue's text or column width.

    Give the result as keyword arguments to a figure function
    (``bar_trend(..., **venue_size("icml"))``); :func:`venue` also sets the font sizes.

    Parameters
    ----------
    venue : str
        The venue: a key of :data:`~vegafigs.themes.VENUES` (``"neurips"``,
        ``"iclr"``, ``"icml"``, ``"acl"``, ``"aaai"``).
    span : str, optional
        ``"text"`` (the default: the full text width) or ``"column"`` (one column's
        width; single-column venues use the text width for both).
    height_ratio : float, optional
        Height as a fraction of the width (default the golden ratio, 0.618); a
        positive number.

    Returns
    -------
    dict of str to float
        ``width_in`` (the venue's width in inches) and ``height_in`` (``width_in *
        height_ratio``, rounded to 3 decimals).

    Examples
    --------
    >>> venue_size("icml", span="column")
    {'width_in': 3.25, 'height_in': 2.009}
    """
    require_choice(venue, sorted(VENUES), param="venue")
    require_choice(span, ["text", "column"], param="span")
    require_positive(height_ratio, param="height_ratio")
    width = VENUES[venue][span] or VENUES[venue]["text"]
    assert isinstance(width, float)
    return {"width_in": width, "height_in": round(width * height_ratio, 3)}


@dataclass(frozen=True)
class Style:
    """A venue preset: the whole figure's size and the font sizes of the venue's text.

    Made by :func:`venue`. Give it to any figure as ``style=``; ``width_in`` /
    ``height_in`` given too take precedence over its size. :meth:`font_sizes` are the
    keyword arguments of the theme functions (:func:`vegafigs.paper`,
    :func:`vegafigs.latex`, :func:`vegafigs.sans`). Sizes are in inches, font sizes in pt.

    Parameters
    ----------
    venue : str
        The venue's name (a key of :data:`~vegafigs.themes.VENUES`).
    width_in : float
        Width of the whole figure, in inches. See :term:`width_in`.
    height_in : float
        Height of the whole figure, in inches. See :term:`height_in`.
    font_size : float
        Axis and legend titles, in pt (the theme functions' ``font_size``).
    title_size : float
        Chart and panel titles, in pt.
    label_size : float
        Tick and legend labels, in pt.
    text_size : float
        Text marks (value labels, stats boxes), in pt.

    Examples
    --------
    >>> s = venue("neurips", span="text")
    >>> s.width_in, s.font_sizes()["label_size"]
    (5.5, 7.0)
    """

    venue: str
    width_in: float
    height_in: float
    font_size: float
    title_size: float
    label_size: float
    text_size: float

    def font_sizes(self) -> dict[str, float]:
        """Theme keyword arguments: axis titles, chart title, tick labels, mark text."""
        return {
            "font_size": self.font_size,
            "title_size": self.title_size,
            "label_size": self.label_size,
            "text_size": self.text_size,
        }


def venue(
    name: str,
    *,
    span: str = "column",
    nrows: int = 1,
    ncols: int = 1,
    height_ratio: float = GOLDEN_RATIO,
    rel_width: float = 1.0,
) -> Style:
    """The size and font sizes of a figure for venue ``name`` (tueplots' bundles).

    Font sizes: axis titles and the chart title at the venue's body size - 1; tick
    labels, legend labels and mark text at body - 3 (tueplots' ``fontsizes``).

    Parameters
    ----------
    name : str
        The venue: a key of :data:`~vegafigs.themes.VENUES` (``"neurips"``,
        ``"iclr"``, ``"icml"``, ``"acl"``, ``"aaai"``).
    span : str, optional
        ``"column"`` (the default: one column's width) or ``"text"`` (the full text
        width); single-column venues use the text width for both.
    nrows : int, optional
        Rows of subplots the figure holds (default 1); an integer >= 1.
    ncols : int, optional
        Columns of subplots the figure holds (default 1); an integer >= 1.
    height_ratio : float, optional
        Each subplot's height as a fraction of its width (default the golden ratio,
        0.618): the height is ``width / ncols * height_ratio * nrows``.
    rel_width : float, optional
        Fraction of the span's width the figure takes (default 1.0); a positive
        number.

    Returns
    -------
    Style
        The preset to give a figure as ``style=``; sizes rounded to 3 decimals.

    Examples
    --------
    >>> s = venue("icml", span="column")
    >>> s.width_in, s.height_in, s.font_size, s.label_size
    (3.25, 2.009, 9.0, 7.0)
    >>> venue("icml", span="text", ncols=3).height_in
    1.391
    """
    require_choice(name, sorted(VENUES), param="name")
    require_choice(span, ["text", "column"], param="span")
    require_count(nrows, param="nrows", minimum=1)
    require_count(ncols, param="ncols", minimum=1)
    require_positive(height_ratio, param="height_ratio")
    require_positive(rel_width, param="rel_width")
    row: dict[str, Any] = VENUES[name]
    width = float(row[span] or row["text"]) * float(rel_width)
    height = width / ncols * height_ratio * nrows
    body = float(row["font_size"])
    return Style(
        venue=name,
        width_in=round(width, 3),
        height_in=round(height, 3),
        font_size=body - 1,
        title_size=body - 1,
        label_size=body - 3,
        text_size=body - 3,
    )


def figure_size(
    *,
    width_in: float | None,
    height_in: float | None,
    style: Style | None,
    default: tuple[float, float],
) -> tuple[float, float]:
    """The figure's (width, height) in inches: explicit, else the style's, else ``default``.

    Each side is chosen on its own: ``width_in`` given and ``height_in`` not takes the
    height from ``style`` (or ``default``).

    Parameters
    ----------
    width_in : float or None
        The width asked for, in inches (``None``: not given). See :term:`width_in`.
    height_in : float or None
        The height asked for, in inches (``None``: not given). See :term:`height_in`.
    style : Style or None
        A venue preset whose size fills the sides not given. See :term:`style`.
    default : tuple of float
        ``(width, height)`` in inches of the figure function, for sides neither
        given nor set by a style.

    Returns
    -------
    tuple of float
        ``(width_in, height_in)``.

    Examples
    --------
    >>> figure_size(width_in=4, height_in=None, style=None, default=(3.6, 2.4))
    (4.0, 2.4)
    """
    w = width_in if width_in is not None else (style.width_in if style else default[0])
    h = height_in if height_in is not None else (style.height_in if style else default[1])
    return float(w), float(h)
