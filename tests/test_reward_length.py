"""The reward_length figure: panels and dual layouts, interactivity, CLI."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from tests.conftest import png_array
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
    assert list(dual.layers) == [
        "band_reward", "raw_reward", "line_reward",
        "band_response_length", "raw_response_length", "line_response_length", "hover",
    ]  # fmt: skip
    spec = vf.to_spec(dual)
    assert spec["resolve"]["scale"]["y"] == "independent"
    axes = [layer["encoding"]["y"].get("axis") for layer in spec["layer"]]
    # one axis per side (the first layer of each metric draws it), none for hover
    assert [a["orient"] for a in axes if a] == ["left", "right"]
    assert axes[-1] is None
    lines = _marks(scene_items(dual), "line")
    dashed = [m for m, its in lines.items() if its[0].get("strokeDash") == [6, 3]]
    assert len(dashed) == 2  # raw + smooth of the second metric
    # without the band the raw layer draws each axis
    spec = vf.to_spec(dual.without("band_reward", "band_response_length"))
    axes = [ly["encoding"]["y"].get("axis") for ly in spec["layer"]]
    assert [a["orient"] for a in axes if a] == ["left", "right"]


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
    smooth = [m for m, its in lines.items() if its[0].get("strokeOpacity") in (None, 1)]
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
def test_dual_fixed_y_domains_are_the_ones_vega_would_pick(scale, offset):
    # The dual layout fixes each metric's y domain (every layer has its own y scale and
    # the hover points are placed in it): it must be Vega-Lite's own nice domain.
    df = vf.demo.rl_logs(n_steps=80)
    df["value"] = df["value"] * scale + offset
    fig = vf.figures.reward_length(df, layout="dual", width_in=4, height_in=2, band="std")
    curves = fig.data["curves"]
    for metric in ("reward", "response_length"):
        part = curves[curves.metric == metric]
        values = pd.concat([part[c] for c in ("value", "smooth", "lower", "upper")])
        spec = fig.layers[f"line_{metric}"].to_dict()
        fixed = spec["encoding"]["y"]["scale"]["domain"]
        chart = alt.Chart(pd.DataFrame({"v": values})).mark_point().encode(
            y=alt.Y("v:Q", scale=alt.Scale(zero=False), title=None)
        ).properties(height=400)  # fmt: skip
        ticks = [
            float(i["text"].replace("\u2212", "-").replace(",", ""))
            for i in scene_items(chart, marktype="text")
        ]
        assert min(ticks) == pytest.approx(fixed[0], rel=1e-9, abs=1e-12)
        assert max(ticks) == pytest.approx(fixed[1], rel=1e-9, abs=1e-12)


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
        vf.figures.reward_length(df, layout="dual", panels=["reward"])
    with pytest.raises(InputError, match=r"panels: \['kl'\] not in column 'metric'"):
        vf.figures.reward_length(df, panels=["reward", "kl"])


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


def test_figure_layers_data_and_added_marks(panels):
    assert panels.panels == ("reward", "response_length")
    assert list(panels.layers) == [
        f"{p}/{n}" for p in panels.panels for n in ("band", "raw", "line", "hover")
    ]
    curves = panels.data["curves"]
    assert list(curves.columns) == ["metric", "run", "step", "value", "smooth", "lower", "upper"]
    # the smoothed values are TensorBoard's EMA of each run's raw values
    df = vf.demo.rl_logs()
    want = vf.transforms.ema(df, x="step", y="value", weight=0.9, by=["metric", "run"])
    got = curves.set_index(["metric", "run", "step"])["smooth"]
    want = want.set_index(["metric", "run", "step"])["value_smooth"]
    np.testing.assert_allclose(got.loc[want.index].to_numpy(), want.to_numpy())
    assert (curves["lower"] <= curves["upper"]).all()
    rule = alt.Chart().mark_rule(color="#ff00ff").encode(y=alt.datum(0.5))
    added = panels.add(rule, panel="reward")
    assert "reward/extra" in added.layers
    assert any(i.get("stroke") == "#ff00ff" for i in scene_items(added, marktype="rule"))
    with pytest.raises(InputError, match="panel"):
        panels + rule  # two panels: say which


def test_zoom_survives_removing_the_hover_layers(panels):
    spec = vf.to_spec(panels.without("hover"))
    zoom = next(p for p in spec["params"] if p["name"] == "zoom")
    names = [ly.get("name") for p in spec["hconcat"] for ly in p["layer"] if ly.get("name")]
    assert zoom["views"] == names and len(names) == 2
    assert not any(p["name"].startswith("hover") for p in spec["params"])
    assert scene_items(panels.without("hover"), marktype="line")


def test_configure_axis_keeps_the_theme_and_latex_config(panels):
    axis = panels.configure_axis(labelFontSize=20).to_dict()["config"]["axis"]
    assert axis["labelFontSize"] == 20 and axis["labelFont"] == vf.paper()["axis"]["labelFont"]
    fig = vf.figures.reward_length(vf.demo.rl_logs(n_steps=40), theme=vf.latex(font_size=8))
    assert fig.to_dict()["config"]["axis"]["titleFontSize"] == 8
    assert "Training step" in drawn_texts(fig)


@pytest.mark.parametrize("layout", ["panels", "dual"])
@pytest.mark.parametrize("size", [(3.25, 2.0), (6.75, 2.5)])
def test_png_is_exactly_the_size_asked(layout, size):
    fig = vf.figures.reward_length(
        vf.demo.rl_logs(n_steps=120), layout=layout, band="q10-90", width_in=size[0],
        height_in=size[1],
    )  # fmt: skip
    for dpi in (100, 300):
        h, w = png_array(vf.export.render(fig, "png", dpi=dpi)).shape[:2]
        assert abs(w - size[0] * dpi) <= 1 and abs(h - size[1] * dpi) <= 1, (w, h, dpi)
    assert undrawn_texts(fig) == []
    legend = [i for i in scene_items(fig) if i["marktype"] == "text" and i.get("text") == "GRPO"]
    assert legend and all(t["abs_x"] < size[0] * 72 for t in legend)


def test_narrow_figure_puts_the_legend_under_the_panels():
    df = vf.demo.rl_logs(n_steps=60)
    for width, below in ((3.25, True), (7.0, False)):
        items = scene_items(vf.figures.reward_length(df, width_in=width, height_in=2.2))
        label = next(i for i in items if i["marktype"] == "text" and i.get("text") == "GRPO")
        step = max(i["abs_y"] for i in items if "Training" in str(i.get("text")))
        assert (label["abs_y"] > step) is below


@pytest.mark.parametrize(
    "column, title", [("epoch", "Epoch"), ("tokens_seen", "tokens_seen"), ("step", "Training step")]
)
def test_default_x_title_follows_the_x_column(column, title):
    """x="epoch" is titled "Epoch", not "Training step" (the default only for x="step")."""
    df = vf.demo.rl_logs(n_steps=30).rename(columns={"step": column})
    texts = drawn_texts(vf.figures.reward_length(df, x=column, smooth="ema:0.5"))
    assert title in texts
    if column != "step":
        assert "Training step" not in texts


@pytest.mark.parametrize(
    "kwargs, why",
    [({}, "there is no band"), ({"seed": "seed", "band": "std"}, "across the seeds")],
)
def test_band_window_that_would_do_nothing_is_an_error(kwargs, why):
    df = vf.demo.rl_logs(n_steps=30)
    if "seed" in kwargs:
        df = df.assign(seed=0)
    with pytest.raises(InputError, match=rf"^band_window: .*{why}"):
        vf.figures.reward_length(df, band_window=9, **kwargs)
