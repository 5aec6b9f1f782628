"""Bad log files (issue 17 item 7): every case x every format is a LoadError naming the
file and the problem, through ``vegafigs.io.load`` and through ``vegafigs curves``
(exit 2, one message line, no output file) - never a traceback or a hang."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import vegafigs.io as vio
from vegafigs.cli import main
from vegafigs.errors import LoadError

FORMATS = ("csv", "jsonl", "parquet", "trainer_state", "wandb")
NAMES = {
    "csv": "log.csv",
    "jsonl": "log.jsonl",
    "parquet": "log.parquet",
    "trainer_state": "trainer_state.json",
    "wandb": "wandb_export.csv",
}
REPO = Path(__file__).resolve().parents[1]  # the copy under test, not an installed one
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def _table(path: Path, fmt: str, columns: list[str], rows: list[list[object]]) -> None:
    """Write ``rows`` under ``columns`` in format ``fmt`` (W&B: ``"run - metric"`` names)."""
    if fmt == "wandb":
        columns = [c if c == "step" else f"ppo - {c}" for c in columns]
        columns = ["Step" if c == "step" else c for c in columns]
    if fmt in ("csv", "wandb"):
        lines = [",".join(columns)] + [",".join(map(str, r)) for r in rows]
        path.write_text("\n".join(lines) + "\n")
    elif fmt == "jsonl":
        body = ", ".join('"{}": {}'.format(c, "{}") for c in columns)
        path.write_text("".join("{" + body.format(*map(_js, r)) + "}\n" for r in rows))
    elif fmt == "trainer_state":
        body = ", ".join('"{}": {}'.format(c, "{}") for c in columns)
        entries = ", ".join("{" + body.format(*map(_js, r)) + "}" for r in rows)
        path.write_text('{"global_step": 1, "log_history": [' + entries + "]}")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        cols = [pa.array([r[i] for r in rows]) for i in range(len(columns))]
        pq.write_table(pa.table(cols, names=columns), path)


def _js(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _missing(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    return p, "no such file"


def _permission(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    if ROOT or sys.platform == "win32":
        return None
    _table(p, fmt, ["step", "loss"], [[1, 0.5]])
    p.chmod(0)
    return p, "permission denied"


def _fifo(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    if not hasattr(os, "mkfifo"):
        return None
    os.mkfifo(p)
    return p, "FIFO"


def _socket(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    if not hasattr(socket, "AF_UNIX") or len(str(p)) > 100:
        return None
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(p))
    s.close()
    return p, "socket"


def _device(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    if not Path("/dev/null").exists():
        return None
    p.symlink_to("/dev/null")
    return p, "character device"


def _symlink_loop(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    p.symlink_to(p)
    return p, "symbolic link loop"


def _dangling_symlink(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    p.symlink_to(tmp / "gone.csv")
    return p, "dangling symbolic link.*gone"


def _folder(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    p.mkdir()
    return p, "folder"


def _empty(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    p.write_bytes(b"")
    return p, "empty|not a (readable )?Parquet"


def _not_utf8(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    if fmt == "parquet":
        p.write_bytes(b"\xff\xfe garbage")
        return p, "not a (readable )?Parquet"
    _table(p, fmt, ["step", "loss"], [[1, 0.5], [2, 0.25]])
    p.write_bytes(p.read_bytes().replace(b"loss", b"l\xe9ss"))
    return p, "not UTF-8"


def _header_only(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    if fmt == "jsonl":
        p.write_text("\n\n")
        return p, "no JSON records"
    if fmt == "trainer_state":
        p.write_text('{"log_history": []}')
        return p, "no numeric metrics"
    if fmt == "parquet":
        pd.DataFrame({"step": pd.Series([], dtype="int64"), "loss": []}).to_parquet(p)
        return p, "no rows"
    _table(p, fmt, ["step", "loss"], [])
    return p, "no rows"


def _duplicate_names(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        t = pa.table([pa.array([1]), pa.array([0.5]), pa.array([0.4])], ["step", "loss", "loss"])
        pq.write_table(t, p)
        return p, "both named 'loss'"
    if fmt in ("jsonl", "trainer_state"):
        _table(p, fmt, ["step", "loss", "loss"], [[1, 0.5, 0.4]])
        return p, "'loss' appears twice"
    _table(p, fmt, ["step", "loss", "loss"], [[1, 0.5, 0.4]])
    return p, "both named '(ppo - )?loss'"


def _space_equal_names(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    _table(p, fmt, ["step", "loss", "loss "], [[1, 0.5, 0.4]])
    return p, "both named '(ppo - )?loss'.*differ only in spaces"


def _step_1e30(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    big = 1e30 if name == "step_1e30" else 99999999999999999999
    if fmt == "parquet":
        big = float(big)
    _table(p, fmt, ["step", "loss"], [[1, 0.5], [big, 0.4]])
    return p, "beyond the int64 range"


def _deep_json(p: Path, tmp: Path, fmt: str, name: str) -> tuple[Path, str] | None:
    deep = "[" * 10**6 + "]" * 10**6
    if fmt == "jsonl":
        p.write_text('{"step": 1, "loss": 0.5}\n{"step": 2, "loss": ' + deep + "}\n")
        return p, "line 2: JSON nested too deeply"
    if fmt == "trainer_state":
        p.write_text('{"log_history":\n[{"step": 1, "loss": ' + deep + "}]}")
        return p, "line 2: JSON nested too deeply"
    return None


MAKERS = {
    "missing": _missing,
    "permission": _permission,
    "fifo": _fifo,
    "socket": _socket,
    "device": _device,
    "symlink_loop": _symlink_loop,
    "dangling_symlink": _dangling_symlink,
    "folder": _folder,
    "empty": _empty,
    "not_utf8": _not_utf8,
    "header_only": _header_only,
    "duplicate_names": _duplicate_names,
    "space_equal_names": _space_equal_names,
    "step_1e30": _step_1e30,
    "step_20_digits": _step_1e30,
    "deep_json": _deep_json,
}


def _case(name: str, tmp: Path, fmt: str) -> tuple[Path, str] | None:
    """``(path, message regex)`` of the bad file ``name`` in ``fmt``; None: not applicable."""
    return MAKERS[name](tmp / NAMES[fmt], tmp, fmt, name)


CASES = (
    "missing",
    "permission",
    "fifo",
    "socket",
    "device",
    "symlink_loop",
    "dangling_symlink",
    "folder",
    "empty",
    "not_utf8",
    "header_only",
    "duplicate_names",
    "space_equal_names",
    "step_1e30",
    "step_20_digits",
    "deep_json",
)
TABLE = [(c, f) for c in CASES for f in FORMATS]


@pytest.mark.parametrize(("case", "fmt"), TABLE)
def test_bad_file_through_load(tmp_path, case, fmt):
    made = _case(case, tmp_path, fmt)
    if made is None:
        pytest.skip(f"{case} does not apply to {fmt} here")
    path, message = made
    with pytest.raises(LoadError) as info:
        vio.load(path)
    text = str(info.value)
    assert repr(str(path)) in text, text
    assert re.search(message, text), text


@pytest.mark.parametrize(("case", "fmt"), TABLE)
def test_bad_file_through_cli(tmp_path, capsys, case, fmt):
    made = _case(case, tmp_path, fmt)
    if made is None:
        pytest.skip(f"{case} does not apply to {fmt} here")
    path, message = made
    out = tmp_path / "x.png"
    assert main(["curves", str(path), "-o", str(out), "-q", "--y", "loss"]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vegafigs curves: error: log "), err
    assert str(path) in lines[0]
    assert re.search(message, lines[0]), lines[0]
    assert not out.exists()


@pytest.mark.parametrize("case", ["fifo", "symlink_loop", "deep_json"])
def test_cli_process_never_hangs(tmp_path, case):
    """The console script itself (with its progress bar) on files that could hang or recurse."""
    fmt = "trainer_state" if case == "deep_json" else "csv"
    made = _case(case, tmp_path, fmt)
    if made is None:
        pytest.skip(f"{case} does not apply here")
    path, message = made
    res = subprocess.run(
        [sys.executable, "-m", "vegafigs", "curves", str(path), "-o", "x.png"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("vegafigs curves: error: log ") and str(path) in last
    assert re.search(message, last), last
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_booleans_are_0_1_metrics(tmp_path, fmt):
    p = tmp_path / NAMES[fmt]
    if fmt in ("csv", "wandb"):
        _table(p, fmt, ["step", "is_success"], [[1, "True"], [2, "False"], [3, "true"]])
    else:
        _table(p, fmt, ["step", "is_success"], [[1, True], [2, False], [3, True]])
    df = vio.load(p)
    assert df.value.tolist() == [1.0, 0.0, 1.0] and df.step.tolist() == [1, 2, 3]
    assert set(df.metric) == {"is_success"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_huge_finite_values_and_big_int64_steps_are_exact(tmp_path, fmt):
    p = tmp_path / NAMES[fmt]
    big = 2**62 + 1  # not a float: a float step would round it
    _table(p, fmt, ["step", "loss"], [[1, 1e300], [big, -1e300]])
    df = vio.load(p)
    assert df.step.dtype == np.int64 and df.step.tolist() == [1, big]
    assert df.value.tolist() == [1e300, -1e300]


def test_mixed_bools_and_numbers_in_jsonl(tmp_path):
    p = tmp_path / "m.jsonl"
    p.write_text('{"step": 1, "ok": true}\n{"step": 2, "ok": 0.5}\n{"step": 3, "ok": false}\n')
    assert vio.load(p).value.tolist() == [1.0, 0.5, 0.0]


def test_cut_last_jsonl_line_dropped_with_warning(tmp_path):
    p = tmp_path / "m.jsonl"
    p.write_text('{"step": 1, "loss": 0.5}\n{"step": 2, "loss": 0.4}\n{"step": 3, "lo')
    with pytest.warns(UserWarning, match=r"m\.jsonl.*line 3.*cut short"):
        df = vio.load(p)
    assert df.step.tolist() == [1, 2]
    p.write_text('{"step": 1, "loss": 0.5}\n{"step": 2, "lo\n{"step": 3, "loss": 0.4}\n')
    with pytest.raises(LoadError, match=r"m\.jsonl.*line 2.*not valid JSON"):
        vio.load(p)


def test_steps_from_json_checkpoint_are_checked(tmp_path):
    d = tmp_path / "run"
    d.mkdir()
    state = {"log_history": [{"step": 10, "loss": 1.0}, {"step": 1e30, "loss": 0.5}]}
    (d / "trainer_state.json").write_text(json.dumps(state))
    with pytest.raises(LoadError, match=r"log_history\[1\]\['step'\].*int64"):
        vio.load(d / "trainer_state.json")


def test_no_warning_on_good_files(tmp_path):
    p = tmp_path / "ok.csv"
    p.write_text("step,loss\n1,0.5\n2,0.4\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(vio.load(p)) == 2


def test_permission_denied_message_even_as_root(tmp_path, monkeypatch):
    """Root reads chmod-000 files, so the table skips that case there; simulate the error."""
    import builtins
    import errno

    p = tmp_path / "locked.csv"
    p.write_text("step,loss\n1,0.5\n")
    real_open = builtins.open

    def deny(file, *args, **kwargs):
        if str(file) == str(p):
            raise PermissionError(errno.EACCES, "Permission denied", str(p))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", deny)
    with pytest.raises(LoadError, match=r"locked\.csv'?: permission denied"):
        vio.load(p)
