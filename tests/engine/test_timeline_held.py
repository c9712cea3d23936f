"""Compiled from mid-song, the timeline says which notes were already ringing there
and where the song would end them, without putting stray note-offs in its events."""

from __future__ import annotations

from tests.engine import assert_no_stuck_notes
from tests.support.builders import build_song
from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song

PAD_AND_BEAT = """
E-4 01 50 ... | C-3 01 64 ...
--- .. .. ... | C-3 01 64 ...
--- .. .. ... | C-3 01 64 ...
--- .. .. ... | C-3 01 64 ...
OFF .. .. ... | C-3 01 64 ...
--- .. .. ... | C-3 01 64 ...
"""


def test_a_note_struck_before_the_start_is_held_and_its_off_kept_apart() -> None:
    song = build_song(PAD_AND_BEAT, bpm=120)  # lines of 0.125 s
    timeline = compile_song(song, start_line=2)
    assert (0, 0, 0, 64) in timeline.held  # the pad's E-4, struck on line 0
    offs = [(e.track, e.a, e.time) for e in timeline.held_offs]
    assert (0, 64, 2 * 0.125) in offs  # its OFF on line 4, two lines after the start
    assert_no_stuck_notes(timeline)  # the events themselves start clean
    assert all(e.a != 64 for e in timeline.events if e.kind is Kind.NOTE_OFF)


def test_a_start_at_the_top_holds_nothing() -> None:
    timeline = compile_song(build_song(PAD_AND_BEAT))
    assert timeline.held == [] and timeline.held_offs == []
