"""The size contract on every gallery figure: a venue style's size is the PNG's, at any dpi."""

from __future__ import annotations

import io

import pytest

import vegafigs as vf
from vegafigs.export import render_spec, to_spec
from vegafigs.gallery import FIGURES

#: ICML column (3.25 x 2.0 in) and text width (6.75 x 2.5 in), with ICML's font sizes.
STYLES = {
    "column": vf.themes.venue("icml", span="column", height_ratio=2.0 / 3.25),
    "text": vf.themes.venue("icml", span="text", height_ratio=2.5 / 6.75),
}


@pytest.mark.slow
@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("name", list(FIGURES))
def test_gallery_figure_is_exactly_the_style_size(name, style):
    from PIL import Image

    st = STYLES[style]
    fig = FIGURES[name].build(style=st)
    assert (fig.width_in, fig.height_in) == (st.width_in, st.height_in)
    assert fig.theme["axis"]["labelFontSize"] == st.label_size  # the venue's fonts
    spec = to_spec(fig)
    for dpi in (100, 300):
        size = Image.open(io.BytesIO(render_spec(spec, "png", dpi=dpi))).size
        want = (round(st.width_in * dpi), round(st.height_in * dpi))
        assert abs(size[0] - want[0]) <= 1 and abs(size[1] - want[1]) <= 1, (dpi, size, want)
