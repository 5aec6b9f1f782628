"""One vocabulary of parameter names, each declared once with its check (private).

Every public figure and layer is wrapped by :func:`checked`: the parameters it
takes whose names are in :data:`VOCABULARY` (or declared on the decorator) are
checked before the function runs, so a bad value is an :class:`InputError` that
starts with the parameter's name, whichever function it was given to. The
README's glossary is this table (``tests/test_params.py`` keeps them in step),
and the generated bad-input tests come from each declaration's ``bad`` values.

>>> @checked()
... def demo(*, width_in: float = 3.0, opacity: float = 0.5) -> float:
...     return width_in * opacity
>>> demo(width_in=2.0)
1.0
>>> demo(opacity=2)
Traceback (most recent call last):
vegafigs.errors.InputError: opacity: expected a number between 0 and 1, got 2
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from vegafigs import _checks as c
from vegafigs.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Param:
    """How one parameter is checked: ``check(value, name)`` returns it (or raises).

    ``optional``: ``None`` is accepted as "not given". ``bad``: values the check
    must refuse (the generated bad-input tests pass each one). ``doc``: the
    glossary entry.
    """

    check: Callable[[Any, str], Any]
    doc: str
    optional: bool = False
    bad: tuple[Any, ...] = field(default=())

    def __call__(self, value: Any, name: str) -> Any:
        if value is None and self.optional:
            return None
        return self.check(value, name)

    def maybe(self, doc: str | None = None) -> Param:
        """The same check, also accepting ``None``."""
        bad = tuple(b for b in self.bad if b is not None)
        return Param(self.check, doc or self.doc, optional=True, bad=bad)


def _positive(value: Any, name: str) -> Any:
    c.require_positive(value, param=name)
    return value


def _positive_int(value: Any, name: str) -> Any:
    c.require_positive(value, param=name, integer=True)
    return value


def _fraction(value: Any, name: str) -> Any:
    c.require_fraction(value, param=name)
    return value


def _nonnegative(value: Any, name: str) -> Any:
    c.require_nonnegative(value, param=name)
    return value


def _printable(text: str, name: str) -> str:
    """``text`` if it holds no control character (line breaks, ``\r\n`` too, are allowed:
    they make a new line of a title)."""
    from vegafigs.themes.text import LINE_BREAK

    c.require_printable(LINE_BREAK.sub("\n", text), param=name)
    return text


def _text(value: Any, name: str) -> Any:
    return _printable(c.require_text(value, param=name), name)


def _reference(value: Any, name: str) -> Any:
    """A value or ``{label: value}``: the figure checks the values; labels must be drawable."""
    if isinstance(value, Mapping):
        for key in value:
            if isinstance(key, str):
                _printable(key, f"{name}[{key!r}]")
    return value


def _title(value: Any, name: str) -> Any:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        for i, line in enumerate(value):
            _printable(line, f"{name}[{i}]")
        return value
    return _printable(c.require_text(value, param=name), name)


def _text_mapping(value: Any, name: str) -> Any:
    _mapping(value, name)
    for key, text in value.items():
        _text(text, f"{name}[{key!r}]")
    return value


def _column(value: Any, name: str) -> Any:
    if not isinstance(value, str) or not value:
        raise InputError(f"{name}: expected a column name (a non-empty string), got {value!r}")
    return value


def _format(value: Any, name: str) -> Any:
    return c.require_number_format(value, param=name)


def _range(value: Any, name: str) -> Any:
    return c.require_range(value, param=name)


def _finite(value: Any, name: str) -> Any:
    return c.require_finite(value, param=name)


def _finite_list(value: Any, name: str) -> Any:
    return c.require_finite_list(value, param=name)


def _bool(value: Any, name: str) -> Any:
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name}: expected True or False, got {value!r}")
    return bool(value)


def _mapping(value: Any, name: str) -> Any:
    if not isinstance(value, Mapping):
        raise InputError(f"{name}: expected a mapping {{level: value}}, got {value!r}")
    return value


def _levels(value: Any, name: str) -> Any:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InputError(f"{name}: expected a list of levels, got {value!r}")
    items = list(value)
    repeated = [v for i, v in enumerate(items) if v in items[:i]]
    if repeated:
        raise InputError(f"{name}: {repeated[0]!r} is given twice")
    return items


def _colors(value: Any, name: str) -> Any:
    _mapping(value, name)
    for key, color in value.items():
        if not isinstance(color, str) or not color:
            raise InputError(f"{name}[{key!r}]: expected a CSS colour string, got {color!r}")
    return value


def _color(value: Any, name: str) -> Any:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{name}: expected a CSS colour string such as '#1f77b4', got {value!r}")
    return value


def _dpi(value: Any, name: str) -> Any:
    c.require_positive(value, param=name)
    if value > 2400:
        raise InputError(f"{name}: expected at most 2400 dots per inch, got {value!r}")
    return value


def _size_in(value: Any, name: str) -> Any:
    c.require_positive(value, param=name)
    if value > 100:
        raise InputError(f"{name}: expected at most 100 inches, got {value!r}")
    return value


def _style(value: Any, name: str) -> Any:
    from vegafigs.themes.sizes import Style

    if not isinstance(value, Style):
        raise InputError(
            f"{name}: expected a vf.themes.venue(...) style, got {type(value).__name__}"
        )
    return value


def _theme(value: Any, name: str) -> Any:
    from vegafigs.themes import THEMES

    if isinstance(value, str):
        short = value.removeprefix("vegafigs-")
        c.require_choice(short, sorted(THEMES), param=name)
        return value
    if isinstance(value, Mapping):
        return value
    raise InputError(
        f"{name}: expected a theme name ({', '.join(repr(t) for t in sorted(THEMES))}) "
        f"or a config such as vf.latex(font_size=8), got {value!r}"
    )


NAN, INF = float("nan"), float("inf")
_BAD_SIZE = (0, -1, INF, NAN, "3", True)
_BAD_FRACTION = (-0.1, 1.5, NAN, "0.5", True)
_BAD_TEXT = (3, ["a"], b"x", "a\x00b", "\x1b[31m", "a\ufffe")

POSITIVE = Param(_positive, "a number > 0", bad=_BAD_SIZE)
POSITIVE_INT = Param(_positive_int, "an integer > 0", bad=(0, -2, 2.5, "3", True))
FRACTION = Param(_fraction, "a number in [0, 1]", bad=_BAD_FRACTION)
NONNEGATIVE = Param(_nonnegative, "a number >= 0", bad=(-1, INF, NAN, "1", True))
TEXT = Param(_text, "a string", bad=_BAD_TEXT)
TITLE = Param(
    _title, "a string (or a list of lines)", bad=(3, [], [1], b"x", "a\x07", ["ok", "a\x00"])
)
#: ``{level: text}`` (e.g. ``panel_titles``): every text checked like :data:`TEXT`.
TEXT_MAPPING = Param(
    _text_mapping, "a mapping {level: text}", bad=("a", ["a"], {"a": 3}, {"a": "\x01"})
)
COLUMN = Param(_column, "a column name", bad=(3, "", None, ["a"]))
FORMAT = Param(_format, "a d3 number format", bad=("%d", ".2z", 3, "{:.2f}"))
RANGE = Param(_range, "a (min, max) pair", bad=((1, 1), (2, 1), "ab", (0, INF), 3))
FINITE = Param(_finite, "a finite number", bad=(NAN, INF, "x", True))
FINITE_LIST = Param(_finite_list, "a list of finite numbers", bad=("1,2", [1, NAN], ["a"], 3))
BOOL = Param(_bool, "True or False", bad=("yes", 1, None))
MAPPING = Param(_mapping, "a mapping", bad=("a", ["a"], 3))
LEVELS = Param(_levels, "a list of levels", bad=("abc", 3, ["a", "a"]))
COLORS = Param(_colors, "a mapping {level: colour}", bad=("red", ["red"], {"a": 3}))
COLOR = Param(_color, "a CSS colour", bad=(3, "", None))
SIZE_IN = Param(_size_in, "inches", bad=(*_BAD_SIZE, 1000))

#: The vocabulary: every figure and layer parameter with one of these names means this.
VOCABULARY: dict[str, Param] = {
    # data columns
    "x": Param(_column, "column on the x axis", bad=COLUMN.bad),
    "y": Param(_column, "column on the y axis", bad=COLUMN.bad),
    "series": Param(_column, "column whose levels are drawn as separate lines / colours"),
    "seed": Param(
        _column, "column of repeated runs of one series (bands are taken across it)"
    ).maybe(),
    "panel": Param(_column, "column whose levels are drawn as side-by-side panels"),
    "lower": Param(_column, "column of precomputed band lower limits").maybe(),
    "upper": Param(_column, "column of precomputed band upper limits").maybe(),
    # levels and their styling
    "order": LEVELS.maybe("order of the series / categories (default: first appearance)"),
    "panels": LEVELS.maybe("which panel levels to draw, in order (default: all, first appearance)"),
    "palette": COLORS.maybe(
        "{level: colour}; levels it leaves out take the theme's colours; a key naming no level "
        "is an error in a figure, and kept (a palette shared by several layers) in a layer"
    ),
    "highlight": Param(lambda v, n: v, "series whose legend label is bold").maybe(),
    # titles and formats
    "title": TITLE.maybe("chart title"),
    "x_title": TITLE.maybe("x axis title (default: the column name)"),
    "y_title": TITLE.maybe("y axis title (default: the column name)"),
    "x_format": FORMAT.maybe("d3 number format of the x tick labels"),
    "y_format": FORMAT.maybe("d3 number format of the y tick labels"),
    "label_format": FORMAT.maybe("d3 number format of value labels and stats text"),
    # scales
    "x_domain": RANGE.maybe("(min, max) of the x axis"),
    "y_domain": RANGE.maybe("(min, max) of the y axis"),
    "x_ticks": FINITE_LIST.maybe("x tick values"),
    "y_ticks": FINITE_LIST.maybe("y tick values"),
    # marks
    "opacity": FRACTION.maybe("opacity of the figure's main mark"),
    "band_opacity": FRACTION.maybe("fill opacity of bands"),
    "raw_opacity": FRACTION.maybe("opacity of the raw (unsmoothed) trace"),
    "stroke_width": POSITIVE.maybe("line width of the main lines, in pt (default: the theme's)"),
    "reference": Param(_reference, "reference value(s) drawn as horizontal rules").maybe(),
    "reference_label": TEXT.maybe("label of the reference rule"),
    "reference_color": COLOR.maybe("colour of the reference rule"),
    # figure
    "theme": Param(_theme, "theme name or config (default: the enabled vegafigs theme)").maybe(),
    "style": Param(_style, "venue preset from vf.themes.venue(): size and font sizes").maybe(),
    "width_in": SIZE_IN.maybe("width of the whole figure, in inches"),
    "height_in": SIZE_IN.maybe("height of the whole figure, in inches"),
    "dpi": Param(_dpi, "dots per inch the figure is reduced for", bad=(*_BAD_SIZE, 10**6)),
    "downsample": Param(_bool, "M4-reduce long series (None: when needed)").maybe(),
}


def checked(**local: Param) -> Callable[[F], F]:
    """Check the wrapped function's parameters named in :data:`VOCABULARY` or ``local``.

    ``local`` declares parameters particular to one function (or a stricter
    version of a vocabulary entry). Checked values replace the given ones (e.g.
    a ``(min, max)`` domain comes in as a tuple of floats).
    """

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn)
        specs = {
            name: local.get(name) or VOCABULARY[name]
            for name in sig.parameters
            if name in local or name in VOCABULARY
        }
        for name in local:
            if name not in sig.parameters:
                raise TypeError(f"{fn.__name__}: declared {name!r} is not one of its parameters")

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            for name, spec in specs.items():
                if name in bound.arguments:
                    bound.arguments[name] = spec(bound.arguments[name], name)
            return _texts_checked(fn(*bound.args, **bound.kwargs))

        wrapper.__vegafigs_params__ = specs  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _texts_checked(result: Any) -> Any:
    """``result``; a layer (an Altair chart) after checking the texts it draws.

    Figures check theirs in ``make_figure``; a layer is checked here, when it is
    built, so a control character in a category or label is an ``InputError`` now
    (vl-convert would abort the process on it when saving).
    """
    import altair as alt

    if isinstance(result, alt.TopLevelMixin):
        from vegafigs.themes import text

        text.check_texts(text.chart_texts([result], {}))
    return result


def declared(fn: Callable[..., Any]) -> dict[str, Param]:
    """The parameter declarations :func:`checked` attached to ``fn``."""
    return dict(getattr(fn, "__vegafigs_params__", {}))


def accepts(spec: Param) -> str:
    """What a declaration accepts, in words (the glossary's third column).

    >>> accepts(VOCABULARY["width_in"]), accepts(VOCABULARY["x"])
    ('inches (0, 100] or None', 'column name')
    """
    words = _ACCEPTS.get(spec.check, "")
    if spec.optional:
        words = f"{words} or None" if words else "None"
    return words


def glossary_markdown() -> str:
    """The vocabulary as a Markdown table."""
    lines = ["| parameter | means | accepts |", "| --- | --- | --- |"]
    for name, spec in VOCABULARY.items():
        lines.append(f"| `{name}` | {spec.doc} | {accepts(spec)} |")
    return "\n".join(lines) + "\n"


_ACCEPTS: dict[Callable[[Any, str], Any], str] = {
    _positive: "number > 0",
    _positive_int: "integer > 0",
    _fraction: "number in [0, 1]",
    _nonnegative: "number >= 0",
    _text: "string",
    _text_mapping: "{level: text}",
    _title: "string or list of lines",
    _column: "column name",
    _format: "d3 format",
    _range: "(min, max)",
    _finite: "finite number",
    _finite_list: "list of numbers",
    _bool: "bool",
    _mapping: "mapping",
    _levels: "list of levels",
    _colors: "{level: colour}",
    _color: "colour",
    _size_in: "inches (0, 100]",
    _dpi: "number in (0, 2400]",
    _style: "vf.themes.venue(...)",
    _theme: "name or config",
}
