"""pytest-vegafigs, the pytest plugin shipped with vegafigs: snapshot tests of figures.

Registered through the ``pytest11`` entry point, so it is active as soon as vegafigs is
installed (``-p no:vegafigs`` turns it off). It adds:

* the ``vegafigs_snapshot`` fixture: ``vegafigs_snapshot(fig)`` compares ``fig``'s
  normalised Vega-Lite spec with ``__snapshots__/<module>/<test>.vl.json`` beside the
  test module (``<test>-<name>.vl.json`` with ``name=``); ``image=True`` also compares
  its PNG (``.png`` beside it) within an RMS ``tolerance``;
* ``--vegafigs-update``: write missing and changed snapshots, delete unused ones;
* ``--vegafigs-report DIR``: an HTML page of every failure (baseline, result, diff);
* a summary line: snapshots passed / failed / written / unused.

A missing snapshot fails (with the command that writes it), so a fresh clone in CI
cannot pass by writing its own baselines.

The module is outside the ``vegafigs`` package so that loading it (in every pytest
run of an environment where vegafigs is installed) imports nothing heavy: vegafigs,
Altair and pandas are imported when a test first takes the fixture.

>>> from pytest_vegafigs import snapshot_stem
>>> snapshot_stem("tests/test_figs.py::TestCurves::test_reward[run/1]")
'TestCurves.test_reward[run%2F1]'
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

SNAPSHOT_DIR = "__snapshots__"
UPDATE_OPTION = "--vegafigs-update"
REPORT_OPTION = "--vegafigs-report"
_SUFFIXES = (".vl.json", ".png")
_WORKER_KEY = "vegafigs_snapshot"


#: Longest file name a snapshot gets (Windows paths stay well under MAX_PATH).
MAX_NAME = 100
# Characters Windows refuses in a name, the escape character itself, and controls.
_UNSAFE = re.compile(r'[<>:"/\\|?*%\x00-\x1f\x7f]')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


def _escape(match: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in match.group(0).encode("utf-8"))


def safe_name(text: str, *, suffix: str = "") -> str:
    """``text`` as a file name that every OS accepts, plus ``suffix``.

    Characters Windows refuses (``<>:"/\\|?*``), control characters and ``%`` are
    written ``%XX`` (so two different texts never get one name); a trailing dot or
    space is escaped the same way; a name Windows reserves (``CON``, ``LPT1``...)
    gets a ``_``; a name longer than :data:`MAX_NAME` is cut and ends in a hash of
    the whole text.

    >>> safe_name("test_curve[a/b-c:d]", suffix=".vl.json")
    'test_curve[a%2Fb-c%3Ad].vl.json'
    >>> safe_name("con")
    'con_'
    >>> len(safe_name("test_" + "x" * 300, suffix=".png"))
    100
    """
    name = _UNSAFE.sub(_escape, text)
    if name.endswith((".", " ")):
        name = name[:-1] + f"%{ord(name[-1]):02X}"
    if name.split(".", 1)[0].upper() in _RESERVED:
        name += "_"
    room = MAX_NAME - len(suffix)
    if len(name) > room:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        name = name[: room - len(digest) - 1].rstrip(". ") + "~" + digest
    return name + suffix


def check_snapshot_name(name: object) -> str:
    """``name`` if it is a usable snapshot name, else a :class:`SnapshotError`.

    >>> check_snapshot_name("zoomed")
    'zoomed'
    """
    from vegafigs.errors import SnapshotError

    if not isinstance(name, str) or not name.strip():
        raise SnapshotError(f"name: expected a non-empty string, got {name!r}")
    if name != name.strip():
        raise SnapshotError(f"name: {name!r} starts or ends with white space")
    return name


def snapshot_stem(nodeid: str) -> str:
    """The file stem of a test's snapshots: its node id after the module, file-safe.

    ``Class::test[param]`` becomes ``Class.test[param]`` (characters Windows refuses
    escaped, see :func:`safe_name`).
    """
    test = nodeid.split("::", 1)[1] if "::" in nodeid else nodeid
    return safe_name(test.replace("::", "."), suffix="")


def _key(path: Path) -> str:
    return os.path.normcase(str(path))


@dataclass
class _State:
    """What one pytest process knows about snapshots (merged from workers under xdist)."""

    update: bool
    report: Path | None
    counts: Counter[str] = field(default_factory=Counter)
    used: set[str] = field(default_factory=set)
    #: snapshot folder -> the stems of every test collected from its module
    known: dict[str, set[str]] = field(default_factory=dict)
    #: node id -> (snapshot folder, stem) of every collected test
    items: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: (snapshot folder, stem) of the tests that passed
    verified: set[tuple[str, str]] = field(default_factory=set)
    #: file names (case-folded) -> the name first used, to catch names equal on Windows
    folded: dict[str, str] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    #: snapshot folders of modules only partly collected: no snapshot there is "unused"
    partial: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "used": sorted(self.used),
            "known": {k: sorted(v) for k, v in self.known.items()},
            "verified": sorted(list(v) for v in self.verified),
            "partial": sorted(self.partial),
        }

    def merge(self, data: dict[str, Any]) -> None:
        self.counts.update(data.get("counts", {}))
        self.used.update(data.get("used", []))
        for folder, stems in data.get("known", {}).items():
            self.known.setdefault(folder, set()).update(stems)
        self.verified.update((a, b) for a, b in data.get("verified", []))
        self.partial.update(data.get("partial", []))


_STATE = pytest.StashKey[_State]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("vegafigs", "vegafigs figure snapshots")
    group.addoption(
        UPDATE_OPTION,
        action="store_true",
        default=False,
        help="write missing and changed vegafigs snapshots and delete unused ones",
    )
    group.addoption(
        REPORT_OPTION,
        metavar="DIR",
        default=None,
        help="write an HTML page of every snapshot failure (baseline | result | diff) to DIR",
    )


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    report = config.getoption(REPORT_OPTION)
    folder = Path(config.invocation_params.dir, report).resolve() if report else None
    config.stash[_STATE] = _State(update=bool(config.getoption(UPDATE_OPTION)), report=folder)
    if folder is not None and not _is_worker(config):
        from vegafigs.testing._report import clear_report

        clear_report(folder)


def _item_place(item: pytest.Item) -> tuple[str, str] | None:
    path = getattr(item, "path", None)
    if path is None or "::" not in item.nodeid:
        return None
    folder = Path(path).parent / SNAPSHOT_DIR / safe_name(Path(path).stem)
    return _key(folder), snapshot_stem(item.nodeid)


def _partly_collected(config: pytest.Config) -> set[str]:
    """Test files named with a node id (``test_a.py::test_x``): only part of them is known."""
    out = set()
    for arg in config.args:
        if "::" in arg:
            out.add(_key(Path(config.invocation_params.dir, arg.split("::", 1)[0]).resolve()))
    return out


def _know(config: pytest.Config, items: Iterable[pytest.Item]) -> None:
    state = config.stash[_STATE]
    partial = _partly_collected(config)
    for item in items:
        place = _item_place(item)
        if place is not None and _key(Path(item.path).resolve()) in partial:
            state.partial.add(place[0])
        if place is not None:
            state.items[item.nodeid] = place
            state.known.setdefault(place[0], set()).add(place[1])


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _know(config, items)  # before -k / -m / --lf take any away


def pytest_deselected(items: list[pytest.Item]) -> None:
    if items:
        _know(items[0].config, items)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.passed:
        state = item.config.stash[_STATE]
        place = state.items.get(item.nodeid)
        if place is not None:
            state.verified.add(place)


class Snapshot:
    """The ``vegafigs_snapshot`` fixture's value: call it with a figure or chart.

    ``snapshot(fig, name=None, *, image=False, tolerance=2.0, dpi=100, path=None)``
    """

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._item = request.node
        self._config = request.config
        self._state = request.config.stash[_STATE]
        self._names: set[str] = set()

    @property
    def update(self) -> bool:
        """Whether this run writes snapshots (``--vegafigs-update``)."""
        return self._state.update

    def path_for(self, name: str | None = None) -> Path:
        """The ``.vl.json`` file a call with ``name`` compares with."""
        module = Path(self._item.path)
        test = self._item.nodeid.split("::", 1)[1].replace("::", ".")
        if name is not None:
            test = f"{test}-{check_snapshot_name(name)}"
        stem = safe_name(test)
        return module.parent / SNAPSHOT_DIR / safe_name(module.stem) / (stem + ".vl.json")

    def __call__(
        self,
        chart: Any,
        name: str | None = None,
        *,
        image: bool = False,
        tolerance: float | None = None,
        dpi: float | None = None,
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        """Compare ``chart`` with its snapshot; fail the test with a short report if it differs.

        Args:
            chart: a vegafigs ``Figure``, an Altair chart or a Vega-Lite dict.
            name: tells several snapshots of one test apart (``<test>-<name>.vl.json``).
            image: also compare the PNG with ``.png`` beside the spec snapshot.
            tolerance: largest RMS difference (0-255) of the picture; default 2.0.
            dpi: resolution of the picture; default 100.
            path: an explicit ``.vl.json`` file instead (relative to the test module's
                folder), e.g. ``"../specs/my_figure.vl.json"``; not reported as unused.
        """
        from vegafigs.testing._snapshot import DEFAULT_DPI, DEFAULT_TOLERANCE, check_snapshot

        target = self._target(name, path)
        result = check_snapshot(
            chart,
            target,
            image=image,
            tolerance=DEFAULT_TOLERANCE if tolerance is None else tolerance,
            dpi=DEFAULT_DPI if dpi is None else dpi,
            update=self._state.update,
            update_hint=f"run pytest with {UPDATE_OPTION}",
            label=_relative(target, self._config.rootpath),
        )
        self._state.used.update(_key(p) for p in (result.spec_path, result.image_path) if p)
        self._state.counts[result.status] += 1
        if result.status != "failed":
            return
        if self._state.report is not None:
            page = self._write_case(result, list(result.lines))
            result.lines.append(f"report: {page}")
        pytest.fail("\n".join(result.lines), pytrace=False)

    def _target(self, name: str | None, path: str | os.PathLike[str] | None) -> Path:
        from vegafigs.errors import SnapshotError

        if path is not None and name is not None:
            raise SnapshotError("vegafigs_snapshot: pass name= or path=, not both")
        if path is not None:
            target = Path(self._item.path).parent / Path(path)
            if not target.name.endswith(".vl.json"):
                raise SnapshotError(f"path: expected a file name ending in .vl.json, got {path!r}")
        else:
            target = self.path_for(name)
        key = _key(target.resolve())
        if key in self._names:
            raise SnapshotError(
                f"vegafigs_snapshot: {target.name} is compared twice in this test; give each "
                "call its own name="
            )
        self._names.add(key)
        self._check_case(target)
        return target

    def _check_case(self, target: Path) -> None:
        """Two names that only differ in case are one file on Windows and macOS."""
        from vegafigs.errors import SnapshotError

        folded = _key(target).casefold()
        first = self._state.folded.setdefault(folded, str(target))
        siblings = os.listdir(target.parent) if target.parent.is_dir() else []
        clash = [n for n in siblings if n.casefold() == target.name.casefold() and n != target.name]
        if first != str(target) or clash:
            other = clash[0] if clash else Path(first).name
            raise SnapshotError(
                f"vegafigs_snapshot: {target.name} and {other} differ only in letter case, so "
                "they are one file on Windows and macOS; rename the test or pass another name="
            )

    def _write_case(self, result: Any, lines: list[str]) -> str:
        from vegafigs.testing._report import INDEX_FILE, write_case

        assert self._state.report is not None
        pictures = (result.baseline_png, result.result_png, result.diff_png)
        if result.result_png is None and result.expected_spec is not None:
            pictures = _draw_both(result.expected_spec, result.actual_spec, lines)
        write_case(
            self._state.report,
            nodeid=self._item.nodeid,
            snapshot=_relative(result.spec_path, self._config.rootpath),
            lines=lines,
            baseline_png=pictures[0],
            result_png=pictures[1],
            diff_png=pictures[2],
        )
        return _relative(self._state.report / INDEX_FILE, self._config.rootpath)


def _draw_both(expected: Any, actual: Any, lines: list[str]) -> tuple[Any, Any, Any]:
    """Pictures of a spec-only failure for the report: golden, new and their difference."""
    from vegafigs.errors import VegafigsError
    from vegafigs.testing._image import compare_png
    from vegafigs.testing._snapshot import picture

    try:
        baseline, new = picture(expected), picture(actual)
    except VegafigsError as exc:
        lines.append(f"(the report has no pictures: {exc})")
        return None, None, None
    return baseline, new, compare_png(baseline, new).diff_png()


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


@pytest.fixture
def vegafigs_snapshot(request: pytest.FixtureRequest) -> Snapshot:
    """Compare a figure with its snapshot: ``vegafigs_snapshot(fig, name=None, *, image=False)``.

    See :class:`Snapshot`; ``pytest --vegafigs-update`` writes the snapshots.
    """
    return Snapshot(request)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    state = config.stash[_STATE]
    if _is_worker(config):
        config.workeroutput[_WORKER_KEY] = state.to_json()  # type: ignore[attr-defined]
        return
    unused = _unused(state)
    if state.update and not session.shouldfail and not session.shouldstop:
        for path in unused:
            Path(path).unlink(missing_ok=True)
            state.deleted.append(path)
    state.counts["unused"] = len(unused)
    config.stash[_UNUSED] = unused
    if state.report is not None:
        from vegafigs.testing._report import write_index

        write_index(state.report)


_UNUSED = pytest.StashKey[list[str]]()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """(pytest-xdist) a worker finished: merge what it saw into the controller's state."""
    data = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
    if data:
        node.config.stash[_STATE].merge(data)


def _claim(stem: str, stems: set[str]) -> str | None:
    """The test (stem) a snapshot file stem belongs to: ``stem`` or ``stem-<name>``."""
    best = None
    for test in stems:
        if (stem == test or stem.startswith(test + "-")) and (
            best is None or len(test) > len(best)
        ):
            best = test
    return best


def _unused(state: _State) -> list[str]:
    """Snapshot files no test used although every test that could have used them passed."""
    unused: list[str] = []
    for folder, stems in sorted(state.known.items()):
        if folder in state.partial or not os.path.isdir(folder):
            continue
        for entry in sorted(os.listdir(folder)):
            suffix = next((s for s in _SUFFIXES if entry.endswith(s)), None)
            path = os.path.join(folder, entry)
            if suffix is None or entry.startswith(".") or not os.path.isfile(path):
                continue
            owner = _claim(entry[: -len(suffix)], stems)
            if _key(Path(path)) in state.used:
                continue
            if owner is None or (folder, owner) in state.verified:
                unused.append(path)
    return unused


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if _is_worker(config):
        return
    state = config.stash[_STATE]
    unused = config.stash.get(_UNUSED, [])
    if (
        not state.counts.get("passed")
        and not state.counts.get("failed")
        and not any((state.counts.get("written"), unused))
    ):
        return
    parts = [f"{state.counts.get(k, 0)} {k}" for k in ("passed", "failed", "written")]
    parts.append(f"{len(unused)} unused" + (" (deleted)" if state.deleted else ""))
    terminalreporter.write_sep("-", "vegafigs snapshots")
    terminalreporter.write_line("vegafigs snapshots: " + ", ".join(parts))
    root = config.rootpath
    for path in unused[:20]:
        verb = "deleted" if state.deleted else "unused"
        terminalreporter.write_line(f"  {verb}: {_relative(Path(path), root)}")
    if len(unused) > 20:
        terminalreporter.write_line(f"  ... and {len(unused) - 20} more")
    if unused and not state.deleted:
        terminalreporter.write_line(f"  (pytest {UPDATE_OPTION} deletes unused snapshots)")
    if state.report is not None and state.counts.get("failed"):
        terminalreporter.write_line(f"  report: {state.report / 'index.html'}")
