"""The cursor model on its own, no app: beats and bars, tracks that wrap, a selection that grows.

A default song has four tracks of one note column and one effect slot (eight
cursor stops each: note, two instrument digits, two volume digits, the effect
letter and its two digits), 64 lines and 4 lines per beat.
"""

from __future__ import annotations

from tracker.song.model import Pattern, Song, Track
from tracker.ui.pattern.cursor import Cursor, PatternCursor
from tracker.ui.pattern.layout import Kind
from tracker.ui.session import Session

LAST_FIELD = 7
"""Of a plain track: the effect value's low digit."""


def cursor_on(song: Song) -> PatternCursor:
    return PatternCursor(Session(song))


def test_a_beat_is_the_songs_lines_per_beat_and_a_bar_is_four_beats() -> None:
    model = cursor_on(Song.new(lines=64))
    model.go(model.beats_on(1))
    assert model.cursor.line == 4
    model.go(model.bars_on(1))
    assert model.cursor.line == 20  # one beat and one bar down
    model.go(model.beats_on(-2))
    assert model.cursor.line == 12


def test_in_six_eight_at_three_lines_a_beat_a_bar_is_twelve_lines() -> None:
    song = Song.new(lines=96)
    song.lpb = 3
    model = cursor_on(song)
    model.go(model.bars_on(2))
    assert model.cursor.line == 24


def test_the_cursor_stays_on_the_pattern_at_either_end() -> None:
    model = cursor_on(Song.new(lines=32))
    model.go(model.bars_on(-1))
    assert model.cursor.line == 0
    model.go(model.bars_on(5))
    assert model.cursor.line == 31
    model.go(model.line_at(0))
    model.go(model.line_at(-1))  # End: the last line, however long the pattern
    assert model.cursor.line == 31


def test_right_from_a_tracks_last_field_enters_the_next_track_and_the_last_wraps_to_the_first() -> (
    None
):
    model = cursor_on(Song.new(tracks=4))
    model.go(Cursor(0, 0, LAST_FIELD))
    model.go(model.field_on(1))
    assert (model.cursor.track, model.field.kind) == (1, Kind.NOTE)
    model.go(Cursor(0, 3, LAST_FIELD))
    model.go(model.field_on(1))
    assert (model.cursor.track, model.cursor.field) == (0, 0)
    model.go(model.field_on(-1))  # and back: left from the first track's note
    assert (model.cursor.track, model.cursor.field) == (3, LAST_FIELD)


def test_tab_lands_on_the_next_tracks_note_and_wraps_round() -> None:
    model = cursor_on(Song.new(tracks=3))
    model.go(Cursor(5, 0, 3))  # on track 0's volume
    model.go(model.track_on(1))
    assert model.cursor == Cursor(5, 1, 0)
    model.go(model.track_on(2))
    assert model.cursor == Cursor(5, 0, 0)
    model.go(model.track_on(-1))
    assert model.cursor == Cursor(5, 2, 0)


def test_shift_down_grows_the_selection_from_where_the_cursor_was_and_a_plain_move_drops_it() -> (
    None
):
    model = cursor_on(Song.new())
    model.go(model.line_at(4))
    for _ in range(3):
        model.go(model.lines_on(1), extend=True)
    selection = model.selection
    assert selection is not None
    assert list(selection.lines) == [4, 5, 6, 7]
    model.go(model.lines_on(-1), extend=True)  # shrinks back towards the anchor
    assert model.selection is not None and list(model.selection.lines) == [4, 5, 6]
    model.go(model.lines_on(1))
    assert model.selection is None and model.mark is None


def test_shift_right_grows_a_whole_column_at_a_time_across_tracks_and_stops_at_the_end() -> None:
    song = Song.new()
    song.tracks = [Track("Chords", notes=2), Track("Bass")]
    song.patterns = {"00": Pattern.empty(song.tracks, 16)}
    model = cursor_on(song)
    step = model.column_on(1)  # from the first note column to the second
    assert step is not None
    model.go(step, extend=True)
    assert (model.cursor.track, model.field.kind, model.field.column) == (0, Kind.NOTE, 1)
    step = model.column_on(1)  # on into the bass
    assert step is not None
    model.go(step, extend=True)
    assert (model.cursor.track, model.field.kind) == (1, Kind.NOTE)
    selection = model.selection
    assert selection is not None
    assert (selection.start_track, selection.start_column) == (0, 0)
    assert (selection.end_track, selection.end_column) == (1, 0)
    assert model.column_on(1) is None  # the bass is the last column of the song
    model.go(model.track_on(-1))
    assert model.column_on(-1) is None  # nor is there one left of the first


def test_a_whole_track_is_anchored_at_its_top_and_ends_at_its_bottom() -> None:
    model = cursor_on(Song.new(tracks=2, lines=16))
    model.go(Cursor(6, 1, 2))
    model.select(model.whole_track())
    assert model.mark == Cursor(0, 1, 0)
    assert model.cursor.line == 15 and model.cursor.track == 1
    assert model.block() == model.selection


def test_without_a_selection_the_block_is_the_cell_under_the_cursor() -> None:
    model = cursor_on(Song.new())
    model.go(Cursor(9, 2, 4))
    block = model.block()
    assert list(block.lines) == [9]
    assert (block.start_track, block.end_track) == (2, 2)


def test_a_shorter_pattern_keeps_the_cursor_on_its_last_line_and_drops_the_selection() -> None:
    song = Song.new(lines=64)
    song.patterns["01"] = Pattern.empty(song.tracks, 16)
    song.order.append("01")
    model = cursor_on(song)
    model.go(model.line_at(40))
    model.go(model.lines_on(2), extend=True)
    assert model.order_on(1) == ("01", 1)
    assert model.order_on(5) == ("01", 1)  # held at the last entry
    model.show_pattern("01", 1)
    assert (model.pattern_name, model.order, model.cursor.line) == ("01", 1, 15)
    assert model.selection is None


def test_removing_the_track_under_the_cursor_keeps_the_cursor_on_a_track() -> None:
    song = Song.new(tracks=3)
    model = cursor_on(song)
    model.go(Cursor(3, 2, LAST_FIELD))
    del song.tracks[2]
    for pattern in song.patterns.values():
        del pattern.tracks[2]
    model.reshape()
    assert model.cursor == Cursor(3, 1, LAST_FIELD)
    assert len(model.grid.fields) == 2


def chords_and_bass() -> PatternCursor:
    """A three-note chord track with two CC lanes, then a plain bass track."""
    song = Song.new()
    song.tracks = [Track("Chords", notes=3, cc=["cutoff", "pan"]), Track("Bass")]
    song.patterns = {"00": Pattern.empty(song.tracks, 16)}
    return cursor_on(song)


def test_ctrl_right_steps_by_note_column_then_cc_lane_then_into_the_next_track() -> None:
    model = chords_and_bass()
    model.go(Cursor(2, 0, 3))  # mid-way through the first chord note's fields (volume)
    seen = []
    for _ in range(6):
        model.go(model.lane_on(1))
        seen.append((model.cursor.track, model.field.kind, model.field.column, model.field.digit))
    assert seen == [
        (0, Kind.NOTE, 1, 0),
        (0, Kind.NOTE, 2, 0),
        (0, Kind.CC, 0, 0),
        (0, Kind.CC, 1, 0),
        (1, Kind.NOTE, 0, 0),
        (0, Kind.NOTE, 0, 0),  # round from the last track to the first
    ]
    assert model.cursor.line == 2
    model.go(model.lane_on(-1))  # and back, round to the bass
    assert (model.cursor.track, model.field.kind) == (1, Kind.NOTE)
    model.go(model.lane_on(-1))  # into the chords' last CC lane, at its first digit
    assert (model.cursor.track, model.field.kind, model.field.column, model.field.digit) == (
        0,
        Kind.CC,
        1,
        0,
    )


def test_alt_c_jumps_to_the_cc_lanes_walks_them_and_comes_back_to_the_notes() -> None:
    model = chords_and_bass()
    model.go(Cursor(5, 0, 9))  # on the second chord note's instrument
    lanes = []
    for _ in range(3):
        target = model.cc_lane_on()
        assert target is not None
        model.go(target)
        lanes.append((model.field.kind, model.field.column))
    assert lanes == [(Kind.CC, 0), (Kind.CC, 1), (Kind.NOTE, 0)]
    model.go(model.track_on(1))
    assert model.cc_lane_on() is None  # the bass has no CC lanes
