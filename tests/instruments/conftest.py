"""Every instrument test reads only the shipped files and its own: the developer's
device files and settings are kept out."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_search_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own device files and settings out of every test."""
    monkeypatch.delenv("TRACKER_INSTRUMENTS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
