"""Tracks at their own length (polymeter): a track looping its first N lines through
a longer pattern, as every reader of the score hears it."""

from __future__ import annotations

from tests.support.builders import build_song
from tracker.engine.events import Kind, Timeline
from tracker.engine.timeline import compile_song
from tracker.song.model import Song

BASS_AND_HATS = "\n".join(
    ["C-2 01 .. ... | F#2 01 .. ..."]
    + ["--- .. .. ... | --- .. .. ..."] * 4
    + ["--- .. .. ... | A#2 01 .. ..."]
    + ["--- .. .. ... | --- .. .. ..."] * 10
)
"""16 lines: a bass note on line 0, a hi-hat figure on lines 0 and 5."""


def lines_struck(timeline: Timeline, song: Song, track: int) -> list[tuple[int, int]]:
    """(line from the song's start, note) of each note-on of a track."""
    return [
        (e.tick // song.tpl, e.a)
        for e in timeline.events
        if e.kind == Kind.NOTE_ON and e.track == track
    ]


def test_a_12_line_loop_runs_against_a_16_line_pattern() -> None:
    song = build_song(BASS_AND_HATS, order=["00", "00"])
    song.patterns["00"].tracks[1].loop = 12
    timeline = compile_song(song)
    hats = lines_struck(timeline, song, 1)
    # Each pass of the pattern restarts the figure: lines 0, 5, then 12 (= 0 again).
    assert hats == [(0, 42), (5, 46), (12, 42), (16, 42), (21, 46), (28, 42)]
    assert lines_struck(timeline, song, 0) == [(0, 36), (16, 36)]


def test_a_loop_the_pattern_is_not_longer_than_plays_as_written() -> None:
    song = build_song(BASS_AND_HATS)
    plain = compile_song(song).events
    song.patterns["00"].tracks[1].loop = 16
    assert compile_song(song).events == plain


def test_the_lines_after_the_loop_are_not_heard() -> None:
    song = build_song(BASS_AND_HATS)
    song.patterns["00"].tracks[1].loop = 4
    hats = lines_struck(compile_song(song), song, 1)
    assert hats == [(0, 42), (4, 42), (8, 42), (12, 42)]  # line 5's A#2 is past the loop
