"""Picture comparison of two PNG renders for snapshot tests (RMS difference + a diff picture).

:func:`compare_png` decodes both PNGs, composites them on white, and measures their
root-mean-square difference the way pytest-mpl (matplotlib's ``calculate_rms``) does:

    RMS = sqrt(mean((expected - actual) ** 2))

over every red, green and blue value of every pixel, on the 0-255 scale. 0 means
identical pixels; 255 would be black against white everywhere. Because the mean runs
over the whole picture, the number measures *how much of the picture* changed and by
how much. Measured on the ``reward_length`` gallery figure at 100 dpi (700 x 280 px):
a dozen pixels off by 30 levels (antialiasing-like) gives 0.23 and a sub-pixel move of
one point 0.02, while a changed panel title gives 6.9, an axis title 5.6 and a changed
line colour 17. The default tolerance, :data:`DEFAULT_TOLERANCE` = 2.0 (pytest-mpl's),
sits between the two groups: it absorbs rasteriser noise, e.g. after a vl-convert
upgrade, and fails changes of colour, text or layout. A single data row moved within
the axes repaints only ~40-100 px (RMS 0.8-1.5 there) and can pass the picture check:
the spec snapshot, which holds the data, is the exact check for data; pass a lower
tolerance (0.5) to make the picture catch such moves too.

Next to the RMS, :attr:`ImageComparison.differing_pixels` counts the pixels whose
largest channel difference exceeds :data:`PIXEL_THRESHOLD` levels, so a failure says
how many pixels changed. Pictures of different sizes never match (RMS ``inf``).

>>> import io
>>> from PIL import Image
>>> def png(colour):
...     buf = io.BytesIO()
...     Image.new("RGB", (40, 20), colour).save(buf, "PNG")
...     return buf.getvalue()
>>> same = compare_png(png("white"), png("white"))
>>> same.ok, same.rms
(True, 0.0)
>>> changed = compare_png(png("white"), png("black"))
>>> changed.describe()
'image differs: RMS 255.00 > tolerance 2.0 (800 px differ)'
>>> changed.diff_png()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import io
import math
import struct
import zlib
from dataclasses import dataclass, field

import numpy as np

from vegafigs._checks import require_nonnegative
from vegafigs.errors import SnapshotError

DEFAULT_TOLERANCE = 2.0
"""Default RMS tolerance (0-255 scale), as in pytest-mpl."""

PIXEL_THRESHOLD = 8
"""A pixel "differs" when one of its channels changed by more than this many levels."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The diff picture: the baseline faded to light grey, differing pixels painted over it
# in magenta, more strongly the larger the difference (even a 1-level change shows).
_DIFF_COLOUR = np.array([255, 0, 255], dtype=np.int32)
_FADE = 4  # the baseline keeps 1/4 of its contrast
_MIN_STRENGTH, _GAIN = 96, 4  # paint strength (0-255) = 96 + 4 x difference, capped
_OUTSIDE = np.array([205, 225, 255], dtype=np.int32)  # area that only one picture covers
_PNG_LEVEL = 6  # fixed zlib level: the same pixels give the same bytes


@dataclass(frozen=True)
class ImageComparison:
    """The result of :func:`compare_png`.

    Each parameter is also the attribute of the same name. Only a comparison made
    by :func:`compare_png` holds the two pictures :meth:`diff_png` draws.

    Parameters
    ----------
    rms : float
        Root-mean-square difference over the RGB values of all pixels after
        compositing both pictures on white, on the 0-255 scale (``inf`` when the
        sizes differ).
    tolerance : float
        The largest RMS that still counts as a match.
    expected_size : tuple of int
        ``(width, height)`` of the expected (baseline) picture, in pixels.
    actual_size : tuple of int
        ``(width, height)`` of the actual (result) picture, in pixels.
    ok : bool
        True when the sizes are equal and ``rms <= tolerance``.
    differing_pixels : int, optional
        Pixels whose largest channel difference exceeds :data:`PIXEL_THRESHOLD`
        (over the larger size when the sizes differ; default 0).
    max_difference : int, optional
        The largest channel difference of any pixel, 0-255 (default 0).
    _expected : numpy.ndarray or None, optional
        Private: the decoded expected picture (height x width x RGB, composited
        on white), set by :func:`compare_png` for :meth:`diff_png`; not shown in
        ``repr`` nor compared.
    _actual : numpy.ndarray or None, optional
        Private: the decoded actual picture, likewise.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buf = io.BytesIO()
    >>> Image.new("RGB", (3, 2), "white").save(buf, "PNG")
    >>> result = compare_png(buf.getvalue(), buf.getvalue(), tolerance=0)
    >>> result.ok, result.expected_size, result.describe()
    (True, (3, 2), 'image matches: RMS 0.00 <= tolerance 0.0 (0 px differ)')
    """

    rms: float
    tolerance: float
    expected_size: tuple[int, int]
    actual_size: tuple[int, int]
    ok: bool
    differing_pixels: int = 0
    max_difference: int = 0
    _expected: np.ndarray | None = field(default=None, repr=False, compare=False)
    _actual: np.ndarray | None = field(default=None, repr=False, compare=False)

    def describe(self) -> str:
        """One line for a test report: the RMS against the tolerance, or both sizes.

        >>> ImageComparison(7.314, 2.0, (10, 10), (10, 10), False, 81).describe()
        'image differs: RMS 7.31 > tolerance 2.0 (81 px differ)'
        >>> ImageComparison(math.inf, 2.0, (700, 280), (701, 280), False).describe()
        'image size differs: expected 700x280 px, got 701x280 px'
        """
        if self.expected_size != self.actual_size:
            (ew, eh), (aw, ah) = self.expected_size, self.actual_size
            return f"image size differs: expected {ew}x{eh} px, got {aw}x{ah} px"
        rms = f"{self.rms:.2f}"
        if (float(rms) <= self.tolerance) != self.ok:  # rounding would hide the verdict
            rms = f"{self.rms:.6g}"
        verdict, sign = ("image matches", "<=") if self.ok else ("image differs", ">")
        tol = float(self.tolerance)
        return f"{verdict}: RMS {rms} {sign} tolerance {tol!r} ({self.differing_pixels} px differ)"

    def diff_png(self) -> bytes:
        """A PNG picture of the differences (same bytes for the same two pictures).

        The baseline is faded to light grey; every pixel that differs at all is painted
        magenta over it, the more opaque the larger its difference. When the sizes
        differ both are padded with white to the larger size, and the area that only
        one of them covers is tinted pale blue. The PNG has no metadata chunks.

        >>> import io
        >>> from PIL import Image
        >>> def png(size):
        ...     buf = io.BytesIO()
        ...     Image.new("RGB", size, "white").save(buf, "PNG")
        ...     return buf.getvalue()
        >>> Image.open(io.BytesIO(compare_png(png((4, 3)), png((5, 2))).diff_png())).size
        (5, 3)
        """
        if self._expected is None or self._actual is None:
            raise SnapshotError("diff_png: this ImageComparison was not made by compare_png")
        return encode_png(diff_picture(self._expected, self._actual))


def compare_png(
    expected: bytes, actual: bytes, *, tolerance: float = DEFAULT_TOLERANCE
) -> ImageComparison:
    """Compare two PNG pictures; the result says whether their RMS difference is in tolerance.

    Both pictures are composited on white first, so transparent and white
    backgrounds compare equal. A :class:`~vegafigs.errors.SnapshotError` names the
    side that is not a complete PNG; a bad ``tolerance`` is an
    :class:`~vegafigs.errors.InputError`.

    Parameters
    ----------
    expected : bytes
        The baseline PNG.
    actual : bytes
        The freshly rendered PNG.
    tolerance : float, optional
        The largest RMS difference (0-255 scale, see :mod:`vegafigs.testing._image`)
        that still matches, a finite number >= 0; 0 demands identical pixels. The
        default :data:`DEFAULT_TOLERANCE` (2.0) lets a few antialiased pixels
        change but fails a changed colour, line or title.

    Returns
    -------
    ImageComparison
        The RMS, the verdict, both sizes and the pixel counts; its
        :meth:`~ImageComparison.diff_png` draws the differences.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> def png(colour):
    ...     buf = io.BytesIO()
    ...     Image.new("RGB", (10, 10), colour).save(buf, "PNG")
    ...     return buf.getvalue()
    >>> compare_png(png((255, 255, 255)), png((254, 255, 255))).ok
    True
    >>> compare_png(png("white"), b"GIF89a...")
    Traceback (most recent call last):
    ...
    vegafigs.errors.SnapshotError: actual: not a PNG picture (it starts with b'GIF89a...')
    """
    require_nonnegative(tolerance, param="tolerance")
    exp = decode_png(expected, param="expected")
    act = decode_png(actual, param="actual")
    esize, asize = (exp.shape[1], exp.shape[0]), (act.shape[1], act.shape[0])
    if esize == asize:
        diff = np.abs(exp - act)
        counts = np.bincount(diff.ravel(), minlength=256).astype(np.int64)  # exact sum of squares
        rms = math.sqrt(int(counts @ np.arange(256, dtype=np.int64) ** 2) / diff.size)
    else:
        a, b, _ = _padded(exp, act)
        diff, rms = np.abs(a - b), math.inf
    per_pixel = diff.max(axis=2)
    return ImageComparison(
        rms=rms,
        tolerance=float(tolerance),
        expected_size=esize,
        actual_size=asize,
        ok=esize == asize and rms <= tolerance,
        differing_pixels=int((per_pixel > PIXEL_THRESHOLD).sum()),
        max_difference=int(per_pixel.max(initial=0)),
        _expected=exp,
        _actual=act,
    )


def decode_png(data: object, *, param: str) -> np.ndarray:
    """The pixels of PNG bytes composited on white: an (height, width, 3) int16 array.

    Raises :class:`~vegafigs.errors.SnapshotError` naming ``param`` when ``data`` is
    not bytes, not a PNG, truncated or corrupt (a bad chunk checksum).

    >>> decode_png(b"", param="expected")
    Traceback (most recent call last):
    ...
    vegafigs.errors.SnapshotError: expected: not a PNG picture (it is empty)
    """
    from PIL import Image

    raw = _check_png(data, param=param)
    try:
        with Image.open(io.BytesIO(raw), formats=["PNG"]) as img:
            rgba = np.asarray(img.convert("RGBA"))
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        raise SnapshotError(f"{param}: the PNG picture cannot be decoded ({exc})") from exc
    colour, alpha = rgba[..., :3].astype(np.uint16), rgba[..., 3:].astype(np.uint16)
    if alpha.min(initial=255) < 255:  # at most 255 * 255 + 127: fits in uint16
        colour = (colour * alpha + 255 * (255 - alpha) + 127) // 255
    return colour.astype(np.int16)


def _check_png(data: object, *, param: str) -> bytes:
    """``data`` as bytes once its PNG signature and chunk list (to IEND) check out."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise SnapshotError(
            f"{param}: expected PNG bytes, got {type(data).__name__} ({str(data)[:40]!r})"
        )
    raw = bytes(data)
    if not raw:
        raise SnapshotError(f"{param}: not a PNG picture (it is empty)")
    if not raw.startswith(PNG_SIGNATURE):
        raise SnapshotError(f"{param}: not a PNG picture (it starts with {raw[:10]!r})")
    pos = len(PNG_SIGNATURE)
    while pos + 12 <= len(raw):
        length, kind = struct.unpack(">I4s", raw[pos : pos + 8])
        end = pos + 12 + length
        if end > len(raw):
            break
        (crc,) = struct.unpack(">I", raw[end - 4 : end])
        if zlib.crc32(raw[pos + 4 : end - 4]) != crc:
            raise SnapshotError(f"{param}: corrupt PNG picture (bad checksum of chunk {kind!r})")
        if kind == b"IEND":
            return raw
        pos = end
    raise SnapshotError(f"{param}: truncated PNG picture ({len(raw)} bytes, no IEND chunk)")


def _padded(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``a`` and ``b`` padded with white to their common larger size, and a mask of the
    pixels both of them cover."""
    h, w = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])

    def pad(x: np.ndarray) -> np.ndarray:
        return np.pad(x, ((0, h - x.shape[0]), (0, w - x.shape[1]), (0, 0)), constant_values=255)

    both = np.zeros((h, w), dtype=bool)
    both[: min(a.shape[0], b.shape[0]), : min(a.shape[1], b.shape[1])] = True
    return pad(a), pad(b), both


def diff_picture(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """The diff picture of two (height, width, 3) pixel arrays, as uint8 RGB
    (see :meth:`ImageComparison.diff_png`).

    >>> white = np.full((2, 2, 3), 255)
    >>> black = np.zeros((2, 2, 3), dtype=int)
    >>> diff_picture(white, black)[0, 0].tolist(), diff_picture(white, white)[0, 0].tolist()
    ([255, 0, 255], [255, 255, 255])
    """
    exp, act, both = _padded(expected.astype(np.int32), actual.astype(np.int32))
    lum = (299 * exp[..., 0] + 587 * exp[..., 1] + 114 * exp[..., 2]) // 1000
    base = np.repeat((255 - (255 - lum) // _FADE)[..., None], 3, axis=2)
    base[~both] = (base[~both] * _OUTSIDE) // 255
    diff = np.abs(exp - act).max(axis=2)
    strength = np.where(diff > 0, np.minimum(_MIN_STRENGTH + _GAIN * diff, 255), 0)[..., None]
    out = (base * (255 - strength) + _DIFF_COLOUR * strength + 127) // 255
    return out.astype(np.uint8)


def encode_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of a (height, width, 3) uint8 array: no metadata, a fixed zlib level.

    >>> encode_png(np.zeros((1, 1, 3), dtype=np.uint8))[:8] == PNG_SIGNATURE
    True
    """
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8)).save(
        buf, format="PNG", compress_level=_PNG_LEVEL
    )
    return buf.getvalue()
