"""``vegafigs curves`` (issue 17): every -o written from one spec, groups, titles, x title."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import vegafigs.io
from vegafigs.cli import build_parser, main

ENVS = ["HalfCheetah-v4", "Hopper-v4", "Walker2d-v4", "Ant-v4", "Humanoid-v4", "Reacher-v4",
        "Swimmer-v4"]  # fmt: skip


@pytest.fixture(scope="module")
def td3(tmp_path_factory) -> Path:
    """The TD3-style long table: env, seed, timestep, eval_return (7 envs x 10 seeds)."""
    rng = np.random.default_rng(0)
    rows = [
        (env, seed, t, (k + 1) * 1000 * (1 - np.exp(-t / 3e4)) + rng.normal(0, 150))
        for k, env in enumerate(ENVS) for seed in range(10) for t in range(0, 100_001, 5000)
    ]  # fmt: skip
    path = tmp_path_factory.mktemp("td3") / "td3.csv"
    pd.DataFrame(rows, columns=["env", "seed", "timestep", "eval_return"]).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def rl(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rl") / "grpo.csv"
    steps = np.arange(30)
    pd.DataFrame({"step": steps, "reward": steps / 30, "response_length": 300 + steps,
                  "kl": steps / 100}).to_csv(path, index=False)  # fmt: skip
    return path


def _same(blob: bytes) -> bytes:
    """``blob`` with vl-convert's SVG clip ids (a counter of the process) numbered from 0."""
    ids: dict[bytes, bytes] = {}
    return re.sub(rb"clip\d+", lambda m: ids.setdefault(m[0], b"clip%d" % len(ids)), blob)


def _run(*argv: str) -> int:
    return main(["curves", *argv, "-q"])


def _x_title(spec: dict) -> object:
    """The x axis title of the first panel of ``spec``."""
    key = next((k for k in ("hconcat", "concat") if k in spec), None)
    panel = spec[key][0] if key else spec
    return next(la["encoding"]["x"]["axis"]["title"] for la in panel["layer"])


def test_every_output_is_written_and_equals_a_single_output_run(rl, tmp_path, capsys):
    outs = [tmp_path / "all" / n for n in ("fig.png", "fig.vl.json", "fig.svg")]
    assert _run(str(rl), *(a for o in outs for a in ("-o", str(o)))) == 0
    assert all(o.exists() for o in outs)
    assert "fig.png, " in capsys.readouterr().out
    for o in outs:
        one = tmp_path / "one" / o.name
        assert _run(str(rl), "-o", str(one)) == 0
        assert _same(one.read_bytes()) == _same(o.read_bytes()), o.name


@pytest.mark.parametrize(
    ("outputs", "message"),
    [(["a.png", "a.gif"], "'a.gif': unknown suffix"),
     (["a.png", "a.svg", "./a.png"], "-o './a.png': the same file as -o 'a.png'"),
     (["a.vl.json", "sub/../a.vl.json"], "the same file as -o 'a.vl.json'")],
)  # fmt: skip
def test_bad_or_repeated_outputs_are_refused_before_any_log_is_read(
    outputs, message, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    args = [a for o in outputs for a in ("-o", o)]
    assert _run(str(tmp_path / "never-read.csv"), *args) == 2  # a log that does not exist
    err = capsys.readouterr().err
    assert err.startswith("vegafigs curves: error: ") and message in err
    assert "never-read" not in err
    assert not [p for p in tmp_path.iterdir() if p.name != "sub"]


def test_a_failed_write_leaves_no_partial_set(rl, tmp_path, monkeypatch, capsys):
    import vegafigs.export
    from vegafigs.errors import ExportError

    real = vegafigs.export.write_atomic
    calls = []

    def flaky(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise ExportError(f"path {str(path)!r}: cannot write there (disk full)")
        return real(path, data)

    monkeypatch.setattr(vegafigs.export, "write_atomic", flaky)
    outs = [tmp_path / "a.vl.json", tmp_path / "a.svg"]
    assert _run(str(rl), *(a for o in outs for a in ("-o", str(o)))) == 2
    assert "disk full" in capsys.readouterr().err
    assert not any(o.exists() for o in outs)
    (tmp_path / "file").write_text("x")
    assert _run(str(tmp_path / "never-read.csv"), "-o", str(tmp_path / "file" / "f.png")) == 2
    assert "is a file" in capsys.readouterr().err


def test_td3_table_needs_the_group_flags(td3, tmp_path, capsys):
    assert _run(str(td3), "--y", "eval_return", "-o", str(tmp_path / "f.vl.json")) == 2
    err = capsys.readouterr().err
    assert "'env' (7 values)" in err and "'seed' (10 values)" in err
    assert "--series env --seed seed" in err
    assert not (tmp_path / "f.vl.json").exists()


def test_series_and_seed_draw_seven_lines_with_bands(td3, tmp_path):
    out = tmp_path / "f.vl.json"
    rc = _run(str(td3), "--y", "eval_return", "--series", "env", "--seed", "seed", "-o", str(out))
    assert rc == 0
    spec = json.loads(out.read_text())
    marks = [la["mark"]["type"] for la in spec["layer"]]
    assert marks[:3] == ["area", "line", "line"]  # band (std across seeds), raw, line
    scale = spec["layer"][2]["encoding"]["color"]["scale"]
    assert sorted(scale["domain"]) == sorted(ENVS)  # the loader's order (file or sorted)
    assert _x_title(spec) == "Timesteps"


def test_facet_gives_a_panel_per_value(td3, tmp_path):
    out = tmp_path / "f.vl.json"
    rc = _run(str(td3), "--y", "eval_return", "--seed", "seed", "--facet", "env", "--band",
              "ci95", "-o", str(out))  # fmt: skip
    assert rc == 0
    spec = json.loads(out.read_text())
    assert sorted(p["title"] for p in spec["hconcat"]) == sorted(ENVS)


def test_title_names_a_metric_panel(rl, tmp_path, capsys):
    out = tmp_path / "f.vl.json"
    assert (
        _run(str(rl), "--y", "reward", "--y", "kl", "--title", "kl=KL (β=0.1)", "-o", str(out)) == 0
    )
    spec = json.loads(out.read_text())
    assert [p["title"] for p in spec["hconcat"]] == ["Reward", "KL (β=0.1)"]
    assert _run(str(rl), "--title", "kl", "-o", str(out)) == 2
    assert "--title: expected METRIC=TEXT" in capsys.readouterr().err
    assert _run(str(rl), "--title", "loss=Loss", "-o", str(out)) == 2
    assert "--title: ['loss'] not among the metrics drawn" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("column", "title"),
    [("time/total_timesteps", "Timesteps"), ("training_iteration", "Iteration"),
     ("epoch", "Epoch"), ("step", "Step")],
)  # fmt: skip
def test_x_title_follows_the_x_column(column, title, tmp_path):
    log = tmp_path / "progress.csv"
    pd.DataFrame({column: [0, 1, 2], "reward": [0.1, 0.2, 0.4]}).to_csv(log, index=False)
    out = tmp_path / "f.vl.json"
    assert _run(str(log), "--x", column, "-o", str(out)) == 0
    spec = json.loads(out.read_text())
    assert _x_title(spec) == title
    assert _run(str(log), "--x", column, "--x-title", "Updates", "-o", str(out)) == 0
    spec = json.loads(out.read_text())
    assert _x_title(spec) == "Updates"


def test_default_metrics_only_when_present(rl, tmp_path, capsys):
    log = tmp_path / "ppo.csv"
    pd.DataFrame({"step": [0, 1, 2], "rollout/ep_rew_mean": [1.0, 2, 3]}).to_csv(log, index=False)
    out = tmp_path / "f.vl.json"
    assert _run(str(log), "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert "neither reward nor response_length" in err and "['rollout/ep_rew_mean']" in err
    assert _run(str(log), "--y", "rollout/ep_rew_mean", "-o", str(out)) == 0
    assert "rollout/ep_rew_mean" in json.dumps(json.loads(out.read_text())["title"])
    only = tmp_path / "only_reward.csv"
    pd.DataFrame({"step": [0, 1], "reward": [1.0, 2]}).to_csv(only, index=False)
    assert _run(str(only), "-o", str(out)) == 0


def test_help_lists_formats_and_group_flags():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    text = sub.choices["curves"].format_help()
    for word in (*vegafigs.io.FORMATS, "monitor", "sb3", "rllib", "console", "--series",
                 "--seed", "--facet", "--merge", "--title", "Example:"):  # fmt: skip
        assert word in text, word
    assert set(
        next(a for a in sub.choices["curves"]._actions if a.dest == "format").choices
    ) == set(vegafigs.io.FORMATS)


def test_x_epoch_of_a_trainer_state_is_drawn_at_epochs(tmp_path, capsys):
    """``--x epoch`` on a trainer_state.json was ignored (steps drawn, titled 'Training step')."""
    d = tmp_path / "sft"
    d.mkdir()
    history = [{"epoch": e / 4, "step": 10 * e, "loss": 1.0 / (1 + e)} for e in range(1, 5)]
    (d / "trainer_state.json").write_text(json.dumps({"log_history": history}))
    out = tmp_path / "f.vl.json"
    assert _run(str(d / "trainer_state.json"), "--y", "loss", "--x", "epoch", "-o", str(out)) == 0
    spec = json.loads(out.read_text())
    assert _x_title(spec) == "Epoch"
    assert "0.25" in out.read_text() and '"step": 40' not in out.read_text()
    assert _run(str(d / "trainer_state.json"), "--y", "loss", "--x", "loss", "-o", str(out)) == 2
    assert (
        "step: got 'loss'; a trainer_state.json's log_history is indexed by"
        in capsys.readouterr().err
    )
