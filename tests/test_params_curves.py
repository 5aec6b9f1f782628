"""Generated bad-value cases for the curve figures and layers (``tests/_paramgen.py``).

Every declared parameter of ``training_curves``, ``reward_length`` and the layers
``band`` and ``series_legend`` (``line`` / ``points``: test_params_bars.py) refuses
each of its declaration's bad values with an ``InputError`` starting with its name.
"""

from __future__ import annotations

import pandas as pd
import pytest

import vegafigs as vf
from tests._paramgen import bad_param_cases, check_refused

TC_DF = vf.demo.training_curve(n_steps=6)
RL_DF = vf.demo.rl_logs(n_steps=12)
CURVE_DF = pd.DataFrame(
    {"step": [0, 1, 2] * 2, "acc": [0.1, 0.2, 0.3, 0.2, 0.3, 0.4], "lo": 0.0, "hi": 1.0,
     "method": ["A"] * 3 + ["B"] * 3}
)  # fmt: skip

CASES = bad_param_cases(
    {
        vf.figures.training_curves: lambda: (
            (TC_DF,),
            {"x": "step", "y": "accuracy", "series": "method", "seed": "seed"},
        ),
        vf.figures.reward_length: lambda: ((RL_DF,), {}),
        vf.layers.band: lambda: (
            (CURVE_DF,),
            {"x": "step", "lower": "lo", "upper": "hi", "series": "method"},
        ),
        vf.layers.series_legend: lambda: ((), {"font": vf.themes.TIMES}),
    }
)


@pytest.mark.parametrize(("fn", "make", "name", "bad"), CASES)
def test_declared_params_refuse_bad_values(fn, make, name, bad):
    check_refused(fn, make, name, bad)


def test_every_figure_parameter_is_declared():
    # Parameters that take values (not data columns or free-form labels) are checked.
    from vegafigs._params import declared

    for fn in (vf.figures.training_curves, vf.figures.reward_length):
        specs = declared(fn)
        for name in ("smooth", "band", "palette", "order", "stroke_width", "theme", "style",
                     "width_in", "height_in", "dpi", "downsample", "x_domain"):  # fmt: skip
            assert name in specs, (fn.__name__, name)
