"""Open and Save as list the folder's songs and subfolders, complete names, and add .toml.

A real folder per test (tmp_path): songs written by tracker.song.storage, a
subfolder of sketches, an autosave and a backup that are not songs to open.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from tests.support.builders import build_song, pattern_rows
from tests.support.pilot import make_app
from tests.ui.screens.test_dialog_fields import burst
from tracker.song.storage import load_song, save_song
from tracker.ui.app import TrackerApp
from tracker.ui.screens.file_dialog import FileDialog

VERSE = "C-4 01 .. ...\n--- .. .. ..."
CHORUS = "A-3 01 .. ...\n--- .. .. ..."


def studio(folder: Path) -> Path:
    """verse.toml and chorus.toml, sketches/ with bridge.toml, and files that are not songs."""
    save_song(build_song(VERSE), folder / "verse.toml")
    save_song(build_song(CHORUS), folder / "chorus.toml")
    (folder / "sketches").mkdir()
    save_song(build_song("E-4 01 .. ...\n--- .. .. ..."), folder / "sketches" / "bridge.toml")
    (folder / ".verse.toml.autosave").write_text("autosave")
    (folder / "notes.txt").write_text("not a song")
    return folder / "verse.toml"


def open_in_studio(folder: Path) -> TrackerApp:
    """The editor with the studio's verse.toml open, its folder the dialogs' start."""
    verse = studio(folder)
    return make_app(load_song(verse), verse)


def listed(app: TrackerApp) -> list[str]:
    assert isinstance(app.screen, FileDialog)
    return [entry.shown for entry in app.screen.shown.entries]


def typed(app: TrackerApp) -> str:
    return app.screen.query_one("#field-path", Input).value


def error(app: TrackerApp) -> str:
    return str(app.screen.query_one("#dialog-error").render())


async def test_open_lists_the_folders_songs_and_subfolders_and_typing_filters(
    tmp_path: Path,
) -> None:
    app = open_in_studio(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        # Folders first (.. leads up), then songs; no autosave, backup or text file.
        assert listed(app) == ["../", "sketches/", "chorus.toml", "verse.toml"]
        await pilot.press("c")
        assert listed(app) == ["chorus.toml"]
        await pilot.press("enter")  # "c" is no song, and chorus.toml is not guessed
        assert "there is no song" in error(app)
        await pilot.press("tab")  # completes the only match
        assert typed(app) == "chorus.toml"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.path == tmp_path / "chorus.toml"
        assert pattern_rows(app.session.song)[0] == "A-3 01 .. ..."


async def test_tab_on_a_folder_enters_it_and_enter_opens_a_song_picked_with_down(
    tmp_path: Path,
) -> None:
    app = open_in_studio(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o", "s", "tab")
        await pilot.pause()
        assert typed(app) == "sketches/"
        assert listed(app) == ["../", "bridge.toml"]
        await pilot.press("down", "down", "enter")  # .., then bridge.toml
        await pilot.pause()
        assert app.session.path == tmp_path / "sketches" / "bridge.toml"


async def test_enter_on_a_picked_folder_enters_it_and_keys_typed_at_once_follow_it(
    tmp_path: Path,
) -> None:
    app = open_in_studio(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        burst(app, "down", "down", "enter", "b", "r")  # sketches/, then "br" at once
        await pilot.pause()
        assert typed(app) == "sketches/br"
        assert listed(app) == ["bridge.toml"]
        await pilot.press("backspace", "backspace")
        burst(app, "down", "enter", "v")  # .. goes back up, and "v" follows it
        await pilot.pause()
        assert typed(app) == "v"
        assert listed(app) == ["verse.toml"]


async def test_up_and_down_pick_without_touching_the_typed_name(tmp_path: Path) -> None:
    app = open_in_studio(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")  # Save as offers the song's own name
        await pilot.pause()
        assert typed(app) == "verse.toml"
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press("up", "down", "pageup", "pagedown", "home", "end")
        assert typed(app) == "verse"
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.path == tmp_path / "verse.toml"


async def test_save_as_adds_toml_to_a_name_without_an_extension(tmp_path: Path) -> None:
    app = open_in_studio(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x", "f3")
        await pilot.pause()
        await pilot.press(*["backspace"] * len("verse.toml"), *"sketches/second take", "enter")
        await pilot.pause()
        saved = tmp_path / "sketches" / "second take.toml"
        assert app.session.path == saved
        assert not app.session.dirty
        assert pattern_rows(load_song(saved))[0] == "D-4 01 .. ...", "x typed a D"
        assert not (tmp_path / "sketches" / "second take").exists()


async def test_save_as_keeps_an_extension_that_was_typed(tmp_path: Path) -> None:
    app = open_in_studio(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *["backspace"] * len("verse.toml"), *"take.song", "enter")
        await pilot.pause()
        assert app.session.path == tmp_path / "take.song"


async def test_save_as_a_new_song_starts_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    studio(tmp_path)
    monkeypatch.chdir(tmp_path)
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert "chorus.toml" in listed(app)
        await pilot.press("enter")
        assert "type a file name" in error(app)
        await pilot.press(*"new", "enter")
        await pilot.pause()
        assert app.session.path == tmp_path / "new.toml"
        assert (tmp_path / "new.toml").is_file()


async def test_a_burst_of_name_tab_name_enter_is_taken_in_order(tmp_path: Path) -> None:
    app = open_in_studio(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        burst(app, *["backspace"] * len("verse.toml"), "s", "k", "tab", *"take", "enter")
        await pilot.pause()
        assert app.session.path == tmp_path / "sketches" / "take.toml"
