"""Console text logs (verl ``step:N - key:value`` lines, issue 17 item 4)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vegafigs.errors import LoadError
from vegafigs.io.console import load_console

FIXTURES = Path(__file__).parent / "fixtures" / "logs" / "console"


def series(df, metric):
    sub = df[df["metric"] == metric]
    return list(zip(sub["step"].tolist(), sub["value"].tolist(), strict=True))


def test_verl_output_log():
    df = load_console(FIXTURES / "verl_output.log")
    assert list(df.columns) == ["run", "step", "metric", "value"]
    assert set(df["run"]) == {"verl_output"}
    assert df.attrs["x"] == "step"
    assert df["step"].dtype == np.int64
    # Ray prefixes, ANSI colours, tqdm bars (also on the step line), np/tensor wrappers;
    # the run restarted at step 1: its repeated steps are kept (not de-duplicated).
    assert series(df, "actor/pg_loss") == [
        (1, 0.01),
        (1, 0.011),
        (2, -0.02),
        (2, 0.009),
        (3, 0.005),
        (4, 0.004),
    ]
    assert series(df, "actor/entropy")[0] == (1, 0.6523)
    # Validation keys on some steps only; step 0 from the initial validation.
    assert series(df, "val-core/openai/gsm8k/reward/mean@1") == [(0, 0.412), (3, 0.455)]
    assert series(df, "val-aux/num_turns/min") == [(0, 2.0)]
    assert series(df, "val/test_score/openai/gsm8k") == [(3, 0.455)]
    # Line 14 is cut mid-key: its complete pairs kept, the partial one dropped.
    assert (4, 0.41) not in series(df, "critic/score/mean")
    assert [s for s, _ in series(df, "critic/score/mean")] == [1, 1, 2, 2, 3]
    # nan is "not logged", inf kept, booleans 0 / 1; Ray's "[repeated ...]" suffix stripped.
    assert series(df, "actor/kl_loss") == []
    assert series(df, "actor/grad_norm") == [(1, np.inf)]
    assert series(df, "actor/is_clipped") == [(1, 0.0), (2, 1.0)]
    assert series(df, "training/global_step") == [(2, 2.0)]
    # Warnings / tracebacks mentioning "step:" give no rows.
    assert "int" not in set(df["metric"])


def test_other_step_key(tmp_path):
    log = tmp_path / "train.log"
    log.write_text(
        "step:1 - training/global_step:10 - loss:0.5\nstep:2 - training/global_step:20 - loss:0.4\n"
    )
    df = load_console(log, step="training/global_step", run="ours")
    assert df.attrs["x"] == "training/global_step"
    assert series(df, "loss") == [(10, 0.5), (20, 0.4)]
    assert series(df, "step") == [(10, 1.0), (20, 2.0)]
    assert set(df["run"]) == {"ours"}


def test_key_equals_value_lines_with_global_step():
    df = load_console(FIXTURES / "cleanrl.txt")
    assert df.attrs["x"] == "global_step"
    # "[21.]" is a list, not a number: dropped; np.float32(...) unwrapped.
    assert series(df, "episodic_return") == [(1000, 12.0), (1500, 35.0)]


def test_python_dict_lines_with_step_key(tmp_path):
    log = tmp_path / "hf.txt"
    log.write_text("{'loss': 0.9, 'epoch': 0.5}\n{'loss': 0.7, 'epoch': 1.0}\n")
    df = load_console(log, step="epoch")
    assert series(df, "loss") == [(0.5, 0.9), (1.0, 0.7)]


def test_file_cut_mid_value():
    df = load_console(FIXTURES / "cut.log")
    # The last line has no line break: its last pair may be cut ("b:0.7" of "b:0.75").
    assert series(df, "a") == [(1, 0.5), (2, 0.25)]
    assert series(df, "b") == [(1, 1.0)]


def test_carriage_returns_and_windows_line_ends(tmp_path):
    log = tmp_path / "run.log"
    log.write_bytes(
        b"Training Progress:   0%|          | 0/2 [00:00<?, ?it/s]\r\n"
        b"step:1 - r:0.1\r\nTraining Progress:  50%|#####     | 1/2 [00:01<00:01]\rstep:2 - r:0.2"
        b" - k:1\r\n"
    )
    assert series(load_console(log), "r") == [(1, 0.1), (2, 0.2)]


def test_no_step_lines_quotes_first_line():
    with pytest.raises(LoadError) as exc:
        load_console(FIXTURES / "no_steps.txt")
    msg = str(exc.value)
    assert "no_steps.txt" in msg and "step:12 - actor/pg_loss:0.01" in msg
    assert "line 1: 'loading model...'" in msg
    assert "keys seen: loss" in msg and "step=" in msg


def test_tqdm_postfix_only_explained():
    with pytest.raises(LoadError, match="tqdm progress-bar postfixes"):
        load_console(FIXTURES / "tqdm_only.log")


def test_empty_file(tmp_path):
    (tmp_path / "empty.log").write_text("")
    with pytest.raises(LoadError, match="holds no text"):
        load_console(tmp_path / "empty.log")


def test_long_first_line_is_shortened(tmp_path):
    (tmp_path / "x.log").write_text("z" * 5000 + "\n")
    with pytest.raises(LoadError) as exc:
        load_console(tmp_path / "x.log")
    assert len(str(exc.value)) < 600 and "..." in str(exc.value)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("step:1 - a:0.5 - a:0.6\n", r"line 1: key 'a' given twice"),
        ("step:1 - a:0.5\nstep:2 - a:oops\n", r"line 2, key 'a': expected a number .*line 1"),
        ("step:99999999999999999999 - a:1\n", r"line 1, key 'step': step .* beyond 2\*\*53"),
        ("step:1 - a:0.5\nstep:abc - a:0.6\n", r"line 2: expected a step number, got 'abc'"),
        ("step:inf - a:0.6\n", r"line 1, key 'step': expected a step number"),
        ("step:1 - note:hello\n", "hold no numeric values"),
    ],
)
def test_bad_lines(tmp_path, text, match):
    log = tmp_path / "bad.log"
    log.write_text(text)
    with pytest.raises(LoadError, match=match) as exc:
        load_console(log)
    assert "bad.log" in str(exc.value)


def test_text_only_keys_skipped(tmp_path):
    log = tmp_path / "t.log"
    log.write_text("step:1 - mode:train - a:0.5\nstep:2 - mode:eval - a:0.4\n")
    assert set(load_console(log)["metric"]) == {"a"}


def test_prose_mentioning_step_is_not_a_step_line(tmp_path):
    log = tmp_path / "p.log"
    log.write_text("Resuming from step: latest\nstep:3 - a:0.5\n")
    assert series(load_console(log), "a") == [(3, 0.5)]


def test_missing_file():
    with pytest.raises(LoadError, match="no such file"):
        load_console(FIXTURES / "nope.log")


def test_line_longer_than_the_read_chunk(tmp_path):
    log = tmp_path / "big.log"
    pairs = " - ".join(f"m{i}:{i}.5" for i in range(150_000))  # ~2.6 MB on one line
    log.write_text(f"step:7 - {pairs}\nstep:8 - m0:1.0\n")
    df = load_console(log)
    assert df["metric"].nunique() == 150_000
    assert series(df, "m0") == [(7, 0.5), (8, 1.0)]


def test_fifo_refused_without_blocking(tmp_path):
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    os.mkfifo(tmp_path / "pipe.log")
    with pytest.raises(LoadError, match="not a regular file"):
        load_console(tmp_path / "pipe.log")


def test_binary_file_refused_with_its_start_quoted():
    with pytest.raises(LoadError, match=r"no step lines.*line 1: '\\x00\\x01"):
        load_console(FIXTURES.parent / "detect" / "blob.bin")
