"""Shared pytest set-up for tests/ and the doctests of vegafigs/."""

from __future__ import annotations

import pytest
from _pytest.doctest import DoctestItem  # not public (pytest.DoctestItem) in pytest 7


@pytest.fixture(autouse=True)
def _doctest_in_tmp_path(request: pytest.FixtureRequest) -> None:
    """Run each doctest in its own empty working folder: examples write files freely."""
    if isinstance(request.node, DoctestItem):
        request.getfixturevalue("monkeypatch").chdir(request.getfixturevalue("tmp_path"))
