from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from vegafigs.errors import InputError
from vegafigs.transforms import band, ema, gaussian, parse_smooth, rolling, rolling_band, twema


def tensorboard_ema(values, weight):
    """TensorBoard's vz_line_chart2 resmoothDataset, transcribed line by line."""
    last, num_accum, out = 0.0, 0, []
    is_constant = all(v == values[0] for v in values)
    for v in values:
        if is_constant or not math.isfinite(v):
            out.append(v)
            continue
        last = last * weight + (1 - weight) * v
        num_accum += 1
        debias = 1 - weight**num_accum if weight != 1 else 1
        out.append(last / debias)
    return out


def test_ema_hand_checked_example():
    # w = 0.5: last = 0.5, 1.25, 2.125; debias = 0.5, 0.75, 0.875
    df = pd.DataFrame({"step": [0, 1, 2], "loss": [1.0, 2.0, 3.0]})
    out = ema(df, x="step", y="loss", weight=0.5)["loss_smooth"].tolist()
    assert out == pytest.approx([1.0, 1.25 / 0.75, 2.125 / 0.875], rel=1e-12)


def test_ema_equals_tensorboard_with_nonfinite_points():
    rng = np.random.default_rng(3)
    v = rng.normal(size=200)
    v[[0, 5, 6, 50]] = [np.nan, np.inf, np.nan, -np.inf]
    df = pd.DataFrame({"step": np.arange(200), "y": v})
    for w in (0.0, 0.6, 0.9, 0.999):
        got = ema(df, x="step", y="y", weight=w)["y_smooth"].to_numpy()
        want = np.array(tensorboard_ema(v.tolist(), w))
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, equal_nan=True)
    # non-finite points pass through unchanged
    got = ema(df, x="step", y="y", weight=0.6)["y_smooth"].to_numpy()
    assert np.isnan(got[0]) and got[5] == np.inf and got[50] == -np.inf


def test_ema_sorts_by_step_within_each_run():
    df = pd.DataFrame(
        {"run": ["b", "a", "a", "b"], "step": [1, 1, 0, 0], "y": [4.0, 2.0, 1.0, 3.0]}
    )
    out = ema(df, x="step", y="y", weight=0.5, by="run")
    assert out[["run", "step"]].values.tolist() == [["a", 0], ["a", 1], ["b", 0], ["b", 1]]
    assert out["y_smooth"].tolist() == pytest.approx([1.0, 0.5 * 1 / 0.75 + 1.0, 3.0, 11 / 3])


def wandb_twema(xs, ys, param):
    s = min(math.sqrt(param), 0.999)
    rng = xs[-1] - xs[0]
    last, debias, out = 0.0, 0.0, []
    for i, y in enumerate(ys):
        change = (xs[i] - xs[max(i - 1, 0)]) / rng * 1000
        adj = s**change
        last = last * adj + y
        debias = debias * adj + 1
        out.append(last / debias)
    return out


def test_twema_matches_the_documented_wandb_formula_on_uneven_steps():
    xs = [0, 1, 2, 10, 11, 40, 41, 42, 100]
    ys = [1.0, 3.0, 2.0, 5.0, 4.0, 0.0, 1.0, 2.0, 3.0]
    df = pd.DataFrame({"step": xs, "y": ys})
    got = twema(df, x="step", y="y", weight=0.3)["y_smooth"].tolist()
    assert got == pytest.approx(wandb_twema(xs, ys, 0.3), rel=1e-12)


def test_rolling_is_centred_and_edge_padded():
    df = pd.DataFrame({"y": [0.0, 3.0, 6.0, 9.0]})
    out = rolling(df, y="y", window=3)["y_smooth"].tolist()
    assert out == pytest.approx([1.0, 3.0, 6.0, 8.0])  # ends: (0+0+3)/3, (6+9+9)/3


def test_gaussian_weights_are_symmetric_and_normalised():
    df = pd.DataFrame({"y": [0.0] * 20 + [1.0] + [0.0] * 20})
    out = gaussian(df, y="y", sigma=2.0)["y_smooth"].to_numpy()
    assert out.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(out, out[::-1])
    assert out.argmax() == 20


@pytest.mark.parametrize(
    "spec, msg",
    [("ema", "needs a parameter"), ("ema:1.5", "weight"), ("lowess:3", "unknown method"),
     ("rolling:4", "odd"), ("gaussian:0", "sigma"), (3, "expected a string")],
)  # fmt: skip
def test_bad_smoothing_specs_are_named(spec, msg):
    df = pd.DataFrame({"step": [0, 1, 2], "y": [1.0, 2.0, 3.0]})
    from vegafigs.transforms import smooth

    with pytest.raises(InputError, match=msg):
        smooth(df, x="step", y="y", method=spec)


def test_parse_smooth():
    assert parse_smooth("EMA:0.9") == ("ema", 0.9)
    assert parse_smooth(None) == ("none", None)
    assert parse_smooth(("rolling", 5)) == ("rolling", 5)


def test_band_interpolates_runs_logged_at_different_steps():
    df = pd.DataFrame(
        {
            "seed": [0, 0, 0, 1, 1],
            "step": [0, 10, 20, 5, 15],
            "y": [0.0, 1.0, 2.0, 10.0, 20.0],
        }
    )
    out = band(df, x="step", y="y", run="seed", kind="std").set_index("step")
    assert out.index.tolist() == [0, 5, 10, 15, 20]
    # seed 1 covers only 5..15: at 10 it is interpolated to 15; outside it is absent.
    assert out.loc[0, "n"] == 1 and out.loc[20, "n"] == 1 and out.loc[10, "n"] == 2
    assert out.loc[10, "y"] == pytest.approx((1.0 + 15.0) / 2)
    assert out.loc[10, "upper"] - out.loc[10, "y"] == pytest.approx(np.std([1.0, 15.0], ddof=1))
    exact = band(df, x="step", y="y", run="seed", kind="std", align="exact").set_index("step")
    assert exact.loc[10, "n"] == 1 and exact.loc[10, "y"] == 1.0


def test_band_kinds_and_bootstrap_seed():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {"seed": np.repeat(range(8), 5), "step": np.tile(range(5), 8), "y": rng.normal(size=40)}
    )
    ci = band(df, x="step", y="y", run="seed", kind="ci95")
    sd = band(df, x="step", y="y", run="seed", kind="std")
    np.testing.assert_allclose(
        ci["upper"] - ci["y"], 1.959964 * (sd["upper"] - sd["y"]) / np.sqrt(8), rtol=1e-5
    )
    b1 = band(df, x="step", y="y", run="seed", kind="ci95-boot", seed=1)
    b2 = band(df, x="step", y="y", run="seed", kind="ci95-boot", seed=1)
    pd.testing.assert_frame_equal(b1, b2)
    q = band(df, x="step", y="y", run="seed", kind="q10-90")
    at0 = df[df.step == 0]["y"]
    assert q.loc[0, "lower"] == pytest.approx(np.quantile(at0, 0.1))
    assert q.loc[0, "y"] == pytest.approx(np.median(at0))
    with pytest.raises(InputError, match="kind"):
        band(df, x="step", y="y", run="seed", kind="iqr")


def test_rolling_band_quantiles_of_a_window():
    df = pd.DataFrame({"step": range(9), "y": [0.0, 10, 0, 10, 0, 10, 0, 10, 0]})
    out = rolling_band(df, x="step", y="y", window=3, kind="q0-100")
    assert out.loc[4, "lower"] == 0 and out.loc[4, "upper"] == 10 and out.loc[4, "n"] == 3
