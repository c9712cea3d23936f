"""Hostile input, met the way a user meets it: the real `tracker` command in a
subprocess (tests/support/command.py), and the files it leaves behind; `world`, a
folder whose song, device file and soundfont carry a hostile string in every field
(tests/support/hostile_text.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.audio import GM_FONT
from tests.support.disks import mounted_tmpfs
from tests.support.hostile_text import FILE_PAYLOAD, World, device_file, hostile_song
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


@pytest.fixture
def world(tmp_path: Path) -> World:
    instruments = tmp_path / "instruments"
    (instruments / "devices").mkdir(parents=True)
    (instruments / "devices" / f"D{FILE_PAYLOAD}.toml").write_text(device_file(), encoding="utf-8")
    (tmp_path / f"F{FILE_PAYLOAD}.sf2").symlink_to(GM_FONT)
    song = tmp_path / f"song{FILE_PAYLOAD}.toml"
    song.write_text(hostile_song(), encoding="utf-8")
    env = {
        **os.environ,
        "TRACKER_INSTRUMENTS": str(instruments),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }
    return World(tmp_path, song, env)
