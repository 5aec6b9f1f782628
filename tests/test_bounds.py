"""Resource bounds (issue 11 item 2): dpi, pixels, view size, spec size and depth, inline data."""

from __future__ import annotations

import json

import altair as alt
import pytest
import vl_convert as vlc

import vegafigs as vf
from vegafigs import _limits
from vegafigs.cli import main
from vegafigs.errors import ExportError
from vegafigs.export import render, render_spec, to_spec, validate_spec

ENC = {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}


def _spec(**extra):
    return {"data": {"values": [{"x": 1, "y": 2}, {"x": 3, "y": 1}]}, "mark": "point",
            "encoding": ENC, **extra}  # fmt: skip


def _chart():
    return alt.Chart(alt.Data(values=[{"x": 1, "y": 2}])).mark_point().encode(x="x:Q", y="y:Q")


def _nested_layers(n):
    spec = {"mark": "point", "encoding": ENC}
    for _ in range(n):
        spec = {"layer": [spec]}
    return {**spec, "data": {"values": [{"x": 1, "y": 2}]}}


@pytest.mark.parametrize("dpi", [1e6, 30000, 2401, 5, 0, float("nan"), float("inf"), -300])
def test_dpi_out_of_range_is_refused_before_any_work(tmp_path, dpi):
    with pytest.raises(ExportError, match=r"dpi: expected a positive number from 10 to 2400"):
        vf.save(_chart(), tmp_path / "f.png", dpi=dpi)
    assert not list(tmp_path.iterdir())


def test_png_over_the_pixel_limit_is_refused_before_rasterising(tmp_path):
    spec = _spec(width=5000, height=5000)
    with pytest.raises(ExportError, match=r"png: the image would be .* at most 100 megapixels"):
        vf.save(spec, tmp_path / "f.png", dpi=300)
    assert not list(tmp_path.iterdir())


def test_png_bytes_are_those_of_vl_convert():
    spec = to_spec(_chart())
    assert render_spec(spec, "png", dpi=144) == vlc.vegalite_to_png(spec, ppi=144)


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "html"])
def test_a_huge_declared_width_is_refused_for_every_format(fmt):
    with pytest.raises(ExportError, match=r"\$\.hconcat\[1\]\.width is 200000 px; at most 14400"):
        render({"hconcat": [_spec(), _spec(width=200_000)]}, fmt)
    with pytest.raises(ExportError, match=r"\$\.config\.view\.continuousWidth is 1e\+09 px"):
        render_spec(_spec(config={"view": {"continuousWidth": 1e9}}), fmt)


def test_view_limits_for_svg_and_pdf():
    _limits.check_view(14_400, 6_000, "svg")
    with pytest.raises(
        ExportError, match=r"pdf: the view is 14401 x 10 px; at most 14400 px a side"
    ):
        _limits.check_view(14_401, 10, "pdf")
    with pytest.raises(ExportError, match="at most 14400 px a side and 100 megapixels"):
        _limits.check_view(12_000, 12_000, "svg")


@pytest.mark.parametrize("layers", [60, 150])
def test_deeply_nested_layers_are_refused(layers, tmp_path):
    with pytest.raises(ExportError, match="nested deeper than 100 levels at \\$.layer\\[0\\]"):
        vf.save(_nested_layers(layers), tmp_path / "f.svg")
    with pytest.raises(ExportError, match="nested deeper than 100 levels"):
        render_spec(_nested_layers(layers), "html")


def test_nesting_within_the_limit_renders():
    assert render(_nested_layers(40), "svg").startswith(b"<svg")


def _render_cli(tmp_path, text, capsys):
    path = tmp_path / "s.vl.json"
    path.write_text(text) if isinstance(text, str) else path.write_bytes(text)
    rc = main(["render", str(path), "-o", str(tmp_path / "out.svg")])
    err = capsys.readouterr().err
    assert not (tmp_path / "out.svg").exists()
    return rc, err


@pytest.mark.parametrize("depth", [10**6, 5000, 101])
def test_cli_spec_nested_too_deep_is_exit_2(tmp_path, capsys, depth):
    rc, err = _render_cli(tmp_path, '{"layer": ' + "[" * depth + "]" * depth + "}", capsys)
    assert rc == 2
    assert "s.vl.json" in err and "nested deeper than 100 levels" in err
    assert "Traceback" not in err


def test_cli_150_nested_layers_is_exit_2(tmp_path, capsys):
    rc, err = _render_cli(tmp_path, json.dumps(_nested_layers(150)), capsys)
    assert rc == 2 and "s.vl.json" in err and "nested deeper than 100 levels" in err


def test_cli_spec_file_over_the_size_limit(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(_limits, "MAX_SPEC_BYTES", 1000)
    rc, err = _render_cli(tmp_path, json.dumps(_spec(title="x" * 2000)), capsys)
    assert rc == 2 and "s.vl.json" in err and "larger than" in err


def test_cli_still_reports_json_and_utf8_errors(tmp_path, capsys):
    rc, err = _render_cli(tmp_path, '{"mark": ', capsys)
    assert rc == 2 and "not valid JSON (line 1, column 10" in err
    rc, err = _render_cli(tmp_path, b'{"mark": "\xff"}', capsys)
    assert rc == 2 and "not a text file (byte 10 is not UTF-8)" in err


def test_cli_renders_a_big_inline_data_spec(tmp_path, capsys):
    rows = [{"x": i, "y": i % 7} for i in range(20_000)]
    path = tmp_path / "big.vl.json"
    path.write_text(json.dumps({**_spec(), "data": {"values": rows}, "mark": "line"}))
    assert main(["render", str(path), "-o", str(tmp_path / "big.svg")]) == 0
    assert (tmp_path / "big.svg").read_bytes().startswith(b"<svg")


# -- validation with the data elided ---------------------------------------------------


def _many_rows(n=50_000):
    return [{"x": i, "y": -i} for i in range(n)]


def test_schema_errors_outside_the_data_are_still_found():
    spec = {"data": {"values": _many_rows()}, "mark": "pointy", "encoding": ENC}
    with pytest.raises(ExportError, match=r"spec: not a valid Vega-Lite spec at \$\.mark"):
        validate_spec(spec)
    bad_enc = {**_spec(), "encoding": {"x": {"field": "x", "type": "quantity"}}}
    with pytest.raises(ExportError, match=r"at \$\.encoding\.x"):
        validate_spec(bad_enc)


V = r"\$\.data\.values"
BAD_DATA = [
    ({"data": {"values": 5}}, V + ": expected a list of rows"),
    ({"data": {"values": None}}, V + ": expected a list of rows"),
    ({"data": {"values": [*_many_rows(999), 5]}}, V + r"\[999\]: expected an object like row 0"),
    ({"data": {"values": [1, 2, "three"]}}, V + r"\[2\]: expected a number like row 0"),
    ({"data": {"values": [True, 1]}}, V + r"\[1\]: expected a boolean like row 0"),
    ({"data": {"values": [None, None]}}, V + r"\[0\]: expected a row"),
    ({"data": {"values": [[1], [2]]}}, V + r"\[0\]: expected a row"),
    ({"data": {"name": "d"}, "datasets": {"d": [{"x": 1}, [2]]}}, r"\$\.datasets\.d\[1\]: expe"),
    ({"layer": [{"data": {"values": [{"x": 1}, "a"]}}]}, r"\$\.layer\[0\]\.data\.values\[1\]"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "where"), BAD_DATA)
def test_bad_data_rows_are_found(data, where):
    spec = {"mark": "point", "encoding": ENC, **data}
    with pytest.raises(ExportError, match=where):
        validate_spec(spec, source="chart")


@pytest.mark.parametrize(
    "values",
    [_many_rows(), [1, 2.5, 3], ["a", "b"], [True, False], [], "x,y\n1,2\n", {"rows": [{"x": 1}]}],
)
def test_good_data_is_accepted(values):
    spec = {"data": {"values": values}, "mark": "point", "encoding": ENC}
    assert validate_spec(spec) is spec


def test_elided_data_keeps_the_rest_of_the_spec():
    spec = {"data": {"values": _many_rows(), "format": {"type": "json"}}, "mark": "point",
            "datasets": {"d": _many_rows(10)}, "layer": [{"data": {"values": "a\n1"}}]}  # fmt: skip
    small = _limits.elide_data(spec)
    assert small["data"] == {"format": {"type": "json"}, "values": _many_rows(3)}
    assert small["datasets"] == {"d": _many_rows(3)}
    assert small["layer"] == spec["layer"] and small["mark"] == "point"
    assert len(spec["data"]["values"]) == 50_000  # the input is not changed


def test_data_too_big_for_vl_convert_is_refused_not_a_crash(tmp_path):
    rows = [{"x": i, "y": i, "z": i} for i in range(_limits.MAX_RENDER_VALUES // 3 + 1)]
    spec = {"data": {"values": rows}, "mark": "point", "encoding": ENC}
    for fmt in ("png", "svg", "pdf"):
        with pytest.raises(ExportError, match=f"{fmt}: the inline data holds more than 1000000"):
            vf.save(spec, tmp_path / f"f.{fmt}")
    csv = "x,y\n" + "1,2\n" * (_limits.MAX_RENDER_VALUES // 2 + 1)
    with pytest.raises(ExportError, match=r"reached at \$\.data\.values"):
        render_spec({"data": {"values": csv, "format": {"type": "csv"}}, "mark": "point"}, "svg")
    seq = {"data": {"sequence": {"start": 0, "stop": 1e9, "as": "x"}}, "mark": "point"}
    with pytest.raises(ExportError, match=r"\$\.data\.sequence makes 1000000000 rows"):
        render(seq, "png")
    assert not list(tmp_path.iterdir())


def test_html_page_of_a_deep_dict_is_an_export_error():
    with pytest.raises(ExportError, match="nested deeper than 100 levels"):
        vf.export.html_page(_nested_layers(150))
