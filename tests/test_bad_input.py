"""The bad-input table: one row per (entry point, bad input), every public entry point.

Each row is a :class:`Case`: ``call(t)`` runs the entry point (``t.out`` is an empty
output folder, ``t.inp`` a folder for input files and the working directory).
``error`` is the :class:`vegafigs.VegafigsError` subclass expected and ``match`` a
regex its message must contain; ``error=None`` means the input is legal and must
work (``warns``: a warning that must be given; ``check``: an assertion on the result).
After an error nothing may be left in ``t.out``.

To cover a new entry point, add a ``<NAME>_CASES`` list and append it to ``CASES``
(or keep a table in its own module that imports :class:`Case` and :func:`run_case`,
as ``test_bad_input_curves.py`` does).
"""

from __future__ import annotations

import re
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
from vegafigs.cli import build_parser
from vegafigs.errors import ExportError, FontError, InputError, LoadError, VegafigsError
from vegafigs.figures import metric_histograms
from vegafigs.testing import drawn_texts, scene_items, undrawn_texts


@dataclass(frozen=True)
class Paths:
    out: Path
    inp: Path


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


def _figure(df: pd.DataFrame | None = None, **kw: Any) -> alt.HConcatChart:
    return metric_histograms(_hist_df() if df is None else df, value="value", panel="panel", **kw)


def _hist(df: pd.DataFrame | None = None, **kw: Any) -> alt.Chart:
    return layers.histogram(_hist_df() if df is None else df, value="value", **kw)


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
        lambda t: metric_histograms(_hist_df(), value="nope", panel="panel"),
        InputError,
        MISSING_COL + "'value', 'panel'",
    ),
    Case(
        "fig-missing-panel-col",
        lambda t: metric_histograms(_hist_df(), value="value", panel="nope"),
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
    Case("fig-bins-zero", lambda t: _figure(bins=0), InputError, "bins: expected a positive"),
    Case("fig-bins-negative", lambda t: _figure(bins=-5), InputError, "bins: expected a positive"),
    Case("fig-bins-float", lambda t: _figure(bins=2.5), InputError, "bins: expected a positive integer"),
    Case("fig-bins-huge", lambda t: _figure(bins=10**9), InputError, "bins: expected at most 10000"),
    Case("fig-width-zero", lambda t: _figure(width_in=0), InputError, "width_in: expected a positive"),
    Case("fig-height-negative", lambda t: _figure(height_in=-2), InputError, "height_in: expected a positive"),
    Case("fig-too-small", lambda t: _figure(width_in=1.0), InputError, "too small for 2 panels"),
    Case("fig-font-size-zero", lambda t: _figure(title_size=0), InputError, "title_size: expected a positive"),
    Case("fig-stats-size-neg", lambda t: _figure(stats_size=-1), InputError, "stats_size: expected a positive"),
    Case("fig-titles-count", lambda t: _figure(titles=["one"]), InputError, "titles: expected 2 values"),
    Case("fig-titles-not-text", lambda t: _figure(titles=[1, 2]), InputError, "titles: expected a string, got 1"),
    Case("fig-titles-unknown-key", lambda t: _figure(titles={"loss": "L"}), InputError, r"titles: no entry for \['grad'\]"),
    Case(
        "fig-unicode-titles",
        lambda t: _figure(titles=[UNICODE, "β₂ → ∞"], x_titles=["Δ loss", "‖∇θ‖"]),
        None,
        check=_texts_drawn(UNICODE, "β₂ → ∞", "Δ loss", "‖∇θ‖"),
    ),
    Case("fig-long-title", lambda t: _figure(titles=[LONG, "b"]), None, check=_texts_drawn(LONG)),
    Case("fig-unknown-theme", lambda t: _figure(theme="dark"), InputError, "theme: got 'dark'; expected one of"),
    Case("fig-order-unknown", lambda t: _figure(order=["loss", "nope"]), InputError, r"order: \['nope'\] not found"),
    Case("fig-stats-unknown-panel", lambda t: _figure(stats={"nope": STATS}), InputError, r"stats: panels \['nope'\]"),
    Case("fig-bad-fmt", lambda t: _figure(fmt="%d"), InputError, "cannot format the values with '%d'"),
    Case("fig-unknown-stat-key", lambda t: _figure(stat_keys=["median"]), InputError, r"missing key\(s\) \['median'\]"),
]  # fmt: skip

HISTOGRAM_CASES = [
    Case("hist-empty-frame", lambda t: _hist(_hist_df().iloc[:0]), InputError, "the frame is empty"),
    Case("hist-missing-col", lambda t: layers.histogram(_hist_df(), value="nope"), InputError, MISSING_COL + "'value', 'panel'"),
    Case("hist-strings", lambda t: _hist(_with("value", ["x"])), InputError, "found non-numeric value 'x'"),
    Case("hist-nan-inf-dropped", lambda t: _hist(_with("value", [np.nan, np.inf])), None,
         warns=r"histogram_bins: left out 2 NaN or infinite value\(s\) of column 'value'"),
    Case("hist-all-nan", lambda t: _hist(_hist_df().assign(value=np.nan)), InputError, "no finite values to bin",
         warns="left out 60"),
    Case("hist-single-row", lambda t: _hist(_hist_df().iloc[:1], bins=5), None, check=_bars(1)),
    Case("hist-all-equal", lambda t: _hist(_hist_df().assign(value=0.0), bins=7), None, check=_bars(1)),
    Case("hist-duplicated-values", lambda t: _hist(pd.DataFrame({"value": [1.0, 1.0, 2.0, 2.0]}), bins=2), None, check=_bars(2)),
    Case("hist-bins-zero", lambda t: _hist(bins=0), InputError, "bins: expected a positive"),
    Case("hist-bins-negative", lambda t: _hist(bins=-1), InputError, "bins: expected a positive"),
    Case("hist-extent-reversed", lambda t: _hist(extent=(3, 1)), InputError, r"extent: expected low < high, got \(3, 1\)"),
    Case("hist-extent-nan", lambda t: _hist(extent=(np.nan, 1)), InputError, "extent: expected a finite number, got nan"),
    Case("hist-padding-negative", lambda t: _hist(x_padding=-0.1), InputError, "x_padding: expected a number >= 0"),
    Case("hist-edge-negative", lambda t: _hist(edge_width=-1), InputError, "edge_width: expected a number >= 0"),
    Case("hist-title-not-text", lambda t: _hist(x_title=3), InputError, "x_title: expected a string, got 3"),
    Case("hist-unicode-titles", lambda t: _hist(x_title=UNICODE, y_title="Häufigkeit").properties(
        title="θ ≈ 0.5", config=vf.paper()), None, check=_all_texts_visible),
    Case("hist-long-title", lambda t: _hist(x_title=LONG), None, check=_texts_drawn(LONG)),
]  # fmt: skip

STATS_BOX_CASES = [
    Case("box-empty-stats", lambda t: layers.stats_box({}), InputError, r"stats: missing key\(s\) \['max', 'min', 'mean'\]"),
    Case("box-no-keys", lambda t: layers.stats_box(STATS, keys=()), InputError, "keys: expected at least one"),
    Case("box-nan-value", lambda t: layers.stats_box({**STATS, "max": np.nan}), InputError, r"stats\['max'\]: expected a finite number"),
    Case("box-inf-value", lambda t: layers.stats_box({**STATS, "min": -np.inf}), InputError, r"stats\['min'\]: expected a finite number"),
    Case("box-string-value", lambda t: layers.stats_box({**STATS, "mean": "abc"}), InputError, r"stats\['mean'\]: expected a finite number, got 'abc'"),
    Case("box-font-size-zero", lambda t: layers.stats_box(STATS, font_size=0), InputError, "font_size: expected a positive"),
    Case("box-padding-negative", lambda t: layers.stats_box(STATS, padding=-2), InputError, "padding: expected a number >= 0"),
    Case("box-bad-corner", lambda t: layers.stats_box(STATS, corner="middle"), InputError, "corner: got 'middle'; expected one of"),
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
         "stroke_width: expected a number >= 0"),
    Case("line-opacity-above-1", lambda t: layers.line(_curve_df(), opacity=2, **CURVE), InputError,
         "opacity: expected a number between 0 and 1"),
    Case("line-bad-x-type", lambda t: layers.line(_curve_df(), x_type="Z", **CURVE), InputError, "x_type: got 'Z'"),
    Case("line-palette-missing", lambda t: layers.line(_curve_df(), palette={"A": "red"}, **CURVE), InputError,
         r"palette: no colour for series \['B'\]"),
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
    Case("hline-nan", lambda t: layers.hline(np.nan), InputError, "y: expected a finite number, got nan"),
    Case("hline-inf", lambda t: layers.hline(np.inf), InputError, "y: expected a finite number, got inf"),
    Case("hline-string", lambda t: layers.hline("high"), InputError, "y: expected a finite number, got 'high'"),  # type: ignore[arg-type]
    Case("hline-font-size-zero", lambda t: layers.hline(1.0, label="ref", font_size=0), InputError, "font_size: expected a positive"),
    Case("hline-bad-position", lambda t: layers.hline(1.0, label="ref", label_position="top"), InputError, "label_position: got 'top'"),
    Case("hline-legend-no-label", lambda t: layers.hline(1.0, legend_field="method"), InputError, "label: required"),
    Case("hline-palette-missing-label", lambda t: layers.hline(1.0, label="GRPO", legend_field="m", palette={"A": "red"}),
         InputError, "palette: must include the reference label 'GRPO'"),
    Case("hline-label-not-text", lambda t: layers.hline(1.0, label=55.79), InputError, "label: expected a string"),  # type: ignore[arg-type]
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
         "outside the working folder"),
    Case("save-missing-local-data", lambda t: vf.save(_url_chart("runs.csv"), t.out / "f.svg"), LoadError,
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
         "reads the local file '/etc/hostname', outside the working folder"),
    Case("render-parent-path-outside", lambda t: _render(t, _url_spec("../secret.csv")), ExportError, "outside the working folder"),
    Case("render-missing-folder-created", lambda t: _render(t, GOOD_SPEC, "new/f.svg"), None, check=_file_written("new/f.svg")),
    Case("render-unicode-title", lambda t: _render(t, vf.spec_json(_small_chart(UNICODE)), "f.svg"), None,
         check=lambda r, t: UNICODE in (t.out / "f.svg").read_text() or pytest.fail("title missing")),
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
]


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_case(case, tmp_path, monkeypatch)


def run_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run one row of a bad-input table (also used by the other ``test_bad_input_*`` tables)."""
    t = Paths(out=tmp_path / "out", inp=tmp_path / "work")
    t.out.mkdir()
    t.inp.mkdir()
    monkeypatch.chdir(t.inp)  # the working folder
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.error is None:
            result = case.call(t)
            if isinstance(result, alt.TopLevelMixin):
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
