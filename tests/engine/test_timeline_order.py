"""Which lines play: jumps, breaks, loop protection, play from cursor, ranges."""

from __future__ import annotations

import pytest

from tests.engine import note_ons, played_lines
from tests.support.builders import build_song
from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song
from tracker.errors import TrackerError
from tracker.song.model import Instrument

A = "C-4 01 .. ...\n--- .. .. ...\n--- .. .. ..."
B = "D-4 .. .. ...\n--- .. .. ...\n--- .. .. ..."
C = "E-4 .. .. ...\n--- .. .. ...\n--- .. .. ..."


def test_the_order_list_plays_its_patterns_in_turn() -> None:
    timeline = compile_song(build_song(A, B, order=["00", "01", "00"]))
    assert [n for _, n in note_ons(timeline)] == [60, 62, 60]
    assert [m.pattern for m in timeline.lines] == ["00"] * 3 + ["01"] * 3 + ["00"] * 3


def test_a_jump_goes_to_the_start_of_an_order_entry_after_its_line() -> None:
    jumping = "C-4 01 .. ...\n--- .. .. B02\n--- .. .. ..."
    timeline = compile_song(build_song(jumping, B, C))
    assert played_lines(timeline) == [(0, 0), (0, 1), (2, 0), (2, 1), (2, 2)]


def test_a_break_goes_to_a_line_of_the_next_order_entry() -> None:
    breaking = "C-4 01 .. K02\n--- .. .. ...\n--- .. .. ..."
    timeline = compile_song(build_song(breaking, B))
    assert played_lines(timeline) == [(0, 0), (1, 2)]


def test_jump_and_break_on_one_line_go_to_that_line_of_that_entry() -> None:
    both = """
        C-4 01 .. ... | --- .. .. ...
        --- .. .. B02 | --- .. .. K01
        --- .. .. ... | --- .. .. ...
    """
    rest = "D-4 .. .. ... | --- .. .. ...\n--- .. .. ... | --- .. .. ...\n--- .. .. ... | --- .. .. ..."
    timeline = compile_song(build_song(both, rest, rest))
    assert played_lines(timeline) == [(0, 0), (0, 1), (2, 1), (2, 2)]


def test_a_jump_back_forever_plays_through_once_then_ends() -> None:
    looping = "D-4 .. .. ...\n--- .. .. ...\n--- .. .. B00"
    timeline = compile_song(build_song(A, looping))
    assert played_lines(timeline) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
    assert timeline.duration == 6 * 0.125


def test_a_loop_guard_of_two_plays_the_loop_twice() -> None:
    looping = "D-4 .. .. ...\n--- .. .. ...\n--- .. .. B00"
    timeline = compile_song(build_song(A, looping), loop_guard=2)
    assert len(timeline.lines) == 12
    assert [n for _, n in note_ons(timeline)] == [60, 62, 60, 62]


def test_a_line_that_jumps_to_itself_plays_once() -> None:
    timeline = compile_song(build_song("C-4 01 .. B00"))
    assert played_lines(timeline) == [(0, 0)]


def test_play_from_the_cursor_starts_the_clock_there() -> None:
    timeline = compile_song(build_song(A, B, C), start_order=1, start_line=1)
    assert played_lines(timeline)[0] == (1, 1)
    assert timeline.lines[0].time == 0.0
    assert note_ons(timeline) == [(2 * 0.125, 64)]


def test_play_from_the_cursor_keeps_the_tempo_and_instrument_set_before_it() -> None:
    before = "C-4 02 .. T3C\n--- .. .. ...\n--- .. .. ..."
    instruments = {1: Instrument("Piano"), 2: Instrument("Bass", program=33)}
    song = build_song(before, B, instruments=instruments)
    timeline = compile_song(song, start_order=1)
    # 60 bpm: 0.25 s a line; D-4 plays on the Bass (the column's sticky instrument).
    assert timeline.lines[1].time == 0.25
    first = next(e for e in timeline.events if e.kind == Kind.NOTE_ON)
    assert first.instrument == 2
    assert [(e.a, e.time) for e in timeline.events if e.kind == Kind.PROGRAM][-1] == (33, 0.0)


def test_end_order_stops_before_that_entry() -> None:
    timeline = compile_song(build_song(A, B, C), start_order=1, end_order=2)
    assert {m.order for m in timeline.lines} == {1}
    assert timeline.duration == 3 * 0.125


def test_a_start_outside_the_song_is_refused() -> None:
    song = build_song(A, B)
    with pytest.raises(TrackerError, match="order list has 2 entries"):
        compile_song(song, start_order=5)
    with pytest.raises(TrackerError, match='pattern "00" has 3 lines'):
        compile_song(song, start_line=3)


def test_an_empty_order_list_is_a_silent_empty_timeline() -> None:
    song = build_song(A, order=[])
    timeline = compile_song(song)
    assert timeline.lines == [] and timeline.duration == 0.0
    assert not [e for e in timeline.events if e.kind == Kind.NOTE_ON]
