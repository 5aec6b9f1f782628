"""vegafigs.io.scan: table logs as a lazy DuckDB relation, with load's semantics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import vegafigs.io as vio
from vegafigs.cli import main
from vegafigs.errors import LoadError

FIXTURES = Path(__file__).parent / "fixtures" / "logs" / "detect"


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """A tidy frame in load's order, with nulls of every kind as NaN (dtypes compared apart)."""
    cols = list(frame.columns)
    out = frame.sort_values(cols[:1] + ["metric", *cols[4:], "step"], kind="mergesort")
    return out.reset_index(drop=True)


def assert_same(path: object, **kw: object) -> vio.ScanInfo:
    """``scan(path).collect()`` equals ``load(path)``: rows, order after sorting, dtypes."""
    rel, info = vio.scan_info(path, **kw)  # type: ignore[arg-type]
    got = rel.df()
    want = vio.load(path, **{k: v for k, v in kw.items() if k in ("step", "ids")})  # type: ignore[arg-type]
    assert list(got.columns) == list(want.columns)
    assert info.x == want.attrs["x"]
    assert list(info.ids) == want.attrs["ids"]
    got, want = tidy(got), tidy(want)
    for c in want.columns:  # same kinds of dtype: strings, int64 steps, float64 values
        assert got[c].dtype.kind == want[c].dtype.kind or c in want.attrs["ids"], c
    pd.testing.assert_frame_equal(got, want.astype(got.dtypes.to_dict()), check_dtype=False)
    return info


@pytest.mark.parametrize("name", ["plain.csv", "preamble.csv", "metrics.jsonl", "run.parquet"])
def test_fixture_tables_equal_load(name: str) -> None:
    assert_same(FIXTURES / name)


def _write(path: Path, df: pd.DataFrame) -> Path:
    if path.suffix == ".csv":
        df.to_csv(path, index=False)
    elif path.suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True)
    else:
        df.to_parquet(path)
    return path


TABLES = {
    "wide": pd.DataFrame({"step": [20, 0, 10], "loss": [0.3, 1.0, np.nan], "acc": [0.5, 0.1, 0.2]}),
    "long": pd.DataFrame(
        {"step": [0, 0, 5], "metric": ["kl", "loss", "kl"], "value": [0.1, 1.0, 0.2]}
    ),
    "ids": pd.DataFrame(
        {
            "global_step": [0, 1, 0, 1],
            "env": ["a", "a", "b", "b"],
            "seed": [3, 3, 4, 4],
            "reward": [1.0, 2.0, 3.0, np.inf],
        }
    ),
    "bools": pd.DataFrame({"step": [0, 1, 2], "is_success": [True, False, True], "r": [1, 2, 3]}),
    "runs": pd.DataFrame({"run": [7, 7, 8], "step": [0, 1, 0], "reward": [1.0, 2.0, 3.0]}),
    "odd names": pd.DataFrame(
        {"step": [1, 0], 'it\'s "odd" ünï': [1.0, 2.0], " spaced ": [3.0, 4.0]}
    ),
    "one row": pd.DataFrame({"step": [5], "reward": [1.0]}),
    "float steps": pd.DataFrame({"step": [0.0, 1.0, np.nan, 2.0], "reward": [1.0, 2.0, 3.0, 4.0]}),
    "fractional": pd.DataFrame({"epoch": [0.5, 0.25, 1.0], "loss": [1.0, 2.0, 3.0]}),
    "notes": pd.DataFrame({"step": [0, 1, 2], "note": ["x", "y", "z"], "reward": [1.0, 2.0, 3.0]}),
}


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
@pytest.mark.parametrize("table", sorted(TABLES))
def test_tables_equal_load(tmp_path: Path, table: str, suffix: str) -> None:
    p = _write(tmp_path / f"log_{table.replace(' ', '_')}{suffix}", TABLES[table])
    info = assert_same(p)
    if suffix == ".jsonl":
        assert info.reader == "load"


def test_parquet_extras_equal_load(tmp_path: Path) -> None:
    """Categoricals, a time-zone datetime column and a pandas index: as load reads them."""
    df = pd.DataFrame(
        {
            "step": [2, 0, 1, 3],
            "method": pd.Categorical(["ppo", "ppo", "dpo", "dpo"]),
            "when": pd.date_range("2024-01-01", periods=4, freq="h", tz="Europe/Berlin"),
            "reward": [1.0, None, 2.0, 3.0],
        },
        index=[10, 11, 12, 13],
    )
    info = assert_same(_write(tmp_path / "x.parquet", df))
    assert info.ids == ("method",)


def test_several_files_and_glob(tmp_path: Path) -> None:
    files = [_write(tmp_path / f"seed{i}.parquet", TABLES["wide"]) for i in range(3)]
    assert_same(files)
    rel = vio.scan(str(tmp_path / "seed*.parquet"))
    assert sorted(set(rel.df()["run"])) == ["seed0", "seed1", "seed2"]
    # wide and long files together, as load takes them
    assert_same([files[0], _write(tmp_path / "long.parquet", TABLES["long"])])


def hive(root: Path, methods: tuple[str, ...] = ("ppo", "grpo"), seeds: int = 2) -> Path:
    for m in methods:
        for s in range(seeds):
            part = root / f"method={m}" / f"seed={s}"
            part.mkdir(parents=True)
            steps = np.arange(0, 50, 5)
            df = pd.DataFrame(
                {"step": steps, "reward": steps * (1.0 + s), "loss": 1.0 / (1 + steps)}
            )
            df.to_parquet(part / "part-0.parquet")
    (root / "_SUCCESS").write_text("")  # what Spark leaves: ignored
    return root


def test_hive_dataset(tmp_path: Path) -> None:
    root = hive(tmp_path / "sweep")
    rel, info = vio.scan_info(root)
    df = rel.order("method, seed, metric, step").df()
    assert info.ids == ("method", "seed") and info.x == "step" and len(info.files) == 4
    assert list(df.columns) == ["run", "step", "metric", "value", "method", "seed"]
    assert set(df["run"]) == {"sweep"}
    assert sorted(set(df["method"])) == ["grpo", "ppo"] and sorted(set(df["seed"])) == [0, 1]
    assert len(df) == 4 * 2 * 10
    one = df[(df.method == "ppo") & (df.seed == 1) & (df.metric == "reward")]
    assert one["value"].tolist() == [2.0 * s for s in range(0, 50, 5)]


def _scan_node(plan: str) -> str:
    """The explain text from the Parquet scan node on (projections and filters pushed)."""
    return plan[plan.index("READ_PARQUET") :]


def test_metrics_filter_pushed_down(tmp_path: Path) -> None:
    long = _write(tmp_path / "long.parquet", TABLES["long"])
    rel = vio.scan(long, metrics=["kl"])
    assert set(rel.df()["metric"]) == {"kl"}
    node = _scan_node(rel.explain())
    assert "Filters" in node and "metric" in node and "'kl'" in node
    # wide: the other metric columns are never read (projection)
    wide = vio.scan(hive(tmp_path / "ds"), metrics=["reward"])
    node = _scan_node(wide.explain())
    assert "reward" in node and "loss" not in node
    assert set(wide.df()["metric"]) == {"reward"}
    with pytest.raises(LoadError, match=r"no metric column\(s\) \['nope'\]"):
        vio.scan(root_file := _write(tmp_path / "w.parquet", TABLES["wide"]), metrics=["nope"])
    assert root_file.exists()


def test_partition_filter_prunes_files(tmp_path: Path) -> None:
    rel = vio.scan(hive(tmp_path / "ds")).filter("method = 'ppo'")
    assert "Scanning Files: 2/4" in rel.explain() or set(rel.df()["method"]) == {"ppo"}


def test_narwhals_and_polars(tmp_path: Path) -> None:
    nw = pytest.importorskip("narwhals")
    rel = vio.scan(_write(tmp_path / "w.parquet", TABLES["wide"]))
    assert nw.from_native(rel).collect().shape == (5, 4)
    pl = pytest.importorskip("polars")
    lf = vio.scan(tmp_path / "w.parquet", engine="polars")
    assert isinstance(lf, pl.LazyFrame)
    assert lf.collect().height == 5


@pytest.mark.parametrize(
    "make, match",
    [
        (
            lambda d: (d / "junk.parquet").write_bytes(b"not parquet") and d / "junk.parquet",
            r"junk\.parquet'.*not a (readable )?Parquet",
        ),
        (
            lambda d: _write(d / "empty.parquet", TABLES["wide"].iloc[:0]),
            r"empty\.parquet'.*no rows",
        ),
        (
            lambda d: _write(d / "nostep.parquet", pd.DataFrame({"a": [1.0]})),
            r"nostep\.parquet'.*no step",
        ),
        (lambda d: d / "*.nothing", r"no files match"),
        (lambda d: (d / "sub").mkdir() or d / "sub", r"sub'.*without \.parquet files"),
        (
            lambda d: (
                (d / "monitor.csv").write_text('#{"t_start": 0}\nr,l,t\n1,2,3\n')
                and d / "monitor.csv"
            ),
            r"monitor\.csv'.*monitor log.*vegafigs\.io\.load",
        ),
    ],
)
def test_bad_files(tmp_path: Path, make: object, match: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(LoadError, match=match):
        vio.scan(path)


def test_repeated_columns_and_missing_ids(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = tmp_path / "dup.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array([0]), pa.array([1.0]), pa.array([2.0])],
                                        names=["step", "loss", "loss"]), p)  # fmt: skip
    with pytest.raises(LoadError, match=r"dup\.parquet'.*both named 'loss'"):
        vio.scan(p)
    good = _write(tmp_path / "good.parquet", TABLES["wide"])
    with pytest.raises(LoadError, match=r"good\.parquet'.*no column\(s\) \['seed'\]"):
        vio.scan(good, ids=["seed"])
    with pytest.raises(LoadError, match="engine"):
        vio.scan(good, engine="spark")


def test_cli_dataset_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``vegafigs curves DATASET`` draws what the same rows as one CSV log draw (load's path)."""
    root = hive(tmp_path / "sweep")
    spec = tmp_path / "ds.vl.json"
    args = ["--y", "reward", "--series", "method", "--seed", "seed", "--dpi", "50", "-q"]
    assert main(["curves", str(root), *args, "-o", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "80 points of 1 metric(s) from 1 run(s)" not in out  # only reward is drawn
    assert "40 points of 1 metric(s) from 1 run(s)" in out
    rows = vio.scan(root).df()
    wide = rows[rows.metric == "reward"].drop(columns=["run", "metric"])
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    wide.rename(columns={"value": "reward"}).to_csv(csv_dir / "sweep.csv", index=False)
    spec2 = tmp_path / "csv.vl.json"
    assert main(["curves", str(csv_dir / "sweep.csv"), *args, "-o", str(spec2)]) == 0
    assert json.loads(spec.read_text()) == json.loads(spec2.read_text())
    assert spec.read_bytes() == spec2.read_bytes()


def test_cli_collect_equals_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The collecting path (LAZY_CURVES off) hands reward_length load's frame, attrs too."""
    from vegafigs import _curves_scan

    monkeypatch.setattr(_curves_scan, "LAZY_CURVES", False)

    files = [_write(tmp_path / f"w{i}.parquet", TABLES["ids"]) for i in range(2)]
    files.append(_write(tmp_path / "z.parquet", TABLES["long"]))
    got = _curves_scan.scan_logs([str(f) for f in files], run=None, step=None, ids=[])
    assert got.summary(["reward"]) == (8, 2)
    assert got.metrics == ["kl", "loss", "reward"]
    frame = got.for_figure(["reward", "kl"])
    want = vio.load(files)
    want = want[want["metric"].isin(["reward", "kl"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, want)
    assert frame.attrs["ids"] == want.attrs["ids"] == ["env", "seed"]


def test_cli_lazy_relation_draws_what_load_draws(tmp_path: Path) -> None:
    """``vegafigs curves`` hands reward_length the relation itself, runs in load's order
    (files written in another order, a run id that sorts differently): the same spec."""
    from vegafigs import _curves_scan

    logs = {n: pd.DataFrame({"step": [0, 1, 2], "reward": [1.0, 2.0, float(i)]})
            for i, n in enumerate(["zeta", "Alpha", "beta"])}  # fmt: skip
    files = [_write(tmp_path / f"{n}.parquet", df) for n, df in logs.items()]
    got = _curves_scan.scan_logs([str(f) for f in files], run=None, step=None, ids=[])
    assert not isinstance(got.for_figure(["reward"]), pd.DataFrame)  # the relation
    assert got.series_order("run", ["reward"]) == ["Alpha", "beta", "zeta"]
    csvs = [tmp_path / f"{n}.csv" for n in logs]
    for path, df in zip(csvs, logs.values(), strict=True):
        df.to_csv(path, index=False)
    outs = []
    for i, given in enumerate(([str(f) for f in files], [str(f) for f in csvs])):
        out = tmp_path / f"o{i}.vl.json"
        assert main(["curves", *given, "--y", "reward", "--dpi", "50", "-q", "-o", str(out)]) == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_cli_glob_and_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A quoted glob is the files it matches; --run names them all one run."""
    logs = [pd.DataFrame({"step": [0, 1, 2, 3], "seed": i, "reward": [1.0, 2.0, 3.0, i]})
            for i in range(2)]  # fmt: skip
    files = [_write(tmp_path / f"seed{i}.parquet", df) for i, df in enumerate(logs)]
    common = ["--y", "reward", "--dpi", "50", "-q"]
    a, b = tmp_path / "a.vl.json", tmp_path / "b.vl.json"
    assert main(["curves", str(tmp_path / "seed*.parquet"), *common, "-o", str(a)]) == 0
    assert main(["curves", *map(str, files), *common, "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert "8 points of 1 metric(s) from 2 run(s)" in capsys.readouterr().out
    c = tmp_path / "c.vl.json"
    code = main(
        ["curves", *map(str, files), "--run", "all", *common, "--seed", "seed", "-o", str(c)]
    )
    assert code == 0
    assert "8 points of 1 metric(s) from 1 run(s)" in capsys.readouterr().out
