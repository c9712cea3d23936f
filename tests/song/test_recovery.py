"""Recovery files and the song lock on real disks: which autosaves are offered, whose they
are, and that two editors, a `touch`, a folder or a FIFO in the way lose nothing.

Other editors are real processes: a child that is alive, and one that has exited
(its pid then names no process).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.builders import build_song
from tracker.errors import SaveError
from tracker.song.lock import Editor, acquire, lock_path, read_lock
from tracker.song.model import Song
from tracker.song.recovery import (
    discard_recovery,
    owner_of,
    personal_recovery_path,
    read_recovery,
    recovery_files,
    recovery_path,
    remove_recovery,
    write_recovery,
)
from tracker.song.storage import save_song

FIRST = build_song("C-4 01 64 ...\nOFF .. .. ...", bpm=120)


def _second() -> Song:
    song = build_song("E-4 01 64 ...\n--- .. .. ...", bpm=128)
    song.title = "Second take"
    return song


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.fixture
def live_editor() -> Iterator[Editor]:
    """Another editor on this host: a real process that stays alive during the test."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield Editor(child.pid, Editor.this().host)
    finally:
        child.kill()
        child.wait()


@pytest.fixture
def dead_editor() -> Editor:
    """An editor on this host that has gone (kill -9, a power cut): its pid names nobody."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return Editor(child.pid, Editor.this().host)


class TestRecoveryFiles:
    def test_the_recovery_file_sits_beside_the_song_and_is_not_the_song(self) -> None:
        assert recovery_path(Path("songs/demo.toml")) == Path("songs/.demo.toml.autosave")

    def test_an_autosave_never_touches_the_song(self, tmp_path: Path) -> None:
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        before = path.read_bytes()
        write_recovery(_second(), path)
        assert path.read_bytes() == before
        assert _files(tmp_path) == {"song.toml", ".song.toml.autosave"}

    def test_an_autosave_that_differs_from_the_song_is_offered(self, tmp_path: Path) -> None:
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        write_recovery(_second(), path)
        assert read_recovery(path) == _second()

    def test_an_autosave_older_than_the_song_is_still_offered(self, tmp_path: Path) -> None:
        """`touch song.toml` (or a copy, or a clock step) made the song newer: the
        autosave's edits are no less lost for that."""
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        write_recovery(_second(), path)
        os.utime(path)  # touch
        recovery = recovery_path(path)
        os.utime(recovery, ns=(0, path.stat().st_mtime_ns - 60_000_000_000))
        assert read_recovery(path) == _second()

    def test_an_autosave_holding_the_song_as_saved_is_not_offered(self, tmp_path: Path) -> None:
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        write_recovery(FIRST, path)
        os.utime(path, ns=(0, 0))  # the song looks ancient: time does not matter, content does
        assert read_recovery(path) is None

    def test_an_autosave_of_a_never_saved_song_is_offered(self, tmp_path: Path) -> None:
        path = tmp_path / "new.toml"
        write_recovery(FIRST, path)
        assert not path.exists()
        assert read_recovery(path) == FIRST

    def test_no_autosave_means_nothing_to_recover(self, tmp_path: Path) -> None:
        assert read_recovery(tmp_path / "song.toml") is None

    def test_a_discarded_autosave_is_gone(self, tmp_path: Path) -> None:
        path = tmp_path / "song.toml"
        write_recovery(FIRST, path)
        discard_recovery(path)
        discard_recovery(path)  # twice is fine
        assert read_recovery(path) is None

    def test_a_folder_in_the_autosaves_place_is_not_removed(self, tmp_path: Path) -> None:
        path = tmp_path / "song.toml"
        recovery_path(path).mkdir()
        with pytest.raises(SaveError, match="not a regular file"):
            remove_recovery(recovery_path(path))
        assert recovery_path(path).is_dir()

    def test_a_fifo_in_the_autosaves_place_is_neither_read_nor_offered(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "song.toml"
        save_song(FIRST, path)
        os.mkfifo(recovery_path(path))
        assert recovery_files(path, shared=True) == []

    def test_an_autosave_on_a_read_only_disk_raises_save_error(
        self,
        tmpfs: Path,
    ) -> None:
        path = tmpfs / "song.toml"
        save_song(FIRST, path)
        subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
        with pytest.raises(SaveError, match="writing the autosave failed: the disk is read-only"):
            write_recovery(_second(), path)


class TestPersonalRecoveryFiles:
    def test_each_editor_has_its_own_file_named_after_it(self, tmp_path: Path) -> None:
        song = tmp_path / "song.toml"
        me = Editor(4711, "studio-pc")
        mine = personal_recovery_path(song, me)
        assert mine.name == ".song.toml.studio-pc-4711.autosave"
        assert owner_of(mine, song) == me
        assert owner_of(recovery_path(song), song) is None

    def test_a_personal_file_is_never_one_that_exists(self, tmp_path: Path) -> None:
        """The pid of a dead editor comes round again: its file is not overwritten."""
        song = tmp_path / "song.toml"
        me = Editor(4711, "studio")
        write_recovery(FIRST, song, personal_recovery_path(song, me))
        second = personal_recovery_path(song, me)
        assert second.name == ".song.toml.studio-4711-n2.autosave"
        assert owner_of(second, song) == me

    def test_a_live_editors_file_is_not_offered_a_dead_ones_is(
        self, tmp_path: Path, live_editor: Editor, dead_editor: Editor
    ) -> None:
        song = tmp_path / "song.toml"
        save_song(FIRST, song)
        live = write_recovery(_second(), song, personal_recovery_path(song, live_editor))
        dead = write_recovery(_second(), song, personal_recovery_path(song, dead_editor))
        shared = write_recovery(_second(), song)
        assert live.exists()
        assert recovery_files(song, shared=False) == [dead]
        assert set(recovery_files(song, shared=True)) == {dead, shared}

    def test_files_of_other_songs_are_not_this_songs(self, tmp_path: Path) -> None:
        song, other = tmp_path / "song.toml", tmp_path / "song.toml.old.toml"
        write_recovery(FIRST, other)
        write_recovery(FIRST, other, personal_recovery_path(other, Editor(1, "x")))
        assert recovery_files(song, shared=True) == []


class TestLock:
    def test_the_first_editor_holds_the_lock_with_its_pid_and_host(self, tmp_path: Path) -> None:
        song = tmp_path / "song.toml"
        lock = acquire(song)
        assert lock.ours
        assert lock_path(song).name == ".song.toml.lock"
        assert read_lock(song) == Editor.this()
        lock.release()
        assert not lock_path(song).exists()

    def test_a_second_editor_finds_the_first(self, tmp_path: Path, live_editor: Editor) -> None:
        song = tmp_path / "song.toml"
        assert acquire(song, live_editor).ours
        second = acquire(song)
        assert not second.ours
        assert second.holder == live_editor
        second.release()  # not ours: the first editor's lock stays
        assert read_lock(song) == live_editor

    def test_a_lock_left_by_a_dead_editor_is_taken_over(
        self, tmp_path: Path, dead_editor: Editor
    ) -> None:
        song = tmp_path / "song.toml"
        acquire(song, dead_editor)  # then it was killed: nothing released the lock
        lock = acquire(song)
        assert lock.ours
        assert read_lock(song) == Editor.this()

    def test_a_lock_from_another_host_counts_as_held(self, tmp_path: Path) -> None:
        """Its process cannot be checked from here (a song on a shared folder)."""
        song = tmp_path / "song.toml"
        elsewhere = Editor(1, "another-host-" + Editor.this().host)
        acquire(song, elsewhere)
        assert acquire(song).holder == elsewhere

    def test_a_fifo_in_the_locks_place_is_not_read(self, tmp_path: Path) -> None:
        song = tmp_path / "song.toml"
        os.mkfifo(lock_path(song))
        lock = acquire(song)  # would hang if it opened the FIFO
        assert lock.ours and read_lock(song) is None
        lock.release()
        assert lock_path(song).exists()  # not ours to remove
