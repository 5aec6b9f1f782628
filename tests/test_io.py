"""Each loader on a small file in its real format, written here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import vegafigs.io as vio
from vegafigs.errors import LoadError

TIDY = ["run", "step", "metric", "value"]


def test_csv_wide_with_gaps(tmp_path):
    p = tmp_path / "baseline.csv"
    p.write_text("step,reward,response_length\n1,0.1,300\n2,0.2,\n3,0.3,320\n")
    df = vio.load(p)
    assert list(df.columns) == TIDY
    assert set(df.run) == {"baseline"}
    r = df[df.metric == "response_length"]
    assert r.step.tolist() == [1, 3] and r.value.tolist() == [300.0, 320.0]
    assert df.step.dtype == np.int64


def test_csv_long_with_run_column(tmp_path):
    p = tmp_path / "log.csv"
    p.write_text("run,step,metric,value\na,0,reward,1\na,1,reward,2\nb,0,reward,3\n")
    df = vio.load_csv(p)
    assert df.groupby("run").size().to_dict() == {"a": 2, "b": 1}


def test_csv_bad_value_names_file_line_and_column(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("step,reward\n1,0.1\n2,oops\n")
    with pytest.raises(LoadError, match=r"bad\.csv.*line 3.*'reward'.*'oops'"):
        vio.load(p)


def test_csv_without_step_column(tmp_path):
    p = tmp_path / "nostep.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(LoadError, match=r"nostep\.csv.*no step column"):
        vio.load(p)


def test_jsonl_wide_and_bad_line(tmp_path):
    p = tmp_path / "m.jsonl"
    p.write_text('{"step": 1, "reward": 0.5, "note": "x"}\n\n{"step": 2, "reward": 0.7}\n')
    df = vio.load(p)
    assert df.metric.unique().tolist() == ["reward"] and df.value.tolist() == [0.5, 0.7]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"step": 1, "reward": 0.5}\n{"step": 2, "reward": 0.7\n')
    with pytest.raises(LoadError, match=r"bad\.jsonl.*line 2.*not valid JSON"):
        vio.load(bad)
    bad.write_text('{"step": 1, "reward": 0.5}\n\n{"step": 2, "reward": "high"}\n')
    with pytest.raises(LoadError, match=r"bad\.jsonl.*line 3.*'reward'"):
        vio.load(bad)


def test_parquet_long(tmp_path):
    pytest.importorskip("pyarrow")
    p = tmp_path / "run.parquet"
    pd.DataFrame({"step": [0, 1], "metric": ["kl", "kl"], "value": [0.1, 0.2]}).to_parquet(p)
    df = vio.load(p)
    assert df.run.unique().tolist() == ["run"] and df.value.tolist() == [0.1, 0.2]
    (tmp_path / "junk.parquet").write_bytes(b"not parquet")
    with pytest.raises(LoadError, match=r"junk\.parquet"):
        vio.load(tmp_path / "junk.parquet")


def test_trainer_state_log_history(tmp_path):
    d = tmp_path / "sft-run"
    d.mkdir()
    state = {
        "global_step": 20,
        "log_history": [
            {"epoch": 0.5, "learning_rate": 1e-5, "loss": 1.2, "step": 10},
            {"epoch": 1.0, "loss": 0.9, "grad_norm": 3.0, "step": 20},
            {"epoch": 1.0, "eval_loss": 1.0, "eval_runtime": 2.5, "step": 20},
        ],
    }
    (d / "trainer_state.json").write_text(json.dumps(state))
    df = vio.load(d / "trainer_state.json")
    assert set(df.run) == {"sft-run"}
    assert df[df.metric == "loss"].value.tolist() == [1.2, 0.9]
    assert "epoch" not in set(df.metric) and "eval_loss" in set(df.metric)
    state["log_history"][1].pop("step")
    (d / "trainer_state.json").write_text(json.dumps(state))
    with pytest.raises(LoadError, match=r"trainer_state\.json.*log_history\[1\].*'step'"):
        vio.load(d / "trainer_state.json")
    (d / "trainer_state.json").write_text(json.dumps({"global_step": 3}))
    with pytest.raises(LoadError, match="no key 'log_history'"):
        vio.load(d / "trainer_state.json")


def test_wandb_csv_export(tmp_path):
    p = tmp_path / "wandb_export.csv"
    p.write_text(
        '"Step","ppo-1 - reward","ppo-1 - reward__MIN","ppo-1 - reward__MAX","ppo-2 - reward"\n'
        '"0","0.1","0.05","0.2",""\n"5","0.3","0.2","0.4","0.25"\n'
    )
    df = vio.load(p)
    assert list(df.columns) == [*TIDY, "min", "max"]
    one = df[df.run == "ppo-1"]
    assert one.value.tolist() == [0.1, 0.3] and one["min"].tolist() == [0.05, 0.2]
    two = df[df.run == "ppo-2"]
    assert two.step.tolist() == [5] and np.isnan(two["max"]).all()


def test_tensorboard_event_files(tmp_path):
    pytest.importorskip("tbparse")
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    for run, scale in (("ppo", 1.0), ("grpo", 2.0)):
        w = EventFileWriter(str(tmp_path / run))
        for step in range(0, 50, 10):
            value = summary_pb2.Summary.Value(tag="reward", simple_value=scale * step)
            w.add_event(
                event_pb2.Event(
                    step=step, wall_time=1.0, summary=summary_pb2.Summary(value=[value])
                )
            )
        w.close()
    df = vio.load(tmp_path)
    assert sorted(df.run.unique()) == ["grpo", "ppo"]
    assert df[df.run == "grpo"].value.tolist() == [0.0, 20.0, 40.0, 60.0, 80.0]


def test_workers_of_one_run_merge_by_step(tmp_path):
    (tmp_path / "w0.jsonl").write_text('{"step": 1, "reward": 1.0}\n{"step": 2, "reward": 2.0}\n')
    (tmp_path / "w1.jsonl").write_text('{"step": 1, "reward": 3.0}\n{"step": 3, "reward": 5.0}\n')
    files = [tmp_path / "w0.jsonl", tmp_path / "w1.jsonl"]
    logged_twice = r"run 'exp': 1 \(metric, step\) pair\(s\) are logged by more than one file"
    with pytest.raises(LoadError, match=logged_twice):
        vio.load({"exp": files})
    df = vio.load({"exp": files}, merge="mean")
    assert df.run.unique().tolist() == ["exp"]
    assert df.step.tolist() == [1, 2, 3] and df.value.tolist() == [2.0, 2.0, 5.0]


def test_one_bad_file_loads_nothing(tmp_path):
    (tmp_path / "good.csv").write_text("step,reward\n1,0.1\n")
    (tmp_path / "bad.csv").write_text("step,reward\n1,zzz\n")
    with pytest.raises(LoadError, match=r"bad\.csv"):
        vio.load([tmp_path / "good.csv", tmp_path / "bad.csv"])
    with pytest.raises(LoadError, match=r"missing\.csv.*no such file"):
        vio.load([tmp_path / "good.csv", tmp_path / "missing.csv"])
    with pytest.raises(LoadError, match="cannot tell the format"):
        vio.load(tmp_path / "x.bin") if (tmp_path / "x.bin").write_text("1") else None


def _trainer_state(tmp_path: Path) -> Path:
    d = tmp_path / "sft-run"
    d.mkdir()
    history = [
        {"epoch": 0.5, "loss": 1.2, "step": 10},
        {"epoch": 1.0, "loss": 0.9, "step": 20},
        {"epoch": 1.0, "eval_loss": 1.0, "step": 20},
    ]
    (d / "trainer_state.json").write_text(json.dumps({"log_history": history}))
    return d / "trainer_state.json"


def test_trainer_state_step_epoch_is_honoured(tmp_path):
    """step='epoch' puts the entries at their epoch (it was ignored: steps, attrs x 'step')."""
    p = _trainer_state(tmp_path)
    df = vio.load(p, step="epoch")
    assert df.attrs["x"] == "epoch"
    assert df[df.metric == "loss"].step.tolist() == [0.5, 1.0]
    assert set(df.metric) == {"loss", "eval_loss"}  # neither 'step' nor 'epoch' is a metric
    direct = vio.load_trainer_state(p, step="epoch")
    assert direct.attrs["x"] == "epoch" and direct.step.tolist() == [1.0, 0.5, 1.0]
    default = vio.load(p)
    assert default.attrs["x"] == "step"
    assert default[default.metric == "loss"].step.tolist() == [10, 20]
    assert vio.load(p, step="step").equals(default)


def test_trainer_state_step_other_key_is_an_error(tmp_path):
    p = _trainer_state(tmp_path)
    with pytest.raises(
        LoadError,
        match=r"^step: got 'loss'; a trainer_state\.json's log_history "
        r"is indexed by 'step' or 'epoch'",
    ):
        vio.load(p, step="loss")
    state = json.loads(p.read_text())
    state["log_history"][1].pop("epoch")
    p.write_text(json.dumps(state))
    no_epoch = r"trainer_state\.json.*log_history\[1\] has no key 'epoch'"
    with pytest.raises(LoadError, match=no_epoch):
        vio.load(p, step="epoch")


def test_tensorboard_step_other_than_step_is_an_error(tmp_path):
    """TensorBoard scalars have only their step: another step= was silently ignored."""
    (tmp_path / "events.out.tfevents.1.host").write_bytes(b"")
    for call in (lambda: vio.load(tmp_path, step="epoch", format="tensorboard"),
                 lambda: vio.load_tensorboard(tmp_path, step="epoch")):  # fmt: skip
        with pytest.raises(
            LoadError,
            match=r"^step: got 'epoch'; TensorBoard scalars are indexed "
            r"by their 'step' only",
        ):
            call()
