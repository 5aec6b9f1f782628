"""training_curves and reward_length take any frame (issue 10): any column name, ids of
any dtype, user columns named like the figures' own, datetime / timedelta x, long run
names, one-step runs. Each fixed case is compared with the plain-name / string-id
picture through vl-convert's scenegraph."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vegafigs as vf
from vegafigs.errors import InputError
from vegafigs.testing import drawn_texts, scene_items
from vegafigs.themes import text_width

TC_DF = vf.demo.training_curve(n_steps=12)
RL_DF = vf.demo.rl_logs(n_steps=30)
ROOT = Path(__file__).resolve().parent.parent

#: Column names Vega-Lite reads specially, or that break expressions, or are odd.
ODD = ["train.step", "val.score", "acc[0]", 'q"uote', "it's", "a\\b", "x:Q", "mean(r)",
       "run,id", "two words", "ünï→", "line\nbreak", "=1+1", "datum", "a\u2028b",
       " lead"]  # fmt: skip
#: Names of columns the figures add themselves.
INTERNAL = ["smooth", "lower", "upper", "n", "raw", "hover_y", "m0_value", "m1_smooth",
            "_lower", "x", "y", "series", "seed", "panel", "lo", "hi", "__s", "value",
            "step", "run", "metric"]  # fmt: skip


def picture(fig) -> list[tuple]:
    """What the reader sees: every drawn item's kind, place, colours, path and text."""
    out = []
    for i in scene_items(fig):
        out.append((i["marktype"], round(i["abs_x"], 2), round(i["abs_y"], 2), i.get("stroke"),
                    i.get("fill"), i.get("path"), str(i.get("text")), i.get("font"),
                    i.get("fontWeight"), i.get("opacity"), i.get("strokeDash")))  # fmt: skip
    return out


def tc(df=TC_DF, *, x="step", y="accuracy", series="method", seed="seed", **kw):
    kw.setdefault("x_title", "step")
    kw.setdefault("y_title", "accuracy")
    return vf.figures.training_curves(df, x=x, y=y, series=series, seed=seed, **kw)


def rl(df=RL_DF, **kw):
    # The default x title is the x column's (as the y titles are given, below).
    kw.setdefault("x_title", "Training step")
    return vf.figures.reward_length(df, **kw)


def _renamed(df, names):
    return df.rename(columns=names)


@pytest.fixture(scope="module")
def tc_plain():
    return picture(tc(highlight="SDPO"))


@pytest.fixture(scope="module")
def rl_plain():
    return {layout: picture(rl(layout=layout, band="std")) for layout in ("panels", "dual")}


# ---------------------------------------------------------------- column names
@pytest.mark.parametrize("i", range(0, len(ODD), 3))
def test_training_curves_odd_column_names_draw_the_plain_picture(tc_plain, i):
    x, y, s = (ODD * 2)[i : i + 3]
    df = _renamed(TC_DF, {"step": x, "accuracy": y, "method": s})
    fig = tc(df, x=x, y=y, series=s, highlight="SDPO")
    assert picture(fig) == tc_plain
    assert list(fig.data["curves"].columns) == [s, x, y, "lower", "upper", "n"]
    assert list(fig.data["runs"].columns) == [s, "seed", x, y, "smooth"]


@pytest.mark.parametrize("layout", ["panels", "dual"])
@pytest.mark.parametrize("i", [0, 4, 8, 12])
def test_reward_length_odd_column_names_draw_the_plain_picture(rl_plain, layout, i):
    x, y, s, p = (ODD * 2)[i : i + 4]
    df = _renamed(RL_DF, {"step": x, "value": y, "run": s, "metric": p})
    fig = rl(df, x=x, y=y, series=s, panel=p, layout=layout, band="std")
    assert picture(fig) == rl_plain[layout]
    assert list(fig.data["curves"].columns) == [p, s, x, y, "smooth", "lower", "upper"]


def test_a_column_name_with_a_line_break_is_a_two_line_default_title():
    df = _renamed(TC_DF, {"step": "train\nstep"})
    texts = drawn_texts(tc(df, x="train\nstep", x_title=None))
    assert "train" in texts and "step" in texts


def test_inline_csv_escapes_parse_keys_and_quotes_header_cells():
    df = _renamed(TC_DF, {"step": 'a,"b"', "accuracy": "val.score"})
    df = df.assign(method=df.method.map({"SDPO": 'S,"D"', "GRPO": "G"}))
    fig = tc(df, x='a,"b"', y="val.score")
    spec = vf.to_spec(fig)
    csv = next(v for v in spec["datasets"].values() if isinstance(v, str))
    assert csv.startswith('method,"a,""b""",val.score,')
    assert '\n"S,""D""",' in csv
    parse = spec["data"]["format"]["parse"]
    assert set(parse) == {'a,\\"b\\"', "val\\.score", "lower", "upper"}
    assert 'S,"D"' in drawn_texts(fig)


def test_control_characters_in_names_and_ids_are_an_input_error():
    df = _renamed(TC_DF, {"step": "st\x07ep"})
    with pytest.raises(InputError, match=r"x: .*U\+0007"):
        tc(df, x="st\x07ep")
    with pytest.raises(InputError, match=r"column 'method'.*U\+0000"):
        tc(TC_DF.assign(method=TC_DF.method.str.replace("SDPO", "SD\x00PO")))


def test_non_string_or_duplicated_column_names_are_an_input_error():
    df = TC_DF.copy()
    df.columns = ["method", "seed", "step", "accuracy"][: len(df.columns)]
    dup = pd.concat([df, df[["accuracy"]]], axis=1)
    with pytest.raises(InputError, match="more than once"):
        tc(dup)
    with pytest.raises(InputError, match="different columns"):
        tc(x="accuracy")


# ---------------------------------------------------------------- ids of any dtype
IDS = {"SDPO": 1, "GRPO": 2}
CONVERSIONS = {
    "int": lambda s: s.map(IDS),
    "int8": lambda s: s.map(IDS).astype(np.int8),
    "Int64": lambda s: s.map(IDS).astype("Int64"),
    "category": lambda s: s.map(IDS).astype("category"),
    "object-int": lambda s: s.map(IDS).astype(object),
}


@pytest.fixture(scope="module")
def tc_string_ids():
    df = TC_DF.assign(method=TC_DF.method.map({k: str(v) for k, v in IDS.items()}))
    return picture(tc(df, highlight="2", palette={"1": "#d62728"}, order=["2", "1"]))


@pytest.mark.parametrize("kind", sorted(CONVERSIONS))
def test_training_curves_ids_of_any_dtype_draw_like_their_strings(tc_string_ids, kind):
    df = TC_DF.assign(method=CONVERSIONS[kind](TC_DF.method))
    fig = tc(df, highlight=2, palette={1: "#d62728"}, order=[2, 1])
    assert picture(fig) == tc_string_ids
    assert set(fig.data["curves"]["method"]) == {1, 2}  # the user's own ids in the data


@pytest.mark.parametrize("kind", ["int", "bool", "category", "string"])
def test_reward_length_ids_of_any_dtype_draw_like_their_strings(kind):
    runs = {"GRPO": 1, "GRPO + KL": 0}
    metrics = {"reward": 0, "response_length": 1}
    conv = {"int": lambda s, m: s.map(m), "bool": lambda s, m: s.map(m).astype(bool),
            "category": lambda s, m: s.map(m).astype("category"),
            "string": lambda s, m: s.map(m).astype(str).astype("string")}[kind]  # fmt: skip
    df = RL_DF.assign(run=conv(RL_DF.run, runs), metric=conv(RL_DF.metric, metrics))
    text = RL_DF.assign(run=conv(RL_DF.run, runs).astype(str),
                        metric=conv(RL_DF.metric, metrics).astype(str))  # fmt: skip
    first, second = (text.metric.iloc[0], text.metric[text.metric != text.metric.iloc[0]].iloc[0])
    kw = {"panel_titles": {first: "Reward", second: "Response length"}}
    order = list(dict.fromkeys(df.run))  # a categorical's own order is its categories'
    want = picture(rl(text, panels=[first, second], order=[str(o) for o in order], **kw))
    raw_first = df.metric.iloc[0]
    raw_second = df.metric[df.metric != raw_first].iloc[0]
    got = rl(df, panels=[raw_first, raw_second], order=order,
             panel_titles={raw_first: "Reward", raw_second: "Response length"})  # fmt: skip
    assert picture(got) == want
    lines = [i for i in scene_items(got) if i["marktype"] == "line" and i.get("stroke")]
    assert len({i["stroke"] for i in lines}) >= 2  # both runs drawn, in two colours


def test_a_categorical_series_takes_its_category_order():
    cats = pd.CategoricalDtype(["SDPO", "GRPO"])
    fig = tc(TC_DF.assign(method=TC_DF.method.astype(cats)))
    texts = [t for t in drawn_texts(fig) if t in ("SDPO", "GRPO")]
    assert texts == ["SDPO", "GRPO"]
    flipped = pd.CategoricalDtype(["GRPO", "SDPO"])
    fig = tc(TC_DF.assign(method=TC_DF.method.astype(flipped)))
    assert [t for t in drawn_texts(fig) if t in ("SDPO", "GRPO")] == ["GRPO", "SDPO"]


def test_two_ids_with_one_string_form_are_an_input_error():
    df = TC_DF.assign(method=TC_DF.method.map({"SDPO": 1, "GRPO": "1"}).astype(object))
    with pytest.raises(InputError, match=r"column 'method' has values 1 and '1'"):
        tc(df)
    df = RL_DF.assign(run=RL_DF.run.map({"GRPO": 1, "GRPO + KL": "1"}).astype(object))
    with pytest.raises(InputError, match=r"column 'run' has values"):
        rl(df)


# ---------------------------------------------------------------- internal column names
def test_user_columns_named_like_internal_ones_draw_the_plain_picture(tc_plain, rl_plain):
    df = _renamed(RL_DF, {"value": "smooth"})
    assert picture(rl(df, y="smooth", band="std")) == rl_plain["panels"]
    df = _renamed(RL_DF, {"value": "lower", "run": "upper"})
    fig = rl(df, y="lower", series="upper", band="std", layout="dual")
    assert picture(fig) == rl_plain["dual"]
    assert list(fig.data["curves"].columns) == [
        "metric", "upper", "step", "lower", "_smooth", "_lower", "_upper"
    ]  # fmt: skip
    df = _renamed(TC_DF, {"accuracy": "lower", "seed": "n"})
    fig = tc(df, y="lower", seed="n", highlight="SDPO")
    assert picture(fig) == tc_plain
    assert list(fig.data["curves"].columns) == ["method", "step", "lower", "_lower", "_upper",
                                                "_n"]  # fmt: skip


def test_precomputed_bounds_named_like_the_drawn_ones():
    one = TC_DF[TC_DF.seed == 0].drop(columns="seed")
    plain = one.assign(lo=one.accuracy - 0.01, hi=one.accuracy + 0.01)
    want = picture(tc(plain, seed=None, lower="lo", upper="hi"))
    odd = plain.rename(columns={"lo": "upper", "hi": "lower", "accuracy": "smooth"})
    got = tc(odd, y="smooth", seed=None, lower="upper", upper="lower")
    assert picture(got) == want


NAMES = st.lists(st.sampled_from(INTERNAL + ODD), min_size=4, max_size=4, unique=True)


@pytest.mark.slow
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(names=NAMES)
def test_any_column_names_draw_the_plain_picture(tc_plain, rl_plain, names):
    x, y, s, other = names
    df = _renamed(TC_DF, {"step": x, "accuracy": y, "method": s, "seed": other})
    fig = tc(df, x=x, y=y, series=s, seed=other, highlight="SDPO")
    assert picture(fig) == tc_plain
    assert {x, y, s, other} <= set(fig.data["runs"].columns)
    df = _renamed(RL_DF, {"step": x, "value": y, "run": s, "metric": other})
    fig = rl(df, x=x, y=y, series=s, panel=other, band="std", layout="dual")
    assert picture(fig) == rl_plain["dual"]
    assert {x, y, s, other} <= set(fig.data["curves"].columns)


# ---------------------------------------------------------------- time x
def _timed(df, *, tz=None):
    t0 = pd.Timestamp("2024-05-01 12:00", tz=tz)
    return df.assign(time=t0 + pd.to_timedelta(df.step * 3, unit="s"))


def test_datetime_x_gives_a_time_axis_with_wall_clock_labels():
    naive = tc(_timed(TC_DF), x="time", x_title=None, width_in=3.3, height_in=2.4)
    aware = tc(_timed(TC_DF, tz="Asia/Tokyo"), x="time", x_title=None, width_in=3.3,
               height_in=2.4)  # fmt: skip
    assert picture(naive) == picture(aware)  # the zone's own wall-clock time
    texts = drawn_texts(naive)
    assert "12 PM" in texts and "time" in texts
    spec = vf.to_spec(aware)
    x = spec["layer"][1]["encoding"]["x"]
    assert x["type"] == "temporal" and x["scale"]["type"] == "utc"
    assert str(aware.data["curves"]["time"].dt.tz) == "Asia/Tokyo"
    csv = next(v for v in spec["datasets"].values() if isinstance(v, str))
    assert csv.splitlines()[1].split(",")[1] == "1714564800000"  # exact epoch ms


def test_timedelta_x_gives_a_duration_axis_in_a_fitting_unit():
    df = RL_DF.assign(elapsed=pd.to_timedelta(RL_DF.step * 300, unit="s"))
    fig = rl(df, x="elapsed", x_title=None)
    texts = drawn_texts(fig)
    assert "elapsed (h)" in texts
    assert not any(t.endswith("m") for t in texts if t[:1].isdigit())  # no "500m"
    assert fig.data["curves"]["elapsed"].dtype.kind == "m"
    with pytest.raises(InputError, match="x_domain"):
        rl(df, x="elapsed", x_domain=(0, 1))


def test_time_x_keeps_the_zoom_and_hover_of_the_html():
    import vl_convert as vlc

    for layout in ("panels", "dual"):
        fig = rl(_timed(RL_DF, tz="UTC"), x="time", layout=layout)
        spec = vf.to_spec(fig)
        assert any(p.get("name") == "zoom" and p.get("bind") == "scales"
                   for p in spec.get("params", []))  # fmt: skip
        vlc.vegalite_to_vega(spec)  # compiles


SVG_SCRIPT = """
import sys, pandas as pd, vegafigs as vf
from vegafigs.export import render
df = vf.demo.training_curve(n_steps=12)
df = df.assign(time=pd.Timestamp("2024-05-01 23:30", tz="America/New_York")
               + pd.to_timedelta(df.step * 3, unit="s"))
sys.stdout.buffer.write(render(vf.figures.training_curves(df, x="time", y="accuracy",
                        series="method", seed="seed"), "svg"))
"""


@pytest.mark.slow
def test_time_axis_svg_is_the_same_in_every_time_zone():
    out = []
    for zone in ("America/New_York", "Asia/Tokyo"):
        env = {**os.environ, "TZ": zone}
        proc = subprocess.run([sys.executable, "-c", SVG_SCRIPT], cwd=ROOT, env=env,
                              capture_output=True, check=True)  # fmt: skip
        out.append(proc.stdout)
    assert out[0] == out[1] and b"<svg" in out[0]


# ---------------------------------------------------------------- long names
LONG = {"SDPO": "Qwen-2.5-7B-Instruct-SDPO-lr3e-6-warmup-100",
        "GRPO": "Qwen-2.5-7B-Instruct-GRPO-lr1e-6-warmup-50"}  # fmt: skip


def _legend_lines(fig):
    return [i for i in scene_items(fig, marktype="text") if "legend" in str(i.get("mark", ""))
            or isinstance(i.get("text"), list)]  # fmt: skip


@pytest.mark.parametrize("which", ["tc", "rl"])
def test_long_run_names_are_shown_whole_inside_the_figure(which):
    if which == "tc":
        fig = tc(TC_DF.assign(method=TC_DF.method.map(LONG)), width_in=3.3, height_in=2.6,
                 highlight=LONG["SDPO"])  # fmt: skip
        names = list(LONG.values())
    else:
        runs = {r: f"{r}-Qwen-2.5-7B-Instruct-lr1e-6-seed-0" for r in RL_DF.run.unique()}
        fig = rl(RL_DF.assign(run=RL_DF.run.map(runs)), width_in=3.3, height_in=2.4,
                 layout="dual")  # fmt: skip
        names = list(runs.values())
    cfg = fig.theme
    font = cfg["legend"].get("labelFont", cfg.get("font"))
    size = cfg["legend"].get("labelFontSize", 10)
    shown = {}
    for item in scene_items(fig, marktype="text"):
        lines = item["text"] if isinstance(item["text"], list) else [item["text"]]
        joined = "".join(lines)
        if joined in names:
            shown[joined] = item
            for line in lines:  # every line ends inside the figure
                right = item["abs_x"] + text_width(line, font=font, size=size, bold=True)
                assert right <= fig.width_in * 72 + 0.5, (line, right)
    assert sorted(shown) == sorted(names)
    assert all(it.get("limit", 0) == 0 for it in shown.values())  # never ellipsized


# ---------------------------------------------------------------- empty and tiny inputs
def test_empty_frames_are_an_input_error():
    with pytest.raises(InputError, match="empty"):
        tc(TC_DF.iloc[:0])
    with pytest.raises(InputError, match="empty"):
        rl(RL_DF.iloc[:0])


def test_one_row_and_one_step_runs_are_drawn_as_dots():
    fig = tc(TC_DF.iloc[:1])
    assert "point" in fig.layers
    symbols = [i for i in scene_items(fig, marktype="symbol") if i.get("fill") == "#1f77b4"]
    assert symbols  # the one value is visible
    lone = pd.concat(
        [
            TC_DF[TC_DF.method == "SDPO"],
            TC_DF[(TC_DF.method == "GRPO") & (TC_DF.step == TC_DF.step.iloc[1])],
        ]
    )
    fig = tc(lone)
    assert {"point", "point_band"} <= set(fig.layers)
    df = pd.concat([RL_DF[RL_DF.run == "GRPO"], RL_DF[(RL_DF.run != "GRPO") & (RL_DF.step == 5)]])
    fig = rl(df)
    assert any(i["marktype"] == "symbol" and i.get("mark", "").endswith("marks")
               for i in scene_items(fig))  # fmt: skip


def test_a_single_run_draws_one_coloured_line():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = tc(TC_DF[TC_DF.method == "SDPO"])
        lines = [i for i in scene_items(fig, marktype="line") if i.get("stroke")]
    assert {i["stroke"] for i in lines} == {"#1f77b4"}
    fig = rl(RL_DF[RL_DF.run == "GRPO"])
    assert drawn_texts(fig).count("GRPO") == 1
