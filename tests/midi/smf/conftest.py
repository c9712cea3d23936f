"""Fixtures for the MIDI file tests: where a test writes the file it imports."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def mid(tmp_path: Path) -> Path:
    return tmp_path / "in.mid"
