"""Canonical PDF and SVG bytes: the same chart gives the same bytes in every render and process.

vl-convert draws a PDF with svg2pdf, which keeps its fonts and each resource dictionary
in Rust hash maps (a random order per process and per render): the font objects get
different numbers and ``/Font`` / ``/ExtGState`` entries come in a different order, so
20 renders of one chart give up to 20 different files that draw the same picture.
Resource *names* (``/fo0``, ``/gs3``) are not affected: svg2pdf numbers them in the order
the drawing first uses them. :func:`canonical_pdf` rewrites the file with qpdf (pikepdf):
dictionary keys sorted, objects renumbered in the order they are reached from the
trailer, unreferenced objects dropped, a ``/ID`` computed from the content. Content
streams, fonts and images are copied byte for byte (no re-compression), so the picture
is the same; only the file structure is put in a fixed order.

Vega numbers the SVG clip paths and gradients with per-process counters (``clip287``
on the 3rd render); :func:`canonical_svg` renumbers them in document order.
"""

from __future__ import annotations

import io
import re

#: An SVG tag, with quoted attribute values that may hold ``>``.
_TAG = re.compile(r"<[^<>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^<>\"']*)*>")
#: Ids Vega makes from a counter: clip paths (``clip12``), gradients (``gradient_3``) and
#: the patterns of radial gradients (``pgradient_3``).
_COUNTED_ID = re.compile(r"\bid=\"((?:clip|p?gradient_)(\d+))\"")
_REF = re.compile(r"(\bid=\"|url\(#|href=\"#)([A-Za-z_]+\d+)(?=[\")])")


def canonical_pdf(data: bytes) -> bytes:
    """``data`` (a PDF) with its objects and dictionaries in a fixed, content-defined order.

    :param data: the PDF bytes (one file as vl-convert writes it).
    :returns: PDF bytes that draw the same pages; equal inputs up to object numbering and
        dictionary order give equal outputs.

    >>> import vl_convert as vlc
    >>> spec = {"mark": "text", "encoding": {"text": {"value": "a"}}}
    >>> a, b = (canonical_pdf(vlc.vegalite_to_pdf(spec)) for _ in range(2))
    >>> a == b, a[:8]
    (True, b'%PDF-1.7')
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            # Streams are copied as they are: the drawing is not touched.
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            normalize_content=False,
            linearize=False,
            qdf=False,
            # /ID from the content (none from vl-convert); no date is written.
            deterministic_id=True,
        )
    return out.getvalue()


def canonical_svg(text: str) -> str:
    """``text`` (a Vega SVG) with counter-made ids renumbered in document order.

    :param text: the SVG markup.
    :returns: the same markup where ``clip<N>`` / ``gradient_<N>`` ids and their
        ``url(#...)`` / ``href="#..."`` references are numbered from 1 in the order the ids
        are defined; nothing outside tags (text content) is changed.

    >>> canonical_svg('<clipPath id="clip9"/><g clip-path="url(#clip9)">url(#clip9)</g>')
    '<clipPath id="clip1"/><g clip-path="url(#clip1)">url(#clip9)</g>'
    """
    renames: dict[str, str] = {}
    counts: dict[str, int] = {}
    for tag in _TAG.findall(text):
        for match in _COUNTED_ID.finditer(tag):
            old = match.group(1)
            if old not in renames:
                prefix = old[: -len(match.group(2))]
                counts[prefix] = counts.get(prefix, 0) + 1
                renames[old] = f"{prefix}{counts[prefix]}"
    if all(old == new for old, new in renames.items()):
        return text

    def fix_ref(match: re.Match[str]) -> str:
        return match.group(1) + renames.get(match.group(2), match.group(2))

    return _TAG.sub(lambda tag: _REF.sub(fix_ref, tag.group(0)), text)
