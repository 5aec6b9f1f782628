"""The ``vegafigs`` command line: ``vegafigs gallery``, ``render`` and ``curves``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from vegafigs.errors import VegafigsError


def _cmd_gallery(args: argparse.Namespace) -> int:
    from vegafigs.gallery import FIGURES, parse_formats, render_gallery

    formats = parse_formats(args.format)
    only = args.only or None
    start = time.perf_counter()
    written = render_gallery(
        args.out, formats=formats, only=only, dpi=args.dpi, progress=not args.quiet
    )
    n_figs = len(only) if only else len(FIGURES)
    print(
        f"vegafigs gallery: wrote {len(written)} files ({n_figs} figures x "
        f"{len(formats)} formats: {','.join(formats)}) to {args.out}/ "
        f"in {time.perf_counter() - start:.1f}s"
    )
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from vegafigs.errors import LoadError
    from vegafigs.export import save

    path = Path(args.spec)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LoadError(f"spec {str(path)!r}: cannot read ({exc.strerror})") from exc
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"spec {str(path)!r}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(spec, dict):
        raise LoadError(f"spec {str(path)!r}: expected a JSON object (a Vega-Lite spec)")
    out = save(spec, args.output, dpi=args.dpi)
    print(f"vegafigs render: wrote {out}")
    return 0


def _cmd_curves(args: argparse.Namespace) -> int:
    from vegafigs.errors import InputError
    from vegafigs.export import save
    from vegafigs.figures import reward_length
    from vegafigs.io import load

    logs: dict[str, list[str]] = {}
    plain: list[str] = []
    for item in args.logs:
        name, sep, path = item.partition("=")
        if sep and name and path and not Path(item).exists():
            logs.setdefault(name, []).append(path)
        else:
            plain.append(item)
    if args.run is not None:
        logs.setdefault(args.run, []).extend(plain)
        plain = []
    start = time.perf_counter()
    frames = []
    if logs:
        frames.append(load(logs, step=args.x, progress=not args.quiet))
    if plain:
        frames.append(load(plain, step=args.x, progress=not args.quiet))
    import pandas as pd

    df = pd.concat(frames, ignore_index=True)
    metrics = args.y or ["reward", "response_length"]
    present = sorted(set(df["metric"]))
    missing = [m for m in metrics if m not in present]
    if missing:
        raise InputError(f"--y: metric(s) {missing} not in the logs; they have {present}")
    smooth = None if args.smooth.lower() == "none" else args.smooth
    chart = reward_length(
        df,
        x="step",
        metrics=metrics,
        layout=args.layout,
        smooth=smooth,
        band=args.band,
        raw=not args.no_raw,
        x_title=args.x_title or "Training step",
        width_in=args.width,
        height_in=args.height,
        dpi=args.dpi,
    )
    out = save(chart, args.output, dpi=args.dpi)
    n_runs = df["run"].nunique()
    print(
        f"vegafigs curves: {len(df):,} points of {len(metrics)} metric(s) from {n_runs} run(s) "
        f"-> {out} in {time.perf_counter() - start:.1f}s"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="vegafigs",
        description="Publication-quality ML/RL figures as Vega-Lite charts.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    g = sub.add_parser(
        "gallery",
        help="render every gallery figure from the built-in demo data",
        description="Render every gallery figure from the built-in demo data to "
        "DIR/<name>.png|.svg|.pdf|.vl.json|.html.",
    )
    g.add_argument(
        "--out", default="outputs", metavar="DIR", help="output folder (default: outputs)"
    )
    g.add_argument(
        "--format",
        default="png,svg,pdf,json,html",
        help="comma-separated formats among png,svg,pdf,json,html (default: all)",
    )
    g.add_argument(
        "--only", action="append", metavar="NAME", help="render only this figure (repeatable)"
    )
    g.add_argument("--dpi", type=float, default=300, help="PNG resolution (default: 300)")
    g.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=_cmd_gallery)

    r = sub.add_parser(
        "render",
        help="render a Vega-Lite JSON spec to PNG/SVG/PDF/HTML",
        description="Render a Vega-Lite JSON spec (e.g. a saved .vl.json) to an image or page; "
        "the format comes from OUT's suffix.",
    )
    r.add_argument("spec", metavar="SPEC.vl.json", help="the Vega-Lite spec to render")
    r.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="output .png/.svg/.pdf/.html"
    )
    r.add_argument("--dpi", type=float, default=300, help="PNG resolution (default: 300)")
    r.set_defaults(func=_cmd_render)

    c = sub.add_parser(
        "curves",
        help="plot metrics vs. step from training logs (reward, response length, ...)",
        description="Plot metrics against step from training logs: CSV / JSONL (wide or long), "
        "Parquet, Hugging Face trainer_state.json, W&B CSV exports, TensorBoard event files. "
        "Each LOG is a path (its run named by its run column or file stem) or NAME=PATH; "
        "files of the same NAME (e.g. workers) merge by step.",
    )
    c.add_argument("logs", nargs="+", metavar="LOG", help="log file or folder, or NAME=PATH")
    c.add_argument("--x", default=None, metavar="COL", help="step column (default: detected)")
    c.add_argument(
        "--y",
        action="append",
        metavar="METRIC",
        help="metric to plot, repeatable (default: reward and response_length)",
    )
    c.add_argument(
        "--smooth",
        default="ema:0.9",
        help="ema:W, twema:W, rolling:N, gaussian:S or none (default: ema:0.9)",
    )
    c.add_argument(
        "--band",
        default=None,
        help="band of raw values: std, ci95 or qLO-HI "
        "(e.g. q10-90) over a centred window (default: none)",
    )
    c.add_argument("--layout", default="panels", choices=["panels", "dual"])
    c.add_argument("--run", default=None, metavar="NAME", help="name all plain LOGs as one run")
    c.add_argument("--no-raw", action="store_true", help="hide the faint raw traces")
    c.add_argument("--x-title", default=None, help="x axis title (default: Training step)")
    c.add_argument("--width", type=float, default=7.0, help="figure width, inches (default: 7)")
    c.add_argument("--height", type=float, default=2.8, help="figure height, inches")
    c.add_argument("--dpi", type=float, default=300, help="PNG resolution (default: 300)")
    c.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="output .png/.svg/.pdf/.html/.vl.json"
    )
    c.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=_cmd_curves)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vegafigs`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except VegafigsError as exc:
        print(f"vegafigs {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
