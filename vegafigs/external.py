"""Untrusted specs: find everything a spec would load or run, refuse it unless allowed.

Specs made by vegafigs load nothing (their data is inline), but ``vegafigs render``
and :func:`vegafigs.save` take specs written by anyone. :data:`LOADERS` is the one
audited list of the places in a Vega-Lite spec (and in the Vega it compiles to,
and in vega-embed's options) that make vl-convert or a browser page load a
resource or run code. Before a spec is rendered or put on a page, each of them is
refused with an :class:`~vegafigs.ExportError` naming its key path (e.g.
``spec["usermeta"]["embedOptions"]["patch"]``) unless
``allow_external_data=True`` (CLI: ``--allow-external-data``).

Local files (a relative, absolute or ``file:`` path in a ``url``) are inlined
(vl-convert does not read local files, and a page stays self-contained) only
from the folders named in ``allow_data_dirs`` (CLI: ``--allow-data-dir DIR``),
never a dotfile or a file under a dot-folder, and never through a symlink that
leaves the folder; ``allow_external_data=True`` inlines any local file.
"""

from __future__ import annotations

import base64
import copy
import mimetypes
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from vegafigs.errors import ExportError, LoadError

Spec = dict[str, Any]
Key = tuple[str | int, ...]
DirsLike = Iterable[str | os.PathLike[str]] | None


class Loader(NamedTuple):
    """One entry of :data:`LOADERS`: where it is, who reads it, what vegafigs does."""

    where: str
    reader: str
    rule: str


#: Every place in a spec that can make vl-convert or the page load or run something.
LOADERS: tuple[Loader, ...] = (
    # Vega-Lite compiles it to a Vega data ``url``; Vega's loader fetches it (vl-convert
    # too, for allowed base URLs). Any nesting: layer / concat / facet / repeat,
    # ``transform[].from.data`` (lookup), ``config`` - found by key wherever it is.
    Loader("any data.url", "Vega loader", "URL refused; local file inlined if allowed"),
    # Image mark: ``mark.url``, ``config.image.url``, ``encoding.url`` (value, field,
    # condition); Vega's loader sanitises it and the renderer loads it as an image.
    Loader("any image url", "Vega image renderer", "URL refused; local file inlined as data:"),
    # The ``format.type: topojson`` data of a projection is a data url (above);
    # Vega-Lite has no other URL-valued projection or geo key.
    Loader("topojson / geo data", "Vega loader", "as data.url"),
    # ``href`` channel / ``mark.href`` / ``config.*.href``: Vega makes the mark a link
    # (a click navigates: ``javascript:`` would run code, http(s) leaves the page).
    Loader("any href", "Vega (handleHref)", "refused; when allowed only http(s) values"),
    # ``mark.cursor`` / ``config.*.cursor``: set as CSS; ``url(...)`` fetches an image.
    Loader("any cursor", "Vega (CSS cursor)", "only CSS keywords; others as a URL"),
    # vega-embed merges ``usermeta.embedOptions`` OVER the page's own options
    # (vega-embed's embed(): mergeDeep(pageOpts, usermeta.embedOptions)), so each key
    # can undo the page: ``patch`` (object, or a URL it fetches), ``config`` (a URL it
    # fetches), ``loader`` (baseURL / http options), ``actions`` (the menu back on),
    # ``sourceHeader`` / ``sourceFooter`` (raw HTML in the "View Source" window),
    # ``editorUrl`` (where "Open in Vega Editor" posts the spec), ``i18n`` (menu
    # texts), ``defaultStyle`` (CSS), ``theme``, ``mode``, ``renderer``, ``tooltip``,
    # ``scaleFactor``, ``downloadFileName``, ``formatLocale``, ``timeFormatLocale``,
    # ``expressionFunctions``, ``ast``, ``hover``, ``width`` / ``height``, ``padding``...
    # Every key is refused (the list grows with vega-embed); when allowed, pages made
    # by vegafigs drop usermeta.embedOptions altogether and use their own options.
    Loader("usermeta.embedOptions.*", "vega-embed", "refused; never used by vegafigs pages"),
    # ``$schema`` is not fetched: vega-embed reads it to choose Vega or Vega-Lite;
    # pages pass ``mode: "vega-lite"`` so it cannot switch to the Vega parser.
    Loader("$schema", "vega-embed (mode only)", "not fetched; mode fixed by the page"),
    # ``config.locale`` (number / time format objects), ``config.lineBreak`` and the
    # other config keys are plain values: nothing loads (URLs in them are caught above).
    Loader("config.locale", "Vega-Lite", "plain objects: nothing loads"),
)

#: Keys whose subtrees hold inline data (never loaded), skipped by the walk.
_INLINE_KEYS = frozenset({"values", "datasets"})
#: File suffix -> Vega data format type, for inlined local data files.
_DATA_FORMATS = {".json": "json", ".csv": "csv", ".tsv": "tsv", ".topojson": "topojson"}
_HINT = "pass allow_external_data=True (CLI: --allow-external-data) to allow it"
_DIR_HINT = (
    "pass allow_data_dirs=[FOLDER] (CLI: --allow-data-dir FOLDER) to allow the folder "
    "it is in, or allow_external_data=True (CLI: --allow-external-data) to allow any file"
)
_CURSOR = re.compile(r"[a-z-]+")


def _walk(spec: Spec) -> list[tuple[Key, Any]]:
    """(key path, value) of every ``url`` / ``href`` / ``cursor`` / ``embedOptions``."""
    found: list[tuple[Key, Any]] = []

    def walk(node: Any, keys: Key) -> None:
        if isinstance(node, dict):
            for key in sorted(node):
                here = (*keys, key)
                if key in _INLINE_KEYS:
                    continue
                if key == "usermeta":
                    meta = node[key]
                    if isinstance(meta, dict) and "embedOptions" in meta:
                        found.append(((*here, "embedOptions"), meta["embedOptions"]))
                elif key in ("url", "href", "cursor"):
                    found.append((here, node[key]))
                else:
                    walk(node[key], here)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, (*keys, i))

    walk(spec, ())
    return found


def key_path(keys: Key) -> str:
    """The Python-style path of a key in the spec.

    >>> key_path(("layer", 0, "data", "url"))
    'spec["layer"][0]["data"]["url"]'
    """
    return "spec" + "".join(f"[{k}]" if isinstance(k, int) else f'["{k}"]' for k in keys)


def external_refs(spec: Spec) -> list[tuple[str, Any]]:
    """Every ``url`` / ``href`` / ``cursor`` / ``usermeta.embedOptions`` in ``spec``.

    ``(key path, value)`` in document order (sorted keys). Inline data (``values``,
    ``datasets``) is not searched, so a data column named ``url`` is not a
    reference. An empty list means the spec loads nothing.

    >>> external_refs({"data": {"url": "runs.csv"}, "mark": "line"})
    [('spec["data"]["url"]', 'runs.csv')]
    """
    return [(key_path(keys), value) for keys, value in _walk(spec)]


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    if value.startswith("//") or parts.netloc and parts.scheme != "file":
        return True
    # One-letter schemes are Windows drive letters (C:\data.csv), i.e. paths.
    return len(parts.scheme) > 1 and parts.scheme not in {"file", "data"}


def _local_path(value: str, base: Path) -> tuple[Path, Path]:
    """The path as written (absolute, not resolved) and resolved (symlinks followed)."""
    parts = urlsplit(value)
    raw = unquote(parts.path) if parts.scheme == "file" else value
    path = Path(raw)
    path = path if path.is_absolute() else base / path
    return Path(os.path.normpath(path)), path.resolve()


def _below(path: Path, folder: Path) -> tuple[str, ...] | None:
    try:
        return path.relative_to(folder).parts
    except ValueError:
        return None


def _check_embed_options(path: str, value: Any) -> None:
    keys = sorted(value) if isinstance(value, dict) else []
    first = f'{path}["{keys[0]}"]' if keys else path
    raise ExportError(
        f"{first}: vega-embed would apply this option over the page's own "
        f"(options {', '.join(map(repr, keys)) or repr(value)}: they can load URLs, "
        f"turn the actions menu on or inject HTML); {_HINT} "
        "(pages made by vegafigs then ignore usermeta.embedOptions)"
    )


def _check_href(path: str, value: Any, allow: bool) -> None:
    if not allow:
        raise ExportError(
            f"{path}: makes the marks links ({value!r:.80}); a click would load "
            f"or run what it names; {_HINT}"
        )
    if isinstance(value, str) and not re.match(r"https?://", value, re.IGNORECASE):
        raise ExportError(
            f"{path}: link target {value!r:.80} is not an http(s) URL; "
            "only http:// and https:// links are allowed"
        )


def _check_cursor(path: str, value: Any, allow: bool) -> None:
    if allow or (isinstance(value, str) and _CURSOR.fullmatch(value)):
        return
    raise ExportError(
        f"{path}: cursor {value!r:.80} is not a CSS keyword such as 'pointer' "
        f"(a cursor url(...) loads an image, an expression cannot be checked); {_HINT}"
    )


def _allowed_dirs(dirs: DirsLike, base: Path) -> list[Path]:
    out = []
    for d in dirs or ():
        folder = Path(d)
        folder = (folder if folder.is_absolute() else base / folder).resolve()
        if not folder.is_dir():
            raise ExportError(f"allow_data_dirs: {str(d)!r} is not a folder")
        out.append(folder)
    return out


def _check_local(path: str, written: Path, local: Path, dirs: list[Path]) -> None:
    for folder in dirs:
        below = _below(local, folder)
        if below is None:
            continue  # outside (or a symlink leaving the folder)
        # As written too (a link named .env, a file under .hidden/ linked from outside);
        # a path written through a symlinked parent (/var -> /private/var) has no parts.
        below_written = _below(written, folder) or ()
        if any(p.startswith(".") for p in (*below, *below_written)):
            raise ExportError(
                f"{path}: reads {str(written)!r}, a dotfile or a file in a dot-folder "
                f"(hidden files are never inlined, even from an allowed folder); {_HINT}"
            )
        return
    allowed = ", ".join(repr(str(d)) for d in dirs) or "none"
    via = f" (a link to {str(local)!r})" if local != written else ""
    raise ExportError(
        f"{path}: reads the local file {str(written)!r}{via}, outside the folders "
        f"allowed for data (allowed: {allowed}); {_DIR_HINT}"
    )


def _check_url(path: str, value: Any, allow: bool) -> bool:
    """True if ``value`` is a URL / inline data left as it is, False if a local path."""
    if not isinstance(value, str):
        if allow:
            return True
        raise ExportError(
            f"{path}: takes its URL from the data or an expression "
            f"({value!r:.80}), so what it loads cannot be checked; {_HINT}"
        )
    if value.startswith("data:"):
        return True  # inline content, nothing is fetched
    if _is_url(value):
        if allow:
            return True
        raise ExportError(f"{path}: loads data from the URL {value!r}; {_HINT}")
    return False


def localize_data(
    spec: Spec,
    *,
    allow_external_data: bool = False,
    allow_data_dirs: DirsLike = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> Spec:
    """A copy of ``spec`` that loads and runs nothing the caller did not allow.

    Args:
        spec: a Vega-Lite spec (not changed).
        allow_external_data: allow everything in :data:`LOADERS` (URLs kept, any
            local file inlined); ``href`` still only http(s).
        allow_data_dirs: folders whose files may be inlined (relative to
            ``base_dir``); not dotfiles, not files under dot-folders, not through
            symlinks leaving the folder.
        base_dir: the folder relative paths are read from (default: cwd).

    Local files are inlined: data files as ``values`` text with their ``format``
    type, images as ``data:`` URLs. ``usermeta.embedOptions`` is dropped when
    allowed. What is not allowed is an :class:`~vegafigs.ExportError` naming the
    key path; a missing allowed file is a :class:`~vegafigs.LoadError`.

    >>> localize_data({"data": {"url": "https://example.com/x.csv"}, "mark": "point"})
    Traceback (most recent call last):
    vegafigs.errors.ExportError: spec["data"]["url"]: loads data from the URL ...
    """
    refs = _walk(spec)
    if not refs:
        return spec
    allow = allow_external_data
    base = Path(base_dir if base_dir is not None else os.getcwd()).resolve()
    dirs = _allowed_dirs(allow_data_dirs, base)
    out = copy.deepcopy(spec)
    for keys, value in refs:
        path = key_path(keys)
        if keys[-1] == "embedOptions":
            if not allow:
                _check_embed_options(path, value)
            _holder(out, keys).pop("embedOptions", None)
        elif keys[-1] == "href":
            _check_href(path, value, allow)
        elif keys[-1] == "cursor":
            _check_cursor(path, value, allow)
        elif not _check_url(path, value, allow):
            written, local = _local_path(value, base)
            if not allow:
                _check_local(path, written, local, dirs)
            _inline(out, keys, local)
    return out


def _holder(spec: Spec, keys: Key) -> Any:
    holder: Any = spec
    for key in keys[:-1]:
        holder = holder[key]
    return holder


def _inline(spec: Spec, keys: Key, local: Path) -> None:
    holder = _holder(spec, keys)
    above = next((k for k in reversed(keys[:-1]) if isinstance(k, str)), "")
    path = key_path(keys)
    try:
        data = local.read_bytes()
    except OSError as exc:
        raise LoadError(
            f"{path}: reads {str(local)!r}, which cannot be read ({exc.strerror})"
        ) from exc
    if above == "data":
        fmt = dict(holder.get("format") or {})
        kind = fmt.get("type") or _DATA_FORMATS.get(local.suffix.lower())
        if kind is None:
            known = ", ".join(_DATA_FORMATS)
            raise LoadError(
                f"{path}: reads {str(local)!r}; cannot tell its format - give "
                f'"format": {{"type": ...}} or use a file ending in {known}'
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LoadError(f"{path}: reads {str(local)!r}, which is not UTF-8 text") from exc
        del holder["url"]
        holder["values"] = text
        holder["format"] = {**fmt, "type": kind}
    else:
        mime = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
        holder["url"] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
