"""Golden specs and pictures: every gallery figure equals specs/<name>.vl.json and specs/<name>.png.

Through the project's own pytest plugin (the ``vegafigs_snapshot`` fixture). After an
intended change, regenerate with:
    python -m pytest tests/test_golden.py --vegafigs-update
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from vegafigs.gallery import FIGURES
from vegafigs.testing import assert_spec_matches

SPECS = Path(__file__).resolve().parent.parent / "specs"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_gallery_spec_matches_golden(name, vegafigs_snapshot):
    vegafigs_snapshot(FIGURES[name].build(), path=f"../specs/{name}.vl.json", image=True)


def test_every_golden_file_has_a_gallery_figure():
    for suffix in (".vl.json", ".png"):
        names = sorted(p.name.removesuffix(suffix) for p in SPECS.glob(f"*{suffix}"))
        assert names == sorted(FIGURES), suffix


def _chart(y):
    return alt.Chart(pd.DataFrame({"x": [1, 2], "y": y})).mark_line().encode(x="x:Q", y="y:Q")


def test_assert_spec_matches_fails_when_missing_writes_on_update_and_reports(tmp_path, monkeypatch):
    monkeypatch.delenv("VEGAFIGS_UPDATE_SPECS", raising=False)
    path = tmp_path / "c.vl.json"
    with pytest.raises(AssertionError, match=r"does not exist; set VEGAFIGS_UPDATE_SPECS=1"):
        assert_spec_matches(_chart([1, 2]), path)
    assert not path.exists()
    assert_spec_matches(_chart([1, 2]), path, update=True)
    assert_spec_matches(_chart([1, 2]), path)  # same: passes
    with pytest.raises(AssertionError, match=r"(?s)differs from snapshot.*VEGAFIGS_UPDATE_SPECS"):
        assert_spec_matches(_chart([1, 3]), path)
    assert_spec_matches(_chart([1, 3]), path, update=True)
    assert_spec_matches(_chart([1, 3]), path)
    monkeypatch.setenv("VEGAFIGS_UPDATE_SPECS", "1")
    assert_spec_matches(_chart([5, 3]), path)
    monkeypatch.delenv("VEGAFIGS_UPDATE_SPECS")
    assert_spec_matches(_chart([5, 3]), path)
