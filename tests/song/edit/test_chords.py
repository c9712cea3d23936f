"""Chords on a line: written across the note columns, grown into room, revoiced; one undo each."""

from __future__ import annotations

import pytest

from tests.support.builders import build_song, pattern_rows
from tracker.errors import EditError
from tracker.song.edit import History
from tracker.song.edit.chords import Revoice, WriteChord, chord_at, chord_with_room
from tracker.song.model import Track

TWO_COLUMNS = """
    --- .. .. ... --- .. .. ... | --- .. .. ...
    --- .. .. ... B-5 01 .. ... | --- .. .. ...
"""


def keys() -> History:
    return History(build_song(TWO_COLUMNS, tracks=[Track("Keys", notes=2), Track("Bass")]))


def test_a_chord_too_wide_for_the_track_grows_it_in_the_same_undo_step() -> None:
    history = keys()
    chord = WriteChord("00", 0, 0, 0, (60, 63, 67, 70), 1, 0x50, "Chord Cm7")
    history.do(chord_with_room(history.song, chord))
    assert history.song.tracks[0].notes == 4
    assert pattern_rows(history.song)[0].split("|")[0].split() == [
        *("C-4", "01", "50", "..."),
        *("D#4", "01", "50", "..."),
        *("G-4", "01", "50", "..."),
        *("A#4", "01", "50", "..."),
    ]
    history.undo()
    assert history.song.tracks[0].notes == 2
    assert pattern_rows(history.song)[0].startswith("--- .. .. ... --- .. .. ... |")


def test_a_chord_takes_the_notes_out_of_the_columns_right_of_it() -> None:
    history = keys()
    history.do(WriteChord("00", 1, 0, 0, (48,), 1, None))
    assert chord_at(history.song, "00", 1, 0) == [(0, 48)]


def test_a_chord_wider_than_any_track_is_refused() -> None:
    history = keys()
    chord = WriteChord("00", 0, 0, 8, (60, 64, 67, 71, 74), 1, None)
    with pytest.raises(EditError, match="at most 12"):
        chord_with_room(history.song, chord)


def test_revoicing_keeps_each_cell_but_its_note() -> None:
    history = History(
        build_song("C-4 01 40 ... E-4 02 50 ... G-4 03 60 ...", tracks=[Track("Keys", notes=3)])
    )
    history.do(Revoice("00", 0, 0, (64, 67, 72)))
    assert pattern_rows(history.song)[0] == "E-4 01 40 ... G-4 02 50 ... C-5 03 60 ..."
    with pytest.raises(EditError, match="has 3 notes, not 2"):
        history.do(Revoice("00", 0, 0, (60, 64)))
