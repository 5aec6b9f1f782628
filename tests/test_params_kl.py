"""Generated bad-parameter cases for kl_spaghetti and segment_paths (see tests/_paramgen.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests._paramgen import bad_param_cases, check_refused
from vegafigs.figures import kl_spaghetti
from vegafigs.io import KLRuns
from vegafigs.layers import segment_paths


def _runs() -> KLRuns:
    t = pd.DataFrame({"traj": [0, 1], "alpha": ["0.5", "1.0"], "gen_len": [40, 30]})
    kl = pd.DataFrame(
        {
            "traj": [0] * 40 + [1] * 30,
            "t": list(range(40)) + list(range(30)),
            "kl": [0.1 + 0.01 * i for i in range(40)] + [0.2] * 30,
        }
    )
    pm = pd.DataFrame({"traj": [0, 1], "t": [0, 0], "pmass": [0.9, 0.5]})
    return KLRuns(t, kl, pm, ("0.5", "1.0"), "toy")


def _paths() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "traj": [0, 0, 0, 1, 1],
            "t": [0, 1, 2, 0, 1],
            "kl": [1.0, 1.2, 0.9, 0.5, 0.7],
            "state": ["a", "a", "b", "a", "a"],
        }
    )


CASES = bad_param_cases(
    {
        kl_spaghetti: lambda: ((_runs(),), {"window": 64, "roll": 5}),
        segment_paths: lambda: (
            (_paths(),),
            {"x": "t", "y": "kl", "path": "traj", "state": "state"},
        ),
    }
)


@pytest.mark.parametrize(("fn", "make", "name", "bad"), CASES)
def test_declared_params_refuse_bad_values(fn, make, name, bad):
    check_refused(fn, make, name, bad)


def test_valid_calls_work():
    fig = kl_spaghetti(_runs(), window=64, roll=5)
    assert fig.panels == ("0.5", "1.0")
    segment_paths(_paths(), x="t", y="kl", path="traj", state="state")
