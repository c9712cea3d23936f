"""Saving, the unsaved-changes prompt, autosave and recovery, and reloading a song changed on disk.

Real files in a temporary folder, written and read by tracker.song.storage.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from tests.support.builders import build_song, pattern_rows
from tests.support.fake_clock import FakeClock
from tests.support.pilot import make_app, written
from tracker.song.fileformat import dumps
from tracker.song.recovery import read_recovery, recovery_path
from tracker.song.storage import load_song
from tracker.ui.screens.confirm import ConfirmDialog

VERSE = "C-4 01 .. ...\n--- .. .. ..."


def song_file(folder: Path, rows: str = VERSE) -> Path:
    path = folder / "verse.toml"
    path.write_text(dumps(build_song(rows)))
    return path


def touch_later(path: Path, seconds: int) -> None:
    """Move a file's time forward, as a later write would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 1_000_000_000))


async def test_ctrl_s_writes_the_song_and_makes_it_clean(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "x")
        assert app.session.dirty
        await pilot.press("ctrl+s")
        await written(pilot)
        assert not app.session.dirty
        assert pattern_rows(load_song(path)) == ["C-4 01 .. ...", "D-4 01 .. ..."]
        assert "Saved" in app.bar.render().plain


async def test_a_failed_save_is_a_message_not_a_crash(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "f3")
        await pilot.pause()
        field = app.screen.query_one("#field-path")
        field.value = str(tmp_path / "no such folder" / "x.toml")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await written(pilot)
        assert app.session.dirty
        assert app.is_running
        assert "x.toml" in app.session.message


async def test_quit_with_unsaved_edits_asks_and_escape_stays(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    app = make_app(load_song(path), path)
    app.clock = clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        clock.advance()
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ConfirmDialog)
        await pilot.press("ctrl+q")
        await pilot.pause()
        clock.advance()  # past the dialog's first half second, when keys are not answers
        await pilot.press("ctrl+s")  # save, then quit
        await written(pilot)
        assert not app.is_running
    assert pattern_rows(load_song(path))[0] == "D-4 01 .. ..."


async def test_quit_when_clean_just_quits(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_autosave_writes_the_recovery_file_never_the_song(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    before = path.read_bytes()
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        app.autosave()
        assert path.read_bytes() == before
        touch_later(recovery_path(path), 5)
        recovered = read_recovery(path)
        assert recovered is not None
        assert pattern_rows(recovered)[0] == "D-4 01 .. ..."


async def test_a_newer_autosave_is_offered_at_start(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        app.autosave()
        touch_later(recovery_path(path), 5)
    again = make_app(load_song(path), path)
    again.clock = clock = FakeClock()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, ConfirmDialog)
        clock.advance()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert pattern_rows(again.session.song)[0] == "D-4 01 .. ..."
        assert again.session.dirty  # recovered, not yet saved


async def test_a_song_changed_on_disk_reloads_when_there_are_no_edits(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        path.write_text(dumps(build_song("G-4 01 .. ...\n--- .. .. ...")))
        touch_later(path, 5)
        app.check_disk()
        await pilot.pause()
        assert pattern_rows(app.session.song)[0] == "G-4 01 .. ..."
        assert "Reloaded" in app.session.message


async def test_a_song_changed_on_disk_asks_before_dropping_edits(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    app = make_app(load_song(path), path)
    app.clock = clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "v")
        path.write_text(dumps(build_song("G-4 01 .. ...\n--- .. .. ...")))
        touch_later(path, 5)
        app.check_disk()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        clock.advance()
        await pilot.press("escape")  # keep my edits
        await pilot.pause()
        assert pattern_rows(app.session.song) == ["C-4 01 .. ...", "F-4 01 .. ..."]


async def test_a_dropped_connection_keeps_the_edits_in_the_recovery_file(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    before = path.read_bytes()
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        os.kill(os.getpid(), signal.SIGHUP)  # what sshd sends when the link goes
        await pilot.pause(0.2)
        assert not app.is_running
    assert path.read_bytes() == before
    touch_later(recovery_path(path), 5)
    recovered = read_recovery(path)
    assert recovered is not None and pattern_rows(recovered)[0] == "D-4 01 .. ..."


async def test_ctrl_o_opens_another_song_and_asks_about_unsaved_edits_first(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    other = tmp_path / "chorus.toml"
    other.write_text(dumps(build_song("A-3 01 .. ...\n--- .. .. ...")))
    app = make_app(load_song(path), path)
    app.clock = clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        clock.advance()
        await pilot.press("ctrl+d")  # discard the edit
        await pilot.pause()
        app.screen.query_one("#field-path").value = str(other)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.path == other
        assert pattern_rows(app.session.song)[0] == "A-3 01 .. ..."
        assert not app.session.dirty
        assert pattern_rows(load_song(path))[0] == "C-4 01 .. ..."  # the discarded edit


async def test_opening_a_broken_file_says_where_it_is_broken(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('format = 1\ntitle = "x"\nbpm = "fast"\n')
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#field-path").value = str(broken)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert "broken.toml" in app.session.message
        assert pattern_rows(app.session.song)[0] == "C-4 01 .. ..."
