"""One snapshot: a chart's normalised spec (and picture) against the files on disk.

:func:`check_snapshot` is what both :func:`vegafigs.testing.assert_spec_matches` and the
pytest plugin's ``vegafigs_snapshot`` fixture run. It never raises on a mismatch: it
returns a :class:`SnapshotResult` that says what happened, and the caller fails.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from vegafigs.errors import SnapshotError
from vegafigs.export import ChartLike, Spec, render_spec, spec_json, to_spec, write_atomic

#: The suffix of a spec snapshot; its picture is the same name with ``.png``.
SPEC_SUFFIX = ".vl.json"
#: RMS difference (0-255 scale, see :mod:`vegafigs.testing._image`) a picture may have.
DEFAULT_TOLERANCE = 2.0
#: Resolution of snapshot pictures in dpi (small files, still every line and glyph).
DEFAULT_DPI = 100.0

Status = Literal["passed", "failed", "written"]

_SCHEMA_VERSION = re.compile(r"^(https?://vega\.github\.io/schema/[a-z-]+/v\d+)(?:\.[^/]*)?\.json$")
# Names Altair makes up: `view_<hash>_<n>` / `param_<hash>` (Altair 6), `view_<n>` /
# `param_<n>` / `selector<n>` (older releases, numbered by a per-process counter).
_AUTO_NAME = re.compile(r"\b(?:view_[0-9a-f]{16}_\d+|view_\d+|param_[0-9a-f]{16}|param_\d+)\b")


def normalize_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with its ``$schema`` URL cut to the major version (a shallow copy).

    Other ``$schema`` values (and specs without one) are returned unchanged.

    Parameters
    ----------
    spec : dict
        A Vega-Lite (or Vega) spec; not changed.

    Returns
    -------
    dict
        A shallow copy with the new ``$schema``, or ``spec`` itself when there is
        nothing to cut.

    Examples
    --------
    >>> normalize_schema({"$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json"})
    {'$schema': 'https://vega.github.io/schema/vega-lite/v6.json'}
    """
    url = spec.get("$schema")
    if not isinstance(url, str):
        return spec
    return {**spec, "$schema": _SCHEMA_VERSION.sub(r"\1.json", url)}


def normalize_spec(spec: Spec) -> Spec:
    """``spec`` without what only the Altair version or the test order changes.

    * ``$schema`` is cut to the major version (:func:`normalize_schema`);
    * names Altair generates for views and parameters (``view_3f89..._0``,
      ``param_e4a4...``, ``view_12``) become ``view_1``, ``view_2``, ``param_1``... in
      the order they first appear in the canonical JSON, everywhere they occur
      (expressions included), so two specs that differ only there are equal.

    Parameters
    ----------
    spec : dict
        A Vega-Lite spec (JSON values only); not changed.

    Returns
    -------
    dict
        The normalised spec (``spec`` itself when it has no generated names and no
        ``$schema`` to cut).

    Examples
    --------
    >>> view, param = "view_3f8918db4c86d739_0", "param_e4a496766298965a"
    >>> normalize_spec({"params": [{"name": param, "views": [view]}]})
    {'params': [{'name': 'param_1', 'views': ['view_1']}]}
    """
    spec = normalize_schema(spec)
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    found = list(dict.fromkeys(m.group(0) for m in _AUTO_NAME.finditer(text)))
    if not found:
        return spec
    counts = {"view": 0, "param": 0}
    new: dict[str, str] = {}
    for name in found:
        kind = name.split("_", 1)[0]
        counts[kind] += 1
        new[name] = f"{kind}_{counts[kind]}"
    renamed = _AUTO_NAME.sub(lambda m: new[m.group(0)], text)
    return cast(Spec, json.loads(renamed))


def snapshot_text(chart: ChartLike) -> str:
    """The canonical JSON a snapshot file holds for ``chart`` (normalised, sorted keys).

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict.

    Returns
    -------
    str
        :func:`~vegafigs.export.spec_json` of :func:`normalize_spec` of the spec.

    Examples
    --------
    >>> print(snapshot_text({"$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json"}))
    {
      "$schema": "https://vega.github.io/schema/vega-lite/v6.json"
    }
    """
    return spec_json(normalize_spec(to_spec(chart)))


def image_path(spec_path: Path) -> Path:
    """The picture beside a spec snapshot: ``a/b.vl.json`` -> ``a/b.png``."""
    name = spec_path.name
    stem = name[: -len(SPEC_SUFFIX)] if name.endswith(SPEC_SUFFIX) else name
    return spec_path.with_name(stem + ".png")


@dataclass
class SnapshotResult:
    """What :func:`check_snapshot` found (and wrote).

    Each parameter is also the attribute of the same name; :attr:`message` joins
    ``lines``.

    Parameters
    ----------
    status : str
        ``"passed"``, ``"failed"`` or ``"written"`` (with ``update``: a file was
        written or rewritten).
    spec_path : pathlib.Path
        The ``.vl.json`` snapshot file.
    image_path : pathlib.Path or None
        Its picture (``<stem>.png`` beside it) when the picture is compared, else
        ``None``.
    lines : list of str, optional
        The readable report of a failure (or of what was written); empty when
        passed.
    baseline_png : bytes or None, optional
        The baseline picture of a picture failure.
    result_png : bytes or None, optional
        The picture drawn now, when the picture failed (also when its baseline is
        missing).
    diff_png : bytes or None, optional
        The difference picture of a picture failure
        (:meth:`~vegafigs.testing.ImageComparison.diff_png`).
    written : list of pathlib.Path, optional
        The files written (with ``update``).
    expected_spec : dict or None, optional
        The golden spec, normalised, when it differs from the chart's.
    actual_spec : dict or None, optional
        The chart's spec as converted (not normalised).

    Examples
    --------
    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
    >>> result = check_snapshot(chart, "c.vl.json")
    >>> result.status, result.message
    ('failed', 'snapshot c.vl.json does not exist; pass update=True to create it')
    """

    status: Status
    spec_path: Path
    image_path: Path | None
    lines: list[str] = field(default_factory=list)
    baseline_png: bytes | None = None
    result_png: bytes | None = None
    diff_png: bytes | None = None
    written: list[Path] = field(default_factory=list)
    #: the two specs of a spec failure (the golden one normalised), to draw them
    expected_spec: Spec | None = None
    actual_spec: Spec | None = None

    @property
    def message(self) -> str:
        """The report as one text."""
        return "\n".join(self.lines)


def check_snapshot(
    chart: ChartLike,
    spec_path: str | os.PathLike[str],
    *,
    image: bool = False,
    tolerance: float = DEFAULT_TOLERANCE,
    dpi: float = DEFAULT_DPI,
    update: bool = False,
    update_hint: str = "pass update=True",
    label: str | None = None,
) -> SnapshotResult:
    """Compare ``chart`` with the snapshot at ``spec_path`` (and its picture when ``image``).

    Without ``update`` nothing is written: a missing file fails with ``update_hint``
    (how to create it), a changed spec fails with the changes by JSON path
    (:func:`vegafigs.testing.spec_changes`) and a picture further than ``tolerance``
    (RMS, 0-255) from its baseline fails with the three pictures. With ``update``
    a missing or changed file is (re)written and the result is ``"written"``; a file
    that still matches is left as it is.

    Parameters
    ----------
    chart : altair.TopLevelMixin or Figure or dict
        An Altair chart, a vegafigs :class:`~vegafigs.Figure` or a Vega-Lite dict.
    spec_path : str or os.PathLike
        The ``.vl.json`` snapshot file.
    image : bool, optional
        Also compare the PNG at ``dpi``, drawn with bundled fonts only, with the
        ``.png`` beside ``spec_path`` (default ``False``).
    tolerance : float, optional
        The largest RMS difference a picture may have, a finite number >= 0
        (default :data:`DEFAULT_TOLERANCE`, 2.0); else a
        :class:`~vegafigs.errors.SnapshotError`.
    dpi : float, optional
        Resolution of the picture (default :data:`DEFAULT_DPI`, 100).
    update : bool, optional
        Write missing and changed snapshots instead of failing (default
        ``False``).
    update_hint : str, optional
        The words that say how to update, used in failure messages (default
        ``"pass update=True"``).
    label : str or None, optional
        How messages name ``spec_path`` (default ``None``: as given), e.g.
        relative to the project's root.

    Returns
    -------
    SnapshotResult
        The status, the report lines, and the pictures of a picture failure.

    Examples
    --------
    >>> import altair as alt
    >>> chart = alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q")
    >>> check_snapshot(chart, "c.vl.json").status
    'failed'
    >>> check_snapshot(chart, "c.vl.json", update=True).status
    'written'
    >>> check_snapshot(chart, "c.vl.json").status
    'passed'
    """
    _check_tolerance(tolerance)
    path = Path(spec_path)
    spec = to_spec(chart)
    actual = spec_json(normalize_spec(spec))
    result = SnapshotResult("passed", path, image_path(path) if image else None, actual_spec=spec)
    shown = Path(label) if label is not None else path
    _compare_spec(result, actual, update=update, hint=update_hint, shown=shown)
    if image:
        _compare_image(
            result,
            spec,
            tolerance=tolerance,
            dpi=dpi,
            update=update,
            hint=update_hint,
            shown=image_path(shown),
        )
    return result


def _check_tolerance(tolerance: float) -> None:
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        raise SnapshotError(f"tolerance: expected a number >= 0, got {tolerance!r}")
    if not 0 <= tolerance < float("inf"):
        raise SnapshotError(f"tolerance: expected a finite number >= 0, got {tolerance!r}")


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"snapshot {str(path)!r}: cannot be read ({exc})") from exc


def _golden_spec(path: Path, text: str) -> Spec:
    try:
        spec = json.loads(text)
    except ValueError as exc:
        raise SnapshotError(
            f"snapshot {str(path)!r} is not JSON ({exc}); delete it and update to write it again"
        ) from exc
    if not isinstance(spec, dict):
        raise SnapshotError(f"snapshot {str(path)!r}: expected a JSON object (a Vega-Lite spec)")
    return normalize_spec(spec)


def _compare_spec(
    result: SnapshotResult, actual: str, *, update: bool, hint: str, shown: Path
) -> None:
    from vegafigs.testing._diff import spec_changes

    path = result.spec_path
    expected = _read_text(path)
    if expected == actual:
        return
    changes: list[str] = []
    if expected is not None:
        golden = spec_json(_golden_spec(path, expected))
        if golden == actual:  # written by another Altair release: still the same figure
            return
        result.expected_spec = json.loads(golden)
        changes = spec_changes(result.expected_spec, json.loads(actual), max_lines=55)
    if update:
        write_atomic(path, actual.encode("utf-8"))
        result.status = "written"
        result.written.append(path)
        result.lines.append(f"{'wrote' if expected is None else 'updated'} {shown}")
        return
    result.status = "failed"
    if expected is None:
        result.lines.append(f"snapshot {shown} does not exist; {hint} to create it")
    else:
        result.lines.append(f"chart differs from snapshot {shown} ({hint} if intended):")
        result.lines.extend(changes)


def _compare_image(
    result: SnapshotResult,
    spec: Spec,
    *,
    tolerance: float,
    dpi: float,
    update: bool,
    hint: str,
    shown: Path,
) -> None:
    from vegafigs.testing._image import compare_png

    path = result.image_path
    assert path is not None
    png = picture(spec, dpi=dpi)
    try:
        baseline: bytes | None = path.read_bytes()
    except FileNotFoundError:
        baseline = None
    except OSError as exc:
        raise SnapshotError(f"snapshot {str(path)!r}: cannot be read ({exc})") from exc
    if baseline is not None:
        comparison = compare_png(baseline, png, tolerance=tolerance)
        if comparison.ok:
            return
    if update:
        write_atomic(path, png)
        result.status = "written"
        result.written.append(path)
        result.lines.append(f"{'wrote' if baseline is None else 'updated'} {shown}")
        return
    result.status = "failed"
    result.result_png = png
    if baseline is None:
        result.lines.append(f"picture {shown} does not exist; {hint} to create it")
        return
    result.baseline_png = baseline
    result.diff_png = comparison.diff_png()
    result.lines.append(f"{shown}: {comparison.describe()}")


def picture(spec: Spec, *, dpi: float = DEFAULT_DPI) -> bytes:
    """The PNG of a snapshot: ``spec`` drawn with bundled fonts only, at ``dpi``.

    Every font stack is cut to its bundled (or registered) families, so the picture is
    the same on a machine that has Helvetica or Arial installed and on one that has
    not. Vega's generic default (``sans-serif``) becomes DejaVu Sans. A stack with no
    bundled family is a :class:`~vegafigs.errors.SnapshotError`: its picture would
    depend on the machine.
    """
    return render_spec(bundled_fonts_only(spec), "png", dpi=dpi)


_GENERIC = {"sans-serif": "DejaVu Sans", "serif": "DejaVu Serif", "monospace": "DejaVu Sans Mono"}


def bundled_fonts_only(spec: Spec) -> Spec:
    """A copy of ``spec`` whose font stacks name only bundled or registered families.

    >>> bundled_fonts_only({"config": {"font": "Helvetica, Arial, DejaVu Sans"}})
    {'config': {'font': 'DejaVu Sans'}}
    >>> bundled_fonts_only({"mark": "text"})["config"]
    {'font': 'DejaVu Sans'}
    """
    from vegafigs.themes.fonts import map_font_stacks, parse_stack

    families = _bundled_families()

    def stack(font: str, where: str) -> str:
        keep = [f for f in parse_stack(font) if f.casefold() in families]
        if not keep:
            generic = [_GENERIC[f.lower()] for f in parse_stack(font) if f.lower() in _GENERIC]
            keep = generic[:1]
        if not keep:
            raise SnapshotError(
                f"image=True: the font {font!r} at spec.{where} is none of the bundled fonts, so "
                "the picture would depend on the machine's fonts. End the stack with a "
                "bundled family ('DejaVu Sans', 'STIXGeneral', 'vegafigs CM') or register "
                "the font's folder with vegafigs.register_font_directory(path)"
            )
        return ", ".join(f"'{f}'" if "," in f else f for f in keep)

    out = map_font_stacks(spec, stack)
    config = out.setdefault("config", {})
    if isinstance(config, dict) and "font" not in config:
        config["font"] = "DejaVu Sans"
    return out


def _bundled_families() -> frozenset[str]:
    from vegafigs.themes import fonts

    return frozenset(face.family.casefold() for face in fonts._registered_faces())
