"""Bad parameter values of metric_histograms and its layers, generated from their declarations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import vegafigs as vf
from tests._paramgen import bad_param_cases, check_refused


def _df() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"value": rng.gamma(2.0, size=40), "panel": ["loss", "grad"] * 20})


STATS = {"max": 3.0, "min": 1.0, "mean": 2.0}

CASES = bad_param_cases(
    {
        vf.figures.metric_histograms: lambda: ((_df(),), {"x": "value", "panel": "panel"}),
        vf.layers.histogram: lambda: ((_df(),), {"x": "value"}),
        vf.layers.stats_box: lambda: ((STATS,), {}),
    }
)


@pytest.mark.parametrize(("fn", "make", "name", "bad"), CASES)
def test_declared_params_refuse_bad_values(fn, make, name, bad):
    check_refused(fn, make, name, bad)


def test_every_option_is_covered():
    names = {(c.values[0].__name__, c.values[2]) for c in CASES}
    for fn, option in [
        ("metric_histograms", "bins"),
        ("metric_histograms", "stat_keys"),
        ("metric_histograms", "label_format"),
        ("metric_histograms", "width_in"),
        ("histogram", "extent"),
        ("histogram", "x_padding"),
        ("stats_box", "corner"),
        ("stats_box", "keys"),
    ]:
        assert (fn, option) in names
