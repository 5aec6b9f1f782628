from __future__ import annotations

import io

import numpy as np
import pytest


def png_array(data: bytes) -> np.ndarray:
    """Decode PNG bytes to an RGBA uint8 array."""
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def assert_png_size(fig, size: tuple[float, float], dpi: float) -> None:
    """``fig``'s PNG at ``dpi`` is round(w x dpi) x round(h x dpi) pixels (within 1 px)."""
    from vegafigs.export import render

    img = png_array(render(fig, "png", dpi=dpi))
    want = (round(size[1] * dpi), round(size[0] * dpi))
    assert abs(img.shape[0] - want[0]) <= 1 and abs(img.shape[1] - want[1]) <= 1, img.shape


@pytest.fixture(scope="session")
def hist_chart():
    from vegafigs.gallery import FIGURES

    return FIGURES["grad_metrics_hist"].build()
