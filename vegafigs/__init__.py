"""vegafigs: publication-quality ML/RL figures as composable Altair (Vega-Lite) charts.

>>> import vegafigs as vf
>>> chart = vf.figures.metric_histograms(vf.demo.grad_metrics_hist(), x="value", panel="panel")
>>> vf.save(chart, "outputs/hist.pdf")  # doctest: +SKIP
"""

import contextlib

from vegafigs import demo, figures, frames, io, layers, themes, transforms
from vegafigs.errors import ExportError, FontError, InputError, LoadError, VegafigsError
from vegafigs.export import save, spec_json, to_spec
from vegafigs.figure import Figure
from vegafigs.jupyter import enable as notebook
from vegafigs.jupyter import register as _register_renderer
from vegafigs.themes import latex, paper, register_font_directory, sans

__version__ = "0.1.0"

# Altair's own chart.save(...) / alt.renderers draw with vl-convert too: the bundled
# fonts must be registered with it before any of them renders (about 10 ms; a
# failure is raised again, with its reason, by the first vegafigs render).
with contextlib.suppress(Exception):  # e.g. a broken matplotlib install
    themes.fonts.ensure_registered()

# alt.renderers.enable("vegafigs") (the entry point names it too, once installed).
_register_renderer()

__all__ = [
    "ExportError",
    "Figure",
    "FontError",
    "InputError",
    "LoadError",
    "VegafigsError",
    "demo",
    "figures",
    "frames",
    "io",
    "latex",
    "layers",
    "notebook",
    "paper",
    "register_font_directory",
    "sans",
    "save",
    "spec_json",
    "themes",
    "to_spec",
    "transforms",
]
