"""The ``vegafigs`` command line: ``vegafigs gallery``, ``render`` and ``curves``."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vegafigs.errors import VegafigsError

#: The metrics ``vegafigs curves`` draws without ``--y`` (those of them the logs have).
CURVES_DEFAULT_Y = ("reward", "response_length")


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
        f"{len(formats)} formats: {','.join(formats)}"
        f"{' + index.html, vegafigs-embed.js' if 'html' in formats else ''}) to {args.out}/ "
        f"in {time.perf_counter() - start:.1f}s"
    )
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from vegafigs._limits import read_spec
    from vegafigs.errors import ExportError, LoadError
    from vegafigs.export import format_for, render_spec, validate_spec, write_atomic

    fmt = format_for(args.output)  # an unknown output suffix fails before any work
    path = Path(args.spec)
    # Size-bounded read, parse without RecursionError, depth-checked before any walk.
    spec = read_spec(path)
    if not isinstance(spec, dict):
        raise LoadError(f"spec {str(path)!r}: expected a JSON object (a Vega-Lite spec)")
    try:
        validate_spec(spec, source=f"spec {str(path)!r}")
    except ExportError as exc:
        raise LoadError(str(exc)) from exc
    # Validated once: render_spec does not validate the spec again.
    data = render_spec(
        spec,
        fmt,
        dpi=args.dpi,
        allow_external_data=args.allow_external_data,
        allow_data_dirs=args.allow_data_dir,
    )
    out = write_atomic(args.output, data)
    print(f"vegafigs render: wrote {out}")
    return 0


def _output_files(out: Path, names: Sequence[str]) -> list[Path]:
    """``out/<name>`` for each name, after checking they can be written (folder or missing).

    Fails before any work: ``out`` (or a parent) being a file, or a target being a folder.
    """
    from vegafigs.errors import ExportError

    for folder in (out, *out.parents):
        if folder.exists():
            if not folder.is_dir():
                where = "is a file" if folder == out else f"is under the file {str(folder)!r}"
                raise ExportError(f"--out {str(out)!r}: {where}; expected a folder")
            break
    paths = [out / n for n in names]
    for path in paths:
        if path.is_dir():
            raise ExportError(f"path {str(path)!r}: cannot write there (it is a folder)")
    return paths


def _cmd_spaghetti(args: argparse.Namespace) -> int:
    import warnings

    from vegafigs.errors import InputError
    from vegafigs.export import render_spec, to_spec, write_set
    from vegafigs.figures.kl_spaghetti import kl_spaghetti, summary_markdown
    from vegafigs.gallery import GALLERY_FORMATS, parse_formats
    from vegafigs.io import load_kl_runs

    formats = parse_formats(args.format)
    name = args.name
    if not name or name in {".", ".."} or any(c in name for c in "/\\\0"):
        raise InputError(
            f"--name: expected a file stem without folders (e.g. kl_alive_spaghetti), got {name!r}"
        )
    out = Path(args.out)
    targets = _output_files(
        out, [f"{name}{GALLERY_FORMATS[fmt]}" for fmt in formats] + ["kl_alive_summary.md"]
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runs = load_kl_runs(
            args.runs_root,
            alphas=args.alphas,
            model_contains=args.model_contains,
            metric=args.metric,
        )
    for w in caught:
        print(f"vegafigs spaghetti: warning: {w.message}", file=sys.stderr)
    fig = kl_spaghetti(
        runs,
        window=args.window,
        threshold=args.threshold,
        roll=args.roll,
        normalize_kl=not args.no_normalize_kl,
        calib_tokens=args.calib_tokens,
        kl_log=args.kl_log,
        stroke_width=args.stroke_width,
        opacity=args.opacity,
        width_in=args.width_in,
        height_in=args.height_in,
    )
    # Render everything first, then write all or none (write_set): a failure leaves no
    # partial set of files and no folder this run created.
    table = summary_markdown(fig.data["summary"])
    spec = to_spec(fig)  # converted once for all formats
    data = [render_spec(spec, fmt, dpi=args.dpi) for fmt in formats]
    data.append(table.encode("utf-8"))
    files = dict(zip(targets, data, strict=True))
    write_set(files, folder=out)
    print(table, end="")
    print(f"vegafigs spaghetti: wrote {len(files)} files to {out}/")
    return 0


def _curve_targets(outputs: Sequence[str]) -> dict[Path, str]:
    """``{path: format}`` of every ``-o``, checked before any log is read: a known suffix,
    no path given twice, not a folder."""
    from vegafigs.errors import ExportError
    from vegafigs.export import format_for

    targets: dict[Path, str] = {}
    seen: dict[Path, str] = {}
    for out in outputs:
        fmt = format_for(out)
        key = Path(os.path.abspath(out))
        if key in seen:
            raise ExportError(
                f"-o {out!r}: the same file as -o {seen[key]!r}; give each output once"
            )
        if key.is_dir():
            raise ExportError(f"path {out!r}: cannot write there (it is a folder)")
        under = next((p for p in key.parents if p.exists()), None)
        if under is not None and not under.is_dir():
            raise ExportError(f"path {out!r}: cannot write there ({str(under)!r} is a file)")
        seen[key] = out
        targets[Path(out)] = fmt
    return targets


def _curve_options(args: argparse.Namespace) -> tuple[str | None, dict[str, str]]:
    """The checked ``--smooth`` (``None``: no smoothing) and ``--title`` ``{metric: text}``."""
    from vegafigs.errors import InputError
    from vegafigs.transforms.bands import parse_kind
    from vegafigs.transforms.smoothing import parse_smooth

    smooth = None if args.smooth.lower() == "none" else args.smooth
    options = (("--smooth", smooth, parse_smooth), ("--band", args.band, parse_kind))
    for flag, value, check in options:
        if value is None:
            continue
        try:
            check(value)
        except InputError as exc:  # "smooth: ..." / "kind: ..." -> "--smooth: ..."
            raise InputError(f"{flag}: {str(exc).split(': ', 1)[-1]}") from exc
    titles: dict[str, str] = {}
    for item in args.title or []:
        metric, sep, text = item.partition("=")
        if not sep or not metric:
            raise InputError(
                f"--title: expected METRIC=TEXT (e.g. reward=Mean reward), got {item!r}"
            )
        titles[metric] = text
    return smooth, titles


def _curve_input(args: argparse.Namespace) -> Any:
    """The logs of ``args.logs``: scanned lazily when all are Parquet, else loaded."""
    from vegafigs import _curves_scan

    plain = [item for item in args.logs if "=" not in item or _curves_scan.is_path(item)]
    ids = list(dict.fromkeys(c for c in (args.series, args.seed, args.facet) if c))
    if len(plain) == len(args.logs) and _curves_scan.scannable(
        plain, fmt=args.format, merge=args.merge
    ):
        return _curves_scan.scan_logs(plain, run=args.run, step=args.x, ids=ids)
    return _curves_scan.loaded(_curve_frame(args))


def _curve_frame(args: argparse.Namespace) -> Any:
    """The logs of ``args.logs`` as one tidy frame (``attrs``: ``x``, ``ids``)."""
    import pandas as pd

    from vegafigs.errors import InputError
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
    ids = list(dict.fromkeys(c for c in (args.series, args.seed, args.facet) if c))
    kw = {"format": args.format, "merge": args.merge, "ids": ids, "progress": not args.quiet}
    frames = [load(group, step=args.x, **kw) for group in (logs, plain) if group]
    if len(frames) == 2:
        both = sorted(set(frames[0]["run"]) & set(frames[1]["run"]))
        if both:
            raise InputError(
                f"LOG: run name(s) {both} given both as NAME=PATH and by a file's name or run "
                "column; rename one (NAME=PATH)"
            )
    xs = list(dict.fromkeys(f.attrs.get("x") for f in frames if f.attrs.get("x")))
    found = list(dict.fromkeys(c for f in frames for c in f.attrs.get("ids", [])))
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    df.attrs["x"] = xs[0] if len(xs) == 1 else args.x
    df.attrs["ids"] = found
    return df


def _curve_metrics(given: Sequence[str] | None, present: Sequence[str]) -> list[str]:
    """The metrics drawn: ``--y``, else those of reward / response_length the logs have."""
    from vegafigs.errors import InputError

    if given:
        missing = [m for m in given if m not in present]
        if missing:
            raise InputError(f"--y: metric(s) {missing} not in the logs; they have {list(present)}")
        return list(given)
    found = [m for m in CURVES_DEFAULT_Y if m in present]
    if not found:
        raise InputError(
            f"--y: the logs have neither {' nor '.join(CURVES_DEFAULT_Y)} (the default "
            f"metrics); pass --y METRIC (repeatable); they have {list(present)}"
        )
    return found


def _cmd_curves(args: argparse.Namespace) -> int:
    from vegafigs.errors import InputError
    from vegafigs.export import render_spec, to_spec, write_set
    from vegafigs.figures import reward_length
    from vegafigs.figures.reward_length import x_title_of

    # Options and outputs are checked before any log is read (logs can be large).
    targets = _curve_targets(args.output)
    smooth, titles = _curve_options(args)
    start = time.perf_counter()
    logs = _curve_input(args)
    metrics = _curve_metrics(args.y, logs.metrics)
    unknown = [m for m in titles if m not in metrics]
    if unknown:
        raise InputError(f"--title: {unknown} not among the metrics drawn {metrics}")
    series = args.series or "run"
    fig = reward_length(
        logs.for_figure(metrics),
        x="step",
        panels=metrics,
        series=series,
        order=logs.series_order(series, metrics),
        seed=args.seed,
        facet=args.facet,
        layout=args.layout,
        smooth=smooth,
        band=args.band,
        raw=not args.no_raw,
        panel_titles=titles or None,
        x_title=args.x_title or x_title_of(logs.x),
        width_in=args.width_in,
        height_in=args.height_in,
        dpi=args.dpi,
    )
    spec = to_spec(fig)  # converted once for every output
    write_set({path: render_spec(spec, fmt, dpi=args.dpi) for path, fmt in targets.items()})
    points, n_runs = logs.summary(metrics)
    print(
        f"vegafigs curves: {points:,} points of {len(metrics)} metric(s) from {n_runs} run(s) "
        f"-> {', '.join(map(str, targets))} in {time.perf_counter() - start:.1f}s"
    )
    return 0


def _add_spaghetti(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``vegafigs spaghetti`` command's arguments."""
    s = sub.add_parser(
        "spaghetti",
        help="KL trajectories coloured by alive/dead, from steering run folders",
        description="Read RUNS_ROOT/<cell>/{calib,trajectory,pmass}.json for cells whose name "
        "contains --model-contains and draw every rollout's smoothed KL per alpha, coloured "
        "alive/dead by pmass; writes OUT/<name>.<ext> and OUT/kl_alive_summary.md.",
    )
    s.add_argument("--runs-root", required=True, metavar="DIR", help="folder of cell folders")
    s.add_argument("--out", required=True, metavar="DIR", help="output folder")
    s.add_argument("--window", type=int, default=512, help="generation window (default: 512)")
    s.add_argument(
        "--alphas",
        nargs="+",
        default=["0.0", "0.25", "0.5", "0.75", "1.0", "1.5", "2.0", "4.0"],
        metavar="ALPHA",
        help="alpha keys, one panel each (default: 0.0 0.25 0.5 0.75 1.0 1.5 2.0 4.0)",
    )
    s.add_argument(
        "--threshold", type=float, default=0.8, help="pmass below this = dead (default: 0.8)"
    )
    s.add_argument(
        "--metric", default="pmass_eval", help="pmass.json key of the pmass lists (pmass_eval)"
    )
    s.add_argument(
        "--model-contains",
        default="Qwen3.5-0.8B",
        metavar="TEXT",
        help="use cell folders whose name contains TEXT (default: Qwen3.5-0.8B)",
    )
    s.add_argument("--roll", type=int, default=65, help="rolling-mean window (default: 65)")
    s.add_argument(
        "--stroke-width",
        type=float,
        default=None,
        help="path width, pt (default: a third of the theme's line width, 0.5)",
    )
    s.add_argument(
        "--opacity",
        type=float,
        default=None,
        help="path opacity (default: clip(8/n, 0.2, 0.7) per panel)",
    )
    s.add_argument(
        "--width-in", type=float, default=None, help="figure width, in (default: 3 per panel)"
    )
    s.add_argument("--height-in", type=float, default=None, help="figure height, in (default: 3.4)")
    s.add_argument(
        "--no-normalize-kl",
        action="store_true",
        help="plot raw KL (target alpha^2) instead of KL / p95(KL[:calib_tokens])",
    )
    s.add_argument(
        "--calib-tokens", type=int, default=20, help="tokens of the p95 scale (default: 20)"
    )
    s.add_argument("--kl-log", action="store_true", help="symlog y axis")
    s.add_argument(
        "--format",
        default="png,svg,pdf,json,html",
        help="comma-separated formats among png,svg,pdf,json,html (default: all)",
    )
    s.add_argument("--dpi", type=float, default=160, help="PNG resolution (default: 160)")
    s.add_argument(
        "--name", default="kl_alive_spaghetti", help="figure file stem (default: %(default)s)"
    )
    s.set_defaults(func=_cmd_spaghetti)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="vegafigs",
        description="Publication-quality ML/RL figures as Vega-Lite charts.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_gallery(sub)
    _add_render(sub)
    _add_spaghetti(sub)
    _add_curves(sub)
    return parser


def _add_gallery(sub: Any) -> None:
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


def _add_render(sub: Any) -> None:
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
    r.add_argument(
        "--allow-external-data",
        action="store_true",
        help="let the spec load URLs, inline any local file, use links (http(s) only) and "
        "usermeta.embedOptions (ignored by the page); all refused by default",
    )
    r.add_argument(
        "--allow-data-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="inline the spec's local data / image files from DIR (repeatable; "
        "not dotfiles or dot-folders); refused by default",
    )
    r.set_defaults(func=_cmd_render)


CURVES_EPILOG = """\
Formats (detected from each file's content and name; --format NAME overrides):
  csv, jsonl, parquet   tables, wide (a column per metric) or long (metric, value)
  trainer_state         Hugging Face / TRL trainer_state.json (latest checkpoint)
  wandb                 W&B CSV exports ("<run> - <metric>" columns)
  tensorboard           event files or a folder of them
  monitor               Stable-Baselines3 Monitor CSV (monitor.csv: r, l, t)
  sb3                   Stable-Baselines3 logger progress.csv (x: time/total_timesteps)
  rllib                 RLlib result.json (JSON lines) / progress.csv
  console               verl-style console logs (step:N - key:value - ...; Ray
                        prefixes, colours, tqdm lines skipped)

Groups: a table's identifier columns (env, method, seed ...) are kept; rows that
share a step of one line are an error naming those columns unless you pass
--series COL (a colour per value), --seed COL (runs of one series drawn as their
mean with a --band across seeds, std by default) or --facet COL (a panel per
value), or --merge mean|last|first to combine them.

Without --y, the metrics reward and response_length that the logs have are drawn
(none of them: an error listing the metrics they have). The x title follows the
x column (Timesteps, Episode, Iteration, Step, Epoch, Wall time (s), or its name).

Example:
  vegafigs curves td3_results.csv --y eval_return --series env --seed seed \\
      -o td3.png -o td3.pdf -o td3.vl.json
"""


def _add_curve_groups(c: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """``vegafigs curves``' --format and its group flags (--series, --seed, --facet, --merge)."""
    c.add_argument("--format", default=None, choices=formats, help="log format (default: detected)")
    c.add_argument(
        "--series", default=None, metavar="COL", help="a colour per value (default: run)"
    )
    c.add_argument(
        "--seed", default=None, metavar="COL", help="seed column: mean ± --band across its values"
    )
    c.add_argument("--facet", default=None, metavar="COL", help="a panel per value of COL")
    c.add_argument(
        "--merge",
        default=None,
        choices=["mean", "last", "first"],
        help="combine values logged twice at one step of a run (default: an error)",
    )


def _add_curves(sub: Any) -> None:
    from vegafigs.io import FORMATS

    c = sub.add_parser(
        "curves",
        help="plot metrics vs. step from training logs (reward, response length, ...)",
        description="Plot metrics against step from training logs: CSV / JSONL (wide or long), "
        "Parquet, Hugging Face trainer_state.json, W&B CSV exports, TensorBoard event files, "
        "SB3 monitor.csv / progress.csv, RLlib result.json, verl-style console logs. "
        "Each LOG is a path (its run named by its run column or file stem; a generic stem "
        "such as progress or trainer_state by its folder) or NAME=PATH; several files of "
        "one NAME (e.g. workers) are one run.",
        epilog=CURVES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("logs", nargs="+", metavar="LOG", help="log file or folder, or NAME=PATH")
    c.add_argument("--x", default=None, metavar="COL", help="step column (default: detected)")
    c.add_argument(
        "--y",
        action="append",
        metavar="METRIC",
        help="metric to plot, repeatable (default: reward and response_length, those present)",
    )
    _add_curve_groups(c, FORMATS)
    c.add_argument(
        "--smooth",
        default="ema:0.9",
        help="ema:W, twema:W, rolling:N, gaussian:S or none (default: ema:0.9)",
    )
    c.add_argument(
        "--band",
        default=None,
        help="band: std, ci95 or qLO-HI (e.g. q10-90); with --seed across seeds (default std), "
        "else of the raw values over a centred window (default: none)",
    )
    c.add_argument("--layout", default="panels", choices=["panels", "dual"])
    c.add_argument("--run", default=None, metavar="NAME", help="name all plain LOGs as one run")
    c.add_argument("--no-raw", action="store_true", help="hide the faint raw traces")
    c.add_argument(
        "--title",
        action="append",
        metavar="METRIC=TEXT",
        help="panel title of a metric, repeatable (default: the metric's name as logged)",
    )
    c.add_argument(
        "--x-title", default=None, help="x axis title (default: from the x column, e.g. Timesteps)"
    )
    c.add_argument(
        "--width-in",
        type=float,
        default=None,
        help="figure width, inches (default: 7, wider with --facet)",
    )
    c.add_argument(
        "--height-in",
        type=float,
        default=None,
        help="figure height, inches (default: 2.8, taller with --facet and several metrics)",
    )
    c.add_argument("--dpi", type=float, default=300, help="PNG resolution (default: 300)")
    c.add_argument(
        "-o",
        "--output",
        action="append",
        required=True,
        metavar="OUT",
        help="output .png/.svg/.pdf/.html/.vl.json, repeatable (all rendered from one spec)",
    )
    c.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    c.set_defaults(func=_cmd_curves)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vegafigs`` console script."""
    import warnings

    parser = build_parser()
    args = parser.parse_args(argv)

    def show(message: Warning | str, *_: Any, **__: Any) -> None:
        print(f"vegafigs {args.command}: warning: {message}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = show  # one line per warning, no source lines
            return int(args.func(args))
    except VegafigsError as exc:
        print(f"vegafigs {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
