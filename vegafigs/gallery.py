"""The gallery: every figure vegafigs reproduces, built from the built-in demo data."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import altair as alt

from vegafigs import demo
from vegafigs._checks import require_choice
from vegafigs.errors import InputError
from vegafigs.export import render, write_atomic

#: Gallery output formats, in the order they are written, with their file suffixes.
GALLERY_FORMATS = {"json": ".vl.json", "png": ".png", "svg": ".svg", "pdf": ".pdf", "html": ".html"}


@dataclass(frozen=True)
class GalleryFigure:
    """One gallery entry: a name (file stem), a human title and how to build it."""

    name: str
    title: str
    source: str
    build: Callable[[], alt.TopLevelMixin]


def _grad_metrics_hist() -> alt.TopLevelMixin:
    from vegafigs.figures import metric_histograms

    return metric_histograms(
        demo.grad_metrics_hist(),
        value="value",
        panel="panel",
        x_titles={name: spec["x_title"] for name, spec in demo.GRAD_METRICS.items()},
    )


def _training_curve() -> alt.TopLevelMixin:
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
        reference=(0.406, "Claude Sonnet 4"),
        highlight="SDPO",
        title="LiveCodeBench v6",
        x_title="Number of Generations",
        y_title="Accuracy",
        x_domain=(0, 20000),
        y_domain=(0.28, 0.52),
        x_tick_step=5000,
        y_tick_step=0.05,
    )


def _reward_length() -> alt.TopLevelMixin:
    from vegafigs.figures import reward_length

    return reward_length(demo.rl_logs(), smooth="ema:0.9", band="q10-90", layout="panels")


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
    """``"png,svg"`` or ``["png", "svg"]`` -> a checked list of gallery format names."""
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

    >>> render_gallery("outputs", formats="png", only=["grad_metrics_hist"])  # doctest: +SKIP
    """
    fmts = parse_formats(formats)
    names = list(FIGURES) if only is None else list(only)
    for name in names:
        require_choice(name, list(FIGURES), param="only")
    jobs = [(name, fmt) for name in names for fmt in fmts]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), unit="file", desc="gallery", leave=False)
    written: list[Path] = []
    charts: dict[str, alt.TopLevelMixin] = {}
    try:
        for name, fmt in jobs:
            if name not in charts:
                charts[name] = FIGURES[name].build()
            path = Path(out_dir) / f"{name}{GALLERY_FORMATS[fmt]}"
            written.append(write_atomic(path, render(charts[name], fmt, dpi=dpi)))
            if bar is not None:
                bar.set_postfix_str(path.name)
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    return written
