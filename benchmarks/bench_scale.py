"""Scale: curves from logs of 100k to 10M steps, a 1,000-run Parquet dataset, and one figure
from pandas / polars / DuckDB / Spark / matplotlib (issue 14; run by hand, prints tables).

python benchmarks/bench_scale.py [--cache DIR] [--quick] [--parts a,b,c] [--sizes N,...]
                                 [--c-steps N] [--dpi 150] [--timeout S]

(a) 3 runs x {100k, 1M, 10M} steps, one metric (``reward``), one Parquet file per run ->
    ``vegafigs curves`` PNG + spec: wall, peak RSS, spec bytes; at 100k also the
    pixel difference against a render of all points (``downsample=False``).
(b) 1,000 runs (4 methods x 250 seeds) x 100k steps in a hive Parquet dataset
    (``method=*/seed=*/part-0.parquet``) -> mean +- std band over seeds per method.
(c) the figure of (a) at ``--c-steps`` from a pandas frame, a polars LazyFrame, a DuckDB
    relation, a Spark local DataFrame (skipped with a note without PySpark / Java) and a
    plain matplotlib ``plt.plot`` of all points.

Data is generated on first use into ``--cache`` (default: a folder in the temp dir) and
reused. Every measurement runs in a fresh process (peak RSS = that process's max RSS);
the ``path`` column says which code path it took, so the same script measures main's
slow paths (everything through pandas) and the lazy ones once they are merged.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (100_000, 1_000_000, 10_000_000)
QUICK_SIZES = (100_000, 1_000_000)
METHODS = ("ppo", "grpo", "dpo", "rloo")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ data


def curves_data(cache: Path, steps: int) -> list[Path]:
    """3 Parquet files ``run{r}.parquet`` (``step``, ``reward``) of ``steps`` rows."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = cache / f"curves_{steps}"
    files = [folder / f"run{r}.parquet" for r in range(3)]
    if all(f.exists() for f in files):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(steps)
    t = np.arange(1, steps + 1, dtype=np.int64)
    u = t / steps
    for r, f in enumerate(files):
        reward = -0.5 + (1.2 - 0.1 * r) * (1 - np.exp(-4 * u)) + rng.normal(0, 0.2, steps)
        tmp = f.with_suffix(".tmp")
        pq.write_table(pa.table({"step": t, "reward": reward}), tmp)
        tmp.replace(f)
    return files


def dataset_data(cache: Path, runs: int, steps: int) -> Path:
    """A hive dataset ``method=M/seed=S/part-0.parquet`` of ``runs`` runs x ``steps`` rows."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = cache / f"dataset_{runs}x{steps}"
    done = root / "_complete"
    if done.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    rng = np.random.default_rng(runs)
    t = np.arange(1, steps + 1, dtype=np.int64)
    u = t / steps
    per = runs // len(METHODS)
    for m, method in enumerate(METHODS):
        for seed in range(per):
            part = root / f"method={method}" / f"seed={seed}"
            part.mkdir(parents=True)
            reward = (0.6 + 0.15 * m) * (1 - np.exp(-3 * u)) + rng.normal(0, 0.3, steps)
            pq.write_table(pa.table({"step": t, "reward": reward}), part / "part-0.parquet")
    done.write_text("")
    return root


# ------------------------------------------------------------------ cases (child process)


def _scan_path(items: list[str]) -> str:
    """Which path ``vegafigs curves`` takes on ``items`` with this checkout."""
    try:
        from vegafigs import _curves_scan
    except ImportError:
        return "load -> pandas (no vegafigs.io.scan)"
    if not _curves_scan.scannable(items, fmt=None, merge=None):
        return "load -> pandas"
    if _curves_scan.LAZY_CURVES:
        return "scan (DuckDB) -> lazy reward_length"
    return "scan (DuckDB) -> drawn rows collected -> pandas reward_length"


def case_cli(items: list[str], extra: list[str], out: Path, dpi: float) -> dict:
    from vegafigs.cli import main

    png, spec = out.with_suffix(".png"), out.with_suffix(".vl.json")
    t0 = time.perf_counter()
    code = main(
        ["curves", *items, *extra, "--dpi", str(dpi), "-q", "-o", str(png), "-o", str(spec)]
    )
    wall = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"vegafigs curves exited with {code}")
    return {"wall_s": wall, "peak_mb": peak_mb(), "spec_bytes": spec.stat().st_size,
            "path": _scan_path(items)}  # fmt: skip


def _cli_figure_kwargs(dpi: float) -> dict:
    """``reward_length``'s arguments as ``vegafigs curves --y reward`` passes them."""
    from vegafigs.figures.reward_length import x_title_of

    return {"x": "step", "panels": ["reward"], "series": "run", "smooth": "ema:0.9",
            "raw": True, "x_title": x_title_of("step"), "dpi": dpi}  # fmt: skip


def _tidy_pandas(files: list[Path]):
    import pandas as pd

    parts = []
    for f in files:
        df = pd.read_parquet(f)
        parts.append(pd.DataFrame({"run": f.stem, "step": df["step"], "metric": "reward",
                                   "value": df["reward"]}))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def case_full(files: list[Path], out: Path, dpi: float) -> dict:
    """Every point drawn (``downsample=False``): the reference picture.

    300k points exceed vegafigs' render guard (1M inline values, for vl-convert's fixed
    JavaScript heap); the guard is lifted here, for this one reference render."""
    import vegafigs._limits
    from vegafigs.export import render, spec_json

    vegafigs._limits.MAX_RENDER_VALUES = 10**8
    from vegafigs.figures import reward_length

    df = _tidy_pandas(files)
    t0 = time.perf_counter()
    fig = reward_length(df, downsample=False, **_cli_figure_kwargs(dpi))
    spec = spec_json(fig)
    out.with_suffix(".png").write_bytes(render(fig, "png", dpi=dpi))
    return {"wall_s": time.perf_counter() - t0, "peak_mb": peak_mb(),
            "spec_bytes": len(spec.encode()), "path": "pandas, downsample=False"}  # fmt: skip


def _frame(kind: str, files: list[Path]):
    """The tidy long frame of ``files`` as ``kind`` (lazy where the library is lazy)."""
    names = [str(f) for f in files]
    if kind == "pandas":
        return _tidy_pandas(files), None
    if kind == "polars":
        import polars as pl

        lf = pl.scan_parquet(names, include_file_paths="_file")
        return lf.select(pl.col("_file").str.extract(r"([^/\\]+)\.parquet$").alias("run"),
                         "step", pl.lit("reward").alias("metric"),
                         pl.col("reward").alias("value")), None  # fmt: skip
    if kind == "duckdb":
        import duckdb

        con = duckdb.connect()
        listed = ", ".join("'" + n.replace("'", "''") + "'" for n in names)
        rel = con.sql(
            "SELECT regexp_extract(filename, '([^/\\\\]+)\\.parquet$', 1) AS run, step, "
            f"'reward' AS metric, reward AS value FROM read_parquet([{listed}], filename=true)"
        )
        return rel, con
    if kind == "spark":
        from pyspark.sql import SparkSession
        from pyspark.sql import functions as F

        builder = SparkSession.builder.master("local[2]").appName("bench_scale")
        builder = builder.config("spark.ui.enabled", "false")
        spark = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate()
        sdf = spark.read.parquet(*names).withColumn("_file", F.input_file_name())
        run = F.regexp_extract("_file", r"([^/\\]+)\.parquet$", 1).alias("run")
        value = F.col("reward").alias("value")
        sdf = sdf.select(run, "step", F.lit("reward").alias("metric"), value)
        return sdf, spark
    raise ValueError(kind)


def _to_pandas(frame):
    import narwhals as nw

    native = nw.from_native(frame)
    if isinstance(native, nw.LazyFrame):
        native = native.collect()
    df = native.to_pandas()
    return df.sort_values(["run", "metric", "step"], kind="mergesort").reset_index(drop=True)


def case_frame(kind: str, files: list[Path], out: Path, dpi: float) -> dict:
    from vegafigs.errors import VegafigsError
    from vegafigs.export import render, spec_json
    from vegafigs.figures import reward_length

    t0 = time.perf_counter()
    frame, keep = _frame(kind, files)
    kwargs = _cli_figure_kwargs(dpi)
    path = "native"
    try:
        fig = reward_length(frame, **kwargs)
    except (VegafigsError, TypeError, AttributeError, KeyError) as exc:
        if kind == "pandas":
            raise
        path = f"to pandas first (figure refused it: {type(exc).__name__})"
        fig = reward_length(_to_pandas(frame), **kwargs)
    spec = spec_json(fig)
    out.with_suffix(".png").write_bytes(render(fig, "png", dpi=dpi))
    out.with_suffix(".vl.json").write_text(spec)
    del keep
    return {"wall_s": time.perf_counter() - t0, "peak_mb": peak_mb(),
            "spec_bytes": len(spec.encode()), "path": path}  # fmt: skip


def case_matplotlib(files: list[Path], out: Path, dpi: float) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    t0 = time.perf_counter()
    fig = plt.figure(figsize=(7.0, 2.8))
    for f in files:
        df = pd.read_parquet(f)
        plt.plot(df["step"], df["reward"], lw=0.7, label=f.stem)
    plt.legend()
    fig.savefig(out.with_suffix(".png"), dpi=dpi)
    return {"wall_s": time.perf_counter() - t0, "peak_mb": peak_mb(), "spec_bytes": None,
            "path": "matplotlib plt.plot, every point"}  # fmt: skip


def case_dataset(root: Path, out: Path, dpi: float) -> dict:
    """Mean +- std over seeds per method: ``vegafigs curves DIR`` when it reads dataset
    folders, else (main) the dataset read into pandas and the figure drawn from it."""
    items = [str(root)]
    extra = ["--y", "reward", "--series", "method", "--seed", "seed"]
    path = _scan_path(items)
    if not path.startswith("load"):
        return case_cli(items, extra, out, dpi)
    import pyarrow.dataset as ds

    from vegafigs.export import render, spec_json
    from vegafigs.figures import reward_length

    t0 = time.perf_counter()
    table = ds.dataset(root, format="parquet", partitioning="hive").to_table()
    df = table.to_pandas()
    df = df.assign(run=root.name, metric="reward").rename(columns={"reward": "value"})
    kwargs = {**_cli_figure_kwargs(dpi), "series": "method", "seed": "seed"}
    fig = reward_length(df, **kwargs)
    spec = spec_json(fig)
    out.with_suffix(".png").write_bytes(render(fig, "png", dpi=dpi))
    return {"wall_s": time.perf_counter() - t0, "peak_mb": peak_mb(),
            "spec_bytes": len(spec.encode()),
            "path": "pyarrow.dataset -> pandas -> reward_length (no dataset reader)"}  # fmt: skip


def run_case(args: argparse.Namespace) -> dict:
    spec = json.loads(args.case)
    out, dpi = Path(spec["out"]), args.dpi
    files = [Path(f) for f in spec.get("files", [])]
    what = spec["what"]
    if what == "cli":
        return case_cli([str(f) for f in files], ["--y", "reward"], out, dpi)
    if what == "full":
        return case_full(files, out, dpi)
    if what == "matplotlib":
        return case_matplotlib(files, out, dpi)
    if what == "dataset":
        return case_dataset(Path(spec["root"]), out, dpi)
    return case_frame(what, files, out, dpi)


# ------------------------------------------------------------------ driver


def spawn(case: dict, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--dpi", str(args.dpi), "--case", json.dumps(case)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout:.0f}s"}
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip() or "failed").splitlines()
        return {"error": f"exit {done.returncode}: {lines[-1][:200]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def pixel_difference(a: Path, b: Path) -> float | None:
    import numpy as np
    from PIL import Image

    from vegafigs._pixels import differing_fraction

    if not (a.exists() and b.exists()):
        return None
    x = np.asarray(Image.open(a).convert("RGB"))
    y = np.asarray(Image.open(b).convert("RGB"))
    if x.shape != y.shape:
        return None
    return differing_fraction(x, y)


def _row(name: str, r: dict, extra: str = "") -> str:
    if "error" in r:
        return f"{name:<22}{r['error']}"
    spec = f"{r['spec_bytes'] / 1e6:.2f}" if r.get("spec_bytes") else "-"
    return (f"{name:<22}{r['wall_s']:>8.1f}{r['peak_mb']:>9.0f}{spec:>9}{extra:>9}  "
            f"{r['path']}")  # fmt: skip


HEADER = f"{'case':<22}{'wall s':>8}{'peak MB':>9}{'spec MB':>9}{'px diff':>9}  path"


def part_a(args: argparse.Namespace, tmp: Path) -> None:
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    print(f"\n(a) vegafigs curves: 3 runs x N steps, one metric, PNG {args.dpi:g} dpi + spec")
    print(HEADER)
    for n in sizes:
        files = [str(f) for f in curves_data(args.cache, n)]
        out = tmp / f"a_{n}"
        r = spawn({"what": "cli", "files": files, "out": str(out)}, args)
        diff = ""
        if n == sizes[0]:
            ref = tmp / f"a_{n}_full"
            full = spawn({"what": "full", "files": files, "out": str(ref)}, args)
            frac = pixel_difference(out.with_suffix(".png"), ref.with_suffix(".png"))
            diff = f"{frac:.2%}" if frac is not None else "-"
            print(_row(f"{n:,} all points", full), flush=True)
        print(_row(f"{n:,} steps", r, diff), flush=True)


def part_b(args: argparse.Namespace, tmp: Path) -> None:
    runs, steps = args.b_size or ((40, 20_000) if args.quick else (1000, 100_000))
    t0 = time.perf_counter()
    root = dataset_data(args.cache, runs, steps)
    made = time.perf_counter() - t0
    print(f"\n(b) {runs:,} runs ({len(METHODS)} methods x {runs // len(METHODS)} seeds) x "
          f"{steps:,} steps, hive Parquet dataset {root} (ready in {made:.0f}s): "
          "mean +- std over seeds per method")  # fmt: skip
    print(HEADER)
    r = spawn({"what": "dataset", "root": str(root), "out": str(tmp / "b")}, args)
    print(_row("dataset", r), flush=True)


def _spark_note() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "skipped: pyspark is not installed"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "skipped: no Java (java on PATH or JAVA_HOME)"
    return None


def part_c(args: argparse.Namespace, tmp: Path) -> None:
    n = args.c_steps
    files = [str(f) for f in curves_data(args.cache, n)]
    print(f"\n(c) the figure of (a) at {n:,} steps from each frame library, PNG {args.dpi:g} dpi")
    print(HEADER)
    for what in ("pandas", "polars", "duckdb", "spark", "matplotlib"):
        if what == "spark" and (note := _spark_note()):
            print(f"{what:<22}{note}")
            continue
        out = tmp / f"c_{what}"
        r = spawn({"what": what, "files": files, "out": str(out)}, args)
        print(_row(what, r), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cache = Path(tempfile.gettempdir()) / "vegafigs_bench_scale"
    parser.add_argument("--cache", type=Path, default=cache,
                        help="folder of the generated logs (made once, reused)")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="smaller sizes (minutes)")
    parser.add_argument("--sizes", type=lambda t: [int(v) for v in t.split(",")], default=None,
                        help="steps per run in (a), e.g. 100000,1000000 (default: 100k,1M,10M; "
                        "--quick: 100k,1M)")  # fmt: skip
    parser.add_argument("--parts", default="a,b,c", help="which parts, e.g. a,c (default: all)")
    parser.add_argument("--b-size", type=lambda t: tuple(int(v) for v in t.split("x")),
                        default=None, metavar="RUNSxSTEPS",
                        help="(b)'s dataset (default: 1000x100000; --quick: 40x20000)")  # fmt: skip
    parser.add_argument("--c-steps", type=int, default=1_000_000, help="steps per run in (c)")
    parser.add_argument("--dpi", type=float, default=150)
    parser.add_argument("--timeout", type=float, default=1800, help="per case, seconds")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args)))
        return
    import vegafigs

    tmp = Path(tempfile.mkdtemp(prefix="bench_scale_"))
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"vegafigs {vegafigs.__version__} from {Path(vegafigs.__file__).parent}; "
          f"{os.cpu_count()} cores; outputs in {tmp}")  # fmt: skip
    parts = {p.strip() for p in args.parts.split(",")}
    for name, part in (("a", part_a), ("b", part_b), ("c", part_c)):
        if name in parts:
            part(args, tmp)


if __name__ == "__main__":
    main()
