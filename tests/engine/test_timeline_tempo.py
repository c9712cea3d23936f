"""Time in the timeline: swing, tempo and lines-per-beat changes, delays, and no drift."""

from __future__ import annotations

from fractions import Fraction

from tests.engine import note_ons, of_kind
from tests.support.builders import build_song
from tracker.engine.events import Kind
from tracker.engine.tempo import TempoMap
from tracker.engine.timeline import compile_song
from tracker.song.model import Cell, Pattern, PatternTrack, Song, Track, empty_cell

EIGHTHS = """
    C-4 01 .. ...
    D-4 .. .. ...
    E-4 .. .. ...
    F-4 .. .. ...
"""
LINE = 0.125
"""One line at 120 bpm, 4 lines per beat."""


def test_swing_delays_odd_lines_by_swing_times_half_a_line() -> None:
    timeline = compile_song(build_song(EIGHTHS, swing=0.5))
    delay = 0.5 * LINE / 2
    assert note_ons(timeline) == [
        (0.0, 60),
        (LINE + delay, 62),
        (2 * LINE, 64),
        (3 * LINE + delay, 65),
    ]
    beats = [e.beat for e in of_kind(timeline, Kind.NOTE_ON)]
    assert beats == [0.0, 0.25 + 0.5 * 0.125, 0.5, 0.75 + 0.5 * 0.125]


def test_swing_leaves_the_line_grid_straight() -> None:
    timeline = compile_song(build_song(EIGHTHS, swing=0.5))
    assert [m.time for m in timeline.lines] == [0.0, LINE, 2 * LINE, 3 * LINE]
    # The swung note ends where the next line starts, on the grid.
    assert (2 * LINE, 62) in [(e.time, e.a) for e in of_kind(timeline, Kind.NOTE_OFF)]


def test_ticks_of_a_swung_line_squeeze_into_what_is_left_of_it() -> None:
    # Full swing: an odd line's content starts half a line late, so its six
    # ticks share the second half: tick 3 sounds three quarters into the line.
    timeline = compile_song(
        build_song(
            """
            C-4 01 .. ...
            D-4 .. .. Q03
            """,
            swing=1.0,
        )
    )
    assert note_ons(timeline)[1] == (LINE + 0.75 * LINE, 62)


def test_a_delay_of_three_ticks_at_six_per_line_lands_half_a_line_late() -> None:
    timeline = compile_song(
        build_song(
            """
            C-4 01 .. ...
            D-4 .. .. Q03
            """,
            tpl=6,
        )
    )
    assert note_ons(timeline) == [(0.0, 60), (1.5 * LINE, 62)]
    # C-4 holds until D-4 really starts.
    assert (1.5 * LINE, 60) in [(e.time, e.a) for e in of_kind(timeline, Kind.NOTE_OFF)]


def test_a_tempo_change_takes_effect_at_the_start_of_its_line() -> None:
    timeline = compile_song(
        build_song(
            """
            C-4 01 .. ...
            --- .. .. ...
            --- .. .. ...
            --- .. .. ...
            D-4 .. .. T3C
            --- .. .. ...
            E-4 .. .. ...
            """,
            bpm=120,
        )
    )
    # Four lines at 120 bpm (0.125 s), then 60 bpm (0.25 s a line).
    assert note_ons(timeline) == [(0.0, 60), (0.5, 62), (1.0, 64)]
    assert [e.beat for e in of_kind(timeline, Kind.NOTE_ON)] == [0.0, 1.0, 1.5]
    tempos = [(e.time, e.bpm) for e in of_kind(timeline, Kind.TEMPO)]
    assert tempos == [(0.0, 120.0), (0.5, 60.0)]
    assert timeline.duration == 1.25
    assert [m.bpm for m in timeline.lines][3:5] == [120.0, 60.0]


def test_a_lines_per_beat_change_shortens_the_lines_but_not_the_beat() -> None:
    timeline = compile_song(
        build_song(
            """
            C-4 01 .. ...
            --- .. .. ...
            D-4 .. .. L08
            E-4 .. .. ...
            F-4 .. .. ...
            """,
            bpm=120,
            lpb=4,
        )
    )
    # 8 lines per beat at 120 bpm: 0.0625 s and 1/8 beat a line; no tempo event.
    assert note_ons(timeline) == [(0.0, 60), (0.25, 62), (0.3125, 64), (0.375, 65)]
    assert [e.beat for e in of_kind(timeline, Kind.NOTE_ON)] == [0.0, 0.5, 0.625, 0.75]
    assert len(of_kind(timeline, Kind.TEMPO)) == 1
    assert [m.lpb for m in timeline.lines] == [4, 4, 8, 8, 8]


def test_a_tempo_below_the_slowest_song_tempo_is_ignored() -> None:
    timeline = compile_song(build_song("C-4 01 .. T03\nD-4 .. .. ...", bpm=120))
    assert note_ons(timeline)[1] == (LINE, 62)


def test_t1e_plays_at_30_bpm() -> None:
    # T1E once was below the T20 floor and ignored; a line at 30 bpm is four at 120.
    timeline = compile_song(build_song("C-4 01 .. T1E\nD-4 .. .. ...", bpm=120))
    assert note_ons(timeline)[1] == (4 * LINE, 62)


def test_a_tempo_set_on_the_first_line_is_the_only_opening_tempo_event() -> None:
    timeline = compile_song(build_song("C-4 01 .. T50\nD-4 .. .. ...", bpm=120))
    assert [(e.time, e.bpm) for e in of_kind(timeline, Kind.TEMPO)] == [(0.0, 80.0)]
    assert note_ons(timeline)[1] == (60 / 80 / 4, 62)


def _long_song(bpm: float, entries: int) -> Song:
    """`entries` times a 512-line pattern, with a note on its last line."""
    track = Track("Click")
    column = [empty_cell()] * 511 + [Cell(note=60, instrument=1)]
    pattern = Pattern(lines=512, tracks=[PatternTrack(columns=[column])])
    song = build_song("C-4 01 .. ...", tracks=[track], bpm=bpm)
    song.patterns = {"long": pattern}
    song.order = ["long"] * entries
    return song


def test_a_long_song_does_not_drift() -> None:
    # 196 x 512 = 100,352 lines at an awkward tempo: line N starts at exactly
    # N * 60 / (bpm * lpb), to the nanosecond, however far in.
    bpm = 123.4
    timeline = compile_song(_long_song(bpm, 196))
    line = Fraction(60) / (Fraction("123.4") * 4)
    assert len(timeline.lines) == 100_352
    for mark in timeline.lines[::997] + timeline.lines[-3:]:
        assert abs(mark.time - float(mark.tick // 6 * line)) < 1e-9
    last_note = of_kind(timeline, Kind.NOTE_ON)[-1]
    assert abs(last_note.time - float(100_351 * line)) < 1e-9
    assert abs(timeline.duration - float(100_352 * line)) < 1e-9


def test_the_tempo_map_agrees_with_exact_arithmetic_across_changes() -> None:
    tempo = TempoMap(bpm=133.3, lpb=4, tpl=6, swing=0.3)
    tempo.change(6 * 10, bpm=90)
    tempo.change(6 * 17, lpb=3)
    for tick in range(0, 6 * 40, 5):
        offset = tick % 6
        position = tempo.position(tick, offset, tempo.swing_shift if (tick // 6) % 2 == 1 else 0)
        seconds, _ = tempo.locate(position)
        assert seconds == float(tempo.exact_time(position))
    # 10 lines at 133.3 bpm, then 7 at 90 bpm, both 4 lines per beat.
    expected = 10 * Fraction(60) / (Fraction("133.3") * 4) + 7 * Fraction(60, 90 * 4)
    assert tempo.exact_time(6 * 17 * tempo.sub) == expected
