"""Built-in demo data for the gallery (seeded: the same frame on every call)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Per-panel statistics quoted in the PreRL paper's gradient-metric figure (seed 000).
GRAD_METRICS = {
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
    log-probability differences, with the max/min/mean quoted in the paper.

    >>> df = grad_metrics_hist()
    >>> sorted(df.columns)
    ['panel', 'value']
    """
    rng = np.random.default_rng(seed)
    shapes = {
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


def training_curve(seed: int = 42, *, n_steps: int = 401, n_seeds: int = 3) -> pd.DataFrame:
    """Accuracy vs. generations of SDPO and GRPO over ``n_seeds`` seeds (seed 002).

    Columns ``method``, ``seed``, ``step`` (0 .. 20,000 generations), ``accuracy``:
    saturating curves from 0.285 to 0.49 (SDPO) and 0.415 (GRPO) with per-step
    noise and a seed-to-seed spread shrinking from about 0.019 to 0.008.

    >>> df = training_curve()
    >>> sorted(df.method.unique()), len(df)
    (['GRPO', 'SDPO'], 2406)
    """
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

    Tidy columns ``run``, ``step``, ``metric`` (``"reward"`` / ``"response_length"``),
    ``value``: rewards climb noisily from about -0.5 towards 0.6-0.8 and response
    lengths grow from about 350 towards 1,000-1,400 tokens with plateaus, as in
    Logic-RL-style training.

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
