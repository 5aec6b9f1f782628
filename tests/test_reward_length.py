"""The reward_length figure: panels and dual layouts, interactivity, CLI."""

from __future__ import annotations

import json

import pytest

import vegafigs as vf
from vegafigs.cli import main
from vegafigs.errors import InputError
from vegafigs.testing import drawn_texts, scene_items, undrawn_texts


@pytest.fixture(scope="module")
def panels():
    from vegafigs.gallery import FIGURES

    return FIGURES["reward_length"].build()


@pytest.fixture(scope="module")
def dual():
    return vf.figures.reward_length(vf.demo.rl_logs(n_steps=200), layout="dual", band="std")


def test_panels_titles_one_legend_and_all_text_drawn(panels):
    texts = drawn_texts(panels)
    for want in ["Reward", "Response length", "Training step", "GRPO", "GRPO + KL"]:
        assert want in texts
    assert texts.count("GRPO + KL") == 1  # one legend for both panels
    assert undrawn_texts(panels) == []


def _marks(items, marktype):
    """{mark name: [items]} of one mark type (a line's items are its vertices)."""
    out = {}
    for it in items:
        if it["marktype"] == marktype and it["mark"]:
            out.setdefault(it["mark"], []).append(it)
    return out


def test_panels_side_by_side_with_raw_faint_smooth_on_top_and_band(panels):
    items = scene_items(panels)
    lines = _marks(items, "line")
    raw = [m for m, its in lines.items() if its[0].get("strokeOpacity") == pytest.approx(0.3)]
    smooth = [m for m, its in lines.items() if its[0].get("strokeOpacity") in (None, 1)]
    assert len(raw) == 2 and len(smooth) == 2  # one raw and one smooth mark per panel
    for names in (raw, smooth):  # two runs (colours) in each
        for m in names:
            assert len({it["stroke"] for it in lines[m]}) == 2
    left = [it["abs_x"] for m in lines if m.startswith("concat_0") for it in lines[m]]
    right = [it["abs_x"] for m in lines if m.startswith("concat_1") for it in lines[m]]
    assert max(left) < min(right)
    areas = _marks(items, "area")
    assert len(areas) == 2
    assert all(it["fillOpacity"] == pytest.approx(0.15) for its in areas.values() for it in its)
    order = list(dict.fromkeys(it["mark"] for it in items if it["mark"]))
    for panel in ("concat_0", "concat_1"):  # band, then raw, then smoothed
        a = next(m for m in areas if m.startswith(panel))
        r = next(m for m in raw if m.startswith(panel))
        sm = next(m for m in smooth if m.startswith(panel))
        assert order.index(a) < order.index(r) < order.index(sm)


def test_dual_layout_has_left_and_right_y_axes(dual):
    texts = drawn_texts(dual)
    assert "Reward (solid)" in texts and "Response length (dashed)" in texts
    spec = vf.to_spec(dual)
    assert spec["resolve"]["scale"]["y"] == "independent"
    axes = [
        layer["encoding"]["y"]["axis"]
        for sub in spec["layer"]
        for layer in sub.get("layer", [sub])  # the last one is the hover layer
        if "y" in layer.get("encoding", {})
    ]
    assert {a.get("orient") for a in axes if a is not None} == {"left", "right"}
    assert axes[-1] is None  # the hover points' own 0..1 scale has no axis
    lines = _marks(scene_items(dual), "line")
    dashed = [m for m, its in lines.items() if its[0].get("strokeDash") == [6, 3]]
    assert len(dashed) == 2  # raw + smooth of the second metric


def test_html_is_interactive_and_png_static(panels, tmp_path):
    spec = vf.to_spec(panels)
    params = {p["name"]: p for p in spec["params"]}
    hover = [p for n, p in params.items() if n.startswith("hover")]
    assert len(hover) == 2 and all(p["select"]["nearest"] for p in hover)
    # One x zoom / pan for both panels (they share x): bound in each panel's hover view.
    zoom = params["zoom"]
    assert zoom["bind"] == "scales" and zoom["select"]["encodings"] == ["x"]
    views = [
        layer["name"] for panel in spec["hconcat"] for layer in panel["layer"] if "name" in layer
    ]
    assert zoom["views"] == views == [v for p in hover for v in p["views"]]
    assert len(views) == 2
    text = json.dumps(spec)
    for title in ('"title": "run"', '"title": "step"', '"title": "smoothed"'):
        assert title in text
    html = vf.save(panels, tmp_path / "rl.html").read_text()
    assert '"zoom"' in html and "vegaEmbed" in html
    png = vf.save(panels, tmp_path / "rl.png", dpi=50)
    assert png.stat().st_size > 1000
    # hover points are invisible in a static render
    points = _marks(scene_items(panels), "symbol")
    assert points and all(it.get("opacity") == 0 for its in points.values() for it in its)


def test_dual_hover_points_sit_on_both_curves_with_both_metrics(dual):
    # One hover layer for both metrics (two would hide one under the other in HTML):
    # every point sits on a vertex of its run's smoothed line, of either metric.
    items = scene_items(dual)
    lines = _marks(items, "line")
    smooth = [m for m, its in lines.items() if its[0].get("strokeWidth") == pytest.approx(1.8)]
    assert len(smooth) == 2
    vertices = {
        m: {(it["stroke"], round(it["abs_x"], 1), round(it["abs_y"], 1)) for it in lines[m]}
        for m in smooth
    }
    (points,) = _marks(items, "symbol").values()
    on = {m: 0 for m in smooth}
    for it in points:
        key = (it["fill"], round(it["abs_x"], 1), round(it["abs_y"], 1))
        hits = [m for m in smooth if key in vertices[m]]
        assert hits, key
        on[hits[0]] += 1
    assert all(n > 50 for n in on.values()), on  # both metrics' curves have hover points
    tips = {t["title"] for t in vf.to_spec(dual)["layer"][-1]["encoding"]["tooltip"]}
    assert tips == {
        "run",
        "step",
        "reward",
        "reward (smoothed)",
        "response_length",
        "response_length (smoothed)",
    }


@pytest.mark.parametrize(("scale", "offset"), [(1.0, 0.0), (1e-3, 0.0), (3e4, -7e4), (0.37, 12.3)])
def test_dual_fixed_y_domains_draw_what_vega_would(scale, offset):
    # interactive=True fixes each y domain (nice_domain) so the hover points can be
    # placed; the picture must equal the one with Vega-Lite's own nice domains.
    df = vf.demo.rl_logs(n_steps=80)
    df["value"] = df["value"] * scale + offset
    kw = {"layout": "dual", "width_in": 4, "height_in": 2}
    fixed, vega = (vf.figures.reward_length(df, interactive=i, **kw) for i in (True, False))
    spec = vf.to_spec(fixed)
    assert all(
        layer["encoding"]["y"]["scale"]["nice"] is False
        for sub in spec["layer"]
        for layer in sub.get("layer", [sub])
    )

    def drawn(chart):
        return sorted(
            (it["marktype"], it.get("text"), round(it["abs_x"], 2), round(it["abs_y"], 2))
            for it in scene_items(chart)
            if it["marktype"] != "symbol" and "voronoi" not in (it["mark"] or "")
        )

    assert drawn(fixed) == drawn(vega)


def test_long_logs_keep_the_spec_small():
    df = vf.demo.rl_logs(n_steps=50_000, runs=("a", "b"))
    chart = vf.figures.reward_length(df, width_in=5, dpi=100)
    size = len(vf.spec_json(chart))
    # at most 4 rows per pixel column per run and metric (two ~165 px wide panels)
    assert size < 400_000


def test_bad_arguments_are_named():
    df = vf.demo.rl_logs(n_steps=20)
    with pytest.raises(InputError, match="layout"):
        vf.figures.reward_length(df, layout="grid")
    with pytest.raises(InputError, match="exactly two"):
        vf.figures.reward_length(df, layout="dual", metrics=["reward"])
    with pytest.raises(InputError, match=r"\['kl'\] not in column 'metric'"):
        vf.figures.reward_length(df, metrics=["reward", "kl"])


def test_cli_curves_from_worker_files(tmp_path, capsys):
    for w in range(2):
        (tmp_path / f"w{w}.jsonl").write_text(
            "".join(
                json.dumps({"step": s, "reward": s / 10 + w, "response_length": 300 + s}) + "\n"
                for s in range(w, 40, 2)
            )
        )
    (tmp_path / "other.csv").write_text(
        "step,reward,response_length\n" + "".join(f"{s},{s / 20},{280 + s}\n" for s in range(40))
    )
    out = tmp_path / "fig.svg"
    rc = main(
        ["curves", f"ours={tmp_path / 'w0.jsonl'}", f"ours={tmp_path / 'w1.jsonl'}",
         str(tmp_path / "other.csv"), "--smooth", "ema:0.5", "--band", "q10-90",
         "--layout", "dual", "-q", "-o", str(out)]
    )  # fmt: skip
    assert rc == 0 and out.exists()
    assert "from 2 run(s)" in capsys.readouterr().out
    svg = out.read_text()
    assert "ours" in svg and "other" in svg


def test_cli_curves_reports_bad_logs(tmp_path, capsys):
    (tmp_path / "bad.csv").write_text("step,reward\n1,0.5\n2,n/a?\n")
    rc = main(["curves", str(tmp_path / "bad.csv"), "-q", "-o", str(tmp_path / "x.png")])
    err = capsys.readouterr().err
    assert rc == 2 and "bad.csv" in err and "line 3" in err
    assert not (tmp_path / "x.png").exists()
    rc = main(
        ["curves", str(tmp_path / "bad.csv"), "--y", "kl", "-q", "-o", str(tmp_path / "x.png")]
    )
    assert rc == 2
