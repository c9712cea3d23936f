"""Song names near the file system's 255-byte limit: they save and load like any
other, or are refused with a clear reason before anything is written.

The song's own name is not the only one on disk: a save writes a temporary file
beside it and keeps the previous version as NAME~. Temporary names used to
carry the whole song name, so names of 236 bytes and more could not be saved.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.builders import build_song
from tests.support.command import BAD_INPUT, snapshot, tracker
from tracker.errors import SaveError
from tracker.song.recovery import read_recovery, recovery_files, write_recovery
from tracker.song.storage import backup_path, load_song, save_song

SONG = build_song(
    """
    C-4 01 64 ... | C-2 01 7F ...
    OFF .. .. ... | --- .. .. ...
    """
)


def named(folder: Path, size: int, letter: str = "a") -> Path:
    """A song path whose name is `size` bytes long in UTF-8, ending in .toml."""
    stem = letter * ((size - len(".toml")) // len(letter.encode()))
    path = folder / f"{stem}.toml"
    assert len(os.fsencode(path.name)) == size, len(os.fsencode(path.name))
    return path


@pytest.mark.parametrize("size", [236, 241, 246, 250, 254])
def test_a_long_name_saves_twice_with_its_backup_and_loads(tmp_path: Path, size: int) -> None:
    path = named(tmp_path, size)
    save_song(SONG, path)
    save_song(SONG, path)  # the second save keeps the first as NAME~
    assert load_song(path) == SONG
    assert load_song(backup_path(path)) == SONG
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, path.name + "~"])


def test_a_long_name_in_letters_of_several_bytes_saves(tmp_path: Path) -> None:
    path = named(tmp_path, 249, "é")
    save_song(SONG, path)
    save_song(SONG, path)
    assert load_song(path) == SONG


def test_a_name_with_no_room_for_its_backup_is_refused_before_writing(tmp_path: Path) -> None:
    path = named(tmp_path, 255)
    with pytest.raises(SaveError, match=r"file name is too long.*at most 254 bytes"):
        save_song(SONG, path)
    assert list(tmp_path.iterdir()) == []


def test_a_song_whose_name_has_the_full_255_bytes_loads(tmp_path: Path) -> None:
    """Made by another program: it opens, though tracker would save it under a shorter name."""
    path = named(tmp_path, 254)
    save_song(SONG, path)
    longest = named(tmp_path, 255)
    path.rename(longest)
    assert load_song(longest) == SONG


def test_the_command_line_makes_a_long_named_song_and_refuses_a_too_long_one(
    tmp_path: Path,
) -> None:
    path = named(tmp_path, 250)
    for _ in range(2):
        result = tracker("new", path.name, "--force", cwd=tmp_path, timeout=30)
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, path.name + "~"])

    before = snapshot(tmp_path)
    result = tracker("new", named(tmp_path, 255).name, cwd=tmp_path, timeout=30)
    assert result.returncode == BAD_INPUT, result.stderr  # the line quotes all 255 bytes:
    assert result.stderr.startswith("tracker: could not save")  # too long for assert_refused
    assert "the file name is too long" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("size", [150, 236, 250, 254])
def test_a_long_named_song_is_autosaved_and_its_edits_are_offered_back(
    tmp_path: Path, size: int
) -> None:
    """`.NAME.autosave` had no room beside a 246-byte name: every autosave failed, so
    the edits of a long-named song could not survive a crash."""
    path = named(tmp_path, size)
    save_song(SONG, path)
    edited = build_song("D-4 01 64 ... | C-2 01 7F ...")
    written = write_recovery(edited, path)
    assert len(os.fsencode(written.name)) <= 255 - 64  # room for an editor's own tag too
    assert read_recovery(path) == edited
    assert recovery_files(path, shared=True) == [written]
    other = named(tmp_path, size, letter="b")  # a neighbour's recovery is not this song's
    save_song(SONG, other)
    assert recovery_files(other, shared=True) == []
