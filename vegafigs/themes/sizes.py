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

#: Paper venues in their native units, from their LaTeX style files: text and column
#: widths in inches (``column`` is ``None`` for single-column venues) and the body
#: text size in pt. Figure text follows tueplots' rule: axis titles at body - 1,
#: tick labels and legends at body - 3.
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
    """Convert inches to Vega-Lite px (72 per inch).

    >>> inches(3.6)
    259.2
    """
    require_positive(value, param=param)
    return round(float(value) * PX_PER_INCH, 3)


def venue_size(
    venue: str, *, span: str = "text", height_ratio: float = GOLDEN_RATIO
) -> dict[str, float]:
    """``{"width_in": ..., "height_in": ...}`` for a venue's text or column width.

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

    Give it to any figure as ``style=``; ``width_in`` / ``height_in`` given too
    take precedence over its size. ``font_sizes()`` are the keyword arguments of
    the theme functions (:func:`vegafigs.paper`, :func:`vegafigs.latex`).
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

    The width is the venue's ``span`` (``"column"`` or ``"text"``; single-column
    venues use the text width for both) times ``rel_width``; each of the
    ``ncols`` × ``nrows`` subplots is ``height_ratio`` as high as it is wide.
    Font sizes: axis titles and the title at the body size - 1, tick labels,
    legends and mark text at body - 3 (tueplots' ``fontsizes``).

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
    """The figure's (width, height) in inches: explicit, else the style's, else ``default``."""
    w = width_in if width_in is not None else (style.width_in if style else default[0])
    h = height_in if height_in is not None else (style.height_in if style else default[1])
    return float(w), float(h)
