"""Safe to embed: escaped pages, no external references, external data refused unless allowed."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs import export
from vegafigs.cli import main
from vegafigs.errors import ExportError
from vegafigs.external import external_refs, localize_data
from vegafigs.gallery import FIGURES, render_gallery
from vegafigs.pages import PageFigure, index_page

INJECTION = "</script><script>alert(1)</script>"
SPECS = Path(__file__).resolve().parent.parent / "specs"


class _Scripts(HTMLParser):
    """Collects every <script> element (attributes and text) and the <title> text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append((dict(attrs), ""))
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script" and self.scripts:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        elif self._in == "title":
            self.title += data


def _parse(page: str) -> _Scripts:
    p = _Scripts()
    p.feed(page)
    return p


def _injected_chart() -> alt.Chart:
    df = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2], "who": [INJECTION, "a&b", "<!--"]})
    return (
        alt.Chart(df)
        .mark_point()
        .encode(x="x:Q", y="y:Q", tooltip=["who:N"])
        .properties(title=INJECTION, config=vf.paper())
    )


def test_figure_page_keeps_injection_as_text():
    chart = _injected_chart()
    page = export.html_page(chart)
    assert INJECTION not in page and '<!--"' not in page
    parsed = _parse(page)
    # Exactly the three scripts vegafigs writes: bundle, JSON island, embed call.
    assert len(parsed.scripts) == 3
    assert parsed.title == INJECTION  # shown as text in the tab
    (island,) = [text for attrs, text in parsed.scripts if attrs.get("id") == "vegafigs-spec"]
    # The data round-trips unchanged (font stacks name their bundled family first).
    from vegafigs.webfonts import prefer_bundled_fonts

    assert json.loads(island) == prefer_bundled_fonts(vf.to_spec(chart))


def test_index_page_keeps_injection_as_text():
    spec = vf.to_spec(_injected_chart())
    fig = PageFigure(INJECTION, INJECTION, INJECTION, spec, ((INJECTION, f"{INJECTION}.png"),))
    page = index_page([fig, fig], title=INJECTION)
    assert INJECTION not in page
    parsed = _parse(page)
    # One island per figure and the gallery's shared script: no inline script at all.
    assert len(parsed.scripts) == 3
    assert [a for a, _ in parsed.scripts if "src" in a] == [{"src": "vegafigs-embed.js"}]
    assert "vegaEmbed" not in page and "'unsafe-inline'; style-src" not in page
    islands = [text for attrs, text in parsed.scripts if attrs.get("class") == "vegafigs-spec"]
    assert [json.loads(t) for t in islands] == [spec, spec]
    assert parsed.title == INJECTION


def test_gallery_pages_share_one_bundle_and_link_written_files(tmp_path):
    written = render_gallery(tmp_path, formats="json,html", only=list(FIGURES))
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert tmp_path / "index.html" in written and tmp_path / "vegafigs-embed.js" in written
    bundle = export._js_bundle()
    # One copy of the bundle, in the shared script file; no page carries its own.
    shared = (tmp_path / "vegafigs-embed.js").read_text(encoding="utf-8")
    assert shared.count(bundle[:200]) == 1
    for page in [index, *((tmp_path / f"{name}.html").read_text() for name in FIGURES)]:
        assert bundle[:200] not in page and "http://" not in page
        assert page.count("<script src") == 1 and '<script src="vegafigs-embed.js">' in page
    for name, fig in FIGURES.items():
        assert f'href="{name}.vl.json"' in index and f'href="{name}.html"' in index
        assert f'href="{name}.png"' not in index  # not written in this run
        assert fig.title in index
    parsed = _parse(index)
    islands = [t for a, t in parsed.scripts if a.get("class") == "vegafigs-spec"]
    assert len(islands) == len(FIGURES)


@pytest.mark.parametrize("name", list(FIGURES))
def test_gallery_specs_reference_no_url_or_file(name):
    spec = vf.to_spec(FIGURES[name].build())
    assert external_refs(spec) == []
    golden = SPECS / f"{name}.vl.json"
    assert external_refs(json.loads(golden.read_text(encoding="utf-8"))) == []
    # Belt and braces: no key anywhere is a "url", and no string is a URL to load.
    text = golden.read_text(encoding="utf-8")
    assert '"url"' not in text
    assert not re.search(r'"(https?:)?//(?!vega\.github\.io/schema/)', text)


def test_external_refs_finds_every_place_and_skips_inline_data():
    spec = {
        "data": {"values": [{"url": "https://not-a-ref.example"}]},
        "datasets": {"d": [{"url": "x"}]},
        "layer": [
            {"data": {"url": "a.csv"}, "mark": "point"},
            {"mark": {"type": "image", "url": "pic.png"}},
            {"mark": "image", "encoding": {"url": {"field": "img", "type": "nominal"}}},
        ],
        "transform": [{"lookup": "k", "from": {"data": {"url": "b.json"}, "key": "k"}}],
    }
    assert external_refs(spec) == [
        ('spec["layer"][0]["data"]["url"]', "a.csv"),
        ('spec["layer"][1]["mark"]["url"]', "pic.png"),
        ('spec["layer"][2]["encoding"]["url"]', {"field": "img", "type": "nominal"}),
        ('spec["transform"][0]["from"]["data"]["url"]', "b.json"),
    ]


def test_local_files_inside_the_folder_are_inlined(tmp_path):
    (tmp_path / "runs.csv").write_text("a,b\n1,2\n3,4\n")
    (tmp_path / "pic.png").write_bytes(b"\x89PNG fake")
    spec = {
        "layer": [
            {"data": {"url": "runs.csv"}, "mark": "point"},
            {"data": {"url": "data:text/csv,a%0A1"}, "mark": "point"},
            {"mark": {"type": "image", "url": str(tmp_path / "pic.png")}},
        ]
    }
    out = localize_data(spec, base_dir=tmp_path, allow_data_dirs=[tmp_path])
    assert out["layer"][0]["data"] == {"values": "a,b\n1,2\n3,4\n", "format": {"type": "csv"}}
    assert out["layer"][1]["data"]["url"].startswith("data:")  # inline already
    assert out["layer"][2]["mark"]["url"].startswith("data:image/png;base64,")
    assert spec["layer"][0]["data"] == {"url": "runs.csv"}  # the input is not changed


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://example.com/a.csv", "loads data from the URL"),
        ("HTTP://EXAMPLE.COM/a.csv", "loads data from the URL"),
        ("//example.com/a.csv", "loads data from the URL"),
        ("ftp://example.com/a.csv", "loads data from the URL"),
        ("file:///etc/hostname", "outside the folders allowed for data"),
        ("/etc/hostname", "outside the folders allowed for data"),
        ("../up.csv", "outside the folders allowed for data"),
        ("sub/../../up.csv", "outside the folders allowed for data"),
    ],
)
def test_external_data_refused_by_default(tmp_path, url, message):
    spec = {"data": {"url": url}, "mark": "point"}
    with pytest.raises(ExportError, match=message):
        localize_data(spec, base_dir=tmp_path, allow_data_dirs=[tmp_path])
    if message.startswith("loads"):  # allowed URLs are kept as they are
        assert localize_data(spec, base_dir=tmp_path, allow_external_data=True) == spec


def test_url_from_data_is_refused():
    spec = {"mark": "image", "encoding": {"url": {"field": "img", "type": "nominal"}}}
    with pytest.raises(ExportError, match="takes its URL from the data"):
        localize_data(spec)


def test_symlink_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text("a\n1\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "link.csv").symlink_to(outside / "secret.csv")
    with pytest.raises(ExportError, match="link.csv' \\(a link to .*secret.csv'\\), outside"):
        localize_data(
            {"data": {"url": "link.csv"}, "mark": "point"}, base_dir=work, allow_data_dirs=[work]
        )


def test_vl_convert_is_the_second_guard(monkeypatch, tmp_path):
    # Even if the first check were bypassed, vl-convert is given no allowed base URL.
    monkeypatch.setattr(export, "localize_data", lambda spec, **kw: spec)
    spec = {"data": {"url": "https://example.com/a.csv"}, "mark": "point"}
    with pytest.raises(ExportError, match="External data url not allowed"):
        vf.save(spec, tmp_path / "f.svg")
    assert list(tmp_path.iterdir()) == []


def _points_drawn(svg: str) -> int:
    return len(re.findall(r'aria-roledescription="point"', svg))


def test_cli_render_inlines_allowed_local_data_and_outside_only_with_flag(tmp_path, monkeypatch):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "runs.csv").write_text("a,b\n1,2\n3,4\n5,1\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "local.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(work)
    enc = {"x": {"field": "a", "type": "quantitative"}, "y": {"field": "b", "type": "quantitative"}}
    near = {"data": {"url": "local.csv"}, "mark": "point", "encoding": enc}
    (work / "in.vl.json").write_text(json.dumps(near))
    assert main(["render", "in.vl.json", "-o", "in.svg"]) == 2  # no folder allowed
    assert not (work / "in.svg").exists()
    assert main(["render", "in.vl.json", "-o", "in.svg", "--allow-data-dir", "."]) == 0
    assert _points_drawn((work / "in.svg").read_text()) == 1

    far = {"data": {"url": str(outside / "runs.csv")}, "mark": "point", "encoding": enc}
    (work / "far.vl.json").write_text(json.dumps(far))
    assert main(["render", "far.vl.json", "-o", "far.svg", "--allow-data-dir", "."]) == 2
    assert not (work / "far.svg").exists()
    assert main(["render", "far.vl.json", "-o", "far.svg", "--allow-external-data"]) == 0
    assert _points_drawn((work / "far.svg").read_text()) == 3
    assert main(["render", "far.vl.json", "-o", "far.html", "--allow-external-data"]) == 0
    assert "5,1" in (work / "far.html").read_text()  # inlined: the page is self-contained
