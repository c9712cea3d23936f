"""Grooves and humanise: each line as late as its template says, each track by its own
groove, swing songs exactly as they were, and humanise spread the same way every time."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.engine import note_ons
from tests.support.builders import build_song
from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song
from tracker.song.grooves import PRESETS
from tracker.song.model import Groove, Humanise, Track

LINE = 0.125
"""One line at 120 bpm, 4 lines per beat."""
FOUR = """
    C-4 01 .. ... | C-3 01 .. ...
    D-4 01 .. ... | D-3 01 .. ...
    E-4 01 .. ... | E-3 01 .. ...
    F-4 01 .. ... | F-3 01 .. ...
"""


def starts(song_text: str = FOUR, **settings: object) -> list[tuple[float, int]]:
    song = build_song(song_text)
    for name, value in settings.items():
        setattr(song, name, value)
    return note_ons(compile_song(song))


def test_a_groove_delays_each_line_by_its_template_repeating() -> None:
    heard = starts(groove="mine", grooves={"mine": Groove((0.0, 0.5, 0.25))})
    lines_late = {note: round(time / LINE - index, 6) for index, (time, note) in _by_line(heard)}
    assert lines_late == {60: 0.0, 62: 0.5, 64: 0.25, 65: 0.0, 48: 0.0, 50: 0.5, 52: 0.25, 53: 0.0}


def _by_line(heard: list[tuple[float, int]]) -> list[tuple[int, tuple[float, int]]]:
    order = {60: 0, 62: 1, 64: 2, 65: 3, 48: 0, 50: 1, 52: 2, 53: 3}
    return [(order[note], (time, note)) for time, note in heard]


def test_an_mpc_swing_preset_puts_the_second_sixteenth_at_its_percentage() -> None:
    heard = dict((note, time) for time, note in starts(groove="swing-66"))
    pair = 2 * LINE
    assert heard[62] == pytest.approx(0.66 * pair)
    assert heard[65] == pytest.approx(pair + 0.66 * pair)


def test_a_track_with_its_own_groove_moves_alone() -> None:
    song = build_song(FOUR, tracks=[Track("Keys", groove="swing-75"), Track("Bass")])
    heard = dict((note, time) for time, note in note_ons(compile_song(song)))
    assert heard[62] == pytest.approx(LINE * 1.5)  # swing-75: half a line late
    assert heard[50] == pytest.approx(LINE)  # the bass stays on the grid


def test_events_stay_in_time_order_when_tracks_have_different_grooves() -> None:
    song = build_song(
        """
        C-4 01 .. ... | --- .. .. ...
        D-4 01 .. ... | C-3 01 .. Q02
        """,
        tracks=[Track("Late", groove="late"), Track("Straight")],
    )
    song.grooves = {"late": Groove((0.0, 0.9))}
    timeline = compile_song(song)
    times = [e.time for e in timeline.events]
    assert times == sorted(times)
    # The straight track's delayed note comes first, though its tick is later.
    assert [note for _, note in note_ons(timeline)] == [60, 48, 62]


def test_swing_is_the_two_line_groove_it_always_was() -> None:
    swung = compile_song(build_song(FOUR, swing=0.3))
    as_groove = build_song(FOUR)
    as_groove.grooves = {"same": Groove((0.0, 0.15))}
    as_groove.groove = "same"
    assert [(e.time, e.beat) for e in swung.events] == [
        (e.time, e.beat) for e in compile_song(as_groove).events
    ]
    # and the odd line lands where swing 0.3 always put it, exactly
    assert note_ons(swung)[2] == (float(Fraction(1, 8) + Fraction(3, 10) * Fraction(1, 16)), 62)


def test_every_preset_keeps_the_grid_and_the_order_of_lines() -> None:
    for name in PRESETS:
        song = build_song(FOUR)
        song.groove = name
        timeline = compile_song(song)
        assert [m.time for m in timeline.lines] == [0.0, LINE, 2 * LINE, 3 * LINE], name
        keys = [t for t, note in note_ons(timeline) if note >= 60]
        assert keys == sorted(keys) and all(
            i * LINE <= t < (i + 1) * LINE for i, t in enumerate(keys)
        ), name


def test_humanise_spreads_velocity_and_timing_within_its_bounds_the_same_every_time() -> None:
    text = "\n".join(["C-4 01 50 ..."] * 64)
    song = build_song(text)
    song.seed = 11
    song.humanise = Humanise(velocity=10, timing=0.5)
    first = compile_song(song)
    assert [tuple(e) for e in first.events] == [tuple(e) for e in compile_song(song).events]
    ons = [e for e in first.events if e.kind == Kind.NOTE_ON]
    velocities = {e.b for e in ons}
    assert min(velocities) >= 0x50 - 10 and max(velocities) <= 0x50 + 10
    assert len(velocities) > 5
    tick = LINE / 6
    late = [e.time - (e.tick // 6) * LINE for e in ons]
    assert all(0 <= d <= 0.5 * tick + 1e-12 for d in late)
    assert len({round(d, 9) for d in late}) > 10
    offs = [e for e in first.events if e.kind == Kind.NOTE_OFF]
    assert all(off.time == (off.tick // 6) * LINE for off in offs)  # offs stay on the grid


def test_humanise_off_leaves_the_song_exact() -> None:
    song = build_song(FOUR)
    song.seed = 11
    assert note_ons(compile_song(song)) == [
        (0.0, 60),
        (0.0, 48),
        (LINE, 62),
        (LINE, 50),
        (2 * LINE, 64),
        (2 * LINE, 52),
        (3 * LINE, 65),
        (3 * LINE, 53),
    ]


def test_a_groove_in_ticks_delays_each_line_by_so_many_ticks() -> None:
    heard = starts(groove="ticks", grooves={"ticks": Groove((0.0, 3.0), in_ticks=True)})
    assert dict((n, t) for t, n in heard)[62] == pytest.approx(LINE * 1.5)  # 3 of 6 ticks


def test_a_tick_groove_longer_than_a_line_now_holds_at_nine_tenths_of_one() -> None:
    # Written at 6 ticks per line, played at 3 (the song's tpl lowered after).
    song = build_song(FOUR, tpl=3)
    song.grooves = {"ticks": Groove((0.0, 5.0), in_ticks=True)}
    song.groove = "ticks"
    assert dict((n, t) for t, n in note_ons(compile_song(song)))[62] == pytest.approx(LINE * 1.9)
