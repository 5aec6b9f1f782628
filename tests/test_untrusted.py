"""The trust model: every entry of vegafigs.external.LOADERS refused by default, allowed by flag.

Each case is a spec with one thing that would load or run something; by default
rendering it is an ExportError naming the key path, with ``allow_external_data``
(CLI ``--allow-external-data``) it passes the guard. Local files are inlined only
from ``allow_data_dirs`` folders, never dotfiles or through symlinks leaving them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import vegafigs as vf
from vegafigs import export
from vegafigs.cli import main
from vegafigs.errors import ExportError
from vegafigs.external import LOADERS, localize_data

URL = "http://127.0.0.1:9/x.csv"
ENC = {"x": {"field": "a", "type": "quantitative"}}
UNIT = {"mark": "point", "encoding": ENC}


def _island(page: str) -> dict:
    text = page.split('id="vegafigs-spec">', 1)[1].split("</script>", 1)[0]
    return json.loads(text)


# (case id, spec, key path named in the error)
CASES = [
    ("data-url", {"data": {"url": URL}, **UNIT}, 'spec["data"]["url"]'),
    (
        "layer-data-url",
        {"layer": [{"data": {"values": [{"a": 1}]}, **UNIT}, {"data": {"url": URL}, **UNIT}]},
        'spec["layer"][1]["data"]["url"]',
    ),
    (
        "hconcat-data-url",
        {"hconcat": [{"data": {"url": URL}, **UNIT}]},
        'spec["hconcat"][0]["data"]["url"]',
    ),
    (
        "facet-data-url",
        {"data": {"url": URL}, "facet": {"field": "a"}, "spec": UNIT},
        'spec["data"]["url"]',
    ),
    (
        "repeat-inner-data-url",
        {"repeat": ["a"], "spec": {"data": {"url": URL}, **UNIT}},
        'spec["spec"]["data"]["url"]',
    ),
    (
        "lookup-from-url",
        {
            "data": {"values": [{"a": 1}]},
            "transform": [{"lookup": "a", "from": {"data": {"url": URL}, "key": "a"}}],
            **UNIT,
        },
        'spec["transform"][0]["from"]["data"]["url"]',
    ),
    (
        "topojson-url",
        {"data": {"url": URL, "format": {"type": "topojson", "feature": "f"}}, "mark": "geoshape"},
        'spec["data"]["url"]',
    ),
    ("image-mark-url", {"mark": {"type": "image", "url": URL}}, 'spec["mark"]["url"]'),
    (
        "image-url-channel-value",
        {"mark": "image", "encoding": {"url": {"value": URL}}},
        'spec["encoding"]["url"]',
    ),
    (
        "image-url-channel-field",
        {"mark": "image", "encoding": {"url": {"field": "u", "type": "nominal"}}},
        'spec["encoding"]["url"]',
    ),
    (
        "config-image-url",
        {"config": {"image": {"url": URL}}, **UNIT},
        'spec["config"]["image"]["url"]',
    ),
    (
        "href-channel-value",
        {**UNIT, "encoding": {**ENC, "href": {"value": "https://example.com"}}},
        'spec["encoding"]["href"]',
    ),
    (
        "href-channel-field",
        {**UNIT, "encoding": {**ENC, "href": {"field": "link", "type": "nominal"}}},
        'spec["encoding"]["href"]',
    ),
    (
        "mark-href",
        {"mark": {"type": "point", "href": "https://example.com"}},
        'spec["mark"]["href"]',
    ),
    (
        "config-mark-href",
        {"config": {"mark": {"href": "https://example.com"}}, **UNIT},
        'spec["config"]["mark"]["href"]',
    ),
    (
        "cursor-url",
        {"mark": {"type": "point", "cursor": "url(http://127.0.0.1:9/c.cur), auto"}},
        'spec["mark"]["cursor"]',
    ),
    (
        "cursor-expr",
        {"mark": {"type": "point", "cursor": {"expr": "'url(x)'"}}},
        'spec["mark"]["cursor"]',
    ),
]
EMBED_OPTIONS = {
    "patch-object": {"patch": {"data": [{"name": "evil", "url": URL}]}},
    "patch-url": {"patch": URL},
    "config-url": {"config": URL},
    "loader": {"loader": {"baseURL": "http://127.0.0.1:9/"}},
    "actions-source-header": {"actions": True, "sourceHeader": "<script>alert(1)</script>"},
    "source-footer": {"sourceFooter": "<img src=x onerror=alert(1)>"},
    "editor-url": {"editorUrl": "http://127.0.0.1:9/editor"},
    "i18n": {"i18n": {"SOURCE_ACTION": "<b>x</b>"}},
    "theme": {"theme": "dark"},
    "default-style": {"defaultStyle": "body{background:url(http://127.0.0.1:9/)}"},
    "scale-factor": {"scaleFactor": 1000},
    "mode": {"mode": "vega"},
}
for _name, _opts in EMBED_OPTIONS.items():
    _first = sorted(_opts)[0]
    CASES.append(
        (
            f"embedOptions-{_name}",
            {"data": {"values": [{"a": 1}]}, **UNIT, "usermeta": {"embedOptions": _opts}},
            f'spec["usermeta"]["embedOptions"]["{_first}"]',
        )
    )


#: Specs here are checked whole: give each top level the data the schema requires.
CASES = [(n, s if "data" in s else {"data": {"values": [{"a": 1}]}, **s}, k) for n, s, k in CASES]
#: The Vega-Lite schema refuses these already (a cursor is a keyword): save says so first.
SCHEMA_REFUSES = {"cursor-url": r"not a valid Vega-Lite spec at \$\.mark\.cursor"}


@pytest.mark.parametrize(("name", "spec", "key"), CASES, ids=[c[0] for c in CASES])
def test_refused_by_default_with_the_key_path(name, spec, key, tmp_path):
    hint = "pass allow_external_data=True (CLI: --allow-external-data) to allow it"
    with pytest.raises(ExportError) as err:
        localize_data(spec)
    assert str(err.value).startswith(key + ": ") and hint in str(err.value)
    for out in ("f.html", "f.svg"):
        with pytest.raises(ExportError, match=SCHEMA_REFUSES.get(name, re.escape(key))):
            vf.save(spec, tmp_path / out)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("spec", "key"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_allowed_with_the_flag(spec, key):
    out = localize_data(spec, allow_external_data=True)
    page = export.html_page(spec, allow_external_data=True)
    placed = _island(page)
    if "usermeta" in spec:  # accepted, but the page never hands it to vega-embed
        assert "embedOptions" not in out["usermeta"] and "embedOptions" not in placed["usermeta"]
        assert "usermeta" in spec and "embedOptions" in spec["usermeta"]  # input unchanged
    else:
        assert out == spec and placed == vf.to_spec(spec)


def test_cli_exit_2_names_the_key_and_flag_allows(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    spec = {"data": {"values": [{"a": 1}]}, **UNIT, "usermeta": {"embedOptions": {"patch": URL}}}
    Path("s.vl.json").write_text(json.dumps(spec))
    assert main(["render", "s.vl.json", "-o", "s.html"]) == 2
    err = capsys.readouterr().err
    assert 'spec["usermeta"]["embedOptions"]["patch"]: vega-embed would apply' in err
    assert "--allow-external-data" in err and not Path("s.html").exists()
    assert main(["render", "s.vl.json", "-o", "s.html", "--allow-external-data"]) == 0
    assert URL not in Path("s.html").read_text()  # the patch URL never reaches the page


@pytest.mark.parametrize(
    "bad", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "//h/x"]
)
def test_href_is_http_only_even_when_allowed(bad):
    spec = {"mark": {"type": "point", "href": bad}}
    with pytest.raises(ExportError, match=r'spec\["mark"\]\["href"\]: link target .* not an http'):
        localize_data(spec, allow_external_data=True)
    for good in ("http://example.com/a", "HTTPS://example.com"):
        ok = {"mark": {"type": "point", "href": good}}
        assert localize_data(ok, allow_external_data=True) == ok


def test_plain_cursor_schema_and_locale_load_nothing():
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": [{"a": 1}]},
        "mark": {"type": "point", "cursor": "pointer"},
        "encoding": ENC,
        "config": {
            "locale": {
                "number": {
                    "decimal": ",",
                    "thousands": ".",
                    "grouping": [3],
                    "currency": ["", " €"],
                }
            },
            "lineBreak": "\n",
        },
        "usermeta": {"note": "free text"},
    }
    assert localize_data(spec) == spec
    svg = export.render(spec, "svg")
    assert b"<svg" in svg


def test_loaders_table_has_a_reader_and_rule_per_entry():
    wheres = [entry.where for entry in LOADERS]
    assert len(set(wheres)) == len(wheres)
    assert all(entry.reader and entry.rule for entry in LOADERS)
    assert {"any data.url", "any image url", "any href", "usermeta.embedOptions.*"} <= set(wheres)


# ----------------------------------------------------------------- local files


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A working folder with data/, a .env, .ssh/id_ed25519 and files outside."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "runs.csv").write_text("a\n1\n2\n")
    (tmp_path / "data" / "pic.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "data" / ".env").write_text("TOKEN=secret\n")
    (tmp_path / "data" / ".hidden").mkdir()
    (tmp_path / "data" / ".hidden" / "x.csv").write_text("a\n1\n")
    (tmp_path / ".env").write_text("TOKEN=secret\n")
    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".ssh" / "id_ed25519").write_text("PRIVATE KEY\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "o.csv").write_text("a\n5\n")
    (tmp_path / "data" / "link.csv").symlink_to(tmp_path / "other" / "o.csv")
    (tmp_path / "data" / "env.csv").symlink_to(tmp_path / "data" / ".env")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _data(url: str) -> dict:
    return {"data": {"url": url, "format": {"type": "csv"}}, **UNIT}


def _image(url: str) -> dict:
    return {"data": {"values": [{"a": 1}]}, "mark": {"type": "image", "url": url}}


def test_the_issue_specs_are_refused_without_an_allowed_folder(home):
    for spec, key in (
        (_data(".env"), '["data"]["url"]'),
        (_image(".ssh/id_ed25519"), '["mark"]["url"]'),
    ):
        with pytest.raises(ExportError, match=re.escape(key) + ".*outside the folders allowed"):
            vf.save(spec, home / "f.html")
        # Allowing the working folder does not allow its hidden files.
        with pytest.raises(ExportError, match="a dotfile or a file in a dot-folder"):
            vf.save(spec, home / "f.html", allow_data_dirs=["."])
    assert not (home / "f.html").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("data/.env", "a dotfile or a file in a dot-folder"),
        ("data/.hidden/x.csv", "a dotfile or a file in a dot-folder"),
        ("data/env.csv", "a dotfile or a file in a dot-folder"),  # a link to a dotfile
        ("data/link.csv", r"\(a link to .*o\.csv'\), outside the folders allowed"),
        ("other/o.csv", "outside the folders allowed for data"),
        ("data/../other/o.csv", "outside the folders allowed for data"),
        ("file:///etc/hostname", "outside the folders allowed for data"),
    ],
)
def test_only_visible_files_inside_allowed_folders(home, url, message):
    with pytest.raises(ExportError, match=r'spec\["data"\]\["url"\]: reads .*' + message):
        localize_data(_data(url), allow_data_dirs=["data"])
    # allow_external_data keeps the old behaviour: any local file is inlined.
    assert "values" in localize_data(_data(url), allow_external_data=True)["data"]


def test_allowed_folders_inline_data_and_images(home):
    out = localize_data(_data("data/runs.csv"), allow_data_dirs=[home / "other", "data"])
    assert out["data"] == {"values": "a\n1\n2\n", "format": {"type": "csv"}}
    img = localize_data(_image(str(home / "data" / "pic.png")), allow_data_dirs=["data"])
    assert img["mark"]["url"].startswith("data:image/png;base64,")
    page = export.html_page(_data("data/runs.csv"), allow_data_dirs=["data"])
    assert _island(page)["data"]["values"] == "a\n1\n2\n"


def test_allow_data_dirs_must_be_folders(home):
    with pytest.raises(ExportError, match="allow_data_dirs: 'nope' is not a folder"):
        localize_data(_data("data/runs.csv"), allow_data_dirs=["nope"])


def test_cli_allow_data_dir_is_repeatable(home, capsys):
    spec = {"layer": [_data("data/runs.csv"), _data("other/o.csv")]}
    Path("s.vl.json").write_text(json.dumps(spec))
    assert main(["render", "s.vl.json", "-o", "s.svg", "--allow-data-dir", "data"]) == 2
    err = capsys.readouterr().err
    assert 'spec["layer"][1]["data"]["url"]: reads the local file' in err
    assert "--allow-data-dir FOLDER" in err
    argv = ["render", "s.vl.json", "-o", "s.svg", "--allow-data-dir", "data"]
    assert main([*argv, "--allow-data-dir", "other"]) == 0
    assert Path("s.svg").read_text().count('aria-roledescription="point"') == 3


def test_page_options_are_the_pages_own():
    page = export.html_page({"data": {"values": [{"a": 1}]}, **UNIT})
    assert "actions: false, mode: 'vega-lite', loader: loader" in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src &#x27;none&#x27;" in csp.group(1)
    assert "connect-src data:;" in csp.group(1) and "http:" not in csp.group(1)
    allowed = export.html_page({"data": {"values": [{"a": 1}]}, **UNIT}, allow_external_data=True)
    assert "connect-src data: http: https:" in allowed
