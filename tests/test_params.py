"""The parameter vocabulary: declared once, followed by every figure and layer, documented."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest

import vegafigs as vf
from vegafigs._params import VOCABULARY, declared, glossary_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"
#: Parameters that are data, not options (checked against the frame in the body).
DATA = {"df", "runs", "stats", "values"}


def _public(module) -> list:
    return [getattr(module, n) for n in module.__all__ if inspect.isfunction(getattr(module, n))]


FUNCTIONS = _public(vf.figures) + _public(vf.layers)


def test_docs_glossary_is_the_vocabulary():
    """The docs' glossary is generated from VOCABULARY: one term per name, with its meaning."""
    page = (DOCS / "reference" / "glossary.md").read_text(encoding="utf-8")
    assert ".. vegafigs-glossary::" in page, "docs/reference/glossary.md lost its glossary"
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        from vegafigs_docs import glossary_rst
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    lines = glossary_rst()
    for name, spec in VOCABULARY.items():
        i = lines.index(f"   {name}")
        assert lines[i + 1].strip().startswith(spec.doc)


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
