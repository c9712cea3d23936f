"""Note effects in the timeline: cut, retrigger, arpeggio, slides, glide, vibrato, bend, program.

At 120 bpm, 4 lines per beat and 6 ticks per line, a tick is 1/48 s.
"""

from __future__ import annotations

import itertools

from tests.engine import assert_no_stuck_notes, bends, note_offs, note_ons, of_kind
from tests.support.builders import build_song
from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song
from tracker.song.model import Instrument

TICK = 0.125 / 6


def close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-12


def test_a_cut_ends_the_note_after_its_ticks() -> None:
    timeline = compile_song(build_song("C-4 01 .. C03\n--- .. .. ..."))
    assert note_offs(timeline) == [(3 * TICK, 60)]


def test_a_cut_counts_from_the_delayed_start() -> None:
    timeline = compile_song(build_song("C-4 01 .. Q02\n--- .. .. C01"))
    assert note_ons(timeline) == [(2 * TICK, 60)]
    assert note_offs(timeline) == [(6 * TICK + TICK, 60)]


def test_a_note_cut_at_once_never_sounds() -> None:
    timeline = compile_song(build_song("C-4 01 .. ...\nD-4 .. .. C00\n--- .. .. ..."))
    assert [n for _, n in note_ons(timeline)] == [60]
    assert_no_stuck_notes(timeline)


def test_retrigger_every_two_ticks_plays_three_times_a_line() -> None:
    timeline = compile_song(build_song("C-4 01 40 R02\n--- .. .. ..."))
    ons = of_kind(timeline, Kind.NOTE_ON)
    assert [round(e.time / TICK) for e in ons] == [0, 2, 4]
    assert {e.a for e in ons} == {60}
    assert [e.b for e in ons] == [0x40] * 3
    assert_no_stuck_notes(timeline)


def test_retrigger_changes_velocity_by_its_x() -> None:
    timeline = compile_song(build_song("C-4 01 40 RF2\n--- .. .. ..."))
    assert [e.b for e in of_kind(timeline, Kind.NOTE_ON)] == [0x40, 0x7F, 0x7F]
    timeline = compile_song(build_song("C-4 01 40 R52\n--- .. .. ..."))
    assert [e.b for e in of_kind(timeline, Kind.NOTE_ON)] == [0x40, 0x30, 0x20]


def test_retrigger_on_a_line_without_a_note_starts_at_its_first_tick() -> None:
    timeline = compile_song(build_song("C-4 01 .. ...\n--- .. .. R03\n--- .. .. ..."))
    assert [round(e.time / TICK) for e in of_kind(timeline, Kind.NOTE_ON)] == [0, 6, 9]


def test_arpeggio_cycles_note_and_its_two_intervals_tick_by_tick() -> None:
    timeline = compile_song(build_song("C-4 01 .. A37\n--- .. .. ...\n--- .. .. ..."))
    ons = note_ons(timeline)
    assert [n for _, n in ons] == [60, 63, 67, 60, 63, 67, 60]
    assert all(close(t, i * TICK) for (t, _), i in zip(ons[:6], range(6), strict=True))
    # The next line, without the arpeggio, goes back to the written note.
    assert close(ons[6][0], 6 * TICK)
    assert_no_stuck_notes(timeline)


def test_a_slide_up_bends_higher_every_tick_after_the_first() -> None:
    timeline = compile_song(build_song("C-4 01 .. U04\n--- .. .. U04\n--- .. .. ..."))
    values = bends(timeline)
    assert values == [4 * 256 * n for n in range(1, 8)] + [8191]
    assert all(a < b for a, b in itertools.pairwise(values))
    times = [e.time for e in of_kind(timeline, Kind.PITCH_BEND)]
    assert close(times[0], TICK) and close(times[5], 7 * TICK)


def test_a_slide_down_stops_at_the_bottom_of_the_bend_range() -> None:
    timeline = compile_song(build_song("C-4 01 .. DFF\n--- .. .. DFF"))
    values = bends(timeline)
    assert values[-1] == -8192
    assert all(a > b for a, b in itertools.pairwise(values))


def test_a_new_note_recentres_the_bend_before_it_sounds() -> None:
    timeline = compile_song(build_song("C-4 01 .. U08\nD-4 .. .. ..."))
    at_d = [(e.kind, e.a) for e in timeline.events if close(e.time, 0.125)]
    assert at_d == [(Kind.NOTE_OFF, 60), (Kind.PITCH_BEND, 0), (Kind.NOTE_ON, 62)]


def test_glide_bends_to_the_new_note_without_playing_it() -> None:
    timeline = compile_song(
        build_song("C-4 01 .. ...\nC#4 .. .. G04\n--- .. .. G00\n--- .. .. ...")
    )
    assert [n for _, n in note_ons(timeline)] == [60]
    values = bends(timeline)
    # One semitone (4096) at 4/16 semitone (1024) a tick: four steps, then it holds.
    assert values == [1024, 2048, 3072, 4096]
    assert note_offs(timeline) == [(0.5, 60)]


def test_glide_without_a_sounding_note_plays_the_note() -> None:
    timeline = compile_song(build_song("C-4 01 .. G10"))
    assert [n for _, n in note_ons(timeline)] == [60]


def test_vibrato_swings_around_the_pitch_and_settles_when_it_stops() -> None:
    timeline = compile_song(build_song("C-4 01 .. V88\n--- .. .. V88\n--- .. .. ..."))
    values = bends(timeline)
    depth = 4096  # 8/8 semitone
    assert max(values) > 0 > min(values)
    assert all(-depth <= v <= depth for v in values)
    assert values[-1] == 0
    last = of_kind(timeline, Kind.PITCH_BEND)[-1]
    assert close(last.time, 0.25)


def test_set_bend_maps_80_to_centre_and_00_to_the_bottom() -> None:
    timeline = compile_song(build_song("C-4 01 .. W00\n--- .. .. W80\n--- .. .. WC0"))
    assert bends(timeline) == [-8192, 0, 64 * 64]
    # Wxx on a note's line replaces the recentring, and goes before the note.
    first_line = [e.kind for e in timeline.events if e.time == 0 and e.kind != Kind.CONTROL]
    assert first_line[-2:] == [Kind.PITCH_BEND, Kind.NOTE_ON]


def test_program_change_applies_from_its_line_on() -> None:
    instruments = {1: Instrument("Piano", program=0)}
    timeline = compile_song(
        build_song("C-4 01 .. ...\nD-4 .. .. P05\nE-4 .. .. ...", instruments=instruments)
    )
    programs = [(e.time, e.a) for e in of_kind(timeline, Kind.PROGRAM)]
    assert programs == [(0.0, 0), (0.125, 5)]


def test_instruments_sharing_a_channel_switch_programs_before_their_notes() -> None:
    instruments = {n: Instrument(f"Synth {n}", program=n) for n in range(1, 17)}
    song = build_song("C-4 01 .. ...\nD-4 10 .. ...\nE-4 01 .. ...", instruments=instruments)
    timeline = compile_song(song)
    on_channel_0 = [
        (e.kind, e.a)
        for e in timeline.events
        if e.channel == 0 and e.kind in (Kind.PROGRAM, Kind.NOTE_ON)
    ]
    assert on_channel_0 == [
        (Kind.PROGRAM, 1),
        (Kind.NOTE_ON, 60),
        (Kind.PROGRAM, 16),
        (Kind.NOTE_ON, 62),
        (Kind.PROGRAM, 1),
        (Kind.NOTE_ON, 64),
    ]


def test_vibratos_ending_together_on_one_channel_return_its_bend_from_the_first_track() -> None:
    # Eight tracks play Piano (one channel, one bend) with a vibrato, and all stop on
    # line 1: the channel's bend goes back once, sent by the first track, every run
    # (the order used to be that of a set of voices, which changed from run to run).
    row = " | ".join(["C-4 01 .. V88"] * 8)
    timeline = compile_song(build_song(f"{row}\n" + " | ".join(["--- .. .. ..."] * 8)))
    returns = [e for e in of_kind(timeline, Kind.PITCH_BEND) if close(e.time, 0.125)]
    assert [(e.track, e.a) for e in returns] == [(0, 0)]
