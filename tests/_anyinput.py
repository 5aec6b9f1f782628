"""Helpers of the any-input property tests (tests/test_any_input*.py).

Every public figure and layer is described by a :class:`Case`: a plain frame
(string ids, plain column names) and how to build it from a frame with other
column names or id values. :func:`scene` reads what the reader sees from
vl-convert's scenegraph (every drawn item with its role, absolute position and
paint), :func:`compare_scenes` says which item differs.
"""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

import vegafigs as vf
from vegafigs.errors import VegafigsError

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: hypothesis settings of every property: deterministic, few examples, no deadline.
PROPS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: a failure reports its first example
    report_multiple_bugs=False,
)

# ----------------------------------------------------------------------------- scenes

#: Properties of a drawn item that make the picture (positions, paint, shapes).
MARK_KEYS = (
    "x", "y", "x2", "y2", "width", "height", "fill", "stroke", "path", "size", "shape",
    "opacity", "fillOpacity", "strokeOpacity", "strokeWidth", "strokeDash", "angle",
    "defined", "cornerRadius",
)  # fmt: skip
#: Properties of a drawn text item.
TEXT_KEYS = (
    "text", "x", "y", "fill", "font", "fontSize", "fontWeight", "fontStyle", "angle",
    "align", "baseline", "opacity", "dx", "dy", "limit", "lineBreak",
)  # fmt: skip


@dataclass(frozen=True)
class Item:
    """One drawn thing: its mark type, role (``axis-title``, ``mark`` ...), mark name, props."""

    marktype: str
    role: str
    mark: str
    props: tuple[tuple[str, Any], ...]
    node: int = field(default=0, compare=False)  # which mark node (one line / area path)

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.props).get(key, default)

    @property
    def lines(self) -> list[str]:
        """A text item's lines as drawn (a list, or a string split at its lineBreak)."""
        text = self.get("text")
        if isinstance(text, (list, tuple)):
            return [str(t) for t in text]
        if text is None:
            return []
        brk = self.get("lineBreak")
        if isinstance(brk, str) and brk:
            import re

            try:
                return re.split(brk, str(text))
            except re.error:
                return str(text).split(brk)
        return [str(text)]

    def __str__(self) -> str:
        return f"{self.marktype}/{self.role}/{self.mark} {dict(self.props)}"


def _norm(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        return round(value, 2) + 0.0
    if isinstance(value, (list, tuple)):
        return tuple(_norm(v) for v in value)
    return value


def _mark_name(mark: dict) -> str:
    # Altair names views after a hash of their content: equal pictures, other names.
    import re

    return re.sub(r"view_[0-9a-f]{6,}", "view", str(mark.get("name")))


def raw_scene(chart: Any) -> dict:
    """vl-convert's scenegraph of ``chart`` (a Figure, Altair chart or spec dict)."""
    import vl_convert as vlc

    spec = vf.to_spec(chart)
    return vlc.vegalite_to_scenegraph(spec, allowed_base_urls=[])["scenegraph"]


def scene(chart: Any, *, what: str = "") -> list[Item]:
    """Every drawn item of ``chart``, absolute px; fails the test if vl-convert cannot draw it."""
    try:
        graph = raw_scene(chart)
    except Exception as exc:  # noqa: BLE001 - any render failure is the finding
        raise AssertionError(
            f"{what}: the figure was built without error but vl-convert cannot draw it: "
            f"{type(exc).__name__}: {str(exc)[:400]}"
        ) from exc
    out: list[Item] = []
    nodes = [0]

    def walk(node: dict, ox: float, oy: float, mark: dict | None) -> None:
        if "marktype" in node:
            nodes[0] += 1
            for it in node.get("items", []):
                walk(it, ox, oy, node)
            return
        x = ox + float(node.get("x", 0) or 0)
        y = oy + float(node.get("y", 0) or 0)
        if mark is not None and mark["marktype"] != "group":
            keys = TEXT_KEYS if mark["marktype"] == "text" else MARK_KEYS
            props = {k: _norm(node[k]) for k in keys if k in node}
            props["x"], props["y"] = _norm(x), _norm(y)
            out.append(
                Item(mark["marktype"], str(mark.get("role")), _mark_name(mark),
                     tuple(sorted(props.items())), nodes[0])
            )  # fmt: skip
        for child in node.get("items", []):
            walk(child, x, y, None)

    walk(graph, 0.0, 0.0, None)
    return out


def texts(items: Sequence[Item], role: str | None = None) -> list[str]:
    """The lines of the text items (of one ``role``)."""
    return [
        line
        for i in items
        if i.marktype == "text" and (role is None or i.role == role)
        for line in i.lines
    ]


def compare_scenes(
    got: Sequence[Item], want: Sequence[Item], *, what: str, skip_roles: Sequence[str] = ()
) -> None:
    """Assert the two scenes draw the same items; name the first ones that differ."""
    a = [i for i in got if i.role not in skip_roles]
    b = [i for i in want if i.role not in skip_roles]
    if a == b or _canonical(a) == _canonical(b):
        return  # equal, or equal up to the drawing order of series
    count = lambda items: {  # noqa: E731
        k: int(v)
        for k, v in pd.Series([f"{i.marktype}/{i.role}" for i in items]).value_counts().items()
    }
    if len(a) != len(b):
        raise AssertionError(
            f"{what}: {len(a)} drawn items, expected {len(b)} as in the reference\n"
            f"  drawn:    {count(a)}\n  expected: {count(b)}"
        )
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    shown = "\n".join(f"  drawn:    {x}\n  expected: {y}" for x, y in diffs[:3])
    raise AssertionError(f"{what}: {len(diffs)} of {len(a)} drawn items differ, e.g.\n{shown}")


def _canonical(items: Sequence[Item]) -> list:
    """Items as a multiset: paths (line / area nodes) kept whole, everything else sorted."""
    paths: dict[tuple, list] = {}
    for i in items:
        key = (i.mark, i.node) if i.marktype in ("line", "area", "trail") else (i.mark, id(i))
        paths.setdefault(key, []).append(repr(i))
    return sorted(repr(v) for v in paths.values())


def marks(items: Sequence[Item]) -> list[Item]:
    """The data marks (no axes, legends, titles)."""
    return [i for i in items if i.role == "mark" and i.marktype != "text"]


# ---------------------------------------------------------------------------- building


def build(fn: Callable[[], Any], *, what: str, allow: tuple[type[BaseException], ...] = ()) -> Any:
    """``fn()``; any exception is a failure naming ``what``, except the ``allow``-ed ones.

    Returns the built figure, or the allowed exception instance.
    """
    try:
        return fn()
    except allow as exc:
        return exc
    except VegafigsError as exc:
        raise AssertionError(f"{what}: raised {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(
            f"{what}: raised {type(exc).__name__} (not a VegafigsError): {exc}"
        ) from exc


def expect_error(
    fn: Callable[[], Any], kind: type[VegafigsError], *, what: str, mentions: Sequence[str] = ()
) -> VegafigsError:
    """``fn()`` must raise ``kind`` (at build time) whose message mentions one of ``mentions``."""
    try:
        fn()
    except kind as exc:
        msg = str(exc)
        if mentions and not any(m in msg for m in mentions):
            raise AssertionError(
                f"{what}: {kind.__name__} does not name any of {list(mentions)}: {msg}"
            ) from exc
        return exc
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(
            f"{what}: expected {kind.__name__} at build time, got {type(exc).__name__}: "
            f"{str(exc)[:300]}"
        ) from exc
    raise AssertionError(f"{what}: built without error, expected {kind.__name__}")


# ------------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """A public figure or layer with a small valid input.

    ``frame(n)`` is the plain input with ``n`` levels per id column (coded
    0..n-1 in ``ids`` columns, later replaced by typed / string values).
    ``cols``: parameter -> plain column name. ``make(df, cols, **kw)`` builds.
    ``titles``: the keyword arguments that give every column-named text
    explicitly. ``title_cols``: parameters whose column name is a default axis
    title. ``level_kw(levels)``: keyword arguments naming levels (highlight,
    order, palette) from ``{param: [level, ...]}``. ``text_params``: parameter ->
    function of a text giving the keyword arguments that draw it.
    """

    name: str
    frame: Callable[[int], pd.DataFrame]
    cols: Mapping[str, str]
    make: Callable[..., Any]
    ids: tuple[str, ...] = ()
    titles: Mapping[str, Any] = field(default_factory=dict)
    title_cols: tuple[str, ...] = ()
    level_kw: Callable[[Mapping[str, list]], dict] = lambda levels: {}
    text_params: Mapping[str, Callable[[str], dict]] = field(default_factory=dict)
    n_levels: int = 3
    numeric_x: bool = False

    def build(self, df: pd.DataFrame, cols: Mapping[str, str] | None = None, **kw: Any) -> Any:
        return self.make(df, dict(self.cols if cols is None else cols), **kw)


def _levels(n: int, k: int, size: int) -> np.ndarray:
    return np.arange(size) % n if k else np.zeros(size, dtype=int)


def _bar_frame(n: int) -> pd.DataFrame:
    scores = [55.7, 57.7, 57.1, 56.3, 58.0][:n]
    return pd.DataFrame({"cat": np.arange(n), "score": scores})


def _hist_frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {"panel": np.repeat(np.arange(n), 30), "value": rng.gamma(2.0, 1.0, 30 * n).round(3)}
    )


def _scaling_frame(n: int) -> pd.DataFrame:
    sizes = [0.6, 1.7, 4.0, 8.0]
    rows = [
        {"params_b": s, "method": m, "accuracy": 0.1 + 0.05 * j + 0.07 * m, "std": 0.01}
        for m in range(n)
        for j, s in enumerate(sizes)
    ]
    return pd.DataFrame(rows)


def _training_frame(n: int) -> pd.DataFrame:
    rows = [
        {"step": 100 * s, "method": m, "seed": k,
         "accuracy": 0.2 + 0.1 * m + 0.02 * s + 0.01 * k + 0.003 * ((s * 7) % 3)}
        for m in range(n) for k in range(2) for s in range(12)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _rl_frame(n: int) -> pd.DataFrame:
    rows = [
        {"step": s + 1, "run": r, "metric": m,
         "value": (0.1 * s + r if m == 0 else 300 + 20 * s + 50 * r) + ((s * 5) % 3) * 0.05}
        for r in range(n) for m in range(2) for s in range(15)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _line_frame(n: int) -> pd.DataFrame:
    rows = [
        {"step": s, "method": m, "acc": 0.1 * s + m + 0.2 * ((s * 3) % 2), "lo": 0.1 * s + m - 0.1,
         "hi": 0.1 * s + m + 0.3}
        for m in range(n) for s in range(8)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _paths_frame(n: int) -> pd.DataFrame:
    rows = [
        {"t": t, "traj": p, "kl": 0.1 * t + p, "state": int(t >= 4 + p) % max(n, 1)}
        for p in range(n) for t in range(8)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _first(levels: Mapping[str, list], key: str) -> Any:
    return levels[key][0]


def _bar_trend(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    kw.setdefault("reference", 56.0)
    kw.setdefault("reference_label", "GRPO 56")
    return vf.figures.bar_trend(df, x=c["x"], y=c["y"], **kw)


def _hist(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    kw.setdefault("bins", 6)
    return vf.figures.metric_histograms(df, x=c["x"], panel=c["panel"], **kw)


def _scaling(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    return vf.figures.scaling_curves(df, x=c["x"], y=c["y"], series=c["series"], err=c["err"], **kw)


def _training(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    kw.setdefault("reference", 0.4)
    return vf.figures.training_curves(
        df, x=c["x"], y=c["y"], series=c["series"], seed=c["seed"], **kw
    )


def _reward_length(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    kw.setdefault("x_title", "Training step")  # the default is the x column's title
    if "panels" not in kw:
        kw["panels"] = list(pd.unique(df[c["panel"]]))
    return vf.figures.reward_length(
        df, x=c["x"], y=c["y"], series=c["series"], panel=c["panel"], band="q10-90",
        band_window=3, **kw,
    )  # fmt: skip


def _with_config(chart: Any) -> Any:
    return chart.properties(width=240, height=160).configure(**vf.paper())


def _layer_line(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    chart = vf.layers.line(df, x=c["x"], y=c["y"], series=c["series"], **kw)
    return chart.properties(width=240, height=160)


def _layer_points(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    chart = vf.layers.points(df, x=c["x"], y=c["y"], series=c["series"], **kw)
    return chart.properties(width=240, height=160)


def _layer_band(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    chart = vf.layers.band(df, x=c["x"], lower=c["lower"], upper=c["upper"], series=c["series"],
                           **kw)  # fmt: skip
    return chart.properties(width=240, height=160)


def _layer_bars(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    return vf.layers.bars(df, x=c["x"], y=c["y"], **kw).properties(width=240, height=160)


def _layer_trend(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    return vf.layers.trend_line(df, x=c["x"], y=c["y"], **kw).properties(width=240, height=160)


def _layer_labels(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    return vf.layers.value_labels(df, x=c["x"], y=c["y"], **kw).properties(width=240, height=160)


def _layer_hist(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    return vf.layers.histogram(df, x=c["x"], **kw).properties(width=240, height=160)


def _layer_paths(df: pd.DataFrame, c: Mapping[str, str], **kw: Any) -> Any:
    chart = vf.layers.segment_paths(df, x=c["x"], y=c["y"], path=c["path"], state=c["state"], **kw)
    return chart.properties(width=240, height=160)


def _pal(levels: list, colour: str = "#123456") -> dict:
    return {levels[0]: colour}


FIGURES: dict[str, Case] = {
    "bar_trend": Case(
        "bar_trend", _bar_frame, {"x": "cat", "y": "score"}, _bar_trend, ids=("x",),
        titles={"x_title": "Category", "y_title": "Score"}, title_cols=("x", "y"),
        level_kw=lambda lv: {"order": list(reversed(lv["x"]))},
        text_params={
            "x_title": lambda t: {"x_title": t}, "y_title": lambda t: {"y_title": t},
            "reference_label": lambda t: {"reference_label": t},
        },
        n_levels=4,
    ),
    "metric_histograms": Case(
        "metric_histograms", _hist_frame, {"x": "value", "panel": "panel"}, _hist,
        ids=("panel",), titles={},
        level_kw=lambda lv: {"palette": _pal(lv["panel"]), "panels": list(lv["panel"])},
        text_params={
            "y_title": lambda t: {"y_title": t},
            "panel_titles": lambda t: {"panel_titles": {"P0": t}},
            "x_titles": lambda t: {"x_titles": {"P0": t}},
        },
        n_levels=2,
    ),
    "scaling_curves": Case(
        "scaling_curves", _scaling_frame,
        {"x": "params_b", "y": "accuracy", "series": "method", "err": "std"}, _scaling,
        ids=("series",), titles={"x_title": "Params", "y_title": "Accuracy"},
        title_cols=("x", "y"),
        level_kw=lambda lv: {
            "highlight": _first(lv, "series"), "palette": _pal(lv["series"]),
            "order": list(reversed(lv["series"])),
        },
        text_params={
            "title": lambda t: {"title": t}, "x_title": lambda t: {"x_title": t},
            "y_title": lambda t: {"y_title": t},
        },
    ),
    "training_curves": Case(
        "training_curves", _training_frame,
        {"x": "step", "y": "accuracy", "series": "method", "seed": "seed"}, _training,
        ids=("series", "seed"), titles={"x_title": "Step", "y_title": "Accuracy"},
        title_cols=("x", "y"),
        level_kw=lambda lv: {
            "highlight": _first(lv, "series"), "palette": _pal(lv["series"]),
            "order": list(reversed(lv["series"])),
        },
        text_params={
            "title": lambda t: {"title": t}, "x_title": lambda t: {"x_title": t},
            "y_title": lambda t: {"y_title": t},
            "reference_label": lambda t: {"reference_label": t},
            "reference": lambda t: {"reference": {t: 0.4}},
        },
        numeric_x=True,
    ),
    "reward_length": Case(
        "reward_length", _rl_frame,
        {"x": "step", "y": "value", "series": "run", "panel": "metric"}, _reward_length,
        ids=("series", "panel"), titles={},
        level_kw=lambda lv: {
            "palette": _pal(lv["series"]), "order": list(reversed(lv["series"])),
            "panels": list(lv["panel"]),
        },
        text_params={
            "x_title": lambda t: {"x_title": t},
            "panel_titles": lambda t: {"panel_titles": {"P0": t}},
        },
        n_levels=2, numeric_x=True,
    ),
}  # fmt: skip

LAYERS: dict[str, Case] = {
    "layers.line": Case(
        "layers.line", _line_frame, {"x": "step", "y": "acc", "series": "method"}, _layer_line,
        ids=("series",), level_kw=lambda lv: {"palette": dict.fromkeys(lv["series"], "#335577")
                                              | _pal(lv["series"], "#aa0000")},
        numeric_x=True,
    ),
    "layers.points": Case(
        "layers.points", _line_frame, {"x": "step", "y": "acc", "series": "method"},
        _layer_points, ids=("series",), numeric_x=True,
    ),
    "layers.band": Case(
        "layers.band", _line_frame,
        {"x": "step", "lower": "lo", "upper": "hi", "series": "method"}, _layer_band,
        ids=("series",), numeric_x=True,
    ),
    "layers.bars": Case(
        "layers.bars", _bar_frame, {"x": "cat", "y": "score"}, _layer_bars, ids=("x",),
        level_kw=lambda lv: {"order": list(reversed(lv["x"]))}, n_levels=4,
    ),
    "layers.trend_line": Case(
        "layers.trend_line", _bar_frame, {"x": "cat", "y": "score"}, _layer_trend, ids=("x",),
        n_levels=4,
    ),
    "layers.value_labels": Case(
        "layers.value_labels", _bar_frame, {"x": "cat", "y": "score"}, _layer_labels,
        ids=("x",), n_levels=4,
    ),
    "layers.histogram": Case(
        "layers.histogram", _hist_frame, {"x": "value"}, _layer_hist, n_levels=1,
    ),
    "layers.segment_paths": Case(
        "layers.segment_paths", _paths_frame, {"x": "t", "y": "kl", "path": "traj",
                                               "state": "state"},
        _layer_paths, ids=("path", "state"), n_levels=2, numeric_x=True,
    ),
}  # fmt: skip

ALL_CASES: dict[str, Case] = {**FIGURES, **LAYERS}


def slow_figures(names: Sequence[str]) -> list[Any]:
    """``names`` as pytest params, the figures (a few s per build) marked ``slow``."""
    import pytest

    return [pytest.param(n, marks=pytest.mark.slow) if n in FIGURES else n for n in names]


def string_ids(case: Case, n: int | None = None) -> tuple[pd.DataFrame, dict[str, list]]:
    """The plain frame with string ids ``"A"``, ``"B"``... and its levels per id parameter."""
    df = case.frame(n or case.n_levels)
    levels = {}
    for p in case.ids:
        col = case.cols[p]
        names = [f"{p[0].upper()}{k}" for k in range(int(df[col].max()) + 1)]
        df[col] = [names[k] for k in df[col]]
        levels[p] = list(pd.unique(df[col]))
    return df, levels


# ---------------------------------------------------------------------------- id dtypes

#: Non-string id values, in the order they appear; bool kinds have two levels only.
ID_KINDS: dict[str, Callable[[], Any]] = {
    "int": lambda: np.array([10, 2, 0, 1], dtype=np.int64),
    "bool": lambda: np.array([True, False]),
    "float": lambda: np.array([1.5, 0.25, 10.0, 2.0]),
    "categorical": lambda: pd.Categorical([10, 2, 0, 1], categories=[10, 2, 0, 1]),
    "categorical-str": lambda: pd.Categorical(list("bacd"), categories=list("bacd")),
    "Int64": lambda: pd.array([10, 2, 0, 1], dtype="Int64"),
    "string": lambda: pd.array(["b", "a", "c", "d"], dtype="string"),
    "boolean": lambda: pd.array([True, False], dtype="boolean"),
}  # fmt: skip


def typed_ids(case: Case, kind: str) -> tuple[pd.DataFrame, dict[str, list], pd.DataFrame, dict]:
    """(typed frame, typed levels, the same frame with ``astype(str)`` ids, string levels)."""
    values = ID_KINDS[kind]()
    n = min(case.n_levels, len(values))
    df = case.frame(n)
    ref = df.copy()
    levels: dict[str, list] = {}
    str_levels: dict[str, list] = {}
    for p in case.ids:
        col = case.cols[p]
        typed = pd.Series(values[:n]).take(df[col].to_numpy()).reset_index(drop=True)
        if isinstance(typed.dtype, pd.CategoricalDtype):
            typed = typed.cat.remove_unused_categories()
        df[col] = typed
        ref[col] = typed.astype(str)
        levels[p] = [v.item() if isinstance(v, np.generic) else v for v in pd.unique(df[col])]
        str_levels[p] = list(pd.unique(ref[col]))
    return df, levels, ref, str_levels


# ------------------------------------------------------------------------- column names

#: Pieces of awkward column names (Vega-Lite field syntax, quotes, unicode, RTL ...).
NAME_ATOMS = (
    ".", "[0]", "[", "]", "'", '"', "\\", ":", "mean(r)", "(", ")", " ", "val.score",
    "acc[0]", "a\\b", "a:b", "score:Q", "x:N", "é", "µs", "Ω", "中文", "שלום", "مرحبا", "datum",
    "undefined", "null", "$x", "{a}", "%", "&", "<b>", "#", "/", "|", "\u00a0", "L" * 70,
    "1", "0.5", ",", ";", "`", "~", "+", "-", "*", "=", "?", "!", "@", "^", "sum(x)", "\\n",
    "${x}", "datum.x", "x.y.z", "a]b[", "@@", "é\u0301",
)  # fmt: skip

_CHAR = st.characters(
    blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"), blacklist_characters="\ufffe\uffff"
)

#: Column names as users write them: awkward pieces, random text, padded with spaces.
NAMES = st.one_of(
    st.lists(st.sampled_from(NAME_ATOMS), min_size=1, max_size=4).map("".join),
    st.text(_CHAR, min_size=1, max_size=14),
).flatmap(
    lambda core: st.sampled_from(("", " ", "  ")).flatmap(
        lambda pre: st.sampled_from(("", " ")).map(lambda post: pre + core + post)
    )
)


def renamed(df: pd.DataFrame, case: Case, names: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """``df`` with the case's columns renamed to ``names`` (in ``case.cols`` order)."""
    mapping = dict(zip(case.cols.values(), names, strict=False))
    cols = {p: mapping.get(c, c) for p, c in case.cols.items()}
    return df.rename(columns=mapping), cols


#: Names vegafigs (and Vega-Lite) use for columns they add.
INTERNAL_NAMES = (
    "smooth", "lower", "upper", "n", "label_offset", "count", "bin_start", "bin_end", "value",
    "series", "x", "y", "panel", "key", "__s", "_x", "_y", "_bar_color_value", "hover_y",
    "m0_value", "m0_smooth", "m1_value", "m1_smooth", "max", "min", "mean", "traj", "t", "kl",
    "state", "vertex", "seed", "run", "metric", "step", "label", "_", "__", "___", "hover",
    "y2", "x2", "std", "reference", "alpha", "median", "bin_maxbins_10_value", "__count",
)  # fmt: skip


# --------------------------------------------------------------------------- subprocess


def run_python(code: str, *, env: Mapping[str, str] | None = None, timeout: float = 240) -> Any:
    """Run ``code`` in a fresh interpreter in the repo; return the CompletedProcess."""
    full_env = {**os.environ, "PYTHONPATH": REPO, **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO, env=full_env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def last_json(stdout: str) -> Any:
    """The last line of ``stdout`` that is JSON."""
    for line in reversed(stdout.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    raise AssertionError(f"no JSON line in the output:\n{stdout[-2000:]}")


# ------------------------------------------------------------------------- text sites


@functools.cache
def kl_runs() -> Any:
    """Small seeded KL runs (two alphas, one cell)."""
    import tempfile

    tmp = tempfile.mkdtemp(prefix="vf-anyinput-")
    root = vf.demo.kl_runs(tmp, alphas=["0.5", "4.0"], n_cells=1, prompts_per_cell=3,
                           n_tokens=64, fork_every=8)  # fmt: skip
    return vf.io.load_kl_runs(root, alphas=["0.5", "4.0"], model_contains=vf.demo.KL_MODEL)


def _kl(**kw: Any) -> Any:
    return vf.figures.kl_spaghetti(kl_runs(), window=64, width_in=6, height_in=2.6, **kw)


def _param_site(case: Case, param: str) -> Callable[[str], Any]:
    def make(text: str) -> Any:
        df, levels = string_ids(case)
        return case.build(
            df, **{**case.titles, **case.level_kw(levels), **case.text_params[param](text)}
        )

    return make


def _category_site(case: Case) -> Callable[[str], Any]:
    def make(text: str) -> Any:
        df, levels = string_ids(case)
        col = case.cols[case.ids[0]]
        first = levels[case.ids[0]][0]
        df[col] = df[col].replace({first: f"A{text}B"})
        return case.build(df)

    return make


def _column_site(case: Case, param: str) -> Callable[[str], Any]:
    def make(text: str) -> Any:
        df, levels = string_ids(case)
        new = f"col{text}name"
        cols = {**case.cols, param: new}
        return case.make(df.rename(columns={case.cols[param]: new}), cols, **case.level_kw(levels))

    return make


def _line_df() -> pd.DataFrame:
    return string_ids(LAYERS["layers.line"])[0]


def _fig_title(text: str) -> Any:
    case = FIGURES["bar_trend"]
    df, _ = string_ids(case)
    return case.build(df).properties(title=text)


#: Every place a user's text reaches the renderer: name -> function of the text.
TEXT_SITES: dict[str, Callable[[str], Any]] = {
    **{f"{n}({p}=)": _param_site(c, p) for n, c in FIGURES.items() for p in c.text_params},
    **{f"{n} category value": _category_site(c) for n, c in FIGURES.items() if c.ids},
    "bar_trend column name": _column_site(FIGURES["bar_trend"], "y"),
    "layers.line column name": _column_site(LAYERS["layers.line"], "y"),
    "kl_spaghetti(title=)": lambda t: _kl(title=t),
    "kl_spaghetti(model=)": lambda t: _kl(model=t),
    "layers.hline(label=)": lambda t: vf.layers.hline(1.0, label=t),
    "layers.set_axis(title=)": lambda t: vf.layers.set_axis(
        vf.layers.line(_line_df(), x="step", y="acc", series="method"), "x", title=t
    ),
    "layers.stats_box(labels=)": lambda t: vf.layers.stats_box(
        {"max": 1.0, "min": 0.0, "mean": 0.5}, labels=[t, "Min:", "Mean:"]
    ),
    "layers.line series value": _category_site(LAYERS["layers.line"]),
    "layers.bars category": _category_site(LAYERS["layers.bars"]),
    "Figure.properties(title=)": _fig_title,
}

#: Sites whose text is a title (a newline there makes a multi-line title).
TITLE_SITES = [
    s for s in TEXT_SITES
    if "title" in s and "titles" not in s or "panel_titles" in s or "x_titles" in s
]  # fmt: skip


def run_site(site: str, text: str, formats: Sequence[str] = ()) -> dict[str, Any]:
    """Build ``TEXT_SITES[site](text)`` and save it in ``formats``; describe what happened."""
    import tempfile

    out: dict[str, Any] = {}
    try:
        fig = TEXT_SITES[site](text)
    except VegafigsError as exc:
        return {"build": type(exc).__name__, "message": str(exc)[:300]}
    except Exception as exc:  # noqa: BLE001
        return {"build": f"raw {type(exc).__name__}", "message": str(exc)[:300]}
    out["build"] = "ok"
    for fmt in formats:
        try:
            if fmt == "scene":
                out["lines"] = [i.lines for i in scene(fig, what=site) if i.marktype == "text"]
                continue
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, f"fig.{fmt}")
                vf.save(fig, path)
                with open(path, "rb") as fh:
                    data = fh.read()
            if fmt == "svg":
                out["svg_text"] = data.decode("utf-8")
            out[fmt] = "ok"
        except Exception as exc:  # noqa: BLE001
            out[fmt] = f"{type(exc).__name__}: {str(exc)[:300]}"
    return out


_DRIVER = """
import json, sys
from tests._anyinput import run_site
attempts = json.loads(sys.stdin.read())
for i, (site, text, formats) in enumerate(attempts):
    print("START", i, flush=True)
    print("RESULT", i, json.dumps(run_site(site, text, formats)), flush=True)
"""


def run_sites_isolated(
    attempts: Sequence[tuple[str, str, Sequence[str]]], *, stop_site_on: Callable[[dict], bool]
) -> list[dict | None]:
    """``run_site`` for each attempt in fresh interpreters: a process abort is a result too.

    An attempt that kills the interpreter gets ``{"crash": returncode}`` and the
    next one runs in a new interpreter. Once ``stop_site_on(result)`` holds for
    a site its remaining attempts are skipped (``None``), so a broken site costs
    one interpreter, not one per character.
    """
    results: list[dict | None] = [None] * len(attempts)
    done = [False] * len(attempts)
    stopped: set[str] = set()
    while True:
        pending = [i for i in range(len(attempts)) if not done[i]]
        pending = [i for i in pending if attempts[i][0] not in stopped or done.__setitem__(i, True)]
        if not pending:
            return results
        proc = subprocess.run(
            [sys.executable, "-c", _DRIVER],
            input=json.dumps([list(attempts[i]) for i in pending]),
            cwd=REPO, env={**os.environ, "PYTHONPATH": REPO}, capture_output=True, text=True,
            timeout=600,
        )  # fmt: skip
        started = None
        for line in proc.stdout.splitlines():
            head, _, rest = line.partition(" ")
            if head == "START":
                started = pending[int(rest)]
            elif head == "RESULT":
                k, _, payload = rest.partition(" ")
                i = pending[int(k)]
                results[i], done[i], started = json.loads(payload), True, None
                if stop_site_on(results[i]):
                    stopped.add(attempts[i][0])
        if started is not None:  # it died inside this attempt
            results[started] = {"crash": proc.returncode, "stderr": proc.stderr[-300:]}
            done[started] = True
            stopped.add(attempts[started][0])
        elif proc.returncode != 0 and not all(done[i] for i in pending):
            raise AssertionError(f"the driver failed: {proc.stderr[-2000:]}")
