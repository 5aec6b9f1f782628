"""Category axis labels that never overlap and are never cut (private).

A category axis gives each label one band ``step`` px wide. :func:`layout_labels`
measures the labels in the real font (the bundled face of the theme's stack) and
picks, in this order, the first layout that fits: the labels as they are; wrapped
into 2-3 lines at ``-``, ``_``, ``/`` and spaces; rotated by -45° or -90°; the same at
a smaller font size, down to a floor; last (long labels without separators), broken
between characters into as many lines as fit. Vega's own ellipsis truncation
(``labelLimit``) and overlap removal (``labelOverlap``) are switched off: what the
layout chose is exactly what is drawn. :meth:`LabelLayout.axis` gives the Vega-Lite
axis properties; multi-line labels come from a ``labelExpr`` mapping each category
to its lines.

>>> lay = layout_labels(["Qwen-2.5-0.5B", "Qwen-2.5-14B"], step=36, font="STIXGeneral",
...                     size=9, max_height=60)
>>> lay.lines["Qwen-2.5-0.5B"], lay.angle
(['Qwen-', '2.5-0.5B'], 0.0)
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from vegafigs.errors import InputError
from vegafigs.themes import text_width

#: Line height of label text, in font sizes (Vega's ``labelLineHeight``).
LINE_HEIGHT = 1.15
#: Height a line of text needs, in font sizes (ascenders to descenders, with room).
TEXT_HEIGHT = 1.15
#: Smallest gap between neighbouring labels, in font sizes (at least 2 px).
GAP = 0.25
#: Gap between rotated neighbours (across their lines), in font sizes.
ACROSS = 0.15
#: Smallest label font size, px, and as a share of the theme's.
FLOOR, FLOOR_SHARE = 5.0, 0.55
#: Most lines a label is wrapped into at separators.
MAX_LINES = 3
#: Where a label may break: after ``-``, ``_``, ``/`` (kept on the line) and at spaces (dropped).
_PIECE = re.compile(r"[^\s\-_/]*[\-_/]+|[^\s\-_/]+")


@dataclass(frozen=True)
class LabelLayout:
    """How a category axis draws its labels: lines per label, angle and font size."""

    lines: dict[str, list[str]]
    angle: float = 0.0
    font_size: float = 10.0
    #: Height of the label block below the axis, px (as measured for the choice).
    height: float = 0.0

    @property
    def wrapped(self) -> bool:
        """Whether some label is drawn on more than one line."""
        return any(len(v) > 1 for v in self.lines.values())

    def axis(self, base_size: float | None = None) -> dict[str, Any]:
        """Vega-Lite axis properties drawing the labels this way (and the font size if smaller)."""
        out: dict[str, Any] = {
            "labelAngle": int(self.angle) if self.angle == int(self.angle) else self.angle,
            "labelLimit": 0,  # no ellipsis: the layout made every label fit
            "labelOverlap": False,  # never drop a category's label
        }
        if self.font_size != base_size:
            out["labelFontSize"] = self.font_size
        if self.angle:
            out.update(labelAlign="right", labelBaseline="middle")
        if self.wrapped:
            table = ", ".join(
                f"{json.dumps(k)}: {json.dumps(v)}" for k, v in self.lines.items() if len(v) > 1
            )
            out["labelExpr"] = f"{{{table}}}[datum.value] || datum.label"
            out["labelLineHeight"] = round(self.font_size * LINE_HEIGHT, 3)
        return out


def pieces(text: str) -> list[str]:
    """``text`` cut where a label may break (separators kept at the piece's end, spaces dropped).

    >>> pieces("Qwen-2.5-0.5B"), pieces("lr 1e-3/warm_up")
    (['Qwen-', '2.5-', '0.5B'], ['lr', '1e-', '3/', 'warm_', 'up'])
    """
    return _PIECE.findall(text)


def _spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each of the :func:`pieces` of ``text``."""
    return [m.span() for m in _PIECE.finditer(text)]


def split_lines(text: str, n: int, *, font: str, size: float) -> list[str] | None:
    """``text`` in ``n`` lines broken at separators, the widest line as narrow as can be.

    ``None`` when it has fewer than ``n`` pieces.
    """
    parts = _spans(text)
    if len(parts) < n:
        return None
    best: tuple[float, list[str]] | None = None
    cuts: Iterator[tuple[int, ...]] = itertools.combinations(range(1, len(parts)), n - 1)
    for i, cut in enumerate(cuts):
        if i > 2000:  # very many pieces: the best so far is good enough
            break
        bounds = (0, *cut, len(parts))
        lines = [text[parts[a][0] : parts[b - 1][1]] for a, b in itertools.pairwise(bounds)]
        widest = max(text_width(ln, font=font, size=size) for ln in lines)
        if best is None or widest < best[0]:
            best = (widest, lines)
    return None if best is None else best[1]


def break_chars(text: str, width: float, *, font: str, size: float) -> list[str]:
    """``text`` broken between characters into lines at most ``width`` px wide."""
    lines, current = [], ""
    for char in text:
        if current and text_width(current + char, font=font, size=size) > width:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current] if current else lines


def _widest(lines: dict[str, list[str]], font: str, size: float) -> float:
    return max(text_width(ln, font=font, size=size) for v in lines.values() for ln in v)


def _flat(labels: Sequence[str], step: float, font: str, size: float, cap: float) -> Any:
    """Labels on one or more lines, horizontal, if each fits its band (else ``None``)."""
    gap = max(2.0, GAP * size)
    plain = {t: [t] for t in labels}
    if _widest(plain, font, size) + gap <= step:
        return LabelLayout(plain, 0.0, size, size * TEXT_HEIGHT)
    for n in range(2, MAX_LINES + 1):
        split = {t: split_lines(t, n, font=font, size=size) or [t] for t in labels}
        # a label with fewer pieces keeps its best shorter split
        lines = {t: _fewest(t, split[t], step - gap, font, size) for t in labels}
        rows = max(len(v) for v in lines.values())
        height = size * (TEXT_HEIGHT + LINE_HEIGHT * (rows - 1))
        if _widest(lines, font, size) + gap <= step and height <= cap:
            return LabelLayout(lines, 0.0, size, height)
    return None


def _fewest(text: str, fallback: list[str], room: float, font: str, size: float) -> list[str]:
    """The split of ``text`` into the fewest lines (at most ``MAX_LINES``) fitting ``room`` px."""
    for n in range(1, MAX_LINES + 1):
        lines = [text] if n == 1 else split_lines(text, n, font=font, size=size)
        if lines and max(text_width(ln, font=font, size=size) for ln in lines) <= room:
            return lines
    return fallback


def _rotated(labels: Sequence[str], step: float, font: str, size: float, cap: float) -> Any:
    """Labels on one line rotated -45° or -90°, if neighbours stay apart (else ``None``)."""
    plain = {t: [t] for t in labels}
    widest = _widest(plain, font, size)
    need = size * (1.0 + ACROSS)  # across the text, between neighbours
    for angle in (-45.0, -90.0):
        rad = math.radians(-angle)
        height = widest * math.sin(rad) + size * TEXT_HEIGHT * math.cos(rad)
        if step * math.sin(rad) >= need and height <= cap:
            return LabelLayout(plain, angle, size, height)
    return None


def _broken(labels: Sequence[str], step: float, font: str, size: float, cap: float) -> Any:
    """Labels broken between characters into lines, if they fit ``cap`` px high (else ``None``)."""
    room = step - max(2.0, GAP * size)
    if room < size:
        return None
    lines = {t: break_chars(t, room, font=font, size=size) for t in labels}
    rows = max(len(v) for v in lines.values())
    height = size * (TEXT_HEIGHT + LINE_HEIGHT * (rows - 1))
    if height > cap:
        return None
    return LabelLayout(lines, 0.0, size, height)


def _sizes(size: float) -> list[float]:
    floor = max(FLOOR, FLOOR_SHARE * size)
    out, s = [size], size
    while s - 0.5 >= floor - 1e-9:
        s = round(s - 0.5, 3)
        out.append(s)
    return out


def layout_labels(
    labels: Sequence[str],
    *,
    step: float,
    font: str,
    size: float,
    max_height: float,
    what: str = "width_in",
) -> LabelLayout:
    """The first layout of ``labels`` that fits bands ``step`` px wide (see the module).

    ``size`` is the theme's label font size, px; ``max_height`` the most px the
    label block may take below the axis. Labels that fit no layout, even broken
    between characters at the smallest font, are an :class:`InputError` naming
    ``what`` (the parameter that makes room).
    """
    labels = list(dict.fromkeys(labels))
    for attempts in ((_flat, _rotated), (_broken,)):  # break between characters last
        for s in _sizes(size):
            for attempt in attempts:
                found = attempt(labels, step, font, s, max_height)
                if found is not None:
                    return found
    floor = _sizes(size)[-1]
    raise InputError(
        f"{what}: too narrow for {len(labels)} category labels: each has {step:.1f} px, and "
        f"even at {floor:g} px rotated or wrapped they would overlap (they need at least "
        f"{floor * (1 + ACROSS):.1f} px each) or take more than {max_height:.0f} px below the "
        "plot; make the figure wider or the labels shorter"
    )
