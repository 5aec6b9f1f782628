from __future__ import annotations

import json
import os

import altair as alt
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs.errors import ExportError

from .conftest import png_array


def _small() -> alt.Chart:
    df = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})
    chart = alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q").properties(width=200, height=100)
    return chart.properties(config=vf.paper(), title="Small </script><b>")


def test_json_is_canonical(tmp_path):
    a = vf.save(_small(), tmp_path / "a.vl.json").read_bytes()
    b = vf.save(_small(), tmp_path / "b.json").read_bytes()
    assert a == b
    text = a.decode()
    assert text.endswith("\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# Same bytes in other processes (other hash seeds), every gallery file and spec_json:
# tests/test_determinism.py::test_every_format_gives_the_same_bytes_in_fresh_processes.


def test_unknown_suffix_lists_supported(tmp_path):
    with pytest.raises(ExportError, match=r"\.vl\.json.*\.png.*\.svg.*\.pdf.*\.html"):
        vf.save(_small(), tmp_path / "fig.jpg")
    assert list(tmp_path.iterdir()) == []


def test_png_dpi_sets_pixel_size(tmp_path):
    lo = png_array(vf.save(_small(), tmp_path / "lo.png", dpi=72).read_bytes())
    hi = png_array(vf.save(_small(), tmp_path / "hi.png", dpi=144).read_bytes())
    assert hi.shape[1] == pytest.approx(2 * lo.shape[1], abs=2)
    assert hi.shape[0] == pytest.approx(2 * lo.shape[0], abs=2)
    from PIL import Image

    with Image.open(tmp_path / "hi.png") as im:
        assert im.info["dpi"][0] == pytest.approx(144, abs=1)


def test_pdf_is_vector_with_embedded_fonts(tmp_path):
    data = vf.save(_small(), tmp_path / "f.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/FontFile" in data  # real text, font embedded
    assert b"/Subtype /Image" not in data  # no raster fallback
    assert b"/ToUnicode" in data  # text is selectable/searchable


def test_svg_has_text(tmp_path):
    svg = vf.save(_small(), tmp_path / "f.svg").read_text()
    assert svg.startswith("<svg") and "<text" in svg


def test_html_is_self_contained_and_escaped(tmp_path):
    page = vf.save(_small(), tmp_path / "f.html").read_text()
    assert "<script src" not in page and "cdn.jsdelivr" not in page
    assert "vegaEmbed" in page
    # The title's </script> must not appear raw inside the page.
    assert "Small </script><b>" not in page
    assert "Small &lt;/script&gt;&lt;b&gt;" in page  # <title>, escaped
    assert "Small \\u003c/script\\u003e\\u003cb\\u003e" in page  # JSON island, escaped


def test_output_folders_are_created(tmp_path):
    out = vf.save(_small(), tmp_path / "a" / "b" / "f.svg")
    assert out.exists()


def test_failed_render_leaves_nothing(tmp_path):
    bad = _small().properties(title=alt.Title("x", font="No Such Font"))
    with pytest.raises(vf.VegafigsError):
        vf.save(bad, tmp_path / "f.png")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_read_only_folder_is_a_clear_error(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(ExportError, match="cannot write"):
            vf.save(_small(), ro / "f.svg")
    finally:
        ro.chmod(0o755)


def test_not_a_chart_is_an_error(tmp_path):
    with pytest.raises(
        ExportError, match="expected an Altair chart, a vegafigs Figure or a Vega-Lite dict"
    ):
        vf.save("not a chart", tmp_path / "f.svg")  # type: ignore[arg-type]


def test_folder_that_is_a_file_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write there"):
        vf.save(_small(), blocker / "f.svg")


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes"], ids=["object", "set", "bytes"])
@pytest.mark.parametrize("how", ["to_spec", "save"])
def test_a_spec_dict_that_is_not_json_is_an_export_error(value, how, tmp_path):
    spec = {"mark": "point", "data": {"values": [{"x": value}]}}
    with pytest.raises(vf.ExportError, match=r"chart: the spec dict is not JSON"):
        if how == "to_spec":
            vf.to_spec(spec)
        else:
            vf.save(spec, tmp_path / "f.svg")
    assert not list(tmp_path.iterdir())


def test_a_circular_spec_dict_is_an_export_error():
    spec: dict = {"mark": "point"}
    spec["usermeta"] = spec
    with pytest.raises(vf.ExportError, match=r"chart"):
        vf.to_spec(spec)
