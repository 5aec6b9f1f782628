"""Every log format of issue 17 through ``vegafigs.io.load`` with no flags: run names, x, steps.

The fixtures under ``tests/fixtures/logs/`` were written by hand from each format's
documentation and from what the training stacks print.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import vegafigs.io as vio
from vegafigs.errors import LoadError

LOGS = Path(__file__).parent / "fixtures" / "logs"
PPO = "PPO_CartPole-v1_00000"

# (files, {run: number of distinct steps}, x recorded, a metric that must be there)
CASES = [
    (["console/verl_output.log"], None, "step", "critic/score/mean"),
    (["sb3/monitor.csv"], {"sb3": 12}, "timesteps", "r"),
    (["sb3/ppo_cartpole_1/0.monitor.csv", "sb3/ppo_cartpole_1/1.monitor.csv"],
     {"ppo_cartpole_1": 16}, "timesteps", "l"),
    (["sb3/progress.csv"], {"sb3": 11}, "time/total_timesteps", "rollout/ep_rew_mean"),
    ([f"rllib/{PPO}/result.json"], {PPO: 6}, "timesteps_total", None),
    ([f"rllib/{PPO}/progress.csv"], {PPO: 6}, "timesteps_total", None),
    (["rllib/PPO_new_stack/result.json"], {"PPO_new_stack": 5}, "num_env_steps_sampled_lifetime",
     None),
    (["detect/lines.json"], {"lines": 2}, "step", None),
    (["trl/grpo-qwen-gsm8k/trainer_state.json"], {"grpo-qwen-gsm8k": 10}, "step", "reward"),
]  # fmt: skip


@pytest.mark.parametrize(("files", "steps", "x", "metric"), CASES, ids=lambda v: str(v)[:40])
def test_each_format_loads_with_no_flags(files, steps, x, metric):
    paths = [LOGS / f for f in files]
    if steps is None:  # the verl fixture restarts at step 1: reported, merged only when asked
        with pytest.raises(LoadError, match="restarted run"):
            vio.load(paths)
        df = vio.load(paths, merge="last")
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            df = vio.load(paths)
        assert df.groupby("run").step.nunique().to_dict() == steps
    assert df.attrs["x"] == x
    if metric is not None:
        assert metric in set(df.metric)


def test_monitor_files_of_one_folder_are_one_run_in_time_order():
    folder = LOGS / "sb3" / "ppo_cartpole_1"
    df = vio.load(sorted(folder.glob("*.monitor.csv")))
    assert df.run.unique().tolist() == ["ppo_cartpole_1"]
    assert df.attrs["ids"] == ["env_id"]
    lengths = df[df.metric == "l"]
    # x is the cumulative length over both workers' episodes in wall-time order.
    assert lengths.step.tolist() == lengths.value.cumsum().astype(int).tolist()
    # Named explicitly, the same; each file alone is its own run.
    named = vio.load({"ppo": sorted(folder.glob("*.monitor.csv"))})
    assert named.drop(columns="run").equals(df.drop(columns="run"))
    one = vio.load([folder / "0.monitor.csv", LOGS / "sb3" / "monitor.csv"])
    assert sorted(one.run.unique()) == ["ppo_cartpole_1", "sb3"]
