"""Text on its way to a renderer: line breaks, characters no renderer takes, glyph coverage.

Three checks stand between a spec and vl-convert (and a figure's build):

* **Line breaks** (``\\n``, ``\\r\\n``, U+2028, U+2029) in a ``title`` / ``subtitle`` /
  ``text`` string become a list of lines (:func:`split_lines`,
  :func:`normalize_lines`): Vega-Lite's multi-line title. A newline left in an
  axis title breaks Vega-Lite's own description expression ("Expression parse
  error") and the page of an ``.html`` draws nothing.
* **Control characters** (U+0000-U+001F but tab and newline, DEL, C1, lone
  surrogates, U+FFFE/U+FFFF) make vl-convert abort the whole process. Every string
  of the spec that can be drawn (all but data columns no part of the spec names) is
  checked first (:func:`check_spec_text`); the error names where the character is,
  e.g. ``data 'data_3' column 'method' row 2``.
* **Glyph coverage**, per character (:func:`check_glyphs`): every character of a
  drawn text must be in the face its font stack resolves to, or in another
  *registered* face (matplotlib's STIX and DejaVu, "vegafigs CM", the folders given
  to :func:`vegafigs.register_font_directory`; not the LastResort box font, not
  unregistered system fonts, which differ between machines). In the second case
  resvg draws the text with its fallback: a face that has the character (it may
  set the whole text in that face, e.g. ``"β₂"`` in DejaVu Serif under the paper
  theme; to keep the theme's font, register a font that has the character and
  put it first in the stack). A character no registered face has (most emoji,
  CJK, rare scripts) would be drawn as boxes: a :class:`~vegafigs.FontError`
  naming it and its text. Each text is checked against every stack the spec
  uses (generic families such as ``sans-serif`` aside). Drawn texts are titles,
  ``text`` marks, scale domains, label expressions' literals, and the string
  values of data fields encoded on a drawn channel (x, y, color, text, tooltip
  ...); other data columns may hold anything.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from vegafigs._checks import UNDRAWABLE
from vegafigs.errors import FontError, InputError, VegafigsError

#: Line breaks that make a new line of a title.
LINE_BREAK = re.compile("\r\n|[\n\u2028\u2029]")
#: Keys whose string (or list of strings) value is drawn as it is.
TEXT_KEYS = frozenset({"title", "subtitle", "text"})
#: Encoding channels whose field values are drawn (as axis / legend / header labels or text).
DRAWN_CHANNELS = frozenset(
    {"x", "y", "color", "fill", "stroke", "shape", "text", "tooltip", "row", "column", "facet",
     "strokeDash", "size", "opacity", "angle", "theta", "radius", "xOffset", "yOffset"}
)  # fmt: skip
_SKIP_WHITESPACE = frozenset(" \t\n\u00a0")


def split_lines(text: str) -> str | list[str]:
    """``text``, or its lines when it holds a line break (Vega-Lite's multi-line title).

    >>> split_lines("Reward\\nper step"), split_lines("one line")
    (['Reward', 'per step'], 'one line')
    """
    return LINE_BREAK.split(text) if LINE_BREAK.search(text) else text


def normalize_lines(node: Any, key: str | None = None) -> Any:
    """``node`` (a spec or part of one) with every title / text string split at line breaks.

    Data (``datasets``, ``data``, ``values``) is left alone. Returns a new object.

    >>> normalize_lines({"title": {"text": "a\\nb"}, "encoding": {"x": {"title": "c\\u2028d"}}})
    {'title': {'text': ['a', 'b']}, 'encoding': {'x': {'title': ['c', 'd']}}}
    """
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in ("datasets", "data", "values"):
                out[k] = v
            elif isinstance(v, str) and (k in TEXT_KEYS or (k == "value" and key == "text")):
                out[k] = split_lines(v)
            else:
                out[k] = normalize_lines(v, k)
        return out
    if isinstance(node, list):
        if key in TEXT_KEYS and all(isinstance(v, str) for v in node):
            return [line for v in node for line in LINE_BREAK.split(v)]
        return [normalize_lines(v, key) for v in node]
    return node


# -- where the texts are -------------------------------------------------------------


@dataclass
class View:
    """One unit view: its encoding and mark (dicts) and how to read its data's columns."""

    where: str
    encoding: Mapping[str, Any]
    mark: Any
    data: Any  # a pandas DataFrame, a list of row dicts, or None
    data_name: str = "data"


@dataclass
class Texts:
    """What a spec draws: texts with where they are, the views, and the font stacks."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    stacks: set[str] = field(default_factory=set)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))


def collect_literals(node: Any, where: str, out: Texts, key: str | None = None) -> None:
    """Add the drawn strings (titles, text, domains, label literals) and fonts of ``node``."""
    from vegafigs.themes.fonts import _font_strings, _result_literals

    if isinstance(node, dict):
        for k, v in node.items():
            here = f"{where}.{k}" if where else str(k)
            if k in ("datasets", "data", "values"):
                continue
            if isinstance(k, str) and (k == "font" or k.endswith("Font")):
                out.stacks.update(font for _, font in _font_strings(v, here))
            elif k in TEXT_KEYS or (k == "value" and key == "text"):
                out.texts.extend((here, s) for s in _strings(v))
                collect_literals(v, here, out, k)
            elif k == "domain" and key == "scale":
                out.texts.extend((here, s) for s in _strings(v))
            elif k == "labelExpr" and isinstance(v, str):
                out.texts.extend((here, s) for s in _result_literals(v))
            else:
                collect_literals(v, here, out, k)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            collect_literals(item, f"{where}[{i}]", out, key)


def unescape_field(name: str) -> str:
    r"""A Vega-Lite ``field`` as the data key it reads (``val\.score`` -> ``val.score``)."""
    return re.sub(r"\\(.)", r"\1", name)


def drawn_fields(encoding: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(channel, data key)`` of the fields on drawn channels, conditions and lists included."""
    for channel, definition in encoding.items():
        if channel not in DRAWN_CHANNELS:
            continue
        defs = definition if isinstance(definition, list) else [definition]
        for d in defs:
            if not isinstance(d, Mapping):
                continue
            conds = d.get("condition")
            extra = conds if isinstance(conds, list) else [conds] if conds else []
            for item in (d, *extra):
                if isinstance(item, Mapping) and isinstance(item.get("field"), str):
                    if item.get("type") in ("quantitative", "temporal"):
                        continue  # drawn as formatted numbers and dates
                    yield channel, unescape_field(item["field"])


def column_strings(data: Any, column: str) -> Iterator[tuple[int, str]]:
    """``(row, value)`` of the distinct string values of ``column`` in ``data``
    (rows as dicts, or any frame: see :mod:`vegafigs.frames`)."""
    import pandas as pd

    from vegafigs import frames

    if not isinstance(data, (pd.DataFrame, list)) and frames.is_frame(data):
        if column not in frames.column_names(data):
            return
        data = frames.to_pandas(data, columns=[column])  # that column only, in its engine
    if isinstance(data, pd.DataFrame):
        if column not in data.columns:
            return
        s = data[column]
        if not (s.dtype == object or isinstance(s.dtype, (pd.CategoricalDtype, pd.StringDtype))):
            return
        keep = ~s.duplicated().to_numpy()
        for pos, v in zip(keep.nonzero()[0].tolist(), s[keep].tolist(), strict=True):
            if isinstance(v, str):
                yield pos, v
    elif isinstance(data, list):
        seen: set[str] = set()
        for i, row in enumerate(data):
            v = row.get(column) if isinstance(row, Mapping) else None
            if isinstance(v, str) and v not in seen:
                seen.add(v)
                yield i, v


# -- the checks --------------------------------------------------------------------


def _undrawable_at(text: str) -> int | None:
    m = UNDRAWABLE.search(text)
    return None if m is None else m.start()


def _control_error(error: type[VegafigsError], where: str, text: str, at: int) -> VegafigsError:
    cp = ord(text[at])
    return error(
        f"{where}: {text!r:.60} holds the control character U+{cp:04X} at index {at}; "
        "remove it (it cannot be drawn: the renderer would abort the process)"
    )


def check_spec_text(spec: Mapping[str, Any], *, error: type[VegafigsError] = InputError) -> None:
    """Raise ``error`` if a string of ``spec`` that can be drawn holds a control character.

    Every string outside the data; in the data, the keys and the values of the
    columns some other part of the spec names (those alone can be drawn).

    >>> check_spec_text({"title": "ok", "data": {"values": [{"note": "\\x01"}]}})
    >>> check_spec_text({"data": {"values": [{"m": "x", "n": "a\\x01"}]},
    ...                  "encoding": {"color": {"field": "n"}}})
    Traceback (most recent call last):
    vegafigs.errors.InputError: data 'data' column 'n' row 0: 'a\\x01' holds the control ...
    """
    other: list[str] = []
    _outside_data(spec, "", other, error)
    named = _names(other)
    for name, rows in _data_blocks(spec):
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                continue
            for col, v in row.items():
                if isinstance(col, str) and (at := _undrawable_at(col)) is not None:
                    raise _control_error(error, f"data {name!r} column name", col, at)
                if isinstance(v, str) and col in named and (at := _undrawable_at(v)) is not None:
                    raise _control_error(error, f"data {name!r} column {col!r} row {i}", v, at)


_DATUM = re.compile(
    r"datum\s*(?:\.\s*([A-Za-z_$][\w$]*)"  # datum.name
    r"""|\[\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\])"""  # datum["name"]
)


def _names(strings: Iterable[str]) -> set[str]:
    """The data keys ``strings`` (a spec's strings) can name: fields (escaped or as
    paths), and ``datum.x`` / ``datum["x"]`` in expressions."""
    out: set[str] = set()
    for s in strings:
        key = unescape_field(s)
        out.update((s, key, unescape_field(re.split(r"(?<!\\)[.\[]", s, maxsplit=1)[0])))
        if "datum" in s:
            for m in _DATUM.finditer(s):
                out.add(next(g for g in m.groups() if g is not None).replace("\\", ""))
    return out


def _outside_data(node: Any, where: str, out: list[str], error: type[VegafigsError]) -> None:
    if isinstance(node, str):
        if (at := _undrawable_at(node)) is not None:
            raise _control_error(error, where or "spec", node, at)
        out.append(node)
    elif isinstance(node, dict):
        for k, v in node.items():
            if k in ("datasets", "values"):
                continue
            _outside_data(str(k), where or "spec", out, error)
            _outside_data(v, f"{where}.{k}" if where else str(k), out, error)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _outside_data(item, f"{where}[{i}]", out, error)


def _data_blocks(node: Any, where: str = "") -> Iterator[tuple[str, list[Any]]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "datasets" and isinstance(v, dict):
                yield from ((str(n), rows) for n, rows in v.items() if isinstance(rows, list))
            elif k == "values" and isinstance(v, list):
                yield (where.rsplit(".", 1)[0] or "data", v)
            else:
                yield from _data_blocks(v, f"{where}.{k}" if where else str(k))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _data_blocks(item, f"{where}[{i}]")


def spec_texts(spec: Mapping[str, Any]) -> Texts:
    """The drawn texts, views and font stacks of a Vega-Lite spec (dict)."""
    from vegafigs.themes.fonts import fonts_in_spec

    out = Texts()
    collect_literals(spec, "", out)
    out.stacks.update(font for _, font in fonts_in_spec(dict(spec)))
    datasets = spec.get("datasets", {}) if isinstance(spec.get("datasets"), dict) else {}
    _spec_views(spec, "", None, "data", datasets, out)
    return out


def _spec_views(
    node: Any, where: str, data: Any, name: str, datasets: Mapping[str, Any], out: Texts
) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _spec_views(item, f"{where}[{i}]", data, name, datasets, out)
        return
    if not isinstance(node, dict):
        return
    d = node.get("data")
    if isinstance(d, dict):
        if isinstance(d.get("values"), list):
            data, name = d["values"], f"{where}.data" if where else "data"
        elif isinstance(d.get("name"), str):
            data, name = datasets.get(d["name"]), d["name"]
    if isinstance(node.get("encoding"), dict):
        out.views.append(View(where or "spec", node["encoding"], node.get("mark"), data, name))
    for key in ("layer", "hconcat", "vconcat", "concat", "spec"):
        if key in node:
            _spec_views(node[key], f"{where}.{key}" if where else key, data, name, datasets, out)


def check_texts(texts: Texts, *, error: type[VegafigsError] = InputError) -> None:
    """Control characters (``error``) and glyph coverage (:class:`FontError`) of ``texts``."""
    # The data's columns first: a category also listed in a scale's domain is then
    # reported by its column, which the user knows, not by its place in the spec.
    items: list[tuple[str, str]] = []
    for view in texts.views:
        for channel, column in drawn_fields(view.encoding):
            items.extend(
                (f"data {view.data_name!r} column {column!r} row {row} ({channel})", v)
                for row, v in column_strings(view.data, column)
            )
    items.extend(texts.texts)
    for where, text in items:
        if (at := _undrawable_at(text)) is not None:
            raise _control_error(error, where, text, at)
    check_glyphs(items, texts.stacks)


def check_glyphs(items: Iterable[tuple[str, str]], stacks: Iterable[str]) -> None:
    """Raise :class:`FontError` for the first character of a text a stack's face lacks."""
    # A generic or unknown family (Vega's default "sans-serif") is drawn from some
    # face: its text must at least be in a registered one.
    faces = sorted(set(stacks)) or ["sans-serif"]
    for where, text in items:
        for stack in faces:
            missing = _missing(text, stack)
            if missing is not None:
                raise _glyph_error(where, text, stack, missing)


def _glyph_error(where: str, text: str, stack: str, ch: str) -> FontError:
    from vegafigs.themes.fonts import resolve_family

    name = unicodedata.name(ch, "unnamed character")
    return FontError(
        f"{where}: {text!r:.60} holds {ch!r} (U+{ord(ch):04X} {name}), which no registered "
        f"font can draw (the stack {stack!r} resolves to {resolve_family(stack)!r}); it "
        "would be drawn as a box. Register a folder with a font that has it with "
        "vegafigs.register_font_directory(path) (and put the font first in the theme's "
        "font stack to draw the text in it), or remove the character"
    )


@functools.lru_cache(maxsize=256)
def _face_key(stack: str) -> tuple[str, int] | None:
    """(path, index) of the regular face the stack resolves to; ``None`` for generic ones."""
    from vegafigs.themes.fonts import GENERIC_FAMILIES, _faces_by_family, resolve_family

    family = resolve_family(stack)
    if family is None or family.casefold() in GENERIC_FAMILIES:
        return None
    faces = _faces_by_family().get(family.casefold(), [])
    if not faces:
        return None
    upright = [f for f in faces if not f.italic] or faces
    best = min(upright, key=lambda f: (abs(f.weight - 400), f.path))
    return best.path, best.index


@functools.lru_cache(maxsize=64)
def face_cmap(path: str, index: int) -> frozenset[int]:
    """The code points a font face has glyphs for (cached)."""
    from vegafigs.themes.fonts import _advances

    return frozenset(_advances(path, index)[0])


#: Families that draw every character as a box (no coverage).
_BOX_FONTS = ("lastresort",)


@functools.lru_cache(maxsize=1)
def registered_cmap() -> frozenset[int]:
    """Code points some registered face (bundled or registered folder) can draw."""
    from vegafigs.themes.fonts import _registered_faces

    out: set[int] = set()
    for face in {(f.path, f.index, f.family) for f in _registered_faces()}:
        if not face[2].casefold().replace(" ", "").startswith(_BOX_FONTS):
            out |= face_cmap(face[0], face[1])
    return frozenset(out)


@functools.lru_cache(maxsize=65536)
def _missing(text: str, stack: str) -> str | None:
    key = _face_key(stack)
    cmap = face_cmap(*key) if key is not None else frozenset()
    for ch in text:
        if ord(ch) not in cmap and ch not in _SKIP_WHITESPACE and ord(ch) not in registered_cmap():
            return ch
    return None


def clear_caches() -> None:
    """Forget resolved faces (after a font folder is registered)."""
    _face_key.cache_clear()
    _missing.cache_clear()
    registered_cmap.cache_clear()


# -- a figure's texts, read from its Altair layers (no spec conversion) -------------------


def chart_texts(charts: Iterable[Any], theme: Mapping[str, Any], extra: Any = None) -> Texts:
    """The drawn texts, views and font stacks of Altair ``charts`` styled with ``theme``.

    Read from the charts' parts (encodings, marks, titles) and their data frames,
    without converting the charts to a spec (which costs much more).
    """
    from vegafigs.themes.fonts import fonts_in_spec

    out = Texts()
    out.stacks.update(font for _, font in fonts_in_spec({"config": dict(theme)}))
    collect_literals(dict(theme), "config", out)
    if extra is not None:
        collect_literals(_plain(extra), "", out)
    for i, chart in enumerate(charts):
        _chart_views(chart, f"layer {i}", None, out)
    return out


def _plain(value: Any, data: Any = None) -> Any:
    """An Altair object as a dict (``data``: the frame its shorthand types are read from)."""
    import altair as alt
    import pandas as pd

    if isinstance(value, alt.SchemaBase):
        context = {"data": data} if isinstance(data, pd.DataFrame) else {}
        return value.to_dict(validate=False, context=context)
    if isinstance(value, Mapping):
        return {k: _plain(v, data) for k, v in value.items() if v is not alt.Undefined}
    if isinstance(value, (list, tuple)):
        return [_plain(v, data) for v in value]
    return value


def _own_data(own: Any, data: Any) -> Any:
    """A chart's own data (a frame as pandas, inline rows), else its parent's ``data``."""
    import altair as alt
    import pandas as pd

    from vegafigs import frames

    if isinstance(own, pd.DataFrame):
        return own
    if own is alt.Undefined:
        return data
    if frames.is_frame(own):  # polars, Arrow ... (Altair takes them)
        return frames.to_pandas(own, param="chart.data")
    values = _plain(own)
    if isinstance(values, Mapping) and isinstance(values.get("values"), list):
        return values["values"]
    return data


def _chart_views(chart: Any, where: str, data: Any, out: Texts) -> None:
    import altair as alt

    data = _own_data(getattr(chart, "data", alt.Undefined), data)
    for attr in ("title", "mark", "transform"):
        part = getattr(chart, attr, alt.Undefined)
        if part is not alt.Undefined:
            collect_literals({attr: _plain(part)}, where, out)
    encoding = getattr(chart, "encoding", alt.Undefined)
    if encoding is not alt.Undefined:
        try:
            enc = _plain(encoding, data)
        except ValueError:  # a shorthand whose type Altair cannot infer: it says so itself
            enc = {}
        collect_literals({"encoding": enc}, where, out)
        out.views.append(View(where, enc, _plain(getattr(chart, "mark", None)), data, where))
    for attr in ("layer", "hconcat", "vconcat", "concat"):
        subs = getattr(chart, attr, alt.Undefined)
        if subs is not alt.Undefined:
            for j, sub in enumerate(subs):
                _chart_views(sub, f"{where}.{attr}[{j}]", data, out)
    spec = getattr(chart, "spec", alt.Undefined)
    if isinstance(spec, alt.SchemaBase) and hasattr(spec, "encoding"):
        _chart_views(spec, f"{where}.spec", data, out)
