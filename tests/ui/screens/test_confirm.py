"""Dialogs that can lose work answer only deliberate keys (issue 12, case 1).

A dialog that appears while the musician types notes takes none of those notes
as an answer: destructive answers need Ctrl, keys in the first half second answer
nothing, Enter and Escape keep things as they are. The clock is a FakeClock the
test moves, so no test sleeps through the half second.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.builders import build_song, pattern_rows
from tests.support.fake_clock import FakeClock
from tests.support.pilot import make_app, written
from tracker.song.fileformat import dumps
from tracker.song.recovery import write_recovery
from tracker.song.storage import load_song
from tracker.ui.app import TrackerApp
from tracker.ui.screens.confirm import Answer, ConfirmDialog

VERSE = "C-4 01 .. ...\n--- .. .. ...\n--- .. .. ...\n--- .. .. ..."
CHANGED = "G-4 01 .. ...\n--- .. .. ...\n--- .. .. ...\n--- .. .. ..."
PIANO = ["q", "w", "e", "r", "t", "y", "z", "s", "x", "d", "c"]
"""Piano keys, `r` (reload) and `d` (discard) among them: the old dialogs' answers."""


def song_file(folder: Path, rows: str = VERSE) -> Path:
    path = folder / "verse.toml"
    path.write_text(dumps(build_song(rows)))
    return path


def change_on_disk(path: Path, rows: str = CHANGED) -> None:
    """Another program writes the song: new content, and a later time."""
    path.write_text(dumps(build_song(rows)))
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))


def app_with_clock(path: Path) -> tuple[TrackerApp, FakeClock]:
    app = make_app(load_song(path), path)
    app.clock = clock = FakeClock()
    return app, clock


def test_an_answer_on_a_plain_letter_is_refused() -> None:
    with pytest.raises(ValueError, match="Ctrl or Alt"):
        Answer("discard", "Discard", "d")


async def test_piano_keys_while_the_disk_dialog_appears_lose_nothing(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    app, clock = app_with_clock(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "x")  # an unsaved edit: D-4 on line 1
        change_on_disk(path)
        app.check_disk()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press(*PIANO, "enter")  # typed on, before reading the dialog
        clock.advance()
        await pilot.press(*PIANO)  # and after: still not answers
        await pilot.press("ctrl+s", "ctrl+q", "ctrl+o", "f3", "space")  # nor editor keys
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and len(app.screen_stack) == 2
        assert pattern_rows(load_song(path))[0] == "G-4 01 .. ..."  # Ctrl+S saved nothing
        assert pattern_rows(app.session.song)[:2] == ["C-4 01 .. ...", "D-4 01 .. ..."]
        await pilot.press("enter")  # the safe answer: keep my edits
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert pattern_rows(app.session.song)[:2] == ["C-4 01 .. ...", "D-4 01 .. ..."]
        assert app.session.dirty


async def test_even_the_answer_key_does_nothing_in_the_first_half_second(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    app, clock = app_with_clock(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "x")
        change_on_disk(path)
        app.check_disk()
        await pilot.pause()
        clock.advance(0.4)
        await pilot.press("ctrl+r", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert pattern_rows(app.session.song)[1] == "D-4 01 .. ..."


async def test_a_reload_over_edits_keeps_them_in_a_recovery_file_and_is_one_undo_step(
    tmp_path: Path,
) -> None:
    path = song_file(tmp_path)
    app, clock = app_with_clock(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "x")
        app.autosave()  # the edit is in this editor's autosave file
        own = app.file.own
        assert own is not None and own.exists()
        change_on_disk(path)
        app.check_disk()
        await pilot.pause()
        clock.advance()
        await pilot.press("ctrl+r")  # reload
        await pilot.pause()
        assert pattern_rows(app.session.song)[:2] == ["G-4 01 .. ...", "--- .. .. ..."]
        assert not app.session.dirty
        kept = [k.path for k in app.file.kept]
        assert len(kept) == 1 and kept[0].name in app.session.message
        assert pattern_rows(load_song(kept[0]))[:2] == ["C-4 01 .. ...", "D-4 01 .. ..."]

        await pilot.press("t")  # a new edit after the reload (B-4 on line 1... any note)
        app.autosave()
        # The autosave did not overwrite the kept edits.
        assert pattern_rows(load_song(kept[0]))[:2] == ["C-4 01 .. ...", "D-4 01 .. ..."]
        assert app.file.own not in kept

        await pilot.press("ctrl+z", "ctrl+z")  # the new note, then the reload
        await pilot.pause()
        assert pattern_rows(app.session.song)[:2] == ["C-4 01 .. ...", "D-4 01 .. ..."]
        assert app.session.dirty
        await pilot.press("ctrl+s")  # the kept edits are saved: their file goes
        await written(pilot)
        assert not kept[0].exists()
        assert pattern_rows(load_song(path))[:2] == ["C-4 01 .. ...", "D-4 01 .. ..."]


async def test_a_clean_editor_reloads_by_itself_and_undo_goes_back(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    app, _ = app_with_clock(path)
    async with app.run_test(size=(80, 24)) as pilot:
        change_on_disk(path)
        app.check_disk()
        await pilot.pause()
        assert pattern_rows(app.session.song)[0] == "G-4 01 .. ..."
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert pattern_rows(app.session.song)[0] == "C-4 01 .. ..."


async def test_quit_discard_needs_ctrl_d_and_removes_the_autosave(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    before = path.read_bytes()
    app, clock = app_with_clock(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        app.autosave()
        own = app.file.own
        assert own is not None and own.exists()
        await pilot.press("ctrl+q")
        await pilot.pause()
        clock.advance()
        await pilot.press("d", "s", "ctrl+q")  # plain letters and Ctrl+Q: no answer
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ConfirmDialog)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert not app.is_running
    assert not own.exists(), "discarded edits are not offered again at the next start"
    assert path.read_bytes() == before


async def test_the_dialog_shows_its_keys_and_names_from_outside_harmlessly(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad\x1b]0;pwned\x07[b]name[b].toml"
    path.write_text(dumps(build_song(VERSE)))
    write_recovery(build_song(CHANGED), path)  # a crash's autosave: offered at start
    app, _ = app_with_clock(path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        assert "Ctrl+R" in text and "Ctrl+D" in text and "Enter/Esc" in text
        assert "\x1b" not in text and "\x07" not in text
        assert "bad\\x1b]0;pwned\\x07[b]name[b].toml" in text  # spelled out, not bold


async def test_a_song_that_became_a_link_elsewhere_is_not_saved_through_it_unasked(
    tmp_path: Path,
) -> None:
    path = song_file(tmp_path)
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text(dumps(build_song(CHANGED)))
    app, clock = app_with_clock(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "x")
        path.unlink()
        path.symlink_to(elsewhere)  # since it was opened
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert pattern_rows(load_song(elsewhere))[0] == "G-4 01 .. ..."  # not written
        clock.advance()
        await pilot.press("escape")  # cancel
        await pilot.pause()
        assert pattern_rows(load_song(elsewhere))[0] == "G-4 01 .. ..."
        assert app.session.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        clock.advance()
        await pilot.press("ctrl+s")  # yes, save there
        await written(pilot)
        assert pattern_rows(load_song(elsewhere))[:2] == ["C-4 01 .. ...", "D-4 01 .. ..."]
        assert path.is_symlink() and not app.session.dirty
        await pilot.press("x", "ctrl+s")  # where it leads is known now: no question
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)


async def test_ctrl_s_saves_when_a_folder_sits_where_the_autosave_goes(tmp_path: Path) -> None:
    path = song_file(tmp_path)
    folder = tmp_path / ".verse.toml.autosave"
    folder.mkdir()
    app, _ = app_with_clock(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "x")
        app.autosave()  # to a file of its own: the folder is left alone
        assert app.file.own is not None and app.file.own.is_file()
        await pilot.press("ctrl+s")
        await written(pilot)
        assert app.is_running
        assert "Saved" in app.session.message
        assert pattern_rows(load_song(path))[1] == "D-4 01 .. ..."
        assert folder.is_dir() and not app.file.own.exists()
