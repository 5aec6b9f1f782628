"""Sphinx configuration of the vegafigs docs (``sphinx-build -W docs docs/_build/html``).

Pages are Markdown (MyST); figures are built while the docs are built, by the
``vegafigs`` directive of :mod:`vegafigs.sphinx`, and drawn offline (vega, vega-lite,
vega-embed and the fonts are copied into ``_static``). The API reference comes from the
numpy-style docstrings (napoleon); the glossary from ``vegafigs._params.VOCABULARY``
(``_ext/vegafigs_docs.py``). Nothing is fetched: no intersphinx, no CDN.
"""

from __future__ import annotations

import sys
from importlib.metadata import version as _version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

project = "vegafigs"
author = "the vegafigs developers"
copyright = "2026, the vegafigs developers"  # noqa: A001
# Not `import vegafigs` here: a process that started vl-convert must not fork readers.
release = _version("vegafigs")
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "vegafigs.sphinx",
    "vegafigs_docs",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "README.md"]

myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

napoleon_numpy_docstring = True
napoleon_google_docstring = True
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the numpy docstrings give the types
autodoc_default_options = {"members": True}

html_theme = "furo"
html_title = f"vegafigs {release}"
html_last_updated_fmt = None  # same bytes on every build
html_copy_source = False
html_show_sourcelink = False
html_static_path: list[str] = []
