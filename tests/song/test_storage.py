"""Songs on real disks: atomic saves, one backup, and saves that fail cleanly (recovery
files: test_recovery.py).

Failing disks are real: a small tmpfs mounted read-only, and a tmpfs filled to
the last page (the tests run as root, so chmod would not stop a write).
"""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import pytest

from tests.support.builders import build_song
from tracker.errors import SaveError, SongFormatError
from tracker.song.fileformat import dumps
from tracker.song.model import Cell, Instrument, Song, Track
from tracker.song.notation import format_row
from tracker.song.storage import backup_path, load_song, save_song, snapshot

FIRST = build_song(
    """
    C-4 01 64 ... | C-2 01 7F ...
    OFF .. .. ... | --- .. .. ...
    """,
    bpm=120,
)


def _second() -> Song:
    song = build_song(
        """
        E-4 01 64 ... | C-2 01 7F ...
        --- .. .. ... | G-2 01 7F ...
        """,
        bpm=128,
    )
    song.title = "Second take"
    return song


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _fill(folder: Path) -> list[Path]:
    """Fill the disk with 4 KiB files until it refuses more; returns them (to free pages later)."""
    fillers: list[Path] = []
    for i in range(1000):
        path = folder / f"filler{i:03}"
        try:
            with path.open("wb") as file:
                file.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
            path.unlink(missing_ok=True)
            return fillers
        fillers.append(path)
    raise AssertionError("the disk never filled up")


class TestSaveAndLoad:
    def test_a_saved_song_loads_as_the_same_song(self, tmp_path: Path) -> None:
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        assert load_song(path) == FIRST

    def test_the_first_save_leaves_only_the_song(self, tmp_path: Path) -> None:
        save_song(FIRST, tmp_path / "song.toml")
        assert _files(tmp_path) == {"song.toml"}  # no backup of nothing, no temporary file

    def test_saving_again_keeps_the_previous_version_as_the_backup(self, tmp_path: Path) -> None:
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        first_bytes = path.read_bytes()
        save_song(_second(), path)
        assert backup_path(path) == tmp_path / "song.toml~"
        assert backup_path(path).read_bytes() == first_bytes
        assert load_song(path) == _second()
        assert _files(tmp_path) == {"song.toml", "song.toml~"}

    def test_only_one_backup_is_kept(self, tmp_path: Path) -> None:
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        save_song(_second(), path)
        second_bytes = path.read_bytes()
        save_song(FIRST, path)
        assert backup_path(path).read_bytes() == second_bytes
        assert _files(tmp_path) == {"song.toml", "song.toml~"}

    def test_a_save_keeps_the_files_permissions(self, tmp_path: Path) -> None:
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        path.chmod(0o640)
        save_song(_second(), path)
        assert path.stat().st_mode & 0o777 == 0o640

    def test_saving_through_a_symlink_updates_the_file_it_points_to(self, tmp_path: Path) -> None:
        real = tmp_path / "real.toml"
        save_song(FIRST, real)
        link = tmp_path / "link.toml"
        link.symlink_to(real)
        save_song(_second(), link)
        assert link.is_symlink()
        assert load_song(real) == _second()

    def test_a_song_the_format_cannot_hold_is_refused_and_the_file_kept(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        before = path.read_bytes()
        broken = _second()
        broken.instruments[2] = Instrument("Ghost", soundfont=None, device=None)
        with pytest.raises(SaveError, match='instrument 02 "Ghost" needs a soundfont or a device'):
            save_song(broken, path)
        assert path.read_bytes() == before
        assert _files(tmp_path) == {"song.toml"}

    def test_a_value_that_would_read_back_differently_is_refused(self, tmp_path: Path) -> None:
        song = _second()
        song.tracks[0].cc = ["074"]  # the file would say 74: not the same song
        song.patterns["00"].tracks[0].cc = [[None, None]]
        with pytest.raises(SaveError, match=r"song\.tracks\[0\]\.cc\[0\] cannot be stored"):
            save_song(song, tmp_path / "song.toml")
        assert _files(tmp_path) == set()


class TestLoadErrors:
    def test_a_missing_file_names_the_path(self, tmp_path: Path) -> None:
        path = tmp_path / "nope.toml"
        with pytest.raises(SongFormatError, match="no such song file") as caught:
            load_song(path)
        assert str(caught.value).startswith(str(path))

    def test_a_folder_is_not_a_song(self, tmp_path: Path) -> None:
        with pytest.raises(SongFormatError, match="folder, not a song file"):
            load_song(tmp_path)

    def test_a_broken_file_names_the_path_line_and_column(self, tmp_path: Path) -> None:
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        path.write_bytes(path.read_bytes().replace(b"bpm = 120.0", b"bpm = 2.0"))
        with pytest.raises(SongFormatError) as caught:
            load_song(path)
        assert str(caught.value).startswith(f"{path}:3:7: bpm = 2.0 is out of range")


class TestFailedSaves:
    def test_a_read_only_disk_raises_save_error_and_keeps_the_song(self, tmpfs: Path) -> None:
        path = tmpfs / "song.toml"
        save_song(FIRST, path)
        before = path.read_bytes()
        subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
        with pytest.raises(SaveError, match="read-only") as caught:
            save_song(_second(), path)
        assert str(path) in str(caught.value)
        assert path.read_bytes() == before
        assert _files(tmpfs) == {"song.toml"}

    def test_a_full_disk_raises_save_error_and_keeps_song_and_backup(self, tmpfs: Path) -> None:
        path = tmpfs / "song.toml"
        save_song(FIRST, path)
        save_song(FIRST, path)  # now there is a backup too
        before = path.read_bytes()
        _fill(tmpfs)
        with pytest.raises(SaveError, match="the disk is full"):
            save_song(_second(), path)
        assert path.read_bytes() == before
        assert backup_path(path).read_bytes() == before
        assert not [name for name in _files(tmpfs) if name.endswith(".tmp")]

    def test_room_for_the_backup_but_not_the_song_still_keeps_the_song(self, tmpfs: Path) -> None:
        path = tmpfs / "song.toml"
        save_song(FIRST, path)
        before = path.read_bytes()
        assert len(before) < 4096  # the backup needs one page
        fillers = _fill(tmpfs)
        for filler in fillers[:2]:
            filler.unlink()  # two pages free: the backup fits, a 32-page song does not
        big = build_song(*["C-4 01 64 ... | C-2 01 7F ...\n" * 64] * 20, bpm=120)
        with pytest.raises(SaveError, match="writing the song failed: the disk is full"):
            save_song(big, path)
        assert path.read_bytes() == before
        assert backup_path(path).read_bytes() == before
        assert not [name for name in _files(tmpfs) if name.endswith(".tmp")]

    def test_a_folder_that_is_really_a_file_raises_save_error(self, tmp_path: Path) -> None:
        not_a_folder = tmp_path / "songs"
        not_a_folder.write_text("I am a file")
        with pytest.raises(SaveError, match="part of the path is a file, not a folder"):
            save_song(FIRST, not_a_folder / "song.toml")
        assert not_a_folder.read_text() == "I am a file"

    def test_a_missing_folder_raises_save_error(self, tmp_path: Path) -> None:
        with pytest.raises(SaveError, match="the folder does not exist"):
            save_song(FIRST, tmp_path / "no such folder" / "song.toml")
        assert _files(tmp_path) == set()


def test_a_save_returns_the_bytes_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "first.toml"
    assert save_song(FIRST, path) == path.read_bytes()


def test_a_snapshot_keeps_the_song_as_it_was_while_the_song_changes() -> None:
    song = _second()
    before = dumps(song)
    copy = snapshot(song)
    assert copy == song and dumps(copy) == before
    # What the editor's commands change: cells in a column, CC values, the order, names.
    song.patterns["00"].tracks[0].columns[0][1] = Cell(note=72, instrument=1)
    song.order.append("00")
    song.tracks[0].name = "Lead"
    song.instruments[1].program = 5
    assert dumps(copy) == before
    assert copy != song


def test_rows_are_written_exactly_as_the_notation_writes_each_row() -> None:
    # The writer formats each shared cell once; a row must still be what format_row says,
    # with equal cells that are distinct objects, CC lanes and several note columns.
    tracks = [Track("Keys", notes=2, effects=2, cc=["cutoff"]), Track("Bass")]
    song = build_song(
        """
        C-4 01 64 A37 ... E-4 01 .. ... ... 40 | C-2 01 7F ...
        OFF .. .. ... ... --- .. .. ... ... .. | --- .. .. ...
        C-4 01 64 A37 ... E-4 01 .. ... ... 7F | C-2 01 7F ...
        """,
        tracks=tracks,
    )
    song.patterns["00"].tracks[1].columns[0][2] = Cell(note=36, instrument=1, volume=0x7F)
    part = song.patterns["00"]
    expected = [
        format_row(
            tracks,
            [([c[line] for c in p.columns], [lane[line] for lane in p.cc]) for p in part.tracks],
        )
        for line in range(part.lines)
    ]
    text = dumps(song)
    assert text.split('rows = """\n')[1].split('\n"""')[0].split("\n") == expected
