"""Every public function, class and method documents each of its parameters.

The API reference (docs/api/) is built from these docstrings with Sphinx's napoleon
(numpy style): a ``Parameters`` section lists every parameter of the signature, each
with a description, and nothing that is not a parameter. A class documents its
constructor's parameters in the class docstring.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

#: The modules of the API reference; each lists its public names in ``__all__``.
API_MODULES = [
    "vegafigs",
    "vegafigs.figures",
    "vegafigs.layers",
    "vegafigs.transforms",
    "vegafigs.io",
    "vegafigs.io.scan",
    "vegafigs.themes",
    "vegafigs.export",
    "vegafigs.frames",
    "vegafigs.testing",
    "vegafigs.gallery",
    "vegafigs.demo",
    "vegafigs.engines",
]
_SECTIONS = ("Parameters", "Other Parameters")
_UNDERLINE = re.compile(r"^-{3,}$")


def _members(cls: type) -> Iterator[tuple[str, Callable[..., Any]]]:
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if inspect.isfunction(value):
            yield f"{cls.__name__}.{name}", value


def public_callables() -> dict[str, tuple[Callable[..., Any], str]]:
    """``qualified name -> (callable, docstring that documents its parameters)``."""
    found: dict[str, tuple[Callable[..., Any], str]] = {}
    for module_name in API_MODULES:
        module = importlib.import_module(module_name)
        assert hasattr(module, "__all__"), f"{module_name} has no __all__"
        for name in module.__all__:
            obj = getattr(module, name)
            if not getattr(obj, "__module__", "").startswith("vegafigs"):
                continue
            origin = f"{obj.__module__}.{getattr(obj, '__qualname__', name)}"
            if inspect.isfunction(obj):
                found.setdefault(origin, (obj, inspect.getdoc(obj) or ""))
            elif inspect.isclass(obj) and not issubclass(obj, BaseException):
                found.setdefault(origin, (obj, inspect.getdoc(obj) or ""))
                for qual, method in _members(obj):
                    found.setdefault(f"{obj.__module__}.{qual}", (method, method.__doc__ or ""))
    return found


def documented(doc: str) -> dict[str, str]:
    """The parameters a numpy-style docstring lists, each with its description."""
    lines = inspect.cleandoc(doc).splitlines()
    params: dict[str, str] = {}
    i = 0
    while i < len(lines):
        if lines[i].strip() in _SECTIONS and i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1]):
            i += 2
            current: list[str] = []
            while i < len(lines):
                line = lines[i]
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                if line and not line[0].isspace() and _UNDERLINE.match(nxt.strip()):
                    break  # the next section
                if line and not line[0].isspace():
                    current = [n.strip() for n in line.split(" : ")[0].split(",")]
                    for n in current:
                        params[n] = ""
                elif line.strip():
                    for n in current:
                        params[n] = (params[n] + " " + line.strip()).strip()
                i += 1
            continue
        i += 1
    return params


def expected(fn: Callable[..., Any]) -> list[str]:
    """The names a docstring must list: ``*args`` / ``**kwargs`` with their stars."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    names = []
    for p in sig.parameters.values():
        if p.name in ("self", "cls"):
            continue
        star = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        names.append(star + p.name)
    return names


API = public_callables()


def test_the_reference_is_not_empty():
    assert len(API) > 100
    assert "vegafigs.figures.bar_trend.bar_trend" in API


@pytest.mark.parametrize("qualname", sorted(API))
def test_every_parameter_is_documented(qualname):
    fn, doc = API[qualname]
    want = expected(fn)
    have = documented(doc)
    missing = [n for n in want if n not in have]
    stale = [n for n in have if n not in want]
    empty = [n for n in want if n in have and not have[n]]
    assert not missing, f"{qualname}: parameters not in its Parameters section: {missing}"
    assert not stale, f"{qualname}: Parameters lists names it does not take: {stale}"
    assert not empty, f"{qualname}: parameters with no description: {empty}"


@pytest.mark.parametrize("qualname", sorted(API))
def test_defaults_read_the_same_in_every_build(qualname):
    """No default shows a memory address (``<object object at 0x...>``) in the reference."""
    try:
        sig = inspect.signature(API[qualname][0])
    except (TypeError, ValueError):
        return
    shown = [f"{p.name}={p.default!r}" for p in sig.parameters.values() if p.default is not p.empty]
    assert not [s for s in shown if " at 0x" in s], shown
