"""The parameter vocabulary: declared once, followed by every figure and layer, documented."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import vegafigs as vf
from vegafigs._params import VOCABULARY, declared, glossary_markdown

README = Path(__file__).resolve().parents[1] / "README.md"
#: Parameters that are data, not options (checked against the frame in the body).
DATA = {"df", "runs", "stats", "values"}


def _public(module) -> list:
    return [getattr(module, n) for n in module.__all__ if inspect.isfunction(getattr(module, n))]


FUNCTIONS = _public(vf.figures) + _public(vf.layers)


def test_readme_glossary_is_the_vocabulary():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- glossary:start -->\n(.*?)<!-- glossary:end -->", text, re.S)
    assert block, "README has no glossary block"
    assert block.group(1) == glossary_markdown(), "README glossary differs from VOCABULARY"


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
def test_every_option_is_declared_once(fn):
    """Each keyword option is in the vocabulary or declared on the function's @checked."""
    specs = declared(fn)
    assert specs, f"{fn.__name__} is not wrapped by @checked"
    params = inspect.signature(fn).parameters
    undeclared = [
        name
        for name, p in params.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and name not in specs and name not in DATA
    ]
    assert not undeclared, f"{fn.__name__}: options with no declaration: {undeclared}"


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
def test_vocabulary_names_keep_their_meaning(fn):
    """A vocabulary name is never redeclared with a looser check (no None where it has none)."""
    for name, spec in declared(fn).items():
        if name in VOCABULARY and spec is not VOCABULARY[name]:
            assert spec.bad, f"{fn.__name__}.{name} redeclares a vocabulary name without bad values"


def test_glossary_lists_every_entry():
    table = glossary_markdown()
    for name in VOCABULARY:
        assert f"| `{name}` |" in table
