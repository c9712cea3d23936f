"""Fixtures for song tests: a song read from the file format itself, and a small disk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.builders import song_from_toml
from tests.support.disks import mounted_tmpfs
from tracker.song.model import Song


@pytest.fixture(name="song_from_toml")
def song_from_toml_fixture() -> Callable[[str], Song]:
    return song_from_toml


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB RAM disk of our own, unmounted afterwards."""
    with mounted_tmpfs(tmp_path / "disk", "size=64k,mode=0755") as mount_point:
        yield mount_point
