"""scaling_curves and kl_spaghetti take any frame: odd column names, ids of any dtype,
user columns named like internal ones, long labels, tiny inputs (issue 10)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

import vegafigs as vf
from vegafigs import InputError
from vegafigs.figures import kl_spaghetti, scaling_curves
from vegafigs.io import KLRuns
from vegafigs.transforms import kl_states

#: What a reader sees of an item (the aria ``description`` names fields: left out).
KEYS = ("x", "y", "x2", "y2", "width", "height", "fill", "stroke", "size", "shape",
        "text", "fontWeight", "font", "path", "opacity", "fillOpacity")  # fmt: skip


def _items(fig) -> list[dict]:
    """Every drawn item with its mark type, role and absolute position."""
    graph = vlc.vegalite_to_scenegraph(fig.to_dict())["scenegraph"]
    out: list[dict] = []

    def walk(node, ox, oy, mark):
        if "marktype" in node:
            for item in node.get("items", []):
                walk(item, ox, oy, node)
            return
        x, y = ox + float(node.get("x", 0) or 0), oy + float(node.get("y", 0) or 0)
        if mark is not None:
            out.append({**node, "marktype": mark["marktype"], "role": mark.get("role"),
                        "abs_x": x, "abs_y": y})  # fmt: skip
        for child in node.get("items", []):
            walk(child, x, y, None)

    walk(graph, 0.0, 0.0, None)
    return out


def _norm(v):
    if isinstance(v, float):
        return round(v, 2)
    if isinstance(v, list):
        return tuple(_norm(e) for e in v)
    return v


def picture(fig) -> list[tuple]:
    """The figure as the reader sees it: every item's type, role, place and look."""
    return [
        (
            i["marktype"],
            i["role"],
            _norm(i["abs_x"]),
            _norm(i["abs_y"]),
            *((k, _norm(i[k])) for k in KEYS if k in i),
        )  # fmt: skip
        for i in _items(fig)
        if i["marktype"] != "group"
    ]


def legend_labels(fig) -> list[dict]:
    return [i for i in _items(fig) if i["role"] == "legend-label"]


def _lines(item) -> list[str]:
    text = item["text"]
    return [str(t) for t in text] if isinstance(text, list) else [str(text)]


# ---------------------------------------------------------------- scaling_curves

PLAIN = ("params_b", "accuracy", "method", "std")
ODD_NAMES = [
    ("params.b", "val.score", "method[name]", "s.td"),
    ("a:b", "mean(r)", "it's", 'q"x'),
    ("x y", "é", "a/b", "[0]"),
    (" lead", "trail ", "שיטה", "σ"),
]


def _scaling(df=None, names=PLAIN, **kw):
    df = vf.demo.model_scaling() if df is None else df
    x, y, series, err = names
    kw = {"x_title": "params_b", "y_title": "accuracy", "err": err, "highlight": "SDPO", **kw}
    return scaling_curves(df, x=x, y=y, series=series, **kw)


@pytest.mark.parametrize("names", ODD_NAMES, ids=lambda n: n[0])
def test_odd_column_names_draw_the_plain_picture(names):
    df = vf.demo.model_scaling().rename(columns=dict(zip(PLAIN, names, strict=True)))
    fig = _scaling(df, names)
    assert picture(fig) == picture(_scaling())
    assert list(fig.data["curves"].columns) == [names[2], names[0], names[1], "lower", "upper"]


def test_a_backslash_in_a_name_is_drawn_or_refused_by_name():
    # Vega-Lite cannot read every backslash in a field name: the layers may refuse it.
    names = ("params_b", "accuracy", "a\\b", "std")
    df = vf.demo.model_scaling().rename(columns={"method": "a\\b"})
    try:
        fig = _scaling(df, names)
    except InputError as exc:
        assert "'a\\\\b'" in str(exc)
    else:
        assert picture(fig) == picture(_scaling())


def test_default_titles_are_the_column_names_as_written():
    df = vf.demo.model_scaling().rename(columns={"params_b": "params.b", "accuracy": "val.score"})
    fig = scaling_curves(df, x="params.b", y="val.score", series="method")
    texts = [t for i in _items(fig) if i["marktype"] == "text" for t in _lines(i)]
    assert "params.b" in texts and "val.score" in texts
    assert not any("\\" in t for t in texts)


def _ids(kind: str, values: pd.Series) -> pd.Series:
    """``values`` (three methods) as ids of the dtype ``kind``."""
    codes = values.map({lv: i for i, lv in enumerate(pd.unique(values))})
    return {
        "int": codes,
        "float": codes + 0.5,
        "Int64": codes.astype("Int64"),
        "string": values.astype("string"),
        "categorical": values.astype("category"),
    }[kind]


@pytest.mark.parametrize("kind", ["int", "float", "Int64", "string", "categorical"])
def test_series_of_any_dtype_draw_like_their_text(kind):
    base = vf.demo.model_scaling()
    df = base.assign(method=_ids(kind, base["method"]))
    first = df["method"].iloc[0]
    last = df["method"].iloc[-1]
    order = list(df["method"].cat.categories) if kind == "categorical" else None
    fig = _scaling(df, highlight=first, palette={last: "#ff0000"}, order=order)
    text = df.assign(method=df["method"].astype(str))
    want = _scaling(text, highlight=str(first), palette={str(last): "#ff0000"},
                    order=[str(o) for o in order] if order else None)  # fmt: skip
    assert picture(fig) == picture(want)
    bold = [_lines(i) for i in legend_labels(fig) if i.get("fontWeight") == "bold"]
    assert bold == [[str(first)]]
    assert "#ff0000" in {i.get("stroke") for i in _items(fig) if i["marktype"] == "line"}


def test_highlight_of_an_int_id_bolds_its_label():
    df = vf.demo.model_scaling()
    df = df.assign(method=df["method"].map({"SDPO": 1, "GRPO": 2, "base model": 3}))
    fig = scaling_curves(df, x="params_b", y="accuracy", series="method", highlight=1,
                         palette={3: "red"})  # fmt: skip
    weights = {_lines(i)[0]: i.get("fontWeight") for i in legend_labels(fig)}
    assert weights == {"1": "bold", "2": "normal", "3": "normal"}


def test_bool_series_and_category_order():
    df = vf.demo.model_scaling()
    df = df[df["method"] != "base model"].assign(method=lambda d: d["method"] == "SDPO")
    fig = scaling_curves(df, x="params_b", y="accuracy", series="method", highlight=True)
    assert [_lines(i)[0] for i in legend_labels(fig)] == ["True", "False"]
    cats = vf.demo.model_scaling()
    cats["method"] = pd.Categorical(cats["method"], categories=["base model", "GRPO", "SDPO"])
    fig = scaling_curves(cats, x="params_b", y="accuracy", series="method")
    assert [_lines(i)[0] for i in legend_labels(fig)] == ["base model", "GRPO", "SDPO"]


def test_two_ids_with_one_text_are_an_error():
    df = vf.demo.model_scaling()
    df["method"] = df["method"].astype(object)
    df.loc[df["method"] == "SDPO", "method"] = 1
    df.loc[df["method"] == "GRPO", "method"] = "1"
    with pytest.raises(InputError, match=r"column 'method' has values 1 and '1'"):
        scaling_curves(df, x="params_b", y="accuracy", series="method")


@pytest.mark.parametrize(
    "names",
    [("upper", "lower", "band_lower", "band_upper"), ("lower", "upper", "method", "std")],
    ids=["all-internal", "x-y"],
)
def test_user_columns_named_like_internal_ones(names):
    df = vf.demo.model_scaling().rename(columns=dict(zip(PLAIN, names, strict=True)))
    fig = _scaling(df, names)
    assert picture(fig) == picture(_scaling())
    data = fig.data["curves"]
    assert list(data.columns[:3]) == [names[2], names[0], names[1]]
    want = _scaling().data["curves"]
    np.testing.assert_allclose(data.iloc[:, 3:].to_numpy(float), want[["lower", "upper"]])


def test_one_column_for_two_roles_is_an_error():
    with pytest.raises(InputError, match=r"x/series: both name column 'params_b'"):
        scaling_curves(vf.demo.model_scaling(), x="params_b", y="accuracy", series="params_b")


def test_bad_column_names_are_an_error():
    df = vf.demo.model_scaling()
    dup = pd.concat([df, df[["std"]]], axis=1)
    with pytest.raises(InputError, match=r"\['std'\] appear more than once"):
        scaling_curves(dup, x="params_b", y="accuracy", series="method", err="std")
    multi = df.copy()
    multi.columns = pd.MultiIndex.from_tuples([(c, "") for c in df.columns])
    with pytest.raises(InputError, match="MultiIndex"):
        scaling_curves(multi, x="params_b", y="accuracy", series="method")


LONG = {
    "SDPO": "SDPO-self-distilled-policy-optimisation-v2",
    "GRPO": "GRPO_group_relative_policy_optimization",
    "base model": "Qwen-2.5-1.5B-Instruct base model",
}


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _boxes(fig) -> list[tuple[float, float, float, float]]:
    out = []
    for i in legend_labels(fig):
        n, size = len(_lines(i)), float(i["fontSize"])
        top = i["abs_y"] - 0.45 * size  # baseline middle of the first line, the others below
        h = (n - 1) * size + 0.9 * size
        width = max(vf.themes.text_width(t, font=i["font"], size=float(
            i["fontSize"]), bold=i.get("fontWeight") == "bold") for t in _lines(i))  # fmt: skip
        out.append((i["abs_x"], top, i["abs_x"] + width, top + h))
    return out


@pytest.mark.parametrize("size", [(3.3, 2.5), (3.3, 4.0), (6.75, 2.5), (10.0, 5.0)])
def test_long_legend_labels_are_whole_and_apart(size):
    df = vf.demo.model_scaling()
    df = df.assign(method=df["method"].map(LONG))
    fig = scaling_curves(df, x="params_b", y="accuracy", series="method", err="std",
                         highlight=LONG["SDPO"], width_in=size[0], height_in=size[1])  # fmt: skip
    labels = legend_labels(fig)
    for item in labels:  # the lines joined are the name; nothing cut
        assert "".join(_lines(item)).replace(" ", "") in {v.replace(" ", "") for v in LONG.values()}
        bold = item.get("fontWeight") == "bold"
        widest = max(vf.themes.text_width(t, font=item["font"], size=float(item["fontSize"]),
                                          bold=bold) for t in _lines(item))  # fmt: skip
        assert not item.get("limit") or widest < item["limit"]  # no ellipsis
    assert len(labels) == 3
    boxes = _boxes(fig)
    canvas = (size[0] * 72, size[1] * 72)
    for k, box in enumerate(boxes):
        assert box[0] >= 0 and box[2] <= canvas[0] + 1 and box[1] >= 0 and box[3] <= canvas[1] + 1
        assert not any(_overlap(box, other) for other in boxes[k + 1 :])


def test_short_labels_keep_the_default_legend():
    spec = _scaling().to_dict()
    assert "labelLimit" not in str(spec) and "labelExpr" not in str(spec)


def test_empty_single_row_and_single_series():
    df = vf.demo.model_scaling()
    with pytest.raises(InputError, match="empty"):
        scaling_curves(df.iloc[:0], x="params_b", y="accuracy", series="method")
    one = scaling_curves(df.iloc[:1], x="params_b", y="accuracy", series="method", err="std")
    symbols = [i for i in _items(one) if i["role"] == "mark" and i["marktype"] == "symbol"]
    assert len(symbols) == 1 and [_lines(i) for i in legend_labels(one)] == [["SDPO"]]
    single = scaling_curves(df[df["method"] == "GRPO"], x="params_b", y="accuracy",
                            series="method", highlight="GRPO")  # fmt: skip
    assert (
        len([i for i in _items(single) if i["role"] == "mark" and i["marktype"] == "symbol"]) == 4
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InputError, match="no rows with finite values"):
            scaling_curves(df.assign(accuracy=np.nan), x="params_b", y="accuracy", series="method")


# ---------------------------------------------------------------- kl_spaghetti


def toy_runs(alphas, *, n: int = 4, steps: int = 80, extra: dict | None = None) -> KLRuns:
    """A small KLRuns: ``n`` trajectories per alpha (alphas kept in the dtype given)."""
    rng = np.random.default_rng(0)
    kls, pms = [], []
    for i in range(n * len(alphas)):
        kl = np.abs(rng.normal(0.3, 0.2, steps)).cumsum() / np.arange(1, steps + 1)
        kls.append(pd.DataFrame({"traj": i, "t": np.arange(steps), "kl": kl}))
        pms.append(pd.DataFrame({"traj": i, "t": [0, 20, 40],
                                 "pmass": [0.9, 0.85 if i % 2 else 0.5, 0.7]}))  # fmt: skip
    alpha = pd.Series(alphas).repeat(n).reset_index(drop=True)
    traj = pd.DataFrame(
        {
            "traj": np.arange(n * len(alphas)),
            "alpha": alpha,
            "gen_len": [steps if i % 3 else steps // 2 for i in range(len(alpha))],
        }
    )
    for name, value in (extra or {}).items():
        traj[name] = value
    uniques = (
        alpha.cat.categories if isinstance(alpha.dtype, pd.CategoricalDtype) else alpha.unique()
    )
    return KLRuns(traj, pd.concat(kls, ignore_index=True), pd.concat(pms, ignore_index=True),
                  tuple(uniques), "toy")  # fmt: skip


def _kl(runs, **kw):
    return kl_spaghetti(runs, window=80, width_in=6.75, height_in=2.5, **kw)


def _marks(fig) -> list[tuple]:
    return [p for p in picture(fig) if p[1] != "axis-title" and p[0] != "text"]


@pytest.fixture(scope="module")
def text_fig():
    return _kl(toy_runs(["0.5", "4.0"]))


@pytest.mark.parametrize(
    "alphas",
    [
        [0.5, 4.0],
        pd.array([0.5, 4.0], dtype="Float64"),
        pd.Categorical(["0.5", "4.0"], categories=["0.5", "4.0"]),
    ],
    ids=["float", "Float64", "categorical"],
)
def test_alphas_of_any_dtype_draw_like_their_text(alphas, text_fig):
    fig = _kl(toy_runs(alphas))
    assert fig.panels == ("0.5", "4.0")
    assert picture(fig) == picture(text_fig)


def test_int_and_bool_alphas():
    fig = _kl(toy_runs([1, 2]), normalize_kl=False)
    assert fig.panels == ("1", "2")
    assert fig.data["target"]["target"].tolist() == [1.0, 4.0]
    texts = [t for i in _items(fig) if i["marktype"] == "text" for t in _lines(i)]
    assert any(t.startswith("α=1 ") or t == "α=1" for t in texts)
    assert _kl(toy_runs([True, False])).panels == ("True", "False")


def test_panels_given_as_numbers_match_the_keys(text_fig):
    runs = toy_runs(["0.5", "4.0"])
    assert _kl(runs, panels=[4, 0.5]).panels == ("4.0", "0.5")
    assert picture(_kl(runs, panels=[0.5, 4])) == picture(text_fig)
    with pytest.raises(InputError, match=r"panels: 7 is not an alpha of the runs; they are"):
        _kl(runs, panels=[0.5, 7])
    with pytest.raises(InputError, match=r"panels: '4' is not an alpha"):
        _kl(runs, panels=["4"])  # text is matched exactly
    with pytest.raises(InputError, match=r"panels: '0.5' is given twice"):
        _kl(runs, panels=[0.5, "0.5"])


def test_alphas_with_one_text_are_an_error():
    with pytest.raises(InputError, match=r"column 'alpha' has values 1 and '1'"):
        _kl(toy_runs([1, "1"]))
    runs = toy_runs(["1", "2"])
    with pytest.raises(InputError, match=r"runs.alphas: two alphas are both drawn as '1'"):
        _kl(KLRuns(runs.trajectories, runs.kl, runs.pmass, (1, "1", "2")))


@pytest.mark.parametrize("alpha", ["a.b[0]", 'it\'s "q"', "a\\b", "a/b:m(r)", "שלום"])
def test_odd_alpha_texts_are_panel_titles(alpha, text_fig):
    fig = _kl(toy_runs([alpha, "4.0"]))
    texts = [t for i in _items(fig) if i["marktype"] == "text" for t in _lines(i)]
    assert any(t.startswith(f"α={alpha}") for t in texts)
    assert _marks(fig) == _marks(text_fig)


def test_control_characters_in_an_alpha_are_an_error():
    with pytest.raises(InputError, match=r"(runs.alphas|column 'alpha').* U\+0007"):
        _kl(toy_runs(["a\x07", "b"]))


def test_kl_user_columns_named_like_internal_ones(text_fig):
    extra = {c: "user" for c in ("drawn", "died", "censored", "n_tokens", "end_t", "state")}
    fig = _kl(toy_runs(["0.5", "4.0"], extra=extra))
    assert picture(fig) == picture(text_fig)
    runs = toy_runs(["0.5"], extra=extra)
    _, per_traj = kl_states(runs.trajectories, runs.kl, runs.pmass, window=80)
    assert not per_traj.columns.duplicated().any()
    assert per_traj["drawn"].dtype == bool and (per_traj["state"] == "user").all()


def test_bad_frame_columns_are_an_error():
    runs = toy_runs(["0.5"])
    dup = pd.concat([runs.kl, runs.kl[["kl"]]], axis=1)
    with pytest.raises(InputError, match=r"kl: column name\(s\) \['kl'\] appear more than once"):
        kl_states(runs.trajectories, dup, runs.pmass)


def test_long_alphas_wrap_at_separators_not_cut():
    long = ["steering-vector-honesty-layer-12-strength-0.5", "steering-vector-honesty-layer-12-x"]
    fig = _kl(toy_runs(long))
    heads = [i for i in _items(fig) if i["role"] == "title-text" and "α=" in str(i["text"])]
    assert len(heads) == 2
    for item, alpha in zip(heads, long, strict=True):
        lines = _lines(item)
        assert len(lines) > 1
        assert "".join(lines).replace(" ", "").startswith(f"α={alpha}")
        assert all(not ln.endswith("1") or ln.endswith("-") for ln in lines[:-1])
    left, right = heads
    assert left["abs_x"] + 0.5 * max(
        vf.themes.text_width(t, font=left["font"], size=float(left["fontSize"]))
        for t in _lines(left)
    ) < right["abs_x"] - 0.5 * max(
        vf.themes.text_width(t, font=right["font"], size=float(right["fontSize"]))
        for t in _lines(right)
    )


def test_single_alpha_and_single_trajectory():
    fig = kl_spaghetti(toy_runs(["0.5"], n=1), window=80, width_in=3.3, height_in=2.5)
    assert fig.panels == ("0.5",) and fig.data["summary"]["n"].tolist() == [1]
    paths = [i for i in _items(fig) if i["role"] == "mark" and i["marktype"] == "line"]
    assert paths


def test_time_columns_are_not_read_as_nanoseconds():
    df = vf.demo.model_scaling()
    hours = df.assign(params_b=pd.to_timedelta(df["params_b"], unit="h"))
    fig = scaling_curves(hours, x="params_b", y="accuracy", series="method")
    texts = [t for i in _items(fig) if i["marktype"] == "text" for t in _lines(i)]
    assert {"0.6", "1.7", "4", "8", "params_b (h)"} <= set(texts)
    plain = scaling_curves(df, x="params_b", y="accuracy", series="method", x_title="params_b (h)")
    assert picture(fig) == picture(plain)
    dates = df.assign(params_b=pd.to_datetime(df["params_b"] * 1e9))
    with pytest.raises(InputError, match=r"x: column 'params_b' holds datetimes"):
        scaling_curves(dates, x="params_b", y="accuracy", series="method")
    times = df.assign(accuracy=pd.to_timedelta(df["accuracy"], unit="h"))
    with pytest.raises(InputError, match=r"column 'accuracy' holds times; expected numbers"):
        scaling_curves(times, x="params_b", y="accuracy", series="method")
