"""Saving, the unsaved-changes prompt, autosave and recovery, and reloading a song changed on disk.

Real files in a temporary folder, written and read by tracker.song.storage.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from pathlib import Path

from tests.support.builders import build_song, pattern_rows
from tests.support.fake_clock import FakeClock
from tests.support.pilot import make_app, written
from tracker.song.fileformat import dumps
from tracker.song.model import Cell, Instrument, Pattern, PatternTrack, Song, Track
from tracker.song.recovery import read_recovery, recovery_path
from tracker.song.storage import load_song, save_song
from tracker.ui.app import TrackerApp
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


def _big_song() -> Song:
    """64 tracks x 30 patterns x 64 lines of varied notes: 2 MB of text, whose save
    (serialised, read back and compared) takes far longer than a key takes."""
    tracks = [Track(f"T{t + 1}") for t in range(64)]
    notes = [Cell(note=36 + i % 48, instrument=1, volume=i % 128) for i in range(48 * 7)]
    patterns = {
        f"p{p:02d}": Pattern(
            64,
            [
                PatternTrack(
                    [
                        [
                            notes[(p * 7 + t * 13 + line * 5) % len(notes)]
                            if (line + t) % 2 == 0
                            else Cell()
                            for line in range(64)
                        ]
                    ]
                )
                for t in range(64)
            ],
        )
        for p in range(30)
    }
    return Song(
        title="Big",
        order=list(patterns),
        instruments={1: Instrument("Piano")},
        tracks=tracks,
        patterns=patterns,
    )


async def _type(app: TrackerApp, keys: list[str], state: Callable[[], bool]) -> bool:
    """Post note `keys` to the app (they land on line 1 and down), wait until the last one
    has landed, and tell `state()` then."""
    for key in keys:
        app.simulate_key(key)
    for _ in range(500):
        if app.session.song.cell("p00", 0, 0, len(keys)).note:
            return state()
        await asyncio.sleep(0.002)
    raise AssertionError("the keys were not handled within a second")


async def test_a_big_song_is_saved_on_a_worker_while_the_keys_go_on(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    save_song(_big_song(), path)
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")  # D-4 at the cursor
        # Ctrl+S's action, then keys typed while the song is being written, straight to
        # the app: Pilot's press waits until the process is idle (up to a second), which
        # would wait for the save.
        app.action_save()
        saving_when_typed = await _type(app, ["c"], lambda: app.saving)
        assert saving_when_typed, "the save finished before the next keys were handled"
        assert app.session.song.cell("p00", 0, 0, 1).note == 64  # E-4
        await written(pilot)
        assert not app.saving and "Saved" in app.session.message
        saved = load_song(path)
        assert saved.cell("p00", 0, 0, 0).note == 62  # the edit before Ctrl+S is saved
        assert saved.cell("p00", 0, 0, 1) == Cell()  # the one typed during it is not
        assert app.session.dirty  # and it is still to save
    assert dumps(saved).encode() == path.read_bytes()


async def test_the_timer_autosave_writes_on_a_worker_and_never_the_song(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    save_song(_big_song(), path)
    before = path.read_bytes()
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        app.autosave_in_background()
        autosaving_when_typed = await _type(app, ["c"], lambda: app.autosaving)
        assert autosaving_when_typed, "the autosave finished before the next keys were handled"
        await written(pilot)
        assert not app.autosaving
        recovered = load_song(recovery_path(path))
        assert recovered.cell("p00", 0, 0, 0).note == 62
        assert recovered.cell("p00", 0, 0, 1) == Cell()
        assert path.read_bytes() == before


async def test_keys_typed_while_a_big_song_is_autosaved_all_land_and_the_autosave_is_the_song_as_it_began(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.toml"
    save_song(_big_song(), path)
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")  # D-4 on line 0, the cursor on to line 1
        as_it_began = dumps(app.session.song).encode()
        app.autosave_in_background()
        # E-4, F-4, G-4 on lines 1 to 3, typed while the autosave is made and written
        autosaving_when_typed = await _type(app, ["c", "v", "b"], lambda: app.autosaving)
        assert autosaving_when_typed, "the autosave finished before the keys were handled"
        await written(pilot)
        assert [app.session.song.cell("p00", 0, 0, line).note for line in range(4)] == [
            62,
            64,
            65,
            67,
        ]
        assert recovery_path(path).read_bytes() == as_it_began
        app.autosave_in_background()  # the next tick holds the keys typed meanwhile
        await written(pilot)
        recovered = load_song(recovery_path(path))
        assert [recovered.cell("p00", 0, 0, line).note for line in range(4)] == [62, 64, 65, 67]
