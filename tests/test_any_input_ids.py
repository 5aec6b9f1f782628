"""Series / run / panel / category ids of any dtype draw like their string form (issue 10, item 2).

Each figure and layer is built with its id columns as int, bool, float,
categorical, pandas nullable ``Int64`` / ``"string"`` / ``"boolean"`` values
(and the parameters naming levels — ``highlight``, ``order``, ``palette``,
``panels`` — given as the same non-string values), and with the same frame
after ``df[col].astype(str)`` (parameters as strings): the two scenegraphs must
be equal, colours, order and the bold highlight label included. Two values
with one string form (``1`` and ``"1"``) are an ``InputError``.
"""

from __future__ import annotations

import pandas as pd
import pytest

import vegafigs as vf

from ._anyinput import (
    ALL_CASES,
    ID_KINDS,
    build,
    compare_scenes,
    expect_error,
    scene,
    slow_figures,
    typed_ids,
)

#: Property tests over whole figures (many renders): in CI's main run, not the
#: minimum-versions run.
pytestmark = pytest.mark.slow

ID_CASES = [n for n, c in ALL_CASES.items() if c.ids]
#: Layers whose float categories stay numbers (Vega writes them: 10.0 as "10").
FLOATS_AS_NUMBERS = {"layers.bars", "layers.trend_line", "layers.value_labels"}


@pytest.mark.parametrize("kind", list(ID_KINDS))
@pytest.mark.parametrize("name", slow_figures(ID_CASES))
def test_typed_ids_draw_like_their_string_form(name, kind):
    case = ALL_CASES[name]
    df, levels, ref, str_levels = typed_ids(case, kind)
    what = f"{name} with {kind} ids {levels}"
    want = build(lambda: case.build(ref, **case.level_kw(str_levels)), what=f"{what} as strings")
    if name in FLOATS_AS_NUMBERS and kind == "float":
        pytest.skip("a float category of a layer is drawn as a number (10.0 as '10'), so that "
                    "an ordinal x of model sizes keeps its numeric domain")  # fmt: skip
    fig = build(lambda: case.build(df, **case.level_kw(levels)), what=what)
    got, ref_items = scene(fig, what=what), scene(want, what=f"{what} as strings")
    if name == "layers.segment_paths" and kind in ("int", "Int64"):
        # Integer path ids are stacked in numeric order (2 under 10), their strings in
        # text order: the same lines and points, only drawn in another order.
        def flat(items):  # the items without the index of the path (node) they are in
            return sorted(repr((i.marktype, i.role, i.mark, i.props)) for i in items)

        assert flat(got) == flat(ref_items), f"{what}: the drawn items differ"
        return
    compare_scenes(got, ref_items, what=what)


@pytest.mark.parametrize("kind", ["int", "bool", "Int64"])
@pytest.mark.parametrize("name", ["scaling_curves", "training_curves"])
def test_highlight_given_as_the_typed_value_is_bold(name, kind):
    """``highlight=1`` with integer ids makes exactly that legend label bold."""
    case = ALL_CASES[name]
    df, levels, _, str_levels = typed_ids(case, kind)
    target = levels["series"][-1]
    fig = build(lambda: case.build(df, highlight=target), what=f"{name}(highlight={target!r})")
    labels = [
        (i.get("text"), i.get("fontWeight"))
        for i in scene(fig, what=name)
        if i.marktype == "text" and i.role == "legend-label"
    ]
    bold = [t for t, w in labels if w in ("bold", 700, "700")]
    assert bold == [str_levels["series"][-1]], (
        f"{name}(highlight={target!r}) with {kind} ids: bold legend labels {bold}, labels {labels}"
    )


@pytest.mark.parametrize("kind", ["int", "bool", "Int64", "float"])
@pytest.mark.parametrize("name", ["reward_length", "training_curves", "layers.line"])
def test_typed_series_are_coloured(name, kind):
    """Integer run ids: every line has its own colour (issue 10: all lines had none)."""
    case = ALL_CASES[name]
    df, levels, _, _ = typed_ids(case, kind)
    fig = build(lambda: case.build(df), what=f"{name} with {kind} ids")
    strokes = {
        i.get("stroke") for i in scene(fig, what=name) if i.role == "mark" and i.marktype == "line"
    }
    strokes.discard(None)
    assert len(strokes) >= len(levels["series"]), (
        f"{name} with {kind} ids {levels['series']}: line colours {sorted(map(str, strokes))}"
    )


MIXES = {"1 and '1'": [1, "1"], "True and 'True'": [True, "True"]}


@pytest.mark.parametrize("mix", list(MIXES))
@pytest.mark.parametrize(("name", "param"), [(n, p) for n in ID_CASES for p in ALL_CASES[n].ids])
def test_two_ids_with_one_string_form_are_an_input_error(name, param, mix):
    case = ALL_CASES[name]
    df = case.frame(2)
    col = case.cols[param]
    values = MIXES[mix]
    df[col] = pd.Series([values[k] for k in df[col]], dtype=object)
    expect_error(
        lambda: case.build(df),
        vf.InputError,
        what=f"{name} with {param} column {col!r} holding {mix}",
        mentions=(col,),
    )


@pytest.mark.parametrize("name", ID_CASES)
def test_missing_id_is_an_input_error(name):
    case = ALL_CASES[name]
    df = case.frame(2)
    col = case.cols[case.ids[0]]
    df[col] = pd.array([None if k == 1 else k for k in df[col]], dtype="Int64")
    expect_error(
        lambda: case.build(df), vf.InputError, what=f"{name} with <NA> in {col!r}", mentions=(col,)
    )
