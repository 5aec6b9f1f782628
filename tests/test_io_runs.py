"""Run identity, grouping columns and repeated steps in ``vegafigs.io.load`` (issue 17).

The files are laid out as the training stacks write them: TRL output dirs with
checkpoint folders, SB3 / RLlib folders of generic ``progress`` files, a long
table of learning curves with ``env`` / ``seed`` columns (TD3-style).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import vegafigs.io as vio
from vegafigs.errors import LoadError


def _state(path, history):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"global_step": history[-1]["step"], "log_history": history}))
    return path


def _history(steps, scale=1.0):
    return [{"step": s, "epoch": s / 100, "loss": scale / (1 + s)} for s in steps]


def test_two_trainer_states_in_one_folder_are_two_runs(tmp_path):
    a = _state(tmp_path / "runs" / "grpo_lr1e-6.json", _history([10, 20]))
    b = _state(tmp_path / "runs" / "grpo_lr3e-6.json", _history([10, 20], scale=2.0))
    df = vio.load([a, b])
    assert sorted(df.run.unique()) == ["grpo_lr1e-6", "grpo_lr3e-6"]
    assert df[df.run == "grpo_lr3e-6"].value.tolist() == pytest.approx([2 / 11, 2 / 21])


def test_trainer_state_in_output_dirs_named_by_folder(tmp_path):
    a = _state(tmp_path / "grpo-a" / "trainer_state.json", _history([1, 2]))
    b = _state(tmp_path / "grpo-b" / "trainer_state.json", _history([1, 2]))
    assert sorted(vio.load([a, b]).run.unique()) == ["grpo-a", "grpo-b"]


def test_checkpoints_of_one_run_are_one_run_from_the_latest(tmp_path):
    early = _state(
        tmp_path / "out" / "checkpoint-300" / "trainer_state.json", _history([100, 200, 300])
    )
    late = _state(tmp_path / "out" / "checkpoint-500" / "trainer_state.json",
                  _history([100, 200, 300, 400, 500]))  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = vio.load([early, late])
    assert df.run.unique().tolist() == ["out"]
    assert df.step.tolist() == [100, 200, 300, 400, 500]
    # The final trainer_state.json beside the checkpoints is the latest of all.
    final = _state(
        tmp_path / "out" / "trainer_state.json", _history([100, 200, 300, 400, 500, 600])
    )
    assert vio.load([late, final, early]).step.max() == 600


def test_an_earlier_checkpoint_that_is_not_a_prefix_warns(tmp_path):
    early = _state(
        tmp_path / "out" / "checkpoint-2" / "trainer_state.json", _history([1, 2], scale=5)
    )
    late = _state(tmp_path / "out" / "checkpoint-4" / "trainer_state.json", _history([1, 2, 3, 4]))
    with pytest.warns(
        UserWarning, match=r"checkpoint-2.*not a prefix of the latest one.*2 of its 2"
    ):
        df = vio.load([early, late])
    assert df.step.tolist() == [1, 2, 3, 4]


def test_checkpoints_under_one_explicit_name(tmp_path):
    early = _state(tmp_path / "o" / "global_step_10" / "trainer_state.json", _history([5, 10]))
    late = _state(tmp_path / "o" / "global_step_20" / "trainer_state.json", _history([5, 10, 20]))
    df = vio.load({"grpo": [early, late]})
    assert df.run.unique().tolist() == ["grpo"] and df.step.tolist() == [5, 10, 20]


def test_generic_stems_take_the_folder_and_clashes_are_told_apart(tmp_path):
    files = []
    for algo in ("ppo", "sac"):
        for seed in ("seed0", "seed1"):
            p = tmp_path / algo / seed / "progress.csv"
            p.parent.mkdir(parents=True)
            p.write_text("step,reward\n0,0\n1,1\n")
            files.append(p)
    names = sorted(vio.load(files).run.unique())
    assert names == ["ppo/seed0", "ppo/seed1", "sac/seed0", "sac/seed1"]
    assert sorted(vio.load(files[:2]).run.unique()) == ["seed0", "seed1"]


def test_same_stem_in_two_folders_is_two_runs(tmp_path):
    for exp in ("exp1", "exp2"):
        (tmp_path / exp).mkdir()
        (tmp_path / exp / "seed0.csv").write_text("step,reward\n0,1\n1,2\n")
    df = vio.load([tmp_path / "exp1" / "seed0.csv", tmp_path / "exp2" / "seed0.csv"])
    assert sorted(df.run.unique()) == ["exp1/seed0", "exp2/seed0"]
    assert len(df) == 4  # nothing averaged


def test_workers_in_one_folder_keep_their_file_names(tmp_path):
    d = tmp_path / "ppo_1"
    d.mkdir()
    for w in range(2):
        (d / f"{w}.metrics.jsonl").write_text(json.dumps({"step": 1, "r": w}) + "\n")
    (d / "metrics.jsonl").write_text(json.dumps({"step": 1, "r": 9}) + "\n")
    (d / "metrics.csv").write_text("step,r\n1,8\n")
    df = vio.load(sorted(d.iterdir()))
    assert df.run.nunique() == 4 and len(df) == 4


def test_a_file_given_twice_is_refused(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("step,r\n0,1\n")
    with pytest.raises(LoadError, match=r"a\.csv': given twice"):
        vio.load([p, p])


def _td3(tmp_path, *, envs=7, seeds=10, steps=(0, 5000, 10000)):
    rng = np.random.default_rng(0)
    rows = [
        {"env": f"Env{e}-v4", "seed": s, "timestep": t, "eval_return": float(rng.normal(e * 100))}
        for e in range(envs)
        for s in range(seeds)
        for t in steps
    ]
    p = tmp_path / "td3_results.csv"
    pd.DataFrame(rows).to_csv(p, index=False)
    return p


def test_long_table_keeps_env_and_seed_columns(tmp_path):
    df = vio.load(_td3(tmp_path))
    assert list(df.columns) == ["run", "step", "metric", "value", "env", "seed"]
    assert df.attrs["ids"] == ["env", "seed"] and df.attrs["x"] == "timestep"
    assert len(df) == 7 * 10 * 3  # 70 curves, none averaged
    assert df.groupby(["env", "seed"]).size().eq(3).all()
    assert df.seed.dtype.kind == "i"


def test_unnamed_grouping_column_is_named_in_the_error(tmp_path):
    p = tmp_path / "sweep.csv"
    p.write_text("lr_index,step,loss\n0,1,0.5\n1,1,0.7\n0,2,0.4\n1,2,0.6\n")
    with pytest.raises(LoadError) as err:
        vio.load(p)
    msg = str(err.value)
    assert "sweep.csv': 4 (metric, step) pair(s) repeat (4 extra rows)" in msg
    assert "e.g. run 'sweep', metric 'loss', step 1 appears 2 times" in msg
    assert "'lr_index' look like grouping columns: keep them with ids=['lr_index']" in msg
    df = vio.load(p, ids=["lr_index"])
    assert df.attrs["ids"] == ["lr_index"] and len(df) == 4
    assert set(df.metric) == {"loss"}


def test_text_columns_are_ids_unless_bookkeeping(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text(
        "method,date,step,acc\n"
        "ours,2024-01-01 10:00,1,0.5\nours,2024-01-01 10:05,2,0.6\n"
        "base,2024-01-01 10:00,1,0.4\nbase,2024-01-01 10:05,2,0.45\n"
    )
    df = vio.load(p)
    assert df.attrs["ids"] == ["method"] and "date" not in df.columns
    assert df[df.method == "ours"].value.tolist() == [0.5, 0.6]


def test_ids_that_a_log_lacks_are_an_error(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("step,r\n0,1\n")
    with pytest.raises(LoadError, match=r"a\.csv': no column\(s\) \['env'\] to keep as ids"):
        vio.load(p, ids=["env"])
    s = _state(tmp_path / "o" / "trainer_state.json", _history([1]))
    with pytest.raises(LoadError, match=r"trainer_state\.json': no column\(s\) \['env'\]"):
        vio.load(s, ids=["env"])
    with pytest.raises(LoadError, match="ids: expected a list of column names"):
        vio.load(p, ids="env")


def test_repeated_steps_within_a_table_and_merge(tmp_path):
    p = tmp_path / "resumed.csv"
    p.write_text("step,loss\n1,1.0\n2,0.9\n3,0.8\n2,0.7\n3,0.6\n4,0.5\n")
    with pytest.raises(LoadError, match=r"2 \(metric, step\) pair\(s\) repeat .*restarted run"):
        vio.load(p)
    assert vio.load(p, merge="last").value.tolist() == [1.0, 0.7, 0.6, 0.5]
    assert vio.load(p, merge="first").value.tolist() == [1.0, 0.9, 0.8, 0.5]
    assert vio.load(p, merge="mean").value.tolist() == pytest.approx([1.0, 0.8, 0.7, 0.5])


def test_same_run_from_two_files_merges_only_disjoint_metrics(tmp_path):
    # Two W&B panel exports of one run: one metric each, merged as one run.
    (tmp_path / "reward.csv").write_text('"Step","ppo - reward"\n"0","1"\n"5","2"\n')
    (tmp_path / "length.csv").write_text('"Step","ppo - length"\n"0","100"\n"5","120"\n')
    df = vio.load([tmp_path / "reward.csv", tmp_path / "length.csv"])
    assert df.run.unique().tolist() == ["ppo"] and sorted(set(df.metric)) == ["length", "reward"]
    # The same metric in two exports is ambiguous.
    (tmp_path / "reward2.csv").write_text('"Step","ppo - reward"\n"0","3"\n')
    with pytest.raises(
        LoadError, match=r"run 'ppo': 1 \(metric, step\) pair\(s\) are logged by more than one file"
    ):
        vio.load([tmp_path / "reward.csv", tmp_path / "reward2.csv"])


def test_x_column_is_recorded(tmp_path):
    (tmp_path / "a.csv").write_text("global_step,r\n0,1\n")
    (tmp_path / "b.csv").write_text("global_step,r\n0,1\n")
    (tmp_path / "c.csv").write_text("epoch,r\n0,1\n")
    assert vio.load(tmp_path / "a.csv").attrs["x"] == "global_step"
    assert vio.load([tmp_path / "a.csv", tmp_path / "b.csv"]).attrs["x"] == "global_step"
    assert vio.load([tmp_path / "a.csv", tmp_path / "c.csv"]).attrs["x"] == "step"
    assert vio.load(tmp_path / "a.csv", step="r").attrs["x"] == "r"


FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "logs"


def test_trl_output_dirs_with_checkpoints(tmp_path):
    files = sorted((FIXTURES / "trl").rglob("trainer_state.json"))
    assert len(files) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = vio.load(files)
    assert sorted(df.run.unique()) == ["dpo-llama", "grpo-qwen-gsm8k"]
    grpo = df[df.run == "grpo-qwen-gsm8k"]
    assert sorted(grpo[grpo.metric == "reward"].step) == list(range(1, 11))  # the final state
    assert grpo[grpo.metric == "eval_reward"].step.tolist() == [4, 8]
    assert "train_runtime" in set(grpo.metric) and "epoch" not in set(grpo.metric)
    assert df[df.run == "dpo-llama"].step.max() == 6


def test_a_text_column_unique_per_row_is_named_not_the_metric(tmp_path):
    # One row per env at one step: env is unique per row (not kept automatically),
    # but it is what tells the rows apart; the metric 'ret' (1, 2, 3) is not named.
    p = tmp_path / "envs.csv"
    p.write_text("env,step,ret\nHopper,0,1\nWalker,0,2\nAnt,0,3\n")
    with pytest.raises(LoadError, match=r"the column\(s\) 'env' look like grouping columns"):
        vio.load(p)
    assert vio.load(p, ids=["env"]).env.tolist() == ["Ant", "Hopper", "Walker"]
