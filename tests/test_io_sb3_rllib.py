"""Stable-Baselines3 (Monitor CSV, logger progress.csv) and RLlib (result.json, progress.csv)."""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vegafigs.errors import LoadError
from vegafigs.io.rllib import is_rllib_columns, is_rllib_record, load_rllib
from vegafigs.io.sb3 import (
    is_monitor_head,
    is_sb3_progress_columns,
    load_monitor,
    load_sb3_progress,
)

LOGS = Path(__file__).parent / "fixtures" / "logs"
SB3 = LOGS / "sb3"
RLLIB = LOGS / "rllib"
OLD = RLLIB / "PPO_CartPole-v1_00000"
HEAD = '#{"t_start": 1700000000.5, "env_id": "CartPole-v1"}\n'


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def raises(match: str):
    return pytest.raises(LoadError, match=re.escape(match))


def series(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    return df[df.metric == metric].reset_index(drop=True)


def monitor_rows(p: Path) -> pd.DataFrame:
    """The episodes of a Monitor fixture, read independently of the loader."""
    return pd.read_csv(p, skiprows=1)


# --------------------------------------------------------------------------- Monitor


def test_monitor_default_x_is_cumulative_timesteps():
    df = load_monitor(SB3 / "monitor.csv")
    eps = monitor_rows(SB3 / "monitor.csv")
    assert df.attrs["x"] == "timesteps"
    assert set(df.metric) == {"r", "l"}  # t is the wall time, not a metric
    r = series(df, "r")
    assert r.step.tolist() == np.cumsum(eps.l).tolist()
    assert r.value.tolist() == eps.r.tolist()
    assert (df.run == "monitor").all()
    assert (df.env_id == "CartPole-v1").all()
    assert list(df.columns) == ["run", "step", "metric", "value", "env_id"]


def test_monitor_other_x_choices():
    eps = monitor_rows(SB3 / "monitor.csv")
    by_episode = load_monitor(SB3 / "monitor.csv", step="episodes")
    assert by_episode.attrs["x"] == "episodes"
    assert series(by_episode, "l").step.tolist() == list(range(1, len(eps) + 1))
    for choice in ("t", "walltime"):
        df = load_monitor(SB3 / "monitor.csv", step=choice)
        assert df.attrs["x"] == "t"
        assert series(df, "r").step.tolist() == pytest.approx(eps.t.tolist())


def test_monitor_unknown_x_lists_the_choices():
    with raises("step: got 'time/total_timesteps' for the Monitor log"):
        load_monitor(SB3 / "monitor.csv", step="time/total_timesteps")
    with raises("expected one of 'timesteps', 'episodes', 't', 'walltime'"):
        load_monitor(SB3 / "monitor.csv", step="steps")


def test_monitor_run_name():
    assert (load_monitor(SB3 / "monitor.csv", run="ppo-s0").run == "ppo-s0").all()
    assert (load_monitor(SB3 / "fetch.monitor.csv").run == "fetch.monitor").all()


def test_monitor_info_keyword_bools_are_0_1():
    df = load_monitor(SB3 / "fetch.monitor.csv", step="episodes")
    eps = monitor_rows(SB3 / "fetch.monitor.csv")
    assert set(df.metric) == {"r", "l", "is_success"}
    assert series(df, "is_success").value.tolist() == eps.is_success.astype(float).tolist()
    assert (df.env_id == "FetchReach-v2").all()


def test_monitor_text_info_column_is_left_out(tmp_path):
    p = write(tmp_path, "m.monitor.csv", HEAD + "r,l,t,stage\n1.0,5,0.1,warmup\n2.0,6,0.2,main\n")
    assert set(load_monitor(p).metric) == {"r", "l"}


def test_monitor_files_of_one_run_merge_in_wall_time_order():
    files = [SB3 / "ppo_cartpole_1" / "0.monitor.csv", SB3 / "ppo_cartpole_1" / "1.monitor.csv"]
    df = load_monitor(files)
    # The independent computation of SB3's load_results + ts2xy(..., "timesteps").
    frames, starts = [], []
    for f in files:
        starts.append(json.loads(f.read_text().splitlines()[0][1:])["t_start"])
        eps = monitor_rows(f)
        eps["t"] += starts[-1]
        frames.append(eps)
    eps = pd.concat(frames).sort_values("t", kind="mergesort")
    l_curve = series(df, "l")
    assert l_curve.step.tolist() == np.cumsum(eps.l).tolist()  # one monotonic curve
    assert l_curve.value.tolist() == eps.l.tolist()
    assert (df.run == "ppo_cartpole_1").all()  # the folder of the run's files
    by_t = series(load_monitor(files, step="t"), "r")
    assert by_t.step.tolist() == pytest.approx((eps.t - min(starts)).tolist(), abs=1e-6)
    assert np.all(np.diff(by_t.step.to_numpy()) >= 0)


def test_monitor_files_need_t_start_to_merge(tmp_path):
    a = write(tmp_path, "0.monitor.csv", '#{"env_id": "CartPole-v1"}\nr,l,t\n1.0,5,0.1\n')
    b = write(tmp_path, "1.monitor.csv", HEAD + "r,l,t\n1.0,5,0.1\n")
    with raises("0.monitor.csv': line 1: no 't_start'; it is needed to order the episodes"):
        load_monitor([a, b])
    assert len(load_monitor(a)) == 2  # one file: t_start is not needed


def test_monitor_time_going_back_cannot_be_ordered(tmp_path):
    # Monitor(override_existing=False) appends a restarted session: t starts again from 0.
    p = write(tmp_path, "0.monitor.csv", HEAD + "r,l,t\n1.0,5,0.1\n2.0,6,0.2\n3.0,7,0.05\n")
    q = write(tmp_path, "1.monitor.csv", HEAD + "r,l,t\n1.0,5,0.1\n")
    assert series(load_monitor(p), "r").step.tolist() == [5, 11, 18]  # file order: fine
    with raises("0.monitor.csv': line 5: t goes back from 0.2 to 0.05 s"):
        load_monitor(p, step="t")
    with raises("cannot be ordered by wall time: load the files as separate runs"):
        load_monitor([p, q])


def test_monitor_joined_files_are_refused(tmp_path):
    body = "r,l,t\n1.0,5,0.1\n"
    p = write(tmp_path, "monitor.csv", HEAD + body + HEAD + body)
    with raises("monitor.csv': line 4: a second Monitor comment line (files joined into one?)"):
        load_monitor(p)


def test_monitor_crlf_line_ends(tmp_path):
    p = tmp_path / "monitor.csv"
    p.write_bytes((HEAD + "r,l,t\n1.0,5,0.1\n\n2.0,6,0.2\n").replace("\n", "\r\n").encode())
    df = load_monitor(p)
    assert series(df, "r").step.tolist() == [5, 11]
    assert (df.env_id == "CartPole-v1").all()
    p.write_bytes(HEAD.encode() + b"r,l,t\r\n1.0,5,0.1\r\n2.0,x,0.2\r\n")
    with raises("monitor.csv': line 4, column 'l': expected a number, got 'x'"):
        load_monitor(p)


def test_lone_carriage_return_is_refused(tmp_path):
    p = write(tmp_path, "monitor.csv", HEAD + "r,l,t\n1.0,5,0.1\n2.0,6,0.2\r3.0,7,0.3\n")
    with raises("monitor.csv': line 4: a carriage return (\\r) inside a line"):
        load_monitor(p)


def test_monitor_env_id_none_is_no_column(tmp_path):
    p = write(tmp_path, "monitor.csv", '#{"t_start": 1.5, "env_id": "None"}\nr,l,t\n1.0,5,0.1\n')
    assert list(load_monitor(p).columns) == ["run", "step", "metric", "value"]


def test_monitor_truncated_last_line_is_dropped():
    full = monitor_rows(SB3 / "killed.monitor.csv")  # pandas pads the cut row with NaN
    with pytest.warns(UserWarning, match=r"line 8: the last line is cut short"):
        df = load_monitor(SB3 / "killed.monitor.csv")
    assert series(df, "r").value.tolist() == full.r.iloc[:-1].tolist()


@pytest.mark.parametrize("tail", ["3.0,1", "3.0,7,0.5e", '3.0,7,"0.5'])
def test_monitor_cut_last_line_variants_are_dropped(tmp_path, tail):
    p = write(tmp_path, "monitor.csv", HEAD + "r,l,t\n1.0,5,0.1\n2.0,6,0.2\n" + tail)
    with pytest.warns(UserWarning, match="line 5"):
        df = load_monitor(p)
    assert series(df, "r").value.tolist() == [1.0, 2.0]


def test_monitor_complete_last_line_without_newline_is_kept(tmp_path):
    p = write(tmp_path, "monitor.csv", HEAD + "r,l,t\n1.0,5,0.1\n2.0,6,0.2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert series(load_monitor(p), "r").value.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "r,l,t\n1.0,5,0.1\n2.0,x6,0.2\n3.0,7,0.3\n",
            "monitor.csv': line 4, column 'l': expected a number, got 'x6'",
        ),
        (
            "r,l,t\n1.0,5,0.1\n2.0,6\n3.0,7,0.3\n",
            "monitor.csv': line 4: fewer fields than the header's 3 (r, l, t): '2.0,6'",
        ),
        (
            "r,l,t\n1.0,5,0.1\n\n2.0,6,0.2,9\n3.0,7,0.3\n",
            "monitor.csv': line 5: more fields than the header's 3 (r, l, t): '2.0,6,0.2,9'",
        ),
        (
            "r,l,t\n1.0,5,0.1\n2.0,,0.2\n",
            "monitor.csv': line 4, column 'l': empty (or NaN); every row needs a number there",
        ),
        (
            "r,l,t\n1.0,5,0.1\n2.0,6.5,0.2\n",
            "monitor.csv': line 4, column 'l': episode length 6.5; expected a whole number >= 0",
        ),
        (
            "r,l\n1.0,5\n",
            "monitor.csv': line 2: expected the Monitor header 'r,l,t[,info keywords]', got 'r,l'",
        ),
        ("r,l,t\n", "monitor.csv': no episodes (the Monitor file has only its header)"),
        (
            "",
            "monitor.csv': no header line (only comments or blank lines); expected an SB3 Monitor",
        ),
        (
            "r,l,t,r\n1,2,3,4\n",
            "monitor.csv': line 2: columns 1 and 4 are both named 'r'; rename one",
        ),
    ],
)
def test_monitor_bad_rows_name_the_real_line(tmp_path, body, message):
    p = write(tmp_path, "monitor.csv", HEAD + body)
    with raises(message):
        load_monitor(p)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "monitor.csv': empty file"),
        ("r,l,t\n1.0,5,0.1\n", "monitor.csv': line 1: expected the Monitor comment line"),
        (
            "#t_start=17\nr,l,t\n1.0,5,0.1\n",
            "monitor.csv': line 1, column 2: the Monitor comment is not valid JSON",
        ),
        ("#[1, 2]\nr,l,t\n1.0,5,0.1\n", "line 1: the Monitor comment must be a JSON object"),
        ('#{"t_start": "now"}\nr,l,t\n1.0,5,0.1\n', "line 1: 't_start' must be a number"),
        ("#" + "[" * 100_000 + "\nr,l,t\n", "line 1"),
    ],
)
def test_monitor_bad_comment_line(tmp_path, text, message):
    p = write(tmp_path, "monitor.csv", text)
    with raises(message):
        load_monitor(p)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_not_a_regular_file(tmp_path):
    fifo = tmp_path / "monitor.csv"
    os.mkfifo(fifo)
    for load in (load_monitor, load_sb3_progress, load_rllib):
        with raises("monitor.csv': is a FIFO (named pipe), not a regular file"):
            load(fifo)


def test_monitor_not_utf8(tmp_path):
    p = tmp_path / "monitor.csv"
    p.write_bytes(HEAD.encode() + b"r,l,t\n1.0,5,0.1\xff\n")
    with raises("monitor.csv': not UTF-8 text"):
        load_monitor(p)


def test_is_monitor_head():
    lines = (SB3 / "monitor.csv").read_text().splitlines()[:2]
    assert is_monitor_head(lines)
    assert is_monitor_head([HEAD.strip(), "r,l,t,is_success"])
    assert not is_monitor_head([HEAD.strip()])
    assert not is_monitor_head(["#not json", "r,l,t"])
    assert not is_monitor_head(["step,r,l,t", "0,1,2,3"])


# --------------------------------------------------------------------------- progress.csv


def test_sb3_progress_default_x_and_sparse_rows():
    df = load_sb3_progress(SB3 / "progress.csv")
    assert df.attrs["x"] == "time/total_timesteps"
    assert "time/total_timesteps" not in set(df.metric)
    # Evaluation rows log eval/* only (at their own steps); rollout rows never do.
    assert series(df, "eval/mean_reward").step.tolist() == [5000, 10000, 15000]
    assert series(df, "eval/mean_reward").value.tolist() == [69.3, 103.5, 170.2]
    rollout = series(df, "rollout/ep_rew_mean")
    assert rollout.step.tolist() == [2048 * i for i in range(1, 9)]
    assert rollout.value.iloc[0] == 34.7
    assert len(series(df, "train/loss")) == 7  # not logged before the first update
    assert (df.run == "progress").all()
    assert df.step.dtype == np.int64


def test_sb3_progress_other_x(recwarn):
    df = load_sb3_progress(SB3 / "progress.csv", step="time/iterations", run="ppo")
    assert df.attrs["x"] == "time/iterations"
    assert series(df, "rollout/ep_rew_mean").step.tolist() == list(range(1, 9))
    assert "time/total_timesteps" not in set(df.metric)
    assert "eval/mean_reward" not in set(df.metric)  # evaluation rows have no iteration
    assert (df.run == "ppo").all()
    (w,) = [w for w in recwarn if "no 'time/iterations'" in str(w.message)]
    assert "3 row(s) with values but no 'time/iterations' dropped (line 4, 7, 11)" in str(w.message)


def test_sb3_progress_missing_x(tmp_path):
    p = write(tmp_path, "progress.csv", "rollout/ep_rew_mean,time/fps\n1.0,100\n")
    with raises("no x column 'time/total_timesteps'; pass step= / --x one of 'time/fps'"):
        load_sb3_progress(p)
    assert load_sb3_progress(p, step="time/fps").attrs["x"] == "time/fps"


def test_sb3_progress_truncated_last_line(tmp_path):
    text = (SB3 / "progress.csv").read_text()
    cut = text[: text.rstrip("\n").rfind(",") - 3]  # mid-row, no line end
    p = write(tmp_path, "progress.csv", cut)
    with pytest.warns(UserWarning, match=r"line 12: the last line is cut short"):
        df = load_sb3_progress(p)
    assert series(df, "rollout/ep_rew_mean").step.max() == 14336


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "progress.csv': empty file"),
        ("time/total_timesteps,rollout/ep_rew_mean\n", "progress.csv': no logged values"),
        (
            "time/total_timesteps,rollout/ep_rew_mean\n2048,1.0\n4096,tensor(2.)\n6144,3.0\n",
            "progress.csv': line 3, column 'rollout/ep_rew_mean': expected a number, "
            "got 'tensor(2.)'",
        ),
        (
            "time/total_timesteps,rollout/ep_rew_mean\n2048,1.0\n4096\n6144,3.0\n",
            "progress.csv': line 3: fewer fields than the header's 2 (time/total_timesteps, "
            "rollout/ep_rew_mean): '4096'",
        ),
        (
            "time/total_timesteps,train/loss, train/loss\n2048,1.0,2.0\n",
            "progress.csv': line 1: columns 2 and 3 are both named 'train/loss' ('train/loss' and "
            "' train/loss' differ only in spaces); rename one",
        ),
        (
            "time/total_timesteps,train/loss\n99999999999999999999,1.0\n",
            "progress.csv': line 2, column 'time/total_timesteps': step 1e+20 is beyond the "
            "int64 range",
        ),
        ("time/total_timesteps,note\n2048,hello\n", "progress.csv': no numeric metric columns"),
    ],
)
def test_sb3_progress_bad_files(tmp_path, text, message):
    p = write(tmp_path, "progress.csv", text)
    with raises(message):
        load_sb3_progress(p)


def test_sb3_progress_quoted_text_and_bools(tmp_path):
    p = write(
        tmp_path,
        "progress.csv",
        'time/total_timesteps,note,eval/success\n100,"a, b",True\n200,"say ""hi""",False\n',
    )
    df = load_sb3_progress(p)
    assert set(df.metric) == {"eval/success"}
    assert df.value.tolist() == [1.0, 0.0]


def test_is_sb3_progress_columns():
    header = (SB3 / "progress.csv").read_text().splitlines()[0].split(",")
    assert is_sb3_progress_columns(header)
    assert not is_sb3_progress_columns(["training_iteration", "timesteps_total"])
    assert not is_rllib_columns(header)


# --------------------------------------------------------------------------- RLlib


def test_rllib_result_json_old_stack():
    df = load_rllib(OLD / "result.json")
    assert df.attrs["x"] == "timesteps_total"
    assert (df.run == "result").all()
    metrics = set(df.metric)
    assert "info/learner/default_policy/learner_stats/policy_loss" in metrics
    assert "sampler_results/episode_reward_mean" in metrics
    assert {"time_this_iter_s", "time_total_s", "episodes_total"} <= metrics
    assert not any(
        m.startswith(("config", "hist_stats", "sampler_results/hist_stats")) for m in metrics
    )
    skipped = {"timesteps_total", "timestamp", "pid", "done", "date", "hostname", "node_ip"}
    skipped |= {"trial_id", "iterations_since_restore", "time_since_restore"}
    assert not metrics & skipped
    records = [json.loads(line) for line in (OLD / "result.json").read_text().splitlines()]
    reward = series(df, "episode_reward_mean")
    assert reward.step.tolist() == [r["timesteps_total"] for r in records]
    assert reward.value.tolist() == [r["episode_reward_mean"] for r in records]
    # evaluation runs every 2nd iteration: its metrics only at those steps
    assert series(df, "evaluation/episode_reward_mean").step.tolist() == [8000, 16000, 24000]


def test_rllib_progress_csv_matches_result_json():
    from_csv = load_rllib(OLD / "progress.csv")
    from_json = load_rllib(OLD / "result.json")
    assert from_csv.attrs["x"] == "timesteps_total"
    assert (from_csv.run == "progress").all()
    # Tune's CSV header is the first result's keys, so evaluation/* (from iteration 2) is absent.
    assert set(from_csv.metric) == {m for m in from_json.metric if not m.startswith("evaluation/")}
    keys = ["metric", "step"]
    a = from_csv.sort_values(keys).reset_index(drop=True)
    b = from_json[from_json.metric.isin(set(a.metric))].sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(a[["step", "metric", "value"]], b[["step", "metric", "value"]])


def test_rllib_new_api_stack():
    df = load_rllib(RLLIB / "PPO_new_stack" / "result.json", run="ppo-new")
    assert df.attrs["x"] == "num_env_steps_sampled_lifetime"
    assert (df.run == "ppo-new").all()
    ret = series(df, "env_runners/episode_return_mean")
    assert ret.step.tolist() == [4000 * i for i in range(1, 6)]
    assert "learners/default_policy/policy_loss" in set(df.metric)
    assert "learners/__all_modules__/num_env_steps_trained" in set(df.metric)


def test_rllib_x_falls_back_to_training_iteration(tmp_path):
    rows = [
        {"training_iteration": i, "time_this_iter_s": 1.5, "mean_loss": 1 / i} for i in (1, 2, 3)
    ]
    p = write(tmp_path, "result.json", "".join(json.dumps(r) + "\n" for r in rows))
    df = load_rllib(p)
    assert df.attrs["x"] == "training_iteration"
    assert series(df, "mean_loss").step.tolist() == [1, 2, 3]


def test_rllib_other_x():
    df = load_rllib(OLD / "result.json", step="training_iteration")
    assert df.attrs["x"] == "training_iteration"
    assert series(df, "episode_reward_mean").step.tolist() == [1, 2, 3, 4, 5, 6]
    assert "timesteps_total" in set(df.metric)  # a metric when it is not the x
    with raises("no numeric x column 'global_step'; candidates: 'timesteps_total', 'training_it"):
        load_rllib(OLD / "result.json", step="global_step")


def test_rllib_values_bools_lists_strings(tmp_path):
    rows = [
        {"training_iteration": 1, "flag": True, "tags": ["a"], "name": "x", "none": None, "v": 1},
        {
            "training_iteration": 2,
            "flag": False,
            "v": 2.5,
            "custom_metrics": {"win": {"mean": 0.5}},
        },
    ]
    p = write(tmp_path, "result.json", "".join(json.dumps(r) + "\n" for r in rows))
    df = load_rllib(p)
    assert set(df.metric) == {"flag", "v", "custom_metrics/win/mean"}
    assert series(df, "flag").value.tolist() == [1.0, 0.0]
    assert series(df, "custom_metrics/win/mean").step.tolist() == [2]


def test_rllib_json_detected_by_content(tmp_path):
    p = write(tmp_path, "result.log", '{"training_iteration": 1, "time_this_iter_s": 2.0}\n')
    assert series(load_rllib(p), "time_this_iter_s").value.tolist() == [2.0]


def test_rllib_truncated_last_line(tmp_path):
    lines = (OLD / "result.json").read_text().splitlines()
    p = write(tmp_path, "result.json", "\n".join(lines[:3]) + "\n" + lines[3][: len(lines[3]) // 2])
    with pytest.warns(UserWarning, match=r"line 4: the last line is cut short"):
        df = load_rllib(p)
    assert series(df, "episode_reward_mean").step.tolist() == [4000, 8000, 12000]


def test_rllib_deep_nesting_is_a_load_error(tmp_path):
    deep = '{"a": ' * 100_000 + "1" + "}" * 100_000
    p = write(tmp_path, "result.json", '{"training_iteration": 1, "v": 1}\n' + deep + "\n")
    with raises("result.json': line 2: JSON nested too deeply"):
        load_rllib(p)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "result.json': empty file"),
        ("\n\n", "result.json': no JSON records (only blank lines)"),
        (
            '{"training_iteration": 1}\n{"training_iteration": 2,\n{"training_iteration": 3}\n',
            "result.json': line 2: not valid JSON (Expecting property name enclosed in double "
            "quotes, column 26)",
        ),
        (
            '{"training_iteration": 1, "v": 1}\n[1, 2]\n',
            "result.json': line 2: expected a JSON object, got list",
        ),
        (
            '{"step": 1, "loss": 2.0}\n',
            "result.json': no x column (looked for timesteps_total, num_env_steps_sampled_lifetime",
        ),
        ('{"training_iteration": 1, "trial_id": "a"}\n', "result.json': no numeric metric columns"),
        (
            '{"training_iteration": 1, "v": 1' + "0" * 400 + "}\n",
            "result.json': line 1, key 'v': 1000000000000000000",
        ),
    ],
)
def test_rllib_bad_json(tmp_path, text, message):
    p = write(tmp_path, "result.json", text)
    with raises(message):
        load_rllib(p)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "training_iteration,time_this_iter_s\n",
            "progress.csv': no logged values (only the header)",
        ),
        (
            "training_iteration,time_this_iter_s\n1,2.0\n2,3.0,4\n3,1.0\n",
            "progress.csv': line 3: more fields than the header's 2 (training_iteration, "
            "time_this_iter_s): '2,3.0,4'",
        ),
    ],
)
def test_rllib_bad_csv(tmp_path, text, message):
    p = write(tmp_path, "progress.csv", text)
    with raises(message):
        load_rllib(p)


def test_rllib_csv_truncated_last_line(tmp_path):
    text = (OLD / "progress.csv").read_text()
    p = write(tmp_path, "progress.csv", text[: len(text) - 200])
    with pytest.warns(UserWarning, match=r"line 7: the last line is cut short"):
        df = load_rllib(p)
    assert series(df, "episode_reward_mean").step.max() == 20000


def test_rllib_predicates():
    record = json.loads((OLD / "result.json").read_text().splitlines()[0])
    assert is_rllib_record(record)
    assert not is_rllib_record({"step": 1})
    assert not is_rllib_record([1])
    header = (OLD / "progress.csv").read_text().splitlines()[0].split(",")
    assert is_rllib_columns(header)
    assert not is_sb3_progress_columns(header)


def test_rllib_duplicate_key_is_refused(tmp_path):
    p = write(tmp_path, "result.json", '{"training_iteration": 1, "v": 1, "v": 2}\n')
    with raises("result.json': line 1: key 'v' appears twice in one JSON object"):
        load_rllib(p)


def test_rllib_csv_bookkeeping_columns_are_not_converted(tmp_path):
    # trial_id / date are text (here one looks like a number): never metrics, never an error.
    text = (
        "training_iteration,time_this_iter_s,trial_id,date\n1,2.0,00000,2024-01-01\n2,3.0,ab_1,x\n"
    )
    df = load_rllib(write(tmp_path, "progress.csv", text))
    assert set(df.metric) == {"time_this_iter_s"}


def test_lone_carriage_return_in_progress_csv(tmp_path):
    p = write(tmp_path, "progress.csv", "time/total_timesteps,a\n1,2\r2,3\n")
    for load in (load_sb3_progress, load_rllib):
        with raises("progress.csv': line 2: a carriage return (\\r) inside a line"):
            load(p)


def test_sb3_progress_bad_value_after_blank_and_preamble_lines(tmp_path):
    text = "Logging to /tmp/sb3/run_1\n\ntime/total_timesteps,a\n1,2\n\n2,x\n"
    with raises("progress.csv': line 6, column 'a': expected a number, got 'x'"):
        load_sb3_progress(write(tmp_path, "progress.csv", text))
