"""Loading a large wide CSV log (run by hand; issue 17 item 8).

python benchmarks/bench_load.py [--steps 10000000] [--keep DIR]

Writes ``step,reward,response_length`` with ``--steps`` rows (10M rows ~ 200 MB)
to a temporary folder, then reads it in a fresh process per case (peak memory =
that process's max RSS, from ``resource``):

* ``vegafigs.io.load``: the tidy frame ``run, step, metric, value`` with every check;
* ``pandas.read_csv``: the wide frame only (default C engine), no tidy conversion;
* ``pyarrow.csv.read_csv + melt``: pyarrow's reader, then ``pandas.melt`` to long.

Prints a table of seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = {
    "vegafigs.io.load": ("import vegafigs.io as vio\ndf = vio.load(PATH)\nn = len(df)\n"),
    "pandas.read_csv": ("import pandas as pd\ndf = pd.read_csv(PATH)\nn = len(df) * 2\n"),
    "pyarrow.csv.read_csv + melt": (
        "import pyarrow.csv as pc, pandas as pd\n"
        "df = pc.read_csv(PATH).to_pandas()\n"
        "df = df.melt(id_vars='step', var_name='metric', value_name='value')\nn = len(df)\n"
    ),
}

RUNNER = """
import json, resource, sys, time
PATH = sys.argv[1]
t0 = time.perf_counter()
{body}
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"seconds": dt, "rss": rss, "rows": n}}))
"""


def make_csv(path: Path, steps: int) -> None:
    """``step,reward,response_length``: ``steps`` rows, written in chunks."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    chunk = 1_000_000
    with open(path, "w") as fh:
        fh.write("step,reward,response_length\n")
        for start in range(0, steps, chunk):
            n = min(chunk, steps - start)
            step = np.arange(start, start + n, dtype=np.int64)
            reward = np.round(rng.normal(0.5, 0.2, n), 6)
            length = np.round(300 + rng.normal(0, 30, n), 3)
            pd.DataFrame({"step": step, "r": reward, "l": length}).to_csv(
                fh, header=False, index=False
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=10_000_000)
    ap.add_argument("--keep", default=None, help="write the CSV here (and reuse it if present)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"wide_{args.steps}.csv"
        if not path.exists():
            t0 = time.perf_counter()
            make_csv(path, args.steps)
            print(
                f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in "
                f"{time.perf_counter() - t0:.0f}s"
            )
        print(f"{'case':32s} {'seconds':>8s} {'peak RSS':>10s} {'rows':>12s}")
        for name, body in CASES.items():
            res = subprocess.run(
                [sys.executable, "-c", RUNNER.format(body=body), str(path)],
                capture_output=True,
                text=True,
            )
            if res.returncode != 0:
                print(f"{name:32s} failed: {res.stderr.strip().splitlines()[-1]}")
                continue
            r = json.loads(res.stdout.strip().splitlines()[-1])
            print(f"{name:32s} {r['seconds']:8.1f} {r['rss'] / 2**30:8.2f} GB {r['rows']:12,d}")


if __name__ == "__main__":
    main()
