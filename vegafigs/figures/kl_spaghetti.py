"""``kl_spaghetti``: KL paths coloured by alive/dead, one panel per alpha (seed 004)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

import altair as alt
import numpy as np
import pandas as pd

from vegafigs._checks import require_count, require_optional_text, require_positive
from vegafigs.errors import InputError
from vegafigs.figures._common import wrap_title
from vegafigs.io.kl_runs import KLRuns
from vegafigs.layers._encode import color_encoding
from vegafigs.layers.paths import json_numbers, packed_numbers, segment_paths, unpack
from vegafigs.themes import SANS, inches
from vegafigs.themes.config import paper
from vegafigs.transforms.kl import kl_alive_summary, kl_median, kl_states, kl_ymax, panel_xmax
from vegafigs.transforms.states import simplify_paths

ALIVE_COLOR = "#3a7ca5"
DEAD_COLOR = "#d97706"
BACKGROUND = "#faf7f2"
#: Text and axis colour (seaborn's ".15" grey).
INK = "#262626"
#: Legend entries (the colour scale's domain) in legend order.
STATES = ("alive", "dead", "EOS", "target")
#: Vertical bar marker (matplotlib's "|"), as an SVG path in the unit square.
BAR = "M0,-1L0,1"


class KLSpaghetti(NamedTuple):
    """The chart and the per-alpha counts (``alpha, n, n_died, n_censored``)."""

    chart: alt.HConcatChart
    summary: pd.DataFrame


def _legend(labels: dict[str, str], *, font_size: float, opacity: float) -> alt.Legend:
    label_map = json.dumps(labels, sort_keys=True)
    return alt.Legend(
        orient="top-right",
        title=None,
        labelExpr=f"{label_map}[datum.value]",
        labelFont=SANS,
        labelFontSize=font_size,
        labelColor=INK,
        symbolType={"expr": f"datum.value === 'EOS' ? '{BAR}' : 'stroke'"},
        symbolDash={"expr": "datum.value === 'target' ? [3, 1.5] : []"},
        symbolStrokeWidth={"expr": "{'alive': 2, 'dead': 2, 'EOS': 1}[datum.value] || 0.9"},
        symbolOpacity={"expr": f"indexof(['alive', 'dead'], datum.value) >= 0 ? {opacity} : 1"},
        symbolSize={"expr": "datum.value === 'EOS' ? 30 : 130"},
        fillColor=BACKGROUND,
        strokeColor="#cccccc",
        cornerRadius=3,
        padding=4,
        offset=4,
        rowPadding=1,
    )


def _symlog(v: np.ndarray, constant: float = 0.1) -> np.ndarray:
    return np.sign(v) * np.log1p(np.abs(v) / constant)


def _symlog_ticks(lo: float, hi: float) -> list[float]:
    """0 and the powers of ten (either sign) inside ``[lo, hi]``, for a symlog axis."""
    powers = [10.0**k for k in range(7)]
    ticks = [-p for p in reversed(powers) if -p >= lo] + [0.0] + [p for p in powers if p <= hi]
    return ticks


def _simplified(
    pts: pd.DataFrame,
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    size: tuple[float, float],
    symlog: bool,
    tolerance: float,
) -> pd.DataFrame:
    """``pts`` without the points a straight line replaces to within ``tolerance`` px."""
    f = _symlog if symlog else np.asarray
    y0, y1 = (float(v) for v in f(np.asarray(y_range, dtype=float)))
    px = pts.assign(
        _x=(pts["t"] - x_range[0]) / (x_range[1] - x_range[0]) * size[0],
        _y=(f(pts["kl"].to_numpy(float)) - y0) / (y1 - y0) * size[1],
    )
    out = simplify_paths(px, path="traj", x="_x", y="_y", state="state", tolerance=tolerance)
    return out.drop(columns=["_x", "_y"])


def _config(*, title_size: float, font_size: float, label_size: float) -> dict[str, Any]:
    cfg = paper(
        font=SANS, font_size=font_size, title_size=title_size, label_size=label_size, color=INK
    )
    cfg["background"] = BACKGROUND
    cfg["axis"].update(
        {"domainColor": INK, "domainWidth": 1.1, "ticks": False, "labelPadding": 4, "grid": False}
    )
    cfg["axisY"] = {"grid": False}
    cfg["legend"].update({"symbolStrokeColor": None})
    return cfg


def kl_spaghetti(
    runs: KLRuns,
    *,
    alphas: Sequence[str] | None = None,
    window: int = 512,
    threshold: float = 0.8,
    roll: int = 65,
    normalize_kl: bool = True,
    calib_tokens: int = 20,
    kl_log: bool = False,
    line_lw: float = 0.5,
    line_alpha: float | None = None,
    model: str | None = None,
    title: str | None = None,
    tolerance: float | None = 0.3,
    decimals: int | None = None,
    panel_width_in: float = 3.0,
    height_in: float = 3.4,
    title_size: float = 10,
    font_size: float = 9,
    label_size: float = 9,
    legend_size: float = 7,
) -> KLSpaghetti:
    """Every trajectory's smoothed KL as a thin line, alive/dead coloured; one panel per alpha.

    ``runs`` comes from :func:`vegafigs.io.load_kl_runs`. Each panel shows the
    paths (alive ``#3a7ca5`` over dead ``#d97706``, opacity ``clip(8/n, .2, .7)``
    unless ``line_alpha``), an EOS tick where a rollout ended before ``window``,
    the median (black) and the dashed target (1 when normalised, else alpha²).
    All panels share the y range ``[-0.05 ymax, ymax]``. Path points that a
    straight line replaces to within ``tolerance`` px (1 px = 1 pt) are dropped
    (state changes kept exactly; ``None`` keeps every token); values keep
    ``decimals`` decimals (default: enough for 1/1000 of the y range).

    Bad input: NaN/±inf KL values leave gaps in their lines (see
    :func:`~vegafigs.transforms.kl_states`); no alphas, an alpha given twice or
    without trajectories, non-integer or non-positive windows, sizes <= 0, a
    negative ``tolerance`` or ``decimals``, a ``line_alpha`` outside (0, 1] and
    non-string titles are an :class:`~vegafigs.InputError`.

    >>> import vegafigs as vf
    >>> runs = vf.io.load_kl_runs(
    ...     "runs/", alphas=["0.5", "1.0"], model_contains="Qwen")  # doctest: +SKIP
    >>> chart, summary = vf.figures.kl_spaghetti(runs)  # doctest: +SKIP
    """
    if not isinstance(runs, KLRuns):
        raise InputError(f"runs: expected a KLRuns (from load_kl_runs), got {type(runs).__name__}")
    if isinstance(alphas, (str, bytes)):
        raise InputError(f"alphas: expected a list of alpha keys, got {alphas!r}")
    panels = list(runs.alphas if alphas is None else [str(a) for a in alphas])
    if not panels:
        raise InputError("alphas: expected at least one alpha")
    dup = [a for i, a in enumerate(panels) if a in panels[:i]]
    if dup:
        raise InputError(f"alphas: {dup[0]!r} is given twice")
    require_positive(threshold, param="threshold")
    require_positive(line_lw, param="line_lw")
    require_positive(panel_width_in, param="panel_width_in")
    require_positive(height_in, param="height_in")
    for name, size in (
        ("title_size", title_size),
        ("font_size", font_size),
        ("label_size", label_size),
        ("legend_size", legend_size),
    ):
        require_positive(size, param=name)
    require_optional_text(title, param="title")
    require_optional_text(model, param="model")
    if decimals is not None:
        require_count(decimals, param="decimals")
    if tolerance is not None and (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, (int, float, np.integer, np.floating))
        or not tolerance >= 0
    ):
        raise InputError(f"tolerance: expected a number >= 0 (px) or None, got {tolerance!r}")
    if line_alpha is not None and (
        isinstance(line_alpha, bool)
        or not isinstance(line_alpha, (int, float, np.integer, np.floating))
        or not 0 < line_alpha <= 1
    ):
        raise InputError(f"line_alpha: expected a number in (0, 1], got {line_alpha!r}")
    tokens, per_traj = kl_states(
        runs.trajectories,
        runs.kl,
        runs.pmass,
        window=window,
        threshold=threshold,
        roll=roll,
        normalize_kl=normalize_kl,
        calib_tokens=calib_tokens,
    )
    summary = kl_alive_summary(per_traj, alphas=panels)
    if int(summary["n"].sum()) == 0:
        raise InputError(f"alphas: no trajectories for {panels}; the runs have {list(runs.alphas)}")
    tokens = tokens[tokens["alpha"].isin(panels)]
    medians = kl_median(tokens, window=window)
    y_hi = kl_ymax(tokens["kl"].to_numpy())
    y_lo = -0.05 * y_hi
    if decimals is None:
        decimals = max(0, int(np.ceil(-np.log10(y_hi - y_lo))) + 3)

    thr = str(float(threshold))
    if normalize_kl:
        target_label = f"calib p95 (tokens<{calib_tokens}) = 1"
        legend_target = target_label
        y_title = f"KL / p95(KL[:{calib_tokens}])"
    else:
        target_label = ""  # per panel: alpha-dependent
        legend_target = "calib target α²"
        y_title = "per-token KL"
    labels = {
        "alive": f"alive (pmass >= {thr})",
        "dead": f"dead (pmass < {thr})",
        "EOS": "EOS (right-censored)",
        "target": legend_target,
    }
    palette = {"alive": ALIVE_COLOR, "dead": DEAD_COLOR, "EOS": "black", "target": "black"}

    n_panels = len(panels)
    spacing, y_axis_room = 14.0, 24.0
    panel_w = round(
        (inches(panel_width_in * n_panels) - n_panels * y_axis_room - (n_panels - 1) * spacing)
        / n_panels
        - 10 / n_panels,
        2,
    )
    panel_h = round(inches(height_in) - 3.2 * title_size - 2.4 * label_size - 1.6 * font_size, 2)
    if panel_w < 40 or panel_h < 40:
        raise InputError(
            f"panel_width_in/height_in: {panel_width_in} x {height_in} in is too small"
        )

    y_scale: dict[str, Any] = {"domain": [round(y_lo, 6), round(y_hi, 6)], "nice": False}
    if kl_log:
        y_scale.update(type="symlog", constant=0.1)
    opacities = [
        float(line_alpha) if line_alpha is not None else float(np.clip(8.0 / max(n, 1), 0.2, 0.7))
        for n in summary["n"]
    ]
    charts = []
    for j, alpha in enumerate(panels):
        row = summary.iloc[j]
        n = int(row["n"])
        opacity = opacities[j]
        trajs = per_traj[per_traj["alpha"] == alpha]
        x_hi = panel_xmax(int(trajs["n_tokens"].max()) if len(trajs) else 0, window)
        x_scale = alt.Scale(domain=[-1, x_hi], nice=False, zero=False)
        yscale = alt.Scale(**y_scale)
        legend: Any = (
            _legend(labels, font_size=legend_size, opacity=opacities[-1]) if j == 0 else None
        )
        x_enc = alt.X("t:Q", scale=x_scale, title="token t", axis=alt.Axis(tickCount=3))
        y_axis = (
            alt.Axis(values=_symlog_ticks(y_lo, y_hi), format="~r")
            if kl_log
            else alt.Axis(tickCount=5)
        )
        y_enc = alt.Y("kl:Q", scale=yscale, title=y_title if j == 0 else None, axis=y_axis)
        layers: list[alt.Chart] = []

        drawn_ids = trajs.loc[trajs["drawn"], "traj"]
        pts = tokens[tokens["traj"].isin(drawn_ids)]
        pts = pts.assign(state=np.where(pts["alive"].to_numpy(), "alive", "dead"))
        if len(pts):
            if tolerance is not None:
                pts = _simplified(
                    pts, x_range=(-1.0, x_hi), y_range=(y_lo, y_hi), size=(panel_w, panel_h),
                    symlog=kl_log, tolerance=tolerance,
                )  # fmt: skip
            layers.append(
                segment_paths(
                    pts[["traj", "t", "kl", "state"]],
                    x="t",
                    y="kl",
                    path="traj",
                    state="state",
                    palette=palette,
                    draw_order=["dead", "alive"],
                    stroke_width=line_lw,
                    opacity=opacity,
                    decimals=decimals,
                    legend=legend,
                ).encode(x=x_enc, y=y_enc)
            )

        ends = trajs[trajs["censored"]]
        eos = [
            {"t": int(t), "kl": v, "state": "EOS"}
            for t, v in zip(
                ends["end_t"], json_numbers(ends["end_kl"].to_numpy(), decimals), strict=True
            )
            if v is not None
        ]
        layers.append(
            alt.Chart(alt.Data(values=eos))
            .mark_point(shape=BAR, size=9, strokeWidth=0.8, opacity=0.6, filled=False, clip=True)
            .encode(x=x_enc, y=y_enc, color=color_encoding("state", palette, legend=legend))
        )

        med = medians[medians["alpha"] == alpha]
        if len(med):
            med_rows = {
                "t": packed_numbers(med["t"].to_numpy(int), None),
                "kl": packed_numbers(med["median"].to_numpy(), decimals),
            }
            layers.append(
                unpack(alt.Chart(pd.DataFrame([med_rows])), ["t", "kl"])
                .mark_line(color="black", strokeWidth=1.3, opacity=0.9, clip=True)
                .encode(x=x_enc, y=y_enc)
            )

        if normalize_kl:
            target, label = 1.0, target_label
        else:
            try:
                target = float(alpha) ** 2
            except ValueError:
                target = float("nan")
            label = f"calib target α²={target:.2g}"
        if np.isfinite(target) and target > 0 and target <= y_hi:
            layers.append(
                alt.Chart(alt.Data(values=[{"kl": target, "state": "target"}]))
                .mark_rule(strokeDash=[3.3, 1.4], strokeWidth=0.9)
                .encode(y=y_enc, color=color_encoding("state", palette, legend=legend))
            )
        elif np.isfinite(target) and target > 0:
            layers.append(
                alt.Chart(alt.Data(values=[{"note": f"{label} off-scale"}]))
                .mark_text(
                    x="width",
                    xOffset=round(-0.02 * panel_w, 2),
                    y=round(0.08 * panel_h, 2),
                    align="right",
                    baseline="top",
                    fontSize=legend_size,
                    color="#404040",
                    font=SANS,
                )
                .encode(text="note:N")
            )
        panel_title = f"α={alpha} n={n} died={int(row['n_died'])} cens={int(row['n_censored'])}"
        charts.append(
            alt.layer(*layers).properties(width=panel_w, height=panel_h, title=panel_title)
        )

    if title is None:
        name = model if model is not None else runs.model_contains
        title = (
            f"KL trajectories coloured by survival (pmass < {thr} = dead). "
            f"Model: {name}. window={window}."
        )
    chart = (
        alt.hconcat(*charts, spacing=spacing)
        .resolve_scale(color="independent", x="independent", y="independent")
        .properties(
            title=alt.Title(
                wrap_title(
                    title, width=inches(panel_width_in * n_panels) - 20, font=SANS, size=title_size
                ),
                fontSize=title_size,
                anchor="middle",
                offset=12,
                color=INK,
            ),
            config=_config(title_size=title_size, font_size=font_size, label_size=label_size),
        )
    )
    return KLSpaghetti(chart, summary)


def summary_markdown(summary: pd.DataFrame) -> str:
    """The per-alpha counts as a Markdown (pipe) table, numbers right-aligned.

    >>> print(summary_markdown(pd.DataFrame({"alpha": ["0.5"], "n": [32], "n_died": [1],
    ...                                      "n_censored": [9]})))
    | alpha |  n | n_died | n_censored |
    |------:|---:|-------:|-----------:|
    |   0.5 | 32 |      1 |          9 |
    """
    header = [str(c) for c in summary.columns]
    rows = [[str(v) for v in row] for row in summary.itertuples(index=False)]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = [
        "| " + " | ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join(lines) + "\n"
