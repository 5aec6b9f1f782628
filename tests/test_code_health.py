"""Code-health checks run with the suite (issue 9, item 6).

- no function in ``vegafigs/`` has a body (docstring excluded) over ``MAX_LINES`` lines;
- ruff's mccabe check (C901, ``max-complexity`` from pyproject.toml) passes on ``vegafigs/``.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "vegafigs"
MAX_LINES = 80


def _body_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first statement after the docstring to the function's last line."""
    body = fn.body
    if (
        len(body) > 1
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    end = fn.end_lineno or body[-1].lineno
    return end - body[0].lineno + 1


def long_functions(root: Path = PACKAGE, limit: int = MAX_LINES) -> list[str]:
    """``path:line name (n lines)`` for every function in ``root`` longer than ``limit``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = _body_lines(node)
                if n > limit:
                    rel = path.relative_to(root.parent)
                    found.append(f"{rel}:{node.lineno} {node.name} ({n} lines)")
    return found


def test_body_lines_excludes_docstring():
    src = 'def f():\n    """Doc.\n\n    More.\n    """\n    a = 1\n    return a\n'
    fn = ast.parse(src).body[0]
    assert isinstance(fn, ast.FunctionDef)
    assert _body_lines(fn) == 2


def test_no_function_over_80_lines():
    offenders = long_functions()
    assert not offenders, f"functions over {MAX_LINES} lines:\n" + "\n".join(offenders)


def _ruff() -> list[str] | None:
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    exe = shutil.which("ruff", path=path)
    if exe:
        return [exe]
    try:
        import ruff  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "ruff"]


def test_complexity_c901():
    ruff = _ruff()
    if ruff is None:
        if os.environ.get("CI"):
            pytest.fail("ruff is not installed (it is in the `test` extra)")
        pytest.skip("ruff is not installed")
    proc = subprocess.run(
        [*ruff, "check", "--select", "C901", "--output-format", "concise", "vegafigs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _version(text: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in text.split("."))
    return parts + (0,) * (4 - len(parts))


def test_constraints_min_pins_every_lower_bound():
    """CI's minimum-versions run installs exactly the lower bounds of pyproject.toml."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = {}
    for req in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        name, _, low = req.partition(">=")
        assert low, f"{req!r}: every dependency needs a lower bound (>=)"
        bounds[name.strip().lower()] = _version(low.strip())
    pins = {}
    for line in (ROOT / "constraints-min.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = _version(version.strip())
    assert pins == bounds
