"""Any column name draws the same picture as a plain one (issue 10, items 1, 8, 10).

Column names with Vega-Lite field syntax (``val.score``, ``acc[0]``, ``a\\b``),
shorthand look-alikes (``a:b``, ``mean(r)``), quotes, spaces, unicode, RTL
and long names, and names vegafigs uses for its own helper columns, are
renamed into each figure's / layer's input: the scenegraph must hold the same
items as with the plain names, and an axis title that defaults to the column
name shows the new name exactly as written.
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import vegafigs as vf

from ._anyinput import (
    ALL_CASES,
    FIGURES,
    INTERNAL_NAMES,
    NAMES,
    PROPS,
    build,
    compare_scenes,
    expect_error,
    renamed,
    scene,
    slow_figures,
    string_ids,
    texts,
)

#: Property tests over whole figures (many renders): in CI's main run, not the
#: minimum-versions run.
pytestmark = pytest.mark.slow

TITLE_ROLES = ("axis-title", "legend-title")


@functools.cache
def _reference(name: str, explicit: bool) -> tuple:
    case = ALL_CASES[name]
    df, levels = string_ids(case)
    kw = {**(case.titles if explicit else {}), **case.level_kw(levels)}
    return tuple(scene(case.build(df, **kw), what=f"{name} (plain names)"))


def _skip(name: str) -> tuple[str, ...]:
    # Layers have no title parameters: their axis titles are the column names.
    return () if name in FIGURES else TITLE_ROLES


def _check_names(name: str, names: list[str]) -> None:
    case = ALL_CASES[name]
    df, levels = string_ids(case)
    df2, cols = renamed(df, case, names)
    what = f"{name}({', '.join(f'{p}={c!r}' for p, c in cols.items())})"
    fig = build(
        lambda: case.build(df2, cols, **case.titles, **case.level_kw(levels)),
        what=what,
        allow=(vf.InputError, vf.FontError),
    )
    if isinstance(fig, BaseException):
        return _check_refusal(fig, list(cols.values()), what=what)
    compare_scenes(scene(fig, what=what), _reference(name, True), what=what, skip_roles=_skip(name))


def _check_refusal(exc: BaseException, names: list[str], *, what: str) -> None:
    """The only refusals allowed: a character no bundled font has (FontError, naming it)
    and a backslash in a column name the layers cannot carry (InputError, naming it)."""
    from vegafigs.themes.text import registered_cmap

    cmap = registered_cmap()
    undrawable = [ch for n in names for ch in n if ord(ch) not in cmap and not ch.isspace()]
    if isinstance(exc, vf.FontError):
        assert undrawable, f"{what}: FontError although the bundled fonts draw every name: {exc}"
        assert any(f"U+{ord(ch):04X}" in str(exc) for ch in undrawable), f"{what}: {exc}"
        return
    assert "backslash" in str(exc) and any("\\" in n for n in names), (
        f"{what}: raised InputError: {exc}"
    )


@pytest.mark.parametrize("name", slow_figures(ALL_CASES))
@PROPS
@given(names=st.lists(NAMES, min_size=5, max_size=5, unique=True))
def test_awkward_column_names_draw_the_same_picture(name, names):
    _check_names(name, names)


@pytest.mark.parametrize("name", slow_figures(ALL_CASES))
@PROPS
@given(names=st.permutations(INTERNAL_NAMES).map(lambda p: list(p[:5])))
def test_internal_column_names_draw_the_same_picture(name, names):
    """A user column named like a helper column vegafigs adds (``smooth``, ``lower`` ...)."""
    _check_names(name, names)


@pytest.mark.parametrize(
    ("name", "names"),
    [
        ("bar_trend", ["val.score", "warmup.steps"]),
        ("bar_trend", ["warmup.steps", "val.score"]),
        ("bar_trend", ["acc[0]", "a\\b"]),
        ("scaling_curves", ["params.b", "val.score", "method", "std"]),
        ("reward_length", ["step", "smooth", "run", "metric"]),
        ("reward_length", ["step", "lower", "run", "metric"]),
        ("training_curves", ["step", "lower", "method", "seed"]),
        ("training_curves", ["step", "upper", "smooth", "n"]),
        ("metric_histograms", ["count", "bin_start"]),
        ("bar_trend", ["label_offset", "_bar_color_value"]),
    ],
)
def test_issue_examples_draw_the_same_picture(name, names):
    """The examples of issue 10 (nested-field names, helper-column collisions)."""
    case = ALL_CASES[name]
    full = names + [c for c in case.cols.values()][len(names) :]
    _check_names(name, full)


#: One column-name set per class of awkward name: a failure names the class.
NAME_CLASSES = {
    "dots": ["val.score", "warmup.steps", "a.b.c", "x.y", "m.n"],
    "brackets": ["acc[0]", "a]b[", "[x]", "q[1][2]", "r[a]"],
    "quotes": ["it's", 'say "hi"', "'q'", '"', "a'\"b"],
    "backslashes": ["a\\b", "\\", "c\\\\d", "\\n", "e\\."],
    "shorthand": ["a:b", "score:Q", "mean(r)", "sum(x)", "x:N"],
    "spaces": [" lead", "trail ", "two words", "  ", "a  b"],
    "unicode": ["é", "µs", "Ω-score", "naïve", "e\u0301"],
    "rtl": ["שלום", "مرحبا", "ציון", "نتيجة", "עברית"],
    "long": ["L" * 70, "M" * 100, "a_very_long_column_name_" * 4, "n" * 40, "o" * 55],
    "expressions": ["datum", "${x}", "datum.x", "undefined", "null"],
}


@pytest.mark.slow
@pytest.mark.parametrize("cls", list(NAME_CLASSES))
@pytest.mark.parametrize("name", list(FIGURES))
def test_each_class_of_names_draws_the_same_picture(name, cls):
    _check_names(name, NAME_CLASSES[cls])


def _title_map(cols_plain: dict, cols_new: dict) -> dict[str, str]:
    return {cols_plain[p]: cols_new[p] for p in cols_plain}


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(
    "name", slow_figures([n for n, c in ALL_CASES.items() if c.title_cols or n not in FIGURES])
)
@PROPS
@given(names=st.lists(NAMES, min_size=5, max_size=5, unique=True))
def test_default_axis_titles_show_the_name_as_written(name, names):
    """Without explicit titles the axis titles are the new names, unescaped; the rest is equal."""
    case = ALL_CASES[name]
    df, levels = string_ids(case)
    df2, cols = renamed(df, case, names)
    what = f"{name}({', '.join(f'{p}={c!r}' for p, c in cols.items())}) with default titles"
    got = build(
        lambda: case.build(df2, cols, **case.level_kw(levels)),
        what=what,
        allow=(vf.InputError, vf.FontError),
    )
    if isinstance(got, BaseException):
        return _check_refusal(got, list(cols.values()), what=what)
    items = scene(got, what=what)
    ref = _reference(name, False)
    mapping = _title_map(dict(case.cols), cols)
    want_titles = sorted(
        _squash(", ".join(mapping.get(part, part) for part in " ".join(i.lines).split(", ")))
        for i in ref
        if i.marktype == "text" and i.role in TITLE_ROLES
    )
    got_titles = sorted(
        _squash(" ".join(i.lines)) for i in items if i.marktype == "text" and i.role in TITLE_ROLES
    )
    assert got_titles == want_titles, f"{what}: axis titles {got_titles}, expected {want_titles}"
    # Same tick labels, legend labels, value labels; same number and paint of marks.
    other = [r for r in ("axis-label", "legend-label", "title-text") if r]
    for role in other:
        assert texts(items, role) == texts(ref, role), (
            f"{what}: {role} texts {texts(items, role)}, expected {texts(ref, role)}"
        )
    paint = lambda its: sorted(  # noqa: E731
        (i.marktype, str(i.get("fill")), str(i.get("stroke"))) for i in its if i.role == "mark"
    )
    assert paint(items) == paint(ref), f"{what}: the drawn marks differ from the plain names'"


@pytest.mark.parametrize(
    "columns",
    [
        pd.MultiIndex.from_tuples([("a", "cat"), ("a", "score")]),
        pd.Index([0, 1]),
        pd.Index(["cat", "cat"]),
    ],
    ids=["multiindex", "int-names", "duplicated"],
)
def test_unusable_column_names_are_an_input_error(columns):
    df = pd.DataFrame([["a", 1.0], ["b", 2.0]])
    df.columns = columns
    x, y = columns[0], columns[1] if len(set(columns)) > 1 else columns[0]
    expect_error(
        lambda: vf.figures.bar_trend(df, x=x, y=y), vf.InputError, what=f"columns {list(columns)}"
    )
