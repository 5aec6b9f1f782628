"""Any dataframe in (vegafigs.frames): the same data as pandas, polars (eager and lazy),
pyarrow and DuckDB gives a byte-identical spec, the same errors and the same warnings.

Figures drawn by ``reward_length`` / ``training_curves`` are left to their own tests
(their reductions run in the frame's engine: vegafigs/engines/).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs import frames, gallery
from vegafigs.errors import InputError
from vegafigs.export import to_spec

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")
duckdb = pytest.importorskip("duckdb")


def _arrow(df: pd.DataFrame) -> Any:
    return pa.Table.from_pandas(df, preserve_index=False)


@functools.cache
def _duck() -> Any:
    """One connection for the test relations (DuckDB before 1.2 closes a connection
    nobody holds, even under a relation still in use)."""
    return duckdb.connect()


def _duckdb(df: pd.DataFrame) -> Any:
    """``df`` as a DuckDB relation; a Categorical as an ENUM of its categories (DuckDB reads
    an Arrow dictionary as VARCHAR, dropping the order)."""
    rel = _duck().from_arrow(_arrow(df))
    cols = []
    for name in df.columns:
        quoted = '"' + str(name).replace('"', '""') + '"'
        if isinstance(df[name].dtype, pd.CategoricalDtype):
            cats = ", ".join("'" + str(c).replace("'", "''") + "'" for c in df[name].cat.categories)
            cols.append(f"CAST({quoted} AS ENUM({cats})) AS {quoted}")
        else:
            cols.append(quoted)
    return rel.project(", ".join(cols)) if cols else rel


def _polars(df: pd.DataFrame) -> Any:
    """``df`` as polars; a Categorical as an Enum of its categories (a polars Categorical
    has no order of its own)."""
    out = pl.from_pandas(df)
    enums = {
        name: pl.Enum([str(c) for c in df[name].cat.categories])
        for name in df.columns
        if isinstance(df[name].dtype, pd.CategoricalDtype)
    }
    return out.with_columns(pl.col(n).cast(pl.String).cast(e) for n, e in enums.items())


#: The same data in each backend (pandas itself: the reference).
BACKENDS: dict[str, Callable[[pd.DataFrame], Any]] = {
    "polars": _polars,
    "polars-lazy": lambda df: _polars(df).lazy(),
    "pyarrow": _arrow,
    "duckdb": _duckdb,
}
KINDS = list(BACKENDS)


def _spec(fig: Any) -> str:
    return json.dumps(to_spec(fig), sort_keys=True)


def _chart(chart: Any) -> str:
    return json.dumps(chart.to_dict(validate=False), sort_keys=True)


def _quiet(fn: Callable[[], Any]) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        out = fn()
    return out, [str(w.message) for w in got]


# ---------------------------------------------------------------- the gallery's figures
GALLERY_DATA = {
    "grad_metrics_hist": "grad_metrics_hist",
    "warmup_ablation": "warmup_ablation",
    "model_scaling": "model_scaling",
    "training_curve": "training_curve",
    "reward_length": "rl_logs",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(GALLERY_DATA))
def test_gallery_figure_same_spec(name: str, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = _spec(gallery.FIGURES[name].build())
    make = getattr(vf.demo, GALLERY_DATA[name])
    monkeypatch.setattr(vf.demo, GALLERY_DATA[name], lambda: BACKENDS[kind](make()))
    assert _spec(gallery.FIGURES[name].build()) == ref


@pytest.mark.parametrize("kind", KINDS)
def test_kl_spaghetti_same_spec(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import vegafigs.io as vio

    ref = _spec(gallery.FIGURES["kl_spaghetti"].build())
    load = vio.load_kl_runs

    def converted(*args: Any, **kwargs: Any) -> Any:
        runs = load(*args, **kwargs)
        return dataclasses.replace(
            runs,
            trajectories=BACKENDS[kind](runs.trajectories),
            kl=BACKENDS[kind](runs.kl),
            pmass=BACKENDS[kind](runs.pmass),
        )

    monkeypatch.setattr(vio, "load_kl_runs", converted)
    assert _spec(gallery.FIGURES["kl_spaghetti"].build()) == ref


# ---------------------------------------------------------------- layers and transforms
def _curves() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 40
    return pd.DataFrame(
        {
            "step": np.tile(np.arange(n) * 10, 2),
            "run": np.repeat(["b-run", "a-run"], n),
            "value": rng.normal(size=2 * n).cumsum(),
            "err": rng.uniform(0.1, 0.3, size=2 * n),
        }
    )


LAYERS: dict[str, Callable[[Any], Any]] = {
    "line": lambda df: vf.layers.line(df, x="step", y="value", series="run"),
    "points": lambda df: vf.layers.points(df, x="step", y="value", series="run"),
    "band": lambda df: vf.layers.band(df, x="step", lower="err", upper="value", series="run"),
    "histogram": lambda df: vf.layers.histogram(df, x="value", bins=12),
    "bars": lambda df: vf.layers.bars(df, x="run", y="value"),
}  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layer_same_spec(layer: str, kind: str) -> None:
    data = _curves()
    if layer == "bars":
        data = data.groupby("run", sort=False, as_index=False)["value"].last()
    ref, ref_warn = _quiet(lambda: _chart(LAYERS[layer](data)))
    got, got_warn = _quiet(lambda: _chart(LAYERS[layer](BACKENDS[kind](data))))
    assert got == ref
    assert got_warn == ref_warn


TRANSFORMS: dict[str, Callable[[Any], pd.DataFrame]] = {
    "ema": lambda df: vf.transforms.ema(df, x="step", y="value", by="run", weight=0.8),
    "smooth": lambda df: vf.transforms.smooth(df, x="step", y="value", by="run",
                                              method="gaussian:2"),
    "band": lambda df: vf.transforms.band(df, x="step", y="value", run="run", kind="std"),
    "summary_stats": lambda df: vf.transforms.summary_stats(df, value="value", by="run"),
    "histogram_bins": lambda df: vf.transforms.histogram_bins(df, value="value", by="run"),
    "downsample": lambda df: vf.transforms.downsample(df, x="step", y="value", by="run",
                                                      width_px=8),
}  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transform_same_frame(name: str, kind: str) -> None:
    data = _curves()
    try:
        ref = TRANSFORMS[name](data)
    except TypeError as exc:  # a transform's keywords differ: say so instead of skipping silently
        pytest.fail(f"{name}: {exc}")
    got = TRANSFORMS[name](BACKENDS[kind](data))
    pd.testing.assert_frame_equal(got, ref)


# ---------------------------------------------------------------- odd inputs, every backend
def _hist(df: Any, **kw: Any) -> Any:
    return vf.figures.metric_histograms(df, x="value", panel="panel", **kw)


def _bar(df: Any, **kw: Any) -> Any:
    return vf.figures.bar_trend(df, x="model", y="score", **kw)


def _hist_data(panels: Any, values: Any) -> pd.DataFrame:
    return pd.DataFrame({"panel": panels, "value": values})


ODD: dict[str, tuple[Callable[[Any], Any], Callable[[], pd.DataFrame]]] = {
    "hist-nulls": (_hist, lambda: _hist_data(["a", "a", "b", "b", "b"],
                                             [1.0, None, 2.0, np.nan, 3.5])),
    "hist-inf": (_hist, lambda: _hist_data(["a", "a", "b", "b"], [1.0, np.inf, 2.0, 3.0])),
    "hist-int-panels": (_hist, lambda: _hist_data([3, 1, 3, 1, 2], [0.1, 0.2, 0.3, 0.5, 0.9])),
    "hist-int-values": (_hist, lambda: _hist_data(["x", "x", "y", "y"], [1, 5, 2, 2])),
    "hist-flat": (_hist, lambda: _hist_data(["x", "x", "y"], [2.0, 2.0, 7.0])),
    "hist-category-order": (_hist, lambda: _hist_data(
        pd.Categorical(["b", "a", "c", "a"], categories=["c", "a", "b"]), [1.0, 2.0, 3.0, 4.0])),
    "hist-odd-names": (lambda df: vf.figures.metric_histograms(df, x="val.score", panel="it's"),
                       lambda: pd.DataFrame({"it's": ["p", "q", "p"], "val.score": [1.0, 2, 3]})),
    "bar-nulls": (_bar, lambda: pd.DataFrame({"model": ["m1", "m2", "m3"],
                                              "score": [1.0, None, 3.0]})),
    "bar-int-ids": (_bar, lambda: pd.DataFrame({"model": [30, 10, 20], "score": [1.0, 2, 3]})),
    "bar-category-order": (_bar, lambda: pd.DataFrame({
        "model": pd.Categorical(["s", "l", "m"], categories=["l", "m", "s"]),
        "score": [1.0, 2.0, 3.0]})),
    "line-tz-datetimes": (lambda df: vf.layers.line(df, x="when", y="score", series="run"),
                          lambda: pd.DataFrame({
                              "when": pd.date_range("2026-03-29 00:30", periods=4, freq="h",
                                                    tz="Europe/Berlin"),
                              "run": ["a", "a", "b", "b"], "score": [1.0, 2.0, 3.0, 4.0]})),
    "line-unsorted-steps": (lambda df: vf.layers.line(df, x="step", y="v", series="run"),
                            lambda: pd.DataFrame({"step": [3, 1, 2, 1], "run": [1, 1, 1, 2],
                                                  "v": [1.0, 2.0, 3.0, 4.0]})),
    "scaling-one-row": (lambda df: vf.figures.scaling_curves(df, x="n", y="acc", series="m"),
                        lambda: pd.DataFrame({"m": ["A"], "n": [1.0], "acc": [0.5]})),
}  # fmt: skip


def _outcome(fn: Callable[[], Any]) -> tuple[str, list[str]]:
    """The spec (or the error's class and message) and the warnings of ``fn()``."""
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        try:
            out = fn()
            result = (
                _chart(out)
                if hasattr(out, "to_dict") and not hasattr(out, "panels")
                else (_spec(out))
            )
        except InputError as exc:
            result = f"{type(exc).__name__}: {exc}"
    return result, [str(w.message) for w in got]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", sorted(ODD))
def test_odd_input_same_outcome(case: str, kind: str) -> None:
    draw, make = ODD[case]
    given = make()
    if case == "line-tz-datetimes" and kind == "duckdb":
        # TIMESTAMPTZ holds instants, not a zone: DuckDB gives them in its session's zone
        given = given.assign(when=given["when"].dt.tz_convert("Etc/UTC"))
    ref = _outcome(lambda: draw(given))
    assert not ref[0].startswith("InputError"), ref[0]
    assert _outcome(lambda: draw(BACKENDS[kind](make()))) == ref


def test_polars_enum_keeps_its_order() -> None:
    """A polars Enum is drawn in its category order, as the pandas Categorical with it."""
    cats = ["c", "a", "b"]
    values = ["b", "a", "c", "a"]
    ref = _spec(_hist(_hist_data(pd.Categorical(values, categories=cats), [1.0, 2, 3, 4])))
    enum = pl.DataFrame({"panel": pl.Series(values, dtype=pl.Enum(cats)), "value": [1.0, 2, 3, 4]})
    assert _spec(_hist(enum)) == ref
    assert _spec(_hist(enum.lazy())) == ref
    bars = pl.DataFrame({"model": pl.Series(["s", "l"], dtype=pl.Enum(["l", "s"])),
                         "score": [1.0, 2.0]})  # fmt: skip
    pd_bars = pd.DataFrame({"model": pd.Categorical(["s", "l"], categories=["l", "s"]),
                            "score": [1.0, 2.0]})  # fmt: skip
    assert _spec(_bar(bars)) == _spec(_bar(pd_bars))


BAD: dict[str, tuple[Callable[[Any], Any], Callable[[], pd.DataFrame]]] = {
    "hist-empty": (_hist, lambda: _hist_data(pd.Series([], dtype=str), pd.Series([], dtype=float))),
    "hist-missing-column": (lambda df: vf.figures.metric_histograms(df, x="nope", panel="panel"),
                            lambda: _hist_data(["a"], [1.0])),
    "hist-all-nan": (_hist, lambda: _hist_data(["a", "b"], [np.nan, np.nan])),
    "hist-null-panel": (_hist, lambda: _hist_data(["a", None, "b"], [1.0, 2.0, 3.0])),
    "hist-huge": (_hist, lambda: _hist_data(["a", "a"], [1.0, 1e305])),
    "bar-empty": (_bar, lambda: pd.DataFrame({"model": pd.Series([], dtype=str),
                                              "score": pd.Series([], dtype=float)})),
    "bar-missing-column": (lambda df: vf.figures.bar_trend(df, x="model", y="nope"),
                           lambda: pd.DataFrame({"model": ["a"], "score": [1.0]})),
    "line-empty": (lambda df: vf.layers.line(df, x="step", y="v"),
                   lambda: pd.DataFrame({"step": pd.Series([], dtype=int),
                                         "v": pd.Series([], dtype=float)})),
    "line-missing-column": (lambda df: vf.layers.line(df, x="step", y="nope"),
                            lambda: pd.DataFrame({"step": [1], "v": [1.0]})),
}  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_same_error(case: str, kind: str) -> None:
    draw, make = BAD[case]
    ref = _outcome(lambda: draw(make()))
    assert ref[0].startswith("InputError"), ref[0]
    assert _outcome(lambda: draw(BACKENDS[kind](make()))) == ref


# ---------------------------------------------------------------- frames itself
@pytest.mark.parametrize("value", [[1, 2], {"a": [1]}, np.zeros(3), pd.Series([1.0]), "df.csv"])
def test_not_a_frame_is_an_input_error(value: Any) -> None:
    with pytest.raises(
        InputError,
        match=r"^data: expected a pandas DataFrame, got \w+; other "
        "dataframes work too: a polars DataFrame or LazyFrame, a pyarrow Table",
    ):
        frames.to_pandas(value, param="data")
    with pytest.raises(InputError, match=r"^df: expected a pandas DataFrame"):
        vf.figures.bar_trend(value, x="a", y="b")


def test_pandas_is_returned_as_is() -> None:
    df = pd.DataFrame({0: [1], "a": [2]})  # non-string names: today's behaviour, untouched
    assert frames.to_pandas(df, columns=["a"]) is df


def test_dtype_mapping() -> None:
    import zoneinfo

    tz = zoneinfo.ZoneInfo("America/New_York")
    df = pl.DataFrame({
        "i": [1, 2, 3], "i_null": [1, None, 3], "u8": pl.Series([1, 2, 3], dtype=pl.UInt8),
        "f": [1.5, None, float("nan")], "s": ["x", None, "z"], "b": [True, False, True],
        "b_null": [True, None, False],
        "cat": pl.Series(["q", "p", "q"], dtype=pl.Categorical),
        "enum": pl.Series(["q", "p", "q"], dtype=pl.Enum(["q", "r", "p"])),
        "t": pl.Series([dt.datetime(2026, 1, 1, 5)] * 3, dtype=pl.Datetime("us", "UTC"))
        .dt.convert_time_zone("America/New_York"),  # (polars 1.0 reads tz-aware objects as UTC)
        "d": [dt.timedelta(seconds=5)] * 3,
    })  # fmt: skip
    out = frames.to_pandas(df)
    want = pd.DataFrame({
        "i": [1, 2, 3], "i_null": [1.0, np.nan, 3.0], "u8": np.array([1, 2, 3], dtype=np.uint8),
        "f": [1.5, np.nan, np.nan], "s": ["x", None, "z"], "b": [True, False, True],
        "b_null": np.array([True, None, False], dtype=object),
        "cat": pd.Categorical(["q", "p", "q"], categories=["p", "q"]),
        "enum": pd.Categorical(["q", "p", "q"], categories=["q", "r", "p"]),
        "t": pd.Series([dt.datetime(2026, 1, 1, tzinfo=tz)] * 3).astype(
            "datetime64[us, America/New_York]"),
        "d": pd.Series([dt.timedelta(seconds=5)] * 3).astype("timedelta64[us]"),
    })  # fmt: skip
    pd.testing.assert_frame_equal(out, want, check_categorical=True)
    assert out["s"].dtype == pd.DataFrame({"s": ["x", None]})["s"].dtype  # as pandas infers
    arrow = frames.to_pandas(_arrow(pd.DataFrame({"c": pd.Categorical(["b", "a"], ["b", "a"])})))
    assert list(arrow["c"].cat.categories) == ["b", "a"]  # an Arrow dictionary's order


def test_kinds_and_names() -> None:
    data = pd.DataFrame({"a": [1], "b": ["x"]})
    kinds = {k: frames.frame_kind(make(data)) for k, make in BACKENDS.items()}
    assert kinds == {"polars": "polars", "polars-lazy": "polars-lazy", "pyarrow": "pyarrow",
                     "duckdb": "duckdb-lazy"}  # fmt: skip
    assert frames.frame_kind(data) == "pandas"
    for make in BACKENDS.values():
        assert frames.column_names(make(data)) == ["a", "b"]
        assert frames.is_frame(make(data))
    assert frames.is_ordered(pl.from_pandas(data).lazy())
    assert not frames.is_ordered(_duckdb(data))


def test_missing_column_names_it() -> None:
    with pytest.raises(
        InputError, match="df: missing column\\(s\\) 'zz'; the frame has columns: 'a', 'b'"
    ):
        frames.to_pandas(pl.DataFrame({"a": [1], "b": [2]}).lazy(), columns=["a", "zz"])


class _Counting:
    """Counts ``polars.LazyFrame.collect`` calls and keeps the columns each one collects."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.plans: list[str] = []
        original = pl.LazyFrame.collect

        def collect(lf: Any, *args: Any, **kwargs: Any) -> Any:
            self.plans.append(" ".join(lf.collect_schema().names()))
            return original(lf, *args, **kwargs)

        monkeypatch.setattr(pl.LazyFrame, "collect", collect)


def test_lazy_polars_collected_once_after_the_projection(monkeypatch: pytest.MonkeyPatch) -> None:
    lf = pl.LazyFrame({"model": ["a", "b"], "score": [1.0, 2.0], "unused": [0, 0]})
    counting = _Counting(monkeypatch)
    frames.to_pandas(lf, columns=["score", "model"])
    assert len(counting.plans) == 1
    assert counting.plans == ["model score"]  # the select is part of the one query
    counting.plans.clear()
    vf.figures.bar_trend(lf, x="model", y="score")
    assert counting.plans == ["model score"]  # the figure reads only the columns it draws
    counting.plans.clear()
    with pytest.raises(InputError, match="missing column"):  # checked on the first row only
        vf.figures.bar_trend(lf, x="model", y="nope")
    assert counting.plans == ["model score unused"]


def test_histograms_run_in_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lazy frame is binned by two aggregate queries; no sample row reaches Python."""
    n = 20_000
    rng = np.random.default_rng(0)
    data = pd.DataFrame({"panel": np.repeat(["p", "q"], n // 2), "value": rng.normal(size=n),
                         "unused": 0})  # fmt: skip
    ref = _spec(_hist(data))
    lf = pl.from_pandas(data).lazy()
    counting = _Counting(monkeypatch)
    monkeypatch.setattr(frames, "_column", _small_columns(frames._column))
    assert _spec(_hist(lf)) == ref
    assert len(counting.plans) == 2
    assert all("unused" not in plan for plan in counting.plans)
    assert _spec(_hist(_duckdb(data))) == ref
    assert _spec(_hist(_arrow(data))) == ref


def _small_columns(column: Callable[..., Any]) -> Callable[..., Any]:
    def checked(arr: Any, **kwargs: Any) -> Any:
        assert len(arr) <= 2, f"{len(arr)} rows reached Python"
        return column(arr, **kwargs)

    return checked


# ---------------------------------------------------------------- Spark (local mode)
@pytest.mark.slow
def test_spark_bar_trend_and_histograms_same_spec() -> None:
    from tests._spark import spark_session

    spark = spark_session()
    bars = vf.demo.warmup_ablation()
    fig = _spec(vf.figures.bar_trend(spark.createDataFrame(bars), x="warmup_steps", y="avg_score"))
    assert fig == _spec(vf.figures.bar_trend(bars, x="warmup_steps", y="avg_score"))
    hist = vf.demo.grad_metrics_hist()
    got = vf.figures.metric_histograms(spark.createDataFrame(hist), x="value", panel="panel")
    assert _spec(got) == _spec(_hist(hist))
    assert frames.frame_kind(spark.createDataFrame(bars)) == "pyspark-lazy"


@pytest.mark.parametrize("kind", KINDS)
def test_text_checks_read_a_charts_own_frame(kind: str) -> None:
    """A user's chart holding a polars / Arrow / DuckDB frame has its texts checked too."""
    import altair as alt

    from vegafigs.themes import text

    data = pd.DataFrame({"label": ["ok", "bell\x07"], "v": [1.0, 2.0]})

    def check(df: Any) -> str:
        chart = alt.Chart(df).mark_text().encode(x="v:Q", text="label:N")
        with pytest.raises(InputError) as err:
            text.check_texts(text.chart_texts([chart], {}))
        return str(err.value)

    assert check(BACKENDS[kind](data)) == check(data)


def test_repeated_column_name_in_an_arrow_table() -> None:
    table = pa.Table.from_arrays([pa.array(["a"]), pa.array([1.0]), pa.array([2.0])],
                                 names=["model", "score", "score"])  # fmt: skip
    ref = pd.DataFrame([["a", 1.0, 2.0]], columns=["model", "score", "score"])
    assert _outcome(lambda: _bar(table)) == _outcome(lambda: _bar(ref))
