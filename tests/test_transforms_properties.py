"""Property tests of the curve transforms (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from vegafigs.transforms import band, downsample, ema, gaussian, rolling, twema
from vegafigs.transforms.downsample import pixel_columns

FAST = settings(max_examples=60, deadline=None)

values = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=60,
)
SMOOTHERS = [
    lambda df: ema(df, x="step", y="v", weight=0.9, by="run"),
    lambda df: twema(df, x="step", y="v", weight=0.7, by="run"),
    lambda df: rolling(df, x="step", y="v", window=5, by="run"),
    lambda df: gaussian(df, x="step", y="v", sigma=2.0, by="run"),
]


def _frame(vs: list[float], runs: int = 1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "run": np.repeat([f"r{i}" for i in range(runs)], len(vs)),
            "step": np.tile(np.arange(len(vs)) * 10, runs),
            "v": np.tile(vs, runs),
        }
    )


@FAST
@given(c=st.floats(-1e6, 1e6, allow_nan=False), n=st.integers(1, 40))
def test_smoothing_a_constant_returns_it(c, n):
    df = _frame([c] * n)
    for smoother in SMOOTHERS:
        assert (smoother(df)["v_smooth"] == c).all()


@FAST
@given(vs=values)
def test_smoothers_stay_within_the_input_range(vs):
    df = _frame(vs)
    lo, hi = min(vs), max(vs)
    tol = 1e-9 * max(1.0, abs(lo), abs(hi))
    for smoother in SMOOTHERS:
        s = smoother(df)["v_smooth"]
        assert s.min() >= lo - tol and s.max() <= hi + tol


@FAST
@given(vs=values, seed=st.integers(0, 2**16))
def test_smoothing_and_bands_do_not_depend_on_row_order(vs, seed):
    df = _frame(vs, runs=3)
    df["v"] = df["v"] + np.repeat([0.0, 1.0, -2.0], len(vs))
    shuffled = df.sample(frac=1.0, random_state=seed)
    for smoother in SMOOTHERS:
        pd.testing.assert_frame_equal(smoother(df), smoother(shuffled))
    pd.testing.assert_frame_equal(
        band(df, x="step", y="v", run="run", kind="q10-90"),
        band(shuffled, x="step", y="v", run="run", kind="q10-90"),
    )


@FAST
@given(
    vs=st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=30),
    n_runs=st.integers(1, 5),
    kind=st.sampled_from(["std", "ci95", "q10-90", "q25-75", "ci95-boot"]),
    seed=st.integers(0, 1000),
)
def test_band_lower_le_centre_le_upper(vs, n_runs, kind, seed):
    rng = np.random.default_rng(seed)
    frames = []
    for r in range(n_runs):  # runs log at different, uneven steps
        steps = np.sort(rng.choice(200, size=len(vs), replace=False))
        frames.append(pd.DataFrame({"seed": r, "step": steps, "v": rng.permutation(vs)}))
    out = band(pd.concat(frames), x="step", y="v", run="seed", kind=kind, n_boot=50)
    tol = 1e-9 * max(1.0, float(np.abs(vs).max()))
    assert (out["lower"] <= out["v"] + tol).all()
    assert (out["v"] <= out["upper"] + tol).all()
    assert out["n"].between(1, n_runs).all()


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(1, 400),
    width=st.integers(2, 40),
    seed=st.integers(0, 10_000),
    engine=st.sampled_from(["auto", "numpy", "tsdownsample"]),
    short=st.booleans(),
)
def test_downsampling_keeps_each_pixel_columns_first_last_min_max(n, width, seed, engine, short):
    rng = np.random.default_rng(seed)
    steps = np.sort(rng.choice(5000, size=n, replace=False))
    ys = rng.normal(size=n).round(2)  # ties happen
    df = pd.DataFrame({"run": "a", "step": steps, "y": ys})
    domain = (0.0, 6000.0) if short else None  # a run shorter than the plot's x domain
    out = downsample(df, x="step", y="y", width_px=width, x_domain=domain, engine=engine)
    assert len(out) <= max(4 * width, n)
    x0, x1 = domain if domain else (steps.min(), steps.max())
    cols = pixel_columns(steps.astype(float), x0, x1, width)
    kept_cols = pixel_columns(out["step"].to_numpy(float), x0, x1, width)
    kept = set(out["step"].tolist())
    assert kept <= set(steps.tolist())
    for k in np.unique(cols):
        sel = cols == k
        col_steps, col_y = steps[sel], ys[sel]
        assert col_steps[0] in kept and col_steps[-1] in kept
        ky = out["y"].to_numpy()[kept_cols == k]
        assert ky.min() == col_y.min() and ky.max() == col_y.max()


def test_rolling_mean_edge_never_returns_the_callers_array():
    """Unsmoothed (window 1, or longer than x) it is still a new array."""
    from vegafigs.transforms import rolling_mean_edge

    for window in (1, 10):
        x = np.array([1.0, 2.0, 3.0])
        out = rolling_mean_edge(x, window)
        out[0] = 99.0
        assert x[0] == 1.0, window
