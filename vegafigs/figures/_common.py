"""Helpers shared by the figure functions (private)."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from vegafigs._checks import clean_numeric  # noqa: F401  (re-exported for the figures)
from vegafigs.errors import InputError
from vegafigs.themes import text_width


def ordered_levels(values: pd.Series, order: Sequence[Any] | None, *, param: str) -> list[Any]:
    """Levels of ``values`` in ``order`` (checked) or in order of first appearance."""
    present = list(dict.fromkeys(values.tolist()))
    if order is None:
        return present
    unknown = [o for o in order if o not in present]
    if unknown:
        raise InputError(f"{param}: {unknown} not found; the data has {present}")
    return list(order)


def level_palette(
    levels: Sequence[Any],
    palette: Mapping[Any, str] | None,
    defaults: Sequence[str],
    *,
    what: str = "series",
    extra: Mapping[Any, str] | None = None,
) -> dict[Any, str]:
    """``{level: colour}``: ``palette``'s colours, ``defaults`` for the levels it leaves out.

    Level ``i`` left out takes ``defaults[i]`` (cycled), so colouring one level
    does not shift the others. ``extra`` (e.g. reference labels, with their
    colours) are added after the levels unless ``palette`` colours them too. A
    key of ``palette`` that is neither a level nor an extra is an
    :class:`InputError` naming ``what`` the levels are.

    >>> level_palette(["a", "b"], {"b": "red"}, ["#111", "#222"])
    {'a': '#111', 'b': 'red'}
    """
    given = dict(palette or {})
    known = [*levels, *(extra or {})]
    unknown = [k for k in given if k not in known]
    if unknown:
        raise InputError(f"palette: {unknown} are not {what}; the {what} are {list(levels)}")
    out = {lv: given.get(lv, defaults[i % len(defaults)]) for i, lv in enumerate(levels)}
    out.update({k: given.get(k, c) for k, c in (extra or {}).items()})
    return out


def letter(i: int) -> str:
    """Panel letter ``a``, ``b``, ... ``z``, ``aa`` ..."""
    letters = string.ascii_lowercase
    return letters[i] if i < 26 else letter(i // 26 - 1) + letters[i % 26]


def wrap_title(
    text: str | Sequence[str], *, width: float, font: str, size: float
) -> str | list[str]:
    """``text`` as is if it fits in ``width`` px, else its lines (split at spaces) that fit.

    A list of lines (the glossary's "string or list of lines") keeps its lines, each
    wrapped alike.

    A title wider than a fixed-size ("fit") figure would otherwise squeeze the plot to
    nothing; a word wider than ``width`` on its own is broken between characters.
    A line break (``\\n``, ``\\r\\n``, U+2028, U+2029) always starts a new line.
    Measured with the bundled ``font`` (deterministic).

    >>> wrap_title("Accuracy", width=200, font="STIXGeneral", size=10)
    'Accuracy'
    >>> wrap_title("Accuracy\\n(%)", width=200, font="STIXGeneral", size=10)
    ['Accuracy', '(%)']
    >>> wrap_title(["Accuracy", "(%)"], width=200, font="STIXGeneral", size=10)
    ['Accuracy', '(%)']
    """
    from vegafigs.themes.text import LINE_BREAK

    if not isinstance(text, str) or LINE_BREAK.search(text):
        parts = LINE_BREAK.split(text) if isinstance(text, str) else list(text)
        lines: list[str] = []
        for part in parts:
            wrapped = _wrap_line(part, width=width, font=font, size=size)
            lines.extend([wrapped] if isinstance(wrapped, str) else wrapped)
        return lines
    return _wrap_line(text, width=width, font=font, size=size)


def _wrap_line(text: str, *, width: float, font: str, size: float) -> str | list[str]:
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
