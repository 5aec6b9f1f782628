"""vegafigs.testing._diff.spec_changes: what changed between two specs, by JSON path (issue 12)."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from vegafigs.errors import InputError, VegafigsError
from vegafigs.testing._diff import LABELS, spec_changes

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"


def _spec(name: str) -> dict:
    return json.loads((SPECS / f"{name}.vl.json").read_text(encoding="utf-8"))


def _renamed(spec: dict, old: str, values) -> dict:
    """``spec`` with dataset ``old`` replaced by ``values`` under a new content-hash name,
    as Altair names datasets (every reference renamed too)."""
    new = "data-" + hashlib.md5(json.dumps(values).encode()).hexdigest()
    text = json.dumps(spec).replace(json.dumps(old), json.dumps(new))
    out = json.loads(text)
    out["datasets"][new] = values
    return out


REWARD = "data-0cdba7fa2a48c5a2e89b31abb09aa9b1"  # reward_length, left panel, 1200 CSV rows


def _edit_csv(text: str, row: int, column: str, value: str) -> str:
    lines = text.split("\n")
    col = lines[0].split(",").index(column)
    cells = lines[row + 1].split(",")
    cells[col] = value
    lines[row + 1] = ",".join(cells)
    return "\n".join(lines)


# ---------------------------------------------------------------- the changes users make


def test_equal_specs_give_nothing():
    spec = _spec("reward_length")
    assert spec_changes(spec, copy.deepcopy(spec)) == []
    assert spec_changes({"a": [1, 2]}, {"a": (1, 2)}) == []  # equal as JSON
    assert spec_changes({"a": float("nan")}, {"a": float("nan")}) == []


def test_mark_colour():
    old = _spec("warmup_ablation")
    new = copy.deepcopy(old)
    new["layer"][0]["mark"]["stroke"] = "#d62728"
    assert spec_changes(old, new) == [
        "spec differs: 1 mark",
        "mark  $.layer[0].mark.stroke: '#3A78CC' -> '#d62728'",
    ]


def test_scale_colour_and_nested_concat_path():
    old = _spec("reward_length")
    new = copy.deepcopy(old)
    new["hconcat"][1]["layer"][2]["encoding"]["color"]["scale"]["range"][1] = "#d62728"
    assert spec_changes(old, new) == [
        "spec differs: 1 scale",
        "scale  $.hconcat[1].layer[2].encoding.color.scale.range[1]: '#ff7f0e' -> '#d62728'",
    ]


def test_title():
    old = _spec("training_curve")
    new = {**old, "title": "LiveCodeBench v7"}
    assert spec_changes(old, new) == [
        "spec differs: 1 title",
        "title  $.title: 'LiveCodeBench v6' -> 'LiveCodeBench v7'",
    ]


def test_config_font_size_and_width():
    old = _spec("reward_length")
    new = copy.deepcopy(old)
    new["config"]["axis"]["labelFontSize"] = 10
    new["hconcat"][0]["width"] = 300
    assert spec_changes(old, new) == [
        "spec differs: 1 config, 1 size",
        "config  $.config.axis.labelFontSize: 9 -> 10",
        "size    $.hconcat[0].width: 146.645 -> 300",
    ]


def test_one_csv_data_row_changed_and_renamed_dataset():
    old = _spec("reward_length")
    text = _edit_csv(old["datasets"][REWARD], 5, "value", "361.0")
    new = _renamed(old, REWARD, text)
    assert REWARD not in json.dumps(new)  # every reference now uses the new name
    assert spec_changes(old, new) == [
        "spec differs: 1 data",
        "data  dataset at $.hconcat[0].layer[0] (1200 rows): 1 changed",
        "        row 5: value -0.3901999 -> 361.0",
    ]


def test_csv_row_added_and_removed_are_aligned():
    old = _spec("reward_length")
    lines = old["datasets"][REWARD].split("\n")
    added = [*lines[:101], "GRPO,99.5,1,1,1,1", *lines[101:]]
    assert spec_changes(old, _renamed(old, REWARD, "\n".join(added))) == [
        "spec differs: 1 data",
        "data  dataset at $.hconcat[0].layer[0] (1200 rows -> 1201 rows): 1 added",
        "        + row 100: {run: 'GRPO', step: 99.5, value: 1, smooth: 1, lower: 1, u…}",
    ]
    removed = [*lines[:11], *lines[12:]]
    assert spec_changes(old, _renamed(old, REWARD, "\n".join(removed)))[1:] == [
        "data  dataset at $.hconcat[0].layer[0] (1200 rows -> 1199 rows): 1 removed",
        "        - row 10: {run: 'GRPO', step: 11, value: -0.5313927, smooth: -0.4620…}",
    ]
    # as many rows, one inserted and another removed: aligned, not 200 changed rows
    both = [*lines[:101], "GRPO,99.5,1,1,1,1", *lines[101:300], *lines[301:]]
    assert spec_changes(old, _renamed(old, REWARD, "\n".join(both)))[1] == (
        "data  dataset at $.hconcat[0].layer[0] (1200 rows): 1 added, 1 removed"
    )


def test_altair_records_row_changed_added():
    def chart(df):
        return alt.Chart(df).mark_line().encode(x="step:Q", y="value:Q", color="run:N").to_dict()

    df = pd.DataFrame({"step": [1, 2, 3], "value": [0.5, 0.25, 0.125], "run": ["a", "a", "b"]})
    changed = df.copy()
    changed.loc[1, "value"] = 0.3
    assert spec_changes(chart(df), chart(changed)) == [
        "spec differs: 1 data",
        "data  dataset at $ (3 rows): 1 changed",
        "        row 1: value 0.25 -> 0.3",
    ]
    more = pd.concat([df, pd.DataFrame({"step": [4], "value": [1.0], "run": ["b"]})])
    assert spec_changes(chart(df), chart(more.reset_index(drop=True)))[1:] == [
        "data  dataset at $ (3 rows -> 4 rows): 1 added",
        "        + row 3: {step: 4, value: 1.0, run: 'b'}",
    ]


def test_layer_added_is_one_line():
    old = _spec("reward_length")
    new = copy.deepcopy(old)
    rule = {"mark": {"type": "rule", "color": "red"}, "encoding": {"y": {"datum": 300}}}
    new["hconcat"][0]["layer"].insert(1, rule)
    assert spec_changes(old, new) == [
        "spec differs: 1 mark",
        "mark  + $.hconcat[0].layer[1]: {mark: {type: 'rule', color: 'red'}, encoding: {y: {"
        "datum: …",
    ]
    del new["hconcat"][0]["layer"][3]
    lines = spec_changes(old, new)
    assert lines[0] == "spec differs: 2 mark"
    assert lines[1].startswith("mark  + $.hconcat[0].layer[1]: {mark: {type: 'rule'")
    assert lines[2].startswith("mark  - $.hconcat[0].layer[2]: {mark: {type: 'line'")


def test_labels_axis_legend_encoding_params_transform_other():
    old = _spec("model_scaling")
    new = copy.deepcopy(old)
    layer = new["layer"][1]
    layer["encoding"]["x"]["axis"]["labelAngle"] = 45
    layer["encoding"]["color"]["legend"]["orient"] = "top"
    layer["encoding"]["y"]["field"] = "acc"
    layer["transform"] = [{"filter": "datum.accuracy > 0"}]
    new["params"] = [{"name": "p", "value": 1}]
    new["description"] = "scaling"
    new["height"] = 200
    assert spec_changes(old, new) == [
        "spec differs: 1 encoding, 1 axis, 1 legend, 1 params, 1 transform, 1 size, 1 other",
        "encoding   $.layer[1].encoding.y.field: 'accuracy' -> 'acc'",
        "axis       $.layer[1].encoding.x.axis.labelAngle: 0.0 -> 45",
        "legend     $.layer[1].encoding.color.legend.orient: 'bottom-right' -> 'top'",
        "params     + $.params: [{name: 'p', value: 1}]",
        "transform  + $.layer[1].transform: [{filter: 'datum.accuracy > 0'}]",
        "size       $.height: 302.401 -> 200",
        "other      + $.description: 'scaling'",
    ]


def test_keys_types_lists_and_bracketed_paths():
    old = {"a": {"b": 3, "c": [1, 2], "my-key": 1, "d": 1}, "e": "x"}
    new = {"a": {"c": [1, 2, 3], "my-key": 2, "d": 1.0, "f": None}, "e": 5}
    assert spec_changes(old, new) == [
        "spec differs: 6 other",
        "other  - $.a.b: 3",
        "other  $.a.c: [1, 2] -> [1, 2, 3] (2 -> 3 items)",
        "other  $.a.d: 1 -> 1.0",
        "other  + $.a.f: null",
        'other  $.a["my-key"]: 1 -> 2',
        "other  $.e: 'x' -> 5 (string -> number)",
    ]


def test_long_values_are_cut():
    old = {"title": "x" * 200}
    new = {"title": "y" * 200}
    (line,) = spec_changes(old, new)[1:]
    assert line == f"title  $.title: '{'x' * 58}… -> '{'y' * 58}…"


# ---------------------------------------------------------------- inline data


def test_inline_values_at_any_depth_tsv_and_json_text():
    old = {
        "vconcat": [
            {
                "data": {"values": "a\tb\n1\tx\n2\ty", "format": {"type": "tsv"}},
                "mark": "point",
            },
            {
                "data": {"values": '[{"a": 1}, {"a": 2}]', "format": {"type": "json"}},
                "mark": "bar",
            },
        ]
    }
    new = copy.deepcopy(old)
    new["vconcat"][0]["data"]["values"] = "a\tb\n1\tx\n2\tz"
    new["vconcat"][1]["data"]["values"] = '[{"a": 1}, {"a": 3}]'
    assert spec_changes(old, new) == [
        "spec differs: 2 data",
        "data  dataset at $.vconcat[0] (2 rows): 1 changed",
        "        row 1: b 'y' -> 'z'",
        "data  dataset at $.vconcat[1] (2 rows): 1 changed",
        "        row 1: a 2 -> 3",
    ]


def test_data_cells_compare_as_json_values():
    old = {"data": {"values": [{"x": 1}, {"x": 2}, {"x": True}, {"x": "5"}]}}
    new = {"data": {"values": [{"x": 1.0}, {"x": 2}, {"x": 1}, {"x": 5}]}}
    assert spec_changes(old, new)[1:] == [
        "data  dataset at $ (4 rows): 3 changed",
        "        x: 3 cells changed",
        "          row 0: x 1 -> 1.0",
        "          row 2: x true -> 1",
        "          row 3: x '5' -> 5",
    ]
    csv_old = {"data": {"values": "x\n1\n", "format": {"type": "csv"}}}
    csv_new = {"data": {"values": "x\n1.0\n", "format": {"type": "csv"}}}
    assert spec_changes(csv_old, csv_new)[1:] == [
        "data  dataset at $ (1 row): 1 changed",
        "        row 0: x 1 -> 1.0",  # CSV cells are text: 1 and 1.0 differ
    ]


def test_data_columns_added_removed_and_text_only_change():
    old = {"data": {"values": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]}}
    new = {"data": {"values": [{"a": 1, "c": 2}, {"a": 3, "c": 4}]}}
    assert spec_changes(old, new)[1:] == [
        "data  dataset at $ (2 rows): 1 column added, 1 column removed",
        "        + columns added: c",
        "        - columns removed: b",
    ]
    crlf = {"data": {"values": "a,b\r\n1,2\r\n", "format": {"type": "csv"}}}
    lf = {"data": {"values": "a,b\n1,2\n", "format": {"type": "csv"}}}
    lines = spec_changes(crlf, lf)
    assert lines[1] == "data  dataset at $ (1 row): the same rows, but the text differs"
    assert lines[2].strip().startswith("character 3: ")


def test_datasets_added_removed_and_renamed():
    old = {"datasets": {"d1": [{"a": 1}], "d2": [{"b": 1}]}, "data": {"name": "d1"}}
    new = {"datasets": {"d3": [{"a": 1}], "d4": [{"c": 1}, {"c": 2}]}, "data": {"name": "d3"}}
    assert spec_changes(old, new) == [
        "spec differs: 3 data",
        "data  dataset 'd1' renamed 'd3' at $",
        "data  - dataset 'd2' (1 row; columns b)",
        "data  + dataset 'd4' (2 rows; columns c)",
    ]


def test_dataset_format_change_is_a_data_change():
    old = {"datasets": {"d": "a\n1"}, "data": {"name": "d", "format": {"type": "csv"}}}
    new = {"datasets": {"d": "a\n1"}, "data": {"name": "d", "format": {"type": "tsv"}}}
    assert spec_changes(old, new) == [
        "spec differs: 1 data",
        "data  $.data.format.type: 'csv' -> 'tsv'",
    ]


# ---------------------------------------------------------------- staying short


def _many_layers(n: int) -> dict:
    layers = [{"mark": {"type": "line", "color": "#000000"}} for _ in range(n)]
    return {"title": "t", "layer": layers}


def test_many_changes_are_capped_and_every_label_is_seen():
    old = _many_layers(500)
    new = copy.deepcopy(old)
    for layer in new["layer"]:
        layer["mark"]["color"] = "#ffffff"
    new["title"] = "u"
    lines = spec_changes(old, new)
    assert len(lines) == 60
    assert lines[0] == "spec differs: 500 mark, 1 title"
    assert lines[1] == "mark   $.layer[0].mark.color: '#000000' -> '#ffffff'"
    assert "title  $.title: 't' -> 'u'" in lines
    assert lines[-1] == "... and 443 more changes"
    assert len(spec_changes(old, new, max_lines=5)) == 5
    assert spec_changes(old, new, max_lines=2) == [
        "spec differs: 500 mark, 1 title",
        "... and 501 more changes",
    ]


def test_every_row_and_many_columns_changed_stay_short():
    old_rows = [{f"c{k}": i * k for k in range(100)} for i in range(2000)]
    new_rows = [{f"c{k}": i * k + 1 for k in range(100)} for i in range(2000)]
    lines = spec_changes({"data": {"values": old_rows}}, {"data": {"values": new_rows}})
    assert len(lines) <= 60
    assert lines[1] == "data  dataset at $ (2000 rows): 2000 changed"
    assert lines[2:5] == [
        "        c0: 2000 cells changed",
        "          row 0: c0 0 -> 1",
        "          row 1: c0 0 -> 1",
    ]
    assert lines[-1].strip().startswith("… ")  # the rest counted, not shown


def test_many_datasets_changed_stay_short():
    old = {"datasets": {}, "vconcat": []}
    new = {"datasets": {}, "vconcat": []}
    for k in range(80):
        old["datasets"][f"o{k}"] = [{"x": k}] * 30
        new["datasets"][f"n{k}"] = [{"x": k + 1}] * 30
        old["vconcat"].append({"data": {"name": f"o{k}"}, "mark": "point"})
        new["vconcat"].append({"data": {"name": f"n{k}"}, "mark": "point"})
    lines = spec_changes(old, new, max_lines=60)
    assert len(lines) == 60
    assert lines[0] == "spec differs: 80 data"
    assert lines[1] == "data  dataset at $.vconcat[0] (30 rows): 30 changed"
    assert lines[-1] == "... and 22 more changes"


def test_large_dataset_with_scattered_changes():
    """50,000 rows, every 10th changed and one inserted (plain SequenceMatcher takes minutes)."""
    header = "run,step,value"
    rows = [f"GRPO,{i},{i * 0.37:.4f}" for i in range(50_000)]
    changed = [f"GRPO,{i},0" if i % 10 == 0 else r for i, r in enumerate(rows)]
    changed.insert(100, "PPO,1,1")
    fmt = {"type": "csv"}
    old = {"data": {"values": "\n".join([header, *rows]), "format": fmt}}
    new = {"data": {"values": "\n".join([header, *changed]), "format": fmt}}
    lines = spec_changes(old, new)
    assert lines[1] == "data  dataset at $ (50000 rows -> 50001 rows): 1 added, 5000 changed"
    assert lines[2:] == [
        "        value: 5000 cells changed",
        "          row 0: value 0.0000 -> 0",
        "          row 10: value 3.7000 -> 0",
        "          row 20: value 7.4000 -> 0",
        "        + row 100: {run: 'PPO', step: 1, value: 1}",  # not paired with row 100
    ]


# ---------------------------------------------------------------- determinism, bad input


def test_same_lines_every_time_and_in_every_process():
    old = _spec("reward_length")
    new = _renamed(old, REWARD, _edit_csv(old["datasets"][REWARD], 7, "smooth", "1"))
    new["hconcat"][0]["layer"][2]["mark"]["strokeWidth"] = 3
    new["config"]["legend"]["labelFontSize"] = 12
    first = spec_changes(old, new)
    assert first == spec_changes(old, new)
    assert first == spec_changes(json.loads(json.dumps(old)), json.loads(json.dumps(new)))
    code = (
        "import json, sys; from vegafigs.testing._diff import spec_changes; "
        "a, b = json.load(sys.stdin); print(json.dumps(spec_changes(a, b)))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "123", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps([old, new]),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(out.stdout) == first


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"expected": [1], "actual": {}}, "expected: expected a Vega-Lite spec (a dict), got list"),
        ({"expected": {}, "actual": None}, "actual: expected a Vega-Lite spec (a dict), got None"),
        ({"max_lines": 1}, "max_lines: expected an integer >= 2, got 1"),
        ({"max_lines": True}, "max_lines: expected an integer >= 2, got True"),
        ({"max_lines": 10.0}, "max_lines: expected an integer >= 2, got 10.0"),
        ({"actual": {"a": {1, 2}}}, "actual: expected a JSON-compatible spec; $.a is a set"),
        ({"expected": {"a": object()}, "actual": {"a": object()}}, "expected: expected a JSON"),
        ({"actual": {"data": {"values": [{"x": {1}}]}}}, "inline data holds a non-JSON value"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, message):
    args = {"expected": {"a": 1, "data": {"values": [{"x": 1}]}}, "actual": {"a": 2}, **kwargs}
    with pytest.raises(InputError) as info:
        spec_changes(args.pop("expected"), args.pop("actual"), **args)
    assert isinstance(info.value, VegafigsError)
    assert message in str(info.value)


def test_labels_are_listed_in_group_order():
    assert LABELS[0] == "mark" and LABELS[-1] == "other" and len(set(LABELS)) == 12


def test_one_view_of_a_shared_dataset_gets_new_data():
    """Three layers share a dataset; only the first one's data changes (a new dataset)."""
    old = _spec("reward_length")
    new = copy.deepcopy(old)
    text = _edit_csv(old["datasets"][REWARD], 0, "lower", "-0.6")
    new["datasets"]["data-split"] = text
    new["hconcat"][0]["layer"][0]["data"]["name"] = "data-split"
    assert spec_changes(old, new) == [
        "spec differs: 1 data",
        "data  dataset at $.hconcat[0].layer[0] (1200 rows): 1 changed",
        "        row 0: lower -0.5288408 -> -0.6",
    ]
