"""KL spaghetti: loader errors, the segment_paths layer and what the figure draws."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vegafigs import demo
from vegafigs.cli import main
from vegafigs.errors import InputError, LoadError
from vegafigs.figures.kl_spaghetti import (
    ALIVE_COLOR,
    BAR,
    DEAD_COLOR,
    kl_spaghetti,
    summary_markdown,
)
from vegafigs.io import KLRuns, load_kl_runs
from vegafigs.layers import segment_paths
from vegafigs.testing import drawn_texts, scene_items, undrawn_texts
from vegafigs.transforms.states import simplify_paths, state_runs

SMALL_ALPHAS = ("0.0", "0.5", "4.0")


def _line_paths(chart) -> list[dict]:
    """Every drawn line path: its mark name, stroke and absolute points."""
    import vl_convert as vlc

    from vegafigs.export import to_spec

    graph = vlc.vegalite_to_scenegraph(to_spec(chart))["scenegraph"]
    paths = []

    def walk(node, ox, oy):
        if node.get("marktype") == "line":
            items = node.get("items", [])
            if items:
                pts = [(ox + i["x"], oy + i["y"]) for i in items]
                stroke = items[0].get("stroke")
                paths.append({"mark": node.get("name"), "stroke": stroke, "pts": pts})
            return
        if "marktype" in node:
            for item in node.get("items", []):
                walk(item, ox, oy)
            return
        x, y = ox + float(node.get("x", 0) or 0), oy + float(node.get("y", 0) or 0)
        for child in node.get("items", []):
            walk(child, x, y)

    walk(graph, 0.0, 0.0)
    return paths


@pytest.fixture(scope="module")
def small_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("kl")
    return demo.kl_runs(root, seed=5, alphas=SMALL_ALPHAS, n_cells=1, prompts_per_cell=6,
                        n_tokens=128)  # fmt: skip


@pytest.fixture(scope="module")
def small_runs(small_root):
    return load_kl_runs(small_root, alphas=SMALL_ALPHAS, model_contains=demo.KL_MODEL)


@pytest.fixture(scope="module")
def small_fig(small_runs):
    return kl_spaghetti(small_runs, window=128)


# ---------------------------------------------------------------- loader
def test_loader_frames_are_tidy(small_runs):
    t = small_runs.trajectories
    assert list(t.columns) == ["traj", "alpha", "cell", "prompt", "gen_len", "n_kl"]
    assert t["alpha"].tolist() == [a for a in SMALL_ALPHAS for _ in range(6)]
    assert set(t["cell"]) == {f"{demo.KL_MODEL}__cell0"}  # _scratch and OtherModel left out
    assert len(small_runs.kl) == t["n_kl"].sum()
    assert list(small_runs.pmass.columns) == ["traj", "fork", "t", "pmass"]


def _copy(src, dst):
    import shutil

    shutil.copytree(src, dst)
    return dst


def test_malformed_json_names_the_file(small_root, tmp_path):
    root = _copy(small_root, tmp_path / "r")
    bad = root / f"{demo.KL_MODEL}__cell0" / "pmass.json"
    bad.write_text('{"computed": true, "fork_points": [0, 16')
    with pytest.raises(LoadError, match=r"pmass\.json: not valid JSON \(line 1"):
        load_kl_runs(root, alphas=["0.5"], model_contains=demo.KL_MODEL)


@pytest.mark.parametrize("what", ["prompts", "forks"])
def test_lists_of_different_lengths_name_cell_and_alpha(small_root, tmp_path, what):
    root = _copy(small_root, tmp_path / "r")
    path = root / f"{demo.KL_MODEL}__cell0" / "pmass.json"
    doc = json.loads(path.read_text())
    if what == "prompts":
        doc["pmass_eval"]["0.5"] = doc["pmass_eval"]["0.5"][:-1]
    else:
        doc["pmass_eval"]["0.5"][2] = doc["pmass_eval"]["0.5"][2][:-1]
    path.write_text(json.dumps(doc))
    with pytest.raises(LoadError, match=rf"cell '{demo.KL_MODEL}__cell0', alpha '0.5'"):
        load_kl_runs(root, alphas=["0.5"], model_contains=demo.KL_MODEL)


def test_missing_files_skip_the_cell_with_one_warning(small_root, tmp_path):
    root = _copy(small_root, tmp_path / "r")
    _copy(root / f"{demo.KL_MODEL}__cell0", root / f"{demo.KL_MODEL}__cell1")
    (root / f"{demo.KL_MODEL}__cell1" / "calib.json").unlink()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runs = load_kl_runs(root, alphas=SMALL_ALPHAS, model_contains=demo.KL_MODEL)
    assert [str(w.message) for w in caught] == [
        f"cell '{demo.KL_MODEL}__cell1': skipped, missing calib.json"
    ]
    assert set(runs.trajectories["cell"]) == {f"{demo.KL_MODEL}__cell0"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model_contains": "Llama"}, "no cell folder whose name contains 'Llama'"),
        ({"alphas": ["9.0"]}, r"no trajectories for alphas \['9.0'\]"),
    ],
)
def test_an_empty_result_is_a_clear_error(small_root, kwargs, message):
    args = {"alphas": SMALL_ALPHAS, "model_contains": demo.KL_MODEL, **kwargs}
    with pytest.raises(LoadError, match=message):
        load_kl_runs(small_root, **args)


def test_numeric_alphas_match_text_keys(small_root):
    runs = load_kl_runs(small_root, alphas=[0.5, 4], model_contains=demo.KL_MODEL)
    assert runs.alphas == ("0.5", "4") and len(runs.trajectories) == 12


# ---------------------------------------------------------------- layer + path transforms
def test_state_runs_share_boundaries():
    df = pd.DataFrame({"p": [1] * 5 + [0] * 3, "t": [0, 1, 2, 3, 4, 2, 1, 0],
                       "s": list("aabba") + list("bbb")})  # fmt: skip
    out = state_runs(df, path="p", x="t", state="s")
    runs = [(g["s"].iloc[0], g["t"].tolist()) for _, g in out.groupby("run")]
    assert runs == [("b", [0, 1, 2]), ("a", [0, 1, 2]), ("b", [2, 3, 4]), ("a", [4])]


@settings(max_examples=40, deadline=None)
@given(
    y=st.lists(st.floats(-50, 50), min_size=2, max_size=60),
    tol=st.floats(0.01, 3),
)
def test_simplified_paths_stay_within_tolerance(y, tol):
    df = pd.DataFrame({"p": 0, "x": np.arange(len(y)) * 0.7, "y": y, "s": 0})
    out = simplify_paths(df, path="p", x="x", y="y", tolerance=tol)
    assert out["x"].iloc[0] == 0 and out["x"].iloc[-1] == df["x"].iloc[-1]
    # Vertical error bounds the perpendicular one only loosely; check the chord distance.
    for (x0, y0), (x1, y1) in zip(out[["x", "y"]].values[:-1], out[["x", "y"]].values[1:],
                                  strict=True):  # fmt: skip
        inner = df[(df["x"] > x0) & (df["x"] < x1)]
        d = np.abs((y1 - y0) * (inner["x"] - x0) - (x1 - x0) * (inner["y"] - y0))
        assert (d / np.hypot(x1 - x0, y1 - y0) <= tol + 1e-9).all()


def test_segment_paths_draws_one_continuous_path_per_run():
    df = pd.DataFrame(
        {
            "traj": [0] * 6 + [1] * 4,
            "t": list(range(6)) + list(range(4)),
            "kl": [1.0, 1.1, 1.3, 1.2, 1.0, 0.8, 0.5, 0.6, 0.7, 0.9],
            "state": ["alive"] * 3 + ["dead"] * 3 + ["alive"] * 2 + ["dead"] * 2,
        }
    )
    palette = {"alive": ALIVE_COLOR, "dead": DEAD_COLOR}
    chart = segment_paths(
        df, x="t", y="kl", path="traj", state="state", palette=palette, draw_order=["dead", "alive"]
    ).properties(width=100, height=50)
    paths = _line_paths(chart)
    assert [p["stroke"] for p in paths] == [DEAD_COLOR, DEAD_COLOR, ALIVE_COLOR, ALIVE_COLOR]
    assert [len(p["pts"]) for p in paths] == [3, 2, 4, 3]  # alive runs carry the boundary
    dead0, alive0 = paths[0]["pts"], paths[2]["pts"]
    assert alive0[-1] == dead0[0]  # continuous at the state change
    with pytest.raises(InputError, match="draw_order: states"):
        segment_paths(df, x="t", y="kl", path="traj", state="state", palette=palette,
                      draw_order=["alive"])  # fmt: skip


# ---------------------------------------------------------------- figure
def test_figure_texts_are_drawn(small_fig):
    chart, summary = small_fig, small_fig.data["summary"]
    texts = drawn_texts(chart)
    for row in summary.itertuples():
        assert f"α={row.alpha} n={row.n} died={row.n_died} cens={row.n_censored}" in texts
    expected = [
        f"KL trajectories coloured by survival (pmass < 0.8 = dead). Model: {demo.KL_MODEL}. "
        "window=128.",
        "alive (pmass >= 0.8)",
        "dead (pmass < 0.8)",
        "EOS (right-censored)",
        "calib p95 (tokens<20) = 1",
        "KL / p95(KL[:20])",
        "token t",
    ]
    for text in expected:
        assert text in texts
    assert texts.count("alive (pmass >= 0.8)") == 1  # one legend, in the first panel
    assert undrawn_texts(chart) == []


def test_figure_draws_paths_ticks_median_and_shared_target(small_fig, small_runs):
    chart = small_fig
    from vegafigs.transforms.kl import kl_states

    _, per_traj = kl_states(small_runs.trajectories, small_runs.kl, small_runs.pmass, window=128)
    paths = _line_paths(chart)
    medians = [p for p in paths if p["stroke"] == "black"]
    assert len(medians) == 2  # alpha 0.0 has no scale: no median, no paths
    coloured = [p for p in paths if p["stroke"] in (ALIVE_COLOR, DEAD_COLOR)]
    died = per_traj[per_traj["died"]]
    assert len({p["stroke"] for p in coloured}) == (2 if len(died) else 1)
    assert len(coloured) >= per_traj["drawn"].sum()
    ticks = [i for i in scene_items(chart, marktype="symbol") if i["mark"] and i["shape"] == BAR]
    assert len(ticks) == int(per_traj["censored"].sum())
    rules = [i for i in scene_items(chart, marktype="rule") if i.get("strokeDash")]
    assert len(rules) == 3 and len({round(r["abs_y"], 6) for r in rules}) == 1


def test_raw_kl_target_off_scale_note(small_runs):
    t = pd.DataFrame({"traj": [0, 1], "alpha": ["0.5", "4.0"], "gen_len": [64, 64]})
    kl = pd.DataFrame({"traj": np.repeat([0, 1], 64), "t": np.tile(np.arange(64), 2),
                       "kl": np.r_[np.full(64, 0.2), np.full(64, 0.3)]})  # fmt: skip
    pm = pd.DataFrame({"traj": [0, 1], "t": [0, 0], "pmass": [0.9, 0.9]})
    runs = KLRuns(t, kl, pm, ("0.5", "4.0"), "toy")
    chart = kl_spaghetti(runs, normalize_kl=False, window=64)
    summary = chart.data["summary"]
    texts = drawn_texts(chart)
    assert "calib target α²=16 off-scale" in texts  # ymax = 1.4 x 0.3
    assert "calib target α²=0.25 off-scale" not in texts
    assert "per-token KL" in texts and "calib target α²" in texts
    assert summary["n_censored"].tolist() == [0, 0]


def test_bad_figure_inputs(small_runs):
    with pytest.raises(InputError, match="runs: expected a KLRuns"):
        kl_spaghetti(small_runs.trajectories)
    with pytest.raises(InputError, match="opacity"):
        kl_spaghetti(small_runs, opacity=2)
    with pytest.raises(InputError, match=r"panels: '7' is not an alpha of the runs"):
        kl_spaghetti(small_runs, panels=["7"])
    with pytest.raises(InputError, match=r"palette: \['gone'\] are not legend entries"):
        kl_spaghetti(small_runs, palette={"gone": "red"})


# ---------------------------------------------------------------- CLI
def test_cli_writes_figure_and_summary(small_root, small_runs, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["spaghetti", "--runs-root", str(small_root), "--out", str(out), "--window", "128",
            "--alphas", *SMALL_ALPHAS, "--format", "json,svg"]  # fmt: skip
    assert main(args) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["kl_alive_spaghetti.svg", "kl_alive_spaghetti.vl.json", "kl_alive_summary.md"]
    summary = kl_spaghetti(small_runs, window=128).data["summary"]
    md = (out / "kl_alive_summary.md").read_text()
    assert md == summary_markdown(summary)
    assert md.splitlines()[0] == "| alpha | n | n_died | n_censored |"
    assert md in capsys.readouterr().out


def test_cli_errors_leave_no_files(small_root, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["spaghetti", "--runs-root", str(small_root), "--out", str(out),
            "--model-contains", "Llama"]  # fmt: skip
    assert main(args) == 2
    assert "no cell folder whose name contains 'Llama'" in capsys.readouterr().err
    assert not out.exists()


def test_kl_log_uses_a_symlog_axis_with_power_of_ten_ticks(small_runs):
    from vegafigs.export import to_spec

    chart = kl_spaghetti(small_runs, window=128, normalize_kl=False, kl_log=True)
    spec = to_spec(chart)
    layer = spec["hconcat"][1]["layer"][0]
    assert layer["encoding"]["y"]["scale"]["type"] == "symlog"
    labels = [i["text"] for i in scene_items(chart, marktype="text") if i["mark"] is None]
    assert {"\u22121", "0", "1", "10"} <= set(labels)  # d3 writes a real minus sign


def test_cli_prints_one_warning_line_per_skipped_cell(small_root, tmp_path, capsys):
    import shutil

    root = tmp_path / "runs"
    shutil.copytree(small_root, root)
    shutil.copytree(root / f"{demo.KL_MODEL}__cell0", root / f"{demo.KL_MODEL}__cell9")
    (root / f"{demo.KL_MODEL}__cell9" / "pmass.json").unlink()
    args = ["spaghetti", "--runs-root", str(root), "--out", str(tmp_path / "o"),
            "--window", "128", "--alphas", "0.5", "--format", "json"]  # fmt: skip
    assert main(args) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"vegafigs spaghetti: warning: cell '{demo.KL_MODEL}__cell9': skipped, missing pmass.json"
    ]


# ---------------------------------------------------------------- the Figure contract
@pytest.fixture(scope="module")
def two_runs(small_root):
    return load_kl_runs(small_root, alphas=["0.5", "4.0"], model_contains=demo.KL_MODEL)


def test_figure_panels_layers_and_data(small_fig, small_runs):
    from vegafigs.transforms.kl import kl_alive_summary, kl_median, kl_states

    fig = small_fig
    assert fig.panels == SMALL_ALPHAS
    assert [k.split("/")[1] for k in fig.layers if k.startswith("0.5/")] == [
        "paths", "eos", "median", "target"]  # fmt: skip
    tokens, per_traj = kl_states(small_runs.trajectories, small_runs.kl, small_runs.pmass,
                                 window=128)  # fmt: skip
    summary = kl_alive_summary(per_traj, alphas=list(SMALL_ALPHAS))
    pd.testing.assert_frame_equal(fig.data["summary"], summary)
    med = kl_median(tokens, window=128)
    np.testing.assert_array_equal(fig.data["median"]["median"], med["median"])
    paths = fig.data["paths"]
    drawn = per_traj.loc[per_traj["drawn"], "traj"]
    expected = tokens[tokens["traj"].isin(drawn)]
    np.testing.assert_array_equal(paths["kl"], expected["kl"])
    assert paths["vertex"].any() and not paths["vertex"].all()  # simplified, some kept
    assert set(fig.data["target"]["shown"]) == {True}


def test_replace_without_add_and_configure(two_runs):
    import altair as alt

    import vegafigs as vf

    fig = kl_spaghetti(two_runs, window=128, width_in=6.75, height_in=2.5)
    assert "0.5/median" not in fig.without("median").layers
    rule = alt.Chart(pd.DataFrame({"kl": [2.5]})).mark_rule(color="#ff00ff").encode(y="kl:Q")
    added = fig.add(rule, panel="4.0")
    magenta = [i for i in scene_items(added, marktype="rule") if i.get("stroke") == "#ff00ff"]
    assert len(magenta) == 1
    swapped = fig.replace("0.5/target", rule)
    assert len([i for i in scene_items(swapped, marktype="rule")
                if i.get("stroke") == "#ff00ff"]) == 1  # fmt: skip
    spec = fig.configure_axis(labelFontSize=20).to_dict()
    axis = spec["config"]["axis"]
    assert axis["labelFontSize"] == 20 and axis["domainWidth"] == 1.1 and axis["ticks"] is False
    assert "config" not in fig.chart.to_dict() or "axis" not in fig.chart.to_dict()["config"]
    latex = kl_spaghetti(two_runs, window=128, width_in=6.75, height_in=2.5,
                         theme=vf.latex(font_size=8)).to_dict()  # fmt: skip
    assert latex["config"]["axis"]["titleFontSize"] == 8
    assert latex["config"]["background"] == "#faf7f2"


@pytest.mark.parametrize(("w", "h"), [(3.25, 2.0), (6.75, 2.5)])
def test_exact_png_sizes_and_legend_placement(two_runs, w, h):
    import io

    from PIL import Image

    from vegafigs.export import render

    fig = kl_spaghetti(two_runs, window=128, width_in=w, height_in=h)
    for dpi in (100, 300):
        png = Image.open(io.BytesIO(render(fig, "png", dpi=dpi)))
        assert abs(png.width - round(w * dpi)) <= 1 and abs(png.height - round(h * dpi)) <= 1
    items = scene_items(fig)
    boxes = [i for i in items if i["marktype"] == "group" and i.get("fill") == "#faf7f2"
             and i.get("stroke") == "#cccccc"]  # fmt: skip
    assert len(boxes) == 1  # one legend
    box = boxes[0]
    plot = next(i for i in items if i.get("mark") == "concat_0_group")
    x_titles = [i for i in items if i["marktype"] == "text" and i.get("text") == "token t"]
    texts = drawn_texts(fig)
    if w > 5:  # inside the first panel's plot, at its top right
        assert not any(k.endswith("/counts") for k in fig.layers)
        assert any(t.startswith("α=0.5 n=6 died=") for t in texts)
        assert plot["abs_x"] <= box["abs_x"]
        assert box["abs_x"] + box["width"] <= plot["abs_x"] + plot["width"]
        assert plot["abs_y"] <= box["abs_y"]
        assert box["abs_y"] + box["height"] <= 0.65 * plot["height"]
    else:  # below the panels; the counts sit in the plots
        assert any(k.endswith("/counts") for k in fig.layers)
        assert any(t.startswith("n=6 died=") for t in texts)
        assert box["abs_y"] > max(i["abs_y"] for i in x_titles)
    assert undrawn_texts(fig) == []


def test_long_title_wraps_and_fits(two_runs):
    long = "A very long title that cannot fit on one line of a small figure " * 3
    fig = kl_spaghetti(two_runs, window=128, width_in=3.25, height_in=2.5, title=long.strip())
    spec = fig.to_dict()
    assert isinstance(spec["title"]["text"], list) and len(spec["title"]["text"]) > 2
    from vegafigs.themes import text_width

    font, size = fig.theme["title"]["font"], fig.theme["title"]["fontSize"]
    assert all(text_width(t, font=font, size=size) <= 3.25 * 72 - 10 for t in spec["title"]["text"])
    import vl_convert as vlc

    scene = vlc.vegalite_to_scenegraph(spec)
    assert scene["width"] == pytest.approx(3.25 * 72, abs=0.01)
    assert scene["height"] == pytest.approx(2.5 * 72, abs=0.01)


# ------------------------------------------------- the gallery figure at venue sizes
VENUES = {"text": (6.75, 2.5), "column": (3.25, 2.0)}


@pytest.fixture(scope="module")
def venue_figs():
    import vegafigs as vf
    from vegafigs.gallery import FIGURES

    out = {}
    for span, (w, h) in VENUES.items():
        style = vf.themes.venue("icml", span=span, height_ratio=h / w)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the long default title is shortened at 3.25 in
            out[span] = FIGURES["kl_spaghetti"].build(style=style)
    return out


def _text_boxes(fig) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, y0, x1, y1) of every drawn text, from its anchor, alignment and font."""
    from vegafigs.themes import text_width

    boxes = []
    for item in scene_items(fig, marktype="text"):
        lines = item.get("text")
        lines = [str(t) for t in lines] if isinstance(lines, list) else str(lines).split("\n")
        if not "".join(lines).strip():
            continue
        size = float(item.get("fontSize", 11))
        font = str(item.get("font", "Helvetica"))
        w = max(text_width(t, font=font, size=size) for t in lines)
        h = size * (1.1 * len(lines) - 0.1)  # lines 1.1 font sizes apart
        align = {"left": 0.0, "center": 0.5, "right": 1.0}[item.get("align", "left")]
        base = {"top": 0.0, "middle": 0.5, "bottom": 1.0}.get(item.get("baseline"), 0.8)
        # along the text (u) and across it (v), then rotated by the angle (0 or -90)
        u0, v0 = -align * w, -base * h
        x, y = item["abs_x"], item["abs_y"]
        if abs(float(item.get("angle", 0) or 0)) == 90:
            box = (x + v0, y - u0 - w, x + v0 + h, y - u0)
        else:
            box = (x + u0, y + v0, x + u0 + w, y + v0 + h)
        boxes.append((" ".join(lines), *box))
    return boxes


@pytest.mark.parametrize("span", list(VENUES))
def test_gallery_figure_at_venue_sizes_fits_and_texts_do_not_overlap(venue_figs, span):
    import io

    from PIL import Image

    from vegafigs.export import render

    fig, (w, h) = venue_figs[span], VENUES[span]
    for dpi in (100, 300):
        png = Image.open(io.BytesIO(render(fig, "png", dpi=dpi)))
        assert abs(png.width - round(w * dpi)) <= 1 and abs(png.height - round(h * dpi)) <= 1
    spec = fig.to_dict()
    assert "concat" in spec and spec["columns"] < len(spec["concat"]) == 8  # a grid
    groups = scene_items(fig, marktype="group")
    tops = {round(i["abs_y"]) for i in groups if re.fullmatch(r"concat_\d+_group", str(i["mark"]))}
    assert len(tops) > 1  # more than one row of panels
    heads = [t for t in drawn_texts(fig) if t.startswith("α=")]
    assert [t.split()[0] for t in heads] == [f"α={a}" for a in demo.KL_ALPHAS]  # whole
    boxes = _text_boxes(fig)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            # apart by at least 1 pt (the 1-row layout's "200400" ticks were -0.1 pt apart)
            dx, dy = max(a[1], b[1]) - min(a[3], b[3]), max(a[2], b[2]) - min(a[4], b[4])
            assert max(dx, dy) >= 1.0, f"{a} touches {b}"
