"""Pixel comparison of two renders (private; used by tests and benchmarks)."""

from __future__ import annotations

import numpy as np


def differing_fraction(
    a: np.ndarray, b: np.ndarray, *, threshold: int = 64, shift: int = 0
) -> float:
    """Fraction of pixels of ``a`` with no pixel of ``b`` within ``shift`` px closer than
    ``threshold`` (max over RGB channels, 0-255). ``shift=0`` is a plain per-pixel test."""
    if a.shape != b.shape:
        raise ValueError(f"images differ in size: {a.shape} vs {b.shape}")
    a = a[..., :3].astype(np.int16)
    b = b[..., :3].astype(np.int16)
    h, w = a.shape[:2]
    padded = np.pad(b, ((shift, shift), (shift, shift), (0, 0)), mode="edge")
    best = np.full((h, w), 1 << 14, dtype=np.int16)
    for dy in range(2 * shift + 1):
        for dx in range(2 * shift + 1):
            diff = np.abs(a - padded[dy : dy + h, dx : dx + w]).max(axis=2)
            np.minimum(best, diff, out=best)
    return float((best > threshold).mean())
