"""reward_length groups (issue 17): seed bands, facets, no silent averaging, titles as logged."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs.errors import InputError
from vegafigs.figures.reward_length import x_title_of
from vegafigs.testing import drawn_texts

ENVS = ["HalfCheetah-v4", "Hopper-v4", "Walker2d-v4", "Ant-v4", "Humanoid-v4", "Reacher-v4",
        "Swimmer-v4"]  # fmt: skip


def td3_long(n_steps: int = 21) -> pd.DataFrame:
    """The TD3 long table (7 envs x 10 seeds) as a tidy frame, as the loader returns it."""
    rng = np.random.default_rng(0)
    parts = []
    for k, env in enumerate(ENVS):
        for seed in range(10):
            t = np.arange(n_steps) * 5000
            r = (k + 1) * 1000 * (1 - np.exp(-t / 3e4)) + rng.normal(0, 100 + 20 * seed, t.size)
            parts.append(pd.DataFrame({"run": "td3", "step": t, "metric": "eval_return",
                                       "value": r, "env": env, "seed": seed}))  # fmt: skip
    df = pd.concat(parts, ignore_index=True)
    df.attrs.update(x="timestep", ids=["env", "seed"])
    return df


def spec_of(fig: vf.Figure) -> dict:
    return json.loads(fig.to_json())


def panel_specs(spec: dict) -> list[dict]:
    key = next(k for k in ("hconcat", "concat", "vconcat") if k in spec)
    return spec[key]


def title_text(title: object) -> str:
    if isinstance(title, dict):
        title = title.get("text")
    return " ".join(title) if isinstance(title, list) else str(title)


def test_td3_table_without_groups_names_env_and_seed():
    msg = (
        "reward_length: 70 rows share each step of run 'td3' (metric 'eval_return'); they differ "
        "in columns 'env' (7 values) and 'seed' (10 values): pass series='env' (a colour each) "
        "or seed='seed' (mean ± band) / on the CLI --series env --seed seed"
    )
    with pytest.raises(InputError) as err:
        vf.figures.reward_length(td3_long(), panels=None)
    assert str(err.value) == msg


def test_td3_one_group_given_names_the_other():
    with pytest.raises(InputError, match=r"10 rows share each step of env 'Hopper-v4'|"
                       r"10 rows share each step of env 'HalfCheetah-v4'"):  # fmt: skip
        vf.figures.reward_length(td3_long(), panels=None, series="env")
    with pytest.raises(
        InputError, match=r"differ in column 'seed' \(10 values\): pass seed='seed'"
    ):
        vf.figures.reward_length(td3_long(), panels=None, series="env")
    with pytest.raises(InputError, match=r"differ in column 'env' \(7 values\): pass series='env'"):
        vf.figures.reward_length(td3_long(), panels=None, seed="seed")


def test_td3_series_and_seed_draw_seven_lines_with_bands():
    df = td3_long()
    fig = vf.figures.reward_length(df, panels=None, series="env", seed="seed", smooth=None)
    curves = fig.data["curves"]
    assert set(curves["env"]) == set(ENVS)
    assert (curves["n"] == 10).all() and len(curves) == 7 * 21
    # smooth=None: the line is the mean over seeds, the band mean ± std (ddof=1)
    want = df.groupby(["env", "step"])["value"].agg(["mean", "std"]).reset_index()
    got = curves.merge(want, on=["env", "step"])
    np.testing.assert_allclose(got["smooth"], got["mean"])
    np.testing.assert_allclose(got["value"], got["mean"])
    np.testing.assert_allclose(got["upper"] - got["smooth"], got["std"])
    assert {"band", "raw", "line"} <= set(fig.layers)
    spec = fig.to_json()
    for env in ENVS:
        assert env in spec


def test_seed_band_is_the_median_and_quantiles_for_quantile_bands():
    df = td3_long()[lambda d: d["env"] == "Ant-v4"]
    fig = vf.figures.reward_length(df, panels=None, seed="seed", smooth=None, band="q10-90")
    curves = fig.data["curves"]
    q = df.groupby("step")["value"].quantile([0.1, 0.5, 0.9]).unstack()
    np.testing.assert_allclose(curves["smooth"], q[0.5].to_numpy())
    np.testing.assert_allclose(curves["lower"], q[0.1].to_numpy())
    np.testing.assert_allclose(curves["upper"], q[0.9].to_numpy())


def test_seeds_logged_at_different_steps_are_interpolated_and_counted():
    a = pd.DataFrame(
        {"run": "r", "metric": "m", "seed": 0, "step": [0, 10, 20], "value": [0.0, 1, 2]}
    )
    b = pd.DataFrame({"run": "r", "metric": "m", "seed": 1, "step": [5, 15], "value": [10.0, 20]})
    fig = vf.figures.reward_length(pd.concat([a, b]), panels=None, seed="seed", smooth=None)
    curves = fig.data["curves"]
    assert curves["step"].tolist() == [0, 5, 10, 15, 20]
    assert curves["n"].tolist() == [1, 2, 2, 2, 1]
    np.testing.assert_allclose(curves["smooth"], [0.0, 5.25, 8.0, 10.75, 2.0])


def test_facet_draws_a_panel_per_value_with_one_x_zoom():
    fig = vf.figures.reward_length(td3_long(), panels=None, seed="seed", facet="env")
    assert fig.panels == tuple(f"eval_return | {e}" for e in ENVS)
    spec = spec_of(fig)
    panels = panel_specs(spec)
    assert [title_text(p["title"]) for p in panels] == ENVS
    zoom = [p for p in spec["params"] if p["name"] == "zoom"]
    assert len(zoom) == 1 and len(zoom[0]["views"]) == 7
    assert fig.width_in > 7  # wider by default for seven panels


def grid_frame() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    parts = []
    for env in [0.5, 1.5, 2.5]:  # float env ids
        for seed in range(3):  # int seeds
            t = np.arange(0, 100, 10)
            for metric in ("rollout/ep_rew_mean", "train/loss"):
                parts.append(pd.DataFrame({"run": "sac", "step": t, "metric": metric,
                                           "value": env * t + rng.normal(0, 1, t.size),
                                           "env_id": env, "seed": seed}))  # fmt: skip
    df = pd.concat(parts, ignore_index=True)
    df.attrs["x"] = "time/total_timesteps"
    return df


def test_facet_grid_has_a_row_per_metric_and_titles_as_logged():
    fig = vf.figures.reward_length(grid_frame(), panels=None, seed="seed", facet="env_id",
                                   band="ci95", interactive=False)  # fmt: skip
    spec = spec_of(fig)
    assert spec["columns"] == 3 and len(spec["concat"]) == 6
    titles = [title_text(p["title"]) for p in spec["concat"]]
    assert titles == ["env_id=0.5", "env_id=1.5", "env_id=2.5"] * 2
    y_titles = [p["layer"][-1]["encoding"]["y"]["axis"]["title"] for p in spec["concat"]]
    assert y_titles == ["rollout/ep_rew_mean", None, None, "train/loss", None, None]
    texts = drawn_texts(fig)
    for want in ("rollout/ep_rew_mean", "train/loss", "env_id=1.5", "Timesteps"):
        assert want in texts
    assert "Rollout/ep rew mean" not in texts


def test_dual_layout_with_facet_draws_one_dual_panel_per_value():
    fig = vf.figures.reward_length(grid_frame(), panels=None, seed="seed", facet="env_id",
                                   layout="dual")  # fmt: skip
    assert fig.panels == ("plot | env_id=0.5", "plot | env_id=1.5", "plot | env_id=2.5")
    spec = spec_of(fig)
    assert len(spec["hconcat"]) == 3
    assert len([p for p in spec["params"] if p["name"] == "zoom"][0]["views"]) == 3


def test_one_seed_and_one_step_are_drawn():
    df = grid_frame()
    one_seed = vf.figures.reward_length(df[df["seed"] == 0], panels=None, seed="seed",
                                        series="env_id")  # fmt: skip
    curves = one_seed.data["curves"]
    assert (curves["n"] == 1).all() and np.allclose(curves["lower"], curves["upper"])
    assert curves["env_id"].dtype == float  # the ids come back as given
    one_step = vf.figures.reward_length(df[df["step"] == 0], panels=None, seed="seed",
                                        series="env_id")  # fmt: skip
    assert any(name.endswith("/point_band") for name in one_step.layers)
    assert "1.5" in drawn_texts(one_step)


def test_seeds_repeating_a_step_are_an_error():
    df = grid_frame()
    twice = pd.concat([df, df.assign(worker=1)])
    with pytest.raises(InputError, match=r"differ in column 'worker' \(2 values\)"):
        vf.figures.reward_length(twice, panels=None, series="env_id", seed="seed")
    want = (
        r"repeats the value 0 for run 'sac', metric 'rollout/ep_rew_mean', env_id '0.5', seed '0'"
    )
    with pytest.raises(InputError, match=want + ".*--merge mean"):
        vf.figures.reward_length(pd.concat([df, df]), panels=None, facet="env_id", seed="seed")


def test_identifier_columns_mixed_in_one_line_are_an_error():
    # Seeds logged at different steps never repeat a step, yet one line would zigzag.
    a = pd.DataFrame({"run": "r", "metric": "m", "seed": 0, "step": [0, 10], "value": [0.0, 1]})
    b = pd.DataFrame({"run": "r", "metric": "m", "seed": 1, "step": [5, 15], "value": [9.0, 9]})
    df = pd.concat([a, b], ignore_index=True)
    df.attrs["ids"] = ["seed"]
    with pytest.raises(InputError, match=r"run 'r' \(metric 'm'\) mixes rows of several column "
                       r"'seed' \(2 values\): pass seed='seed'"):  # fmt: skip
        vf.figures.reward_length(df, panels=None)
    vf.figures.reward_length(df, panels=None, seed="seed")  # named: fine


def test_facet_value_without_rows_is_an_error():
    df = grid_frame()
    df = df[~((df["metric"] == "train/loss") & (df["env_id"] == 2.5))]
    with pytest.raises(InputError, match=r"facet: metric 'train/loss' has no rows .* env_id='2.5'"):
        vf.figures.reward_length(df, panels=None, facet="env_id", seed="seed")


def test_metric_titles_as_logged_known_names_and_overrides():
    df = vf.demo.rl_logs(n_steps=20)
    df = pd.concat([df, df[df["metric"] == "reward"].assign(metric="rollout/ep_rew_mean")])
    fig = vf.figures.reward_length(df, panels=["reward", "rollout/ep_rew_mean"])
    assert [title_text(p["title"]) for p in panel_specs(spec_of(fig))] == [
        "Reward", "rollout/ep_rew_mean"]  # fmt: skip
    titles = {"rollout/ep_rew_mean": "Episode return"}
    fig = vf.figures.reward_length(df, panels=["rollout/ep_rew_mean"], panel_titles=titles)
    assert title_text(spec_of(fig)["title"]) == "Episode return"


@pytest.mark.parametrize(
    ("name", "title"),
    [("time/total_timesteps", "Timesteps"), ("timesteps_total", "Timesteps"),
     ("num_env_steps_sampled_lifetime", "Timesteps"), ("env_steps", "Timesteps"),
     ("episodes", "Episode"), ("training_iteration", "Iteration"), ("iter", "Iteration"),
     ("step", "Step"), ("global_step", "Step"), ("_step", "Step"), ("Step", "Step"),
     ("trainer/global_step", "Step"), ("epoch", "Epoch"), ("t", "Wall time (s)"),
     ("my_x", "my_x"), (None, "Training step")],
)  # fmt: skip
def test_x_title_of_the_loaders_x_column(name, title):
    assert x_title_of(name) == title


def test_x_title_follows_df_attrs_unless_given():
    df = vf.demo.rl_logs(n_steps=20)
    df.attrs["x"] = "training_iteration"
    assert '"Iteration"' in vf.figures.reward_length(df).to_json()
    fig_json = vf.figures.reward_length(df, x_title="Updates").to_json()
    assert '"Updates"' in fig_json and '"Iteration"' not in fig_json
    assert '"Training step"' in vf.figures.reward_length(vf.demo.rl_logs(n_steps=20)).to_json()
