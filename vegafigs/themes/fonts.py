"""Fonts that always render.

vl-convert draws nothing, and says nothing, for text whose font family it cannot
find. vegafigs therefore

* registers the serif/sans TTFs shipped inside matplotlib's wheel (STIX, DejaVu) and
  "vegafigs CM" (Computer Modern with a Unicode map, built from matplotlib's TeX fonts:
  :mod:`vegafigs.themes.cmfont`) with vl-convert when vegafigs is imported
  (:func:`ensure_registered`), so Altair's own ``chart.save`` draws the same text;
* writes every font as a CSS stack that ends in one of those bundled families
  (:data:`TIMES`, :data:`COMPUTER_MODERN`, ...), so a real Times New Roman or CMU Serif
  is used when installed and the bundled look-alike otherwise;
* checks every font family used anywhere in a spec before rendering an image
  (:func:`check_spec_fonts`) and raises :class:`~vegafigs.errors.FontError` naming the
  family that would silently vanish.

Text widths (:func:`text_width`) are measured with the stack's bundled family, so a
spec is the same on every machine whatever fonts it has installed.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vegafigs.errors import FontError

#: Times-like serif (seeds 000/001), a real Times when installed, else STIX.
TIMES = "Times New Roman, Times, STIXGeneral, serif"
#: Computer-Modern-like serif (seed 002, LaTeX look), CMU Serif / Latin Modern, else
#: "vegafigs CM", built from matplotlib's TeX fonts with a Unicode character map
#: (:mod:`vegafigs.themes.cmfont`; regular, bold and italic faces of one family).
COMPUTER_MODERN = "CMU Serif, Latin Modern Roman, vegafigs CM, serif"
#: Bold Computer Modern, the same stack (with ``fontWeight: bold``, the bold face).
COMPUTER_MODERN_BOLD = COMPUTER_MODERN
#: Sans serif, Helvetica or Arial when installed, else the bundled DejaVu Sans (every
#: stack ends with a generic family, so a browser without the named faces keeps the
#: right kind of face).
SANS = "Helvetica, Arial, DejaVu Sans, sans-serif"

#: Regular stack -> stack to use for bold text (CM bold is its own family, weight alone fails).
BOLD_STACKS = {COMPUTER_MODERN: COMPUTER_MODERN_BOLD}


def bold_stack(font: str) -> str:
    """The stack to set bold text in, for text otherwise set in ``font``."""
    return BOLD_STACKS.get(font, font)


GENERIC_FAMILIES = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
)
#: Vega's default font when a spec sets none.
VEGA_DEFAULT_FONT = "sans-serif"
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


@dataclass(frozen=True)
class FontFace:
    """One face of a family: where it is and what it looks like."""

    family: str
    path: str
    index: int
    weight: int
    italic: bool


def bundled_font_dir() -> Path:
    """The directory of TTFs inside matplotlib's wheel (STIX, Computer Modern, DejaVu)."""
    # Found without importing matplotlib (slow, and older releases warn on import
    # with a newer pyparsing); only its data files are used.
    spec = importlib.util.find_spec("matplotlib")
    locations = list(spec.submodule_search_locations or []) if spec else []
    path = Path(locations[0] if locations else ".") / "mpl-data" / "fonts" / "ttf"
    if not path.is_dir():  # pragma: no cover - a broken matplotlib install
        raise FontError(
            f"matplotlib's bundled fonts are missing ({path}); reinstall with "
            "`pip install --force-reinstall matplotlib`"
        )
    return path


_registered_dirs: list[Path] = []
_bundled: list[bool] = []


def ensure_registered() -> None:
    """Register the bundled fonts and "vegafigs CM" with vl-convert (idempotent, cheap)."""
    if not _bundled:
        from vegafigs.themes import cmfont

        register_font_directory(bundled_font_dir())
        register_font_directory(cmfont.font_directory())
        _bundled.append(True)


def register_font_directory(path: str | os.PathLike[str]) -> None:
    """Make the fonts in ``path`` available to rendering and to the font check.

    The folder (and its subfolders) is registered with vl-convert for the rest of the
    process, so every later PNG / SVG / PDF can use its fonts; :func:`check_spec_fonts`
    and :func:`text_width` see them too (their caches are cleared). A folder already
    registered is a no-op.

    Parameters
    ----------
    path : str or os.PathLike
        A folder of ``.ttf`` / ``.otf`` / ``.ttc`` / ``.otc`` files (``~`` is
        expanded). Anything but an existing folder is a
        :class:`~vegafigs.FontError`.

    Examples
    --------
    >>> import vegafigs
    >>> from vegafigs.themes.fonts import bundled_font_dir
    >>> vegafigs.register_font_directory(bundled_font_dir())  # a folder again: no-op
    """
    import vl_convert as vlc

    p = Path(path).expanduser().resolve()
    if not p.is_dir():
        raise FontError(f"register_font_directory: {str(p)!r} is not a directory")
    if p in _registered_dirs:
        return
    vlc.register_font_directory(str(p))
    _registered_dirs.append(p)
    _registered_faces.cache_clear()
    _faces_by_family.cache_clear()
    from vegafigs.themes import text

    text.clear_caches()


def _system_font_dirs() -> list[Path]:
    home = Path.home()
    if sys.platform == "darwin":
        dirs = ["/System/Library/Fonts", "/Library/Fonts", home / "Library" / "Fonts"]
    elif sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR", r"C:\Windows")
        local = os.environ.get("LOCALAPPDATA", "")
        dirs = [Path(windir) / "Fonts", Path(local) / "Microsoft" / "Windows" / "Fonts"]
    else:
        data_dirs = os.environ.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share").split(":")
        dirs = [Path(d) / "fonts" for d in data_dirs if d]
        dirs += [home / ".local" / "share" / "fonts", home / ".fonts"]
    return [Path(d) for d in dirs]


def _faces_in(directory: Path) -> Iterator[FontFace]:
    from fontTools.ttLib import TTCollection, TTFont

    if not directory.is_dir():
        return
    for root, _dirs, files in os.walk(directory):
        for name in sorted(files):
            if not name.lower().endswith(_FONT_SUFFIXES):
                continue
            path = os.path.join(root, name)
            try:
                if name.lower().endswith((".ttc", ".otc")):
                    fonts = list(TTCollection(path, lazy=True).fonts)
                else:
                    fonts = [TTFont(path, lazy=True)]
            except Exception:  # unreadable font files are skipped, like fontdb does
                continue
            faces: list[FontFace] = []
            for index, font in enumerate(fonts):
                try:
                    names = {rec.toUnicode() for rec in font["name"].names if rec.nameID in (1, 16)}
                    os2 = font.get("OS/2", None)
                    weight = int(os2.usWeightClass) if os2 is not None else 400
                    italic = bool(os2.fsSelection & 1) if os2 is not None else False
                except Exception:
                    continue
                finally:
                    font.close()  # lazy fonts keep their file open until closed
                faces.extend(FontFace(family, path, index, weight, italic) for family in names)
            yield from faces


@functools.lru_cache(maxsize=1)
def _system_faces() -> tuple[FontFace, ...]:
    faces: list[FontFace] = []
    for d in _system_font_dirs():
        faces.extend(_faces_in(d))
    return tuple(faces)


@functools.lru_cache(maxsize=1)
def _registered_faces() -> tuple[FontFace, ...]:
    ensure_registered()
    faces: list[FontFace] = []
    for d in dict.fromkeys([bundled_font_dir(), *_registered_dirs]):
        faces.extend(_faces_in(d))
    return tuple(faces)


@functools.lru_cache(maxsize=1)
def _faces_by_family() -> dict[str, list[FontFace]]:
    table: dict[str, list[FontFace]] = {}
    for face in (*_registered_faces(), *_system_faces()):
        table.setdefault(face.family.casefold(), []).append(face)
    return table


def parse_stack(font: str) -> list[str]:
    """Split a CSS font-family stack into family names (quotes removed).

    >>> parse_stack("'Times New Roman', STIXGeneral")
    ['Times New Roman', 'STIXGeneral']
    """
    parts = [p.strip().strip("'\"").strip() for p in font.split(",")]
    return [p for p in parts if p]


def resolve_family(font: str) -> str | None:
    """The family vl-convert will use for the stack ``font``, or ``None`` if none exists."""
    table = _faces_by_family()
    for family in parse_stack(font):
        key = family.casefold()
        if key in table:
            return table[key][0].family
        if key in GENERIC_FAMILIES and _system_faces():
            return family
    return None


#: Spec keys that hold data, never font settings.
_DATA_KEYS = ("datasets", "data", "values")


def _iter_font_values(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(where, font stack)`` for every font setting in a Vega-Lite spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (key == "font" or key.endswith("Font")):
                yield from _font_strings(value, here)
            elif key not in _DATA_KEYS:
                yield from _iter_font_values(value, here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _iter_font_values(item, f"{path}[{i}]")


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")


def _font_strings(value: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key in ("expr", "signal"):
            if isinstance(value.get(key), str):
                yield from ((where, lit) for lit in _result_literals(value[key]))
        if "value" in value:
            yield from _font_strings(value["value"], f"{where}.value")
        if "condition" in value:
            conds = value["condition"]
            for c in conds if isinstance(conds, list) else [conds]:
                yield from _font_strings(c, f"{where}.condition")


def _result_literals(expr: str) -> Iterator[str]:
    """String literals an expression can evaluate to (compared literals are skipped).

    >>> list(_result_literals("datum.value === 'SDPO' ? 'cmb10' : 'cmr10'"))
    ['cmb10', 'cmr10']
    """
    for m in _QUOTED.finditer(expr):
        before = expr[: m.start()].rstrip()
        after = expr[m.end() :].lstrip()
        if before.endswith(("==", "!=")) or after.startswith(("==", "!=")):
            continue
        yield m.group(1) if m.group(1) is not None else m.group(2)


def map_font_stacks(spec: Mapping[str, Any], fn: Callable[[str, str], str]) -> dict[str, Any]:
    """A copy of ``spec`` with every font stack replaced by ``fn(stack, where)``.

    The same settings :func:`fonts_in_spec` reads: ``font`` / ``*Font`` keys, their
    ``value`` / ``condition`` parts and the string literals an ``expr`` / ``signal``
    can evaluate to; the data (``data``, ``datasets``, ``values``) is left alone.

    Parameters
    ----------
    spec : Mapping
        A Vega-Lite spec (dict); it is not changed.
    fn : callable
        ``fn(stack, where)``: the new stack for ``stack``, set at ``where`` (a dotted
        path such as ``"config.font"``).

    Returns
    -------
    dict
        The new spec.

    Examples
    --------
    >>> map_font_stacks({"config": {"font": "Arial, DejaVu Sans"}}, lambda s, w: w)
    {'config': {'font': 'config.font'}}
    """

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, Mapping):
            out: dict[str, Any] = {}
            for key, value in node.items():
                here = f"{path}.{key}" if path else str(key)
                if key in _DATA_KEYS:
                    out[key] = value
                elif isinstance(key, str) and (key == "font" or key.endswith("Font")):
                    out[key] = _map_font_setting(value, fn, here)
                else:
                    out[key] = walk(value, here)
            return out
        if isinstance(node, list):
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(node)]
        return node

    result: dict[str, Any] = walk(spec, "")
    return result


def _map_font_setting(value: Any, fn: Callable[[str, str], str], where: str) -> Any:
    if isinstance(value, str):
        return fn(value, where)
    if not isinstance(value, Mapping):
        return value
    out = dict(value)
    for key in ("expr", "signal"):
        if isinstance(out.get(key), str):
            out[key] = _map_literals(out[key], fn, where)
    if "value" in out:
        out["value"] = _map_font_setting(out["value"], fn, f"{where}.value")
    conds = out.get("condition")
    if isinstance(conds, list):
        out["condition"] = [_map_font_setting(c, fn, f"{where}.condition") for c in conds]
    elif "condition" in out:
        out["condition"] = _map_font_setting(conds, fn, f"{where}.condition")
    return out


def _map_literals(expr: str, fn: Callable[[str, str], str], where: str) -> str:
    """``expr`` with each literal it can evaluate to (:func:`_result_literals`) mapped."""
    results = set(_result_literals(expr))

    def swap(m: re.Match[str]) -> str:
        literal = m.group(1) if m.group(1) is not None else m.group(2)
        if literal not in results:
            return m.group(0)
        new = fn(literal, where)
        if new == literal:
            return m.group(0)
        quote = m.group(0)[0]
        return quote + new.replace(quote, "\\" + quote) + quote

    return _QUOTED.sub(swap, expr)


def fonts_in_spec(spec: dict) -> list[tuple[str, str]]:
    """Every ``(where, font stack)`` a spec uses, including Vega's default when unset."""
    found = list(_iter_font_values(spec))
    config = spec.get("config", {}) if isinstance(spec, dict) else {}
    if not isinstance(config, dict) or "font" not in config:
        found.append(("config.font (Vega default)", VEGA_DEFAULT_FONT))
    return found


def check_spec_fonts(spec: dict) -> None:
    """Raise a ``FontError`` if any text in ``spec`` would be drawn in a missing font.

    vl-convert draws nothing, and says nothing, for text whose font family it cannot
    find; this check runs before every image vegafigs renders. Every font setting is
    read: ``font`` and ``*Font`` keys anywhere in the spec (config, marks, axes,
    legends, titles), their ``value`` / ``condition`` parts, and the string literals an
    ``expr`` / ``signal`` can evaluate to; a spec without ``config.font`` is checked
    for Vega's default (``sans-serif``). A stack is fine when one of its families is
    bundled, registered (:func:`register_font_directory`) or installed on the
    machine. The :class:`~vegafigs.FontError` names each missing stack and up to
    three places it is used.

    Parameters
    ----------
    spec : dict
        A Vega-Lite spec (as :func:`vegafigs.to_spec` returns it); not changed.

    Examples
    --------
    >>> check_spec_fonts({"mark": "text", "config": {"font": "DejaVu Sans"}})
    >>> check_spec_fonts({"mark": "text", "config": {"font": "No Such Font"}})
    Traceback (most recent call last):
    vegafigs.errors.FontError: text would not render: no installed or registered font for ...
    """
    ensure_registered()
    bad: dict[str, list[str]] = {}
    for where, font in fonts_in_spec(spec):
        if resolve_family(font) is None:
            bad.setdefault(font, []).append(where)
    if bad:
        details = "; ".join(f"{font!r} (used at {', '.join(w[:3])})" for font, w in bad.items())
        raise FontError(
            "text would not render: no installed or registered font for "
            f"{details}. End the stack with a bundled family such as 'STIXGeneral', "
            "'vegafigs CM' or 'DejaVu Sans', or call vegafigs.register_font_directory(path)."
        )


def _bundled_face(font: str, bold: bool) -> FontFace:
    """The bundled face a stack falls back to (deterministic metrics on every machine)."""
    by_family: dict[str, list[FontFace]] = {}
    for face in _registered_faces():
        by_family.setdefault(face.family.casefold(), []).append(face)
    for family in reversed(parse_stack(font)):
        faces = by_family.get(family.casefold())
        if faces:
            target = 700 if bold else 400
            upright = [f for f in faces if not f.italic] or faces
            return min(upright, key=lambda f: (abs(f.weight - target), f.path))
    raise FontError(f"font stack {font!r} does not end in a bundled or registered family")


@functools.lru_cache(maxsize=64)
def _advances(path: str, index: int) -> tuple[dict[int, int], int, int]:
    import logging

    from fontTools.ttLib import TTFont

    # matplotlib's cmr10 has zero 'created'/'modified' dates in its head table;
    # fontTools warns about them on every read. They do not matter here.
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
    font = TTFont(path, fontNumber=index, lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    widths = {cp: hmtx[glyph][0] for cp, glyph in cmap.items() if glyph in hmtx}
    default = hmtx[".notdef"][0] if ".notdef" in hmtx else font["head"].unitsPerEm // 2
    units = font["head"].unitsPerEm
    font.close()
    return widths, default, units


def text_width(text: str, *, font: str, size: float, bold: bool = False) -> float:
    """Width in px of one line of ``text`` set in ``font`` at ``size`` px.

    Measured from the glyph advance widths (no kerning) of the stack's last bundled
    or registered family, so the result is the same on every machine whatever fonts
    it has installed. A character the face lacks counts as its ``.notdef`` glyph.

    Parameters
    ----------
    text : str
        One line of text (a line break is not a new line here).
    font : str
        A CSS font-family stack, e.g. :data:`~vegafigs.themes.TIMES`; it must hold a
        bundled or registered family, else a :class:`~vegafigs.FontError`.
    size : float
        Font size in px (= pt).
    bold : bool, optional
        Measure the bold face (default ``False``: the regular one).

    Returns
    -------
    float
        The width in px.

    Examples
    --------
    >>> round(text_width("Mean:", font=TIMES, size=10), 1)
    25.6
    """
    face = _bundled_face(font, bold)
    widths, default, upem = _advances(face.path, face.index)
    units = sum(widths.get(ord(ch), default) for ch in text)
    return units * size / upem
