"""Pieces of the player's transport that need no ports."""

from __future__ import annotations

from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song
from tracker.player_engine import with_held_offs

from .builders import build_song

HELD = """
    C-4 01 40 ... | E-4 01 40 ... | C-3 01 40 ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    --- .. .. ... | G-4 01 40 ... | --- .. .. ...
    OFF .. .. ... | --- .. .. ... | --- .. .. ...
    D-4 01 40 ... | OFF .. .. ... | OFF .. .. ...
"""


def test_an_edit_swapped_in_mid_note_gets_the_held_notes_offs_in_time_order() -> None:
    timeline = compile_song(build_song(HELD), start_line=1)
    assert {note for _, _, _, note in timeline.held} == {60, 64, 48}
    merged = with_held_offs(timeline)
    assert merged.held_offs == []
    assert merged.events == sorted(
        [*timeline.events, *timeline.held_offs], key=lambda e: e.sort_key
    )
    offs = [(e.time, e.a) for e in merged.events if e.kind == Kind.NOTE_OFF]
    assert (timeline.lines[2].time, 60) in offs  # C-4's OFF on line 3 (the start is line 1)
    assert [e.a for e in merged.events if e.kind == Kind.NOTE_ON] == [67, 62]
