"""Where a single-view figure's plot ends up once laid out (private).

Some parts depend on the plot's final size in px: titles wrapped to the plot's
sides, value labels lifted clear of a trend line. A figure is laid out by
vl-convert (its scenegraph) at its final size and the view's width and height
read back (:func:`plot_size`); :func:`settle` rebuilds it until they agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from vegafigs.figure import Figure
from vegafigs.figures._common import wrap_title


def plot_size(fig: Figure) -> tuple[float, float]:
    """The (width, height) in px of ``fig``'s plot (its single view) at the figure's size."""
    from vegafigs._layout import scene

    (root,) = scene(fig.to_dict(validate=False))["scenegraph"]["items"]
    return float(root.get("width", 0.0)), float(root.get("height", 0.0))


#: Keys of the texts :func:`settle` wraps, and how far past the plot side each may reach, px.
_REACH = {"x_title": ("width", 10.0), "y_title": ("height", 0.0), "title": ("width", 30.0)}


def wrap_texts(
    texts: Mapping[str, str], plot: tuple[float, float], cfg: Mapping[str, Any]
) -> dict[str, str | list[str]]:
    """``texts`` ("x_title", "y_title", "title") wrapped to the sides of a ``plot`` (w, h) px."""
    out: dict[str, str | list[str]] = {}
    for key, text in texts.items():
        side, reach = _REACH[key]
        group = cfg.get("title" if key == "title" else "axis", {})
        size = float(group.get("fontSize" if key == "title" else "titleFontSize", 12))
        width = max((plot[0] if side == "width" else plot[1]) + reach, 20.0)
        out[key] = wrap_title(text, width=width, font=cfg["font"], size=size)
    return out


def settle(
    build: Callable[[dict[str, Any], tuple[float, float] | None], Figure],
    texts: Mapping[str, str],
    *,
    cfg: Mapping[str, Any],
    size: tuple[float, float],
    needs_plot: bool = False,
    rounds: int = 4,
) -> tuple[Figure, tuple[float, float]]:
    """A figure whose titles are wrapped to its final plot, and that plot's (w, h) px.

    ``build(titles, plot)`` makes the figure with the wrapped ``texts`` (and, when
    ``needs_plot``, layers placed for the ``plot`` size measured last, ``None``
    at first). Titles start wrapped to an estimate of the plot; the figure is
    laid out and rebuilt until neither the titles nor the plot change.
    """
    plot: tuple[float, float] | None = None
    estimate = (size[0] * 72.0 - 70.0, size[1] * 72.0 - 50.0)
    titles = wrap_texts(texts, estimate, cfg)
    fig = build(titles, None)
    for _ in range(rounds):
        measured = plot_size(fig)
        rewrapped = wrap_texts(texts, measured, cfg)
        same_plot = (
            plot is not None and max(abs(a - b) for a, b in zip(measured, plot, strict=True)) < 0.5
        )
        if rewrapped == titles and (same_plot or not needs_plot):
            return fig, measured
        titles, plot = rewrapped, measured
        fig = build(titles, plot)
    return fig, plot_size(fig)


def fresh_name(name: str, taken: Iterable[Any]) -> str:
    """``name`` for a column the figure adds, with ``_`` in front until no user column has it.

    >>> fresh_name("count", ["value", "panel"]), fresh_name("count", ["count", "_count"])
    ('count', '__count')
    """
    used = set(taken)
    while name in used:
        name = f"_{name}"
    return name
