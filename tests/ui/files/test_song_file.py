"""SongFile with two editors on one song (issue 12, cases 2 and 3), without a terminal:
each autosaves to its own file, and a save removes only the recovery files whose
edits it holds. The other editor is a real live process, named in the lock."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.builders import build_song, pattern_rows
from tracker.song.edit import SetCellField
from tracker.song.fileformat import dumps
from tracker.song.lock import Editor
from tracker.song.recovery import recovery_path
from tracker.song.storage import load_song
from tracker.ui.files.song_file import SongFile
from tracker.ui.session import Session

VERSE = "C-4 01 .. ...\n--- .. .. ..."


@pytest.fixture
def other() -> Iterator[Editor]:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield Editor(child.pid, Editor.this().host)
    finally:
        child.kill()
        child.wait()


def editor(path: Path, me: Editor | None = None) -> tuple[SongFile, str | None]:
    file = SongFile(Session(load_song(path), path), me)
    return file, file.claim()


def play(file: SongFile, note: int) -> None:
    file.session.do(SetCellField("00", line=1, track=0, column=0, field="note", value=note))


def test_a_save_removes_only_the_recovery_files_it_wrote(tmp_path: Path, other: Editor) -> None:
    path = tmp_path / "verse.toml"
    path.write_text(dumps(build_song(VERSE)))
    first, warning = editor(path, other)
    assert warning is None
    second, warning = editor(path)
    assert warning is not None and str(other.pid) in warning
    play(first, 62)
    play(second, 67)
    assert first.autosave() and second.autosave()
    assert first.own == recovery_path(path) and second.own != first.own
    theirs = second.own
    assert theirs is not None

    first.save()
    assert not recovery_path(path).exists()
    assert pattern_rows(load_song(theirs))[1].startswith("G-4")
    second.save()
    assert not theirs.exists()
    first.release()
    second.release()


def test_save_as_takes_the_old_songs_autosave_away(tmp_path: Path) -> None:
    path = tmp_path / "draft.toml"
    path.write_text(dumps(build_song(VERSE)))
    file, _ = editor(path)
    play(file, 62)
    file.autosave()
    assert recovery_path(path).exists()
    file.save(tmp_path / "final.toml")
    assert not recovery_path(path).exists()
    assert file.own == recovery_path(tmp_path / "final.toml")
    file.release()


def test_a_touch_is_not_a_change_on_disk_but_new_contents_are(tmp_path: Path) -> None:
    """A `touch`, a copy keeping the bytes or a backup tool moves the file's time: the
    editor asked about (or reloaded) a song nobody had changed."""
    path = tmp_path / "song.toml"
    path.write_text(dumps(build_song(VERSE)), encoding="utf-8")
    file, _ = editor(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert not file.changed_on_disk()
    path.write_text(dumps(build_song("D-4 01 .. ...\n--- .. .. ...")), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 9_000_000_000))
    assert file.changed_on_disk()
    assert not file.changed_on_disk()  # once


def test_after_a_save_the_saved_file_is_what_the_editor_knows(tmp_path: Path) -> None:
    path = tmp_path / "song.toml"
    path.write_text(dumps(build_song(VERSE)), encoding="utf-8")
    file, _ = editor(path)
    play(file, 62)
    file.save()
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert not file.changed_on_disk()


def test_an_autosave_written_late_never_replaces_a_newer_one(tmp_path: Path) -> None:
    path = tmp_path / "verse.toml"
    path.write_text(dumps(build_song(VERSE)))
    file, _ = editor(path)
    play(file, 62)
    older = file.autosave_job()
    play(file, 64)
    newer = file.autosave_job()
    assert older is not None and newer is not None
    assert file.write_autosave(newer)  # the workers finish out of order
    assert not file.write_autosave(older)
    assert pattern_rows(load_song(recovery_path(path)))[1].startswith("E-4")
    file.release()


def test_an_autosave_under_way_when_the_song_is_saved_leaves_no_file_behind(
    tmp_path: Path,
) -> None:
    path = tmp_path / "verse.toml"
    path.write_text(dumps(build_song(VERSE)))
    file, _ = editor(path)
    play(file, 62)
    job = file.autosave_job()
    assert job is not None
    file.save()  # its edits are in the song now
    assert not file.write_autosave(job)
    assert not recovery_path(path).exists()
    assert not file.session.dirty
    file.release()


def test_a_save_holds_the_song_as_it_was_asked_for_and_edits_made_meanwhile_stay_unsaved(
    tmp_path: Path,
) -> None:
    path = tmp_path / "verse.toml"
    path.write_text(dumps(build_song(VERSE)))
    file, _ = editor(path)
    play(file, 62)
    job = file.save_job()
    play(file, 64)  # typed while the worker writes
    file.saved(job, file.write_save(job))
    assert pattern_rows(load_song(path))[1].startswith("D-4")
    assert file.session.dirty
    assert not file.changed_on_disk()  # the file it wrote is known as its own
    file.release()
