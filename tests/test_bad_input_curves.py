"""The bad-input table for the training-curve entry points (issue 4): the figures
``training_curves`` and ``reward_length`` (both layouts), the smoothing / band /
downsampling transforms, the log loaders and ``vegafigs curves``.

Same rows and runner as ``test_bad_input.py`` (see its docstring): ``error=None``
means legal input that must work (and render); after an error ``t.out`` is empty.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from vegafigs import io as vio
from vegafigs import transforms as T
from vegafigs.errors import ExportError, InputError, LoadError
from vegafigs.figure import Figure
from vegafigs.figures import reward_length, training_curves
from vegafigs.testing import drawn_texts, undrawn_texts

from .test_bad_input import (
    LONG,
    MISSING_COL,
    UNICODE,
    Case,
    Paths,
    _cli,
    _file_written,
    _png_file,
    _rows,
    _spec_file,
    _texts_drawn,
    run_case,
)

# ---------------------------------------------------------------- inputs
TC_DF = vf.demo.training_curve(n_steps=11)  # 2 methods x 3 seeds x 11 steps = 66 rows
RL_DF = vf.demo.rl_logs(n_steps=24)  # 2 runs x 2 metrics x 24 steps = 96 rows
TC = {"x": "step", "y": "accuracy", "series": "method", "seed": "seed"}
TC_COLS = "'method', 'seed', 'step', 'accuracy'"
RL_COLS = "'run', 'step', 'metric', 'value'"


def _set(df: pd.DataFrame, col: str, values: list[Any]) -> pd.DataFrame:
    """``df`` with the first ``len(values)`` cells of ``col`` replaced (column as object)."""
    df = df.copy()
    df[col] = df[col].astype(object)
    df.loc[df.index[: len(values)], col] = values
    return df


def _tc(df: pd.DataFrame | None = None, **kw: Any) -> Any:
    return training_curves(TC_DF if df is None else df, **{**TC, **kw})


def _series() -> pd.DataFrame:
    """Two runs of six steps with distinct values (smoothing / band / downsample input)."""
    steps = np.arange(6)
    return pd.DataFrame(
        {
            "run": ["a"] * 6 + ["b"] * 6,
            "step": np.r_[steps, steps],
            "y": np.r_[steps * 1.0, 10 - steps * 2.0],
        }
    )


SER = _series()
XY = {"x": "step", "y": "y"}
SER_COLS = "'run', 'step', 'y'"


def _smooth_col(frame: pd.DataFrame) -> np.ndarray:
    return frame["y_smooth"].to_numpy(dtype=float)


def _passes_nonfinite_through(frame: pd.DataFrame, t: Paths) -> None:
    # y = [NaN, inf] at the first two rows of run 'a' stay as they are; the rest are finite.
    got = _smooth_col(frame)
    assert np.isnan(got[0]) and np.isinf(got[1]), got
    assert np.isfinite(got[2:]).all(), got


def _unchanged(frame: pd.DataFrame, t: Paths) -> None:
    np.testing.assert_array_equal(_smooth_col(frame), frame["y"].to_numpy(dtype=float))


def _within_input_range(frame: pd.DataFrame, t: Paths) -> None:
    for _, g in frame.groupby("run"):
        v, s = g["y"].to_numpy(), g["y_smooth"].to_numpy()
        assert v.min() - 1e-9 <= s.min() and s.max() <= v.max() + 1e-9, (v, s)


def _band_ok(frame: pd.DataFrame, t: Paths) -> None:
    assert (frame["lower"] <= frame["upper"]).all(), frame


def _flat_band(frame: pd.DataFrame, t: Paths) -> None:
    assert (frame["lower"] == frame["upper"]).all() and (frame["n"] == 2).all(), frame


def _values(expected: list[float]) -> Callable[[pd.DataFrame, Paths], None]:
    def check(frame: pd.DataFrame, t: Paths) -> None:
        got = frame["value"].tolist()
        assert got == expected, got

    return check


def _svg_has(*texts: str) -> Callable[[Any, Paths], None]:
    def check(result: Any, t: Paths) -> None:
        svg = (t.out / "f.svg").read_text(encoding="utf-8")
        for text in texts:
            assert text in svg, text

    return check


def _constant_y_label(label: str) -> Callable[[Any, Paths], None]:
    def check(chart: Any, t: Paths) -> None:
        assert label in drawn_texts(chart)

    return check


def _step_ticks_whole(chart: Any, t: Paths) -> None:
    # A one-row log: ticks at whole steps only (no "500m" from the ~s format).
    texts = drawn_texts(chart)
    assert "500m" not in texts and "0" in texts and "1" in texts, texts


def _long_title_drawn(chart: Any, t: Paths) -> None:
    # A title wider than the figure wraps onto lines (at spaces), cut with "..." after the
    # last one, instead of squeezing the plot.
    texts = drawn_texts(chart)
    words = set(LONG.split()) | {"..."}
    lines = [x for x in texts if x.strip() and set(x.split()) <= words]
    shown = " ".join(lines).split()
    assert len(lines) >= 2 and shown[:4] == LONG.split()[:4], texts
    assert undrawn_texts(chart) == []


# ---------------------------------------------------------------- training_curves
# Bad values of single parameters (titles, formats, sizes, smooth, band ...) are the
# generated cases of test_params_curves.py; these rows relate data and parameters.
TC_CASES = [
    Case("tc-empty-frame", lambda t: _tc(TC_DF.iloc[:0]), InputError, "the frame is empty"),
    Case("tc-not-a-frame", lambda t: _tc([1, 2]), InputError, "expected a pandas DataFrame"),
    Case("tc-missing-y", lambda t: _tc(y="nope"), InputError, MISSING_COL + TC_COLS),
    Case("tc-missing-seed-col", lambda t: _tc(seed="nope"), InputError, MISSING_COL + TC_COLS),
    Case("tc-strings", lambda t: _tc(_set(TC_DF, "accuracy", [0.3, "n/a"])), InputError,
         "column 'accuracy' must be numeric; found non-numeric value 'n/a'"),
    Case("tc-booleans", lambda t: _tc(TC_DF.assign(accuracy=True)), InputError, "'accuracy' must be numeric; it holds booleans"),
    Case("tc-nan-inf-dropped", lambda t: _tc(_set(TC_DF, "accuracy", [np.nan, np.inf, -np.inf])), None,
         warns=r"training_curves: dropped 3 row\(s\) with NaN or infinite values in 'step', 'accuracy'"),
    Case("tc-nan-step-dropped", lambda t: _tc(_set(TC_DF, "step", [np.nan])), None,
         warns=r"training_curves: dropped 1 row\(s\)"),
    Case("tc-all-nan", lambda t: _tc(TC_DF.assign(accuracy=np.nan)), InputError,
         "training_curves: no rows with finite values", warns="dropped 66 row"),
    Case("tc-missing-series-name", lambda t: _tc(_set(TC_DF, "method", [None])), InputError, "column 'method' has 1 missing value"),
    Case("tc-missing-seed-name", lambda t: _tc(_set(TC_DF, "seed", [None])), InputError, "column 'seed' has 1 missing value"),
    Case("tc-single-row", lambda t: _tc(TC_DF.iloc[:1]), None, check=_step_ticks_whole),
    Case("tc-all-equal", lambda t: _tc(TC_DF.assign(accuracy=0.4)), None, check=_constant_y_label("0.40")),
    Case("tc-duplicated-steps-seeds", lambda t: _tc(pd.concat([TC_DF, TC_DF])), None, check=_texts_drawn("SDPO", "GRPO")),
    Case("tc-duplicated-steps-no-seed", lambda t: _tc(seed=None), InputError,
         r"column 'step' repeats the value 0 for series 'SDPO' \(66 rows share a step.*pass seed="),
    Case("tc-unicode-titles", lambda t: _tc(_set(TC_DF, "method", ["Ünïcødé α"] * 33), title=UNICODE, x_title="Générations ⟶",
         y_title="Präzision σ"), None, check=_texts_drawn(UNICODE, "Générations ⟶", "Präzision σ", "Ünïcødé α")),
    Case("tc-long-title", lambda t: _tc(title=LONG), None, check=_long_title_drawn),
    Case("tc-small-figure-ok", lambda t: _tc(width_in=2.0, height_in=1.4, theme=vf.latex(font_size=7, label_size=6)), None, check=_texts_drawn("SDPO", "GRPO")),
    Case("tc-too-small", lambda t: _tc(width_in=1.0), InputError, r"width_in/height_in: 1 x 4.4 in is too small"),
    Case("tc-too-flat", lambda t: _tc(height_in=0.5, title="T"), InputError, r"width_in/height_in: 6.5 x 0.5 in is too small"),
    Case("tc-x-ticks-outside-ok", lambda t: _tc(x_ticks=[-5, 5, 1e9]), None, check=_texts_drawn("5")),
    Case("tc-reference-text", lambda t: _tc(reference="high"), InputError, r"reference: expected a number or a mapping \{label: value\}"),
    Case("tc-reference-nan", lambda t: _tc(reference=np.nan), InputError, "reference: expected a finite number, got nan"),
    Case("tc-reference-tuple", lambda t: _tc(reference=(0.4, "Claude")), InputError, "reference: expected a number or a mapping"),
    Case("tc-reference-bad-mapping", lambda t: _tc(reference={"Claude": None}), InputError, r"reference\['Claude'\]: expected a finite number"),
    Case("tc-reference-mapping-and-label", lambda t: _tc(reference={"a": 0.4}, reference_label="b"), InputError,
         "reference_label: the reference mapping names its lines already"),
    Case("tc-reference-is-a-series", lambda t: _tc(reference=0.4, reference_label="SDPO"), InputError,
         "reference: label 'SDPO' is also a series name"),
    Case("tc-references-drawn", lambda t: _tc(reference={"A": 0.3, "B ✓": 0.45}), None, check=_texts_drawn("A", "B ✓")),
    Case("tc-palette-unknown-level", lambda t: _tc(palette={"PPO": "red"}), InputError, r"palette: \['PPO'\] are not series"),
    Case("tc-palette-colours-reference", lambda t: _tc(reference=0.4, palette={"reference": "#ff0000"}), None,
         check=_texts_drawn("reference")),
    Case("tc-highlight-unknown", lambda t: _tc(highlight="PPO"), InputError, "highlight: 'PPO' is not a series"),
    Case("tc-order-unknown", lambda t: _tc(order=["PPO"]), InputError, r"order: \['PPO'\] not found"),
    Case("tc-lower-without-upper", lambda t: _tc(seed=None, lower="accuracy"), InputError, "lower/upper: give both columns or neither"),
    Case("tc-seed-and-bounds", lambda t: _tc(TC_DF.assign(lo=0.0, hi=1.0), lower="lo", upper="hi"), InputError,
         "give seed .bands across seeds. or lower/upper, not both"),
    Case("tc-bounds-nan-dropped", lambda t: _tc(_set(TC_DF[TC_DF.seed == 0].assign(lo=0.3, hi=0.5), "lo", [np.nan]), seed=None,
         lower="lo", upper="hi"), None, warns=r"dropped 1 row\(s\) with NaN or infinite values in 'step', 'accuracy', 'lo', 'hi'"),
    Case("tc-same-column", lambda t: _tc(series="step"), InputError,
         "x, y, series, seed: expected different columns, got 'step', 'accuracy', 'step', 'seed'"),
    Case("tc-save-missing-folder-created", lambda t: vf.save(_tc(), t.out / "new" / "f.svg"), None, check=_file_written("new/f.svg")),
    Case("tc-save-under-a-file", lambda t: vf.save(_tc(), Path(_spec_file(t, "x", "plain.txt")) / "f.svg"), ExportError,
         "cannot write there"),
]  # fmt: skip


# ---------------------------------------------------------------- reward_length
def _rl_cases(layout: str) -> list[Case]:
    def rl(df: pd.DataFrame | None = None, **kw: Any) -> Any:
        return reward_length(RL_DF if df is None else df, layout=layout, **kw)

    p = f"rl-{layout}"
    return [
        Case(f"{p}-empty-frame", lambda t: rl(RL_DF.iloc[:0]), InputError, "the frame is empty"),
        Case(f"{p}-missing-value-col", lambda t: rl(y="nope"), InputError, MISSING_COL + RL_COLS),
        Case(f"{p}-missing-run-col", lambda t: rl(series="nope"), InputError, MISSING_COL + RL_COLS),
        Case(f"{p}-strings", lambda t: rl(_set(RL_DF, "value", [0.1, "oops"])), InputError,
             "column 'value' must be numeric; found non-numeric value 'oops'"),
        Case(f"{p}-nan-inf-dropped", lambda t: rl(_set(RL_DF, "value", [np.nan, np.inf, -np.inf]), band="std"), None,
             warns=r"reward_length: dropped 3 row\(s\) with NaN or infinite values in 'step', 'value'"),
        Case(f"{p}-all-nan", lambda t: rl(RL_DF.assign(value=np.nan)), InputError,
             "reward_length: no rows with finite values", warns="dropped 96 row"),
        Case(f"{p}-missing-run-name", lambda t: rl(_set(RL_DF, "run", [None])), InputError, "column 'run' has 1 missing value"),
        Case(f"{p}-single-row", lambda t: rl(RL_DF.groupby("metric").head(1), band="q10-90"), None,
             check=_texts_drawn("GRPO")),
        Case(f"{p}-all-equal", lambda t: rl(RL_DF.assign(value=0.25), band="std"), None, check=_constant_y_label("0.25")),
        Case(f"{p}-duplicated-steps", lambda t: rl(pd.concat([RL_DF, RL_DF])), InputError,
             r"column 'step' repeats the value 1 for run 'GRPO', metric 'reward' \(192 rows share a step\); average them first"),
        Case(f"{p}-unicode", lambda t: rl(RL_DF.replace({"GRPO": "GRPO → β₁"}), x_title="Schritt ⟶",
             panel_titles={"reward": "Belohnung Δ", "response_length": "Länge ⟨tokens⟩"}), None,
             check=_texts_drawn("GRPO → β₁", "Schritt ⟶", "Belohnung Δ" + (" (solid)" if layout == "dual" else ""))),
        Case(f"{p}-long-title", lambda t: rl(x_title=LONG), None, check=_long_title_drawn),
        Case(f"{p}-small-figure-ok", lambda t: rl(width_in=3.0, height_in=1.8), None, check=_texts_drawn("GRPO")),
        Case(f"{p}-title-not-text", lambda t: rl(panel_titles={"reward": 3}), InputError,
             r"panel_titles\['reward'\]: expected a string, got 3"),
        Case(f"{p}-panel-title-unknown", lambda t: rl(panel_titles={"kl": "KL"}), InputError,
             r"panel_titles: \['kl'\] are not panels"),
        Case(f"{p}-metric-unknown", lambda t: rl(panels=["reward", "kl"]), InputError,
             r"panels: \['kl'\] not in column 'metric'; it has \['reward', 'response_length'\]"),
        Case(f"{p}-palette-unknown-run", lambda t: rl(palette={"PPO": "red"}), InputError, r"palette: \['PPO'\] are not series"),
        Case(f"{p}-order-unknown", lambda t: rl(order=["PPO"]), InputError, r"order: \['PPO'\] not found"),
        Case(f"{p}-same-column", lambda t: rl(series="step"), InputError,
             "x, y, series, panel: expected four different columns, got 'step', 'value', 'step', 'metric'"),
        Case(f"{p}-save-under-a-file", lambda t: vf.save(rl(), Path(_spec_file(t, "x", "plain.txt")) / "f.vl.json"),
             ExportError, "cannot write there"),
    ]  # fmt: skip


RL_CASES = [
    *_rl_cases("panels"),
    *_rl_cases("dual"),
    Case("rl-dual-three-metrics", lambda t: reward_length(RL_DF, layout="dual", panels=["reward", "response_length", "kl"]),
         InputError, "layout='dual' needs exactly two metrics"),
    Case("rl-all-panels", lambda t: reward_length(RL_DF, panels=None), None, check=_texts_drawn("Reward", "Response length")),
    Case("rl-too-small", lambda t: reward_length(RL_DF, width_in=0.8, height_in=0.8), InputError, "width_in/height_in"),
    Case("rl-save-missing-folder-created", lambda t: vf.save(reward_length(RL_DF), t.out / "a" / "f.vl.json"), None,
         check=_file_written("a/f.vl.json")),
]  # fmt: skip


# ---------------------------------------------------------------- smoothing transforms
SMOOTH_CASES = [
    Case(f"{name}-{cid}", call, err, match, warns, check)
    for name, fn in (("ema", T.ema), ("rolling", T.rolling), ("gaussian", T.gaussian), ("twema", T.twema))
    for cid, call, err, match, warns, check in [
        ("empty-frame", lambda t, fn=fn: fn(SER.iloc[:0], **XY), InputError, "the frame is empty", None, None),
        ("missing-col", lambda t, fn=fn: fn(SER, x="step", y="nope"), InputError, MISSING_COL + SER_COLS, None, None),
        ("missing-by", lambda t, fn=fn: fn(SER, by="nope", **XY), InputError, MISSING_COL + SER_COLS, None, None),
        ("strings", lambda t, fn=fn: fn(_set(SER, "y", [1.0, "x"]), **XY), InputError,
         "column 'y' must be numeric; found non-numeric value 'x'", None, None),
        ("nan-inf-pass-through", lambda t, fn=fn: fn(_set(SER, "y", [np.nan, np.inf]), by="run", **XY), None, "", None,
         _passes_nonfinite_through),
        ("single-row", lambda t, fn=fn: fn(SER.iloc[:1], **XY), None, "", None, _rows(1)),
        ("all-equal", lambda t, fn=fn: fn(SER.assign(y=2.5), by="run", **XY), None, "", None, _unchanged),
        ("duplicated-steps", lambda t, fn=fn: fn(pd.concat([SER, SER]), by="run", **XY), None, "", None, _within_input_range),
    ]
] + [
    Case("ema-weight-1", lambda t: T.ema(SER, y="y", weight=1), InputError, r"weight: ema needs a weight in \[0, 1\), got 1"),
    Case("ema-weight-negative", lambda t: T.ema(SER, y="y", weight=-0.1), InputError, r"weight: ema needs a weight in \[0, 1\)"),
    Case("ema-weight-nan", lambda t: T.ema(SER, y="y", weight=math.nan), InputError, "got nan"),
    Case("ema-weight-bool", lambda t: T.ema(SER, y="y", weight=True), InputError, "got True"),
    Case("ema-nan-step-skipped", lambda t: T.ema(_set(SER, "step", [np.nan]), by="run", **XY), None,
         check=lambda f, t: np.isnan(f["step"].iloc[5]) and f["y_smooth"].iloc[5] == f["y"].iloc[5] or pytest.fail(str(f))),
    Case("twema-weight-2", lambda t: T.twema(SER, weight=2, **XY), InputError, r"weight: twema needs a weight in \[0, 1\], got 2"),
    Case("twema-no-x", lambda t: T.twema(SER, x=None, y="y"), InputError, "x: twema needs the x column"),
    Case("twema-x-range-zero", lambda t: T.twema(SER, x_range=0, **XY), InputError, "x_range: expected a positive finite number, got 0"),
    Case("twema-x-range-inf", lambda t: T.twema(SER, x_range=math.inf, **XY), InputError, "x_range: expected a positive finite number, got inf"),
    Case("twema-weight-bool", lambda t: T.twema(SER, weight=True, **XY), InputError, "^weight: expected a number, got True"),
    Case("twema-x-range-bool", lambda t: T.twema(SER, x_range=True, **XY), InputError, "x_range: expected a positive finite number, got True"),
    Case("twema-x-range-numpy-int", lambda t: T.twema(SER, x_range=np.int64(10), by="run", **XY), None,
         check=lambda f, t: pd.testing.assert_frame_equal(f, T.twema(SER, x_range=10, by="run", **XY))),
    Case("twema-x-range-numpy-float", lambda t: T.twema(SER, x_range=np.float32(10), by="run", **XY), None,
         check=lambda f, t: pd.testing.assert_frame_equal(f, T.twema(SER, x_range=10.0, by="run", **XY))),
    Case("twema-inf-step-skipped", lambda t: T.twema(_set(SER, "step", [np.inf]), by="run", **XY), None, check=_within_input_range),
    Case("rolling-window-zero", lambda t: T.rolling(SER, y="y", window=0), InputError, "window: expected a positive odd integer, got 0"),
    Case("rolling-window-negative", lambda t: T.rolling(SER, y="y", window=-3), InputError, "got -3"),
    Case("rolling-window-even", lambda t: T.rolling(SER, y="y", window=4), InputError, r"window: expected an odd number of points \(centred\), got 4"),
    Case("rolling-window-float", lambda t: T.rolling(SER, y="y", window=3.0), InputError, "window: expected a positive odd integer, got 3.0"),
    Case("rolling-window-huge", lambda t: T.rolling(SER, by="run", window=10**9 + 1, **XY), None, check=_within_input_range),
    Case("gaussian-sigma-zero", lambda t: T.gaussian(SER, y="y", sigma=0), InputError, "sigma: expected a positive number of points"),
    Case("gaussian-sigma-nan", lambda t: T.gaussian(SER, y="y", sigma=math.nan), InputError, "got nan"),
    Case("gaussian-sigma-inf", lambda t: T.gaussian(SER, y="y", sigma=math.inf), InputError, "up to 1,000,000, got inf"),
    Case("gaussian-sigma-huge-ok", lambda t: T.gaussian(SER, by="run", sigma=1e5, **XY), None, check=_within_input_range),
]  # fmt: skip

PARSE_CASES = [
    Case(f"parse-smooth-{i}", lambda t, spec=spec: T.parse_smooth(spec), InputError, match)
    for i, (spec, match) in enumerate([
        ("ema", r"smooth: 'ema' needs a parameter"),
        ("ema:", "smooth: cannot parse 'ema:'"),
        ("ema:abc", "smooth: cannot parse 'ema:abc'"),
        ("ema:nan", "smooth: cannot parse 'ema:nan'"),
        ("lowess:3", "smooth: unknown method 'lowess'; expected one of ema, twema, rolling, gaussian, none"),
        (("ema",), r"smooth: expected \(method, parameter\)"),
        (("ema", "x"), "smooth: parameter 'x' of 'ema' is not a number"),
        (3, "smooth: expected a string like 'ema:0.9', got 3"),
        ("ema:1.5", r"smooth: ema:1.5: weight: ema needs a weight in \[0, 1\), got 1.5"),
        ("twema:-0.5", r"smooth: twema:-0.5: weight: twema needs a weight in \[0, 1\]"),
        ("rolling:2.5", "smooth: rolling:2.5: window: rolling needs a whole number of points"),
        ("rolling:1e400", "smooth: rolling:1e400: window: rolling needs a whole number"),
        ("rolling:4", "smooth: rolling:4: window: expected an odd number"),
        ("gaussian:-1", "smooth: gaussian:-1: sigma: expected a positive number"),
        ("none:3", "^smooth: 'none' takes no parameter, got '3'; pass 'none'"),
        (("none", 3), "^smooth: 'none' takes no parameter, got 3; pass 'none'"),
        (("twema", True), "^smooth: parameter True of 'twema' is not a number"),
    ])
] + [
    Case("parse-smooth-none", lambda t: T.parse_smooth("none"), None, check=lambda r, t: r == ("none", None) or pytest.fail(str(r))),
    Case("smooth-twema-without-x", lambda t: T.smooth(SER, y="y", method="twema:0.5"), InputError, "smooth: 'twema' needs the x column"),
    Case("smooth-bad-spec", lambda t: T.smooth(SER, method="rolling:0", **XY), InputError, "smooth: rolling:0: window"),
    Case("smooth-none-copies", lambda t: T.smooth(SER, method=None, **XY), None, check=_unchanged),
]  # fmt: skip

BAND = {"x": "step", "y": "y", "run": "run"}
BAND_CASES = [
    Case("tband-empty-frame", lambda t: T.band(SER.iloc[:0], **BAND), InputError, "the frame is empty"),
    Case("tband-missing-col", lambda t: T.band(SER, x="step", y="nope", run="run"), InputError, MISSING_COL + SER_COLS),
    Case("tband-missing-run-col", lambda t: T.band(SER, x="step", y="y", run="seed"), InputError, r"missing column 'seed' \(run\)"),
    Case("tband-strings", lambda t: T.band(_set(SER, "y", ["?"]), **BAND), InputError, "column 'y' must be numeric"),
    Case("tband-nan-inf-left-out", lambda t: T.band(_set(SER, "y", [np.nan, np.inf]), **BAND), None,
         warns=r"band: left out 2 row\(s\) with NaN or infinite values in 'step', 'y'", check=_band_ok),
    Case("tband-all-nan", lambda t: T.band(SER.assign(y=np.nan), **BAND), InputError, "band: no finite values in 'step', 'y'"),
    Case("tband-missing-run-name", lambda t: T.band(_set(SER, "run", [None]), **BAND), InputError, "column 'run' has 1 missing value"),
    Case("tband-single-row", lambda t: T.band(SER.iloc[:1], **BAND), None, check=_rows(1)),
    Case("tband-all-equal", lambda t: T.band(SER.assign(y=3.0), **BAND), None, check=_flat_band),
    Case("tband-duplicated-steps", lambda t: T.band(pd.concat([SER, SER]), **BAND), None, check=_rows(6)),
    Case("tband-kind-unknown", lambda t: T.band(SER, kind="iqr", **BAND), InputError, "kind: got 'iqr'"),
    Case("tband-quantiles-reversed", lambda t: T.band(SER, kind="q90-10", **BAND), InputError, "quantiles must satisfy 0 <= lo < hi <= 100"),
    Case("tband-n-boot-zero", lambda t: T.band(SER, kind="ci95-boot", n_boot=0, **BAND), InputError, "n_boot: expected an integer >= 10"),
    Case("tband-seed-negative", lambda t: T.band(SER, kind="ci95-boot", seed=-1, **BAND), InputError, r"seed: expected an integer >= 0"),
    Case("tband-seed-text", lambda t: T.band(SER, kind="ci95-boot", seed="x", **BAND), InputError, "seed: expected an integer >= 0.*got 'x'"),
    Case("tband-align-unknown", lambda t: T.band(SER, align="nearest", **BAND), InputError, "align: got 'nearest'"),
    Case("tband-run-is-x", lambda t: T.band(SER, x="step", y="y", run="step"), InputError, "run: 'step' must differ from x, y and by"),
]  # fmt: skip

RB = {"x": "step", "y": "y", "by": "run", "window": 3}
ROLLING_BAND_CASES = [
    Case("rband-empty-frame", lambda t: T.rolling_band(SER.iloc[:0], **RB), InputError, "the frame is empty"),
    Case("rband-missing-col", lambda t: T.rolling_band(SER, x="step", y="nope", window=3), InputError, MISSING_COL + SER_COLS),
    Case("rband-strings", lambda t: T.rolling_band(_set(SER, "y", ["?"]), **RB), InputError, "column 'y' must be numeric"),
    Case("rband-nan-inf-left-out", lambda t: T.rolling_band(_set(SER, "y", [np.nan, -np.inf]), **RB), None,
         warns=r"rolling_band: left out 2 row\(s\) with NaN or infinite values in 'step', 'y'", check=_rows(10)),
    Case("rband-all-nan", lambda t: T.rolling_band(SER.assign(y=np.nan), **RB), InputError, "rolling_band: no finite values"),
    Case("rband-single-row", lambda t: T.rolling_band(SER.iloc[:1], **RB), None, check=_rows(1)),
    Case("rband-all-equal", lambda t: T.rolling_band(SER.assign(y=1.0), **RB), None,
         check=lambda f, t: (f["lower"] == f["upper"]).all() or pytest.fail(str(f))),
    Case("rband-window-zero", lambda t: T.rolling_band(SER, x="step", y="y", window=0), InputError, "window: expected a positive integer, got 0"),
    Case("rband-window-negative", lambda t: T.rolling_band(SER, x="step", y="y", window=-2), InputError, "got -2"),
    Case("rband-window-float", lambda t: T.rolling_band(SER, x="step", y="y", window=2.5), InputError, "got 2.5"),
    Case("rband-bootstrap", lambda t: T.rolling_band(SER, kind="ci95-boot", **RB), InputError, "'ci95-boot' is only available across runs"),
]  # fmt: skip

BIG = pd.DataFrame({"step": np.arange(2000), "y": np.sin(np.arange(2000) / 50.0)})
DS = {"x": "step", "y": "y", "width_px": 10}
DOWNSAMPLE_CASES = [
    Case("ds-empty-frame", lambda t: T.downsample(SER.iloc[:0], **DS), InputError, "the frame is empty"),
    Case("ds-missing-col", lambda t: T.downsample(SER, x="step", y="nope", width_px=10), InputError, MISSING_COL + SER_COLS),
    Case("ds-strings", lambda t: T.downsample(_set(SER, "y", ["?"]), **DS), InputError, "column 'y' must be numeric"),
    Case("ds-nan-inf-dropped", lambda t: T.downsample(_set(BIG, "y", [np.nan, np.inf]), **DS), None,
         warns=r"downsample: dropped 2 row\(s\) with NaN or infinite values in 'step', 'y'",
         check=lambda f, t: bool(np.isfinite(f["y"]).all() and len(f) <= 40) or pytest.fail(str(f))),
    Case("ds-all-nan", lambda t: T.downsample(SER.assign(y=np.nan), **DS), InputError, "downsample: no rows with finite 'step'"),
    Case("ds-width-zero", lambda t: T.downsample(SER, x="step", y="y", width_px=0), InputError, "width_px: expected a positive integer, got 0"),
    Case("ds-width-negative", lambda t: T.downsample(SER, x="step", y="y", width_px=-5), InputError, "got -5"),
    Case("ds-width-float", lambda t: T.downsample(SER, x="step", y="y", width_px=2.5), InputError, "got 2.5"),
    Case("ds-no-y", lambda t: T.downsample(SER, x="step", y=[], width_px=2), InputError, "y: give at least one column"),
    Case("ds-engine-unknown", lambda t: T.downsample(SER, engine="rust", **DS), InputError, "engine: got 'rust'"),
    Case("ds-domain-reversed", lambda t: T.downsample(SER, x_domain=(3, 0), **DS), InputError, "x_domain: expected finite min < max"),
    Case("ds-domain-inf", lambda t: T.downsample(SER, x_domain=(0, np.inf), **DS), InputError, "x_domain: expected finite min < max"),
    Case("ds-min-points-negative", lambda t: T.downsample(SER, min_points=-1, **DS), InputError, "min_points: expected an integer >= 0"),
    Case("ds-min-points-text", lambda t: T.downsample(SER, min_points="a", **DS), InputError, "min_points: expected an integer >= 0"),
    Case("ds-single-row", lambda t: T.downsample(SER.iloc[:1], x="step", y="y", width_px=1), None, check=_rows(1)),
    Case("ds-all-equal", lambda t: T.downsample(BIG.assign(y=1.0), **DS), None, check=_rows(20)),
    Case("ds-duplicated-steps", lambda t: T.downsample(pd.concat([BIG, BIG]), **DS), None,
         check=lambda f, t: bool(len(f) <= 80 and f["y"].max() == BIG["y"].max()) or pytest.fail(str(f))),
]  # fmt: skip


# ---------------------------------------------------------------- loaders
def _log(t: Paths, name: str, text: str | bytes) -> str:
    return _spec_file(t, text, name)


def _png_as(t: Paths, name: str) -> str:
    return _log(t, name, Path(_png_file(t)).read_bytes())


def _has_tbparse() -> bool:
    try:
        import tbparse  # noqa: F401
    except ImportError:
        return False
    return True


def _tb(call: Callable[[Paths], Any]) -> Callable[[Paths], Any]:
    """``call`` for a TensorBoard row: skipped only when the ``tensorboard`` extra is missing."""

    def run(t: Paths) -> Any:
        if not _has_tbparse():
            pytest.skip("tbparse not installed (pip install 'vegafigs[tensorboard]')")
        return call(t)

    return run


def _tb_events(t: Paths, values: list[float], name: str = "tb") -> str:
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    w = EventFileWriter(str(t.inp / name))
    for step, v in enumerate(values):
        value = summary_pb2.Summary.Value(tag="reward", simple_value=v)
        w.add_event(
            event_pb2.Event(step=step, wall_time=1.0, summary=summary_pb2.Summary(value=[value]))
        )
    w.close()
    return str(t.inp / name)


TS_OK = '{"log_history": [{"step": 1, "loss": 1.0}, {"step": 2, "loss": NaN}, {"step": 3, "loss": Infinity}]}'
LATIN1 = "step,réward\n1,0.5\n".encode("latin-1")

LOADER_CASES = [
    # CSV
    Case("csv-png", lambda t: vio.load_csv(_png_as(t, "pic.csv")), LoadError, r"pic\.csv': not UTF-8 text .*expected a CSV log"),
    Case("csv-latin1", lambda t: vio.load_csv(_log(t, "l.csv", LATIN1)), LoadError, r"l\.csv': not UTF-8 text"),
    Case("csv-empty-file", lambda t: vio.load_csv(_log(t, "e.csv", "")), LoadError, r"e\.csv': empty file"),
    Case("csv-header-only", lambda t: vio.load_csv(_log(t, "h.csv", "step,reward\n")), LoadError, r"h\.csv': no rows \(only the header, line 1\)"),
    Case("csv-no-step-column", lambda t: vio.load_csv(_log(t, "n.csv", "a,b\n1,2\n")), LoadError,
         r"n\.csv': no step column \(looked for step, global_step.*columns: \['a', 'b'\]"),
    Case("csv-step-not-found", lambda t: vio.load_csv(_log(t, "n.csv", "step,r\n1,2\n"), step="iter"), LoadError,
         r"no step column 'iter'; columns: \['step', 'r'\]"),
    Case("csv-strings", lambda t: vio.load_csv(_log(t, "s.csv", "step,reward\n1,0.5\n2,abc\n")), LoadError,
         r"s\.csv': line 3, column 'reward': expected a number, got 'abc'"),
    Case("csv-step-strings", lambda t: vio.load_csv(_log(t, "s.csv", "step,reward\n1,0.5\nx,0.6\n")), LoadError,
         "line 3, column 'step': expected a number, got 'x'"),
    Case("csv-ragged-row", lambda t: vio.load_csv(_log(t, "r.csv", "step,reward\n1,0.5,9,9\n2,0.1\n")), LoadError,
         r"r\.csv': line 2: more fields than the header's 2 \(step, reward\)"),
    Case("csv-ragged-later-row", lambda t: vio.load_csv(_log(t, "r.csv", "step,reward\n1,0.5\n2,0.1,7\n")), LoadError,
         r"r\.csv': line 3: more fields than the header's 2 .*Expected 2 fields in line 3, saw 3"),
    Case("csv-missing-file", lambda t: vio.load_csv(t.inp / "nope.csv"), LoadError, r"nope\.csv': no such file"),
    Case("csv-a-folder", lambda t: vio.load_csv(t.inp), LoadError, "is a folder; expected a log file"),
    Case("csv-all-nan", lambda t: vio.load_csv(_log(t, "a.csv", "step,reward\n1,nan\n2,\n")), LoadError, r"a\.csv': no logged values"),
    Case("csv-nan-dropped-inf-kept", lambda t: vio.load_csv(_log(t, "n.csv", "step,reward\n1,nan\n2,inf\n3,-inf\n4,0.5\n")), None,
         check=_values([math.inf, -math.inf, 0.5])),
    Case("csv-single-row", lambda t: vio.load_csv(_log(t, "one.csv", "step,reward\n1,0.5\n")), None, check=_rows(1)),
    Case("csv-duplicated-steps-kept", lambda t: vio.load_csv(_log(t, "d.csv", "step,reward\n1,0.5\n1,0.7\n2,0.1\n")), None,
         check=_values([0.5, 0.7, 0.1])),
    Case("csv-unicode-metric", lambda t: vio.load_csv(_log(t, "u.csv", "step,Belohnung Δ\n1,0.5\n")), None,
         check=lambda f, t: f["metric"].tolist() == ["Belohnung Δ"] or pytest.fail(str(f))),
    # JSON Lines
    Case("jsonl-malformed-line", lambda t: vio.load_jsonl(_log(t, "b.jsonl", '{"step": 1, "reward": 0.5}\n{"step": 2, "reward": \n')),
         LoadError, r"b\.jsonl': line 2: not valid JSON \(Expecting value, column 23\)"),
    Case("jsonl-array-line", lambda t: vio.load_jsonl(_log(t, "a.jsonl", '{"step": 1, "r": 0.5}\n\n[1, 2]\n')), LoadError,
         r"a\.jsonl': line 3: expected a JSON object, got list"),
    Case("jsonl-png", lambda t: vio.load_jsonl(_png_as(t, "p.jsonl")), LoadError, r"p\.jsonl': not UTF-8 text"),
    Case("jsonl-blank-only", lambda t: vio.load_jsonl(_log(t, "e.jsonl", "\n\n")), LoadError, r"e\.jsonl': no JSON records"),
    Case("jsonl-strings", lambda t: vio.load_jsonl(_log(t, "s.jsonl", '{"step": 1, "r": 0.5}\n\n{"step": 2, "r": "abc"}\n')),
         LoadError, r"s\.jsonl': line 3, column 'r': expected a number, got 'abc'"),
    Case("jsonl-nested-values", lambda t: vio.load_jsonl(_log(t, "n.jsonl", '{"step": 1, "r": {"a": 1}}\n')), LoadError,
         "no numeric metric columns besides 'step'"),
    Case("jsonl-nan-dropped-inf-kept", lambda t: vio.load_jsonl(_log(t, "n.jsonl",
         '{"step": 1, "r": NaN}\n{"step": 2, "r": Infinity}\n{"step": 3, "r": null}\n{"step": 4, "r": 1}\n')), None,
         check=_values([math.inf, 1.0])),
    # Parquet
    Case("parquet-png", lambda t: vio.load_parquet(_png_as(t, "p.parquet")), LoadError, r"p\.parquet': not a readable Parquet file"),
    Case("parquet-text-only", lambda t: vio.load_parquet(pd.DataFrame({"step": [1], "r": ["a"]}).to_parquet(t.inp / "s.parquet")
         or t.inp / "s.parquet"), LoadError, "no numeric metric columns besides 'step'"),
    Case("parquet-nan-dropped", lambda t: vio.load_parquet(pd.DataFrame({"step": [1, 2], "r": [np.nan, 2.0]}).to_parquet(
         t.inp / "n.parquet") or t.inp / "n.parquet"), None, check=_values([2.0])),
    # trainer_state.json
    Case("ts-no-log-history", lambda t: vio.load_trainer_state(_log(t, "trainer_state.json", '{"global_step": 3}')), LoadError,
         r"trainer_state\.json': no key 'log_history'"),
    Case("ts-not-json", lambda t: vio.load_trainer_state(_log(t, "trainer_state.json", '{"log_history": [')), LoadError,
         r"not valid JSON \(line 1, column 18"),
    Case("ts-png", lambda t: vio.load_trainer_state(_png_as(t, "trainer_state.json")), LoadError, "not UTF-8 text"),
    Case("ts-top-level-list", lambda t: vio.load_trainer_state(_log(t, "trainer_state.json", "[1]")), LoadError, "no key 'log_history'"),
    Case("ts-history-not-list", lambda t: vio.load_trainer_state(_log(t, "trainer_state.json", '{"log_history": {}}')), LoadError,
         "key 'log_history' must be a list"),
    Case("ts-history-empty", lambda t: vio.load_trainer_state(_log(t, "trainer_state.json", '{"log_history": []}')), LoadError,
         "'log_history' holds no numeric metrics"),
    Case("ts-entry-without-step", lambda t: vio.load_trainer_state(_log(t, "trainer_state.json", '{"log_history": [{"loss": 1}]}')),
         LoadError, r"log_history\[0\] has no key 'step'"),
    Case("ts-step-text", lambda t: vio.load_trainer_state(_log(t, "trainer_state.json", '{"log_history": [{"step": "1", "loss": 1}]}')),
         LoadError, r"log_history\[0\]\['step'\] must be a number"),
    Case("ts-nan-dropped-inf-kept", lambda t: vio.load_trainer_state(_log(t, "trainer_state.json", TS_OK)), None,
         check=_values([1.0, math.inf])),
    Case("ts-duplicated-steps-kept", lambda t: vio.load_trainer_state(_log(t, "trainer_state.json",
         '{"log_history": [{"step": 1, "loss": 1}, {"step": 1, "loss": 3}]}')), None, check=_values([1.0, 3.0])),
    # W&B CSV export
    Case("wandb-no-step", lambda t: vio.load_wandb_csv(_log(t, "w.csv", "a - reward\n1\n")), LoadError, r"w\.csv': no step column"),
    Case("wandb-no-run-columns", lambda t: vio.load_wandb_csv(_log(t, "w.csv", "Step,reward\n1,2\n")), LoadError,
         "no '<run> - <metric>' columns"),
    Case("wandb-strings", lambda t: vio.load_wandb_csv(_log(t, "w.csv", "Step,a - reward\n1,0.5\n2,x\n")), LoadError,
         "line 3, column 'a - reward': expected a number, got 'x'"),
    Case("wandb-only-min", lambda t: vio.load_wandb_csv(_log(t, "w.csv", "Step,a - reward__MIN\n1,0.5\n")), LoadError,
         "only its __MIN/__MAX companions are present"),
    Case("wandb-png", lambda t: vio.load_wandb_csv(_png_as(t, "w.csv")), LoadError, r"w\.csv': not UTF-8 text .*W&B CSV export"),
    Case("wandb-empty-file", lambda t: vio.load_wandb_csv(_log(t, "w.csv", "")), LoadError, "empty file"),
    Case("wandb-ragged-row", lambda t: vio.load_wandb_csv(_log(t, "w.csv", "Step,a - reward\n1,1,5,5\n")), LoadError,
         "line 2: more fields than the header's 2"),
    Case("wandb-nan-dropped", lambda t: vio.load_wandb_csv(_log(t, "w.csv", "Step,a - reward\n1,\n2,inf\n3,1\n")), None,
         check=_values([math.inf, 1.0])),
    # TensorBoard (skipped only without the tensorboard extra)
    Case("tb-png", _tb(lambda t: vio.load_tensorboard(_png_as(t, "events.out.tfevents.1"))), LoadError,
         "no scalar summaries in the event file"),
    Case("tb-missing", _tb(lambda t: vio.load_tensorboard(t.inp / "nope")), LoadError, r"nope': no such file or folder"),
    Case("tb-empty-folder", _tb(lambda t: vio.load_tensorboard((t.inp / "empty").mkdir() or t.inp / "empty")), LoadError,
         "no scalar summaries"),
    Case("tb-nan-dropped-inf-kept", _tb(lambda t: vio.load_tensorboard(_tb_events(t, [1.0, math.nan, math.inf, 2.0]))), None,
         check=_values([1.0, math.inf, 2.0])),
    # load(): dispatch and merging
    Case("load-unknown-suffix", lambda t: vio.load(_log(t, "x.xlsx", "a")), LoadError, r"x\.xlsx': cannot tell the format from the content or the name; line 1: 'a'; expected one of csv, .*--format"),
    Case("load-unknown-format", lambda t: vio.load(_log(t, "x.csv", "step,r\n1,2\n"), format="excel"), LoadError,
         "format: got 'excel'; expected one of csv, jsonl"),
    Case("load-no-files", lambda t: vio.load([]), LoadError, "logs: no files given"),
    Case("load-not-a-path", lambda t: vio.load(5), LoadError, r"logs: expected a path, a list of paths or \{run: path\(s\)\}, got 5"),
    Case("load-one-bad-of-two", lambda t: vio.load([_log(t, "good.csv", "step,r\n1,1\n"), _log(t, "bad.csv", "step,r\n1,1\n2,zzz\n")]),
         LoadError, r"bad\.csv': line 3, column 'r'"),
    Case("load-png-as-json", lambda t: vio.load(_png_as(t, "state.json")), LoadError, r"state\.json': binary data, not a text log; starts with b'\\x89PNG"),
    Case("load-jsonl-named-csv", lambda t: vio.load(_log(t, "x.csv", '{"step": 1}\n')), LoadError, r"x\.csv': no numeric metric columns besides 'step'"),
    Case("load-duplicated-steps-refused", lambda t: vio.load(_log(t, "d.csv", "step,r\n1,1\n1,3\n2,5\n")), LoadError,
         r"d\.csv': 1 \(metric, step\) pair\(s\) repeat \(1 extra rows\), e\.g\. run 'd', metric 'r', step 1 appears 2 times; .*merge='mean'"),
    Case("load-duplicated-steps-averaged", lambda t: vio.load(_log(t, "d.csv", "step,r\n1,1\n1,3\n2,5\n"), merge="mean"), None, check=_values([2.0, 5.0])),
    Case("load-duplicated-steps-last", lambda t: vio.load(_log(t, "d.csv", "step,r\n1,1\n1,3\n2,5\n"), merge="last"), None, check=_values([3.0, 5.0])),
    Case("load-workers-refused", lambda t: vio.load({"exp": [_log(t, "w0.csv", "step,r\n1,1\n"), _log(t, "w1.csv", "step,r\n1,3\n")]}),
         LoadError, r"run 'exp': 1 \(metric, step\) pair\(s\) are logged by more than one file \('.*w0\.csv', '.*w1\.csv'\), e\.g\. metric 'r', step 1"),
    Case("load-workers-merged", lambda t: vio.load({"exp": [_log(t, "w0.csv", "step,r\n1,1\n"), _log(t, "w1.csv", "step,r\n1,3\n")]}, merge="mean"),
         None, check=_values([2.0])),
    Case("load-workers-first", lambda t: vio.load({"exp": [_log(t, "w0.csv", "step,r\n1,1\n"), _log(t, "w1.csv", "step,r\n1,3\n")]}, merge="first"),
         None, check=_values([1.0])),
    Case("load-bad-merge", lambda t: vio.load(_log(t, "d.csv", "step,r\n1,1\n"), merge="avg"), LoadError,
         r"merge: got 'avg'; expected None or one of mean, last, first"),
]  # fmt: skip


# ---------------------------------------------------------------- vegafigs curves
RL_CSV = RL_DF.to_csv(index=False)


def _curves(t: Paths, log: str, *extra: str, out: str = "f.svg") -> int:
    return _cli("curves", log, "-o", str(t.out / out), "-q", *extra)


CLI_CURVES_CASES = [
    Case("curves-missing-log", lambda t: _curves(t, str(t.inp / "nope.csv")), LoadError, r"nope\.csv': no such file or folder"),
    Case("curves-png-log", lambda t: _curves(t, _png_as(t, "pic.csv")), LoadError, r"pic\.csv': binary data, not a text log"),
    Case("curves-malformed-jsonl", lambda t: _curves(t, _log(t, "b.jsonl", '{"step": 1, "reward": 1}\n{oops}\n')), LoadError,
         r"b\.jsonl': line 2: not valid JSON"),
    Case("curves-trainer-state-no-key", lambda t: _curves(t, _log(t, "trainer_state.json", "{}")), LoadError, "no key 'log_history'"),
    Case("curves-empty-log", lambda t: _curves(t, _log(t, "e.csv", "")), LoadError, "empty file"),
    Case("curves-all-nan-log", lambda t: _curves(t, _log(t, "a.csv", "step,reward\n1,nan\n"), "--y", "reward"), LoadError, "no logged values"),
    Case("curves-metric-missing", lambda t: _curves(t, _log(t, "rl.csv", RL_CSV), "--y", "kl"), InputError,
         r"--y: metric\(s\) \['kl'\] not in the logs; they have \['response_length', 'reward'\]"),
    Case("curves-smooth-bad", lambda t: _curves(t, _log(t, "rl.csv", RL_CSV), "--smooth", "ema:1"), InputError,
         r"--smooth: ema:1: weight: ema needs a weight in \[0, 1\)"),
    Case("curves-smooth-unknown", lambda t: _curves(t, str(t.inp / "never-read.csv"), "--smooth", "xyz"), InputError,
         "--smooth: unknown method 'xyz'"),
    Case("curves-band-unknown", lambda t: _curves(t, _log(t, "rl.csv", RL_CSV), "--band", "iqr"), InputError, "--band: got 'iqr'"),
    Case("curves-width-zero", lambda t: _curves(t, _log(t, "rl.csv", RL_CSV), "--width-in", "0"), InputError, "width_in: expected a positive"),
    Case("curves-dpi-zero", lambda t: _curves(t, _log(t, "rl.csv", RL_CSV), "--dpi", "0", out="f.png"), InputError, "dpi: expected a positive"),
    Case("curves-dual-one-metric", lambda t: _curves(t, _log(t, "rl.csv", RL_CSV), "--layout", "dual", "--y", "reward"), InputError,
         "layout='dual' needs exactly two metrics"),
    Case("curves-unknown-suffix", lambda t: _curves(t, str(t.inp / "never-read.csv"), out="f.gif"), ExportError, "unknown suffix"),
    Case("curves-output-under-a-file", lambda t: _cli("curves", _log(t, "rl.csv", RL_CSV), "-q", "-o",
         str(Path(_spec_file(t, "x", "plain.txt")) / "f.svg")), ExportError, "cannot write there"),
    Case("curves-missing-folder-created", lambda t: _curves(t, _log(t, "rl.csv", RL_CSV), out="new/f.svg"), None,
         check=_file_written("new/f.svg")),
    Case("curves-nan-dropped", lambda t: _curves(t, _log(t, "n.csv", "step,reward\n1,0.5\n2,inf\n3,0.7\n"), "--y", "reward"), None,
         warns=r"reward_length: dropped 1 row\(s\) with NaN or infinite values", check=_file_written("f.svg")),
    Case("curves-single-row", lambda t: _curves(t, _log(t, "one.csv", "step,reward\n1,0.5\n"), "--y", "reward"), None,
         check=_svg_has("Reward")),
    Case("curves-duplicated-steps-refused", lambda t: _curves(t, _log(t, "d.csv", "step,reward\n1,0.5\n1,0.7\n2,0.1\n"),
         "--y", "reward"), LoadError, r"d\.csv': 1 \(metric, step\) pair\(s\) repeat"),
    Case("curves-unicode", lambda t: _curves(t, _log(t, "u.csv", "step,Belohnung Δ\n1,0.5\n2,0.7\n"), "--y", "Belohnung Δ",
         "--x-title", "Schritt ⟶"), None, check=_svg_has("Belohnung Δ", "Schritt ⟶")),
]  # fmt: skip

CASES = [
    *TC_CASES,
    *RL_CASES,
    *SMOOTH_CASES,
    *PARSE_CASES,
    *BAND_CASES,
    *ROLLING_BAND_CASES,
    *DOWNSAMPLE_CASES,
    *LOADER_CASES,
    *CLI_CURVES_CASES,
]


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


def _rendering(case: Case) -> Case:
    """``case`` with a returned Figure rendered (legal input must render)."""

    def call(t: Paths) -> Any:
        result = case.call(t)
        if isinstance(result, Figure):
            vf.export.render(result, "svg")
        return result

    return dataclasses.replace(case, call=call)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_curves(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_case(_rendering(case), tmp_path, monkeypatch)
