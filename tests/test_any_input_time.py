"""Datetime, tz-aware and timedelta x draw a time axis, the same everywhere (issue 10, item 6).

``training_curves``, ``reward_length`` and ``layers.line`` are built in fresh
interpreters with ``TZ=America/New_York`` and ``TZ=Asia/Tokyo``: the drawn
tick labels must be the same, datetime labels must read as dates / times
(not ``1.71457P`` nanoseconds) and timedelta labels as a modest number of a
time unit (not nanoseconds).
"""

from __future__ import annotations

import functools
import re

import pytest

from ._anyinput import last_json, run_python

#: Property tests over whole figures (many renders): in CI's main run, not the
#: minimum-versions run.
pytestmark = pytest.mark.slow

_SCRIPT = """
import json
import pandas as pd
from tests._anyinput import ALL_CASES, string_ids, scene

def as_time(kind, steps):
    steps = pd.Series(steps, dtype="int64")
    if kind == "datetime":
        return pd.Timestamp("2024-05-12 00:00") + pd.to_timedelta(steps, unit="D")
    if kind == "datetime-hours":
        return pd.Timestamp("2024-05-12 08:00") + pd.to_timedelta(steps, unit="h")
    if kind == "tz-aware":
        return (pd.Timestamp("2024-05-12 00:00", tz="Europe/Berlin")
                + pd.to_timedelta(steps, unit="D"))
    if kind == "timedelta":
        return pd.to_timedelta(steps, unit="min")
    raise ValueError(kind)

out = {}
for name in ("training_curves", "reward_length", "layers.line"):
    case = ALL_CASES[name]
    for kind in ("datetime", "datetime-hours", "tz-aware", "timedelta"):
        df, levels = string_ids(case)
        col = case.cols["x"]
        codes = pd.factorize(df[col], sort=True)[0]
        df[col] = as_time(kind, codes).to_numpy() if kind != "tz-aware" else as_time(kind, codes)
        key = f"{name}/{kind}"
        try:
            fig = case.build(df, **case.level_kw(levels))
            items = scene(fig, what=key)
        except Exception as exc:
            out[key] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
            continue
        rows = {}
        for i in items:
            if i.marktype == "text" and i.role == "axis-label" and not i.get("angle"):
                rows.setdefault(round(float(i.get("y"))), []).append(" ".join(i.lines))
        x_rows = [v for v in rows.values() if len(v) > 1]
        out[key] = {"x_labels": max(x_rows, key=len) if x_rows else [],
                    "titles": [" ".join(i.lines) for i in items if i.role == "axis-title"]}
print(json.dumps(out))
"""

ZONES = ("America/New_York", "Asia/Tokyo")
KINDS = ("datetime", "datetime-hours", "tz-aware", "timedelta")
NAMES = ("training_curves", "reward_length", "layers.line")


@functools.cache
def _labels(tz: str) -> dict:
    proc = run_python(_SCRIPT, env={"TZ": tz})
    assert proc.returncode == 0, f"TZ={tz}: {proc.stderr[-2000:]}"
    return last_json(proc.stdout)


_DATEISH = re.compile(
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun"
    r"|\b\d{1,2}:\d{2}\b|\b(19|20)\d{2}\b|\bAM\b|\bPM\b|\d{4}-\d{2}-\d{2}|\b\d{1,2} ?[AP]M\b)"
)
_SI = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18, "m": 1e-3}


def _number(label: str) -> float | None:
    m = re.fullmatch(r"\s*([-−]?[\d,]*\.?\d+)\s*([kMGTPEm]?)\s*\w*", label)
    if not m:
        return None
    return float(m.group(1).replace(",", "").replace("−", "-")) * _SI[m.group(2)]


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", NAMES)
def test_time_x_labels_are_the_same_in_every_time_zone(name, kind):
    key = f"{name}/{kind}"
    a, b = _labels(ZONES[0])[key], _labels(ZONES[1])[key]
    assert "error" not in a, f"{key}: {a['error']}"
    assert a == b, f"{key}: tick labels differ: TZ={ZONES[0]} {a}, TZ={ZONES[1]} {b}"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["datetime", "datetime-hours", "tz-aware"])
@pytest.mark.parametrize("name", NAMES)
def test_datetime_x_labels_read_as_dates(name, kind):
    key = f"{name}/{kind}"
    got = _labels(ZONES[0])[key]
    assert "error" not in got, f"{key}: {got['error']}"
    labels = got["x_labels"]
    assert labels, f"{key}: no x tick labels drawn"
    bad = [t for t in labels if not _DATEISH.search(t)]
    assert not bad, f"{key}: x tick labels {labels} do not read as dates / times: {bad}"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_timedelta_x_labels_are_a_time_unit(name):
    """Steps of 0..14 minutes: labels count seconds / minutes, not nanoseconds."""
    key = f"{name}/timedelta"
    got = _labels(ZONES[0])[key]
    assert "error" not in got, f"{key}: {got['error']}"
    labels = got["x_labels"]
    clock = [t for t in labels if re.fullmatch(r"\s*\d{1,2}(:\d{2}){1,2}\s*", t)]
    values = [_number(t) for t in labels if t not in clock]
    assert labels and None not in values, f"{key}: x tick labels {labels} are not durations"
    assert max((abs(v) for v in values if v is not None), default=0) <= 15 * 60, (
        f"{key}: x tick labels {labels} (titles {got['titles']}) are not in s / min"
    )
