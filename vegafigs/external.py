"""External data in specs: find what a spec would load, refuse it unless allowed.

A Vega-Lite spec may load data (``"data": {"url": ...}``), images (an image
mark's ``url``) or lookup tables from URLs or local files. Specs made by vegafigs
never do (their data is inline), but ``vegafigs render`` takes specs written by
anyone. Before a spec is rendered or put on a page:

* a URL (``http:``, ``https:``, ``//host/...``, any scheme but ``data:``) is
  refused, and so is a ``url`` computed from data or an expression;
* a local path (relative, absolute or ``file:``) outside the working folder is
  refused; one inside it is read and inlined into the spec (vl-convert does not
  read local files itself, and a page stays self-contained);

unless ``allow_external_data=True`` (CLI: ``--allow-external-data``), which keeps
URLs as they are and inlines local files from anywhere.
"""

from __future__ import annotations

import base64
import copy
import mimetypes
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from vegafigs.errors import ExportError, LoadError

Spec = dict[str, Any]

#: Keys whose subtrees hold inline data (never loaded), skipped by the walk.
_INLINE_KEYS = frozenset({"values", "datasets", "usermeta"})
#: File suffix -> Vega data format type, for inlined local data files.
_DATA_FORMATS = {".json": "json", ".csv": "csv", ".tsv": "tsv", ".topojson": "topojson"}
_HINT = "pass allow_external_data=True (CLI: --allow-external-data) to allow it"


Key = tuple[str | int, ...]


def _refs(spec: Spec) -> list[tuple[Key, Any]]:
    found: list[tuple[Key, Any]] = []

    def walk(node: Any, keys: Key) -> None:
        if isinstance(node, dict):
            for key in sorted(node):
                if key in _INLINE_KEYS:
                    continue
                if key == "url":
                    found.append(((*keys, key), node[key]))
                else:
                    walk(node[key], (*keys, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, (*keys, i))

    walk(spec, ())
    return found


def _json_path(keys: Key) -> str:
    return "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)


def external_refs(spec: Spec) -> list[tuple[str, Any]]:
    """Every ``url`` in ``spec`` as ``(JSON path, value)``, in document order.

    Inline data (``values``, ``datasets``) is not searched, so a data column named
    ``url`` is not a reference. An empty list means the spec loads nothing.

    >>> external_refs({"data": {"url": "runs.csv"}, "mark": "line"})
    [('$.data.url', 'runs.csv')]
    """
    return [(_json_path(keys), value) for keys, value in _refs(spec)]


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    if value.startswith("//") or parts.netloc and parts.scheme != "file":
        return True
    # One-letter schemes are Windows drive letters (C:\data.csv), i.e. paths.
    return len(parts.scheme) > 1 and parts.scheme not in {"file", "data"}


def _local_path(value: str, base: Path) -> Path:
    parts = urlsplit(value)
    raw = unquote(parts.path) if parts.scheme == "file" else value
    path = Path(raw)
    return (path if path.is_absolute() else base / path).resolve()


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def localize_data(
    spec: Spec,
    *,
    allow_external_data: bool = False,
    base_dir: str | os.PathLike[str] | None = None,
) -> Spec:
    """A copy of ``spec`` that loads nothing from outside ``base_dir`` (default: cwd).

    Local files inside ``base_dir`` (anywhere when ``allow_external_data``) are
    inlined: data files as ``values`` text with their ``format`` type, images as
    ``data:`` URLs. URLs and local files outside ``base_dir`` are an
    :class:`~vegafigs.ExportError` unless ``allow_external_data``; a missing local
    file is a :class:`~vegafigs.LoadError`.

    >>> localize_data({"data": {"url": "https://example.com/x.csv"}, "mark": "point"})
    Traceback (most recent call last):
    vegafigs.errors.ExportError: ...
    """
    refs = _refs(spec)
    if not refs:
        return spec
    base = Path(base_dir if base_dir is not None else os.getcwd()).resolve()
    out = copy.deepcopy(spec)
    for keys, value in refs:
        path = _json_path(keys)
        if not isinstance(value, str):
            if allow_external_data:
                continue
            raise ExportError(
                f"spec: {path} takes its URL from the data or an expression "
                f"({value!r}), so what it loads cannot be checked; {_HINT}"
            )
        if value.startswith("data:"):
            continue  # inline content, nothing is fetched
        if _is_url(value):
            if allow_external_data:
                continue
            raise ExportError(f"spec: {path} loads data from the URL {value!r}; {_HINT}")
        local = _local_path(value, base)
        if not allow_external_data and not _inside(local, base):
            raise ExportError(
                f"spec: {path} reads the local file {str(local)!r}, outside the working "
                f"folder {str(base)!r}; {_HINT}"
            )
        _inline(out, keys, local)
    return out


def _inline(spec: Spec, keys: Key, local: Path) -> None:
    holder: Any = spec
    for key in keys[:-1]:
        holder = holder[key]
    above = next((k for k in reversed(keys[:-1]) if isinstance(k, str)), "")
    path = _json_path(keys)
    try:
        data = local.read_bytes()
    except OSError as exc:
        raise LoadError(
            f"spec: {path} reads {str(local)!r}, which cannot be read ({exc.strerror})"
        ) from exc
    if above == "data":
        fmt = dict(holder.get("format") or {})
        kind = fmt.get("type") or _DATA_FORMATS.get(local.suffix.lower())
        if kind is None:
            known = ", ".join(_DATA_FORMATS)
            raise LoadError(
                f"spec: {path} reads {str(local)!r}; cannot tell its format - give "
                f'"format": {{"type": ...}} or use a file ending in {known}'
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LoadError(f"spec: {path} reads {str(local)!r}, which is not UTF-8 text") from exc
        del holder["url"]
        holder["values"] = text
        holder["format"] = {**fmt, "type": kind}
    else:
        mime = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
        holder["url"] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
