"""Time building and rendering every gallery figure (run by hand, prints a table).

python benchmarks/bench_gallery.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

from vegafigs.export import render, spec_json
from vegafigs.gallery import FIGURES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    render(next(iter(FIGURES.values())).build(), "svg")  # warm up vl-convert and fonts
    print(f"{'figure':<22}{'build s':>9}{'json s':>9}{'png s':>9}{'pdf s':>9}{'spec kB':>9}")
    for name, fig in FIGURES.items():
        best: dict[str, float] = {}
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            chart = fig.build()
            t1 = time.perf_counter()
            text = spec_json(chart)
            t2 = time.perf_counter()
            render(chart, "png", dpi=300)
            t3 = time.perf_counter()
            render(chart, "pdf")
            t4 = time.perf_counter()
            for k, v in {"build": t1 - t0, "json": t2 - t1, "png": t3 - t2, "pdf": t4 - t3}.items():
                best[k] = min(best.get(k, v), v)
        print(
            f"{name:<22}{best['build']:>9.3f}{best['json']:>9.3f}{best['png']:>9.3f}"
            f"{best['pdf']:>9.3f}{len(text.encode()) / 1000:>9.1f}"
        )


if __name__ == "__main__":
    main()
