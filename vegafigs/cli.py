"""The ``vegafigs`` command line: ``vegafigs gallery`` and ``vegafigs render``."""

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
        f"{len(formats)} formats: {','.join(formats)}"
        f"{' + index.html' if 'html' in formats else ''}) to {args.out}/ "
        f"in {time.perf_counter() - start:.1f}s"
    )
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from vegafigs.errors import ExportError, LoadError
    from vegafigs.export import format_for, save, validate_spec

    format_for(args.output)  # an unknown output suffix fails before any work
    path = Path(args.spec)
    try:
        spec = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise LoadError(f"spec {str(path)!r}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"spec {str(path)!r}: not a text file (byte {exc.start} is not UTF-8); "
            "expected a Vega-Lite JSON spec such as a saved .vl.json"
        ) from exc
    except json.JSONDecodeError as exc:
        raise LoadError(
            f"spec {str(path)!r}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(spec, dict):
        raise LoadError(f"spec {str(path)!r}: expected a JSON object (a Vega-Lite spec)")
    try:
        validate_spec(spec, source=f"spec {str(path)!r}")
    except ExportError as exc:
        raise LoadError(str(exc)) from exc
    out = save(spec, args.output, dpi=args.dpi, allow_external_data=args.allow_external_data)
    print(f"vegafigs render: wrote {out}")
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
    r.add_argument(
        "--allow-external-data",
        action="store_true",
        help="let the spec load data from URLs and from files outside the working folder "
        "(refused by default; files inside it are inlined)",
    )
    r.set_defaults(func=_cmd_render)
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
