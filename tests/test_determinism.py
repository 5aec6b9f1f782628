"""The same bytes every time (PDF, SVG, PNG, HTML, JSON), and no leftovers from a failed run."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import io
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import vegafigs
from vegafigs import export
from vegafigs.cli import main
from vegafigs.errors import ExportError, InputError
from vegafigs.gallery import FIGURES, GALLERY_FORMATS

REPO = str(Path(vegafigs.__file__).resolve().parents[1])


# --------------------------------------------------------------------------- picture kept


def _same(a: Any, b: Any, seen: set[tuple[Any, Any]]) -> bool:
    """``a`` and ``b`` (pikepdf objects) are the same graph, whatever the object numbers."""
    import pikepdf

    if getattr(a, "is_indirect", False) and getattr(b, "is_indirect", False):
        key = (a.objgen, b.objgen)
        if key in seen:
            return True
        seen.add(key)
    if isinstance(a, pikepdf.Stream):
        if not isinstance(b, pikepdf.Stream) or a.read_raw_bytes() != b.read_raw_bytes():
            return False
        return _same_dict(a.stream_dict, b.stream_dict, seen, skip={"/Length"})
    if isinstance(a, pikepdf.Dictionary):
        return isinstance(b, pikepdf.Dictionary) and _same_dict(a, b, seen)
    if isinstance(a, pikepdf.Array):
        return (
            isinstance(b, pikepdf.Array)
            and len(a) == len(b)
            and all(_same(x, y, seen) for x, y in zip(a, b, strict=True))
        )
    return type(a) is type(b) and a == b


def _same_dict(a: Any, b: Any, seen: set[tuple[Any, Any]], skip: set[str] = set()) -> bool:  # noqa: B006
    keys = set(a.keys()) - skip
    return keys == set(b.keys()) - skip and all(_same(a[k], b[k], seen) for k in keys)


@pytest.mark.parametrize("name", ["model_scaling", "kl_spaghetti"])
def test_canonical_pdf_draws_the_same_picture(name: str) -> None:
    """Same pages, content streams, fonts, images and graphics states, byte for byte."""
    import pikepdf
    import vl_convert as vlc

    from vegafigs._pdf import canonical_pdf

    raw = vlc.vegalite_to_pdf(export.to_spec(FIGURES[name].build()))
    canon = canonical_pdf(raw)
    with pikepdf.open(io.BytesIO(raw)) as before, pikepdf.open(io.BytesIO(canon)) as after:
        assert len(before.pages) == len(after.pages) == 1
        for p, q in zip(before.pages, after.pages, strict=True):
            assert _same(p.obj, q.obj, set())
            assert p.obj.Contents.read_bytes() == q.obj.Contents.read_bytes()
        assert "/ID" in after.trailer  # from the content: no date, no random id
    assert b"CreationDate" not in canon and b"ModDate" not in canon


def test_canonical_svg_renumbers_counter_ids_only() -> None:
    from vegafigs._pdf import canonical_svg

    svg = (
        '<svg><defs><clipPath id="clip7"><rect/></clipPath><clipPath id="clip3"><rect/>'
        '</clipPath><linearGradient id="gradient_9"/></defs>'
        '<g clip-path="url(#clip3)" aria-label="a > b"><path fill="url(#gradient_9)"/></g>'
        '<g clip-path="url(#clip7)"><text>url(#clip7) id="clip7"</text></g></svg>'
    )
    assert canonical_svg(svg) == (
        '<svg><defs><clipPath id="clip1"><rect/></clipPath><clipPath id="clip2"><rect/>'
        '</clipPath><linearGradient id="gradient_1"/></defs>'
        '<g clip-path="url(#clip2)" aria-label="a > b"><path fill="url(#gradient_1)"/></g>'
        '<g clip-path="url(#clip1)"><text>url(#clip7) id="clip7"</text></g></svg>'
    )


# --------------------------------------------------------------------------- same bytes


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.slow
def test_every_gallery_figure_gives_the_same_bytes_in_one_process() -> None:
    """Several renders of each figure in one process: one file per format (PDF 4x)."""
    repeats = {"pdf": 4, "svg": 3, "png": 2, "html": 2, "json": 2}
    for name, figure in FIGURES.items():
        spec = export.to_spec(figure.build())
        for fmt, n in repeats.items():
            outputs = {export.render_spec(spec, fmt) for _ in range(n)}
            assert len(outputs) == 1, f"{name}.{fmt}: {len(outputs)} different files of {n}"


@pytest.mark.slow
def test_every_format_gives_the_same_bytes_in_fresh_processes(tmp_path: Path) -> None:
    """Two processes (other hash seed, time zone and locale) and this one agree byte for byte."""
    envs = [
        {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C.UTF-8"},
        {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Chatham", "LC_ALL": "C", "LANG": "C"},
    ]

    def run(i: int) -> Path:
        out = tmp_path / f"run{i}"
        env = {**os.environ, "PYTHONPATH": REPO, **envs[i]}
        cmd = [sys.executable, "-m", "vegafigs", "gallery", "--out", str(out), "--quiet"]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        return out

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(run, range(2))
    assert _digests(first) == _digests(second)
    expected = {f"{n}{s}" for n in FIGURES for s in GALLERY_FORMATS.values()}
    expected |= {"index.html", "vegafigs-embed.js"}
    assert set(_digests(first)) == expected
    # vf.spec_json here (another hash seed) gives the gallery's .vl.json bytes.
    for name, figure in FIGURES.items():
        text = export.spec_json(figure.build()).encode("utf-8")
        assert text == (first / f"{name}.vl.json").read_bytes(), name
    # This process has rendered before (Vega's id counters are past 1): the same files.
    for name in ("kl_spaghetti", "model_scaling"):
        spec = export.to_spec(FIGURES[name].build())
        for fmt in ("svg", "pdf"):
            for _ in range(2):
                data = export.render_spec(spec, fmt)
                assert data == (first / f"{name}{GALLERY_FORMATS[fmt]}").read_bytes(), (name, fmt)


# --------------------------------------------------------------------------- no leftovers


def _disk_full_on(call: int, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """``write_atomic`` fails with ENOSPC on its ``call``-th call (1-based)."""
    real, calls = export.write_atomic, []

    def write(path: Any, data: bytes) -> Path:
        calls.append(Path(path))
        if len(calls) == call:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, data)

    monkeypatch.setattr(export, "write_atomic", write)
    return calls


def _gallery(out: Path, *more: str) -> int:
    argv = ["gallery", "--out", str(out), "--only", "warmup_ablation", "-q", *more]
    return main([*argv, "--format", "json,svg,html"])


def test_gallery_on_a_full_disk_leaves_no_folder(tmp_path, monkeypatch, capsys) -> None:
    calls = _disk_full_on(3, monkeypatch)
    out = tmp_path / "new" / "gallery"
    assert _gallery(out) == 2
    err = capsys.readouterr().err
    assert "vegafigs gallery: error: path " in err and "No space left on device" in err, err
    assert "warmup_ablation.html" in err and "vegafigs-partial" not in err
    assert len(calls) == 3 and not any(p.exists() for p in calls)
    assert list(tmp_path.iterdir()) == []  # neither new/ nor new/gallery/ is left


def test_gallery_on_a_full_disk_keeps_the_previous_files(tmp_path, monkeypatch, capsys) -> None:
    """A failed run leaves the folder as it was: old files unchanged, nothing added."""
    out = tmp_path / "gallery"
    assert _gallery(out) == 0
    before = _digests(out)
    (out / "warmup_ablation.svg").write_bytes(b"old")
    before["warmup_ablation.svg"] = hashlib.sha256(b"old").hexdigest()
    _disk_full_on(4, monkeypatch)  # the last file (index.html)
    assert _gallery(out) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert _digests(out) == before


def test_a_failing_figure_leaves_no_folder(tmp_path, monkeypatch, capsys) -> None:
    def broken(style: Any = None) -> Any:
        raise InputError("x: broken on purpose")

    figure = dataclasses.replace(FIGURES["warmup_ablation"], build=broken)
    monkeypatch.setitem(FIGURES, "warmup_ablation", figure)
    assert _gallery(tmp_path / "out") == 2
    assert "broken on purpose" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_write_set_refuses_a_folder_target_before_writing(tmp_path: Path) -> None:
    (tmp_path / "b.svg").mkdir()
    files = {tmp_path / "a.svg": b"a", tmp_path / "b.svg": b"b"}
    with pytest.raises(ExportError, match=r"b\.svg'.*it is a folder"):
        export.write_set(files, folder=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.svg"]
