"""Format detection by content, then suffix (issue 17 item 4)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from vegafigs.errors import LoadError
from vegafigs.io._detect import DETECTED, HEAD, detect_format

FIXTURES = Path(__file__).parent / "fixtures" / "logs" / "detect"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("plain.csv", "csv"),
        ("metrics.jsonl", "jsonl"),
        ("run.parquet", "parquet"),
        ("trainer_state.json", "trainer_state"),
        ("wandb_export.csv", "wandb"),
        ("tb", "tensorboard"),
        ("tb/events.out.tfevents.1767607200.host.123.0", "tensorboard"),
        ("monitor.csv", "monitor"),
        ("progress.csv", "sb3"),
        ("result.json", "rllib"),
        ("rllib_progress.csv", "rllib"),
        ("output.log", "console"),
        # traps
        ("lines.json", "jsonl"),  # JSON lines under a .json name
        ("table.txt", "csv"),  # a .txt that is a CSV
        ("table.log", "csv"),  # a .log of a CSV
        ("preamble.csv", "csv"),  # the header on line 4
        ("stdout", "console"),  # no suffix
        ("fake.parquet", "csv"),  # the content wins over the name
    ],
)
def test_formats(name, fmt):
    assert detect_format(FIXTURES / name) == fmt
    assert fmt in DETECTED


def test_monitor_content_under_any_name(tmp_path):
    dst = tmp_path / "episodes.csv"
    shutil.copy(FIXTURES / "monitor.csv", dst)
    assert detect_format(dst) == "monitor"


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("blob.bin", r"binary data, not a text log; starts with b'\\x00"),
        ("empty.log", "empty file"),
        ("notes", r"cannot tell the format .* line 1: 'Run notes: training went fine.'"),
        ("array.json", "a JSON array"),
    ],
)
def test_refused(name, match):
    with pytest.raises(LoadError, match=match) as exc:
        detect_format(FIXTURES / name)
    msg = str(exc.value)
    assert name in msg
    if name != "empty.log":
        assert "format=" in msg and "console" in msg


def test_binary_parquet_name(tmp_path):
    (tmp_path / "x.parquet").write_bytes(b"\x00\x01garbage")
    with pytest.raises(LoadError, match="not a Parquet file"):
        detect_format(tmp_path / "x.parquet")


def test_trainer_state_on_one_line(tmp_path):
    (tmp_path / "trainer_state.json").write_text('{"log_history": [{"step": 1, "loss": 1.0}]}')
    assert detect_format(tmp_path / "trainer_state.json") == "trainer_state"


def test_json_document_without_log_history(tmp_path):
    (tmp_path / "config.json").write_text('{\n  "lr": 0.1\n}\n')
    with pytest.raises(LoadError, match="without 'log_history'"):
        detect_format(tmp_path / "config.json")


def test_reads_only_the_head(tmp_path):
    big = tmp_path / "big.log"
    with open(big, "w") as fh:
        fh.write("step:1 - a:0.5\n")
        fh.write(("x" * 1023 + "\n") * 4096)  # 4 MB after the first line
    assert detect_format(big) == "console"
    # Console lines later than the head: the suffix decides; without one, refused.
    late = tmp_path / "late.log"
    late.write_text("noise\n" * (HEAD // 6 + 10) + "step:1 - a:0.5\n")
    assert detect_format(late) == "console"
    shutil.copy(late, tmp_path / "late")
    with pytest.raises(LoadError, match="cannot tell the format"):
        detect_format(tmp_path / "late")


def test_utf8_character_cut_by_the_head(tmp_path):
    log = tmp_path / "bar.log"
    log.write_bytes(b"step:1 - a:0.5\n" + "█".encode() * (HEAD // 3 + 5))
    assert detect_format(log) == "console"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_not_opened(tmp_path):
    fifo = tmp_path / "pipe.log"
    os.mkfifo(fifo)
    with pytest.raises(LoadError, match="not a regular file"):
        detect_format(fifo)


def test_folder_without_event_files(tmp_path):
    (tmp_path / "a.csv").write_text("step,x\n0,1\n")
    with pytest.raises(LoadError, match="without TensorBoard event files"):
        detect_format(tmp_path)


def test_symlink_loop_folder(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "events.out.tfevents.1.x").write_bytes(b"")
    assert detect_format(tmp_path) == "tensorboard"


def test_deeply_nested_json(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(LoadError):
        detect_format(tmp_path / "deep.json")
    (tmp_path / "deep2.json").write_text('{"a":' * 50_000 + "1" + "}" * 50_000 + "\n")
    with pytest.raises(LoadError):
        detect_format(tmp_path / "deep2.json")


def test_csv_header_line():
    from vegafigs.io._detect import csv_header_line

    assert csv_header_line(FIXTURES / "preamble.csv") == 3
    assert csv_header_line(FIXTURES / "plain.csv") == 0
    import pandas as pd

    df = pd.read_csv(FIXTURES / "preamble.csv", skiprows=csv_header_line(FIXTURES / "preamble.csv"))
    assert list(df.columns) == ["step", "return"] and len(df) == 2


@pytest.mark.parametrize(
    "name", ["verl_output.log", "cut.log", "tqdm_only.log", "no_steps.txt", "cleanrl.txt"]
)
def test_console_fixtures(name):
    assert detect_format(FIXTURES.parent / "console" / name) == "console"


def test_global_step_lines_without_suffix(tmp_path):
    (tmp_path / "stdout").write_text("global_step=500, episodic_return=9.0\n")
    assert detect_format(tmp_path / "stdout") == "console"


def test_carriage_returns_and_odd_bytes_in_text(tmp_path):
    (tmp_path / "bars").write_text("a,b\r1,2\rx\x0b,y\n\x1c,\x85\n")
    with pytest.raises(LoadError, match="cannot tell the format"):
        detect_format(tmp_path / "bars")
