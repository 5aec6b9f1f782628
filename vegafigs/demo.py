"""Built-in demo data for the gallery (seeded: the same frame on every call)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Per-panel statistics quoted in the PreRL paper's gradient-metric figure (seed 000).
GRAD_METRICS: dict[str, dict[str, Any]] = {
    "Gradient Dot Product": {
        "x_title": "Dot Product", "n": 230, "max": 46.1835, "min": 0.9386, "mean": 9.2263,
    },
    "Gradient Cosine Similarity": {
        "x_title": "Cosine Similarity", "n": 250, "max": 0.7083, "min": 0.0649, "mean": 0.4433,
    },
    "log P(y|x) - log P(y)": {
        "x_title": "Log Prob Difference", "n": 240, "max": 0.6021, "min": 0.0258, "mean": 0.1569,
    },
}  # fmt: skip


def _fit_range(u: np.ndarray, *, lo: float, hi: float, mean: float) -> np.ndarray:
    """Map ``u`` onto [lo, hi] exactly (min -> lo, max -> hi) with the given mean.

    A power ``x = lo + (hi - lo) * v**p`` of the min-max scaled ``v`` keeps the
    shape's ordering; ``p`` is found by bisection so that the mean matches.
    """
    v = (u - u.min()) / (u.max() - u.min())
    target = (mean - lo) / (hi - lo)
    a, b = 0.05, 20.0
    for _ in range(200):
        p = (a * b) ** 0.5
        if np.mean(v**p) > target:
            a = p
        else:
            b = p
    return lo + (hi - lo) * v ** ((a * b) ** 0.5)


def grad_metrics_hist(seed: int = 42) -> pd.DataFrame:
    """Tidy samples of three gradient metrics (columns ``panel``, ``value``).

    Right-skewed dot products, roughly normal cosine similarities and right-skewed
    log-probability differences, each panel with the sample count and the exact
    max / min / mean quoted in the paper (:data:`GRAD_METRICS`; seed 000).

    Parameters
    ----------
    seed : int, optional
        Seed of the random generator (default 42); the same seed gives the same
        frame on every call.

    Returns
    -------
    pandas.DataFrame
        One row per sample: ``panel`` (the metric's name, a key of
        :data:`GRAD_METRICS`) and ``value``.

    Examples
    --------
    >>> df = grad_metrics_hist()
    >>> sorted(df.columns)
    ['panel', 'value']
    """
    rng = np.random.default_rng(seed)
    shapes: dict[str, Callable[[int], np.ndarray]] = {
        "Gradient Dot Product": lambda n: rng.gamma(1.1, 1.0, n),
        "Gradient Cosine Similarity": lambda n: rng.beta(4.0, 5.0, n),
        "log P(y|x) - log P(y)": lambda n: rng.gamma(1.3, 1.0, n),
    }
    frames = []
    for name, spec in GRAD_METRICS.items():
        raw = shapes[name](spec["n"])
        values = _fit_range(raw, lo=spec["min"], hi=spec["max"], mean=spec["mean"])
        frames.append(pd.DataFrame({"panel": name, "value": values}))
    return pd.concat(frames, ignore_index=True)


#: GRPO's average score, the baseline of the warmup ablation (seed 001).
WARMUP_BASELINE = 55.79


def warmup_ablation() -> pd.DataFrame:
    """Average score per number of warmup steps (columns ``warmup_steps``, ``avg_score``).

    The PreRL paper's warmup ablation (seed 001); GRPO scores :data:`WARMUP_BASELINE`.

    >>> warmup_ablation()["avg_score"].tolist()
    [55.69, 57.74, 57.11, 57.54, 57.27, 56.32]
    """
    return pd.DataFrame(
        {
            "warmup_steps": [5, 10, 15, 20, 25, 30],
            "avg_score": [55.69, 57.74, 57.11, 57.54, 57.27, 56.32],
        }
    )


#: Series colours of the model-scaling figure (seed 002), SDPO green, GRPO blue, base grey.
MODEL_SCALING_COLORS = {"SDPO": "#2CA02C", "GRPO": "#1F77B4", "base model": "#BCBCBC"}


def model_scaling() -> pd.DataFrame:
    """Accuracy by model size per method, tidy (``params_b``, ``method``, ``accuracy``, ``std``).

    Qwen3 sizes 0.6B-8B (seed 002). ``std`` is the spread shown as a band; it is
    NaN for the base model, which has no band.

    >>> df = model_scaling()
    >>> df.groupby("method", sort=False)["accuracy"].max().round(3).tolist()
    [0.49, 0.414, 0.284]
    """
    sizes = [0.6, 1.7, 4.0, 8.0]
    results = {
        "SDPO": ([0.215, 0.333, 0.450, 0.490], [0.005, 0.006, 0.008, 0.006]),
        "GRPO": ([0.212, 0.295, 0.400, 0.414], [0.005, 0.006, 0.007, 0.006]),
        "base model": ([0.095, 0.150, 0.233, 0.284], [np.nan] * 4),
    }
    frames = [
        pd.DataFrame({"params_b": sizes, "method": name, "accuracy": acc, "std": std})
        for name, (acc, std) in results.items()
    ]
    return pd.concat(frames, ignore_index=True)


#: Steering strengths of the KL spaghetti demo (keys as the run folders spell them).
KL_ALPHAS = ("0.0", "0.25", "0.5", "0.75", "1.0", "1.5", "2.0", "4.0")
#: Model name in the demo cell folder names.
KL_MODEL = "Qwen3.5-0.8B"


def kl_runs(
    root: str | os.PathLike[str],
    *,
    seed: int = 0,
    alphas: Sequence[str] = KL_ALPHAS,
    model: str = KL_MODEL,
    n_cells: int = 4,
    prompts_per_cell: int = 8,
    n_tokens: int = 512,
    fork_every: int = 16,
) -> Path:
    """Write seeded synthetic steering run folders under ``root``; return ``root``.

    ``root/<model>__cell<k>/`` gets ``calib.json``, ``trajectory.json`` (per-token
    KL per prompt and alpha: ``alpha**2`` times a drifting log-normal level, so
    ``alpha=0`` is all zeros) and ``pmass.json`` (pmass at a fork every
    ``fork_every`` tokens, falling below 0.8 for good after a death time that
    comes more often at larger alpha; a few missing values (``null``); about a
    quarter of the rollouts end early). Also an ignored ``_scratch_<model>`` folder
    and another model's cell (``OtherModel-7B__cell0``). Read them back with
    :func:`vegafigs.io.load_kl_runs`. Existing files of the same names are
    overwritten.

    Parameters
    ----------
    root : str or os.PathLike
        The folder to write into (created if missing).
    seed : int, optional
        Seed of the random generator (default 0).
    alphas : sequence of str, optional
        The steering strengths, as the files' keys spell them (default
        :data:`KL_ALPHAS`); each must parse as a number.
    model : str, optional
        The model name in the cell folder names (default :data:`KL_MODEL`).
    n_cells : int, optional
        Cells (run folders) of ``model`` (default 4).
    prompts_per_cell : int, optional
        Trajectories per alpha in each cell (default 8).
    n_tokens : int, optional
        Tokens per trajectory (default 512).
    fork_every : int, optional
        Tokens between pmass fork points (default 16).

    Returns
    -------
    pathlib.Path
        ``root``.

    Examples
    --------
    >>> root = kl_runs("kl_demo")
    >>> from vegafigs.io import load_kl_runs
    >>> runs = load_kl_runs(root, alphas=KL_ALPHAS, model_contains=KL_MODEL)
    >>> runs.alphas == tuple(KL_ALPHAS)
    True
    """
    rng = np.random.default_rng(seed)
    root = Path(root)
    forks = list(range(0, n_tokens, fork_every))

    def one(alpha: float) -> tuple[list[float], list[float | None], int]:
        # A smooth drift: a random walk over knots every 32 tokens, interpolated.
        knots = np.cumsum(rng.normal(0.0, 0.15, n_tokens // 32 + 2))
        drift = np.interp(np.arange(n_tokens), np.arange(len(knots)) * 32.0, knots - knots[0])
        kl = alpha**2 * np.exp(drift) * rng.gamma(30.0, 1 / 30.0, n_tokens)
        p_die = 1.0 - np.exp(-0.16 * alpha**2)
        death = rng.integers(fork_every, n_tokens) if rng.random() < p_die else n_tokens + 1
        pm = np.where(
            np.array(forks) < death,
            rng.uniform(0.82, 1.0, len(forks)),
            rng.uniform(0.3, 0.9, len(forks)),
        )
        pm_list: list[float | None] = [round(float(v), 4) for v in pm]
        if rng.random() < 0.1:
            pm_list[int(rng.integers(len(forks)))] = None
        gen_len = int(rng.integers(48, n_tokens)) if rng.random() < 0.25 else n_tokens
        return [round(float(v), 6) for v in kl], pm_list, gen_len

    cells = {f"{model}__cell{k}": model for k in range(n_cells)}
    cells["OtherModel-7B__cell0"] = "other"
    cells[f"_scratch_{model}"] = "ignored"
    for name in cells:
        kl_doc: dict[str, list] = {}
        pm_doc: dict[str, list] = {}
        gl_doc: dict[str, list] = {}
        for key in alphas:
            trajs = [one(float(key)) for _ in range(prompts_per_cell)]
            kl_doc[key] = [t[0] for t in trajs]
            pm_doc[key] = [t[1] for t in trajs]
            gl_doc[key] = [t[2] for t in trajs]
        cell = root / name
        cell.mkdir(parents=True, exist_ok=True)
        (cell / "calib.json").write_text(json.dumps({"model": model, "target_kl": 1.0}))
        (cell / "trajectory.json").write_text(json.dumps({"per_prompt_per_t_kl": kl_doc}))
        pmass = {
            "computed": True,
            "fork_points": forks,
            "pmass_eval": pm_doc,
            "gen_lens_eval": gl_doc,
        }
        (cell / "pmass.json").write_text(json.dumps(pmass))
    return root


def training_curve(seed: int = 42, *, n_steps: int = 401, n_seeds: int = 3) -> pd.DataFrame:
    """Accuracy vs. generations of SDPO and GRPO over ``n_seeds`` seeds (seed 002).

    Saturating mean curves from 0.285 to about 0.49 (SDPO) and from 0.272 to about
    0.41 (GRPO), with per-step noise and a seed-to-seed spread shrinking from about
    0.019 to 0.008.

    Parameters
    ----------
    seed : int, optional
        Seed of the random generator (default 42).
    n_steps : int, optional
        Logged steps per run, evenly spaced over 0 .. 20,000 generations (default
        401: every 50 generations; at least 2).
    n_seeds : int, optional
        Runs per method (default 3; at least 2, since the spread is standardised
        across them).

    Returns
    -------
    pandas.DataFrame
        Columns ``method``, ``seed`` (0 .. ``n_seeds`` - 1), ``step`` (generations,
        integers), ``accuracy``; ``2 * n_seeds * n_steps`` rows.

    Examples
    --------
    >>> df = training_curve()
    >>> sorted(df.method.unique()), len(df)
    (['GRPO', 'SDPO'], 2406)
    """
    from vegafigs._checks import require_count

    require_count(n_steps, param="n_steps", minimum=2)
    require_count(n_seeds, param="n_seeds", minimum=2)
    rng = np.random.default_rng(seed)
    steps = np.linspace(0, 20000, n_steps).round().astype(np.int64)
    t = steps / steps[-1]
    methods = {"SDPO": (0.285, 0.490, 0.012, 0.007), "GRPO": (0.272, 0.415, 0.010, 0.006)}
    frames = []
    for method, (start, end, spread0, spread1) in methods.items():
        mean = start + (end - start) * (1 - np.exp(-4 * t))
        spread = spread0 * np.exp(-2 * t) + spread1
        # Seed offsets: slowly varying shapes, standardised across seeds at each step.
        shapes = np.stack(
            [
                np.cumsum(rng.normal(0, 1, n_steps)) / np.sqrt(n_steps) + rng.normal(0, 1)
                for _ in range(n_seeds)
            ]
        )
        shapes = (shapes - shapes.mean(axis=0)) / shapes.std(axis=0, ddof=1)
        for s in range(n_seeds):
            noise = rng.normal(0, 0.006, n_steps) * (1 - 0.7 * t)
            frames.append(
                pd.DataFrame(
                    {
                        "method": method,
                        "seed": s,
                        "step": steps,
                        "accuracy": mean + shapes[s] * spread + noise,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def rl_logs(
    seed: int = 0, *, n_steps: int = 600, runs: tuple[str, ...] = ("GRPO", "GRPO + KL")
) -> pd.DataFrame:
    """Per-step reward and mean response length of RL runs, as a logger writes them (seed 003).

    Rewards climb noisily from about -0.5 towards 0.8 (the first run), 0.65 (the
    second), ...; response lengths grow from about 350 towards 1,400, 1,100, ...
    tokens with plateaus, as in Logic-RL-style training.

    Parameters
    ----------
    seed : int, optional
        Seed of the random generator (default 0).
    n_steps : int, optional
        Steps per run, numbered 1 .. ``n_steps`` (default 600).
    runs : tuple of str, optional
        The run names (default ``("GRPO", "GRPO + KL")``); each later run ends
        lower.

    Returns
    -------
    pandas.DataFrame
        Tidy columns ``run``, ``step``, ``metric`` (``"reward"`` /
        ``"response_length"``), ``value``.

    Examples
    --------
    >>> df = rl_logs()
    >>> sorted(df.metric.unique())
    ['response_length', 'reward']
    """
    rng = np.random.default_rng(seed)
    steps = np.arange(1, n_steps + 1, dtype=np.int64)
    t = steps / n_steps
    frames = []
    for i, run in enumerate(runs):
        top = 0.8 - 0.15 * i
        reward = -0.5 + (top + 0.5) * (1 - np.exp(-(3.5 + i) * t)) + rng.normal(0, 0.18, n_steps)
        grow = 1400 - 300 * i
        length = 350 + (grow - 350) * t**1.4 + 40 * np.sin(9 * t + i)
        length = length * (1 + rng.normal(0, 0.06, n_steps))
        for metric, values in (("reward", reward), ("response_length", length)):
            frames.append(
                pd.DataFrame({"run": run, "step": steps, "metric": metric, "value": values})
            )
    return pd.concat(frames, ignore_index=True)


__all__ = [
    "GRAD_METRICS",
    "KL_ALPHAS",
    "KL_MODEL",
    "MODEL_SCALING_COLORS",
    "WARMUP_BASELINE",
    "grad_metrics_hist",
    "kl_runs",
    "model_scaling",
    "rl_logs",
    "training_curve",
    "warmup_ablation",
]
