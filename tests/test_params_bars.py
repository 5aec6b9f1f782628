"""Generated "rejects a bad value" cases for the bar and scaling figures and their layers.

Every parameter declared with ``@checked`` on these functions is given each of
its declaration's bad values, in an otherwise valid call; the call must raise
an ``InputError`` whose message starts with the parameter's name.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import vegafigs as vf
from vegafigs import layers, transforms

from ._paramgen import bad_param_cases, check_refused

BARS = pd.DataFrame({"step": [5, 10, 15, 20], "score": [55.7, 57.7, 57.1, 56.2]})
CURVES = pd.DataFrame(
    {
        "n": [0.6, 1.7, 4.0] * 2,
        "acc": [0.1, 0.2, 0.3, 0.3, 0.4, 0.5],
        "sd": 0.02,
        "m": list("aaabbb"),
    }
)


def _bar_call() -> tuple[tuple[Any, ...], dict[str, Any]]:
    return (BARS,), {"x": "step", "y": "score"}


def _curve_call() -> tuple[tuple[Any, ...], dict[str, Any]]:
    return (CURVES,), {"x": "n", "y": "acc", "series": "m", "width_in": 4.0, "height_in": 2.5}


def _axis_call() -> tuple[tuple[Any, ...], dict[str, Any]]:
    return (layers.bars(BARS, x="step", y="score"),), {"channel": "y"}


CALLS = {
    vf.figures.bar_trend: _bar_call,
    vf.figures.scaling_curves: _curve_call,
    layers.bars: _bar_call,
    layers.trend_line: _bar_call,
    layers.value_labels: _bar_call,
    layers.line: lambda: ((CURVES,), {"x": "n", "y": "acc", "series": "m"}),
    layers.points: lambda: ((CURVES,), {"x": "n", "y": "acc"}),
    layers.hline: lambda: ((), {"reference": 55.8, "label": "GRPO"}),
    layers.set_axis: _axis_call,
    transforms.label_offsets: lambda: ((BARS,), {"y": "score", "step_px": 40, "px_per_unit": 30}),
}
CASES = bad_param_cases(CALLS)


@pytest.mark.parametrize(("fn", "make", "name", "bad"), CASES)
def test_declared_params_refuse_bad_values(fn, make, name, bad):
    check_refused(fn, make, name, bad)


def test_every_function_declares_the_parameters_it_checks():
    from vegafigs._params import declared

    assert {"reference", "label_format", "y_domain", "width_in", "theme"} <= set(
        declared(vf.figures.bar_trend)
    )
    assert {"stroke_width", "band_opacity", "palette", "style"} <= set(
        declared(vf.figures.scaling_curves)
    )
    assert "reference" in declared(layers.hline)
