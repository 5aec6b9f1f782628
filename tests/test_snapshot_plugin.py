"""The pytest plugin (pytest_vegafigs) as a user's project sees it: fixture, options, summary.

Each test writes a small project into a temporary folder and runs pytest on it
(pytester), with the plugin loaded the way a user gets it: from the installed
``pytest11`` entry point, not by ``-p``.
"""

from __future__ import annotations

import json
import re

import pytest

# Inline pytester runs forget the modules first imported inside them, and compiled
# extensions (vl-convert, tsdownsample, pikepdf) cannot be imported twice: import them here.
import vegafigs.testing  # noqa: F401
from vegafigs.testing._snapshot import picture

picture({"mark": "point", "data": {"values": [{}]}})

pytest_plugins = ["pytester"]

CHART = """
import altair as alt
import pandas as pd

def chart(color="#1f77b4", title="Reward", y=(1.0, 2.0, 3.0)):
    df = pd.DataFrame({"step": [1, 2, 3], "reward": list(y)})
    return (
        alt.Chart(df, title=title)
        .mark_line(color=color)
        .encode(x="step:Q", y="reward:Q")
        .properties(width=120, height=80)
    )
"""


def _project(pytester: pytest.Pytester, body: str, **params: str) -> None:
    pytester.makepyfile(figs=CHART)
    src = "from figs import chart\n\n" + body
    for key, value in params.items():
        src = src.replace(key, value)
    pytester.makepyfile(test_figs=src)


def _summary(result: pytest.RunResult) -> str:
    lines = [line for line in result.outlines if line.startswith("vegafigs snapshots:")]
    assert lines, result.stdout.str()
    return lines[-1]


SIMPLE = """
def test_curve(vegafigs_snapshot):
    vegafigs_snapshot(chart(color=COLOR, title=TITLE, y=Y))
"""


def _simple(pytester, color="'#1f77b4'", title="'Reward'", y="(1.0, 2.0, 3.0)"):
    _project(pytester, SIMPLE, COLOR=color, TITLE=title, Y=y)


def test_missing_snapshot_fails_then_update_writes_then_passes(pytester):
    _simple(pytester)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*snapshot *__snapshots__/test_figs/test_curve.vl.json does not exist; "
            "run pytest with --vegafigs-update to create it*"
        ]  # fmt: skip
    )
    assert _summary(result) == "vegafigs snapshots: 0 passed, 1 failed, 0 written, 0 unused"
    assert not (pytester.path / "__snapshots__").exists()  # nothing written without update

    result = pytester.runpytest("--vegafigs-update")
    result.assert_outcomes(passed=1)
    assert _summary(result) == "vegafigs snapshots: 0 passed, 0 failed, 1 written, 0 unused"
    written = pytester.path / "__snapshots__" / "test_figs" / "test_curve.vl.json"
    spec = json.loads(written.read_text(encoding="utf-8"))
    assert spec["$schema"].endswith("/v6.json") and spec["mark"]["color"] == "#1f77b4"

    before = written.read_bytes()
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert _summary(result) == "vegafigs snapshots: 1 passed, 0 failed, 0 written, 0 unused"
    result = pytester.runpytest("--vegafigs-update")  # a match is not rewritten
    assert _summary(result) == "vegafigs snapshots: 1 passed, 0 failed, 0 written, 0 unused"
    assert written.read_bytes() == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"color": "'#d62728'"}, r"\$\.mark\.color: '#1f77b4' -> '#d62728'"),
        ({"title": "'Rewards'"}, r"\$\.title: 'Reward' -> 'Rewards'"),
        ({"y": "(1.0, 2.5, 3.0)"}, r"row.*reward.*2(\.0)? -> 2\.5|reward.*2(\.0)? -> 2\.5"),
    ],
    ids=["colour", "title", "one-row"],
)
def test_a_change_fails_with_a_short_report_naming_it(pytester, change, expected):
    _simple(pytester)
    pytester.runpytest("--vegafigs-update").assert_outcomes(passed=1)
    _simple(pytester, **change)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert re.search(expected, out), out
    assert "does not exist" not in out
    report = out[out.index("chart differs from snapshot") : out.index("short test summary")]
    assert len(report.splitlines()) < 60, report
    assert "Traceback" not in report and "def test_curve" not in report  # no pytest traceback
    # The report draws a spec-only failure from the two specs.
    pytester.runpytest("--vegafigs-report", "rep").assert_outcomes(failed=1)
    pngs = sorted(p.name for p in (pytester.path / "rep").rglob("*.png"))
    assert pngs == ["baseline.png", "diff.png", "result.png"]


def test_parametrized_and_named_snapshots_get_their_own_files(pytester):
    _project(
        pytester,
        """
import pytest

@pytest.mark.parametrize("run", ["ppo/seed:0", "a<b>|c?"])
def test_runs(vegafigs_snapshot, run):
    vegafigs_snapshot(chart(title=run))
    vegafigs_snapshot(chart(title=run, color="red"), "red")

class TestGroup:
    def test_in_class(self, vegafigs_snapshot):
        vegafigs_snapshot(chart())
""",
    )
    pytester.runpytest("--vegafigs-update").assert_outcomes(passed=3)
    folder = pytester.path / "__snapshots__" / "test_figs"
    assert sorted(p.name for p in folder.iterdir()) == [
        "TestGroup.test_in_class.vl.json",
        "test_runs[a%3Cb%3E%7Cc%3F]-red.vl.json",
        "test_runs[a%3Cb%3E%7Cc%3F].vl.json",
        "test_runs[ppo%2Fseed%3A0]-red.vl.json",
        "test_runs[ppo%2Fseed%3A0].vl.json",
    ]
    result = pytester.runpytest()
    result.assert_outcomes(passed=3)
    assert _summary(result) == "vegafigs snapshots: 5 passed, 0 failed, 0 written, 0 unused"


@pytest.mark.parametrize(
    ("calls", "message"),
    [
        (
            'chart())\n    vegafigs_snapshot(chart(color="red")',
            "*test_twice.vl.json is compared twice*",
        ),
        ('chart(), "Zoom")\n    vegafigs_snapshot(chart(), "zoom"', "*differ only in letter case*"),
    ],
    ids=["same-name", "names-equal-but-for-case"],
)
def test_one_file_for_two_snapshots_is_an_error(pytester, calls, message):
    _project(pytester, f"def test_twice(vegafigs_snapshot):\n    vegafigs_snapshot({calls})\n")
    result = pytester.runpytest("--vegafigs-update")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([message])
    assert (
        not (pytester.path / "__snapshots__" / "test_figs").exists()
        or len(list((pytester.path / "__snapshots__" / "test_figs").iterdir())) == 1
    )


def test_unused_snapshots_are_reported_and_deleted_on_update(pytester):
    _project(
        pytester,
        """
def test_kept(vegafigs_snapshot):
    vegafigs_snapshot(chart())

def test_gone(vegafigs_snapshot):
    vegafigs_snapshot(chart(), "a")
    vegafigs_snapshot(chart(), "b")
""",
    )
    pytester.runpytest("--vegafigs-update").assert_outcomes(passed=2)
    folder = pytester.path / "__snapshots__" / "test_figs"
    _project(
        pytester,
        """
def test_kept(vegafigs_snapshot):
    vegafigs_snapshot(chart())

def test_gone(vegafigs_snapshot):
    vegafigs_snapshot(chart(), "a")
""",
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    assert _summary(result) == "vegafigs snapshots: 2 passed, 0 failed, 0 written, 1 unused"
    result.stdout.fnmatch_lines(["*unused: __snapshots__/test_figs/test_gone-b.vl.json"])
    assert (folder / "test_gone-b.vl.json").exists()  # only reported

    # A test that did not run (deselected) or failed keeps its snapshots.
    result = pytester.runpytest("-k", "kept", "--vegafigs-update")
    assert _summary(result) == "vegafigs snapshots: 1 passed, 0 failed, 0 written, 0 unused"
    assert (folder / "test_gone-b.vl.json").exists()

    result = pytester.runpytest("test_figs.py::test_kept", "--vegafigs-update")
    assert _summary(result) == "vegafigs snapshots: 1 passed, 0 failed, 0 written, 0 unused"
    assert (folder / "test_gone-b.vl.json").exists()

    result = pytester.runpytest("--vegafigs-update")
    assert (
        _summary(result) == "vegafigs snapshots: 2 passed, 0 failed, 0 written, 1 unused (deleted)"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["test_gone-a.vl.json", "test_kept.vl.json"]

    _project(pytester, "def test_other():\n    pass\n")  # both tests removed
    result = pytester.runpytest("--vegafigs-update")
    assert (
        _summary(result) == "vegafigs snapshots: 0 passed, 0 failed, 0 written, 2 unused (deleted)"
    )
    assert list(folder.iterdir()) == []


def test_image_snapshot_failure_is_in_the_html_report(pytester):
    _project(
        pytester,
        """
def test_picture(vegafigs_snapshot):
    vegafigs_snapshot(chart(color=COLOR), image=True)
""",
        COLOR="'#1f77b4'",
    )
    pytester.runpytest("--vegafigs-update").assert_outcomes(passed=1)
    folder = pytester.path / "__snapshots__" / "test_figs"
    assert sorted(p.name for p in folder.iterdir()) == ["test_picture.png", "test_picture.vl.json"]
    pytester.runpytest().assert_outcomes(passed=1)

    _project(
        pytester,
        """
def test_picture(vegafigs_snapshot):
    vegafigs_snapshot(chart(color=COLOR), image=True)
""",
        COLOR="'#d62728'",
    )
    result = pytester.runpytest("--vegafigs-report", "report")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "test_picture.png: image differs: RMS" in out and "mark.color" in out
    index = pytester.path / "report" / "index.html"
    assert index.exists(), out
    html = index.read_text(encoding="utf-8")
    assert "test_figs.py::test_picture" in html
    pngs = sorted(p.name for p in (pytester.path / "report").rglob("*.png"))
    assert pngs == ["baseline.png", "diff.png", "result.png"]

    # The next run starts a fresh report: nothing failed, no page.
    _project(
        pytester,
        """
def test_picture(vegafigs_snapshot):
    vegafigs_snapshot(chart(color=COLOR), image=True)
""",
        COLOR="'#1f77b4'",
    )
    pytester.runpytest("--vegafigs-report", "report").assert_outcomes(passed=1)
    assert not index.exists()
    assert not list((pytester.path / "report").rglob("*.png"))


def test_image_snapshot_of_a_picture_only_change(pytester):
    """A spec that still matches but draws differently (another renderer) fails on the picture."""
    _project(
        pytester,
        """
def test_picture(vegafigs_snapshot):
    vegafigs_snapshot(chart(), image=True)
""",
    )
    pytester.runpytest("--vegafigs-update").assert_outcomes(passed=1)
    png = pytester.path / "__snapshots__" / "test_figs" / "test_picture.png"
    from PIL import Image

    img = Image.open(png).convert("RGB")
    img.paste((0, 0, 0), (0, 0, img.width // 2, img.height // 2))
    img.save(png)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*test_picture.png: image differs: RMS * > tolerance 2.0 (* px differ)"]
    )
    assert "chart differs" not in result.stdout.str()


def test_plugin_can_be_turned_off(pytester):
    _simple(pytester)
    result = pytester.runpytest("-p", "no:vegafigs")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'vegafigs_snapshot' not found*"])
    assert "vegafigs snapshots:" not in result.stdout.str()


def test_help_lists_the_options(pytester):
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--vegafigs-update*", "*--vegafigs-report=DIR*"])


def test_a_suite_without_snapshots_prints_no_summary(pytester):
    pytester.makepyfile(test_plain="def test_x():\n    assert True\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "vegafigs snapshots" not in result.stdout.str()


def test_loading_the_plugin_imports_nothing_heavy(pytester):
    pytester.makepyfile(
        test_plain="""
import sys

def test_modules():
    heavy = {"vegafigs", "altair", "pandas", "vl_convert", "numpy"}
    assert not heavy & set(sys.modules), heavy & set(sys.modules)
"""
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)


@pytest.mark.slow
def test_parallel_workers_share_one_summary_and_report(pytester):
    pytest.importorskip("xdist")
    body = "\n".join(
        f"def test_{i}(vegafigs_snapshot):\n    vegafigs_snapshot(chart(title='t{i}'))\n"
        for i in range(6)
    )
    _project(pytester, body)
    result = pytester.runpytest_subprocess("-n", "2", "--vegafigs-update")
    result.assert_outcomes(passed=6)
    assert _summary(result) == "vegafigs snapshots: 0 passed, 0 failed, 6 written, 0 unused"
    (pytester.path / "__snapshots__" / "test_figs" / "test_old.vl.json").write_text("{}")
    _project(pytester, body.replace("title='t3'", "title='changed'"))
    result = pytester.runpytest_subprocess("-n", "2", "--vegafigs-report", "rep")
    result.assert_outcomes(passed=5, failed=1)
    assert _summary(result) == "vegafigs snapshots: 5 passed, 1 failed, 0 written, 1 unused"
    assert "test_figs.py::test_3" in (pytester.path / "rep" / "index.html").read_text()
