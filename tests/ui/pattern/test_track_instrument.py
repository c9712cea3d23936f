"""Each track remembers the instrument its notes were last typed with, across a reopen:
a note typed in the Pad track stays the pad, not the drum kit of the first track.

Real song files in a temporary folder, saved with Ctrl+S and opened in a new app.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.builders import build_song, pattern_rows
from tests.support.pilot import make_app
from tracker.song.model import Instrument, Song, Track
from tracker.song.storage import load_song, save_song

EMPTY = "--- .. .. ... | --- .. .. ...\n--- .. .. ... | --- .. .. ..."


def drums_and_pad() -> Song:
    return build_song(
        EMPTY,
        tracks=[Track("Drums"), Track("Pad")],
        instruments={1: Instrument("Drum kit", bank=128), 2: Instrument("Warm pad", program=89)},
    )


async def test_a_pad_note_typed_after_reopening_is_still_the_pad(tmp_path: Path) -> None:
    path = tmp_path / "song.toml"
    save_song(drums_and_pad(), path)
    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")  # a kick in Drums with 01
        await pilot.press("tab", "up", ">", "c")  # to the Pad, instrument 02, a C
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert pattern_rows(load_song(path))[0] == "C-4 01 .. ... | E-4 02 .. ..."
    assert 'instrument = "02"' in path.read_text()

    app = make_app(load_song(path), path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.editor.instrument == 1, "the cursor starts in Drums"
        await pilot.press("down", "tab", "v")  # an F on the Pad's second line
        await pilot.pause()
        assert app.editor.instrument == 2
        assert pattern_rows(app.session.song)[1] == "--- .. .. ... | F-4 02 .. ..."
        assert "Ins 02" in app.bar.render().plain
        await pilot.press("shift+tab")  # back in Drums: the kit again
        assert app.editor.instrument == 1


async def test_remembering_is_part_of_the_notes_undo_step() -> None:
    app = make_app(drums_and_pad())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", ">", "c")
        assert app.session.song.tracks[1].instrument == 2
        await pilot.press("ctrl+z")
        assert pattern_rows(app.session.song)[0] == "--- .. .. ... | --- .. .. ..."
        assert app.session.song.tracks[1].instrument is None
        await pilot.press("ctrl+y")
        assert app.session.song.tracks[1].instrument == 2


async def test_a_removed_instrument_is_not_taken_up() -> None:
    song = drums_and_pad()
    song.tracks[1].instrument = 7  # remembered, then removed from the song
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "c")
        assert pattern_rows(app.session.song)[0] == "--- .. .. ... | E-4 01 .. ..."
        assert app.session.song.tracks[1].instrument == 1
