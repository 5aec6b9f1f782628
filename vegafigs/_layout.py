"""The size contract: a spec drawn exactly ``width`` × ``height`` pt, whatever it holds (private).

A single or layered view gets Vega-Lite's ``autosize: fit`` (the plot shrinks
to leave room for axes, titles and legend). Concatenated panels cannot be
fitted by Vega-Lite, so their plot sizes are found by measuring: the spec is
laid out by vl-convert (its scenegraph), the panels' plot sizes are corrected
by the difference, and this repeats until the content fits with less than
3 pt to spare; the padding takes up the rest, so the canvas is exact. The PNG
is then ``width_in × dpi`` × ``height_in × dpi`` pixels (±1) at any dpi.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from vegafigs.errors import InputError

#: Padding around the figure, pt (Vega's default).
PADDING = 5.0
#: Content this much (pt) smaller than the target is close enough: the padding takes it
#: up, half on each side, so the canvas is exact either way.
SLACK = 3.0
#: Smallest plot (panel) side, pt, before the figure is called too small.
MIN_PLOT = 20.0
_CONCAT = ("hconcat", "vconcat", "concat")
_CACHE: dict[str, tuple[list[tuple[float, float]], float, float]] = {}


def fit(spec: dict[str, Any], *, width: float, height: float) -> dict[str, Any]:
    """``spec`` sized to exactly ``width`` × ``height`` pt (a new dict)."""
    out = dict(spec)
    key = next((k for k in _CONCAT if k in out), None)
    if key is None:
        # +0.001: vl-convert floors the pixel size; never fall short by a rounding error.
        out.update(
            width=round(width + 0.001, 4),
            height=round(height + 0.001, 4),
            autosize={"type": "fit", "contains": "padding"},
            padding=PADDING,
        )
        return out
    return _fit_concat(out, key, width=width, height=height)


def _grid(spec: dict[str, Any], key: str) -> tuple[int, int]:
    n = len(spec[key])
    if key == "hconcat":
        return n, 1
    if key == "vconcat":
        return 1, n
    cols = int(spec.get("columns") or n)
    return min(cols, n), -(-n // cols)


def scene(spec: dict[str, Any]) -> dict[str, Any]:
    """vl-convert's scenegraph of ``spec``: the bundled fonts registered, nothing fetched.

    The one place vegafigs lays a spec out to measure it (figure sizes, plot
    sizes, legend boxes); a failure is an :class:`InputError`.
    """
    import vl_convert as vlc

    from vegafigs.themes import fonts
    from vegafigs.themes.text import check_spec_text

    fonts.ensure_registered()
    check_spec_text(spec)  # a control character would abort the process in vl-convert
    try:
        return dict(vlc.vegalite_to_scenegraph(spec, allowed_base_urls=[]))
    except Exception as exc:  # vl-convert raises plain errors with the JS message
        raise InputError(f"figure: vl-convert could not lay out the figure ({exc})") from exc


def _measure(spec: dict[str, Any]) -> tuple[float, float]:
    laid = scene(spec)
    return float(laid["width"]), float(laid["height"])


def _fit_concat(spec: dict[str, Any], key: str, *, width: float, height: float) -> dict[str, Any]:
    views = [dict(v) for v in spec[key]]
    for i, v in enumerate(views):
        if not all(isinstance(v.get(d), (int, float)) for d in ("width", "height")):
            raise InputError(f"figure: panel {i} needs a numeric width and height to be fitted")
    spec[key] = views
    ncols, nrows = _grid(spec, key)
    target_w, target_h = width - 2 * PADDING, height - 2 * PADDING
    digest = hashlib.sha1(
        json.dumps([spec, width, height], sort_keys=True, default=str).encode()
    ).hexdigest()
    if digest not in _CACHE:
        _CACHE[digest] = _search(spec, views, ncols, nrows, target_w, target_h)
    sizes, slack_w, slack_h = _CACHE[digest]
    for v, (w, h) in zip(views, sizes, strict=True):
        v["width"], v["height"] = w, h
    spec["autosize"] = {"type": "pad"}
    # +0.001: the canvas never falls short of the target by a rounding error.
    half_w, half_h = round(slack_w / 2, 4), round(slack_h / 2, 4)
    spec["padding"] = {
        "left": PADDING + half_w,
        "top": PADDING + half_h,
        "right": round(PADDING + slack_w - half_w + 0.001, 4),
        "bottom": round(PADDING + slack_h - half_h + 0.001, 4),
    }
    return spec


def _search(
    spec: dict[str, Any],
    views: list[dict[str, Any]],
    ncols: int,
    nrows: int,
    target_w: float,
    target_h: float,
) -> tuple[list[tuple[float, float]], float, float]:
    """Plot sizes for which the content is at most (and nearly) the target size.

    Each step corrects the plot sizes by the remaining difference divided by the
    measured slope (content pt per plot pt), since text that overhangs a
    narrow plot (a stats box, a long title) makes the content shrink slower than
    the plots do.
    """
    key = next(k for k in _CONCAT if k in spec)
    trial = dict(spec, padding=0, autosize={"type": "pad"})
    best: tuple[list[tuple[float, float]], float, float] | None = None
    slope = [float(ncols), float(nrows)]
    last: tuple[float, float, float, float] | None = None
    for _ in range(10):
        trial[key] = views
        w, h = _measure(trial)
        pw, ph = float(views[0]["width"]), float(views[0]["height"])
        dw, dh = target_w - w, target_h - h
        if dw >= 0 and dh >= 0 and (best is None or dw + dh < best[1] + best[2]):
            best = ([(float(v["width"]), float(v["height"])) for v in views], dw, dh)
        # Vega rounds each panel's bounds up, so content moves in steps of about a
        # point per panel: that much spare room per panel is as close as it gets.
        if 0 <= dw < SLACK * max(1, ncols / 2) and 0 <= dh < SLACK * max(1, nrows / 2):
            break
        if last is not None:
            slope = [
                _slope(w, last[0], pw, last[2], slope[0]),
                _slope(h, last[1], ph, last[3], slope[1]),
            ]
        last = (w, h, pw, ph)
        step_w, step_h = (dw - SLACK / 2) / slope[0], (dh - SLACK / 2) / slope[1]
        views = [
            dict(v, width=round(float(v["width"]) + step_w, 3),
                 height=round(float(v["height"]) + step_h, 3))
            for v in views
        ]  # fmt: skip
        if min(min(float(v["width"]), float(v["height"])) for v in views) < MIN_PLOT:
            break
    if best is None or min(min(s) for s in best[0]) < MIN_PLOT:
        raise InputError(
            f"width_in/height_in: {(target_w + 2 * PADDING) / 72:.2f} x "
            f"{(target_h + 2 * PADDING) / 72:.2f} in is too small for these "
            f"{len(views)} panels with their titles, axes and legend"
        )
    return best


def _slope(now: float, before: float, plot_now: float, plot_before: float, old: float) -> float:
    """Content change per plot change, kept in a sane range (else the old slope)."""
    if abs(plot_now - plot_before) < 1e-6:
        return old
    slope = (now - before) / (plot_now - plot_before)
    return slope if 0.2 <= slope <= 4 * old + 1 else old
