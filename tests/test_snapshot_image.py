"""Picture comparison (``compare_png``) and the HTML failure report of snapshot tests.

Pictures: RMS on the 0-255 scale after compositing on white, a readable diff picture
with the same bytes in every process, bad PNGs named by side. Real renders of a
gallery figure: a changed colour, title, data point or width fails at the default
tolerance; the same render, a few antialiasing-like pixel changes and a sub-pixel
move of one mark pass. Report: one case folder per failure (safe names on Windows
too), an index page that is static, escaped and the same bytes for the same cases,
and that a real Chromium shows with its three pictures and without running scripts.
"""

from __future__ import annotations

import copy
import io
import json
import math
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import vegafigs
from vegafigs.errors import InputError, SnapshotError, VegafigsError
from vegafigs.testing._image import (
    DEFAULT_TOLERANCE,
    PIXEL_THRESHOLD,
    compare_png,
    decode_png,
    encode_png,
)
from vegafigs.testing._report import (
    CSP,
    case_folder_name,
    clear_report,
    read_cases,
    write_case,
    write_index,
)

from .conftest import png_array

REPO = str(Path(vegafigs.__file__).resolve().parents[1])
SCRIPT = "<script>window.__pwned = 1; alert(1)</script>"


def png(pixels: np.ndarray) -> bytes:
    """PNG bytes of a uint8 array (RGB or RGBA) written by Pillow."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()


def canvas(w: int = 60, h: int = 40, colour: tuple[int, ...] = (255, 255, 255)) -> np.ndarray:
    return np.tile(np.array(colour, dtype=np.uint8), (h, w, 1))


def chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG, in order."""
    pos, kinds = 8, []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        kinds.append(kind)
        pos += 12 + length
    return kinds


# ----------------------------------------------------------------------------- compare_png


def test_identical_pictures_match_with_rms_zero():
    a = canvas()
    a[10:20, 10:30] = (31, 119, 180)
    result = compare_png(png(a), png(a))
    assert result.ok and result.rms == 0.0 and result.differing_pixels == 0
    assert result.expected_size == result.actual_size == (60, 40)
    assert result.tolerance == DEFAULT_TOLERANCE == 2.0
    assert result.describe() == "image matches: RMS 0.00 <= tolerance 2.0 (0 px differ)"


def test_rms_is_over_rgb_values_on_the_0_255_scale():
    a, b = canvas(), canvas()
    b[:20] = 0  # half the picture black instead of white
    result = compare_png(png(a), png(b))
    assert result.rms == pytest.approx(255 / math.sqrt(2))
    assert result.differing_pixels == 60 * 20 and result.max_difference == 255
    # one channel of every pixel off by 30 levels: sqrt(30**2 / 3)
    c = canvas()
    c[..., 0] = 225
    assert compare_png(png(a), png(c)).rms == pytest.approx(30 / math.sqrt(3))


def test_transparent_background_is_composited_on_white():
    white = canvas()
    clear = np.zeros((40, 60, 4), dtype=np.uint8)  # fully transparent black
    assert compare_png(png(white), png(clear)).rms == 0.0
    half = np.zeros((40, 60, 4), dtype=np.uint8)
    half[..., 3] = 128  # black at 50 %: 127 or 128 grey on white
    result = compare_png(png(white), png(half))
    assert 127 <= result.max_difference <= 128


def test_tolerance_is_inclusive_and_reported():
    a, b = canvas(10, 10), canvas(10, 10)
    b[0, 0] = (0, 255, 255)  # one red channel off by 255 of 300 values: RMS sqrt(255^2 / 300)
    rms = math.sqrt(255**2 / 300)
    assert compare_png(png(a), png(b), tolerance=rms).ok
    strict = compare_png(png(a), png(b), tolerance=0)
    assert not strict.ok
    assert strict.describe() == "image differs: RMS 14.72 > tolerance 0.0 (1 px differ)"


def test_describe_never_rounds_a_failure_to_look_like_a_pass():
    a, b = canvas(10, 10), canvas(10, 10)
    b[0, 0, 0] = 220  # RMS sqrt(35^2 / 300) = 2.0207
    result = compare_png(png(a), png(b), tolerance=2.02)
    assert not result.ok
    rms_text = re.search(r"RMS (\S+)", result.describe()).group(1)
    assert float(rms_text) > 2.02, result.describe()


def test_size_mismatch_fails_with_both_sizes_and_a_padded_diff():
    result = compare_png(png(canvas(60, 40)), png(canvas(61, 38)))
    assert not result.ok and result.rms == math.inf
    assert result.expected_size == (60, 40) and result.actual_size == (61, 38)
    assert result.describe() == "image size differs: expected 60x40 px, got 61x38 px"
    diff = png_array(result.diff_png())
    assert diff.shape[:2] == (40, 61)
    assert tuple(diff[0, 0, :3]) == (255, 255, 255)  # white on white: unchanged
    assert tuple(diff[39, 60, :3]) != (255, 255, 255)  # only one picture covers it: tinted


def test_diff_picture_fades_the_baseline_and_paints_differences_magenta():
    a = canvas()
    a[5:35, 5:15] = 0  # a black bar in the baseline, unchanged
    b = a.copy()
    b[5:35, 40:50] = (214, 39, 40)  # a new red bar in the result
    b[0, 0] = (250, 255, 255)  # a 5-level change (below PIXEL_THRESHOLD) still shows
    result = compare_png(png(a), png(b))
    assert result.differing_pixels == 300 and PIXEL_THRESHOLD == 8
    diff = png_array(result.diff_png())[..., :3].astype(int)
    assert tuple(diff[20, 25]) == (255, 255, 255)  # white stays white
    assert diff[20, 10].min() >= 180 and diff[20, 10].max() < 255  # black faded to light grey
    assert len(set(diff[20, 10])) == 1  # grey
    r, g, bl = diff[20, 45]
    assert r > 200 and bl > 200 and g < 60  # strong magenta
    r, g, bl = diff[0, 0]
    assert r == 255 and bl == 255 and g < 200  # a faint change is still visible


def test_diff_png_has_no_metadata_and_same_bytes_in_another_process(tmp_path):
    a = canvas()
    b = a.copy()
    b[10:30, 20:40] = (255, 127, 14)
    (tmp_path / "a.png").write_bytes(png(a))
    (tmp_path / "b.png").write_bytes(png(b))
    here = compare_png(png(a), png(b)).diff_png()
    assert chunks(here) == [b"IHDR", b"IDAT", b"IEND"]
    code = (
        "import sys; from pathlib import Path; from vegafigs.testing._image import compare_png;"
        "d = Path(sys.argv[1]); sys.stdout.buffer.write("
        "compare_png((d / 'a.png').read_bytes(), (d / 'b.png').read_bytes()).diff_png())"
    )
    env = {**os.environ, "PYTHONPATH": REPO, "PYTHONHASHSEED": "123", "TZ": "Asia/Kolkata"}
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], env=env, capture_output=True, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == here == compare_png(png(a), png(b)).diff_png()


def _truncated() -> bytes:
    data = png(canvas())
    return data[: len(data) // 2]


def _bad_crc() -> bytes:
    data = bytearray(png(canvas()))
    data[40] ^= 0xFF  # inside the IDAT chunk
    return bytes(data)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (b"", "not a PNG picture (it is empty)"),
        (b"GIF89a\x01\x00", "not a PNG picture (it starts with b'GIF89a"),
        (b"\x89PNG\r\n\x1a\n", "truncated PNG picture"),
        (_truncated(), "truncated PNG picture"),
        (_bad_crc(), "corrupt PNG picture (bad checksum of chunk"),
        ("baseline.png", "expected PNG bytes, got str"),
        (None, "expected PNG bytes, got NoneType"),
    ],
)
@pytest.mark.parametrize("side", ["expected", "actual"])
def test_bad_png_names_its_side(bad, message, side):
    good = png(canvas())
    args = (bad, good) if side == "expected" else (good, bad)
    with pytest.raises(SnapshotError) as info:
        compare_png(*args)
    assert str(info.value).startswith(f"{side}: ")
    assert message in str(info.value)
    assert isinstance(info.value, VegafigsError)


@pytest.mark.parametrize("tolerance", [-1, math.nan, math.inf, "2", True, None])
def test_bad_tolerance(tolerance):
    with pytest.raises(InputError, match="tolerance: expected a number >= 0"):
        compare_png(png(canvas()), png(canvas()), tolerance=tolerance)


def test_greyscale_and_palette_pngs_decode_like_rgb():
    from PIL import Image

    rgb = canvas(8, 8, (128, 128, 128))
    for mode in ("L", "P", "LA", "RGBA"):
        buf = io.BytesIO()
        img = Image.fromarray(rgb)
        img = img.convert("P", palette=Image.Palette.ADAPTIVE) if mode == "P" else img.convert(mode)
        img.save(buf, "PNG")
        assert compare_png(png(rgb), buf.getvalue(), tolerance=0).ok, mode


def test_decode_png_returns_rgb_on_white():
    pixels = decode_png(png(canvas(3, 2, (1, 2, 3))), param="expected")
    assert pixels.shape == (2, 3, 3) and pixels[0, 0].tolist() == [1, 2, 3]
    assert encode_png(pixels.astype(np.uint8)) == encode_png(pixels.astype(np.uint8))


# ------------------------------------------------------------------------- real renders


def _move_point(spec: dict, *, run: str, step: int, delta: float) -> None:
    """Add ``delta`` to the raw and the smoothed reward of one row (every reward dataset)."""
    for name, text in spec["datasets"].items():
        rows = []
        for line in text.split("\n"):
            f = line.split(",")
            if f[:2] == [run, str(step)] and abs(float(f[2])) < 5:  # a reward row
                f[2], f[3] = str(float(f[2]) + delta), str(float(f[3]) + delta)
            rows.append(",".join(f))
        spec["datasets"][name] = "\n".join(rows)


@pytest.fixture(scope="module")
def reward_length():
    from vegafigs.export import render_spec, to_spec
    from vegafigs.gallery import FIGURES

    spec = to_spec(FIGURES["reward_length"].build())
    return spec, render_spec(spec, "png", dpi=100)


def _variant(spec: dict, change) -> bytes:
    from vegafigs.export import render_spec

    other = copy.deepcopy(spec)
    change(other)
    return render_spec(other, "png", dpi=100)


def _colour(spec):
    for panel in spec["hconcat"]:
        for layer in panel["layer"]:
            layer["encoding"]["color"]["scale"]["range"] = ["#d62728", "#ff7f0e"]


def _title(spec):
    spec["hconcat"][0]["title"] = "Rewards"


def _width(spec):
    spec["hconcat"][0]["width"] += 1


@pytest.mark.slow
@pytest.mark.parametrize(
    "change",
    [
        _colour,
        _title,
        lambda s: _move_point(s, run="GRPO", step=300, delta=0.5),  # past the y axis' end
        _width,
    ],
    ids=["colour", "title", "data_point_out_of_range", "width+1"],
)
def test_real_render_changes_fail(reward_length, change):
    spec, baseline = reward_length
    result = compare_png(baseline, _variant(spec, change))
    assert not result.ok, result.describe()
    assert result.describe().startswith(("image differs: RMS", "image size differs"))


@pytest.mark.slow
def test_real_render_point_moved_within_the_axes(reward_length):
    """~100 px change: measured and counted; below 2.0 (the spec snapshot catches data
    changes), above a strict tolerance of 0.5."""
    spec, baseline = reward_length
    moved = _variant(spec, lambda s: _move_point(s, run="GRPO", step=300, delta=0.2))
    result = compare_png(baseline, moved, tolerance=0.5)
    assert not result.ok and result.differing_pixels > 20, result.describe()


@pytest.mark.slow
def test_real_render_noise_passes(reward_length):
    from vegafigs.export import render_spec

    spec, baseline = reward_length
    assert compare_png(baseline, render_spec(spec, "png", dpi=100), tolerance=0).rms == 0.0
    # a sub-pixel move of one mark: raw and smoothed reward of one step up by 0.1 %
    moved = _variant(spec, lambda s: _move_point(s, run="GRPO", step=300, delta=0.0007))
    assert compare_png(baseline, moved).ok
    # a dozen pixels changed by 30 levels (antialiasing-like)
    pixels = decode_png(baseline, param="expected")
    rng = np.random.default_rng(0)
    ys, xs = rng.integers(0, pixels.shape[0], 12), rng.integers(0, pixels.shape[1], 12)
    pixels[ys, xs] += np.where(pixels[ys, xs] > 127, -30, 30)
    noisy = compare_png(baseline, encode_png(pixels.astype(np.uint8)))
    assert noisy.ok and noisy.differing_pixels == 12 and noisy.max_difference == 30


# ------------------------------------------------------------------------------ the report


def _case(root: Path, nodeid: str, *, snapshot: str = "tests/__snapshots__/m/t.vl.json",
          lines=("$.title: 'A' -> 'B'",), pictures=(True, True, True)) -> Path:  # fmt: skip
    a, b = canvas(), canvas()
    b[5:20, 5:20] = 0
    made = (png(a), png(b), compare_png(png(a), png(b)).diff_png())
    given = [p if want else None for p, want in zip(made, pictures, strict=True)]
    return write_case(
        root,
        nodeid=nodeid,
        snapshot=snapshot,
        lines=list(lines),
        baseline_png=given[0],
        result_png=given[1],
        diff_png=given[2],
    )


def test_case_folder_holds_the_text_and_the_pictures(tmp_path):
    folder = _case(tmp_path, "tests/test_figs.py::test_curve[a/b]")
    assert folder.parent == tmp_path
    assert sorted(p.name for p in folder.iterdir()) == [
        "baseline.png",
        "case.json",
        "diff.png",
        "result.png",
    ]
    case = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    assert case["nodeid"] == "tests/test_figs.py::test_curve[a/b]"
    assert case["snapshot"] == "tests/__snapshots__/m/t.vl.json"
    assert case["lines"] == ["$.title: 'A' -> 'B'"]
    # written again without pictures: the old ones go
    _case(tmp_path, "tests/test_figs.py::test_curve[a/b]", pictures=(True, False, False))
    assert sorted(p.name for p in folder.iterdir()) == ["baseline.png", "case.json"]


NASTY = [
    'tests/test_a.py::test_b[/ \\ : * ? " < > |]',
    "tests\\win\\test_a.py::test_b[C:\\x]",
    "tests/test_a.py::test_b[π-ünïcødé-日本語]",
    "tests/test_a.py::test_b[" + "x" * 400 + "]",
    "tests/test_a.py::test_b[" + "日" * 400 + "]",
    "tests/test_a.py::test_b[...]",
    "CON",
    "tests/test_a.py::test_b[ ]",
    "tests/test_a.py::test_b[\x00\x1f\ud800]",
]
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def test_case_folder_names_are_safe_everywhere(tmp_path):
    names = [case_folder_name(n, "s.vl.json") for n in NASTY]
    assert len(set(names)) == len(NASTY)
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9._-]+", name), name
        assert len(name) <= 100 and not name.endswith((".", " ")) and not name.startswith(".")
        assert not _WINDOWS_RESERVED.match(name), name
        (tmp_path / name).mkdir()
    assert case_folder_name(NASTY[0], "s.vl.json") == case_folder_name(NASTY[0], "s.vl.json")
    assert case_folder_name(NASTY[0], "a") != case_folder_name(NASTY[0], "b")
    assert case_folder_name("tests/test_figs.py::test_curve[a/b]", "s").startswith(
        "test_figs-test_curve_a_b-"
    )


def test_index_sections_count_and_pictures(tmp_path):
    _case(tmp_path, "tests/test_b.py::test_two", lines=["image differs: RMS 7.31 > tolerance 2.0"])
    _case(tmp_path, "tests/test_a.py::test_one", pictures=(True, False, False))
    _case(tmp_path, "tests/test_a.py::test_one", snapshot="tests/__snapshots__/m/t-2.vl.json")
    (tmp_path / "not-a-case").mkdir()  # other folders are ignored
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert '<h1 id="count">3 snapshot failures</h1>' in page
    order = [m.group(1) for m in re.finditer(r"<h2>(.*?)</h2>", page)]
    assert order == ["tests/test_a.py::test_one"] * 2 + ["tests/test_b.py::test_two"]
    assert page.count("<figcaption>baseline</figcaption>") == 3
    assert page.count("<figcaption>diff</figcaption>") == 3
    assert page.count('<div class="missing">\u2014</div>') == 2
    assert page.count("<img ") == 7
    for src in re.findall(r'<img src="([^"]+)"', page):
        assert not src.startswith(("/", "http", "file")) and (tmp_path / src).is_file()
    assert "<pre>image differs: RMS 7.31 &gt; tolerance 2.0</pre>" in page


def test_index_of_one_failure_and_of_none(tmp_path):
    assert write_index(tmp_path) is None and not (tmp_path / "index.html").exists()
    assert write_index(tmp_path / "missing") is None
    _case(tmp_path, "t.py::one")
    assert '<h1 id="count">1 snapshot failure</h1>' in write_index(tmp_path).read_text("utf-8")
    (tmp_path / "notes.txt").write_text("kept")
    assert clear_report(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # index removed too
    assert write_index(tmp_path) is None


def test_index_escapes_everything(tmp_path):
    nodeid = f"tests/test_x.py::test_y[{SCRIPT}]"
    _case(
        tmp_path,
        nodeid,
        snapshot='tests/__snapshots__/"&<img src=x onerror=alert(2)>.vl.json',
        lines=["</pre><script>alert(3)</script>", "a & b"],
    )
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "onerror=alert(2)>" not in page
    assert html_unescape_h2(page) == [nodeid]
    assert "&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;\na &amp; b</pre>" in page
    assert f'content="{CSP.replace(chr(39), "&#x27;")}"' in page
    assert CSP == "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


def html_unescape_h2(page: str) -> list[str]:
    import html

    return [html.unescape(m) for m in re.findall(r"<h2>(.*?)</h2>", page)]


def test_index_is_the_same_bytes_for_the_same_cases(tmp_path):
    ids = ["tests/t.py::b", "tests/t.py::a", "tests/u.py::c[π]"]
    for root, order in ((tmp_path / "one", ids), (tmp_path / "two", ids[::-1])):
        for nodeid in order:
            _case(root, nodeid)
    one = write_index(tmp_path / "one").read_bytes()
    assert one == write_index(tmp_path / "two").read_bytes()
    assert one == write_index(tmp_path / "one").read_bytes()


def test_unreadable_case_is_shown_not_hidden(tmp_path):
    folder = _case(tmp_path, "t.py::broken")
    (folder / "case.json").write_text("{not json", encoding="utf-8")
    _case(tmp_path, "t.py::fine")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert "2 snapshot failures" in page
    assert f"unreadable case folder {folder.name}" in page and "cannot be read" in page
    assert len(read_cases(tmp_path)) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"nodeid": ""}, "nodeid: expected a non-empty string"),
        ({"snapshot": None}, "snapshot: expected a string"),
        ({"lines": "one line"}, "lines: expected a sequence of strings, got a str"),
        ({"lines": ["ok", 3]}, "lines: expected strings only, got 3"),
        ({"result_png": b"GIF89a"}, "result_png: not a PNG picture"),
        ({"diff_png": "diff.png"}, "diff_png: expected PNG bytes or None, got str"),
    ],
)
def test_write_case_bad_input(tmp_path, kwargs, message):
    args = {
        "nodeid": "t.py::f",
        "snapshot": "s.vl.json",
        "lines": [],
        "baseline_png": None,
        "result_png": None,
        "diff_png": None,
        **kwargs,
    }
    with pytest.raises(SnapshotError, match=re.escape(message)):
        write_case(tmp_path, **args)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_index_in_a_real_browser(tmp_path):
    from .chromium import launch

    _case(tmp_path, "tests/test_figs.py::test_curve[a/b]")
    _case(tmp_path, f"tests/test_figs.py::test_x[{SCRIPT}]", pictures=(True, False, True),
          lines=["</pre><script>window.__pwned = 2</script>"])  # fmt: skip
    index = write_index(tmp_path)
    browser = launch()
    try:
        page = browser.open(index.resolve().as_uri())
        try:
            page.wait_for("Array.from(document.images).every(i => i.complete)", timeout=15)
            widths = page.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
            assert widths == [60] * 5
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert page.evaluate("document.scripts.length") == 0
            headings = page.evaluate(
                "Array.from(document.querySelectorAll('h2')).map(h => h.textContent)"
            )
            assert f"tests/test_figs.py::test_x[{SCRIPT}]" in headings
            captions = page.evaluate(
                "Array.from(document.querySelectorAll('figcaption')).map(f => f.textContent)"
            )
            assert captions == ["baseline", "result", "diff"] * 2
            assert page.evaluate("document.getElementById('count').textContent") == (
                "2 snapshot failures"
            )
            browser.pump(0.2)
            assert page.errors() == [] and page.dialogs == []
        finally:
            page.close()
    finally:
        browser.stop()


def test_other_folders_are_left_alone_and_lost_pictures_shown_missing(tmp_path):
    mine = tmp_path / "my-notes"
    mine.mkdir()
    (mine / "case.json").write_text("{not ours", encoding="utf-8")
    folder = _case(tmp_path, "t.py::f")
    (folder / "diff.png").unlink()  # deleted after the case was written
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert "1 snapshot failure<" in page and "my-notes" not in page
    assert page.count("<img ") == 2 and page.count("\u2014</div>") == 1
    assert clear_report(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-notes"]
