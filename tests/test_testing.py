"""vegafigs.testing: golden specs do not depend on Altair's patch version ($schema URL)."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

from vegafigs.testing import assert_spec_matches, normalize_schema

VL = "https://vega.github.io/schema/vega-lite/"


def _chart(y):
    return alt.Chart(pd.DataFrame({"x": [1, 2], "y": y})).mark_line().encode(x="x:Q", y="y:Q")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (VL + "v6.4.1.json", VL + "v6.json"),
        (VL + "v6.1.json", VL + "v6.json"),
        (VL + "v6.json", VL + "v6.json"),
        (VL + "v5.20.1.json", VL + "v5.json"),
        (
            "https://vega.github.io/schema/vega/v5.33.0.json",
            "https://vega.github.io/schema/vega/v5.json",
        ),
        ("https://example.org/my-schema.json", "https://example.org/my-schema.json"),
    ],
)
def test_normalize_schema(url, expected):
    spec = {"$schema": url, "mark": "point"}
    assert normalize_schema(spec) == {"$schema": expected, "mark": "point"}
    assert spec["$schema"] == url  # not changed in place


def test_normalize_schema_without_schema():
    assert normalize_schema({"mark": "point"}) == {"mark": "point"}


def test_golden_file_is_written_with_the_major_schema(tmp_path):
    path = tmp_path / "c.vl.json"
    assert_spec_matches(_chart([1, 2]), path, update=True)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["$schema"] == f"{VL}v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}.json"


@pytest.mark.parametrize("version", ["v6.0.0", "v6.4.1", "v6.99.7", "v6"])
def test_other_patch_version_in_golden_or_chart_matches(tmp_path, version):
    path = tmp_path / "c.vl.json"
    spec = _chart([1, 2]).to_dict()
    old = dict(spec, **{"$schema": f"{VL}{version}.json"})
    path.write_text(json.dumps(old, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    before = path.read_bytes()
    assert_spec_matches(_chart([1, 2]), path)  # golden written by another Altair patch
    assert_spec_matches(old, path)  # chart made by another Altair patch
    assert path.read_bytes() == before  # a match does not rewrite the file
    with pytest.raises(AssertionError, match="differs"):
        assert_spec_matches(_chart([1, 3]), path)


def test_other_major_version_differs(tmp_path):
    path = tmp_path / "c.vl.json"
    spec = _chart([1, 2]).to_dict()
    path.write_text(json.dumps(dict(spec, **{"$schema": f"{VL}v5.20.1.json"})), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"(?s)differs.*v5\.json"):
        assert_spec_matches(_chart([1, 2]), path)


def _selection_chart(threshold_first: bool):
    df = pd.DataFrame({"x": [1, 2, 3], "y": [1, 3, 2]})
    if threshold_first:
        limit = alt.param(value=2)
        pick = alt.selection_point(fields=["x"])
    else:
        pick = alt.selection_point(fields=["x"])
        limit = alt.param(value=2)
    base = alt.Chart(df).mark_point().encode(x="x:Q", y="y:Q")
    chart = base.add_params(pick, limit).transform_filter(alt.datum.y <= limit)
    return alt.hconcat(
        chart, base.encode(opacity=alt.condition(pick, alt.value(1), alt.value(0.2)))
    )


def test_generated_names_do_not_change_the_snapshot(tmp_path):
    """Altair's view/param names depend on the release and on what the process made before."""
    from vegafigs.testing import normalize_spec, snapshot_text

    first, second = _selection_chart(True), _selection_chart(False)
    text = snapshot_text(first)
    assert "param_1" in text and "view_1" in text
    assert not re.search(r"(view|param)_[0-9a-f]{16}", text)
    assert snapshot_text(second) == text
    spec = first.to_dict()
    assert normalize_spec(spec) == json.loads(text)
    # Names are renamed everywhere they occur, expressions included, consistently.
    flat = json.dumps(normalize_spec(spec))
    assert "datum.y <= param_" in flat or "datum['y'] <= param_" in flat or "<= param_" in flat
    path = tmp_path / "s.vl.json"
    assert_spec_matches(first, path, update=True)
    assert_spec_matches(second, path)


def test_snapshot_pictures_use_bundled_fonts_only():
    from vegafigs.errors import SnapshotError
    from vegafigs.testing._snapshot import bundled_fonts_only

    spec = {
        "config": {"font": "Helvetica, Arial, DejaVu Sans", "title": {"font": "serif"}},
        "mark": {"type": "text", "font": "'Times New Roman', STIXGeneral"},
        "encoding": {"text": {"value": "a"}},
        "datasets": {"d": [{"font": "Arial"}]},
    }
    out = bundled_fonts_only(spec)
    assert out["config"]["font"] == "DejaVu Sans"
    assert out["config"]["title"]["font"] == "DejaVu Serif"
    assert out["mark"]["font"] == "STIXGeneral"
    assert out["datasets"] == spec["datasets"]  # data is not a font setting
    assert spec["config"]["font"] == "Helvetica, Arial, DejaVu Sans"  # not changed in place
    with pytest.raises(SnapshotError, match=r"'Comic Sans MS' at spec\.mark\.font.*bundled"):
        bundled_fonts_only({"mark": {"type": "text", "font": "Comic Sans MS"}})


_UNTRUSTED = {
    "data url": {"data": {"url": "http://127.0.0.1:9/secret.csv"}, "mark": "point"},
    "local file": {"data": {"url": "/etc/passwd", "format": {"type": "csv"}}, "mark": "text"},
    "image url": {
        "data": {"values": [{"u": "http://127.0.0.1:9/x.png"}]},
        "mark": "image",
        "encoding": {"url": {"field": "u", "type": "nominal"}},
    },
}


@pytest.mark.parametrize("what", sorted(_UNTRUSTED))
@pytest.mark.parametrize("helper", ["scene_items", "drawn_texts"])
def test_scenegraph_helpers_treat_the_spec_as_untrusted(helper, what):
    """A snapshot helper never fetches or inlines what the spec points at (as save does)."""
    import vegafigs.testing as t
    from vegafigs.errors import ExportError

    with pytest.raises(ExportError, match=r"spec\["):
        getattr(t, helper)({"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
                            **_UNTRUSTED[what]})  # fmt: skip
