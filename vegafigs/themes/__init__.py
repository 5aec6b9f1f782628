"""Paper themes (Vega-Lite configs), fonts that always render, and figure sizes.

>>> import altair as alt, vegafigs
>>> alt.theme.enable("vegafigs-paper")  # doctest: +SKIP
"""

from __future__ import annotations

import altair as alt

from vegafigs.themes.config import THEMES, Config, latex, paper
from vegafigs.themes.fonts import (
    COMPUTER_MODERN,
    COMPUTER_MODERN_BOLD,
    SANS,
    TIMES,
    check_spec_fonts,
    register_font_directory,
    text_width,
)
from vegafigs.themes.sizes import VENUES, inches, venue_size

__all__ = [
    "COMPUTER_MODERN",
    "COMPUTER_MODERN_BOLD",
    "SANS",
    "THEMES",
    "TIMES",
    "VENUES",
    "Config",
    "check_spec_fonts",
    "get_theme",
    "inches",
    "latex",
    "paper",
    "register_font_directory",
    "text_width",
    "venue_size",
]


def get_theme(name: str) -> Config:
    """The config of theme ``name`` ("paper" or "latex")."""
    from vegafigs._checks import require_choice

    require_choice(name, sorted(THEMES), param="theme")
    return THEMES[name]()


def _register_with_altair() -> None:
    for name, fn in THEMES.items():

        def _theme(fn=fn) -> dict:
            return {"config": fn()}

        alt.theme.register(f"vegafigs-{name}", enable=False)(_theme)


_register_with_altair()
