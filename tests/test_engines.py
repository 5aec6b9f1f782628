"""vegafigs.engines: reward_length on polars / pyarrow / DuckDB / Spark frames gives the
pandas spec byte for byte, with only the drawn rows reaching Python."""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
import vegafigs.engines.curves as engine_curves
import vegafigs.engines.frames as engine_frames
import vegafigs.engines.reduce as engine_reduce
import vegafigs.engines.stream as engine_stream
from vegafigs.engines.stream import M4Stream, ProbeM4, Segments, ts_probe
from vegafigs.errors import InputError
from vegafigs.export import to_spec
from vegafigs.transforms.downsample import _tsdownsample_indices, m4_indices, pixel_columns

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")
duckdb = pytest.importorskip("duckdb")

KINDS = ["polars", "lazy", "arrow", "duckdb"]


def native(df: pd.DataFrame, kind: str) -> Any:
    """``df`` as a frame of another library."""
    if kind == "polars":
        return pl.from_pandas(df)
    if kind == "lazy":
        return pl.from_pandas(df).lazy()
    if kind == "arrow":
        return pa.Table.from_pandas(df, preserve_index=False)
    return duckdb.from_arrow(pa.Table.from_pandas(df, preserve_index=False))


def spec(df: Any, **kw: Any) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return json.dumps(to_spec(vf.figures.reward_length(df, **kw)), sort_keys=True)


def logs(n: int = 60, *, runs: tuple[Any, ...] = ("a", "b"), seeds: tuple[Any, ...] = (),
         metrics: tuple[str, ...] = ("reward", "response_length"), seed: int = 0,
         gaps: bool = False) -> pd.DataFrame:  # fmt: skip
    rng = np.random.default_rng(seed)
    parts = []
    for i, r in enumerate(runs):
        for m in metrics:
            for s in seeds or (None,):
                steps = np.arange(n - 7 * i) * 3
                if gaps:
                    steps = np.sort(rng.choice(n * 5, n - 7 * i, replace=False))
                d = pd.DataFrame({"run": r, "metric": m, "step": steps,
                                  "value": rng.normal(size=steps.size).cumsum()})  # fmt: skip
                if s is not None:
                    d["seed"] = s
                parts.append(d)
    return pd.concat(parts, ignore_index=True)


CASES: dict[str, tuple[pd.DataFrame, dict[str, Any]]] = {
    "ema": (logs(), {}),
    "none": (logs(), {"smooth": None}),
    "twema": (logs(gaps=True), {"smooth": "twema:0.6"}),
    "rolling": (logs(), {"smooth": "rolling:5"}),
    "gaussian": (logs(), {"smooth": "gaussian:2"}),
    "band": (logs(), {"band": "q10-90", "raw": False}),
    "seeds-std": (logs(seeds=(0, 1, 2)), {"seed": "seed"}),
    "seeds-ci95": (logs(seeds=(0, 1, 2)), {"seed": "seed", "band": "ci95"}),
    "seeds-q": (logs(seeds=(0, 1, 2)), {"seed": "seed", "band": "q10-90"}),
    "seeds-boot": (logs(seeds=(0, 1, 2)), {"seed": "seed", "band": "ci95-boot"}),
    "seeds-gaps": (logs(seeds=(0, 1), gaps=True), {"seed": "seed"}),
    "facet": (
        logs(runs=("a",), seeds=())
        .assign(env="x")
        .pipe(lambda d: pd.concat([d, d.assign(env="y", value=d["value"] * 2)])),
        {"facet": "env"},
    ),
    "dual": (logs(), {"layout": "dual"}),
    "dual-static": (logs(), {"layout": "dual", "interactive": False}),
    "int-runs": (logs(runs=(3, 1)), {"palette": {1: "#000000"}}),
    "m4": (logs(50_000, runs=("a", "b", "c"), metrics=("reward",)), {"panels": ["reward"]}),
    "m4-gaps": (logs(20_000, metrics=("reward",), gaps=True), {"panels": ["reward"]}),
    "m4-no-raw": (logs(20_000, metrics=("reward",)), {"panels": ["reward"], "raw": False}),
}


#: Cases run on every kind of frame; the others on a polars LazyFrame and DuckDB.
EVERY_KIND = ("ema", "seeds-std", "m4", "int-runs")


@pytest.mark.parametrize(
    ("case", "kind"),
    [(c, k) for c in CASES for k in (KINDS if c in EVERY_KIND else ["lazy", "duckdb"])],
)
def test_same_spec_as_pandas(case: str, kind: str) -> None:
    df, kw = CASES[case]
    assert spec(native(df, kind), **kw) == spec(df, **kw)


@pytest.mark.parametrize("kind", KINDS)
def test_odd_frames(kind: str) -> None:
    df = logs(40).rename(columns={"run": "run name, 'quoted'", "value": "val/ue"})
    kw = {"series": "run name, 'quoted'", "y": "val/ue"}
    assert spec(native(df, kind), **kw) == spec(df, **kw)
    one = pd.DataFrame({"run": ["solo", "b", "b"], "metric": "reward", "step": [5, 0, 1],
                        "value": [1.0, 2.0, 3.0]})  # fmt: skip
    assert spec(native(one, kind), panels=["reward"]) == spec(one, panels=["reward"])
    shuffled = logs(50).sample(frac=1.0, random_state=1)
    assert spec(native(shuffled, kind)) == spec(shuffled)


@pytest.mark.parametrize("kind", ["polars", "lazy", "duckdb"])
def test_time_and_category(kind: str) -> None:
    df = logs(30)
    # DuckDB keeps no zone in a TIMESTAMPTZ (it reads back in the session's zone) and
    # reads durations back as DateOffsets: naive times there.
    zone = None if kind == "duckdb" else "Europe/Berlin"
    t = df.assign(step=pd.Timestamp("2024-03-30", tz=zone)
                  + pd.to_timedelta(df["step"], unit="h"))  # fmt: skip
    assert spec(native(t, kind)) == spec(t)
    if kind != "duckdb":
        d = df.assign(step=pd.to_timedelta(df["step"], unit="min"))
        assert spec(native(d, kind)) == spec(d)
    if kind != "duckdb":  # polars keeps a category order in an Enum (DuckDB: no order)
        c = df.assign(run=pd.Categorical(df["run"], categories=["b", "a"]))
        other = native(df, kind).with_columns(pl.col("run").cast(pl.Enum(["b", "a"])))
        assert spec(other) == spec(c)


@pytest.mark.parametrize("kind", KINDS)
def test_nan_rows_warn_with_the_count(kind: str) -> None:
    df = logs(30)
    df.loc[[3, 7], "value"] = np.nan
    df.loc[9, "value"] = np.inf
    with pytest.warns(UserWarning, match="dropped 3 row"):
        vf.figures.reward_length(native(df, kind))


def _error(df: Any, **kw: Any) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InputError) as info:
            vf.figures.reward_length(df, **kw)
    return str(info.value)


@pytest.mark.parametrize("kind", KINDS)
def test_same_errors_as_pandas(kind: str) -> None:
    df = logs(30)
    twice = pd.concat([df, df.iloc[:4]], ignore_index=True)
    assert _error(native(twice, kind)) == _error(twice)
    varied = pd.concat([df.assign(lr=0.1), df.assign(lr=0.2)], ignore_index=True)
    assert _error(native(varied, kind)) == _error(varied)
    assert _error(native(df, kind), x="nope") == _error(df, x="nope")
    empty = df.iloc[:0]
    assert _error(native(empty, kind)) == _error(empty)
    nan = df.assign(value=np.nan)
    assert _error(native(nan, kind)) == _error(nan)
    text = df.assign(value="high")
    assert "must be numeric" in _error(native(text, kind))
    assert _error(native(df, kind), panels=["kl"]) == _error(df, panels=["kl"])
    # a missing run name: counted over every row, not over the few rows standing in
    unnamed = df.assign(run=df["run"].where(df["step"] < df["step"].max() - 20, None))
    assert _error(native(unnamed, kind)) == _error(unnamed)


def test_repeated_column_names_are_an_input_error() -> None:
    """An Arrow table may repeat a name (narwhals refuses it): the shared InputError."""
    pa = pytest.importorskip("pyarrow")
    table = pa.table([["a", "a"], [0, 1], ["reward"] * 2, [1.0, 2.0], [3.0, 4.0]],
                     names=["run", "step", "metric", "value", "value"])  # fmt: skip
    with pytest.raises(InputError, match=r"df: column name\(s\) \['value'\] appear more than once"):
        vf.figures.reward_length(table)


def test_not_a_frame() -> None:
    with pytest.raises(InputError, match="df: expected a pandas, polars"):
        vf.figures.reward_length([1, 2, 3])


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small sizes, so that short test runs take the streaming path."""
    monkeypatch.setattr(engine_reduce, "IN_MEMORY_ROWS", 3_000)
    monkeypatch.setattr(engine_stream, "SEGMENT_STEPS", 2_500)
    monkeypatch.setattr(engine_curves, "BATCH_ROWS", 1_700)


STREAMED = {
    "ema": {},
    "ema-slow": {"smooth": "ema:0.99"},
    "none": {"smooth": None},
    "rolling": {"smooth": "rolling:25"},
    "gaussian": {"smooth": "gaussian:3"},
    "band": {"band": "std", "smooth": "ema:0.5"},
    "band-q": {"band": "q10-90", "band_window": 31},
    "no-raw": {"raw": False},
    "forced": {"downsample": True},
    "kept": {"downsample": False, "smooth": None},
    "gaps": {"x_domain": (-5, 70_000)},
    "gaps-spanning": {},
}


#: Streamed cases run by default (the rest are slow).
STREAMED_FAST = ("ema", "band", "gaps-spanning")


@pytest.mark.parametrize(
    ("case", "kind"),
    [pytest.param(c, k, marks=[] if c in STREAMED_FAST and k == "lazy" else [pytest.mark.slow])
     for c in STREAMED for k in ("lazy", "duckdb")],
)  # fmt: skip
def test_streamed_same_spec(streamed: None, case: str, kind: str) -> None:
    df = logs(12_000, metrics=("reward",), gaps=case.startswith("gaps"))
    kw = {"panels": ["reward"], **STREAMED[case]}
    assert spec(native(df, kind), **kw) == spec(df, **kw)


@pytest.mark.parametrize(
    "band", ["std", pytest.param("ci95-boot", marks=pytest.mark.slow), "q25-75"]
)
def test_streamed_seeds(streamed: None, band: str) -> None:
    df = logs(6_000, metrics=("reward",), seeds=(2, 0, 1))
    kw = {"panels": ["reward"], "seed": "seed", "band": band}
    assert spec(native(df, "lazy"), **kw) == spec(df, **kw)


def test_streamed_limits(streamed: None) -> None:
    gaps = logs(6_000, metrics=("reward",), seeds=(0, 1), gaps=True)
    assert "logged at different steps" in _error(native(gaps, "lazy"), seed="seed",
                                                 panels=["reward"])  # fmt: skip
    assert "twema" in _error(native(logs(6_000), "lazy"), smooth="twema:0.5")


def test_probe_m4_matches_tsdownsample() -> None:
    """Any steps (offsets, gaps, fractions), ties, several columns, any batch size."""
    rng = np.random.default_rng(3)
    for t in range(150):
        n, w = int(rng.integers(400, 6000)), int(rng.integers(2, 90))
        xs = np.sort(rng.choice(3 * n, n, replace=False)).astype(float)
        xs = xs * 0.1 + 1e5 if t % 2 else xs + 25
        ys = rng.integers(0, 3, n).astype(float) if t % 3 else rng.normal(size=n)
        frame = pd.DataFrame({"x": xs, "y": ys, "y2": ys[::-1].copy(), "i": np.arange(n)})
        cols = ["y", "y2"] if t % 4 == 0 else ["y"]
        m4 = ProbeM4(ts_probe(xs, w), cols)
        for start in range(0, n, 333):
            m4.push(frame.iloc[start : start + 333].reset_index(drop=True))
        want = np.unique(np.concatenate([_tsdownsample_indices(xs, frame[c].to_numpy(), w)
                                         for c in cols]))  # fmt: skip
        assert np.array_equal(m4.finish()["i"].to_numpy(), want), t


def test_numpy_m4_streamed() -> None:
    rng = np.random.default_rng(4)
    xs = np.sort(rng.choice(90_000, 9_000, replace=False)).astype(float)
    ys = rng.integers(0, 4, xs.size).astype(float)
    m4 = M4Stream(x_domain=(-10.0, 95_000.0), width_px=300, columns=["y"])
    frame = pd.DataFrame({"x": xs, "y": ys, "i": np.arange(xs.size)})
    for start in range(0, xs.size, 1000):
        m4.push(frame.iloc[start : start + 1000])
    want = m4_indices(xs, ys, pixel_columns(xs, -10.0, 95_000.0, 300))
    assert np.array_equal(m4.finish()["i"].to_numpy(), want)


def test_segments_cover_every_step_once() -> None:
    seen: list[float] = []
    seg = Segments(lambda r: r, before=3, after=2, steps=10)
    rows = pd.DataFrame({"x": np.repeat(np.arange(100.0), 2), "y": 0.0})
    for start in range(0, 200, 7):
        for part in seg.push(rows.iloc[start : start + 7]):
            seen.extend(part["x"])
    for part in seg.finish():
        seen.extend(part["x"])
    assert seen == rows["x"].tolist()


@pytest.mark.slow
def test_lazy_frame_is_not_collected_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """3 runs x 2M steps: Python sees aggregates and batches of BATCH_ROWS rows at most."""
    n = 2_000_000
    lf = pl.concat([pl.DataFrame({"run": f"r{r}", "metric": "reward",
                                  "step": np.arange(n), "value": np.sin(np.arange(n) / 1e4 + r)})
                    for r in range(3)]).lazy()  # fmt: skip
    sizes: list[int] = []
    batches, collect = engine_frames.batches, engine_frames.collect_pandas

    def counted_batches(q: Any, *, size: int) -> Any:
        for b in batches(q, size=size):
            sizes.append(len(b))
            yield b

    def counted_collect(q: Any) -> pd.DataFrame:
        out = collect(q)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(engine_curves, "batches", counted_batches)
    monkeypatch.setattr(engine_curves, "collect_pandas", counted_collect)
    monkeypatch.setattr(engine_frames, "collect_pandas", counted_collect)
    fig = vf.figures.reward_length(lf, panels=["reward"], interactive=False)
    assert max(sizes) <= engine_curves.BATCH_ROWS < 3 * n
    assert len(fig.data["curves"]) < 3 * 4 * 4 * 3000


@pytest.mark.slow
def test_spark_same_spec() -> None:
    from tests._spark import spark_session

    spark = spark_session()
    df = logs(300, seeds=(0, 1, 2))
    sdf = spark.createDataFrame(df)
    kw = {"seed": "seed", "smooth": "ema:0.8"}
    assert spec(sdf, **kw) == spec(df, **kw)
