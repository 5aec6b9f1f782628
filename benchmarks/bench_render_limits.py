"""Validation and rendering cost of big inline-data specs (issue 11): time and peak RSS.

Each measurement runs in a fresh process (peak RSS = that process's ru_maxrss, which
includes the ~200 MB of imports; the time leaves the imports out).
"before" is the old validation (the whole spec, every data row, through jsonschema);
"after" is :func:`vegafigs.export.validate_spec` (rows checked cheaply, schema on a
few rows) and ``vegafigs render SPEC -o OUT.svg`` ("exit 2": refused, the data is
over ``MAX_RENDER_VALUES``, which vl-convert's fixed ~1.4 GB JavaScript heap cannot hold).

    python benchmarks/bench_render_limits.py [ROWS ...]   # default 200000 3600000
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, path = sys.argv[1], Path(sys.argv[2])
import vegafigs.cli, vegafigs.export, vegafigs._limits  # imports are not timed
vegafigs.export._validator()
t = time.perf_counter()
rc = 0
if mode == "before":
    from vegafigs.export import _validator
    spec = json.loads(path.read_text())
    errors = list(_validator().iter_errors(spec))
elif mode == "after":
    from vegafigs._limits import read_spec
    from vegafigs.export import validate_spec
    validate_spec(read_spec(path))
else:
    from vegafigs.cli import main
    rc = main(["render", str(path), "-o", str(path.with_suffix(".svg"))])
print(json.dumps([time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rc]))
"""


def _spec(rows: int) -> dict:
    values = [{"step": i, "reward": (i % 997) / 997 + 0.123456, "run": f"seed_{i % 5}"}
              for i in range(rows)]  # fmt: skip
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": values},
        "mark": "line",
        "encoding": {
            "x": {"field": "step", "type": "quantitative"},
            "y": {"field": "reward", "type": "quantitative"},
            "color": {"field": "run", "type": "nominal"},
        },
    }


def _measure(mode: str, path: Path, timeout: float = 1800) -> str:
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, mode, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    if proc.returncode != 0:
        return f"failed (rc {proc.returncode}: {proc.stderr.strip()[-80:]})"
    secs, rss_kb, rc = json.loads(proc.stdout.strip().splitlines()[-1])
    refused = " (exit 2)" if rc else ""
    return f"{secs:7.1f} s {rss_kb / 1024:7.0f} MB{refused}"


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [200_000, 3_600_000]
    print(f"{'rows':>9} {'MB':>6} | {'validate before':>20} | {'validate after':>20} | "
          f"{'render svg after':>29}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"big_{rows}.vl.json"
            path.write_text(json.dumps(_spec(rows)))
            mb = path.stat().st_size / 2**20
            before = _measure("before", path) if rows <= 200_000 else "skipped (OOM)"
            after = _measure("after", path)
            render = _measure("render", path)
            print(f"{rows:>9} {mb:6.1f} | {before:>20} | {after:>20} | {render:>29}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
