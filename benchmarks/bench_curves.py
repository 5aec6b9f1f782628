"""Long logs: a synthetic 1,000,000-step x 3-run RL log -> PNG and PDF (run by hand).

python benchmarks/bench_curves.py [--steps 1000000] [--dpi 150] [--skip-full]

Each case runs in a fresh process (peak memory = that process's max RSS):

* ``vegafigs``: ``figures.reward_length`` (reward + response length panels, raw
  traces + EMA) with the default M4 reduction to the image's pixel columns;
* ``vegafigs-full``: the same figure with ``downsample=False`` (every point inlined);
* ``matplotlib``: the same panels drawn by matplotlib from the full data.

Prints wall time (build + PNG + PDF), peak memory, spec bytes, and the pixel
difference between the reduced and the full-data vegafigs PNGs (same size).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_log(steps: int, runs: int = 3):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    t = np.arange(1, steps + 1, dtype=np.int64)
    u = t / steps
    frames = []
    for r in range(runs):
        reward = -0.5 + (1.2 - 0.1 * r) * (1 - np.exp(-4 * u)) + rng.normal(0, 0.2, steps)
        length = 350 + (1000 - 150 * r) * u**1.4 + rng.normal(0, 30, steps)
        for metric, v in (("reward", reward), ("response_length", length)):
            frames.append(
                pd.DataFrame({"run": f"run {r}", "step": t, "metric": metric, "value": v})
            )
    return pd.concat(frames, ignore_index=True)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_vegafigs(steps: int, dpi: float, out: Path, full: bool, raw: bool = True) -> dict:
    import vegafigs as vf
    from vegafigs.export import render, spec_json

    df = make_log(steps)
    t0 = time.perf_counter()
    fig = vf.figures.reward_length(
        df, smooth="ema:0.999", raw=raw, dpi=dpi, downsample=False if full else None
    )
    spec = spec_json(fig)
    t1 = time.perf_counter()
    png = render(fig, "png", dpi=dpi)
    t2 = time.perf_counter()
    pdf = render(fig, "pdf")
    t3 = time.perf_counter()
    out.write_bytes(png)
    times = {"build_s": t1 - t0, "png_s": t2 - t1, "pdf_s": t3 - t2, "total_s": t3 - t0}
    return {**times, "spec_bytes": len(spec.encode()), "pdf_bytes": len(pdf), "peak_mb": peak_mb()}


def case_matplotlib(steps: int, dpi: float, out: Path, raw: bool = True) -> dict:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from vegafigs.transforms import ema

    df = make_log(steps)
    t0 = time.perf_counter()
    df = ema(df, x="step", y="value", weight=0.999, by=["metric", "run"])
    fig, axes = plt.subplots(1, 2, figsize=(7.0, 2.8))
    for ax, metric in zip(axes, ("reward", "response_length"), strict=True):
        part = df[df.metric == metric]
        for i, (run, g) in enumerate(part.groupby("run")):
            if raw:
                ax.plot(g.step, g.value, color=f"C{i}", lw=0.7, alpha=0.3)
            ax.plot(g.step, g.value_smooth, color=f"C{i}", lw=1.8, label=run)
        ax.set_title(metric)
    axes[1].legend()
    fig.tight_layout()
    t1 = time.perf_counter()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    t2 = time.perf_counter()
    pdf = io.BytesIO()
    fig.savefig(pdf, format="pdf")
    t3 = time.perf_counter()
    out.write_bytes(buf.getvalue())
    return {"build_s": t1 - t0, "png_s": t2 - t1, "pdf_s": t3 - t2, "total_s": t3 - t0,
            "spec_bytes": None, "pdf_bytes": len(pdf.getvalue()), "peak_mb": peak_mb()}  # fmt: skip


def pixel_difference(a_path: Path, b_path: Path) -> dict:
    import numpy as np
    from PIL import Image

    from vegafigs._pixels import differing_fraction

    a = np.asarray(Image.open(a_path).convert("RGB"))
    b = np.asarray(Image.open(b_path).convert("RGB"))
    return {
        "size": list(a.shape[:2]),
        "pixels_differing_gt64": differing_fraction(a, b),
        "pixels_differing_gt64_1px_tolerance": max(
            differing_fraction(a, b, shift=1), differing_fraction(b, a, shift=1)
        ),
        "mean_abs_diff": float(np.abs(a.astype(int) - b.astype(int)).mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--dpi", type=float, default=150)
    parser.add_argument("--no-raw", action="store_true", help="smoothed lines only")
    parser.add_argument("--skip-full", action="store_true", help="skip the full-data vegafigs case")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        out = Path(args.out)
        if args.case == "matplotlib":
            res = case_matplotlib(args.steps, args.dpi, out, raw=not args.no_raw)
        else:
            full = args.case == "vegafigs-full"
            res = case_vegafigs(args.steps, args.dpi, out, full=full, raw=not args.no_raw)
        print(json.dumps(res))
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench_curves_"))
    cases = ["vegafigs", "matplotlib"] + ([] if args.skip_full else ["vegafigs-full"])
    results = {}
    for case in cases:
        cmd = [sys.executable, __file__, "--case", case, "--steps", str(args.steps),
               "--dpi", str(args.dpi), "--out", str(tmp / f"{case}.png"),
               *(["--no-raw"] if args.no_raw else [])]  # fmt: skip
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            results[case] = {"error": f"timed out after {args.timeout:.0f}s"}
            continue
        if done.returncode != 0:
            results[case] = {"error": done.stderr.strip().splitlines()[-1][:300]}
            continue
        results[case] = json.loads(done.stdout.strip().splitlines()[-1])
    what = "smoothed only" if args.no_raw else "raw + smoothed"
    print(f"{args.steps:,} steps x 3 runs x 2 metrics ({what}), PNG {args.dpi:g} dpi ({tmp})")
    print(f"{'case':<16}{'build s':>9}{'png s':>9}{'pdf s':>9}{'total s':>9}{'peak MB':>9}"
          f"{'spec kB':>10}{'pdf kB':>9}")  # fmt: skip
    for case, r in results.items():
        if "error" in r:
            print(f"{case:<16}{r['error']}")
            continue
        spec = f"{r['spec_bytes'] / 1000:.0f}" if r["spec_bytes"] else "-"
        pdf_kb = r["pdf_bytes"] / 1000
        print(f"{case:<16}{r['build_s']:>9.2f}{r['png_s']:>9.2f}{r['pdf_s']:>9.2f}"
              f"{r['total_s']:>9.2f}{r['peak_mb']:>9.0f}{spec:>10}{pdf_kb:>9.0f}")  # fmt: skip
    if "error" not in results.get("vegafigs-full", {"error": 1}):
        diff = pixel_difference(tmp / "vegafigs.png", tmp / "vegafigs-full.png")
        print("pixel difference, reduced vs full data:", json.dumps(diff))


if __name__ == "__main__":
    main()
