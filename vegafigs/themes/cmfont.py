"""A correctly mapped Computer Modern: "vegafigs CM", built from matplotlib's TeX fonts.

matplotlib ships Computer Modern as the TeX fonts ``cmr10``, ``cmb10``, ``cmti10``,
``cmmi10``, ``cmsy10`` and ``cmtt10``, whose character maps are TeX's (OT1), not
Unicode: set in ``cmr10``, ``_ < > \\ { | } "`` come out as ``˙ ¡ ¿ “ — – ˝ ”``, and
there is no minus sign (U+2212). This module builds, with fontTools, one family
``vegafigs CM`` of three faces whose cmap is Unicode:

* **Regular** (400) from ``cmr10``, **Bold** (700) from ``cmb10``, **Italic** (400,
  italic) from ``cmti10``: letters, digits and the punctuation TeX draws as itself;
* ``< >`` from ``cmmi10``; ``\\ { | }``, the minus sign and ``± × ÷ · ≤ ≥ ≈ ∞ • † ‡ §
  ¶ ∼`` (``~`` is drawn as ``∼``, a tilde at mid height) from ``cmsy10``; ``" _`` from
  ``cmtt10`` (TeX's own choice for verbatim quotes and underscores) — in all three
  faces, so bold and italic text uses the regular weight of these symbols;
* Greek: capitals from the face's own font (or the Latin letters they share),
  small letters and ``µ`` from ``cmmi10`` (math italic, as LaTeX sets ``$\\alpha$``);
* Latin-1 and Latin Extended-A letters with accents as composite glyphs (the
  face's letter + its accent, centred, raised over capitals, as TeX's ``\\accent``),
  plus ``ß æ œ ø Æ Œ Ø ¡ ¿ – — ‘ ’ “ ”``.

``'`` and `````` keep TeX's shapes (a right quote and the grave accent). The
faces are written once to a per-user cache folder named after a hash of the
source files and :data:`BUILD_VERSION` (same bytes every time; nothing is
downloaded) and registered like any font folder (:func:`font_directory`).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

#: The family name of the built faces (the last family of ``COMPUTER_MODERN``).
FAMILY = "vegafigs CM"
#: Bump when the build changes (the cache folder is keyed by it).
BUILD_VERSION = "1"
#: (style name, base TeX font, weight, italic) of each face built.
FACES = (
    ("Regular", "cmr10", 400, False),
    ("Bold", "cmb10", 700, False),
    ("Italic", "cmti10", 400, True),
)
_DONORS = ("cmr10", "cmb10", "cmti10", "cmmi10", "cmsy10", "cmtt10")

#: Code point -> (donor, glyph name); donor "base" is the face's own TeX font.
_SYMBOLS: dict[int, tuple[str, str]] = {
    ord("<"): ("cmmi10", "less"),
    ord(">"): ("cmmi10", "greater"),
    ord("\\"): ("cmsy10", "backslash"),
    ord("{"): ("cmsy10", "braceleft"),
    ord("|"): ("cmsy10", "bar"),
    ord("}"): ("cmsy10", "braceright"),
    ord('"'): ("cmtt10", "quotedbl"),
    ord("_"): ("cmtt10", "underscore"),
    ord("~"): ("cmsy10", "similar"),
    ord("^"): ("base", "circumflex"),
    ord("`"): ("base", "grave"),
    0x2212: ("cmsy10", "minus"),
    0x00B1: ("cmsy10", "plusminus"),
    0x00D7: ("cmsy10", "multiply"),
    0x00F7: ("cmsy10", "divide"),
    0x00B7: ("cmsy10", "periodcentered"),
    0x2264: ("cmsy10", "lessequal"),
    0x2265: ("cmsy10", "greaterequal"),
    0x2248: ("cmsy10", "approxequal"),
    0x221E: ("cmsy10", "infinity"),
    0x223C: ("cmsy10", "similar"),
    0x2022: ("cmsy10", "bullet"),
    0x2020: ("cmsy10", "dagger"),
    0x2021: ("cmsy10", "daggerdbl"),
    0x00A7: ("cmsy10", "section"),
    0x00B6: ("cmsy10", "paragraph"),
    0x2032: ("cmsy10", "prime"),
    0x2190: ("cmsy10", "arrowleft"),
    0x2192: ("cmsy10", "arrowright"),
    0x2191: ("cmsy10", "arrowup"),
    0x2193: ("cmsy10", "arrowdown"),
    0x00A0: ("base", "space"),
    0x00A1: ("base", "exclamdown"),
    0x00BF: ("base", "questiondown"),
    0x00DF: ("base", "germandbls"),
    0x00E6: ("base", "ae"),
    0x00C6: ("base", "AE"),
    0x0153: ("base", "oe"),
    0x0152: ("base", "OE"),
    0x00F8: ("base", "oslash"),
    0x00D8: ("base", "Oslash"),
    0x0131: ("base", "dotlessi"),
    0x0237: ("base", "dotlessj"),
    # BaKoMa's names of the two dashes are swapped: "emdash" is the half-em wide one.
    0x2013: ("base", "emdash"),
    0x2014: ("base", "endash"),
    0x2018: ("base", "quoteleft"),
    0x2019: ("base", "quoteright"),
    0x201C: ("base", "quotedblleft"),
    0x201D: ("base", "quotedblright"),
    0x00B5: ("cmmi10", "mu"),
}

_GREEK_CAPS = {
    0x0393: "Gamma", 0x0394: "Delta", 0x0398: "Theta", 0x039B: "Lambda", 0x039E: "Xi",
    0x03A0: "Pi", 0x03A3: "Sigma", 0x03A5: "Upsilon", 0x03A6: "Phi", 0x03A8: "Psi",
    0x03A9: "Omega",
    # capitals drawn like Latin letters
    0x0391: "A", 0x0392: "B", 0x0395: "E", 0x0396: "Z", 0x0397: "H", 0x0399: "I",
    0x039A: "K", 0x039C: "M", 0x039D: "N", 0x039F: "O", 0x03A1: "P", 0x03A4: "T",
    0x03A7: "X",
}  # fmt: skip
_GREEK_SMALL = {
    0x03B1: "alpha", 0x03B2: "beta", 0x03B3: "gamma", 0x03B4: "delta", 0x03B5: "epsilon",
    0x03B6: "zeta", 0x03B7: "eta", 0x03B8: "theta", 0x03B9: "iota", 0x03BA: "kappa",
    0x03BB: "lambda", 0x03BC: "mu", 0x03BD: "nu", 0x03BE: "xi", 0x03BF: "o", 0x03C0: "pi",
    0x03C1: "rho", 0x03C3: "sigma", 0x03C4: "tau", 0x03C5: "upsilon", 0x03C6: "phi1",
    0x03C7: "chi", 0x03C8: "psi", 0x03C9: "omega", 0x03C2: "sigma1", 0x03D5: "phi",
    0x03D1: "theta1", 0x03F5: "epsilon1", 0x03D6: "pi1", 0x03F1: "rho1",
}  # fmt: skip
#: Combining mark -> accent glyph of the TeX text fonts.
_ACCENTS = {
    0x0300: "grave", 0x0301: "acute", 0x0302: "circumflex", 0x0303: "tilde",
    0x0304: "macron", 0x0306: "breve", 0x0307: "dotaccent", 0x0308: "dieresis",
    0x030A: "ring", 0x030B: "hungarumlaut", 0x030C: "caron", 0x0327: "cedilla",
}  # fmt: skip
#: Spacing accents as characters of their own.
_SPACING_ACCENTS = {
    0x00B4: "acute", 0x00A8: "dieresis", 0x00AF: "macron", 0x00B8: "cedilla",
    0x02C6: "circumflex", 0x02C7: "caron", 0x02D8: "breve", 0x02D9: "dotaccent",
    0x02DA: "ring", 0x02DC: "tilde", 0x02DD: "hungarumlaut",
}  # fmt: skip


def _quiet() -> None:
    # matplotlib's TeX fonts have zero 'created'/'modified' dates; fontTools warns on read.
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)


def _cache_root() -> Path:
    env = os.environ.get("VEGAFIGS_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "vegafigs"
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "vegafigs" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vegafigs"


def available_faces(source_dir: Path) -> tuple[tuple[str, str, int, bool], ...]:
    """The :data:`FACES` whose TeX font ``source_dir`` has.

    matplotlib ships ``cmti10`` only since 3.11: with an older one there is no
    italic face, and italic text is drawn with the upright one.
    """
    return tuple(f for f in FACES if (source_dir / f"{f[1]}.ttf").is_file())


def _source_key(source_dir: Path) -> str:
    digest = hashlib.sha256(BUILD_VERSION.encode())
    for name in _DONORS:
        digest.update(name.encode())
        path = source_dir / f"{name}.ttf"
        digest.update(path.read_bytes() if path.is_file() else b"missing")
    return digest.hexdigest()[:16]


def face_file(style: str) -> str:
    """The file name of one built face (``"vegafigsCM-Regular.ttf"`` ...)."""
    return f"vegafigsCM-{style}.ttf"


@functools.lru_cache(maxsize=1)
def font_directory() -> Path:
    """The folder holding the built faces: built on first use, then reused.

    The per-user cache folder (``VEGAFIGS_CACHE_DIR``, else the platform's cache
    folder) keyed by the source fonts' hash; a fresh temporary folder when that
    cannot be written.
    """
    from vegafigs.themes.fonts import bundled_font_dir

    source = bundled_font_dir()
    key = _source_key(source)
    target = _cache_root() / "fonts" / f"cm-{key}"
    if all((target / face_file(style)).is_file() for style, *_ in available_faces(source)):
        return target
    try:
        _write_faces(source, target)
    except OSError:
        target = Path(tempfile.mkdtemp(prefix="vegafigs-cm-"))
        _write_faces(source, target)
    return target


def _write_faces(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for style, base, weight, italic in available_faces(source):
        font = build_face(source, base=base, style=style, weight=weight, italic=italic)
        fd, tmp = tempfile.mkstemp(prefix=".cm-", suffix=".ttf", dir=target)
        os.close(fd)
        try:
            font.save(tmp, reorderTables=True)
            os.replace(tmp, target / face_file(style))
        finally:
            Path(tmp).unlink(missing_ok=True)


def _load(source: Path, name: str) -> Any:
    from fontTools.ttLib import TTFont

    _quiet()
    return TTFont(str(source / f"{name}.ttf"))


def build_face(source: Path, *, base: str, style: str, weight: int, italic: bool) -> Any:
    """One face (a fontTools ``TTFont``) of :data:`FAMILY` built from ``base``."""
    font = _load(source, base)
    donors = {
        name: _load(source, name)
        for name in _DONORS
        if name != base and (source / f"{name}.ttf").is_file()
    }
    donors["base"] = font
    cmap: dict[int, str] = {}
    for cp in [*range(0x30, 0x3A), *range(0x41, 0x5B), *range(0x61, 0x7B)]:
        cmap[cp] = font.getBestCmap()[cp]
    cmap[0x20] = "space"
    for ch in "!#$%&'()*+,-./:;=?@[]":
        cmap[ord(ch)] = font.getBestCmap()[ord(ch)]
    names = _Glyphs(font)
    for cp, (donor, glyph) in _SYMBOLS.items():
        cmap[cp] = names.take(donors[donor], glyph, prefix="" if donor == "base" else donor)
    if base == "cmti10":  # TeX's italic dollar is the pound sign
        cmap[0xA3] = cmap[ord("$")]
        cmap[ord("$")] = names.take(donors["cmr10"], "dollar", prefix="cmr10")
    for cp, glyph in _GREEK_CAPS.items():
        cmap[cp] = glyph
    for cp, glyph in _GREEK_SMALL.items():
        cmap[cp] = names.take(donors["cmmi10"], glyph, prefix="cmmi10")
    for cp, glyph in _SPACING_ACCENTS.items():
        cmap[cp] = glyph
    for cp in [*range(0xC0, 0x100), *range(0x100, 0x180)]:
        composite = _composite(names, cp)
        if composite is not None and cp not in cmap:
            cmap[cp] = composite
    _finish(font, cmap, style=style, weight=weight, italic=italic)
    return font


class _Glyphs:
    """Adds glyphs (copied from donors, or composites) to a font."""

    def __init__(self, font: Any) -> None:
        self.font = font
        self.glyf = font["glyf"]
        self.hmtx = font["hmtx"]
        self.order = list(font.getGlyphOrder())

    def add(self, name: str, glyph: Any, advance: int, lsb: int) -> str:
        if name not in self.glyf.glyphs:
            self.order.append(name)
            self.font.setGlyphOrder(self.order)
            self.glyf.glyphOrder = self.order
        self.glyf.glyphs[name] = glyph
        self.hmtx.metrics[name] = (advance, lsb)
        return name

    def take(self, donor: Any, glyph: str, *, prefix: str) -> str:
        """``glyph`` of ``donor`` in this font (as ``prefix.glyph``; itself for the base)."""
        if donor is self.font:
            return glyph
        import copy

        src = donor["glyf"][glyph]
        if src.isComposite():  # pragma: no cover - the TeX fonts have none
            raise ValueError(f"{glyph}: composite glyphs are not copied")
        new = copy.deepcopy(src)
        advance, lsb = donor["hmtx"].metrics[glyph]
        return self.add(f"{prefix}.{glyph}", new, advance, lsb)

    def bounds(self, name: str) -> tuple[int, int, int, int]:
        g = self.glyf[name]
        g.recalcBounds(self.glyf)
        if not hasattr(g, "xMin"):
            return (0, 0, 0, 0)
        return int(g.xMin), int(g.yMin), int(g.xMax), int(g.yMax)


def _composite(names: _Glyphs, cp: int) -> str | None:
    """``cp`` as the face's base letter + accent (e.g. é = e + acute), or ``None``."""
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

    parts = unicodedata.decomposition(chr(cp)).split()
    if len(parts) != 2 or parts[0].startswith("<"):
        return None
    letter, mark = (int(p, 16) for p in parts)
    accent = _ACCENTS.get(mark)
    base = {ord("i"): "dotlessi", ord("j"): "dotlessj"}.get(letter) if mark != 0x0327 else None
    base = base or (chr(letter) if chr(letter).isascii() and chr(letter).isalpha() else None)
    if accent is None or base is None or base not in names.glyf.glyphs:
        return None
    bx0, _, bx1, by1 = names.bounds(base)
    ax0, ay0, ax1, _ = names.bounds(accent)
    dx = round((bx0 + bx1) / 2 - (ax0 + ax1) / 2)
    x_height = names.bounds("x")[3]
    dy = 0 if mark == 0x0327 else max(0, by1 - x_height)
    if mark == 0x0327:
        dx = round((bx0 + bx1) / 2 - (ax0 + ax1) / 2)
    glyph = Glyph()
    glyph.numberOfContours = -1
    glyph.components = []
    for name, x, y in ((base, 0, 0), (accent, dx, dy)):
        comp = GlyphComponent()
        comp.glyphName, comp.x, comp.y = name, x, y
        comp.flags = 0x4 | (0x200 if name == base else 0)  # round to grid; base's metrics
        glyph.components.append(comp)
    advance, lsb = names.hmtx.metrics[base]
    name = f"uni{cp:04X}"
    names.add(name, glyph, advance, lsb)
    names.glyf[name].recalcBounds(names.glyf)
    return name


def _finish(font: Any, cmap: dict[int, str], *, style: str, weight: int, italic: bool) -> None:
    """Unicode cmap, names, style bits and fixed dates (same bytes on every build)."""
    from fontTools.ttLib.tables._c_m_a_p import cmap_format_4

    table = cmap_format_4(4)
    table.platformID, table.platEncID, table.language = 3, 1, 0
    table.cmap = dict(sorted(cmap.items()))
    font["cmap"].tables = [table]
    # No hinting: the donors' glyph programs would refer to other fonts' tables, and
    # resvg does not hint. PCLT describes the old face.
    for tag in ("cvt ", "fpgm", "prep", "PCLT", "hdmx", "LTSH", "VDMX"):
        if tag in font:
            del font[tag]
    glyf = font["glyf"]
    for gname in font.getGlyphOrder():
        g = glyf[gname]
        g.expand(glyf)
        if hasattr(g, "program"):
            from fontTools.ttLib.tables import ttProgram

            g.program = ttProgram.Program()
            g.program.fromBytecode(b"")
    font["maxp"].numGlyphs = len(font.getGlyphOrder())
    full = FAMILY if style == "Regular" else f"{FAMILY} {style}"
    ps = f"vegafigsCM-{style}"
    name = font["name"]
    name.names = []
    for nid, text in (
        (0, "Glyphs from the BaKoMa Computer Modern fonts shipped with matplotlib"),
        (1, FAMILY if style in ("Regular", "Bold", "Italic") else full),
        (2, style),
        (3, f"{ps};{BUILD_VERSION}"),
        (4, full),
        (5, f"Version {BUILD_VERSION}"),
        (6, ps),
    ):
        name.setName(text, nid, 3, 1, 0x409)
    os2 = font["OS/2"]
    os2.usWeightClass = weight
    bold = weight >= 700
    os2.fsSelection = (0x20 if bold else 0) | (0x1 if italic else 0) or 0x40
    font["head"].macStyle = (0x1 if bold else 0) | (0x2 if italic else 0)
    font["post"].italicAngle = -14.04 if italic else 0.0
    if font["post"].formatType != 2.0:
        font["post"].formatType = 2.0
    font["head"].created = font["head"].modified = 0x7C259DC0  # 2001-01-01, fixed
    font.recalcTimestamp = False
    font["hhea"].numberOfHMetrics = len(font.getGlyphOrder())
