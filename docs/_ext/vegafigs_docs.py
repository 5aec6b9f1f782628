"""Directives of the vegafigs docs only (not part of the package).

``vegafigs-glossary``: the parameter vocabulary (``vegafigs._params.VOCABULARY``) as a
Sphinx glossary, so ``:term:`width_in``` in any docstring links to its entry and the
glossary can never drift from the checks.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from vegafigs._params import VOCABULARY, accepts


def glossary_rst() -> list[str]:
    """The vocabulary as the lines of a reST ``glossary`` directive."""
    lines = [".. glossary::", ""]
    for name, spec in VOCABULARY.items():
        lines += [f"   {name}", f"      {spec.doc}. Accepts: {accepts(spec)}.", ""]
    return lines


class VocabularyGlossary(SphinxDirective):
    """``.. vegafigs-glossary::``: one glossary term per vocabulary name.

    A reST directive: from MyST, put it in an ``{eval-rst}`` block (its body is parsed
    as reST by the page's own parser).
    """

    has_content = False

    def run(self) -> list[nodes.Node]:
        lines = glossary_rst()
        box = nodes.container()
        self.state.nested_parse(StringList(lines, source="VOCABULARY"), self.content_offset, box)
        return box.children


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("vegafigs-glossary", VocabularyGlossary)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
