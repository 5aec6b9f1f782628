"""The gallery: every figure vegafigs reproduces, built from the built-in demo data."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vegafigs import _limits, demo
from vegafigs._checks import require_choice, require_positive
from vegafigs.errors import InputError
from vegafigs.export import Spec, render_spec, to_spec, write_set
from vegafigs.figure import Figure
from vegafigs.themes import Config, Style, latex, paper

#: Gallery output formats, in the order they are written, with their file suffixes.
GALLERY_FORMATS = {"json": ".vl.json", "png": ".png", "svg": ".svg", "pdf": ".pdf", "html": ".html"}


@dataclass(frozen=True)
class GalleryFigure:
    """One gallery entry: a name (file stem), a human title and how to build it.

    The entries are the values of :data:`FIGURES`, keyed by ``name``.

    Parameters
    ----------
    name : str
        The file stem of its outputs (``<name>.png`` ...) and its key in
        :data:`FIGURES`.
    title : str
        What the figure shows, in words (the heading on its gallery page).
    source : str
        Which seed script (and paper) the figure reproduces, shown on the pages.
    build : callable
        ``build(style=None)`` returns the :class:`~vegafigs.Figure` from the demo
        data: with the gallery's own look, or with a venue ``style``
        (:func:`vegafigs.themes.venue`): its size and font sizes.

    Examples
    --------
    >>> entry = FIGURES["warmup_ablation"]
    >>> entry.source, sorted(entry.build().layers)
    ('seed 001 (PreRL)', ['bars', 'labels', 'reference', 'trend'])
    """

    name: str
    title: str
    source: str
    build: Callable[..., Figure]


def _look(style: Style | None, name: str, theme: Config, **sized: Any) -> dict[str, Any]:
    """The gallery's own look (theme config, size), or ``style``'s size and font sizes.

    With a venue style the figure gets the named theme at the venue's font sizes and
    the style's size; the gallery's size-specific settings (``sized``) are left out.
    """
    if style is None:
        return {"theme": theme, **sized}
    return {"theme": name, "style": style}


def _grad_metrics_hist(style: Style | None = None) -> Figure:
    from vegafigs.figures import metric_histograms

    return metric_histograms(
        demo.grad_metrics_hist(),
        x="value",
        panel="panel",
        x_titles={name: spec["x_title"] for name, spec in demo.GRAD_METRICS.items()},
        **_look(style, "paper", paper(font_size=11, title_size=16, label_size=10, text_size=10)),
    )


def _warmup_ablation(style: Style | None = None) -> Figure:
    from vegafigs.figures import bar_trend

    return bar_trend(
        demo.warmup_ablation(),
        x="warmup_steps",
        y="avg_score",
        reference=demo.WARMUP_BASELINE,
        reference_label=f"GRPO {demo.WARMUP_BASELINE:.2f}",
        y_domain=(54.2, 58.2),
        y_ticks=[55, 56, 57, 58],
        x_title="Warmup Steps",
        y_title="Avg Score",
        **_look(style, "paper", paper(font_size=9, label_size=8, text_size=7)),
    )


def _model_scaling(style: Style | None = None) -> Figure:
    from vegafigs.figures import scaling_curves

    return scaling_curves(
        demo.model_scaling(),
        x="params_b",
        y="accuracy",
        series="method",
        err="std",
        highlight="SDPO",
        palette=demo.MODEL_SCALING_COLORS,
        x_title="Model parameters (B)",
        y_title="Accuracy",
        title="Model scaling (Qwen3)",
        y_domain=(0.08, 0.51),
        y_ticks=[0.1, 0.2, 0.3, 0.4, 0.5],
        # The reference picture's text is ~1.2x the seed's 10 x 5 in proportions:
        # a smaller canvas (same font sizes) with thinner lines/markers matches it.
        band_opacity=0.18,
        **_look(style, "latex", latex(), width_in=8.4, height_in=4.2, stroke_width=2.1,
                marker_size=34),
    )  # fmt: skip


def _kl_spaghetti(style: Style | None = None) -> Figure:
    import tempfile

    from vegafigs.figures import kl_spaghetti
    from vegafigs.io import load_kl_runs

    with tempfile.TemporaryDirectory(prefix="vegafigs-kl-") as tmp:
        root = demo.kl_runs(tmp)
        runs = load_kl_runs(root, alphas=demo.KL_ALPHAS, model_contains=demo.KL_MODEL)
    return kl_spaghetti(runs, style=style)


def _training_curve(style: Style | None = None) -> Figure:
    from vegafigs.figures import training_curves

    return training_curves(
        demo.training_curve(),
        x="step",
        y="accuracy",
        series="method",
        seed="seed",
        smooth="ema:0.96",
        band="std",
        palette={"SDPO": "#2CA02C", "GRPO": "#1F77B4"},
        reference=0.406,
        reference_label="Claude Sonnet 4",
        highlight="SDPO",
        title="LiveCodeBench v6",
        x_title="Number of Generations",
        y_title="Accuracy",
        x_domain=(0, 20000),
        y_domain=(0.28, 0.52),
        x_ticks=[0, 5000, 10000, 15000, 20000],
        y_ticks=[0.30, 0.35, 0.40, 0.45, 0.50],
        # The reference picture's text, measured at its 6.5 x 4.4 in.
        **_look(style, "latex", latex(font_size=14.5, title_size=16.5, label_size=12.5),
                stroke_width=2.5),
    )  # fmt: skip


def _reward_length(style: Style | None = None) -> Figure:
    from vegafigs.figures import reward_length

    return reward_length(
        demo.rl_logs(), smooth="ema:0.9", band="q10-90", layout="panels",
        **_look(style, "paper", paper(), stroke_width=1.8),
    )  # fmt: skip


FIGURES: dict[str, GalleryFigure] = {
    f.name: f
    for f in [
        GalleryFigure(
            "grad_metrics_hist",
            "Three-panel gradient-metric histograms with stats boxes",
            "seed 000 (PreRL)",
            _grad_metrics_hist,
        ),
        GalleryFigure(
            "warmup_ablation",
            "Ablation bars with a trend line, value labels and a GRPO baseline",
            "seed 001 (PreRL)",
            _warmup_ablation,
        ),
        GalleryFigure(
            "model_scaling",
            "Accuracy vs model size: lines with markers and bands, bold highlighted method",
            "seed 002, second figure (SDPO)",
            _model_scaling,
        ),
        GalleryFigure(
            "kl_spaghetti",
            "KL trajectories coloured by alive/dead state, one panel per steering strength",
            "seed 004 (isokl steering calibration)",
            _kl_spaghetti,
        ),
        GalleryFigure(
            "training_curve",
            "LiveCodeBench v6 training curve: EMA-smoothed means, ±std bands, reference line",
            "seed 002 (SDPO)",
            _training_curve,
        ),
        GalleryFigure(
            "reward_length",
            "Reward and response length vs. step from RL logs, raw + smoothed, q10-90 band",
            "seed 003 (Logic-RL)",
            _reward_length,
        ),
    ]
}


def parse_formats(formats: str | Sequence[str]) -> list[str]:
    """``"png,svg"`` or ``["png", "svg"]`` -> a checked list of gallery format names.

    Parameters
    ----------
    formats : str or sequence of str
        Format names, comma-separated in a string or as a list: ``json``, ``png``,
        ``svg``, ``pdf``, ``html`` (the keys of :data:`GALLERY_FORMATS`; case and
        surrounding spaces are ignored). Nothing given, or an unknown name, is an
        :class:`~vegafigs.InputError` naming ``format``.

    Returns
    -------
    list of str
        The lower-case names in the order given, each once.

    Examples
    --------
    >>> parse_formats(" PNG, svg,png")
    ['png', 'svg']
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    items = [f.strip().lower() for f in items if f.strip()]
    if not items:
        raise InputError(f"format: nothing given; choose from {', '.join(GALLERY_FORMATS)}")
    for fmt in items:
        require_choice(fmt, list(GALLERY_FORMATS), param="format")
    return list(dict.fromkeys(items))


def render_gallery(
    out_dir: str | os.PathLike[str] = "outputs",
    *,
    formats: str | Sequence[str] = tuple(GALLERY_FORMATS),
    only: Iterable[str] | None = None,
    dpi: float = 300,
    progress: bool = False,
) -> list[Path]:
    """Write ``<out_dir>/<name><suffix>`` for every gallery figure and format.

    With ``html`` each ``<name>.html`` is the figure's page (its title, a link back
    to the index, the live figure, links to its files), and it also writes
    ``<out_dir>/index.html``: every figure of this run drawn live (offline), its
    title and links to the files written. These pages share one script,
    ``<out_dir>/vegafigs-embed.js`` (:data:`~vegafigs.pages.EMBED_NAME`), written
    once. Everything is rendered before the first file is written, and the files
    are written all or none (:func:`~vegafigs.export.write_set`): an error leaves
    no partial gallery, the previous files as they were, and no folder this run
    created.

    Parameters
    ----------
    out_dir : str or os.PathLike, optional
        The output folder (default ``"outputs"``; created if missing).
    formats : str or sequence of str, optional
        The formats to write, as :func:`parse_formats` takes them (default all:
        ``json`` (``.vl.json``), ``png``, ``svg``, ``pdf``, ``html``).
    only : iterable of str or None, optional
        Names of the figures to write, keys of :data:`FIGURES`, in that order
        (default ``None``: every figure). An empty list or an unknown name is an
        :class:`~vegafigs.InputError`.
    dpi : float, optional
        Pixels per inch of the PNGs (default 300); a number from 10 to 2400.
    progress : bool, optional
        Show a tqdm progress bar on stderr, one step per file (default ``False``).

    Returns
    -------
    list of pathlib.Path
        Every file written, in order: the figures' files, then ``index.html`` and
        the shared script when ``html`` is among the formats.

    Examples
    --------
    >>> render_gallery("outputs", formats="png", only=["grad_metrics_hist"])  # doctest: +SKIP
    [PosixPath('outputs/grad_metrics_hist.png')]
    """
    fmts = parse_formats(formats)
    require_positive(dpi, param="dpi")
    _limits.check_dpi(dpi)  # the range png checks, also when no format uses it (html, json)
    names = list(FIGURES) if only is None else list(dict.fromkeys(only))
    if not names:
        raise InputError(f"only: no figure named; choose from {', '.join(FIGURES)}")
    for name in names:
        require_choice(name, list(FIGURES), param="only")
    jobs = [(name, fmt) for name in names for fmt in fmts]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), unit="file", desc="gallery", leave=False)
    outputs: list[tuple[Path, bytes]] = []
    specs: dict[str, Spec] = {}  # each figure is built and converted once
    try:
        for name, fmt in jobs:
            if name not in specs:
                specs[name] = to_spec(FIGURES[name].build())
            path = Path(out_dir) / f"{name}{GALLERY_FORMATS[fmt]}"
            if fmt == "html":  # the gallery's own page, drawn by the shared script
                data = _figure_html(name, fmts, specs[name])
            else:
                data = render_spec(specs[name], fmt, dpi=dpi)
            outputs.append((path, data))
            if bar is not None:
                bar.set_postfix_str(path.name)
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    if "html" in fmts:
        from vegafigs.pages import EMBED_NAME, shared_script

        outputs.append((Path(out_dir) / INDEX_NAME, _index_html(names, fmts, specs)))
        outputs.append((Path(out_dir) / EMBED_NAME, shared_script()))
    # All or none: a failed write (a full disk) leaves no file and no folder this run made.
    return write_set(dict(outputs), folder=out_dir)


#: The gallery page written next to the figures when ``html`` is among the formats.
INDEX_NAME = "index.html"


def _page_figure(name: str, fmts: Sequence[str], spec: Spec, *, skip: str = "") -> Any:
    """The :class:`~vegafigs.pages.PageFigure` of ``name``, linking its files (not ``skip``)."""
    from vegafigs.pages import PageFigure

    order = [f for f in ["html", "json", "png", "svg", "pdf"] if f in fmts and f != skip]
    labels = {"html": "page", "json": ".vl.json", "png": ".png", "svg": ".svg", "pdf": ".pdf"}
    from vegafigs.webfonts import prefer_bundled_fonts

    return PageFigure(
        name=name,
        title=FIGURES[name].title,
        source=FIGURES[name].source,
        spec=prefer_bundled_fonts(spec),  # a browser picks the page's web fonts first
        links=tuple((labels[f], f"{name}{GALLERY_FORMATS[f]}") for f in order),
    )


def _index_html(names: Sequence[str], fmts: Sequence[str], specs: dict[str, Spec]) -> bytes:
    from vegafigs.pages import index_page
    from vegafigs.webfonts import font_face_css

    figures = [_page_figure(n, fmts, specs[n]) for n in names]
    fonts = font_face_css([f.spec for f in figures])
    return index_page(figures, font_css=fonts).encode("utf-8")


def _figure_html(name: str, fmts: Sequence[str], spec: Spec) -> bytes:
    """``<name>.html``: the figure's page (heading, link back to the index, its files)."""
    from vegafigs.pages import figure_page
    from vegafigs.webfonts import font_face_css

    fig = _page_figure(name, fmts, spec, skip="html")
    return figure_page(fig, index=INDEX_NAME, font_css=font_face_css(fig.spec)).encode()


__all__ = [
    "FIGURES",
    "GALLERY_FORMATS",
    "INDEX_NAME",
    "GalleryFigure",
    "parse_formats",
    "render_gallery",
]
