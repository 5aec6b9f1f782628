"""Golden specs: every gallery figure's canonical JSON equals specs/<name>.vl.json.

Regenerate after an intended change with:
    VEGAFIGS_UPDATE_SPECS=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from vegafigs.gallery import FIGURES
from vegafigs.testing import assert_spec_matches

SPECS = Path(__file__).resolve().parent.parent / "specs"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_gallery_spec_matches_golden(name):
    path = SPECS / f"{name}.vl.json"
    if not os.environ.get("VEGAFIGS_UPDATE_SPECS"):
        assert path.exists(), f"missing golden spec {path}; run with VEGAFIGS_UPDATE_SPECS=1"
    assert_spec_matches(FIGURES[name].build(), path)


def test_every_golden_spec_has_a_gallery_figure():
    assert sorted(p.name.removesuffix(".vl.json") for p in SPECS.glob("*.vl.json")) == sorted(
        FIGURES
    )


def _chart(y):
    return alt.Chart(pd.DataFrame({"x": [1, 2], "y": y})).mark_line().encode(x="x:Q", y="y:Q")


def test_assert_spec_matches_writes_compares_and_diffs(tmp_path, monkeypatch):
    monkeypatch.delenv("VEGAFIGS_UPDATE_SPECS", raising=False)
    path = tmp_path / "c.vl.json"
    assert_spec_matches(_chart([1, 2]), path)  # missing: written
    assert path.exists()
    assert_spec_matches(_chart([1, 2]), path)  # same: passes
    with pytest.raises(AssertionError, match=r"(?s)differs.*VEGAFIGS_UPDATE_SPECS.*\n[-+]"):
        assert_spec_matches(_chart([1, 3]), path)
    assert_spec_matches(_chart([1, 3]), path, update=True)
    assert_spec_matches(_chart([1, 3]), path)
    monkeypatch.setenv("VEGAFIGS_UPDATE_SPECS", "1")
    assert_spec_matches(_chart([5, 3]), path)
    monkeypatch.delenv("VEGAFIGS_UPDATE_SPECS")
    assert_spec_matches(_chart([5, 3]), path)
