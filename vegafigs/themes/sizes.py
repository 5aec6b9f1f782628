"""Figure sizes in inches, and paper venues' text widths in their native units.

Vega-Lite sizes are in CSS pixels and vl-convert renders 72 px per inch at
``scale=1``, so one px is one typographic point: a matplotlib ``fontsize=9`` is
``fontSize: 9`` here and ``width_in=3.6`` is 259.2 px.
"""

from __future__ import annotations

from vegafigs._checks import require_choice, require_positive

PX_PER_INCH = 72.0

#: Text and column widths of common ML venues, in inches, from their LaTeX style files.
#: ``column`` is ``None`` for single-column venues.
VENUES: dict[str, dict[str, float | None | str]] = {
    # neurips_2024.sty: \textwidth=5.5in (single column)
    "neurips": {"text": 5.5, "column": None, "source": "neurips_2024.sty \\textwidth=5.5in"},
    # iclr2025_conference.sty: \textwidth=5.5in (single column)
    "iclr": {"text": 5.5, "column": None, "source": "iclr2025_conference.sty \\textwidth=5.5in"},
    # icml2025.sty: \textwidth=6.75in, \columnsep=0.25in -> column 3.25in
    "icml": {"text": 6.75, "column": 3.25, "source": "icml2025.sty \\textwidth=6.75in"},
    # acl.sty: \textwidth=455.24pt (6.3in), \columnwidth=219.1pt (3.03in)
    "acl": {"text": 6.3, "column": 3.03, "source": "acl.sty \\textwidth=455.24pt"},
    # aaai25.sty: \textwidth=7.0in, \columnwidth=3.3in
    "aaai": {"text": 7.0, "column": 3.3, "source": "aaai25.sty \\textwidth=7.0in"},
}

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
