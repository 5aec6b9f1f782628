"""The public layers take any column name, any id dtype and time x (issue 10, layers).

A layer of a column named ``val.score`` (or ``acc[0]``, ``it's``, ``a:b`` ...) draws
the marks of the same layer of a column named ``score``; series / category ids of
any dtype draw like their string form; internal helper columns never collide with
the user's; datetime / timedelta x draw the same time axis on every machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vegafigs import layers as L
from vegafigs.errors import InputError
from vegafigs.testing import scene_items

ROOT = Path(__file__).resolve().parent.parent
ODD_NAMES = [
    "val.score",
    "acc[0]",
    "it's",
    'say "hi"',
    "a:b",
    "mean(r)",
    "x y",
    "é",
    " lead ",
    "a]b[",
]
BASE = pd.DataFrame(
    {
        "step": [5, 10, 15, 20],
        "score": [55.7, 57.7, 57.1, 56.0],
        "lo": [55.0, 57.0, 56.0, 55.0],
        "hi": [56.0, 58.0, 58.0, 57.0],
        "method": ["A", "A", "B", "B"],
    }
)
KEYS = ("marktype", "fill", "stroke", "path", "width", "height", "strokeDash", "opacity")


def marks(chart) -> list[tuple]:
    """Every drawn non-text item: kind, position, size, colours, path."""
    out = []
    for it in scene_items(chart):
        if it["marktype"] == "text":
            continue
        pos = (round(it["abs_x"], 2), round(it["abs_y"], 2))
        out.append((pos, *(json.dumps(it.get(k)) for k in KEYS)))
    return sorted(out)  # the same picture, whatever order the rows come in


def texts(chart) -> list[tuple]:
    return [
        (t["text"], t.get("fontWeight"), round(t["abs_x"], 1), round(t["abs_y"], 1))
        for t in scene_items(chart, marktype="text")
    ]


def words(chart) -> list:
    return sorted(json.dumps(t["text"]) for t in scene_items(chart, marktype="text"))


LAYERS = {
    "bars": lambda d, y: L.bars(d, x="step", y=y),
    "line": lambda d, y: L.line(d, x="step", y=y, series="method"),
    "points": lambda d, y: L.points(d, x="step", y=y, series="method"),
    "band": lambda d, y: L.band(d.assign(**{y: d[y] - 1}), x="step", lower=y, upper="hi"),
    "labels": lambda d, y: L.value_labels(d, x="step", y=y),
    "trend": lambda d, y: L.trend_line(d, x="step", y=y),
    "labels_q": lambda d, y: L.value_labels(d, x="step", y=y, x_type="Q"),
}


def same_picture(make, name: str, base: pd.DataFrame = BASE, column: str = "score") -> None:
    plain = make(base, column)
    odd = make(base.rename(columns={column: name}), name)
    assert marks(odd) == marks(plain)
    assert words(odd) == sorted(w.replace(column, json.dumps(name)[1:-1]) for w in words(plain))


# ------------------------------------------------------------------ 1. column names
@pytest.mark.parametrize("layer", sorted(LAYERS))
@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_value_column_draws_like_a_plain_one(layer, name):
    same_picture(LAYERS[layer], name)


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_x_and_series_columns_draw_like_plain_ones(name):
    def by_x(d, x):
        return L.bars(d, x=x, y="score") + L.trend_line(d, x=x, y="score")

    same_picture(by_x, name, column="step")

    def by_series(d, s):
        return L.line(d, x="step", y="score", series=s) + L.band(
            d, x="step", lower="lo", upper="hi", series=s
        )

    same_picture(by_series, name, column="method")


def test_odd_path_state_x_y_columns_draw_like_plain_ones():
    df = pd.DataFrame(
        {"traj": [0] * 4 + [1] * 4, "t": [0, 1, 2, 3] * 2,
         "kl": [1.0, 1.2, 0.9, 1.1, 1.0, 0.8, 0.7, 0.9],
         "state": ["alive", "alive", "dead", "dead", "alive", "dead", "dead", "dead"]}
    )  # fmt: skip
    names = {"traj": "p.a[0]", "t": "t.s", "kl": "kl's", "state": "st:ate"}

    def draw(d, n):
        return L.segment_paths(d, x=n["t"], y=n["kl"], path=n["traj"], state=n["state"])

    plain, odd = draw(df, {k: k for k in names}), draw(df.rename(columns=names), names)
    assert marks(odd) == marks(plain)


def test_legend_field_with_an_odd_name_and_named_y():
    for name in ("y", "ref.line", "it's"):
        rule = L.hline(0.5, label="ref", legend_field=name)
        plain = L.hline(0.5, label="ref", legend_field="series")
        assert marks(rule) == marks(plain)


NAME_CHARS = st.sampled_from(list("ab1_.[]'\": ()é-") + ["  ", "ß", "Ж", "α"])


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NAME_CHARS, min_size=1, max_size=8).map("".join))
def test_property_any_column_name_draws_like_score(name):
    assume(name not in BASE.columns and name.strip() != "")
    same_picture(LAYERS["line"], name)
    same_picture(LAYERS["bars"], name)


def test_default_titles_are_the_names_as_written():
    for name in ("val.score", "it's", "a:b", "mean(r)"):
        chart = L.line(BASE.rename(columns={"score": name}), x="step", y=name)
        assert chart.to_dict()["encoding"]["y"]["title"] == name
        assert name in words(chart)[-1] or json.dumps(name) in words(chart)


@pytest.mark.parametrize(
    "frame, match",
    [
        (BASE.set_axis(pd.MultiIndex.from_product([["a"], BASE.columns]), axis=1), "MultiIndex"),
        (BASE.set_axis(["step", "score", "score", "hi", "method"], axis=1), "more than once"),
        (BASE.assign(**{"0": 1}).rename(columns={"0": 0}), "must be strings"),
        (BASE.rename(columns={"score": "a\\b"}), "backslash"),
    ],
)
def test_unreadable_column_names_are_an_input_error(frame, match):
    y = "a\\b" if "a\\b" in frame.columns else "score"
    with pytest.raises(InputError, match=match):
        L.line(frame, x="step", y=y)


# ------------------------------------------------------------------ 2. id dtypes
ID_DTYPES = {
    "int": (pd.Series([1, 1, 2, 2]), ["1", "1", "2", "2"]),
    "int64-nullable": (pd.Series([1, 1, 2, 2], dtype="Int64"), ["1", "1", "2", "2"]),
    "float": (pd.Series([0.5, 0.5, 2.5, 2.5]), ["0.5", "0.5", "2.5", "2.5"]),
    "bool": (pd.Series([True, True, False, False]), ["True", "True", "False", "False"]),
    "boolean": (pd.Series([True, True, False, False], dtype="boolean"),
                ["True", "True", "False", "False"]),
    "categorical": (pd.Series(["b", "b", "a", "a"], dtype=pd.CategoricalDtype(["b", "a"])),
                    ["b", "b", "a", "a"]),
    "string": (pd.Series(["x", "x", "y", "y"], dtype="string"), ["x", "x", "y", "y"]),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(ID_DTYPES))
def test_series_ids_of_any_dtype_draw_like_their_string_form(kind):
    ids, text = ID_DTYPES[kind]
    legend = L.series_legend(highlight=text[-1], font="STIXGeneral")

    def draw(d):
        return (
            L.band(d, x="step", lower="lo", upper="hi", series="method", legend=legend)
            + L.line(d, x="step", y="score", series="method", legend=legend)
            + L.points(d, x="step", y="score", series="method")
        )

    typed, plain = draw(BASE.assign(method=ids)), draw(BASE.assign(method=text))
    assert marks(typed) == marks(plain)
    assert texts(typed) == texts(plain)
    bold = [t[0] for t in texts(typed) if t[1] == "bold" and t[0] in text]
    assert bold == [text[-1]]  # highlight of the last id, in any dtype


def test_highlight_given_as_a_number_bolds_the_integer_run():
    legend = L.series_legend(highlight=1, font="STIXGeneral")
    chart = L.line(BASE.assign(method=[0, 0, 1, 1]), x="step", y="score", series="method",
                   legend=legend)  # fmt: skip
    weights = {t[0]: t[1] for t in texts(chart) if t[0] in ("0", "1")}
    assert weights == {"0": "normal", "1": "bold"}


def test_palette_keys_match_ids_by_string_form_and_fill_the_rest():
    df = BASE.assign(method=[1, 1, 2, 2])
    chart = L.line(df, x="step", y="score", series="method", palette={2: "#ff0000"})
    strokes = {it.get("stroke") for it in scene_items(chart, marktype="line")}
    assert strokes == {"#ff0000", "#1f77b4"}  # 1 keeps its default (first) colour
    same = L.line(df.assign(method=["1", "1", "2", "2"]), x="step", y="score", series="method",
                  palette={"2": "#ff0000"})  # fmt: skip
    assert marks(chart) == marks(same)


@pytest.mark.parametrize(
    "call",
    [
        lambda: L.line(BASE.assign(method=[1, 1, "1", "1"]), x="step", y="score", series="method"),
        lambda: L.bars(BASE.assign(step=[1, "1", 2, 3]), x="step", y="score"),
        lambda: L.line(BASE.assign(method=[1, 1, 2, 2]), x="step", y="score", series="method",
                       palette={1: "red", "1": "blue"}),
    ],
)  # fmt: skip
def test_two_ids_with_one_string_form_are_an_input_error(call):
    with pytest.raises(InputError, match="both drawn as '1'"):
        call()


@pytest.mark.parametrize(
    "steps, order",
    [
        ([1, 2, 3, 4], [2, 1, 4, 3]),
        (["1", "2", "3", "4"], [2, 1, 4, 3]),
        ([1, 2, 3, 4], ["2", "1", "4", "3"]),
        ([1.0, 2.0, 3.0, 4.0], [2, 1, 4, 3]),
        (pd.Series([1, 2, 3, 4], dtype="Int64"), [2, 1, 4, 3]),
    ],
)
def test_category_order_matches_by_string_form(steps, order):
    df = BASE.assign(step=steps)
    chart = L.bars(df, x="step", y="score", order=order) + L.value_labels(
        df, x="step", y="score", order=order
    )
    ref = BASE.assign(step=["1", "2", "3", "4"]).iloc[[1, 0, 3, 2]]
    plain = L.bars(ref, x="step", y="score") + L.value_labels(ref, x="step", y="score")
    assert marks(chart) == marks(plain)
    labels = [t[0] for t in sorted(texts(chart), key=lambda t: t[2]) if t[0] in "1234"]
    assert labels[:4] == ["2", "1", "4", "3"]


def test_category_ids_of_any_dtype_draw_like_their_string_form():
    cats = pd.Series(["b", "a", "c", "d"], dtype=pd.CategoricalDtype(["d", "c", "b", "a"]))
    typed = L.bars(BASE.assign(step=cats), x="step", y="score")
    order = ["d", "c", "b", "a"]
    plain = L.bars(BASE.assign(step=["b", "a", "c", "d"]), x="step", y="score", order=order)
    assert marks(typed) == marks(plain)  # category order kept
    flags = L.bars(BASE.iloc[:2].assign(step=[True, False]), x="step", y="score")
    assert [t[0] for t in texts(flags)][:2] == ["True", "False"]


# ------------------------------------------------------------------ 3. internal names
def test_user_columns_named_like_internal_ones_draw_right():
    same_picture(LAYERS["bars"], "_bar_color_value")
    df = pd.DataFrame(
        {"traj": [0] * 4, "t": [0, 1, 2, 3], "kl": [1.0, 1.2, 0.9, 1.1],
         "state": ["alive", "alive", "dead", "dead"]}
    )  # fmt: skip
    plain = L.segment_paths(df, x="t", y="kl", path="traj", state="state")
    for names in ({"state": "run"}, {"t": "run"}, {"kl": "run"}, {"traj": "run"},
                  {"state": "_t_items"}, {"state": "_kl_items"}, {"t": "_kl_items"}):  # fmt: skip
        d = df.rename(columns=names)
        n = {k: names.get(k, k) for k in df.columns}
        chart = L.segment_paths(d, x=n["t"], y=n["kl"], path=n["traj"], state=n["state"])
        assert marks(chart) == marks(plain), names


def test_stats_box_keys_named_like_its_text_fields():
    plain = L.stats_box({"a": 1.0, "b": 2.0}, keys=["a", "b"], labels=["A:", "B:"], font_size=9)
    odd = L.stats_box({"label": 1.0, "text": 2.0}, keys=["label", "text"], labels=["A:", "B:"],
                      font_size=9)  # fmt: skip
    assert texts(odd) == texts(plain)


# ------------------------------------------------------------------ 4. time x
TIMES = {
    "naive": pd.Series(pd.date_range("2024-05-01 12:00", periods=4, freq="h")),
    "berlin": pd.Series(pd.date_range("2024-05-01 12:00", periods=4, freq="h", tz="Europe/Berlin")),
    "utc": pd.Series(pd.date_range("2024-05-01 12:00", periods=4, freq="h", tz="UTC")),
}


@pytest.mark.parametrize("zone", sorted(TIMES))
def test_datetime_x_shows_the_frames_wall_clock(zone):
    df = BASE.assign(step=TIMES[zone])
    for chart in (
        L.line(df, x="step", y="score", series="method"),
        L.points(df, x="step", y="score"),
        L.band(df, x="step", lower="lo", upper="hi"),
        L.value_labels(df, x="step", y="score", x_type="T"),
    ):
        ticks = [t[0] for t in texts(chart)]
        assert ticks[:3] == ["12 PM", "12:30", "01 PM"], ticks
        assert chart.to_dict()["encoding"]["x"]["scale"]["type"] == "utc"


def test_timedelta_x_is_a_number_with_a_unit():
    df = BASE.assign(step=pd.to_timedelta([0, 1, 2, 3], unit="h"))
    chart = L.line(df, x="step", y="score")
    words_ = [t[0] for t in texts(chart)]
    assert "step (h)" in words_ and "3.0" in words_
    assert not any("P" in w or "e+" in w for w in words_)


def test_x_type_t_reads_text_and_epoch_ms_in_utc():
    iso = BASE.assign(step=["2024-05-01 12:00", "2024-05-01 13:00", "2024-05-01 14:00",
                            "2024-05-01 15:00"])  # fmt: skip
    ms = BASE.assign(step=(TIMES["naive"] - pd.Timestamp(0)) // pd.Timedelta(1, "ms"))
    ref = marks(L.line(BASE.assign(step=TIMES["naive"]), x="step", y="score"))
    assert marks(L.line(iso, x="step", y="score", x_type="T")) == ref
    assert marks(L.line(ms, x="step", y="score", x_type="T")) == ref
    with pytest.raises(InputError, match="x_type"):
        L.line(BASE.assign(step=["soon", "later", "x", "y"]), x="step", y="score", x_type="T")
    with pytest.raises(InputError, match="x_type"):
        L.line(BASE.assign(step=TIMES["naive"]), x="step", y="score", x_type="Q")


def test_missing_times_are_dropped_with_a_warning():
    df = BASE.assign(step=TIMES["naive"].where([True, True, False, True]))
    with pytest.warns(UserWarning, match="dropped 1 row"):
        chart = L.line(df, x="step", y="score")
    assert len(chart.data) == 3


_TZ_SCRIPT = textwrap.dedent(
    """
    import hashlib, json, sys
    import pandas as pd
    import vegafigs as vf
    from vegafigs import layers as L
    from vegafigs.testing import scene_items
    t = pd.Series(pd.date_range("2024-03-10 00:00", periods=6, freq="h", tz="America/Chicago"))
    df = pd.DataFrame({"t": t, "y": [1, 3, 2, 4, 3, 5], "lo": 0.5, "run": [0, 0, 0, 1, 1, 1]})
    chart = (L.band(df.assign(lo=df.y - 1), x="t", lower="lo", upper="y", series="run")
             + L.line(df, x="t", y="y", series="run") + L.points(df, x="t", y="y"))
    labels = [i["text"] for i in scene_items(chart, marktype="text")]
    vf.save(chart, sys.argv[1])
    print(json.dumps(labels))
    """
)


@pytest.mark.slow
def test_time_axis_is_the_same_in_every_time_zone(tmp_path):
    out = {}
    for zone in ("America/New_York", "Asia/Tokyo", "UTC"):
        svg = tmp_path / f"{zone.replace('/', '_')}.svg"
        env = {**os.environ, "TZ": zone, "PYTHONPATH": str(ROOT)}
        run = subprocess.run([sys.executable, "-c", _TZ_SCRIPT, str(svg)], env=env,
                             capture_output=True, text=True, cwd=ROOT, timeout=300)  # fmt: skip
        assert run.returncode == 0, run.stderr
        out[zone] = (
            run.stdout.strip().splitlines()[-1],
            hashlib.sha256(svg.read_bytes()).hexdigest(),
        )
    assert len(set(out.values())) == 1, out
    labels = json.loads(out["UTC"][0])
    assert labels[0] == "Mar 10" and "05 AM" in labels  # the frame's own wall clock


# ------------------------------------------------------------------ 5. sizes
@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_single_row_draws(layer):
    assert marks(LAYERS[layer](BASE.iloc[:1], "score"))


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_empty_frame_is_an_input_error(layer):
    with pytest.raises(InputError, match="empty"):
        LAYERS[layer](BASE.iloc[:0], "score")


CONVERTERS = {
    "int": lambda v: pd.Series(v),
    "Int64": lambda v: pd.Series(v, dtype="Int64"),
    "float": lambda v: pd.Series([x + 0.5 for x in v]),
    "category": lambda v: pd.Series(v).astype("category"),
    "string": lambda v: pd.Series([f"r{x}" for x in v], dtype="string"),
    "object-int": lambda v: pd.Series(v, dtype=object),
}


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(CONVERTERS)),
    st.lists(st.integers(-(2**40), 2**40), min_size=2, max_size=2, unique=True),
)
def test_property_ids_of_any_dtype_draw_like_their_string_form(kind, pair):
    ids = CONVERTERS[kind]([pair[0], pair[0], pair[1], pair[1]])
    text = pd.Series([str(v) for v in ids.astype(object)], dtype=object)
    if kind == "category":  # categories are drawn in category order
        text = pd.Categorical(text, categories=[str(c) for c in ids.cat.categories])
    legend = L.series_legend(highlight=ids.iloc[-1], font="STIXGeneral")
    typed = L.line(BASE.assign(method=ids), x="step", y="score", series="method", legend=legend)
    plain = L.line(BASE.assign(method=text), x="step", y="score", series="method", legend=legend)
    assert marks(typed) == marks(plain)
    assert texts(typed) == texts(plain)


def test_set_axis_passes_title_lines_through():
    chart = L.set_axis(L.line(BASE, x="step", y="score"), "y",
                       title=["Avg", "score"])  # fmt: skip
    assert chart.to_dict()["encoding"]["y"]["title"] == ["Avg", "score"]
    chart = L.set_axis(L.line(BASE.assign(step=TIMES["berlin"]), x="step", y="score"), "x",
                       title="time")  # fmt: skip
    x = chart.to_dict()["encoding"]["x"]
    assert (x["title"], x["scale"]["type"]) == ("time", "utc")
