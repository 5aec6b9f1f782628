"""The bundled fonts of a spec as web fonts: ``@font-face`` rules with subset WOFF2 data.

A browser showing a spec draws its text with whatever the font stacks name that
the machine has: on Linux, fontconfig answers ``Times New Roman`` and ``Helvetica``
with Liberation Serif / Sans, and a stack of families none of which is installed
("CMU Serif, Latin Modern Roman, vegafigs CM") with the default serif. The PDF,
and the text widths vegafigs lays figures out with (stats boxes, legends), use
the *bundled* family each stack ends in (STIXGeneral, DejaVu Sans, "vegafigs CM").

* :func:`font_face_css` writes the ``@font-face`` rules of the bundled faces a
  spec's text uses (regular, and bold / italic where the spec sets them), each
  subset to the characters the spec can draw and inlined as a ``data:`` URL
  (allowed by the ``font-src data:`` of :func:`vegafigs.export.html_page`'s
  Content-Security-Policy; nothing is fetched).
* :func:`prefer_bundled_fonts` moves each stack's bundled family to the front of
  the stack, so the browser takes the web font before any system font (a web
  font named after the bundled family shadows nothing else on the page).

A page uses both: the spec it embeds, and a ``<style>`` in its ``<head>``::

    spec = prefer_bundled_fonts(to_spec(chart))
    css = font_face_css(spec)  # "" when no text uses a bundled font

Same spec, same CSS bytes in every process (fixed subsetting options, the font
files' own dates kept). A face's subset holds the characters of all the specs
given, so one call for a page of several figures writes each face once.
"""

from __future__ import annotations

import base64
import functools
import io
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vegafigs.errors import InputError
from vegafigs.themes import fonts as _fonts
from vegafigs.themes import text as _text

#: Printable ASCII: added when a text's characters cannot be known from the spec
#: (dates, default titles, labels from expressions, fields made by transforms).
ASCII_PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))
#: What Vega's number formats draw: digits, signs (d3 writes U+2212 for minus),
#: SI prefixes, exponents and percent.
NUMBER_CHARS = "0123456789+-\u2212.,%eE kMGTPEZYmunpfazy\u00b5"
#: Keys whose presence (outside the data) makes the drawn characters unknowable.
_UNSURE_KEYS = frozenset({"timeUnit", "repeat", "facet", "formatType"})
#: Keys whose expression (``labelExpr``, or ``{"expr": ...}`` as the value) makes text.
_TEXT_EXPR_KEYS = frozenset({"labelExpr", "text", "title", "subtitle", "format"})
#: Names an expression may use and still draw only its literals, numbers and the
#: label or value (already counted) of the datum.
_SURE_NAMES = frozenset({"datum", "value", "label", "format", "true", "false", "null"})
#: Channels with an axis, legend or header title (Vega-Lite writes one from the field).
_TITLED = frozenset(
    {"x", "y", "color", "fill", "stroke", "shape", "size", "opacity", "strokeDash",
     "strokeWidth", "row", "column", "facet", "theta", "radius"}
)  # fmt: skip
#: (config section, key) of the texts Vega draws bold by default.
_DEFAULT_BOLD = (("title", "fontWeight"), ("axis", "titleFontWeight"),
                 ("legend", "titleFontWeight"))  # fmt: skip
_WEIGHTS = {"normal": 400, "bold": 700, "lighter": 400, "bolder": 700}


@dataclass(frozen=True)
class WebFace:
    """One face to embed: the CSS family name, weight and style, and its font file.

    ``family``: the bundled family (the rule's ``font-family``); ``weight``: 100-900;
    ``italic``: an italic / oblique face; ``path`` and ``index``: the font file and the
    face's number in it (0 but in a collection).

    >>> WebFace("STIXGeneral", 400, False, "STIXGeneral.ttf", 0).weight
    400
    """

    family: str
    weight: int
    italic: bool
    path: str
    index: int


def _specs(spec: Any) -> list[Mapping[str, Any]]:
    if isinstance(spec, Mapping):
        return [spec]
    is_list = isinstance(spec, Sequence) and not isinstance(spec, (str, bytes))
    if is_list and all(isinstance(s, Mapping) for s in spec):
        return list(spec)
    raise InputError(
        f"spec: expected a Vega-Lite spec (dict) or a sequence of them, got {type(spec).__name__}"
    )


def _outside_data(node: Any) -> Iterator[tuple[str, Any]]:
    """``(key, value)`` of every dict entry of a spec, data left out."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            if k in ("datasets", "data", "values"):
                continue
            yield str(k), v
            yield from _outside_data(v)
    elif isinstance(node, list):
        for item in node:
            yield from _outside_data(item)


def bundled_family(stack: str) -> str | None:
    """The registered family ``stack`` ends in (the one vegafigs measures text with).

    Args:
        stack: a CSS font-family stack, e.g. :data:`vegafigs.themes.fonts.TIMES`.

    Matplotlib's STIX and DejaVu, "vegafigs CM", and the folders given to
    :func:`vegafigs.register_font_directory`; system fonts are not (they differ
    between machines). ``None`` when the stack names none.

    >>> bundled_family("Times New Roman, Times, STIXGeneral")
    'STIXGeneral'
    >>> bundled_family("Comic Sans MS, cursive") is None
    True
    """
    table = _registered_by_family()
    for family in reversed(_fonts.parse_stack(stack)):
        faces = table.get(family.casefold())
        if faces:
            return faces[0].family
    return None


def _registered_by_family() -> dict[str, list[_fonts.FontFace]]:
    table: dict[str, list[_fonts.FontFace]] = {}
    for face in _fonts._registered_faces():
        if not face.family.casefold().replace(" ", "").startswith("lastresort"):
            table.setdefault(face.family.casefold(), []).append(face)
    return table


def _weights(value: Any) -> Iterator[int]:
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield int(value)
    elif isinstance(value, str):
        word = value.strip().lower()
        yield int(word) if word.isdigit() else _WEIGHTS.get(word, 400)
    elif isinstance(value, Mapping):
        for key in ("expr", "signal"):
            if isinstance(value.get(key), str):
                literals = list(_fonts._result_literals(value[key]))
                # an expression of literals takes one of them; any other may take bold
                yield from (w for lit in literals for w in _weights(lit)) if literals else [700]
        if "value" in value:
            yield from _weights(value["value"])
        conds = value.get("condition")
        for c in conds if isinstance(conds, list) else [conds] if conds else []:
            yield from _weights(c)


def _styles(value: Any) -> Iterator[bool]:
    if isinstance(value, str):
        yield value.strip().lower() in ("italic", "oblique")
    elif isinstance(value, Mapping):
        if any(isinstance(value.get(k), str) for k in ("expr", "signal")):
            yield True
        if "value" in value:
            yield from _styles(value["value"])
        conds = value.get("condition")
        for c in conds if isinstance(conds, list) else [conds] if conds else []:
            yield from _styles(c)


def _styles_used(spec: Mapping[str, Any]) -> tuple[set[int], set[bool]]:
    """The font weights and italic flags a spec's text can be set in."""
    weights, italics = {400}, {False}
    for key, value in _outside_data(spec):
        if key == "fontWeight" or key.endswith("FontWeight"):
            weights.update(_weights(value))
        elif key == "fontStyle" or key.endswith("FontStyle"):
            italics.update(_styles(value))
    config = spec.get("config") if isinstance(spec.get("config"), Mapping) else {}
    bold_by_default = list(_DEFAULT_BOLD)
    if any(key in ("facet", "row", "column") for key, _ in _outside_data(spec)):
        bold_by_default.append(("header", "titleFontWeight"))
    for part, key in bold_by_default:  # Vega draws these bold unless the config says otherwise
        section = config.get(part) if isinstance(config, Mapping) else None
        if not isinstance(section, Mapping) or key not in section:
            weights.add(700)
    return weights, italics


def _pick(faces: list[_fonts.FontFace], weight: int, italic: bool) -> _fonts.FontFace:
    """The face a browser's font matching (and fontdb's) takes for ``weight`` / ``italic``."""
    return min(faces, key=lambda f: (f.italic != italic, abs(f.weight - weight), f.path, f.index))


def faces_used(spec: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> list[WebFace]:
    """The bundled (registered) faces the text of ``spec`` (one or several specs) uses.

    Args:
        spec: a Vega-Lite spec (dict), or a sequence of them.

    One per family, weight and style, sorted; a stack without a registered family
    (such as Vega's default ``sans-serif``) has none. Bold where the spec sets a
    weight of 600 or more (also as one result of an expression) or leaves a chart,
    axis or legend title at Vega's default bold weight; italic where it sets
    ``fontStyle`` italic / oblique. A weight or style the family lacks is its
    nearest face, as in the browser's font matching.

    >>> from vegafigs.themes.fonts import TIMES
    >>> [(f.family, f.weight) for f in faces_used({"config": {"font": TIMES}, "mark": "point"})]
    [('STIXGeneral', 400), ('STIXGeneral', 700)]
    """
    chosen: dict[tuple[str, int, bool], WebFace] = {}
    for one in _specs(spec):
        weights, italics = _styles_used(one)
        stacks = _text.spec_texts(one).stacks
        for family in sorted({f for s in stacks if (f := bundled_family(s)) is not None}):
            faces = _registered_by_family()[family.casefold()]
            for weight in sorted(weights):
                for italic in sorted(italics):
                    face = _pick(faces, weight, italic)
                    key = (family, face.weight, face.italic)
                    chosen.setdefault(key, WebFace(family, *key[1:], face.path, face.index))
    return [chosen[k] for k in sorted(chosen)]


def _encodings(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for key, value in _outside_data(spec):
        if key == "encoding" and isinstance(value, Mapping):
            for channel, definition in value.items():
                defs = definition if isinstance(definition, list) else [definition]
                yield from ((str(channel), d) for d in defs if isinstance(d, Mapping))


def _sure_expr(expr: str) -> bool:
    """Whether ``expr`` draws only its string literals, numbers and the datum's label/value."""
    rest = _fonts._QUOTED.sub("", expr)
    rest = re.sub(r"\{[^{}]*\}\s*\[\s*datum\.(?:value|label)\s*\]", "", rest)  # {..}[datum.value]
    return set(re.findall(r"[A-Za-z_$][\w$]*", rest)) <= _SURE_NAMES


def _untitled(d: Mapping[str, Any]) -> bool:
    """A field definition whose axis / legend / header title Vega-Lite writes itself."""
    if not isinstance(d.get("field"), str) or "title" in d:
        return False
    guides = [d[k] for k in ("axis", "legend", "header") if k in d]
    if guides and all(g is None for g in guides):
        return False  # no guide, no title
    return not any(isinstance(g, Mapping) and "title" in g for g in guides)


def _made_fields(spec: Mapping[str, Any]) -> set[str]:
    """Fields transforms write (``as``), which may hold strings not in the data."""
    out: set[str] = set()
    for key, value in _outside_data(spec):
        if key == "as":
            out.update(
                v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
            )
        elif key == "fold":
            out.update(("key", "value"))
    return out


def _unsure(spec: Mapping[str, Any], views: list[_text.View]) -> bool:
    """Whether ``spec`` may draw characters not written in it or its data."""
    for key, value in _outside_data(spec):
        if key in _UNSURE_KEYS:
            return True
        if key in _TEXT_EXPR_KEYS:
            exprs = [value] if key == "labelExpr" else []
            if isinstance(value, Mapping):
                exprs += [value[k] for k in ("expr", "signal") if k in value]
            if any(not isinstance(e, str) or not _sure_expr(e) for e in exprs):
                return True
    for channel, d in _encodings(spec):
        if channel in _TITLED and _untitled(d):
            return True  # Vega-Lite's default titles ("Mean of x", "x (binned)")
        if d.get("type") == "temporal":
            return True
    made = _made_fields(spec)
    for view in views:
        for _channel, column in _text.drawn_fields(view.encoding):
            if column in made or _column(view.data, column) is None:
                return True  # made by a transform, or data from elsewhere
    return False


def _column(data: Any, column: str) -> list[str] | None:
    """The distinct string values of ``column`` (``None``: the data has no such column).

    Rows as dicts, a data frame, or CSV / TSV text (vegafigs writes its datasets as
    CSV); empty data has every column (it draws none).
    """
    if isinstance(data, str):
        import csv

        lines = data.splitlines()
        delimiter = "\t" if lines and "\t" in lines[0] and "," not in lines[0] else ","
        data = list(csv.DictReader(lines, delimiter=delimiter))
    if isinstance(data, list) and not data:
        return []
    values = [v for _row, v in _text.column_strings(data, column)]
    if values or _has_column(data, column):
        return values
    return None


def _has_column(data: Any, column: str) -> bool:
    import pandas as pd

    from vegafigs import frames

    if isinstance(data, pd.DataFrame):
        return column in data.columns
    if isinstance(data, list):
        return any(isinstance(row, Mapping) and column in row for row in data)
    return frames.is_frame(data) and column in frames.column_names(data)


def spec_characters(spec: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> str:
    """Every character the text of ``spec`` (one or several specs) can show, sorted.

    Args:
        spec: a Vega-Lite spec (dict), or a sequence of them.

    Titles, text marks, label literals, domains, the string values of the data
    columns drawn as labels or text, the characters of formatted numbers; and all
    of printable ASCII when some text is not written in the spec (dates, default
    axis titles, labels made by expressions or transforms).

    >>> spec = {"title": "Équipe", "mark": "text", "data": {"values": [{"m": "hi"}]},
    ...         "encoding": {"text": {"field": "m", "type": "nominal"}}}
    >>> "".join(sorted(set(spec_characters(spec)) - set(NUMBER_CHARS)))
    'hiqÉ'
    """
    chars = set(NUMBER_CHARS)
    for one in _specs(spec):
        texts = _text.spec_texts(one)
        for _where, s in texts.texts:
            chars.update(s)
        for view in texts.views:
            for _channel, column in _text.drawn_fields(view.encoding):
                for value in _column(view.data, column) or []:
                    chars.update(value)
        if _unsure(one, texts.views):
            chars.update(ASCII_PRINTABLE)
    chars -= set("\t\n\r\u2028\u2029")
    return "".join(sorted(chars))


@functools.lru_cache(maxsize=128)
def woff2_subset(path: str, index: int, text: str) -> bytes:
    """The face at ``path`` (``index`` in a collection) subset to ``text``, as WOFF2 bytes.

    Args:
        path: a TrueType / OpenType file.
        index: the face's number in a collection (``.ttc``), else 0.
        text: the characters to keep (and the glyphs they need, e.g. ligatures).

    Fixed options (no hinting, the font's own dates kept), so the same face and text
    give the same bytes in every process. Cached.

    >>> from vegafigs.themes.fonts import bundled_font_dir
    >>> woff2_subset(str(bundled_font_dir() / "STIXGeneral.ttf"), 0, "0123")[:4]
    b'wOF2'
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset", zero dates
    font = TTFont(path, fontNumber=index, recalcTimestamp=False, lazy=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.notdef_outline = True
    options.name_languages = [0x409]
    options.drop_tables = [*options.drop_tables, "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    font.close()
    return out.getvalue()


def _css_string(value: str) -> str:
    """``value`` as a CSS string that cannot end a ``<style>`` element."""
    escaped = re.sub(r'[\\"<>&\n\r\f]', lambda m: f"\\{ord(m.group()):X} ", value)
    return f'"{escaped}"'


def font_face_css(spec: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> str:
    """The ``@font-face`` rules of the bundled faces ``spec``'s text uses (subset WOFF2).

    Args:
        spec: a Vega-Lite spec (dict), or a sequence of them (one page, several
            figures: one rule per face, subset to the characters of all).

    Each rule names the bundled family a stack ends in ("STIXGeneral", "DejaVu
    Sans", "vegafigs CM"), with the face's weight and style, and holds it as a
    ``data:font/woff2`` URL. Put the rules in the page's ``<style>``; pass the spec
    through :func:`prefer_bundled_fonts` too, else a system font named earlier in
    the stack is taken first. ``""`` when no text uses a bundled font.

    >>> from vegafigs.themes.fonts import SANS
    >>> css = font_face_css({"config": {"font": SANS}, "title": "Hi", "mark": "point"})
    >>> css.count("@font-face"), css.startswith('@font-face{font-family:"DejaVu Sans"')
    (2, True)
    """
    specs = _specs(spec)
    faces = faces_used(specs)
    if not faces:
        return ""
    text = spec_characters(specs)
    rules = []
    for face in faces:
        data = base64.b64encode(woff2_subset(face.path, face.index, text)).decode("ascii")
        rules.append(
            f"@font-face{{font-family:{_css_string(face.family)};"
            f"font-style:{'italic' if face.italic else 'normal'};font-weight:{face.weight};"
            f'font-display:block;src:url("data:font/woff2;base64,{data}") format("woff2")}}'
        )
    return "\n".join(rules) + "\n"


def _reorder(stack: str) -> str:
    family = bundled_family(stack)
    if family is None:
        return stack
    parts = [p.strip() for p in stack.split(",") if p.strip()]
    own = [p for p in parts if p.strip("'\"").strip().casefold() == family.casefold()]
    rest = [p for p in parts if p not in own]
    return ", ".join([*own[:1], *rest])


def prefer_bundled_fonts(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` whose font stacks start with their bundled family.

    Args:
        spec: a Vega-Lite spec (dict).

    For a page that carries :func:`font_face_css`: the browser then draws the text
    in the bundled face, as the PDF and vegafigs' text measuring do, before a
    system font earlier in the stack (on Linux, ``Times New Roman`` is answered
    with Liberation Serif). Stacks without a registered family, and the data, are
    left as they are.

    >>> prefer_bundled_fonts({"config": {"font": "Times New Roman, Times, STIXGeneral"}})
    {'config': {'font': 'STIXGeneral, Times New Roman, Times'}}
    """
    if not isinstance(spec, Mapping):
        raise InputError(f"spec: expected a Vega-Lite spec (dict), got {type(spec).__name__}")
    return _fonts.map_font_stacks(spec, lambda stack, _where: _reorder(stack))
