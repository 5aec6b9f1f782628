"""reward_length on a polars LazyFrame (pl.scan_parquet) vs a pandas frame: wall time and
peak RSS per size, each in a fresh subprocess (PNG + spec).

    python benchmarks/bench_pushdown.py [--sizes 100000 1000000 10000000] [--pandas]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, resource, sys, time, warnings
import vegafigs as vf
from vegafigs.export import to_spec
path, how, out = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
if how == "pandas":
    import pandas as pd
    df = pd.read_parquet(path)
else:
    import polars as pl
    df = pl.scan_parquet(path)
fig = vf.figures.reward_length(df, panels=["reward"], smooth="ema:0.9", interactive=False)
built = time.perf_counter() - t0
spec = json.dumps(to_spec(fig))
vf.save(fig, out)
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "figure": built, "cpu": time.process_time(), "rss_mb": rss,
                  "spec_bytes": len(spec)}))
"""


def make(path: str, n: int) -> None:
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(0)
    parts = [pl.DataFrame({"run": f"run{r}", "step": np.arange(n, dtype=np.int64),
                           "metric": "reward",
                           "value": rng.normal(size=n).cumsum()})
             for r in range(3)]  # fmt: skip
    pl.concat(parts).write_parquet(path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--pandas", action="store_true", help="also time the pandas path")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = os.path.join(tmp, f"log{n}.parquet")
            make(path, n)
            for how in ["polars-lazy", *(["pandas"] if args.pandas else [])]:
                out = os.path.join(tmp, f"fig{n}{how}.png")
                t0 = time.perf_counter()
                res = subprocess.run([sys.executable, "-c", CHILD, path, how, out],
                                     capture_output=True, text=True, check=True)  # fmt: skip
                got = json.loads(res.stdout.strip().splitlines()[-1])
                got["process"] = time.perf_counter() - t0
                rows.append((n, how, got))
                print(
                    f"{n:>10,} {how:<12} wall {got['wall']:6.2f} s (figure {got['figure']:6.2f} s, "
                    f"CPU {got['cpu']:6.2f} s, process {got['process']:6.2f} s)  peak RSS "
                    f"{got['rss_mb']:7.0f} MB  spec "
                    f"{got['spec_bytes'] / 1e6:5.2f} MB",
                    flush=True,
                )


if __name__ == "__main__":
    main()
