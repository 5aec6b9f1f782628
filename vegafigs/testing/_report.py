"""The HTML page of snapshot failures (``--vegafigs-report DIR``).

Each failure is written as its own *case folder* by :func:`write_case` (so pytest-xdist
workers failing at the same time never write the same file); at the end of the run
:func:`write_index` reads every case folder and writes ``DIR/index.html``: one section
per failure with the test id, the snapshot file, the text report and the baseline,
result and diff pictures side by side. The page is static: everything is HTML-escaped,
a Content-Security-Policy forbids scripts and any resource but its own pictures, and
pictures are linked by relative paths (the folder can be zipped as a CI artifact).

>>> from pathlib import Path
>>> folder = write_case(Path("report"), nodeid="tests/test_a.py::test_b[x]",
...                     snapshot="tests/__snapshots__/test_a/test_b[x].vl.json",
...                     lines=["$.title: 'A' -> 'B'"], baseline_png=None,
...                     result_png=None, diff_png=None)
>>> folder.name
'test_a-test_b_x-...'
>>> sorted(p.name for p in folder.iterdir())
['case.json']
>>> write_index(Path("report")).name
'index.html'
>>> clear_report(Path("report"))
1
>>> write_index(Path("report")) is None
True
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vegafigs.errors import SnapshotError
from vegafigs.export import write_atomic
from vegafigs.testing._image import PNG_SIGNATURE

INDEX_FILE = "index.html"
CASE_FILE = "case.json"
CASE_KIND = "vegafigs-snapshot-failure"
PICTURES = (("baseline", "baseline.png"), ("result", "result.png"), ("diff", "diff.png"))
"""(caption, file name) of the pictures of a case, in the order the page shows them."""

CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
_GENERATOR = "vegafigs snapshot report"
_READABLE = 60  # characters of the test id kept in a case folder's name
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_CASE_NAME = re.compile(r"[A-Za-z0-9._-]*[0-9a-f]{16}")  # what case_folder_name gives

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.5em; } h2 { font-size: 1.1em; margin: 0 0 .3em; word-break: break-all; }
section { border-top: 1px solid #bbb; padding: 1em 0; }
pre { background: #f4f4f4; padding: .6em; white-space: pre-wrap; overflow-wrap: anywhere; }
code { overflow-wrap: anywhere; }
.pictures { display: flex; gap: 1em; align-items: flex-start; }
figure { flex: 1 1 0; min-width: 0; margin: 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; display: block; }
figcaption { font-weight: bold; margin-bottom: .3em; }
.missing { color: #888; font-size: 2em; }
"""


def case_folder_name(nodeid: str, snapshot: str) -> str:
    """The folder name of a case: a readable, filesystem-safe (also on Windows) part of
    the test id and a hash of the test id and snapshot path (at most 77 characters).

    >>> case_folder_name("tests/test_figs.py::test_curve[a/b]", "s.vl.json")
    'test_figs-test_curve_a_b-...'
    >>> len(case_folder_name("tests/t.py::test[" + "x" * 500 + "]", "s.vl.json")) <= 77
    True
    """
    digest = hashlib.sha256(f"{nodeid}\0{snapshot}".encode("utf-8", "surrogatepass"))
    path, _, test = nodeid.partition("::")
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".py")
    readable = _UNSAFE.sub("_", f"{stem}-{test}" if test else stem).strip("._-")
    return f"{readable[:_READABLE].rstrip('._-')}-{digest.hexdigest()[:16]}".lstrip("-")


def write_case(
    report_dir: Path,
    *,
    nodeid: str,
    snapshot: str,
    lines: Sequence[str],
    baseline_png: bytes | None,
    result_png: bytes | None,
    diff_png: bytes | None,
) -> Path:
    """Write one failure's case folder under ``report_dir``; return the folder.

    The folder holds ``case.json`` (the text data, written last) and the pictures
    given; writing the same case again replaces it (pictures not given are removed).

    Parameters
    ----------
    report_dir : pathlib.Path
        The report folder (created if missing).
    nodeid : str
        The pytest node id of the failing test.
    snapshot : str
        The snapshot file's path, as shown in the report.
    lines : sequence of str
        The failure's text report, one line per item (not a single string).
    baseline_png : bytes or None
        The baseline picture (PNG bytes), or None.
    result_png : bytes or None
        The picture rendered now (PNG bytes), or None.
    diff_png : bytes or None
        The diff picture (PNG bytes), or None.

    Returns
    -------
    pathlib.Path
        The case folder.

    Examples
    --------
    >>> write_case(Path("r"), nodeid="t.py::f", snapshot="s", lines="oops",
    ...            baseline_png=None, result_png=None, diff_png=None)
    Traceback (most recent call last):
    ...
    vegafigs.errors.SnapshotError: lines: expected a sequence of strings, got a str
    """
    case = _case_data(nodeid=nodeid, snapshot=snapshot, lines=lines)
    given = dict(zip((f for _, f in PICTURES), (baseline_png, result_png, diff_png), strict=True))
    for name, data in given.items():
        _check_picture(data, param=name.replace(".png", "_png"))
    folder = Path(report_dir) / case_folder_name(nodeid, snapshot)
    for name, data in given.items():
        if data is None:
            (folder / name).unlink(missing_ok=True)
        else:
            write_atomic(folder / name, bytes(data))
    case["pictures"] = [name for name, data in given.items() if data is not None]
    text = json.dumps(case, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
    write_atomic(folder / CASE_FILE, text.encode("ascii"))
    return folder


def _case_data(*, nodeid: object, snapshot: object, lines: object) -> dict[str, Any]:
    """The checked text data of a case (``case.json`` without its picture list)."""
    if not isinstance(nodeid, str) or not nodeid:
        raise SnapshotError(f"nodeid: expected a non-empty string, got {nodeid!r}")
    if not isinstance(snapshot, str):
        raise SnapshotError(f"snapshot: expected a string, got {snapshot!r}")
    if isinstance(lines, str | bytes) or not isinstance(lines, Sequence):
        raise SnapshotError(f"lines: expected a sequence of strings, got a {type(lines).__name__}")
    bad = [line for line in lines if not isinstance(line, str)]
    if bad:
        raise SnapshotError(f"lines: expected strings only, got {bad[0]!r}")
    return {"kind": CASE_KIND, "version": 1, "nodeid": nodeid, "snapshot": snapshot,
            "lines": list(lines)}  # fmt: skip


def _check_picture(data: object, *, param: str) -> None:
    if data is None:
        return
    if not isinstance(data, bytes | bytearray | memoryview):
        raise SnapshotError(f"{param}: expected PNG bytes or None, got {type(data).__name__}")
    if not bytes(data[:8]) == PNG_SIGNATURE:
        raise SnapshotError(f"{param}: not a PNG picture (it starts with {bytes(data[:10])!r})")


def _read_case(folder: Path) -> dict[str, Any] | None:
    """A case folder's data; None for a folder that is not a case; a dict with an
    ``error`` for a case whose ``case.json`` is unreadable (shown, not hidden)."""
    path = folder / CASE_FILE
    if folder.is_symlink() or not _CASE_NAME.fullmatch(folder.name) or not path.is_file():
        return None
    try:
        case = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {"folder": folder.name, "error": f"{CASE_FILE} cannot be read: {exc}"}
    if not isinstance(case, dict) or case.get("kind") != CASE_KIND:
        return None
    try:
        _case_data(nodeid=case.get("nodeid"), snapshot=case.get("snapshot"),
                   lines=case.get("lines"))  # fmt: skip
    except SnapshotError as exc:
        return {"folder": folder.name, "error": f"{CASE_FILE} is malformed: {exc}"}
    shown = case.get("pictures")
    listed = shown if isinstance(shown, list) else []
    case["pictures"] = [f for _, f in PICTURES if f in listed and (folder / f).is_file()]
    case["folder"] = folder.name
    return case


def read_cases(report_dir: Path) -> list[dict[str, Any]]:
    """Every case in ``report_dir``, sorted by test id, snapshot path and folder name.

    >>> read_cases(Path("no such folder"))
    []
    """
    root = Path(report_dir)
    if not root.is_dir():
        return []
    cases = [c for d in sorted(root.iterdir()) if d.is_dir() and (c := _read_case(d))]
    return sorted(cases, key=lambda c: (c.get("nodeid", ""), c.get("snapshot", ""), c["folder"]))


def write_index(report_dir: Path) -> Path | None:
    """Write ``report_dir/index.html`` from every case folder; return its path.

    With no cases, no page is written (an earlier page of this report is removed)
    and the result is None. The same cases always give the same bytes.

    Parameters
    ----------
    report_dir : pathlib.Path
        The report folder that :func:`write_case` wrote to.

    Returns
    -------
    pathlib.Path or None
        ``report_dir/index.html``, or None when there are no cases.

    Examples
    --------
    >>> write_index(Path("empty")) is None
    True
    """
    root = Path(report_dir)
    cases = read_cases(root)
    index = root / INDEX_FILE
    if not cases:
        if _is_our_index(index):
            index.unlink()
        return None
    return write_atomic(index, render_index(cases).encode("utf-8"))


def _is_our_index(path: Path) -> bool:
    try:
        return path.is_file() and _GENERATOR in path.read_text(encoding="utf-8")[:2000]
    except (OSError, UnicodeDecodeError):
        return False


def clear_report(report_dir: Path) -> int:
    """Remove every case folder and the index page of ``report_dir`` (other files stay);
    the number of case folders removed. Call it once at the start of a run.

    >>> clear_report(Path("no such folder"))
    0
    """
    root = Path(report_dir)
    if not root.is_dir():
        return 0
    removed = 0
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and _read_case(folder) is not None:
            shutil.rmtree(folder)
            removed += 1
    if _is_our_index(root / INDEX_FILE):
        (root / INDEX_FILE).unlink()
    return removed


def _text(value: object) -> str:
    """``value`` as HTML-escaped text (lone surrogates replaced, so it encodes)."""
    text = str(value).encode("utf-8", "replace").decode("utf-8")
    return html.escape(text, quote=True)


def render_index(cases: Sequence[dict[str, Any]]) -> str:
    """The HTML page of ``cases`` (as :func:`read_cases` gives them).

    >>> page = render_index([{"folder": "f", "nodeid": "<script>", "snapshot": "s",
    ...                       "lines": [], "pictures": []}])
    >>> "<script>" in page, "&lt;script&gt;" in page
    (False, True)
    """
    count = f"{len(cases)} snapshot failure{'' if len(cases) == 1 else 's'}"
    toc = "\n".join(
        f'<li><a href="#{_text(c["folder"])}">{_text(c.get("nodeid", c["folder"]))}</a></li>'
        for c in cases
    )
    sections = "\n".join(_section(c) for c in cases)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_text(CSP)}">\n'
        f'<meta name="generator" content="{_GENERATOR}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>vegafigs: {count}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<h1 id="count">{count}</h1>\n<ol class="toc">\n{toc}\n</ol>\n{sections}\n'
        "</body>\n</html>\n"
    )


def _section(case: dict[str, Any]) -> str:
    anchor = _text(case["folder"])
    if "error" in case:
        return (
            f'<section id="{anchor}">\n<h2>unreadable case folder {anchor}</h2>\n'
            f"<pre>{_text(case['error'])}</pre>\n</section>"
        )
    figures = []
    for caption, name in PICTURES:
        if name in case["pictures"]:
            src = _text(urllib.parse.quote(f"{case['folder']}/{name}"))
            body = f'<a href="{src}"><img src="{src}" alt="{caption}"></a>'
        else:
            body = '<div class="missing">\u2014</div>'
        figures.append(
            f'<figure class="{caption}"><figcaption>{caption}</figcaption>{body}</figure>'
        )
    report = "\n".join(case["lines"])
    return (
        f'<section id="{anchor}">\n<h2>{_text(case["nodeid"])}</h2>\n'
        f"<p>Snapshot: <code>{_text(case['snapshot'])}</code></p>\n"
        f"<pre>{_text(report)}</pre>\n"
        f'<div class="pictures">\n{chr(10).join(figures)}\n</div>\n</section>'
    )
