"""Hostile input, met the way a user meets it: the real `tracker` command in a
subprocess (tests/support/command.py), and the files it leaves behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.disks import mounted_tmpfs
from tests.support.samples import midi_bytes, song_file_in


@pytest.fixture
def song_file(tmp_path: Path) -> Path:
    return song_file_in(tmp_path)


@pytest.fixture
def midi_file(tmp_path: Path) -> Path:
    path = tmp_path / "tune.mid"
    path.write_bytes(midi_bytes(tmp_path))
    return path


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    """A real read-only file system: a 1 MiB tmpfs mounted `ro` (we run as root, so
    chmod would not stop a write). Unmounted afterwards."""
    with mounted_tmpfs(tmp_path / "read-only", "ro,size=1m") as mount_point:
        yield mount_point
