from __future__ import annotations

import json
import subprocess
import sys

import pytest

from vegafigs.cli import main


def _run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "vegafigs", *args], capture_output=True, text=True, cwd=cwd
    )


def test_gallery_writes_all_formats(tmp_path):
    res = _run("gallery", "--out", str(tmp_path), "--only", "grad_metrics_hist", "-q")
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    stem = "grad_metrics_hist"
    expected = [f"{stem}{s}" for s in [".html", ".pdf", ".png", ".svg", ".vl.json"]]
    assert names == sorted([*expected, "index.html", "vegafigs-embed.js"])
    assert "wrote 7 files" in res.stdout


def test_render_spec_to_svg(tmp_path):
    assert main(["gallery", "--out", str(tmp_path), "--format", "json", "-q"]) == 0
    spec = tmp_path / "grad_metrics_hist.vl.json"
    out = tmp_path / "again.svg"
    assert main(["render", str(spec), "-o", str(out)]) == 0
    assert "a) Gradient Dot Product" in out.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gallery", "--format", "gif"], "format: got 'gif'"),
        (["gallery", "--only", "nope"], "only: got 'nope'"),
        (["render", "missing.vl.json", "-o", "x.png"], "cannot read"),
    ],
)
def test_errors_are_clear_and_exit_2(tmp_path, capsys, args, message):
    args = [*args]
    if args[0] == "gallery":
        args += ["--out", str(tmp_path), "-q"]
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_render_rejects_bad_json(tmp_path, capsys):
    bad = tmp_path / "bad.vl.json"
    bad.write_text("{not json")
    assert main(["render", str(bad), "-o", str(tmp_path / "o.png")]) == 2
    assert "line 1" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.vl.json"]


@pytest.mark.parametrize("cmd", [[], ["gallery"], ["render"]])
def test_help_everywhere(cmd):
    res = _run(*cmd, "--help")
    assert res.returncode == 0 and "usage: vegafigs" in res.stdout
    json.dumps(res.stdout)


def test_gallery_prints_only_its_summary(tmp_path):
    res = _run(
        "gallery", "--out", str(tmp_path), "--only", "model_scaling", "--format", "png", "-q"
    )
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""  # no library warnings (e.g. fontTools on cmr10's head table)
    assert res.stdout.count("\n") == 1 and "wrote 1 files" in res.stdout
