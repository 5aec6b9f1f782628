"""KL spaghetti, whole process: ``vegafigs spaghetti`` vs the seed's matplotlib approach.

Writes the demo run folders (8 alphas x 32 trajectories x 512 tokens) once, then
runs each command as a fresh process ``--repeat`` times and prints the best and
median wall-clock time and the peak RSS. The matplotlib side re-implements the
seed script's approach here (JSON re-read per alpha and cell, one LineCollection
segment per token pair, PNG at 160 dpi); it is not part of the library.

python benchmarks/bench_spaghetti.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ALPHAS = ("0.0", "0.25", "0.5", "0.75", "1.0", "1.5", "2.0", "4.0")
MODEL = "Qwen3.5-0.8B"


def matplotlib_spaghetti(root: str, out: str, window: int = 512) -> None:
    """The seed's approach (same semantics as vegafigs; per-segment LineCollections)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba

    plt.rcParams.update({"figure.facecolor": "#faf7f2", "axes.facecolor": "#faf7f2"})
    threshold, roll, calib = 0.8, 65, 20
    cells = sorted(d for d in Path(root).iterdir() if d.is_dir() and not d.name.startswith("_"))
    cells = [d for d in cells if MODEL in d.name]

    def load(d: Path, alpha: str):
        traj = json.loads((d / "trajectory.json").read_text())
        pm = json.loads((d / "pmass.json").read_text())
        kls = traj["per_prompt_per_t_kl"].get(alpha, [])
        pms = pm["pmass_eval"].get(alpha, [])
        gls = pm["gen_lens_eval"].get(alpha, [])
        return [
            (np.asarray(k, float), np.asarray(p, float), pm["fork_points"], int(g))
            for k, p, g in zip(kls, pms, gls, strict=True)
        ]

    def smooth(x):
        if len(x) < roll:
            return x
        xp = np.pad(x, roll // 2, mode="edge")
        return np.convolve(xp, np.ones(roll) / roll, mode="valid")[: len(x)]

    fig, axes = plt.subplots(1, len(ALPHAS), figsize=(3.0 * len(ALPHAS), 3.4), squeeze=False)
    rows, visible = [], []
    for j, alpha in enumerate(ALPHAS):
        ax = axes[0, j]
        trajs = [t for d in cells for t in load(d, alpha)]
        la = float(np.clip(8.0 / max(len(trajs), 1), 0.2, 0.7))
        segs = {True: [], False: []}
        died = cens = 0
        med = []
        for kl, pv, fork, gl in trajs:
            T = min(len(kl), gl)
            kl = smooth(kl[:T])
            head = kl[:calib][np.isfinite(kl[:calib])]
            denom = float(np.nanpercentile(head, 95)) if head.size else float("nan")
            if not (np.isfinite(denom) and denom > 1e-8):
                continue
            kl = kl / denom
            visible.extend(kl[np.isfinite(kl)].tolist())
            med.append(np.pad(kl, (0, max(0, window - T)), constant_values=np.nan)[:window])
            rmin = np.minimum.accumulate(np.where(np.isnan(pv), np.inf, pv))
            idx = np.searchsorted(np.asarray(fork), np.arange(T), side="right") - 1
            alive = ~((idx >= 0) & (rmin < threshold)[np.maximum(idx, 0)])
            if T < 2:
                continue
            pts = np.stack([np.arange(T), kl], axis=1).reshape(-1, 1, 2)
            for seg, a in zip(np.concatenate([pts[:-1], pts[1:]], axis=1), alive[:-1], strict=True):
                segs[bool(a)].append(seg)
            died += int(not alive.all())
            if gl < window:
                cens += 1
                ax.scatter([gl - 1], [kl[-1]], s=6, c="black", marker="|", alpha=0.6)
        for state, color, z in ((False, "#d97706", 1), (True, "#3a7ca5", 2)):
            if segs[state]:
                rgba = [to_rgba(color, la)]
                lines = LineCollection(segs[state], colors=rgba, linewidths=0.5, zorder=z)
                ax.add_collection(lines)
        if med:
            ax.plot(np.nanmedian(np.asarray(med), axis=0), color="black", lw=1.3, zorder=4)
        ax.axhline(1.0, color="black", lw=0.9, ls="--")
        ax.set_title(f"α={alpha} n={len(trajs)} died={died} cens={cens}")
        ax.set_xlim(-1, window)
        rows.append(f"| {alpha} | {len(trajs)} | {died} | {cens} |")
    y_hi = float(np.nanpercentile(np.asarray(visible), 99) * 1.4)
    for ax in axes[0]:
        ax.set_ylim(-0.05 * y_hi, y_hi)
    fig.suptitle(f"KL trajectories coloured by survival (pmass < {threshold} = dead).")
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    Path(out).mkdir(parents=True, exist_ok=True)
    fig.savefig(Path(out) / "kl_alive_spaghetti.png", dpi=160, bbox_inches="tight")
    (Path(out) / "kl_alive_summary.md").write_text("\n".join(rows) + "\n")


def _time(cmd: list[str], repeat: int) -> tuple[list[float], float]:
    """Wall-clock times of ``repeat`` fresh processes and their largest peak RSS (MB)."""
    times, peak_kb = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - t0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(f"{cmd[:4]} failed: {proc.stderr.read().decode()}")
        peak_kb = max(peak_kb, usage.ru_maxrss)
    return times, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mpl", nargs=2, metavar=("ROOT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mpl:
        matplotlib_spaghetti(*args.mpl)
        return
    from vegafigs import demo

    with tempfile.TemporaryDirectory() as tmp:
        root = demo.kl_runs(Path(tmp) / "runs")
        out = Path(tmp) / "out"
        vf = [sys.executable, "-m", "vegafigs", "spaghetti", "--runs-root", str(root)]
        cases = {
            "matplotlib (seed approach), png 160 dpi": [
                sys.executable, __file__, "--mpl", str(root), str(out / "mpl"),
            ],
            "vegafigs spaghetti, png 160 dpi": [*vf, "--out", str(out / "vf1"), "--format", "png"],
            "vegafigs spaghetti, png+svg+pdf+json+html": [*vf, "--out", str(out / "vf2")],
        }  # fmt: skip
        print(f"8 alphas x 32 trajectories x 512 tokens; best / median of {args.repeat} runs")
        print(f"{'command':<44}{'best s':>8}{'median s':>10}{'peak RSS MB':>13}")
        for name, cmd in cases.items():
            times, peak = _time(cmd, args.repeat)
            print(f"{name:<44}{min(times):>8.2f}{statistics.median(times):>10.2f}{peak:>13.0f}")
        spec = out / "vf2" / "kl_alive_spaghetti.vl.json"
        print(f"spec size: {spec.stat().st_size / 1000:.0f} kB")


if __name__ == "__main__":
    main()
