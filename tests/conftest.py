from __future__ import annotations

import io

import numpy as np
import pytest


def png_array(data: bytes) -> np.ndarray:
    """Decode PNG bytes to an RGBA uint8 array."""
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


@pytest.fixture(scope="session")
def hist_chart():
    from vegafigs.gallery import FIGURES

    return FIGURES["grad_metrics_hist"].build()
