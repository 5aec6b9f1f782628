"""The docs site (docs/): its gallery pages draw the gallery's figures, every figure has one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vegafigs._docs import run_code
from vegafigs.export import to_spec
from vegafigs.gallery import FIGURES

DOCS = Path(__file__).resolve().parents[1] / "docs"
_BLOCK = re.compile(r"^```\{vegafigs\}\n(.*?)^```$", re.S | re.M)


def page_code(path: Path) -> str:
    """The Python code of a page's first ``{vegafigs}`` block (its option lines left out)."""
    block = _BLOCK.search(path.read_text(encoding="utf-8"))
    assert block, f"{path.name} has no {{vegafigs}} block"
    lines = block.group(1).splitlines()
    while lines and (lines[0].startswith(":") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines)


def test_every_gallery_figure_has_a_page():
    pages = {p.stem for p in (DOCS / "gallery").glob("*.md")} - {"index"}
    assert pages == set(FIGURES)
    index = (DOCS / "gallery" / "index.md").read_text(encoding="utf-8")
    for name in FIGURES:
        assert f"\n{name}\n" in index, f"gallery/index.md does not list {name} in its toctree"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_gallery_page_code_draws_the_gallery_figure(name):
    """What a reader copies from the page is exactly the figure the gallery renders."""
    shown = run_code(page_code(DOCS / "gallery" / f"{name}.md"))  # as the directive runs it
    assert to_spec(shown) == to_spec(FIGURES[name].build())


_CALL = re.compile(
    r"`(?:vf\.|vegafigs\.)?(?:(figures|layers|transforms|io|themes)\.)?(\w+)\(([^`]*?)\)`", re.S
)


def _arg_names(args: str) -> list[str]:
    """The parameter names a written-out signature mentions (``a=1, *, b | c=2`` -> a, b, c)."""
    depth, token, tokens = 0, "", []
    for ch in args:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch in ",|" and depth == 0:
            tokens.append(token)
            token = ""
        else:
            token += ch
    tokens.append(token)
    names = []
    for t in tokens:
        name = t.split("=")[0].strip()
        if re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            names.append(name)
    return names


def _signatures() -> list[tuple[str, str, list[str]]]:
    import vegafigs as vf

    found = []
    for page in sorted(DOCS.rglob("*.md")):
        for module, name, args in _CALL.findall(page.read_text(encoding="utf-8")):
            spaces = [getattr(vf, module)] if module else [vf.figures, vf.layers, vf.transforms]
            fn = next((getattr(s, name) for s in spaces if name in getattr(s, "__all__", ())), None)
            if fn is not None and "=" in args:
                found.append((f"{page.relative_to(DOCS)}: {name}", fn, _arg_names(args)))
    return found


_SIGNATURES = _signatures()


@pytest.mark.parametrize(
    "where, fn, names", _SIGNATURES, ids=[f"{w}-{i}" for i, (w, _, _) in enumerate(_SIGNATURES)]
)
def test_signatures_written_in_the_guide_exist(where, fn, names):
    """A signature spelled out in a guide page names only parameters the function takes."""
    import inspect

    params = inspect.signature(fn).parameters
    unknown = [n for n in names if n not in params]
    assert not unknown, f"{where}: no such parameter(s) {unknown}"
