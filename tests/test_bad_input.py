"""The bad-input table: one row per (entry point, bad input), every public entry point.

Each row is a :class:`Case`: ``call(t)`` runs the entry point (``t.out`` is an empty
output folder, ``t.inp`` a folder for input files and the working directory,
``t.runs`` small demo KL run folders shared by all rows: copy them before editing).
``error`` is the :class:`vegafigs.VegafigsError` subclass expected and ``match`` a
regex its message must contain; ``error=None`` means the input is legal and must
work (``warns``: a warning that must be given; ``check``: an assertion on the result).
After an error nothing may be left in ``t.out``.

To cover a new entry point, add a ``<NAME>_CASES`` list and append it to ``CASES``
(or keep a table in its own module that imports :class:`Case` and :func:`run_case`,
as ``test_bad_input_curves.py`` does).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import shutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs import layers, transforms
from vegafigs.cli import build_parser, main
from vegafigs.errors import ExportError, FontError, InputError, LoadError, VegafigsError
from vegafigs.figures import metric_histograms
from vegafigs.io import KLRuns, load_kl_runs
from vegafigs.testing import drawn_texts, scene_items, undrawn_texts


@dataclass(frozen=True)
class Paths:
    out: Path
    inp: Path
    runs: Path = Path()  # small demo KL run folders (shared: copy before editing)


@dataclass(frozen=True)
class Case:
    id: str
    call: Callable[[Paths], Any]
    error: type[VegafigsError] | None
    match: str = ""
    warns: str | None = None
    check: Callable[[Any, Paths], None] | None = None


# ---------------------------------------------------------------- inputs
UNICODE = "Δ-Verlust über α=0.5 — naïve ±σ"
LONG = "A very long title " * 25  # 450 characters


def _hist_df(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {"value": rng.gamma(2.0, size=n), "panel": np.repeat(["loss", "grad"], n // 2)}
    )


def _with(col: str, values: list[Any], df: pd.DataFrame | None = None) -> pd.DataFrame:
    df = (_hist_df() if df is None else df).copy()
    df[col] = df[col].astype(object)
    df.loc[df.index[: len(values)], col] = values
    return df


def _curve_df() -> pd.DataFrame:
    steps = np.arange(5)
    return pd.DataFrame(
        {
            "step": np.tile(steps, 2),
            "acc": np.r_[steps * 0.1, steps * 0.05],
            "lo": np.r_[steps * 0.1 - 0.02, steps * 0.05 - 0.02],
            "hi": np.r_[steps * 0.1 + 0.02, steps * 0.05 + 0.02],
            "method": ["A"] * 5 + ["B"] * 5,
        }
    )


def _curve_with(col: str, values: list[Any]) -> pd.DataFrame:
    return _with(col, values, _curve_df())


def _small_chart(title: str = "Small") -> alt.Chart:
    df = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})
    return (
        alt.Chart(df)
        .mark_line()
        .encode(x="x:Q", y="y:Q")
        .properties(width=120, height=80, title=title, config=vf.paper())
    )


def _url_chart(url: str) -> alt.Chart:
    return (
        alt.Chart(alt.UrlData(url))
        .mark_point()
        .encode(x="a:Q", y="b:Q")
        .properties(config=vf.paper())
    )


def _figure(df: pd.DataFrame | None = None, **kw: Any) -> vf.Figure:
    return metric_histograms(_hist_df() if df is None else df, x="value", panel="panel", **kw)


def _hist(df: pd.DataFrame | None = None, **kw: Any) -> alt.Chart:
    return layers.histogram(_hist_df() if df is None else df, x="value", **kw)


STATS = {"max": 3.0, "min": 1.0, "mean": 2.0}


def _cli(*argv: str) -> int:
    """Run a CLI command like ``main`` but let the vegafigs error through (to check its class)."""
    args = build_parser().parse_args(list(argv))
    return args.func(args)


def _spec_file(t: Paths, text: str | bytes, name: str = "spec.vl.json") -> str:
    path = t.inp / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def _png_file(t: Paths) -> str:
    return _spec_file(t, vf.export.render(_small_chart(), "png", dpi=20), "picture.png")


GOOD_SPEC = vf.spec_json(_small_chart())


# ---------------------------------------------------------------- checks on legal input
def _texts_drawn(*texts: str) -> Callable[[Any, Paths], None]:
    def check(chart: Any, t: Paths) -> None:
        drawn = drawn_texts(chart)
        for text in texts:
            assert text in drawn, f"{text!r} not drawn; drawn: {drawn[:20]}"

    return check


def _strokes_drawn(*colors: str) -> Callable[[Any, Paths], None]:
    def check(chart: Any, t: Paths) -> None:
        drawn = {item.get("stroke") for item in scene_items(chart, marktype="line")}
        assert drawn >= set(colors), f"line colours {drawn}, expected {colors}"

    return check


def _wrapped_drawn(text: str) -> Callable[[Any, Paths], None]:
    """``text`` is drawn, possibly wrapped onto several lines."""

    def check(chart: Any, t: Paths) -> None:
        drawn = " ".join(drawn_texts(chart))
        assert " ".join(text.split()) in " ".join(drawn.split()), drawn[:500]

    return check


def _all_texts_visible(chart: Any, t: Paths) -> None:
    assert undrawn_texts(chart) == []


def _bars(n_nonzero: int) -> Callable[[Any, Paths], None]:
    def check(chart: Any, t: Paths) -> None:
        bars = [i for i in scene_items(chart, marktype="rect") if i.get("height", 0) > 0.5]
        assert len(bars) == n_nonzero, [(i["abs_x"], i.get("height")) for i in bars]

    return check


def _n_rows(chart: Any) -> int:
    (values,) = vf.to_spec(chart)["datasets"].values()
    return len(values)


def _rows(n: int) -> Callable[[Any, Paths], None]:
    def check(frame: pd.DataFrame, t: Paths) -> None:
        assert len(frame) == n, frame

    return check


def _file_written(name: str) -> Callable[[Any, Paths], None]:
    def check(result: Any, t: Paths) -> None:
        assert (t.out / name).is_file()

    return check


def _count_is(n: int) -> Callable[[pd.DataFrame, Paths], None]:
    def check(frame: pd.DataFrame, t: Paths) -> None:
        assert int(frame["count"].sum()) == n, frame

    return check


# ---------------------------------------------------------------- the table
MISSING_COL = r"missing column\(s\) 'nope'; the frame has columns: "

FIGURE_CASES = [
    Case("fig-empty-frame", lambda t: _figure(_hist_df().iloc[:0]), InputError, "empty"),
    Case("fig-not-a-frame", lambda t: _figure([1, 2]), InputError, "expected a pandas DataFrame"),  # type: ignore[arg-type]
    Case(
        "fig-missing-value-col",
        lambda t: metric_histograms(_hist_df(), x="nope", panel="panel"),
        InputError,
        MISSING_COL + "'value', 'panel'",
    ),
    Case(
        "fig-missing-panel-col",
        lambda t: metric_histograms(_hist_df(), x="value", panel="nope"),
        InputError,
        MISSING_COL + "'value', 'panel'",
    ),
    Case(
        "fig-strings",
        lambda t: _figure(_with("value", ["0.5", "abc"])),
        InputError,
        "column 'value' must be numeric; found non-numeric value 'abc'",
    ),
    Case(
        "fig-booleans",
        lambda t: _figure(_hist_df().assign(value=True)),
        InputError,
        "'value' must be numeric; it holds booleans",
    ),
    Case(
        "fig-nan-inf-dropped",
        lambda t: _figure(_with("value", [np.nan, np.inf, -np.inf])),
        None,
        warns=r"metric_histograms: dropped 3 row\(s\) with NaN or infinite values in 'value'",
    ),
    Case(
        "fig-all-nan",
        lambda t: _figure(_hist_df().assign(value=np.nan)),
        InputError,
        "no rows with finite values in 'value'",
        warns="dropped 60 row",
    ),
    Case(
        "fig-missing-panel-name",
        lambda t: _figure(_with("panel", [None])),
        InputError,
        "column 'panel' has 1 missing value",
    ),
    Case(
        "fig-single-row",
        lambda t: _figure(_hist_df().iloc[:1]),
        None,
        check=_texts_drawn("a) loss", "Max:"),
    ),
    Case(
        "fig-all-equal",
        lambda t: _figure(_hist_df().assign(value=2.5)),
        None,
        check=_texts_drawn("2.5000", "b) grad"),
    ),
    Case(
        "fig-duplicated-values",
        lambda t: _figure(pd.concat([_hist_df()] * 3)),
        None,
        check=_texts_drawn("a) loss"),
    ),
    # Bad parameter values: generated from the declarations (tests/test_params_hist.py).
    Case("fig-bins-huge", lambda t: _figure(bins=10**9), InputError, "bins: expected at most 10000"),
    Case("fig-too-small", lambda t: _figure(width_in=1.0).save(str(t.out / "f.png")), InputError, r"width_in/height_in: 1.00 x 4.50 in is too small for these 2 panels"),
    Case("fig-too-flat", lambda t: _figure(width_in=6.0, height_in=0.5).to_dict(), InputError, "width_in/height_in: .* too small"),
    Case("fig-title-not-text", lambda t: _figure(panel_titles={"loss": 1}), InputError, r"panel_titles\['loss'\]: expected a string, got 1"),
    Case("fig-titles-unknown-panel", lambda t: _figure(panel_titles={"nope": "N"}), InputError, r"panel_titles: \['nope'\] are not panels"),
    Case("fig-x-titles-unknown-panel", lambda t: _figure(x_titles={"nope": "N"}), InputError, r"x_titles: \['nope'\] are not panels"),
    Case("fig-palette-unknown-panel", lambda t: _figure(palette={"nope": "red"}), InputError, r"palette: \['nope'\] are not panels"),
    Case("fig-titles-partial", lambda t: _figure(panel_titles={"grad": "Gradient"}), None, check=_texts_drawn("a) loss", "Gradient")),
    Case(
        "fig-unicode-titles",
        lambda t: _figure(panel_titles={"loss": UNICODE, "grad": "β₂ → ∞"}, x_titles={"loss": "Δ loss", "grad": "‖∇θ‖"}),
        None,
        check=_wrapped_drawn(UNICODE),
    ),
    Case("fig-unicode-visible", lambda t: _figure(panel_titles={"loss": "β₂ → ∞"}, x_titles={"grad": "‖∇θ‖"}), None,
         check=_texts_drawn("β₂ → ∞", "‖∇θ‖")),
    Case("fig-long-title", lambda t: _figure(panel_titles={"loss": LONG}), None, check=_wrapped_drawn(LONG)),
    Case("fig-unknown-theme", lambda t: _figure(theme="dark"), InputError, "theme: got 'dark'; expected one of"),
    Case("fig-panels-unknown", lambda t: _figure(panels=["loss", "nope"]), InputError, r"panels: \['nope'\] not found"),
    Case("fig-panels-repeated", lambda t: _figure(panels=["loss", "loss"]), InputError, "panels: 'loss' is given twice"),
    Case("fig-stats-unknown-panel", lambda t: _figure(stats={"nope": STATS}), InputError, r"stats: panels \['nope'\]"),
    Case("fig-stats-not-a-number", lambda t: _figure(stats={"loss": {**STATS, "max": "big"}}), InputError, r"stats\['loss'\]\['max'\]: expected a finite number, got 'big'"),
    Case("fig-format-not-python", lambda t: _figure(label_format="~s"), InputError, "label_format: cannot format the values with '~s'"),
    Case("fig-unknown-stat-key", lambda t: _figure(stat_keys=["median"]), InputError, r"stats\['loss'\]: no value for \['median'\]"),
]  # fmt: skip

HISTOGRAM_CASES = [
    Case("hist-empty-frame", lambda t: _hist(_hist_df().iloc[:0]), InputError, "the frame is empty"),
    Case("hist-missing-col", lambda t: layers.histogram(_hist_df(), x="nope"), InputError, MISSING_COL + "'value', 'panel'"),
    Case("hist-strings", lambda t: _hist(_with("value", ["x"])), InputError, "found non-numeric value 'x'"),
    Case("hist-nan-inf-dropped", lambda t: _hist(_with("value", [np.nan, np.inf])), None,
         warns=r"histogram_bins: left out 2 NaN or infinite value\(s\) of column 'value'"),
    Case("hist-all-nan", lambda t: _hist(_hist_df().assign(value=np.nan)), InputError, "no finite values to bin",
         warns="left out 60"),
    Case("hist-single-row", lambda t: _hist(_hist_df().iloc[:1], bins=5), None, check=_bars(1)),
    Case("hist-all-equal", lambda t: _hist(_hist_df().assign(value=0.0), bins=7), None, check=_bars(1)),
    Case("hist-duplicated-values", lambda t: _hist(pd.DataFrame({"value": [1.0, 1.0, 2.0, 2.0]}), bins=2), None, check=_bars(2)),
    # Bad parameter values: generated from the declarations (tests/test_params_hist.py).
    Case("hist-extent-past-data", lambda t: _hist(extent=(100, 200), bins=4), None, check=_bars(0)),
    Case("hist-unicode-titles", lambda t: _hist(x_title=UNICODE, y_title="Häufigkeit").properties(
        title="θ ≈ 0.5", config=vf.paper()), None, check=_all_texts_visible),
    Case("hist-long-title", lambda t: _hist(x_title=LONG), None, check=_texts_drawn(LONG)),
]  # fmt: skip

STATS_BOX_CASES = [
    Case("box-empty-stats", lambda t: layers.stats_box({}), InputError, r"stats: missing key\(s\) \['max', 'min', 'mean'\]"),
    Case("box-nan-value", lambda t: layers.stats_box({**STATS, "max": np.nan}), InputError, r"stats\['max'\]: expected a finite number"),
    Case("box-inf-value", lambda t: layers.stats_box({**STATS, "min": -np.inf}), InputError, r"stats\['min'\]: expected a finite number"),
    Case("box-string-value", lambda t: layers.stats_box({**STATS, "mean": "abc"}), InputError, r"stats\['mean'\]: expected a finite number, got 'abc'"),
    # Bad parameter values: generated from the declarations (tests/test_params_hist.py).
    Case("box-labels-count", lambda t: layers.stats_box(STATS, labels=["a"]), InputError, "labels: expected 3 labels"),
    Case("box-unknown-font", lambda t: layers.stats_box(STATS, font="Times New Roman"), FontError, "'Times New Roman'"),
    Case("box-unicode-labels", lambda t: layers.stats_box(STATS, labels=["Máx:", "Mín:", "μ:"]), None,
         check=_texts_drawn("Máx:", "μ:")),
]  # fmt: skip

CURVE = {"x": "step", "y": "acc", "series": "method"}

LINE_CASES = [
    Case("line-empty-frame", lambda t: layers.line(_curve_df().iloc[:0], **CURVE), InputError, "the frame is empty"),
    Case("line-missing-col", lambda t: layers.line(_curve_df(), x="step", y="nope"), InputError,
         MISSING_COL + "'step', 'acc', 'lo', 'hi', 'method'"),
    Case("line-strings", lambda t: layers.line(_curve_with("acc", ["n/a"]), **CURVE), InputError,
         "column 'acc' must be numeric; found non-numeric value 'n/a'"),
    Case("line-nan-inf-dropped", lambda t: layers.line(_curve_with("acc", [np.nan, np.inf]), **CURVE), None,
         warns=r"line: dropped 2 row\(s\) with NaN or infinite values in 'step', 'acc'",
         check=lambda c, t: _n_rows(c) == 8 or pytest.fail("rows not dropped")),
    Case("line-all-nan", lambda t: layers.line(_curve_df().assign(acc=np.nan), **CURVE), InputError,
         "line: no rows with finite values", warns="dropped 10 row"),
    Case("line-single-row", lambda t: layers.line(_curve_df().iloc[:1], **CURVE), None),
    Case("line-all-equal", lambda t: layers.line(_curve_df().assign(acc=0.5), **CURVE), None),
    Case("line-duplicated-steps", lambda t: layers.line(_curve_with("step", [0, 0]), **CURVE), InputError,
         r"column 'step' repeats the value 0 \(series 'A'\)"),
    Case("line-duplicated-no-series", lambda t: layers.line(_curve_df(), x="step", y="acc"), InputError,
         "column 'step' repeats the value 0 - 10 rows share an x"),
    Case("line-missing-series-name", lambda t: layers.line(_curve_with("method", [None]), **CURVE), InputError,
         "column 'method' has 1 missing value"),
    Case("line-width-negative", lambda t: layers.line(_curve_df(), stroke_width=-1, **CURVE), InputError,
         "stroke_width: expected a positive number"),
    Case("line-opacity-above-1", lambda t: layers.line(_curve_df(), opacity=2, **CURVE), InputError,
         "opacity: expected a number between 0 and 1"),
    Case("line-bad-x-type", lambda t: layers.line(_curve_df(), x_type="Z", **CURVE), InputError, "x_type: got 'Z'"),
    Case("line-palette-partial", lambda t: layers.line(_curve_df(), palette={"A": "red"}, **CURVE), None,
         check=_strokes_drawn("red", "#ff7f0e")),  # B keeps its default (second) colour
    Case("line-unicode-series", lambda t: layers.line(_curve_df().assign(method=["Ünïcødé α"] * 5 + ["β"] * 5),
         **CURVE).properties(config=vf.paper()), None, check=_texts_drawn("Ünïcødé α", "β")),
]  # fmt: skip

POINT_CASES = [
    Case("points-empty-frame", lambda t: layers.points(_curve_df().iloc[:0], **CURVE), InputError, "the frame is empty"),
    Case("points-missing-col", lambda t: layers.points(_curve_df(), x="nope", y="acc"), InputError, MISSING_COL),
    Case("points-strings", lambda t: layers.points(_curve_with("acc", ["high"]), **CURVE), InputError, "non-numeric value 'high'"),
    Case("points-nan-dropped", lambda t: layers.points(_curve_with("acc", [np.nan]), **CURVE), None,
         warns=r"points: dropped 1 row\(s\)"),
    Case("points-size-zero", lambda t: layers.points(_curve_df(), size=0, **CURVE), InputError, "size: expected a positive"),
    Case("points-duplicated-x-ok", lambda t: layers.points(_curve_with("step", [0, 0]), **CURVE), None),
]  # fmt: skip

BAND = {"x": "step", "lower": "lo", "upper": "hi", "series": "method"}

BAND_CASES = [
    Case("band-empty-frame", lambda t: layers.band(_curve_df().iloc[:0], **BAND), InputError, "the frame is empty"),
    Case("band-missing-col", lambda t: layers.band(_curve_df(), x="step", lower="nope", upper="hi"), InputError, MISSING_COL),
    Case("band-strings", lambda t: layers.band(_curve_with("hi", ["?"]), **BAND), InputError, "column 'hi' must be numeric"),
    Case("band-nan-dropped", lambda t: layers.band(_curve_with("lo", [np.nan, -np.inf]), **BAND), None,
         warns=r"band: dropped 2 row\(s\) with NaN or infinite values in 'step', 'lo', 'hi'"),
    Case("band-duplicated-steps", lambda t: layers.band(_curve_with("step", [1, 1]), **BAND), InputError, "repeats the value 1"),
    Case("band-opacity-negative", lambda t: layers.band(_curve_df(), opacity=-0.1, **BAND), InputError, "opacity: expected"),
]  # fmt: skip

HLINE_CASES = [
    Case("hline-legend-no-label", lambda t: layers.hline(1.0, legend_field="method"), InputError, "label: required"),
    Case("hline-palette-missing-label", lambda t: layers.hline(1.0, label="GRPO", legend_field="m", palette={"A": "red"}),
         InputError, "palette: must include the reference label 'GRPO'"),
    Case("hline-unicode-label", lambda t: layers.hline(1.0, label="GRPO ≈ 55.79 ✓").properties(config=vf.paper()), None,
         check=_texts_drawn("GRPO ≈ 55.79 ✓")),
]  # fmt: skip

SUMMARY_CASES = [
    Case("stats-empty-frame", lambda t: transforms.summary_stats(_hist_df().iloc[:0], value="value"), InputError, "empty"),
    Case("stats-missing-col", lambda t: transforms.summary_stats(_hist_df(), value="nope"), InputError, MISSING_COL + "'value', 'panel'"),
    Case("stats-missing-by", lambda t: transforms.summary_stats(_hist_df(), value="value", by="nope"), InputError, MISSING_COL),
    Case("stats-strings", lambda t: transforms.summary_stats(_with("value", ["1,5"]), value="value"), InputError, "non-numeric value '1,5'"),
    Case("stats-nan-left-out", lambda t: transforms.summary_stats(_with("value", [np.nan, np.inf]), value="value"), None,
         warns=r"summary_stats: left out 2 NaN or infinite value\(s\)", check=_rows(1)),
    Case("stats-group-all-nan", lambda t: transforms.summary_stats(
        _hist_df().assign(value=lambda d: d["value"].where(d["panel"] == "loss")), value="value", by="panel"),
        InputError, "no finite values for panel='grad'", warns="left out 30"),
    Case("stats-single-row", lambda t: transforms.summary_stats(_hist_df().iloc[:1], value="value"), None, check=_rows(1)),
    Case("stats-all-equal", lambda t: transforms.summary_stats(_hist_df().assign(value=4.0), value="value", by="panel"), None,
         check=lambda f, t: (f["max"] == f["min"]).all() or pytest.fail(str(f))),
    Case("stats-missing-group", lambda t: transforms.summary_stats(_with("panel", [None, np.nan]), value="value", by="panel"),
         InputError, r"^df: column 'panel' has 2 missing value\(s\) \(NaN/None\)"),
    Case("stats-missing-second-group", lambda t: transforms.summary_stats(
        _hist_df().assign(seed=[np.nan] + [0.0] * 59), value="value", by=["panel", "seed"]),
        InputError, r"^df: column 'seed' has 1 missing value"),
]  # fmt: skip

BINS_CASES = [
    Case("bins-empty-frame", lambda t: transforms.histogram_bins(_hist_df().iloc[:0], value="value"), InputError, "empty"),
    Case("bins-missing-col", lambda t: transforms.histogram_bins(_hist_df(), value="nope"), InputError, MISSING_COL + "'value', 'panel'"),
    Case("bins-strings", lambda t: transforms.histogram_bins(_with("value", ["NaN?"]), value="value"), InputError, "non-numeric value 'NaN\\?'"),
    Case("bins-nan-left-out", lambda t: transforms.histogram_bins(_with("value", [np.nan, -np.inf]), value="value", bins=4), None,
         warns=r"histogram_bins: left out 2 NaN", check=_count_is(58)),
    Case("bins-zero", lambda t: transforms.histogram_bins(_hist_df(), value="value", bins=0), InputError, "bins: expected a positive"),
    Case("bins-negative", lambda t: transforms.histogram_bins(_hist_df(), value="value", bins=-3), InputError, "bins: expected a positive"),
    Case("bins-bool", lambda t: transforms.histogram_bins(_hist_df(), value="value", bins=True), InputError, "bins: expected a positive integer"),
    Case("bins-huge", lambda t: transforms.histogram_bins(_hist_df(), value="value", bins=10**9), InputError, "at most 10000"),
    Case("bins-extent-triple", lambda t: transforms.histogram_bins(_hist_df(), value="value", extent=(0, 1, 2)), InputError,
         r"extent: expected \(low, high\)"),
    Case("bins-single-row", lambda t: transforms.histogram_bins(_hist_df().iloc[:1], value="value", bins=3), None, check=_count_is(1)),
    Case("bins-all-equal", lambda t: transforms.histogram_bins(_hist_df().assign(value=1.0), value="value", bins=3), None,
         check=_count_is(60)),
    Case("bins-duplicated", lambda t: transforms.histogram_bins(pd.concat([_hist_df()] * 2), value="value", by="panel"), None,
         check=_count_is(120)),
    Case("bins-missing-group", lambda t: transforms.histogram_bins(_with("panel", [None]), value="value", by="panel"),
         InputError, r"^df: column 'panel' has 1 missing value\(s\) \(NaN/None\)"),
]  # fmt: skip

SAVE_CASES = [
    Case("save-unknown-suffix", lambda t: vf.save(_small_chart(), t.out / "f.jpg"), ExportError, r"unknown suffix; supported suffixes are \.vl\.json"),
    Case("save-no-suffix", lambda t: vf.save(_small_chart(), t.out / "figure"), ExportError, "unknown suffix"),
    Case("save-missing-folder-created", lambda t: vf.save(_small_chart(), t.out / "new" / "deeper" / "f.svg"), None,
         check=_file_written("new/deeper/f.svg")),
    Case("save-folder-is-a-file", lambda t: vf.save(_small_chart(), Path(_spec_file(t, "x", "plain.txt")) / "f.svg"),
         ExportError, "cannot write there"),
    Case("save-target-is-a-folder", lambda t: vf.save(_small_chart(), (t.inp / "f.svg").mkdir() or t.inp / "f.svg"),
         ExportError, "cannot write there"),
    Case("save-dpi-zero", lambda t: vf.save(_small_chart(), t.out / "f.png", dpi=0), ExportError, "dpi: expected a positive"),
    Case("save-dpi-nan", lambda t: vf.save(_small_chart(), t.out / "f.png", dpi=float("nan")), ExportError, "dpi: expected a positive"),
    Case("save-dpi-string", lambda t: vf.save(_small_chart(), t.out / "f.png", dpi="300"), ExportError, "dpi: expected a positive"),  # type: ignore[arg-type]
    Case("save-not-a-chart", lambda t: vf.save("chart", t.out / "f.svg"), ExportError, "expected an Altair chart"),  # type: ignore[arg-type]
    Case("save-invalid-spec-dict", lambda t: vf.save({"mark": "pointy"}, t.out / "f.svg"), ExportError,
         r"not a valid Vega-Lite spec at \$\.mark"),
    Case("save-nan-in-spec-dict", lambda t: vf.save({"data": {"values": [{"x": np.nan}]}, "mark": "point"},
         t.out / "f.vl.json"), ExportError, "non-finite number"),
    Case("save-nan-in-frame-ok", lambda t: vf.save(alt.Chart(pd.DataFrame({"x": [1.0, np.nan]})).mark_point().encode(
         x="x:Q"), t.out / "f.vl.json"), None, check=lambda p, t: "null" in p.read_text() or pytest.fail("NaN kept")),
    Case("save-unknown-font", lambda t: vf.save(_small_chart().properties(title=alt.Title("T", font="Helvetica")),
         t.out / "f.pdf"), FontError, "'Helvetica'"),
    Case("save-url-data", lambda t: vf.save(_url_chart("https://example.com/runs.csv"), t.out / "f.svg"), ExportError,
         "loads data from the URL 'https://example.com/runs.csv'; pass allow_external_data=True"),
    Case("save-url-data-html", lambda t: vf.save(_url_chart("//cdn.example.com/runs.json"), t.out / "f.html"), ExportError,
         "loads data from the URL"),
    Case("save-outside-folder", lambda t: vf.save(_url_chart("/etc/hostname"), t.out / "f.png"), ExportError,
         "outside the folders allowed for data"),
    Case("save-missing-local-data", lambda t: vf.save(_url_chart("runs.csv"), t.out / "f.svg", allow_data_dirs=["."]), LoadError,
         "runs.csv', which cannot be read"),
    Case("save-unicode-long-title", lambda t: vf.save(_small_chart(UNICODE + " " + LONG), t.out / "f.svg"), None,
         check=lambda p, t: UNICODE in p.read_text() or pytest.fail("title missing")),
]  # fmt: skip

CLI_GALLERY_CASES = [
    Case("gallery-unknown-format", lambda t: _cli("gallery", "--out", str(t.out), "--format", "gif", "-q"), InputError,
         "format: got 'gif'; expected one of 'json', 'png', 'svg', 'pdf', 'html'"),
    Case("gallery-empty-format", lambda t: _cli("gallery", "--out", str(t.out), "--format", ",", "-q"), InputError,
         "format: nothing given"),
    Case("gallery-unknown-figure", lambda t: _cli("gallery", "--out", str(t.out), "--only", "nope", "-q"), InputError,
         "only: got 'nope'"),
    Case("gallery-dpi-zero", lambda t: _cli("gallery", "--out", str(t.out), "--dpi", "0", "--format", "json", "-q"),
         InputError, "dpi: expected a positive"),
    Case("gallery-dpi-too-high-unused", lambda t: _cli("gallery", "--out", str(t.out), "--dpi", "5000", "--format", "html", "-q"),
         ExportError, "dpi: expected a positive number from 10 to 2400"),
    Case("gallery-out-is-a-file", lambda t: _cli("gallery", "--out", _spec_file(t, "x", "plain.txt"), "--format", "json", "-q"),
         ExportError, "cannot write there"),
    Case("gallery-missing-out-created", lambda t: _cli("gallery", "--out", str(t.out / "a" / "b"), "--format", "json", "-q"),
         None, check=_file_written("a/b/grad_metrics_hist.vl.json")),
]  # fmt: skip


def _render(t: Paths, spec: str | bytes, out: str = "f.svg", *extra: str) -> int:
    return _cli("render", _spec_file(t, spec), "-o", str(t.out / out), *extra)


def _url_spec(url: str) -> str:
    return f'{{"data": {{"url": "{url}"}}, "mark": "point", "encoding": {{"x": {{"field": "a", "type": "quantitative"}}}}}}'


CLI_RENDER_CASES = [
    Case("render-missing-spec", lambda t: _cli("render", str(t.inp / "nope.vl.json"), "-o", str(t.out / "f.png")), LoadError,
         "nope.vl.json'.*cannot read"),
    Case("render-png-as-spec", lambda t: _cli("render", _png_file(t), "-o", str(t.out / "f.svg")), LoadError,
         r"picture\.png': not a text file"),
    Case("render-csv-as-spec", lambda t: _render(t, "a,b\n1,2\n"), LoadError, r"not valid JSON \(line 1, column 1"),
    Case("render-empty-file", lambda t: _render(t, ""), LoadError, "not valid JSON"),
    Case("render-json-array", lambda t: _render(t, "[1, 2]"), LoadError, "expected a JSON object"),
    Case("render-not-vega-lite", lambda t: _render(t, '{"foo": 1}'), LoadError, r"not a valid Vega-Lite spec at \$"),
    Case("render-unknown-output-suffix", lambda t: _render(t, GOOD_SPEC, "f.gif"), ExportError, "unknown suffix"),
    Case("render-output-under-a-file", lambda t: _cli("render", _spec_file(t, GOOD_SPEC), "-o",
         str(Path(_spec_file(t, "x", "plain.txt")) / "f.svg")), ExportError, "cannot write there"),
    Case("render-dpi-zero", lambda t: _render(t, GOOD_SPEC, "f.png", "--dpi", "0"), ExportError, "dpi: expected a positive"),
    Case("render-url-data", lambda t: _render(t, _url_spec("https://example.com/a.csv")), ExportError,
         "loads data from the URL 'https://example.com/a.csv'; .*--allow-external-data"),
    Case("render-file-url-outside", lambda t: _render(t, _url_spec("file:///etc/hostname")), ExportError,
         "reads the local file '/etc/hostname', outside the folders allowed for data"),
    Case("render-parent-path-outside", lambda t: _render(t, _url_spec("../secret.csv")), ExportError, "outside the folders allowed"),
    Case("render-missing-folder-created", lambda t: _render(t, GOOD_SPEC, "new/f.svg"), None, check=_file_written("new/f.svg")),
    Case("render-unicode-title", lambda t: _render(t, vf.spec_json(_small_chart(UNICODE)), "f.svg"), None,
         check=lambda r, t: UNICODE in (t.out / "f.svg").read_text() or pytest.fail("title missing")),
]  # fmt: skip


# ================================================================ entry points added later
# ---------------------------------------------------------------- bar charts
def _bar_df() -> pd.DataFrame:
    return pd.DataFrame({"step": [5, 10, 15, 20], "score": [55.7, 57.7, 57.1, 56.2]})


def _bar_with(col: str, values: list[Any]) -> pd.DataFrame:
    return _with(col, values, _bar_df())


def _bt(df: pd.DataFrame | None = None, **kw: Any) -> vf.Figure:
    return vf.figures.bar_trend(_bar_df() if df is None else df, x="step", y="score", **kw)


def _sized(chart: Any) -> Any:
    return chart.properties(width=120, height=80)


def _bar_layer(df: pd.DataFrame | None = None, **kw: Any) -> alt.Chart:
    return _sized(layers.bars(_bar_df() if df is None else df, x="step", y="score", **kw))


def _trend(df: pd.DataFrame | None = None, **kw: Any) -> alt.LayerChart:
    return _sized(layers.trend_line(_bar_df() if df is None else df, x="step", y="score", **kw))


def _labels(df: pd.DataFrame | None = None, **kw: Any) -> alt.Chart:
    return _sized(layers.value_labels(_bar_df() if df is None else df, x="step", y="score", **kw))


def _bar_fills(n: int, *, same: bool) -> Callable[[Any, Paths], None]:
    """``n`` bars drawn; all one fill (``same``) or as many fills as bars."""

    def check(chart: Any, t: Paths) -> None:
        rects = [i for i in scene_items(chart, marktype="rect") if i.get("height", 0) > 0.5]
        fills = {i["fill"] for i in rects if "fill" in i}
        assert len(rects) == n, [(i["abs_x"], i.get("height")) for i in rects]
        assert len(fills) == (1 if same else n), fills

    return check


def _labels_drawn(*labels: str, absent: tuple[str, ...] = ()) -> Callable[[Any, Paths], None]:
    def check(chart: Any, t: Paths) -> None:
        texts = [i["text"] for i in scene_items(chart, marktype="text") if i["mark"]]
        assert sorted(texts) == sorted(labels), texts
        assert not set(absent) & set(drawn_texts(chart))

    return check


def _title_fits(
    title: str, marktype: str, *, min_w: float = 100, min_h: float = 30
) -> Callable[[Any, Paths], None]:
    """``title`` drawn whole (maybe wrapped) and the data marks not squeezed by it."""

    def check(chart: Any, t: Paths) -> None:
        items = scene_items(chart)
        texts = [i["text"] for i in items if i["marktype"] == "text" and "text" in i]
        joined = [" ".join(x) if isinstance(x, list) else str(x) for x in texts]
        assert title in joined, joined
        marks = [
            i for i in items if i["marktype"] == marktype and i["mark"] and "marks" in i["mark"]
        ]
        xs = [v for i in marks for v in (i["abs_x"], i["abs_x"] + i.get("width", 0))]
        ys = [v for i in marks for v in (i["abs_y"], i["abs_y"] + i.get("height", 0))]
        assert max(xs) - min(xs) > min_w and max(ys) - min(ys) > min_h, (
            min(xs),
            max(xs),
            min(ys),
            max(ys),
        )

    return check


def _both(*checks: Callable[[Any, Paths], None]) -> Callable[[Any, Paths], None]:
    def check(result: Any, t: Paths) -> None:
        for c in checks:
            c(result, t)

    return check


def _scale_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "n": [0.6, 1.7, 4.0] * 2,
            "acc": [0.1, 0.2, 0.3, 0.3, 0.4, 0.5],
            "sd": 0.02,
            "m": list("aaabbb"),
        }
    )


def _sc(df: pd.DataFrame | None = None, **kw: Any) -> vf.Figure:
    args: dict[str, Any] = {"width_in": 4.0, "height_in": 2.5, **kw}
    return vf.figures.scaling_curves(
        _scale_df() if df is None else df, x="n", y="acc", series="m", **args
    )


def _sc_with(col: str, values: list[Any]) -> pd.DataFrame:
    return _with(col, values, _scale_df())


def _n_points(n: int) -> Callable[[Any, Paths], None]:
    def check(chart: Any, t: Paths) -> None:
        pts = [i for i in scene_items(chart, marktype="symbol") if i["mark"]]
        assert len(pts) == n, len(pts)

    return check


SCALING_CASES = [
    Case("sc-empty-frame", lambda t: _sc(_scale_df().iloc[:0]), InputError, "the frame is empty"),
    Case("sc-missing-col", lambda t: vf.figures.scaling_curves(_scale_df(), x="n", y="acc", series="nope"),
         InputError, MISSING_COL + "'n', 'acc', 'sd', 'm'"),
    Case("sc-strings", lambda t: _sc(_sc_with("acc", ["n/a"])), InputError, "column 'acc' must be numeric; found non-numeric value 'n/a'"),
    Case("sc-strings-x", lambda t: _sc(_sc_with("n", ["0.6B"])), InputError, "column 'n' must be numeric"),
    Case("sc-nan-inf-dropped", lambda t: _sc(_sc_with("acc", [np.nan, -np.inf])), None,
         warns=r"^scaling_curves: dropped 2 row\(s\) with NaN or infinite values in 'n', 'acc'$", check=_n_points(4)),
    Case("sc-nan-err-no-band-point", lambda t: _sc(_sc_with("sd", [np.nan, np.inf]), err="sd"), None, check=_n_points(6)),
    Case("sc-all-nan", lambda t: _sc(_scale_df().assign(acc=np.nan)), InputError, "no rows with finite values",
         warns="dropped 6 row"),
    Case("sc-single-row", lambda t: _sc(_scale_df().iloc[:1], err="sd"), None, check=_n_points(1)),
    Case("sc-all-equal", lambda t: _sc(_scale_df().assign(acc=0.5)), None, check=_n_points(6)),
    Case("sc-duplicated-steps", lambda t: _sc(_sc_with("n", [0.6, 0.6])), InputError,
         r"df: 1 duplicate \('m', 'n'\) row\(s\), e\.g\. \('a', 0\.6\); expected one row per series and x"),
    Case("sc-missing-series-name", lambda t: _sc(_sc_with("m", [None])), InputError, "column 'm' has 1 missing value"),
    Case("sc-err-negative", lambda t: _sc(_scale_df().assign(sd=-0.1), err="sd"), InputError, r"err: column 'sd' must be >= 0"),
    Case("sc-highlight-unknown", lambda t: _sc(highlight="c"), InputError, r"highlight: 'c' is not a series; the series are \['a', 'b'\]"),
    Case("sc-unknown-theme", lambda t: _sc(theme="dark"), InputError, "theme: got 'dark'"),
    Case("sc-too-small", lambda t: _sc(width_in=1.0, height_in=0.8), InputError, r"width_in/height_in: 1\.00 x 0\.80 in is too small"),
    Case("sc-err-and-limits", lambda t: _sc(err="sd", lower="sd", upper="sd"), InputError, "err: give either err"),
    Case("sc-lower-without-upper", lambda t: _sc(lower="sd"), InputError, "lower/upper: give both"),
    Case("sc-lower-above-upper", lambda t: _sc(_scale_df().assign(lo=1.0), lower="lo", upper="sd"), InputError,
         r"lower/upper: 6 row\(s\) where 'lo' > 'sd'"),
    Case("sc-palette-unknown", lambda t: _sc(palette={"z": "red"}), InputError, r"palette: \['z'\] are not series"),
    Case("sc-order-unknown", lambda t: _sc(order=["a", "z"]), InputError, r"order: \['z'\] not found"),
    Case("sc-unicode", lambda t: _sc(_scale_df().assign(m=["Ünïcødé α"] * 3 + ["β"] * 3), highlight="β",
         title=UNICODE, x_title="Größe (Mrd.)", y_title="Genauigkeit ±σ"), None,
         check=_both(_title_fits(UNICODE, "symbol"), _texts_drawn("Größe (Mrd.)", "Genauigkeit ±σ", "Ünïcødé α", "β"))),
    Case("sc-long-titles", lambda t: _sc(title=LONG.strip(), x_title=LONG.strip(), width_in=10, height_in=5), None,
         check=_title_fits(LONG.strip(), "symbol")),
    Case("sc-long-y-title", lambda t: _sc(y_title=LONG.strip(), width_in=10, height_in=5), None,
         check=_title_fits(LONG.strip(), "symbol")),
]  # fmt: skip


BAR_TREND_CASES = [
    Case("bt-empty-frame", lambda t: _bt(_bar_df().iloc[:0]), InputError, "the frame is empty"),
    Case("bt-missing-col", lambda t: vf.figures.bar_trend(_bar_df(), x="step", y="nope"), InputError,
         MISSING_COL + "'step', 'score'"),
    Case("bt-strings", lambda t: _bt(_bar_with("score", ["n/a"])), InputError,
         "column 'score' must be numeric; found non-numeric value 'n/a'"),
    Case("bt-nan-inf-dropped", lambda t: _bt(_bar_with("score", [np.nan, np.inf])), None,
         warns=r"^bar_trend: dropped 2 row\(s\) with NaN or infinite values in 'score'$",
         check=_texts_drawn("57.10", "56.20")),
    Case("bt-all-nan", lambda t: _bt(_bar_df().assign(score=np.nan)), InputError,
         "bar_trend: no rows with finite values in 'score'", warns="dropped 4 row"),
    Case("bt-single-row", lambda t: _bt(_bar_df().iloc[:1]), None, check=_texts_drawn("55.70", "5")),
    Case("bt-all-equal", lambda t: _bt(_bar_df().assign(score=3.0), trend=False), None,
         check=_bar_fills(4, same=True)),
    Case("bt-duplicated-steps", lambda t: _bt(_bar_with("step", [5, 5])), InputError,
         r"categories must be unique, one bar each; 'step' repeats \[5\]"),
    Case("bt-missing-category", lambda t: _bt(_bar_with("step", [None])), InputError,
         "column 'step' has 1 missing value"),
    Case("bt-too-small", lambda t: _bt(width_in=0.6), InputError, r"width_in/height_in: 0\.60 x 2\.30 in is too small for 4 bars"),
    Case("bt-order-incomplete", lambda t: _bt(order=[5, 10, 15]), InputError, r"order: must list each category .* not listed \[20\]"),
    Case("bt-tiny-venue-fonts-ok", lambda t: _bt(width_in=3.25, height_in=2.0, style=vf.themes.venue("icml")), None,
         check=_all_texts_visible),
    Case("bt-unknown-theme", lambda t: _bt(theme="dark"), InputError, "theme: got 'dark'"),
    Case("bt-unicode", lambda t: _bt(_bar_df().assign(step=["α", "β", "γ", "δ"]), x_title="Schritte Δ",
         y_title="Ø Punktzahl ±σ", reference=56, reference_label="GRPO ≈ 56 ✓"), None,
         check=_texts_drawn("α", "δ", "Schritte Δ", "Ø Punktzahl ±σ", "GRPO ≈ 56 ✓")),
    Case("bt-long-titles", lambda t: _bt(x_title=LONG.strip(), y_title=UNICODE * 3, width_in=10, height_in=5), None,
         check=_title_fits(LONG.strip(), "rect")),
    Case("bt-long-titles-too-small", lambda t: _bt(x_title=LONG.strip(), y_title=UNICODE * 3), InputError,
         r"width_in/height_in: 3\.60 x 2\.30 in is too small for 4 bars with their axes and titles"),
]  # fmt: skip

BARS_CASES = [
    Case("bars-empty-frame", lambda t: _bar_layer(_bar_df().iloc[:0]), InputError, "the frame is empty"),
    Case("bars-missing-col", lambda t: layers.bars(_bar_df(), x="nope", y="score"), InputError,
         MISSING_COL + "'step', 'score'"),
    Case("bars-strings", lambda t: _bar_layer(_bar_with("score", ["high"])), InputError, "non-numeric value 'high'"),
    Case("bars-booleans", lambda t: _bar_layer(_bar_df().assign(score=True)), InputError, "it holds booleans"),
    Case("bars-nan-inf-dropped", lambda t: _bar_layer(_bar_with("score", [np.nan, -np.inf])), None,
         warns=r"^bars: dropped 2 row\(s\) with NaN or infinite values in 'score'$", check=_bar_fills(2, same=False)),
    Case("bars-all-nan", lambda t: _bar_layer(_bar_df().assign(score=np.nan)), InputError,
         "bars: no rows with finite values", warns="dropped 4 row"),
    Case("bars-single-row", lambda t: _bar_layer(_bar_df().iloc[:1]), None, check=_bar_fills(1, same=True)),
    Case("bars-all-equal", lambda t: _bar_layer(_bar_df().assign(score=2.0)), None, check=_bar_fills(4, same=True)),
    Case("bars-duplicated-steps", lambda t: _bar_layer(_bar_with("step", [10, 10])), InputError, r"'step' repeats \[10\]"),
    Case("bars-missing-category", lambda t: _bar_layer(_bar_with("step", [np.nan])), InputError,
         "column 'step' has 1 missing value"),
    Case("bars-unicode", lambda t: _bar_layer(_bar_df().assign(step=["α", "β", "γ", "δ"]), x_title=UNICODE,
         y_title="Häufigkeit").properties(config=vf.paper()), None, check=_all_texts_visible),
    Case("bars-long-title", lambda t: _bar_layer(x_title=LONG.strip()), None, check=_texts_drawn(LONG.strip())),
]  # fmt: skip

TREND_CASES = [
    Case("trend-empty-frame", lambda t: _trend(_bar_df().iloc[:0]), InputError, "the frame is empty"),
    Case("trend-missing-col", lambda t: layers.trend_line(_bar_df(), x="step", y="nope"), InputError,
         MISSING_COL + "'step', 'score'"),
    Case("trend-strings", lambda t: _trend(_bar_with("score", ["?"])), InputError, "non-numeric value '\\?'"),
    Case("trend-nan-dropped", lambda t: _trend(_bar_with("score", [np.nan])), None,
         warns=r"^trend_line: dropped 1 row\(s\) with NaN or infinite values in 'score'$",
         check=lambda c, t: len(scene_items(c, marktype="symbol")) == 3 or pytest.fail("markers")),
    Case("trend-all-nan", lambda t: _trend(_bar_df().assign(score=np.inf)), InputError,
         "trend_line: no rows with finite values", warns="dropped 4 row"),
    Case("trend-single-row", lambda t: _trend(_bar_df().iloc[:1]), None),
    Case("trend-all-equal", lambda t: _trend(_bar_df().assign(score=1.0)), None),
    Case("trend-duplicated-steps", lambda t: _trend(_bar_with("step", [5, 5])), InputError,
         "trend_line: column 'step' repeats the value 5"),
    Case("trend-missing-category", lambda t: _trend(_bar_with("step", [None])), InputError, "'step' has 1 missing value"),
    Case("trend-order-unknown", lambda t: _trend(order=[5, 10, 15, 99]), InputError, r"order: must list each category .* unknown \[99\]"),
    Case("trend-bad-x-type", lambda t: _trend(x_type="Z"), InputError, "x_type: got 'Z'"),
]  # fmt: skip

LABELS_CASES = [
    Case("labels-empty-frame", lambda t: _labels(_bar_df().iloc[:0]), InputError, "the frame is empty"),
    Case("labels-missing-col", lambda t: layers.value_labels(_bar_df(), x="step", y="nope"), InputError,
         MISSING_COL + "'step', 'score'"),
    Case("labels-missing-offset-col", lambda t: _labels(offset="lift"), InputError, r"missing column\(s\) 'lift'"),
    Case("labels-strings", lambda t: _labels(_bar_with("score", ["abc"])), InputError, "non-numeric value 'abc'"),
    Case("labels-nan-inf-dropped", lambda t: _labels(_bar_with("score", [np.nan, np.inf])), None,
         warns=r"^value_labels: dropped 2 row\(s\) with NaN or infinite values in 'score'$",
         check=_labels_drawn("57.10", "56.20", absent=("NaN", "Infinity"))),
    Case("labels-all-nan", lambda t: _labels(_bar_df().assign(score=np.nan)), InputError,
         "value_labels: no rows with finite values", warns="dropped 4 row"),
    Case("labels-single-row", lambda t: _labels(_bar_df().iloc[:1]), None, check=_labels_drawn("55.70")),
    Case("labels-duplicated-x", lambda t: _labels(_bar_with("step", [5, 5])), None,
         check=_labels_drawn("55.70", "57.70", "57.10", "56.20")),
    Case("labels-offset-column-text", lambda t: _labels(_bar_df().assign(lift="up"), offset="lift"), InputError,
         "column 'lift' must be numeric"),
    Case("labels-unknown-font", lambda t: vf.export.render(_labels(font="Arial"), "svg"), FontError, "'Arial'"),
]  # fmt: skip


def _temporal_chart() -> alt.Chart:
    df = pd.DataFrame({"day": pd.to_datetime(["2024-01-01", "2024-03-01"]), "v": [1.0, 2.0]})
    return _sized(alt.Chart(df).mark_line().encode(x="day:T", y="v:Q"))


AXIS_CASES = [
    Case("axis-not-a-chart", lambda t: layers.set_axis(_bar_df(), "x"), InputError,
         "chart: expected an Altair Chart or LayerChart, got DataFrame"),
    Case("axis-concat", lambda t: layers.set_axis(_bar_layer() | _bar_layer(), "x"), InputError, "got HConcatChart"),
    Case("axis-values-text", lambda t: layers.set_axis(_bar_layer(), "y", values=["high"]), InputError,
         "values: the y axis is quantitative; tick values must be numbers, got 'high'"),
    Case("axis-values-categories-ok", lambda t: layers.set_axis(_bar_layer(), "x", values=[5, 15]), None,
         check=_texts_drawn("5", "15")),
    Case("axis-format-printf", lambda t: layers.set_axis(_bar_layer(), "y", format="%d"), InputError,
         r"format: '%d' is not a d3 number format .*\(the y axis is quantitative\)"),
    Case("axis-format-time-ok", lambda t: layers.set_axis(_temporal_chart(), "x", format="%b %Y"), None,
         check=_texts_drawn("Jan 2024")),
    Case("axis-scale-unknown-type", lambda t: layers.set_axis(_bar_layer(), "y", scale={"type": "logarithmic"}),
         InputError, r"scale/axis: not valid Vega-Lite \('logarithmic' is an invalid value for `type`"),
    Case("axis-axis-unknown-prop", lambda t: layers.set_axis(_bar_layer(), "y", axis={"tickColour": "red"}),
         InputError, "scale/axis: not valid Vega-Lite .*tickColour"),
    Case("axis-unicode-long-title", lambda t: layers.set_axis(_bar_layer(), "y", title=UNICODE + " " + LONG.strip()),
         None, check=_texts_drawn(UNICODE + " " + LONG.strip())),
]  # fmt: skip


def _legend_chart(legend: alt.Legend) -> alt.Chart:
    df = _curve_df().assign(method=["Ünïcødé α"] * 5 + ["β"] * 5)
    return _sized(
        alt.Chart(df)
        .mark_line()
        .encode(x="step:Q", y="acc:Q", color=alt.Color("method:N", legend=legend))
    ).properties(config=vf.latex())


TIMES = vf.themes.fonts.TIMES

LEGEND_CASES = [
    Case("legend-bad-orient", lambda t: layers.series_legend(font=TIMES, orient="middle"), InputError,
         "orient: got 'middle'; expected one of 'none', 'left'"),
    Case("legend-bad-symbol", lambda t: layers.series_legend(font=TIMES, symbol_type="blob"), InputError,
         "symbol_type: got 'blob'; expected one of circle"),
    Case("legend-symbol-size-zero", lambda t: layers.series_legend(font=TIMES, symbol_size=0), InputError,
         "symbol_size: expected a positive"),
    Case("legend-stroke-negative", lambda t: layers.series_legend(font=TIMES, symbol_stroke_width=-1), InputError,
         "symbol_stroke_width: expected a number >= 0"),
    Case("legend-font-not-text", lambda t: layers.series_legend(font=3), InputError, "font: expected a string, got 3"),
    Case("legend-unknown-font", lambda t: vf.export.render(_legend_chart(layers.series_legend(font="Helvetica")), "svg"),
         FontError, "'Helvetica'"),
    Case("legend-svg-path-symbol-ok", lambda t: _legend_chart(layers.series_legend(font=TIMES, symbol_type="M-1,0L1,0")),
         None, check=_texts_drawn("β")),
    Case("legend-unicode-highlight", lambda t: _legend_chart(layers.series_legend(
         font=vf.themes.fonts.COMPUTER_MODERN, highlight="Ünïcødé α")), None, check=_texts_drawn("Ünïcødé α", "β")),
]  # fmt: skip


# ---------------------------------------------------------------- paths and states
def _path_df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "traj": [0] * 4 + [1] * 4,
            "t": [0, 1, 2, 3] * 2,
            "kl": [1.0, 1.2, 0.9, 1.1, 0.5, 0.7, 0.6, 0.8],
            "state": ["alive", "alive", "dead", "dead", "alive", "alive", "alive", "alive"],
        }
    )


def _path_with(col: str, values: list[Any]) -> pd.DataFrame:
    return _with(col, values, _path_df())


PAL = {"alive": "#3a7ca5", "dead": "#d97706"}


def _seg(df: pd.DataFrame | None = None, **kw: Any) -> alt.Chart:
    args: dict[str, Any] = {"palette": PAL, **kw}
    df = _path_df() if df is None else df
    return _sized(layers.segment_paths(df, x="t", y="kl", path="traj", state="state", **args))


def _n_lines(n: int) -> Callable[[Any, Paths], None]:
    def check(chart: Any, t: Paths) -> None:
        lines = [i for i in scene_items(chart, marktype="line")]
        assert len(lines) >= n, lines

    return check


SEGMENT_CASES = [
    Case("seg-empty-frame", lambda t: _seg(_path_df().iloc[:0]), InputError, "the frame is empty"),
    Case("seg-missing-col", lambda t: layers.segment_paths(_path_df(), x="t", y="nope", path="traj", state="state"),
         InputError, MISSING_COL + "'traj', 't', 'kl', 'state'"),
    Case("seg-same-columns", lambda t: layers.segment_paths(_path_df(), x="t", y="t", path="traj", state="state"),
         InputError, "expected four different columns"),
    Case("seg-column-named-run", lambda t: layers.segment_paths(_path_df().rename(columns={"state": "run"}),
         x="t", y="kl", path="traj", state="run"), None, check=_texts_drawn("alive", "dead")),
    Case("seg-strings-y", lambda t: _seg(_path_with("kl", ["high"])), InputError, "column 'kl' must be numeric"),
    Case("seg-strings-x", lambda t: _seg(_path_with("t", ["start"])), InputError, "column 't' must be numeric"),
    Case("seg-nan-x", lambda t: _seg(_path_with("t", [np.nan])), InputError,
         "column 't' has 1 NaN or infinite value"),
    Case("seg-nan-inf-y-gap", lambda t: _seg(_path_with("kl", [np.nan, np.inf])), None, check=_n_lines(1)),
    Case("seg-missing-state", lambda t: _seg(_path_with("state", [None])), InputError, "'state' has 1 missing value"),
    Case("seg-missing-path", lambda t: _seg(_path_with("traj", [None])), InputError, "'traj' has 1 missing value"),
    Case("seg-palette-partial-filled", lambda t: _seg(palette={"alive": "blue"}), None, check=_n_lines(2)),
    Case("seg-draw-order-missing", lambda t: _seg(draw_order=["alive"]), InputError, r"draw_order: states \['dead'\] are missing"),
    Case("seg-single-row", lambda t: _seg(_path_df().iloc[:1]), None),
    Case("seg-all-equal", lambda t: _seg(_path_df().assign(kl=1.0, state="alive")), None, check=_n_lines(2)),
    Case("seg-duplicated-x", lambda t: _seg(_path_with("t", [0, 0])), None, check=_n_lines(2)),
    Case("seg-unicode-states", lambda t: _seg(_path_df().assign(state=np.where(_path_df()["state"] == "alive",
         "lebendig ✓", "tot ✗")), palette={"lebendig ✓": "red", "tot ✗": "blue"}).properties(config=vf.paper()),
         None, check=_texts_drawn("lebendig ✓", "tot ✗")),
]  # fmt: skip


def _frame_is(expected: dict[str, list[Any]]) -> Callable[[Any, Paths], None]:
    def check(frame: pd.DataFrame, t: Paths) -> None:
        got = {c: frame[c].tolist() for c in expected}
        assert got == expected, got

    return check


def _runs_in(column: str, expected: dict[str, list[Any]]) -> Callable[[Any, Paths], None]:
    """The run ids are in ``column`` (``attrs["run"]`` says so) and the columns are as expected."""

    def check(frame: pd.DataFrame, t: Paths) -> None:
        assert frame.attrs.get("run") == column, frame.attrs
        _frame_is(expected)(frame, t)

    return check


def _offsets(df: pd.DataFrame | None = None, **kw: Any) -> pd.DataFrame:
    args: dict[str, Any] = {"step_px": 37, "px_per_unit": 34, **kw}
    return transforms.label_offsets(_bar_df() if df is None else df, y="score", **args)


LABEL_OFFSET_CASES = [
    Case("offsets-empty-frame", lambda t: _offsets(_bar_df().iloc[:0]), InputError, "the frame is empty"),
    Case("offsets-missing-col", lambda t: transforms.label_offsets(_bar_df(), y="nope", step_px=1, px_per_unit=1),
         InputError, MISSING_COL + "'step', 'score'"),
    Case("offsets-strings", lambda t: _offsets(_bar_with("score", ["x"])), InputError, "non-numeric value 'x'"),
    Case("offsets-booleans", lambda t: _offsets(_bar_df().assign(score=True)), InputError, "it holds booleans"),
    Case("offsets-nan-inf-no-lift", lambda t: _offsets(_bar_with("score", [np.inf, np.nan])), None,
         check=_frame_is({"label_offset": [8.0, 8.0, 8.0, 8.513]})),
    Case("offsets-single-row", lambda t: _offsets(_bar_df().iloc[:1]), None, check=_frame_is({"label_offset": [8.0]})),
    Case("offsets-all-equal", lambda t: _offsets(_bar_df().assign(score=1.0)), None,
         check=_frame_is({"label_offset": [8.0] * 4})),
    Case("offsets-step-zero", lambda t: _offsets(step_px=0), InputError, "step_px: expected a positive"),
    Case("offsets-scale-negative", lambda t: _offsets(px_per_unit=-3), InputError, "px_per_unit: expected a positive"),
    Case("offsets-scale-inf", lambda t: _offsets(px_per_unit=np.inf), InputError, "px_per_unit: expected a positive number, got inf"),
    Case("offsets-font-size-zero", lambda t: _offsets(font_size=0), InputError, "font_size: expected a positive"),
    Case("offsets-min-negative", lambda t: _offsets(min_offset=-5), InputError, "min_offset: expected a number >= 0"),
    Case("offsets-gap-nan", lambda t: _offsets(gap=np.nan), InputError, "gap: expected a number >= 0"),
    Case("offsets-unknown-font", lambda t: _offsets(font="Arial"), FontError, "'Arial'"),
]  # fmt: skip


def _alive(pm: Any = (0.9, 0.7), forks: Any = (0, 2), **kw: Any) -> np.ndarray:
    args: dict[str, Any] = {"n_tokens": 4, "threshold": 0.8, **kw}
    return transforms.alive_mask(pm, forks, **args)


def _array_is(expected: list[Any]) -> Callable[[Any, Paths], None]:
    def check(arr: np.ndarray, t: Paths) -> None:
        assert arr.tolist() == expected, arr

    return check


ALIVE_CASES = [
    Case("alive-lengths-differ", lambda t: _alive((0.9, 0.7, 0.5)), InputError,
         "pmass, fork_t: expected one pmass per fork point, got 3 and 2"),
    Case("alive-forks-unsorted", lambda t: _alive(forks=(2, 0)), InputError, "fork_t: expected finite token indices sorted"),
    Case("alive-forks-nan", lambda t: _alive(forks=(0, np.nan)), InputError, "fork_t: expected finite"),
    Case("alive-strings", lambda t: _alive(("high", 0.7)), InputError, "pmass: expected a list of numbers"),
    Case("alive-nested", lambda t: _alive([[0.9, 0.7]], [[0, 2]]), InputError, "pmass: expected a flat list"),
    Case("alive-n-tokens-negative", lambda t: _alive(n_tokens=-4), InputError, "n_tokens: expected an integer >= 0, got -4"),
    Case("alive-n-tokens-float", lambda t: _alive(n_tokens=2.5), InputError, "n_tokens: expected an integer >= 0, got 2.5"),
    Case("alive-threshold-nan", lambda t: _alive(threshold=np.nan), InputError, "threshold: expected a finite number"),
    Case("alive-nan-pmass-alive", lambda t: _alive((np.nan, 0.9)), None, check=_array_is([True] * 4)),
    Case("alive-empty", lambda t: _alive((), ()), None, check=_array_is([True] * 4)),
    Case("alive-zero-tokens", lambda t: _alive(n_tokens=0), None, check=_array_is([])),
    Case("alive-all-equal", lambda t: _alive((0.5, 0.5)), None, check=_array_is([False] * 4)),
    Case("alive-duplicated-forks", lambda t: _alive(forks=(1, 1)), None, check=_array_is([True, False, False, False])),
]  # fmt: skip

RUNS_CASES = [
    Case("runs-empty-frame", lambda t: transforms.state_runs(_path_df().iloc[:0], path="traj", x="t", state="state"),
         InputError, "the frame is empty"),
    Case("runs-missing-col", lambda t: transforms.state_runs(_path_df(), path="traj", x="nope", state="state"),
         InputError, MISSING_COL),
    Case("runs-strings-x", lambda t: transforms.state_runs(_path_with("t", ["a"]), path="traj", x="t", state="state"),
         InputError, "column 't' must be numeric"),
    Case("runs-nan-x", lambda t: transforms.state_runs(_path_with("t", [np.inf]), path="traj", x="t", state="state"),
         InputError, "column 't' has 1 NaN or infinite"),
    Case("runs-missing-state", lambda t: transforms.state_runs(_path_with("state", [None]), path="traj", x="t",
         state="state"), InputError, "'state' has 1 missing value"),
    Case("runs-single-row", lambda t: transforms.state_runs(_path_df().iloc[:1], path="traj", x="t", state="state"),
         None, check=_frame_is({"t": [0], "run": [0]})),
    Case("runs-duplicated-x", lambda t: transforms.state_runs(_path_with("t", [0, 0]), path="traj", x="t",
         state="state"), None, check=_frame_is({"t": [0, 0, 2, 2, 3, 0, 1, 2, 3], "run": [0, 0, 0, 1, 1, 2, 2, 2, 2]})),
    Case("runs-user-run-column-kept", lambda t: transforms.state_runs(_path_df().assign(run="mine"), path="traj", x="t",
         state="state"), None, check=_runs_in("_run", {"run": ["mine"] * 9, "_run": [0, 0, 0, 1, 1, 2, 2, 2, 2]})),
    Case("runs-path-named-run", lambda t: transforms.state_runs(_path_df().rename(columns={"traj": "run"}), path="run",
         x="t", state="state"), None, check=_runs_in("_run", {"run": [0] * 5 + [1] * 4, "_run": [0, 0, 0, 1, 1, 2, 2, 2, 2]})),
    Case("runs-run-and-_run-kept", lambda t: transforms.state_runs(_path_df().assign(run="a", _run="b"), path="traj",
         x="t", state="state"), None, check=_runs_in("__run", {"run": ["a"] * 9, "_run": ["b"] * 9, "__run": [0, 0, 0, 1, 1, 2, 2, 2, 2]})),
    Case("runs-default-name", lambda t: transforms.state_runs(_path_df(), path="traj", x="t", state="state"), None,
         check=_runs_in("run", {"run": [0, 0, 0, 1, 1, 2, 2, 2, 2]})),
]  # fmt: skip


def _simplify(df: pd.DataFrame | None = None, **kw: Any) -> pd.DataFrame:
    args: dict[str, Any] = {"tolerance": 0.1, **kw}
    return transforms.simplify_paths(
        _path_df() if df is None else df, path="traj", x="t", y="kl", **args
    )


SIMPLIFY_CASES = [
    Case("simplify-empty-frame", lambda t: _simplify(_path_df().iloc[:0]), InputError, "the frame is empty"),
    Case("simplify-missing-col", lambda t: _simplify(state="nope"), InputError, MISSING_COL),
    Case("simplify-strings-y", lambda t: _simplify(_path_with("kl", ["?"])), InputError, "column 'kl' must be numeric"),
    Case("simplify-nan-x", lambda t: _simplify(_path_with("t", [np.nan])), InputError, "column 't' has 1 NaN"),
    Case("simplify-tolerance-negative", lambda t: _simplify(tolerance=-1), InputError, "tolerance: expected a number >= 0"),
    Case("simplify-tolerance-nan", lambda t: _simplify(tolerance=np.nan), InputError, "tolerance: expected a number >= 0"),
    Case("simplify-tolerance-text", lambda t: _simplify(tolerance="1"), InputError, "tolerance: expected a number >= 0, got '1'"),
    Case("simplify-nan-y-kept", lambda t: _simplify(_path_with("kl", [1.0, np.nan, 1.0, 1.0])), None,
         check=_frame_is({"t": [0, 1, 2, 3, 0, 3]})),
    Case("simplify-single-row", lambda t: _simplify(_path_df().iloc[:1]), None, check=_frame_is({"t": [0]})),
    Case("simplify-all-equal", lambda t: _simplify(_path_df().assign(kl=2.0)), None, check=_frame_is({"t": [0, 3, 0, 3]})),
    Case("simplify-back-to-start", lambda t: _simplify(pd.DataFrame({"traj": 0, "t": [0, 0, 0], "kl": [0.0, 5.0, 0.0]})),
         None, check=_frame_is({"kl": [0.0, 5.0, 0.0]})),
]  # fmt: skip

ROLLING_CASES = [
    Case("rolling-window-zero", lambda t: transforms.rolling_mean_edge(np.ones(5), 0), InputError, "window: expected a positive"),
    Case("rolling-window-negative", lambda t: transforms.rolling_mean_edge(np.ones(5), -3), InputError, "window: expected a positive"),
    Case("rolling-window-float", lambda t: transforms.rolling_mean_edge(np.ones(5), 2.5), InputError,
         "window: expected a positive integer, got 2.5"),
    Case("rolling-strings", lambda t: transforms.rolling_mean_edge(["a", "b"], 2), InputError, "x: expected a list of numbers"),
    Case("rolling-2d", lambda t: transforms.rolling_mean_edge(np.ones((3, 3)), 2), InputError, "x: expected a flat list"),
    Case("rolling-nan-spreads", lambda t: transforms.rolling_mean_edge(np.array([0.0, np.nan, 3, 0, 0]), 3), None,
         check=lambda a, t: np.testing.assert_array_equal(a, [np.nan, np.nan, np.nan, 1.0, 0.0])),
    Case("rolling-empty", lambda t: transforms.rolling_mean_edge(np.array([]), 3), None, check=_array_is([])),
    Case("rolling-single-value", lambda t: transforms.rolling_mean_edge([2.0], 3), None, check=_array_is([2.0])),
    Case("rolling-all-equal", lambda t: transforms.rolling_mean_edge(np.full(6, 0.5), 3), None, check=_array_is([0.5] * 6)),
]  # fmt: skip


# ---------------------------------------------------------------- KL runs
KL_ALPHAS = ("0.0", "0.5")
KL_CELL = f"{vf.demo.KL_MODEL}__cell0"


@functools.lru_cache(maxsize=4)
def _kl_runs(root: Path) -> KLRuns:
    return load_kl_runs(root, alphas=KL_ALPHAS, model_contains=vf.demo.KL_MODEL)


def _load(root: Path, **kw: Any) -> KLRuns:
    args: dict[str, Any] = {"alphas": KL_ALPHAS, "model_contains": vf.demo.KL_MODEL, **kw}
    return load_kl_runs(root, **args)


def _runs_copy(t: Paths) -> Path:
    root = t.inp / "runs"
    if not root.exists():
        shutil.copytree(t.runs, root)
    return root


def _edited(t: Paths, name: str, edit: Callable[[dict], Any] | str | bytes) -> Path:
    """A copy of the demo runs with ``KL_CELL/name`` edited (a function of its JSON, or raw text)."""
    root = _runs_copy(t)
    path = root / KL_CELL / name
    if callable(edit):
        doc = json.loads(path.read_text())
        edit(doc)
        path.write_text(json.dumps(doc))
    else:
        path.write_bytes(edit.encode() if isinstance(edit, str) else edit)
    return root


def _folder_instead(t: Paths, name: str) -> Path:
    root = _runs_copy(t)
    (root / KL_CELL / name).unlink()
    (root / KL_CELL / name).mkdir()
    return root


def _second_cell(t: Paths, missing: str | None = None, not_computed: bool = False) -> Path:
    """The demo runs plus a copy of the cell, lacking ``missing`` or with ``computed: false``."""
    root = _runs_copy(t)
    cell = root / f"{vf.demo.KL_MODEL}__cell1"
    shutil.copytree(root / KL_CELL, cell)
    if missing is not None:
        (cell / missing).unlink()
    if not_computed:
        doc = json.loads((cell / "pmass.json").read_text())
        doc["computed"] = False
        (cell / "pmass.json").write_text(json.dumps(doc))
    return root


def _set(key: str, alpha: str, value: Any) -> Callable[[dict], None]:
    return lambda doc: doc[key].__setitem__(alpha, value)


def _trajectories(n: int) -> Callable[[Any, Paths], None]:
    def check(runs: KLRuns, t: Paths) -> None:
        assert len(runs.trajectories) == n, runs.trajectories

    return check


LOAD_CASES = [
    Case("load-root-missing", lambda t: _load(t.inp / "nope"), LoadError, r"runs root '.*nope': not a folder"),
    Case("load-root-is-a-file", lambda t: _load(t.runs / KL_CELL / "calib.json"), LoadError, "calib.json': not a folder"),
    Case("load-root-none", lambda t: _load(None), InputError, "root: expected a folder path, got None"),  # type: ignore[arg-type]
    Case("load-unreadable-file", lambda t: _load(_folder_instead(t, "trajectory.json")), LoadError,
         r"trajectory\.json: cannot read \(Is a directory\)"),
    Case("load-malformed-json", lambda t: _load(_edited(t, "pmass.json", '{"computed": true, "fork_points": [0,')),
         LoadError, r"__cell0/pmass\.json: not valid JSON \(line 1, column \d+"),
    Case("load-empty-file", lambda t: _load(_edited(t, "trajectory.json", "")), LoadError,
         r"trajectory\.json: not valid JSON \(line 1, column 1"),
    Case("load-binary-file", lambda t: _load(_edited(t, "trajectory.json", b"\x89PNG\r\n\x1a\n")), LoadError,
         r"trajectory\.json: not UTF-8 text"),
    Case("load-csv-file", lambda t: _load(_edited(t, "trajectory.json", "alpha,kl\n0.5,1\n")), LoadError,
         r"trajectory\.json: not valid JSON"),
    Case("load-top-level-array", lambda t: _load(_edited(t, "trajectory.json", "[1, 2]")), LoadError,
         r"trajectory\.json: expected a JSON object, got list"),
    Case("load-prompt-lists-differ", lambda t: _load(_edited(t, "pmass.json", lambda d: d["pmass_eval"]["0.5"].pop())),
         LoadError, rf"cell '{KL_CELL}', alpha '0\.5': per-prompt lists differ in length "
         r"\(per_prompt_per_t_kl: 3, pmass_eval: 2, gen_lens_eval: 3\)"),
    Case("load-gen-lens-differ", lambda t: _load(_edited(t, "pmass.json", lambda d: d["gen_lens_eval"]["0.0"].pop())),
         LoadError, rf"cell '{KL_CELL}', alpha '0\.0': per-prompt lists differ"),
    Case("load-fork-values-differ", lambda t: _load(_edited(t, "pmass.json", lambda d: d["pmass_eval"]["0.5"][1].pop())),
         LoadError, rf"cell '{KL_CELL}', alpha '0\.5': prompt 1 has 3 pmass_eval values for 4 fork_points"),
    Case("load-strings-in-list", lambda t: _load(_edited(t, "trajectory.json",
         _set("per_prompt_per_t_kl", "0.5", [["a", 1.0]] * 3))), LoadError,
         r"trajectory\.json: per_prompt_per_t_kl\['0\.5'\]\[0\] must be a list of numbers, found 'a'"),
    Case("load-nested-list", lambda t: _load(_edited(t, "trajectory.json",
         _set("per_prompt_per_t_kl", "0.5", [[[1.0]]] * 3))), LoadError, r"must be a list of numbers, found \[1\.0\]"),
    Case("load-forks-unsorted", lambda t: _load(_edited(t, "pmass.json", lambda d: d.__setitem__("fork_points", [16, 0, 32, 48]))),
         LoadError, r"pmass\.json: fork_points must be token indices \(>= 0\) sorted ascending"),
    Case("load-gen-len-fraction", lambda t: _load(_edited(t, "pmass.json", _set("gen_lens_eval", "0.5", [10.5, 3, 3]))),
         LoadError, r"gen_lens_eval\['0\.5'\]\[0\] must be a whole length >= 0, got 10\.5"),
    Case("load-missing-file-skipped", lambda t: _load(_second_cell(t, missing="calib.json")), None,
         warns=rf"^cell '{vf.demo.KL_MODEL}__cell1': skipped, missing calib\.json$", check=_trajectories(6)),
    Case("load-not-computed-skipped", lambda t: _load(_second_cell(t, not_computed=True)), None,
         warns="cell1': skipped, pmass not computed", check=_trajectories(6)),
    Case("load-all-cells-skipped", lambda t: _load(_folder_instead(t, "calib.json") and _edited(
         t, "pmass.json", lambda d: d.__setitem__("computed", False))), LoadError,
         r"no trajectories for alphas \['0\.0', '0\.5'\] in 1 cell\(s\) .*\(0 readable", warns="pmass not computed"),
    Case("load-no-matching-cell", lambda t: _load(t.runs, model_contains="Llama"), LoadError,
         "no cell folder whose name contains 'Llama'"),
    Case("load-unknown-alpha", lambda t: _load(t.runs, alphas=["9.0"]), LoadError,
         r"no trajectories for alphas \['9\.0'\]"),
    Case("load-unknown-metric", lambda t: _load(t.runs, metric="pmass_train"), LoadError, "pmass key 'pmass_train'"),
    Case("load-alphas-empty", lambda t: _load(t.runs, alphas=[]), InputError, "alphas: expected a non-empty list"),
    Case("load-alphas-string", lambda t: _load(t.runs, alphas="0.5"), InputError, "alphas: expected a non-empty list"),
    Case("load-alphas-repeated", lambda t: _load(t.runs, alphas=["0.5", 0.5]), InputError, "alphas: '0.5' is given twice"),
    Case("load-model-not-text", lambda t: _load(t.runs, model_contains=3), InputError, "model_contains: expected a string"),
    Case("load-unicode-cell", lambda t: _load(_runs_copy(t).rename(t.inp / "läufe Δ") and t.inp / "läufe Δ"), None,
         check=_trajectories(6)),
]  # fmt: skip


def _frames(t: Paths) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    runs = _kl_runs(t.runs)
    return runs.trajectories, runs.kl, runs.pmass


def _states(t: Paths, *, tr: Any = None, kl: Any = None, pm: Any = None, **kw: Any) -> Any:
    trajectories, kl0, pm0 = _frames(t)
    args: dict[str, Any] = {"window": 64, "roll": 5, **kw}
    return transforms.kl_states(
        trajectories if tr is None else tr(trajectories),
        kl0 if kl is None else kl(kl0),
        pm0 if pm is None else pm(pm0),
        **args,
    )


def _at(frame: pd.DataFrame, col: str, rows: slice, value: Any) -> pd.DataFrame:
    out = frame.copy()
    out[col] = out[col].astype(object)
    out.loc[out.index[rows], col] = value
    return out


KL_STATES_CASES = [
    Case("states-empty-frame", lambda t: _states(t, tr=lambda f: f.iloc[:0]), InputError, "trajectories: the frame is empty"),
    Case("states-missing-col", lambda t: _states(t, kl=lambda f: f.drop(columns="kl")), InputError,
         r"kl: missing column\(s\) 'kl'; the frame has columns: 'traj', 't'"),
    Case("states-strings", lambda t: _states(t, kl=lambda f: _at(f, "kl", slice(3, 4), "n/a")), InputError,
         "kl: column 'kl' must be numeric; found non-numeric value 'n/a'"),
    Case("states-nan-inf-kept", lambda t: _states(t, kl=lambda f: _at(f, "kl", slice(232, 234), np.inf))[0], None,
         check=lambda f, t: (~np.isfinite(f["kl"])).any() or pytest.fail("inf not kept")),
    Case("states-duplicated-traj", lambda t: _states(t, tr=lambda f: pd.concat([f, f])), InputError,
         "trajectories: column 'traj' repeats 0; expected one row per trajectory"),
    Case("states-duplicated-steps", lambda t: _states(t, kl=lambda f: pd.concat([f, f.iloc[:1]])), InputError,
         "kl: the tokens 't' of trajectory 0 must run 0, 1, 2, ... .*found t=0 where 1 was expected"),
    Case("states-token-gap", lambda t: _states(t, kl=lambda f: f[f["t"] != 5]), InputError,
         "found t=6 where 5 was expected"),
    Case("states-gen-len-negative", lambda t: _states(t, tr=lambda f: f.assign(gen_len=-1)), InputError,
         "trajectories: column 'gen_len' must hold whole numbers >= 0; found -1"),
    Case("states-gen-len-nan", lambda t: _states(t, tr=lambda f: f.assign(gen_len=np.nan)), InputError,
         "'gen_len' must hold whole numbers >= 0; found nan"),
    Case("states-window-zero", lambda t: _states(t, window=0), InputError, "window: expected a positive"),
    Case("states-roll-float", lambda t: _states(t, roll=2.5), InputError, "roll: expected a positive integer"),
    Case("states-calib-negative", lambda t: _states(t, calib_tokens=-1), InputError, "calib_tokens: expected a positive"),
    Case("states-threshold-nan", lambda t: _states(t, threshold=np.nan), InputError, "threshold: expected a finite number"),
    Case("states-single-token", lambda t: _states(t, tr=lambda f: f.iloc[3:4], kl=lambda f: f[(f.traj == 3) & (f.t < 1)])[1],
         None, check=lambda f, t: (f["n_tokens"].tolist(), f["drawn"].tolist()) == ([1], [False]) or pytest.fail(str(f))),
    Case("states-all-equal-skipped", lambda t: _states(t, kl=lambda f: f.assign(kl=0.0))[1], None,
         check=lambda f, t: f["skipped"].all() or pytest.fail("a zero-scale trajectory was normalised")),
]  # fmt: skip


def _per_traj(t: Paths) -> pd.DataFrame:
    return _states(t)[1]


def _tokens(t: Paths) -> pd.DataFrame:
    return _states(t)[0]


KL_SUMMARY_CASES = [
    Case("summary-not-a-frame", lambda t: transforms.kl_alive_summary([1], alphas=["0.5"]), InputError,
         "per_traj: expected a pandas DataFrame, got list"),
    Case("summary-missing-col", lambda t: transforms.kl_alive_summary(_per_traj(t).drop(columns="died"), alphas=["0.5"]),
         InputError, r"per_traj: missing column\(s\) 'died'; the frame has columns: 'traj', 'alpha'"),
    Case("summary-no-alphas", lambda t: transforms.kl_alive_summary(_per_traj(t), alphas=[]), InputError,
         "alphas: expected a non-empty list"),
    Case("summary-alphas-string", lambda t: transforms.kl_alive_summary(_per_traj(t), alphas="0.5"), InputError,
         "alphas: expected a non-empty list of alphas, got '0.5'"),
    Case("summary-repeated-alpha", lambda t: transforms.kl_alive_summary(_per_traj(t), alphas=["0.5", "0.5"]),
         InputError, "alphas: '0.5' is given twice"),
    Case("summary-flags-not-bool", lambda t: transforms.kl_alive_summary(_per_traj(t).assign(died="yes"), alphas=["0.5"]),
         InputError, "per_traj: column 'died' must hold booleans"),
    Case("summary-empty-zeros", lambda t: transforms.kl_alive_summary(_per_traj(t).iloc[:0], alphas=["0.5"]), None,
         check=_frame_is({"n": [0], "n_died": [0], "n_censored": [0]})),
    Case("summary-absent-alpha-zeros", lambda t: transforms.kl_alive_summary(_per_traj(t), alphas=["0.5", "7"]), None,
         check=_frame_is({"alpha": ["0.5", "7"], "n": [3, 0]})),
    Case("summary-numeric-alpha-column", lambda t: transforms.kl_alive_summary(
        _per_traj(t).assign(alpha=lambda f: f["alpha"].astype(float)), alphas=["0.5"]),
        None, check=_frame_is({"alpha": ["0.5"], "n": [3]})),
    Case("summary-numeric-alphas", lambda t: transforms.kl_alive_summary(_per_traj(t), alphas=[0.5, 7]), None,
         check=_frame_is({"alpha": [0.5, 7], "n": [3, 0]})),
    Case("summary-alphas-one-text", lambda t: transforms.kl_alive_summary(_per_traj(t), alphas=["1", 1]), InputError,
         r"^alphas: '1' and 1 are both the alpha '1'"),
    Case("summary-alpha-column-one-text", lambda t: transforms.kl_alive_summary(
        _at(_per_traj(t), "alpha", slice(0, 1), 0.5), alphas=["0.5"]), InputError,
        r"^per_traj: column 'alpha' has values 0.5 and '0.5', which are both drawn as '0.5'"),
    Case("summary-missing-alpha", lambda t: transforms.kl_alive_summary(_at(_per_traj(t), "alpha", slice(0, 1), None),
         alphas=["0.5"]), InputError, r"^per_traj: column 'alpha' has 1 missing value"),
]  # fmt: skip

KL_MEDIAN_CASES = [
    Case("median-not-a-frame", lambda t: transforms.kl_median(None, window=64), InputError, "tokens: expected a pandas DataFrame"),
    Case("median-missing-col", lambda t: transforms.kl_median(_tokens(t).drop(columns="t"), window=64), InputError,
         r"tokens: missing column\(s\) 't'"),
    Case("median-window-zero", lambda t: transforms.kl_median(_tokens(t), window=0), InputError, "window: expected a positive"),
    Case("median-window-float", lambda t: transforms.kl_median(_tokens(t), window=6.5), InputError,
         "window: expected a positive integer"),
    Case("median-strings", lambda t: transforms.kl_median(_at(_tokens(t), "kl", slice(0, 1), "?"), window=64),
         InputError, "tokens: column 'kl' must be numeric"),
    Case("median-negative-t", lambda t: transforms.kl_median(_tokens(t).assign(t=lambda f: f["t"] - 1), window=64),
         InputError, "tokens: column 't' must hold whole numbers >= 0; found -1"),
    Case("median-fractional-t", lambda t: transforms.kl_median(_tokens(t).assign(t=lambda f: f["t"] + 0.5), window=64),
         InputError, "found 0.5"),
    Case("median-duplicated-steps", lambda t: transforms.kl_median(pd.concat([_tokens(t), _tokens(t).iloc[:1]]), window=64),
         InputError, r"tokens: \(alpha, traj, t\) = \('0\.5', 3, 0\) is repeated"),
    Case("median-empty", lambda t: transforms.kl_median(_tokens(t).iloc[:0], window=64), None, check=_rows(0)),
    Case("median-all-nan", lambda t: transforms.kl_median(_tokens(t).assign(kl=np.nan), window=64), None, check=_rows(0)),
    Case("median-single-row", lambda t: transforms.kl_median(_tokens(t).iloc[:1], window=64), None, check=_rows(1)),
    Case("median-all-equal-zero-lifted", lambda t: transforms.kl_median(_tokens(t).assign(kl=0.0), window=8), None,
         check=lambda f, t: (f["median"] == 1e-4).all() or pytest.fail(str(f))),
]  # fmt: skip


def _plot_at_least(*, width: float, height: float) -> Callable[[Any, Paths], None]:
    """The first plot at least ``width`` x ``height`` pt (not squeezed by the texts)."""

    def check(fig: Any, t: Paths) -> None:
        items = scene_items(fig)
        plot = next(i for i in items if i.get("mark") == "concat_0_group")
        assert plot["width"] >= width and plot["height"] >= height, plot

    return check


def _spaghetti(t: Paths, runs: Any = None, **kw: Any) -> vf.Figure:
    args: dict[str, Any] = {"window": 64, **kw}
    fig = vf.figures.kl_spaghetti(_kl_runs(t.runs) if runs is None else runs, **args)
    fig.to_dict()  # sized (fitted) now, as saving it would
    return fig


def _subset(
    t: Paths, trajs: list[int], max_t: int | None = None, alphas: tuple[str, ...] = ("0.5",)
) -> KLRuns:
    runs = _kl_runs(t.runs)
    kl = runs.kl[runs.kl["traj"].isin(trajs)]
    if max_t is not None:
        kl = kl[kl["t"] < max_t]
    tr = runs.trajectories[runs.trajectories["traj"].isin(trajs)]
    return KLRuns(tr, kl, runs.pmass[runs.pmass["traj"].isin(trajs)], alphas, runs.model_contains)


def _with_kl(t: Paths, value: float) -> KLRuns:
    runs = _kl_runs(t.runs)
    kl = runs.kl.assign(kl=np.where(runs.kl["t"].isin([10, 11]), value, runs.kl["kl"]))
    return KLRuns(runs.trajectories, kl, runs.pmass, runs.alphas, runs.model_contains)


KL_SPAGHETTI_CASES = [
    Case("spaghetti-not-runs", lambda t: _spaghetti(t, runs=_frames(t)[0]), InputError,
         "runs: expected a KLRuns \\(from load_kl_runs\\), got DataFrame"),
    Case("spaghetti-panels-empty", lambda t: _spaghetti(t, panels=[]), InputError, "panels: expected at least one alpha"),
    Case("spaghetti-alpha-unknown", lambda t: _spaghetti(t, panels=["7"]), InputError,
         r"panels: '7' is not an alpha of the runs; they are \['0\.0', '0\.5'\]"),
    Case("spaghetti-palette-unknown-key", lambda t: _spaghetti(t, palette={"zombie": "red"}), InputError,
         r"palette: \['zombie'\] are not legend entries"),
    Case("spaghetti-too-small", lambda t: _spaghetti(t, width_in=1.0, height_in=0.8), InputError,
         "width_in/height_in: 1.00 x 0.80 in is too small"),
    Case("spaghetti-nan-inf-kl-gaps", lambda t: _spaghetti(t, runs=_with_kl(t, np.nan), panels=["0.5"]), None,
         check=_texts_drawn("α=0.5 n=3 died=1 cens=1")),
    Case("spaghetti-single-trajectory", lambda t: _spaghetti(t, runs=_subset(t, [3])), None,
         check=_texts_drawn("α=0.5 n=1 died=0 cens=0")),
    Case("spaghetti-single-token", lambda t: _spaghetti(t, runs=_subset(t, [3, 4], max_t=1)), None,
         check=_texts_drawn("α=0.5 n=2 died=0 cens=0", "token t")),
    Case("spaghetti-all-equal", lambda t: _spaghetti(t, panels=["0.0"]), None,
         check=_texts_drawn("α=0.0 n=3 died=0 cens=0")),
    Case("spaghetti-unicode-titles", lambda t: _spaghetti(t, title=UNICODE, panels=["0.5"]), None,
         check=_texts_drawn(UNICODE, "α=0.5 n=3 died=1 cens=1")),
    Case("spaghetti-long-title", lambda t: _spaghetti(t, title=LONG.strip(), panels=["0.5"]), None,
         warns=r"^title: shortened to 6 line\(s\) to fit 3 x 3\.4 in", check=_plot_at_least(width=100, height=60)),
]  # fmt: skip


# ---------------------------------------------------------------- CLI spaghetti
def _spaghetti_cli(t: Paths, *extra: str, root: str | None = None, out: str | None = None) -> int:
    return _cli("spaghetti", "--runs-root", str(t.runs) if root is None else root,
                "--out", str(t.out / "figs") if out is None else out,
                "--window", "64", "--alphas", *KL_ALPHAS, "--format", "json", *extra)  # fmt: skip


def _main(t: Paths, *argv: str) -> tuple[int, str]:
    """``vegafigs.cli.main(argv)`` as the console script runs it: (exit code, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 1
    return code, err.getvalue()


def _spaghetti_argv(t: Paths, *extra: str) -> list[str]:
    return ["spaghetti", "--runs-root", str(t.runs), "--out", str(t.out / "figs"), "--window", "64",
            "--alphas", *KL_ALPHAS, "--format", "json", *extra]  # fmt: skip


def _exits_2(message: str) -> Callable[[tuple[int, str], Paths], None]:
    def check(result: tuple[int, str], t: Paths) -> None:
        code, err = result
        assert code == 2, (code, err)
        assert re.search(message, err), err
        assert list(t.out.rglob("*")) == [], "an error left output behind"

    return check


def _summary_named_folder(t: Paths) -> int:
    """--out holds a folder named kl_alive_summary.md: nothing else may be written."""
    out = t.inp / "figs"
    (out / "kl_alive_summary.md").mkdir(parents=True)
    try:
        return _spaghetti_cli(t, out=str(out))
    finally:
        assert [p.name for p in out.iterdir()] == ["kl_alive_summary.md"]


CLI_SPAGHETTI_CASES = [
    Case("spaghetti-cli-root-missing", lambda t: _spaghetti_cli(t, root=str(t.inp / "nope")), LoadError,
         r"runs root '.*nope': not a folder"),
    Case("spaghetti-cli-root-is-a-file", lambda t: _spaghetti_cli(t, root=_spec_file(t, "x", "runs.txt")), LoadError,
         r"runs\.txt': not a folder"),
    Case("spaghetti-cli-out-is-a-file", lambda t: _spaghetti_cli(t, out=_spec_file(t, "x", "plain.txt")), ExportError,
         r"--out '.*plain\.txt': is a file; expected a folder"),
    Case("spaghetti-cli-out-under-a-file", lambda t: _spaghetti_cli(t, out=_spec_file(t, "x", "plain.txt") + "/figs"),
         ExportError, r"--out '.*plain\.txt/figs': is under the file '.*plain\.txt'"),
    Case("spaghetti-cli-output-is-a-folder", _summary_named_folder, ExportError,
         r"kl_alive_summary\.md': cannot write there \(it is a folder\)"),
    Case("spaghetti-cli-unknown-format", lambda t: _spaghetti_cli(t, "--format", "json,gif"), InputError,
         "format: got 'gif'; expected one of 'json', 'png', 'svg', 'pdf', 'html'"),
    Case("spaghetti-cli-empty-format", lambda t: _spaghetti_cli(t, "--format", ","), InputError, "format: nothing given"),
    Case("spaghetti-cli-name-with-folder", lambda t: _spaghetti_cli(t, "--name", "../escape"), InputError,
         "--name: expected a file stem without folders"),
    Case("spaghetti-cli-name-empty", lambda t: _spaghetti_cli(t, "--name", ""), InputError, "--name: expected a file stem"),
    Case("spaghetti-cli-window-zero", lambda t: _spaghetti_cli(t, "--window", "0"), InputError, "window: expected a positive"),
    Case("spaghetti-cli-threshold-nan", lambda t: _spaghetti_cli(t, "--threshold", "nan"), InputError,
         "threshold: expected a positive number, got nan"),
    Case("spaghetti-cli-dpi-zero", lambda t: _spaghetti_cli(t, "--format", "png", "--dpi", "0"), ExportError,
         "dpi: expected a positive"),
    Case("spaghetti-cli-no-cell", lambda t: _spaghetti_cli(t, "--model-contains", "Llama"), LoadError,
         "no cell folder whose name contains 'Llama'"),
    Case("spaghetti-cli-malformed-json", lambda t: _spaghetti_cli(t, root=str(_edited(t, "pmass.json", "{"))), LoadError,
         r"pmass\.json: not valid JSON"),
    Case("spaghetti-cli-exit-2-bad-int", lambda t: _main(t, *_spaghetti_argv(t, "--window", "abc")), None,
         check=_exits_2("argument --window: invalid int value: 'abc'")),
    Case("spaghetti-cli-exit-2-no-root", lambda t: _main(t, "spaghetti", "--out", str(t.out / "figs")), None,
         check=_exits_2("the following arguments are required: --runs-root")),
    Case("spaghetti-cli-exit-2-error", lambda t: _main(t, *_spaghetti_argv(t, "--alphas", "9.9")), None,
         check=_exits_2(r"^vegafigs spaghetti: error: runs root .*: no trajectories for alphas \['9\.9'\]")),
    Case("spaghetti-cli-missing-out-created", lambda t: _spaghetti_cli(t, out=str(t.out / "neu Δ" / "figs")), None,
         check=_file_written("neu Δ/figs/kl_alive_summary.md")),
]  # fmt: skip


CASES = [
    *FIGURE_CASES,
    *HISTOGRAM_CASES,
    *STATS_BOX_CASES,
    *LINE_CASES,
    *POINT_CASES,
    *BAND_CASES,
    *HLINE_CASES,
    *SUMMARY_CASES,
    *BINS_CASES,
    *SAVE_CASES,
    *CLI_GALLERY_CASES,
    *CLI_RENDER_CASES,
    *BAR_TREND_CASES,
    *SCALING_CASES,
    *BARS_CASES,
    *TREND_CASES,
    *LABELS_CASES,
    *AXIS_CASES,
    *LEGEND_CASES,
    *SEGMENT_CASES,
    *LABEL_OFFSET_CASES,
    *ALIVE_CASES,
    *RUNS_CASES,
    *SIMPLIFY_CASES,
    *ROLLING_CASES,
    *LOAD_CASES,
    *KL_STATES_CASES,
    *KL_SUMMARY_CASES,
    *KL_MEDIAN_CASES,
    *KL_SPAGHETTI_CASES,
    *CLI_SPAGHETTI_CASES,
]


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.fixture(scope="module")
def kl_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kl_runs")
    return vf.demo.kl_runs(root, seed=5, alphas=KL_ALPHAS, n_cells=1, prompts_per_cell=3,
                           n_tokens=64)  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kl_root: Path
) -> None:
    run_case(case, tmp_path, monkeypatch, runs=kl_root)


def run_case(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, runs: Path = Path()
) -> None:
    """Run one row of a bad-input table (also used by the other ``test_bad_input_*`` tables)."""
    t = Paths(out=tmp_path / "out", inp=tmp_path / "work", runs=runs)
    t.out.mkdir()
    t.inp.mkdir()
    monkeypatch.chdir(t.inp)  # the working folder
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.error is None:
            result = case.call(t)
            if isinstance(result, (alt.TopLevelMixin, vf.Figure)):
                vf.export.render(result, "svg")  # legal input must render
            if case.check is not None:
                case.check(result, t)
        else:
            with pytest.raises(case.error, match=case.match) as info:
                case.call(t)
            assert isinstance(info.value, VegafigsError)
            assert list(t.out.rglob("*")) == [], "an error left output behind"
    messages = [str(w.message) for w in caught if not issubclass(w.category, ResourceWarning)]
    if case.warns is not None:
        assert any(re.search(case.warns, m) for m in messages), messages
    else:
        assert messages == [], f"unexpected warnings: {messages}"


def test_spaghetti_failed_write_removes_the_files_it_wrote(
    kl_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write failing half-way (disk full) leaves no figure without its summary."""
    import vegafigs.export as export

    real, written = export.write_atomic, []

    def fails_second(path: Any, data: bytes) -> Path:
        if written:
            raise ExportError(f"path {str(path)!r}: cannot write there (No space left on device)")
        written.append(path)
        return real(path, data)

    monkeypatch.setattr(export, "write_atomic", fails_second)
    t = Paths(out=tmp_path / "out", inp=tmp_path, runs=kl_root)
    code, err = _main(t, *_spaghetti_argv(t, "--format", "json,svg"))
    assert code == 2 and "No space left on device" in err, err
    assert len(written) == 1 and not written[0].exists()
    assert not (t.out / "figs").exists()


@pytest.mark.parametrize(
    "kwargs, param",
    [({"n_seeds": 1}, "n_seeds"), ({"n_seeds": 2.5}, "n_seeds"), ({"n_steps": 1}, "n_steps")],
)
def test_demo_training_curve_needs_two_seeds_and_steps(kwargs, param):
    """One seed has no spread to standardise (it gave all-NaN accuracy, silently)."""
    with pytest.raises(vf.InputError, match=rf"^{param}: expected an integer >= 2"):
        vf.demo.training_curve(**kwargs)
