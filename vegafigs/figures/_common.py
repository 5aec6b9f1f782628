"""Helpers shared by the figure functions (private)."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import altair as alt
import pandas as pd

from vegafigs._checks import clean_numeric  # noqa: F401  (re-exported for the figures)
from vegafigs.errors import InputError
from vegafigs.themes import get_theme, text_width

C = TypeVar("C", bound=alt.TopLevelMixin)


def themed(chart: C, theme: str, **overrides: Any) -> C:
    """Attach theme ``theme``'s config (with nested ``overrides`` merged) to ``chart``."""
    cfg = get_theme(theme)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key] = {**cfg[key], **value}
        else:
            cfg[key] = value
    return chart.properties(config=cfg)


def ordered_levels(values: pd.Series, order: Sequence[Any] | None, *, param: str) -> list[Any]:
    """Levels of ``values`` in ``order`` (checked) or in order of first appearance."""
    present = list(dict.fromkeys(values.tolist()))
    if order is None:
        return present
    unknown = [o for o in order if o not in present]
    if unknown:
        raise InputError(f"{param}: {unknown} not found; the data has {present}")
    return list(order)


def per_level(
    spec: Mapping[Any, Any] | Sequence[Any] | None,
    levels: Sequence[Any],
    default: Sequence[Any],
    *,
    param: str,
) -> list[Any]:
    """One value per level from a mapping, a sequence or the defaults (cycled)."""
    if spec is None:
        return [default[i % len(default)] for i in range(len(levels))]
    if isinstance(spec, Mapping):
        missing = [lv for lv in levels if lv not in spec]
        if missing:
            raise InputError(f"{param}: no entry for {missing}; expected keys {list(levels)}")
        return [spec[lv] for lv in levels]
    if isinstance(spec, str) or len(spec) != len(levels):
        raise InputError(f"{param}: expected {len(levels)} values (one per panel), got {spec!r}")
    return list(spec)


def letter(i: int) -> str:
    """Panel letter ``a``, ``b``, ... ``z``, ``aa`` ..."""
    letters = string.ascii_lowercase
    return letters[i] if i < 26 else letter(i // 26 - 1) + letters[i % 26]


def wrap_title(text: str, *, width: float, font: str, size: float) -> str | list[str]:
    """``text`` as is if it fits in ``width`` px, else its lines (split at spaces) that fit.

    A title wider than a fixed-size ("fit") figure would otherwise squeeze the plot to
    nothing; a word wider than ``width`` on its own is broken between characters.
    Measured with the bundled ``font`` (deterministic).

    >>> wrap_title("Accuracy", width=200, font="STIXGeneral", size=10)
    'Accuracy'
    """

    def fits(line: str) -> bool:
        return text_width(line, font=font, size=size) <= width

    if fits(text):
        return text
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        trial = f"{current} {word}" if current else word
        if fits(trial):
            current = trial
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:  # a word too wide for a line of its own
            if current and not fits(current + char):
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines
