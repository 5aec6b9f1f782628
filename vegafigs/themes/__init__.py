"""Paper themes (Vega-Lite configs), fonts that always render, and figure sizes.

>>> import altair as alt, vegafigs
>>> alt.theme.enable("vegafigs-paper")  # doctest: +SKIP
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

import altair as alt

from vegafigs.themes.config import TAB10, THEMES, Config, latex, paper, sans
from vegafigs.themes.fonts import (
    COMPUTER_MODERN,
    COMPUTER_MODERN_BOLD,
    SANS,
    TIMES,
    check_spec_fonts,
    register_font_directory,
    text_width,
)
from vegafigs.themes.sizes import VENUES, Style, figure_size, inches, venue, venue_size

__all__ = [
    "COMPUTER_MODERN",
    "COMPUTER_MODERN_BOLD",
    "SANS",
    "TAB10",
    "THEMES",
    "TIMES",
    "VENUES",
    "Config",
    "Style",
    "applied",
    "check_spec_fonts",
    "figure_size",
    "get_theme",
    "inches",
    "latex",
    "merge",
    "paper",
    "register_font_directory",
    "resolve_theme",
    "sans",
    "text_width",
    "venue",
    "venue_size",
]


def get_theme(name: str) -> Config:
    """The config of theme ``name`` (a fresh dict at its default font sizes).

    Parameters
    ----------
    name : str
        The theme: ``"paper"``, ``"latex"`` or ``"sans"`` (the keys of
        :data:`~vegafigs.themes.THEMES`; without the ``"vegafigs-"`` prefix). Any
        other value is an :class:`~vegafigs.InputError`.

    Returns
    -------
    Config
        The Vega-Lite config dict of that theme, as :func:`~vegafigs.themes.paper`,
        :func:`~vegafigs.themes.latex` or :func:`~vegafigs.themes.sans` returns it.

    Examples
    --------
    >>> get_theme("latex")["view"]["stroke"]
    'black'
    """
    from vegafigs._checks import require_choice

    require_choice(name, sorted(THEMES), param="name")
    return THEMES[name]()


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> Config:
    """``base`` with ``over`` merged in, nested dicts key by key (neither is changed).

    Parameters
    ----------
    base : Mapping
        The config (or any nested dict) to start from.
    over : Mapping
        The settings that win: a nested mapping in ``over`` whose key holds a dict in
        ``base`` is merged into it recursively; any other value replaces ``base``'s
        value (a list is replaced whole, not extended).

    Returns
    -------
    Config
        A new dict; every value in it is a deep copy.

    Examples
    --------
    >>> merge({"axis": {"grid": True, "tickSize": 3}}, {"axis": {"tickSize": 5}})
    {'axis': {'grid': True, 'tickSize': 5}}
    """
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def active_name() -> str | None:
    """The vegafigs theme enabled with ``alt.theme.enable("vegafigs-NAME")``, or ``None``."""
    name = alt.theme.active
    short = name.removeprefix("vegafigs-")
    return short if name.startswith("vegafigs-") and short in THEMES else None


def resolve_theme(
    theme: str | Mapping[str, Any] | None,
    *,
    default: str,
    style: Style | None = None,
) -> Config:
    """The config a figure is drawn with.

    Parameters
    ----------
    theme : str or Mapping or None
        A name (``"paper"``, ``"latex"``, ``"sans"``, also with the ``"vegafigs-"``
        prefix), a config (``vf.latex(font_size=8)``; an Altair theme dict
        ``{"config": ...}`` is unwrapped; a copy is returned as it is) or ``None``:
        the vegafigs Altair theme enabled with ``alt.theme.enable("vegafigs-NAME")``,
        else the figure's ``default``. An unknown name is an
        :class:`~vegafigs.InputError`. See :term:`theme`.
    default : str
        The theme name used when ``theme`` is ``None`` and no vegafigs Altair theme is
        enabled (each figure function has its own, e.g. ``"latex"``).
    style : Style or None, optional
        A venue preset (:func:`~vegafigs.themes.venue`); its font sizes are given to
        a named theme's function. A config given as ``theme`` keeps its own sizes.
        Default ``None``: the theme's own font sizes. See :term:`style`.

    Returns
    -------
    Config
        A new Vega-Lite config dict.

    Examples
    --------
    >>> resolve_theme(None, default="latex")["font"] == latex()["font"]
    True
    >>> resolve_theme("paper", default="latex", style=venue("icml"))["axis"]["labelFontSize"]
    7.0
    """
    if isinstance(theme, Mapping):
        cfg = theme.get("config", theme) if isinstance(theme.get("config"), Mapping) else theme
        return copy.deepcopy(dict(cfg))
    from vegafigs._params import VOCABULARY

    # The glossary's own checks, as every figure applies them to its arguments.
    VOCABULARY["style"](style, "style")
    name = VOCABULARY["theme"](theme, "theme") or active_name() or default
    name = name.removeprefix("vegafigs-")
    sizes: dict[str, Any] = style.font_sizes() if style is not None else {}
    theme_fn: Any = THEMES[name]
    return cast(Config, theme_fn(**sizes))


def palette_of(cfg: Mapping[str, Any]) -> list[str]:
    """The theme's series colours (``range.category``), tab10 when it sets none."""
    cat = cfg.get("range", {}).get("category") if isinstance(cfg.get("range"), Mapping) else None
    return list(cat) if isinstance(cat, list) and cat else list(TAB10)


_APPLIED: list[Config] = []


def _figure_theme() -> Any:
    return {"config": copy.deepcopy(_APPLIED[-1]) if _APPLIED else {}}


alt.theme.register("vegafigs-figure", enable=False)(_figure_theme)


@contextmanager
def applied(cfg: Mapping[str, Any]) -> Iterator[None]:
    """Within the block, Altair merges ``cfg`` under every chart's spec it converts.

    This is how a :class:`~vegafigs.Figure` applies its theme: as Altair applies
    ``alt.theme``, so the chart's own ``configure_*`` settings win key by key.
    Blocks nest (the innermost ``cfg`` applies); on leaving the block the Altair
    theme enabled before it is active again.

    Parameters
    ----------
    cfg : Mapping
        The Vega-Lite config to apply (e.g. :func:`~vegafigs.themes.paper`'s result).

    Examples
    --------
    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
    >>> with applied({"background": "#eeeeee"}):
    ...     chart.to_dict()["config"]["background"]
    '#eeeeee'
    """
    _APPLIED.append(dict(cfg))
    try:
        with alt.theme.enable("vegafigs-figure"):
            yield
    finally:
        _APPLIED.pop()


def _register_with_altair() -> None:
    for name, fn in THEMES.items():

        def _theme(fn: Any = fn) -> Any:
            return {"config": fn()}

        alt.theme.register(f"vegafigs-{name}", enable=False)(_theme)


_register_with_altair()
