"""bar_trend and metric_histograms take any frame; category labels never overlap or get cut.

Pictures are checked in vl-convert's scenegraph: the marks of odd column names /
non-string ids against the same data with plain names / string ids, and the
category labels' boxes (measured in the bundled font, rotated as drawn).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs.errors import InputError
from vegafigs.layers._wrap import layout_labels, pieces, split_lines
from vegafigs.testing import scene_items
from vegafigs.themes import text_width

QWEN = ["Qwen-2.5-0.5B", "Qwen-2.5-1.5B", "Qwen-2.5-3B", "Qwen-2.5-7B", "Qwen-2.5-14B"]
ODD_NAMES = ["val.score", "acc[0]", "a\\b", "it's", 'say "x"', "a:b", "mean(r)", "x y", "é ü",
             " pad "]  # fmt: skip


def _bars(cats: list[Any], values: list[float] | None = None, **kw: Any) -> vf.Figure:
    values = values if values is not None else [40.0 + 3 * i for i in range(len(cats))]
    df = pd.DataFrame({"model": cats, "score": values})
    return vf.figures.bar_trend(df, x="model", y="score", **kw)


# ---------------------------------------------------------------- label geometry
def _lines(item: dict[str, Any]) -> list[str]:
    text = item.get("text")
    return [str(t) for t in text] if isinstance(text, list) else [str(text)]


def _corners(item: dict[str, Any]) -> list[tuple[float, float]]:
    """The corners of a text item's box (Vega's: font size high per line), rotated as drawn."""
    lines, size = _lines(item), float(item["fontSize"])
    width = max(text_width(ln, font=item["font"], size=size) for ln in lines)
    height = size + float(item.get("lineHeight") or size) * (len(lines) - 1)
    x0 = {"center": -width / 2, "right": -width}.get(item.get("align", "left"), 0.0)
    y0 = {"middle": -height / 2, "bottom": -height}.get(item.get("baseline", "alphabetic"), 0.0)
    if item.get("baseline") == "alphabetic":
        y0 = -size * 0.8
    a = math.radians((float(item.get("angle") or 0) + 180) % 360 - 180)
    out = []
    for dx, dy in ((x0, y0), (x0 + width, y0), (x0 + width, y0 + height), (x0, y0 + height)):
        out.append(
            (
                item["abs_x"] + dx * math.cos(a) - dy * math.sin(a),
                item["abs_y"] + dx * math.sin(a) + dy * math.cos(a),
            )
        )
    return out


def _apart(p: list[tuple[float, float]], q: list[tuple[float, float]]) -> bool:
    """Two convex boxes do not intersect (a separating axis among their edges' normals)."""
    for poly in (p, q):
        for i in range(4):
            (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % 4]
            nx, ny = y2 - y1, x1 - x2
            a = [nx * x + ny * y for x, y in p]
            b = [nx * x + ny * y for x, y in q]
            if max(a) <= min(b) + 1e-6 or max(b) <= min(a) + 1e-6:
                return True
    return False


def _scene(fig: vf.Figure) -> tuple[list[dict[str, Any]], tuple[float, float], tuple[float, float]]:
    """Drawn items (with their mark's ``role``, positions on the canvas), canvas size, origin."""
    import vl_convert as vlc

    from vegafigs.export import to_spec

    graph = vlc.vegalite_to_scenegraph(to_spec(fig))
    ox, oy = graph["origin"]
    found: list[dict[str, Any]] = []

    def walk(node: dict[str, Any], x: float, y: float, mark: dict[str, Any] | None) -> None:
        if "marktype" in node:
            for item in node.get("items", []):
                walk(item, x, y, node)
            return
        ax, ay = x + float(node.get("x", 0) or 0), y + float(node.get("y", 0) or 0)
        if mark is not None:
            found.append({**node, "marktype": mark["marktype"], "role": mark.get("role"),
                          "abs_x": ax, "abs_y": ay})  # fmt: skip
        for child in node.get("items", []):
            walk(child, ax, ay, None)

    walk(graph["scenegraph"], float(ox), float(oy), None)
    return found, (float(graph["width"]), float(graph["height"])), (float(ox), float(oy))


def _category_labels(fig: vf.Figure, cats: list[str]) -> list[dict[str, Any]]:
    """The x axis label items of ``fig`` (the labels of the bottom axis), in axis order."""
    items, _, _ = _scene(fig)
    labels = [it for it in items if it["role"] == "axis-label"]
    wanted = {re.sub(r"\s", "", c) for c in cats}
    found = [it for it in labels if re.sub(r"\s", "", "".join(_lines(it))) in wanted]
    return sorted(found, key=lambda it: it["abs_x"])


def assert_labels_readable(fig: vf.Figure, cats: list[str]) -> list[dict[str, Any]]:
    """Every category has one label, whole (its lines join to it), inside the canvas, apart."""
    items = _category_labels(fig, cats)
    joined = [re.sub(r"\s", "", "".join(_lines(it))) for it in items]
    assert joined == [re.sub(r"\s", "", c) for c in cats]
    for it, cat in zip(items, cats, strict=True):
        lines = _lines(it)
        assert all(ln in cat for ln in lines), (lines, cat)  # no ellipsis, nothing left out
        assert not it.get("limit"), "Vega's ellipsis truncation must be off"
    _, (w, h), _ = _scene(fig)
    assert abs(w - fig.width_in * 72) < 1 and abs(h - fig.height_in * 72) < 1
    boxes = [_corners(it) for it in items]
    for box, cat in zip(boxes, cats, strict=True):
        for x, y in box:
            assert -0.5 <= x <= w + 0.5 and -0.5 <= y <= h + 0.5, (cat, x, y, w, h)
    for i in range(len(boxes) - 1):
        assert _apart(boxes[i], boxes[i + 1]), (cats[i], cats[i + 1])
    return items


@pytest.mark.parametrize("width_in", [3.3, 6.75])
def test_qwen_labels_whole_and_apart(width_in: float) -> None:
    fig = _bars(QWEN, width_in=width_in)
    items = assert_labels_readable(fig, QWEN)
    if width_in == 6.75:  # room enough: drawn as they are
        assert all(_lines(it) == [c] for it, c in zip(items, QWEN, strict=True))
    else:  # wrapped at a dash, still horizontal and at the theme's size
        assert all(len(_lines(it)) == 2 and not it["angle"] for it in items)
        assert {it["fontSize"] for it in items} == {fig.theme["axis"]["labelFontSize"]}


def test_figure_keeps_its_size_when_labels_wrap(tmp_path: Any) -> None:
    from PIL import Image

    plain = _bars(["a", "b", "c", "d", "e"], width_in=3.3)
    long = _bars(QWEN, width_in=3.3)
    for name, fig in (("plain", plain), ("long", long)):
        vf.save(fig, tmp_path / f"{name}.png", dpi=100)
    sizes = {Image.open(tmp_path / f"{n}.png").size for n in ("plain", "long")}
    assert len(sizes) == 1
    (size,) = sizes
    assert abs(size[0] - 330) <= 1 and abs(size[1] - 230) <= 1
    # the plot made room below for the second line of the labels
    tops = [min(it["abs_y"] for it in _category_labels(f, c)) for f, c in
            ((plain, list("abcde")), (long, QWEN))]  # fmt: skip
    assert tops[1] < tops[0]


def test_many_long_labels_rotate() -> None:
    cats = [f"{m}-{s}" for m in ("Llama3", "Qwen2.5", "Mistral") for s in ("0.5B", "1.5B", "7B")]
    cats = [f"{c}-Instruct-v0.{i}" for i, c in enumerate(cats)]
    fig = _bars(cats, width_in=3.3, height_in=3.0, label_format=".0f")
    items = assert_labels_readable(fig, cats)
    assert {(float(it["angle"]) + 180) % 360 - 180 for it in items} in ({-45.0}, {-90.0})


def test_very_long_label_without_separators() -> None:
    long = "A" * 30 + "Z" * 30
    fig = _bars([long], width_in=3.3)
    (item,) = assert_labels_readable(fig, [long])
    assert "".join(_lines(item)) == long


def test_thirty_categories_at_column_width() -> None:
    cats = [f"cat {i}" for i in range(30)]
    fig = _bars(cats, width_in=3.3, labels=False)
    items = assert_labels_readable(fig, cats)
    assert len(items) == 30 and {it["fontSize"] for it in items} == {5.0}
    # with their value labels the 30 bars are too narrow: said, not drawn on top of each other
    with pytest.raises(InputError, match=r"^labels: the value labels '40.00' and '43.00' would"):
        _bars(cats, width_in=3.3)


def test_value_labels_fit_or_error() -> None:
    cats = [f"c{i}" for i in range(12)]
    fig = _bars(cats, width_in=3.3, label_format=".0f")
    items, _, _ = _scene(fig)
    values = [it for it in items if it["marktype"] == "text" and it["role"] == "mark"]
    boxes = [_corners(it) for it in values]
    assert len(boxes) == 12
    for i in range(11):
        assert _apart(boxes[i], boxes[i + 1])
    with pytest.raises(InputError, match="labels=False, a shorter label_format or a larger"):
        _bars(cats, width_in=3.3)


def test_too_narrow_for_the_labels_names_width_in() -> None:
    cats = [f"category number {i}" for i in range(60)]
    with pytest.raises(InputError, match=r"^width_in"):
        _bars(cats, width_in=2.0, height_in=1.2)


@pytest.mark.parametrize("cats", [["only one"], ["x"], QWEN[:1]])
def test_single_category(cats: list[str]) -> None:
    fig = _bars(cats, width_in=3.3)
    assert_labels_readable(fig, cats)


def test_empty_frame_is_an_error() -> None:
    with pytest.raises(InputError, match="empty"):
        _bars([], [])


def test_layout_order() -> None:
    font = "STIXGeneral"
    # as is when they fit
    assert layout_labels(["a", "b"], step=40, font=font, size=9, max_height=50).lines == {
        "a": ["a"],
        "b": ["b"],
    }
    # then wrapped at separators: the widest line as narrow as can be
    assert split_lines("Qwen-2.5-0.5B", 2, font=font, size=9) == ["Qwen-", "2.5-0.5B"]
    assert pieces("a_b/c d-e") == ["a_", "b/", "c", "d-", "e"]
    assert split_lines("a- b", 2, font=font, size=9) == ["a-", "b"]
    # then rotated, then smaller
    lay = layout_labels(["abcdefghijklmnopq"] * 1, step=20, font=font, size=9, max_height=80)
    assert lay.angle in (-45.0, -90.0) and lay.font_size == 9
    lay = layout_labels(["abcdefghijklmnopq", "b"], step=9, font=font, size=9, max_height=80)
    assert lay.angle == -90.0 and lay.font_size < 9
    axis = lay.axis(9)
    assert axis["labelLimit"] == 0 and axis["labelOverlap"] is False
    assert axis["labelFontSize"] == lay.font_size


# ---------------------------------------------------------------- field names, dtypes
def _marks(fig: vf.Figure) -> list[tuple[Any, ...]]:
    """The drawn marks (not axes): type, position, size, colour and text."""
    out = []
    for it in scene_items(fig):
        if it["marktype"] in ("rect", "symbol", "line", "text", "rule") and it.get("mark"):
            out.append(
                (
                    it["marktype"],
                    round(it["abs_x"], 2),
                    round(it["abs_y"], 2),
                    round(float(it.get("width") or 0), 2),
                    round(float(it.get("height") or 0), 2),
                    it.get("fill"),
                    str(it.get("text")),
                )
            )
    return out


def _texts(fig: vf.Figure) -> list[str]:
    return [str(it.get("text")) for it in scene_items(fig, marktype="text")]


def _escapes_fields() -> bool:
    """Whether the layers pass column names to Vega-Lite escaped (the layers' part of the issue)."""
    df = pd.DataFrame({"a.b": ["x"], "c": [1.0]})
    enc = vf.layers.bars(df, x="a.b", y="c").to_dict()["encoding"]["x"]
    return bool(enc["field"] == "a\\.b")


needs_escaping_layers = pytest.mark.skipif(
    not _escapes_fields(), reason="the layers do not escape field names yet (layers branch)"
)


@needs_escaping_layers
@pytest.mark.parametrize("x_name", ["warmup.steps", "mean(r)", "a:b"])
@pytest.mark.parametrize("y_name", ["val.score", "acc[0]", "it's", 'say "x"', "é ü"])
def test_bar_trend_odd_names_draw_like_plain(x_name: str, y_name: str) -> None:
    base = pd.DataFrame({"step": [5, 10, 15], "score": [55.7, 57.7, 57.1]})
    plain = vf.figures.bar_trend(base, x="step", y="score", reference=56.0, x_title="S",
                                 y_title="V")  # fmt: skip
    odd = vf.figures.bar_trend(base.rename(columns={"step": x_name, "score": y_name}),
                               x=x_name, y=y_name, reference=56.0, x_title="S",
                               y_title="V")  # fmt: skip
    assert _marks(odd) == _marks(plain)
    assert _texts(odd) == _texts(plain)
    assert list(odd.data["bars"].columns) == [x_name, y_name, "label_offset"]


@needs_escaping_layers
def test_bar_trend_backslash_name_draws_or_is_an_error() -> None:
    df = pd.DataFrame({"a\\b": ["p", "q"], "v": [1.0, 2.0]})
    try:
        fig = vf.figures.bar_trend(df, x="a\\b", y="v")
    except InputError as exc:  # the layers refuse it, naming the column
        assert "'a\\\\b'" in str(exc)
    else:
        plain = vf.figures.bar_trend(df.rename(columns={"a\\b": "ab"}), x="ab", y="v",
                                     x_title="a\\b")  # fmt: skip
        assert _marks(fig) == _marks(plain) and _texts(fig) == _texts(plain)


@needs_escaping_layers
@pytest.mark.parametrize("name", [n for n in ODD_NAMES if "\\" not in n])
def test_bar_trend_default_titles_are_the_names(name: str) -> None:
    df = pd.DataFrame({name: ["a", "b"], "v": [1.0, 2.0]})
    fig = vf.figures.bar_trend(df, x=name, y="v", width_in=4)
    assert name.strip() in [t.strip() for t in _texts(fig)]
    assert {"a", "b"} <= set(_texts(fig))


@pytest.mark.parametrize("internal", ["label_offset", "_label_offset", "label", "_bar_color_value"])
def test_bar_trend_internal_names_do_not_collide(internal: str) -> None:
    base = pd.DataFrame({"step": ["5", "10", "15"], "score": [55.7, 57.7, 57.1]})
    plain = vf.figures.bar_trend(base, x="step", y="score", x_title="S", y_title="V",
                                 reference=56.0)  # fmt: skip
    if internal == "_bar_color_value" and not _escapes_fields():
        pytest.skip("the bars layer's colour field is the layers' part")
    for renamed in ({"step": internal}, {"score": internal}):
        df = base.rename(columns=renamed)
        x, y = renamed.get("step", "step"), renamed.get("score", "score")
        fig = vf.figures.bar_trend(df, x=x, y=y, x_title="S", y_title="V", reference=56.0)
        assert _marks(fig) == _marks(plain)
        bars = fig.data["bars"]
        assert list(bars.columns[:2]) == [x, y]
        assert bars[x].tolist() == base["step"].tolist()
        assert bars[y].tolist() == base["score"].tolist()
        added = bars.columns[2]
        assert added not in (x, y) and added.endswith("label_offset")
        assert np.isfinite(bars[added]).all()
        ref = fig.data["reference"]
        assert ref.columns[0] == y and ref.columns[1] not in (y,)


INT_CASES = {
    "int": ([0, 1, 2], ["0", "1", "2"]),
    "bool": ([True, False], ["True", "False"]),
    "float": ([0.5, 1.0, 2.5], ["0.5", "1.0", "2.5"]),
    "Int64": (pd.array([3, 1, 2], dtype="Int64"), ["3", "1", "2"]),
    "string": (pd.array(["p", "q"], dtype="string"), ["p", "q"]),
    "boolean": (pd.array([False, True], dtype="boolean"), ["False", "True"]),
}


@pytest.mark.parametrize("kind", list(INT_CASES))
def test_bar_trend_ids_of_any_dtype_draw_like_strings(kind: str) -> None:
    values, texts = INT_CASES[kind]
    n = len(texts)
    scores = [50.0 + 2 * i for i in range(n)]
    typed = vf.figures.bar_trend(pd.DataFrame({"c": values, "s": scores}), x="c", y="s")
    strings = vf.figures.bar_trend(pd.DataFrame({"c": texts, "s": scores}), x="c", y="s")
    assert _marks(typed) == _marks(strings)
    assert _texts(typed) == _texts(strings)
    assert [str(v) for v in typed.data["bars"]["c"]] == texts  # the user's values


def test_bar_trend_order_in_either_form() -> None:
    df = pd.DataFrame({"warmup": [5, 10, 15], "s": [55.7, 57.7, 57.1]})
    by_int = vf.figures.bar_trend(df, x="warmup", y="s", order=[15, 5, 10])
    by_text = vf.figures.bar_trend(df, x="warmup", y="s", order=["15", "5", "10"])
    assert _marks(by_int) == _marks(by_text)
    labels = _category_labels(by_int, ["15", "5", "10"])
    assert ["".join(_lines(it)) for it in labels] == ["15", "5", "10"]
    # fig.data holds x as drawn (its string form), in the drawn order
    assert by_int.data["bars"]["warmup"].tolist() == ["15", "5", "10"]
    with pytest.raises(InputError, match=r"order: must list each category .*not listed \[10\]"):
        vf.figures.bar_trend(df, x="warmup", y="s", order=[15, 5])
    with pytest.raises(InputError, match=r"order: .*unknown \[7\]"):
        vf.figures.bar_trend(df, x="warmup", y="s", order=[15, 5, 10, 7])
    with pytest.raises(InputError, match="order: must list each category"):
        vf.figures.bar_trend(df, x="warmup", y="s", order=[15, 5, 10, "5"])


def test_bar_trend_categorical_keeps_category_order() -> None:
    cats = pd.Categorical(["b", "c", "a"], categories=["a", "b", "c", "unused"])
    fig = vf.figures.bar_trend(pd.DataFrame({"m": cats, "s": [1.0, 2.0, 3.0]}), x="m", y="s")
    labels = _category_labels(fig, ["a", "b", "c"])
    assert ["".join(_lines(it)) for it in labels] == ["a", "b", "c"]
    assert fig.data["bars"]["s"].tolist() == [3.0, 1.0, 2.0]


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ([1, "1"], r"x: column 'c' has values 1 and '1', which are both drawn as '1'"),
        ([1, 1.0, 2], r"x: categories must be unique|both drawn as"),
        ([1, None], r"column 'c' has 1 missing value"),
    ],
)
def test_bar_trend_ambiguous_categories(values: list[Any], match: str) -> None:
    scores = np.arange(len(values), dtype=float)
    df = pd.DataFrame({"c": pd.Series(values, dtype=object), "s": scores})
    with pytest.raises(InputError, match=match):
        vf.figures.bar_trend(df, x="c", y="s")


def test_bar_trend_bad_frames() -> None:
    df = pd.DataFrame({"c": ["a", "b"], "s": [1.0, 2.0]})
    with pytest.raises(InputError, match="x/y: both name column 'c'"):
        vf.figures.bar_trend(df.assign(c=[1.0, 2.0]), x="c", y="c")
    multi = df.copy()
    multi.columns = pd.MultiIndex.from_tuples([("c", "0"), ("s", "0")])
    with pytest.raises(InputError, match="MultiIndex"):
        vf.figures.bar_trend(multi, x="c", y="s")
    dup = pd.DataFrame([["a", 1.0, 2.0]], columns=["c", "s", "s"])
    with pytest.raises(InputError, match="more than once"):
        vf.figures.bar_trend(dup, x="c", y="s")


# ---------------------------------------------------------------- metric_histograms
def _hist_df(x: str = "value", panel: str = "panel", ids: Any = None) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    ids = ["a", "b"] if ids is None else ids
    frames = [
        pd.DataFrame({x: rng.normal(i, 1 + i, 60), panel: [pid] * 60}) for i, pid in enumerate(ids)
    ]
    return pd.concat(frames, ignore_index=True)


def _hist(df: pd.DataFrame, **kw: Any) -> vf.Figure:
    kw.setdefault("width_in", 6.0)
    kw.setdefault("height_in", 2.5)
    return vf.figures.metric_histograms(df, **kw)


@pytest.mark.parametrize(
    ("x", "panel"),
    [("grad.norm", "layer[0]"), ("count", "bin_start"), ("bin_end", "mean"), ("a\\b", "it's"),
     ("panel", "value"), ("mean(r)", "a:b"), ("é", "x y")],
)  # fmt: skip
def test_histograms_any_names_draw_like_plain(x: str, panel: str) -> None:
    odd = _hist(_hist_df(x, panel), x=x, panel=panel)
    plain_fig = _hist(_hist_df(), x="value", panel="panel")
    assert _marks(odd) == _marks(plain_fig)
    assert _texts(odd) == _texts(plain_fig)
    bins, stats = odd.data["bins"], odd.data["stats"]
    assert bins.columns[0] == panel and stats.columns[0] == panel
    assert len(set(bins.columns)) == 4 and len(set(stats.columns)) == 4
    assert bins[bins.columns[-1]].sum() == 120  # the counts, under their own (fresh) name
    assert bins[panel].unique().tolist() == ["a", "b"]


@pytest.mark.parametrize("kind", ["int", "bool", "float", "Int64", "boolean"])
def test_histogram_panels_of_any_dtype(kind: str) -> None:
    values, texts = INT_CASES[kind]
    typed = _hist(_hist_df(ids=list(values)), x="value", panel="panel")
    strings = _hist(_hist_df(ids=texts), x="value", panel="panel")
    assert _marks(typed) == _marks(strings)
    assert _texts(typed) == _texts(strings)
    assert typed.panels == tuple(texts)


def test_histogram_panel_parameters_in_either_form() -> None:
    df = _hist_df(ids=[0, 1])
    fig = _hist(df, x="value", panel="panel", panels=[1, 0], panel_titles={1: "one"},
                palette={0: "#ff0000"}, x_titles={"0": "zero"},
                stats={0: {"max": 1.0, "min": 0.0, "mean": 0.5}})  # fmt: skip
    assert fig.panels == ("1", "0")
    texts = _texts(fig)
    assert "one" in texts and "zero" in texts and "1.0000\n0.0000\n0.5000" in texts
    fills = {it.get("fill") for it in scene_items(fig, marktype="rect") if it.get("mark")}
    assert "#ff0000" in fills
    assert fig.data["stats"]["panel"].tolist() == [1, 0]


def test_histogram_categorical_panels_keep_category_order() -> None:
    df = _hist_df(ids=["b", "a"])
    df["panel"] = pd.Categorical(df["panel"], categories=["a", "b", "z"])
    assert _hist(df, x="value", panel="panel").panels == ("a", "b")


def test_histogram_ambiguous_panels() -> None:
    df = _hist_df(ids=[1, "1"])
    with pytest.raises(InputError, match="both drawn as '1'"):
        _hist(df, x="value", panel="panel")
    with pytest.raises(InputError, match="x/panel: both name column"):
        _hist(_hist_df(), x="value", panel="value")


def test_histogram_long_panel_titles_wrap_inside_the_canvas() -> None:
    long = "A very long panel title about the gradient norm of layer 12 of the policy"
    df = _hist_df(ids=[long, "short"])
    fig = _hist(df, x="value", panel="panel", width_in=3.3, height_in=3.0)
    items, (w, h), _ = _scene(fig)
    whole = re.sub(r"\s", "", f"a) {long}")
    titles = [it for it in items if it["marktype"] == "text"
              and re.sub(r"\s", "", "".join(_lines(it))) == whole]  # fmt: skip
    assert len(titles) == 1, "the long title is drawn whole (wrapped)"
    (it,) = titles
    lines = _lines(it)
    assert len(lines) > 1
    width = max(text_width(ln, font=it["font"], size=float(it["fontSize"])) for ln in lines)
    left = it["abs_x"] - {"center": width / 2, "right": width}.get(it.get("align"), 0)
    assert left >= -0.5 and left + width <= w + 0.5
    assert h > 0


def test_histogram_single_sample_and_single_panel() -> None:
    df = pd.DataFrame({"v.x": [1.5], "p[0]": [7]})
    fig = _hist(df, x="v.x", panel="p[0]")
    assert fig.panels == ("7",)
    assert fig.data["bins"]["count"].sum() == 1
    with pytest.raises(InputError, match="empty"):
        _hist(df.iloc[:0], x="v.x", panel="p[0]")
