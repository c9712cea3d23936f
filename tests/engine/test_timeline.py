"""compile_song: notes, velocities, instruments, channels, programs and CC lanes."""

from __future__ import annotations

import pytest

from tests.engine import assert_no_stuck_notes, lane_controls, note_offs, note_ons, of_kind
from tests.support.builders import build_song
from tracker.engine.events import Kind
from tracker.engine.routing import assign_channels, audible_tracks, keep_tracks
from tracker.engine.timeline import compile_song
from tracker.errors import SongFormatError
from tracker.song.model import Instrument, Song, Track

FOUR_QUARTERS = """
    C-4 01 .. ...
    --- .. .. ...
    --- .. .. ...
    --- .. .. ...
    D-4 .. .. ...
    --- .. .. ...
    --- .. .. ...
    --- .. .. ...
    E-4 .. .. ...
    --- .. .. ...
    --- .. .. ...
    --- .. .. ...
    F-4 .. .. ...
    --- .. .. ...
    --- .. .. ...
    --- .. .. ...
"""


def test_four_quarter_notes_at_120_bpm_land_on_the_half_seconds() -> None:
    timeline = compile_song(build_song(FOUR_QUARTERS, bpm=120, lpb=4))
    assert note_ons(timeline) == [(0.0, 60), (0.5, 62), (1.0, 64), (1.5, 65)]
    assert [e.beat for e in of_kind(timeline, Kind.NOTE_ON)] == [0.0, 1.0, 2.0, 3.0]


def test_each_note_ends_at_the_next_and_the_last_at_the_song_end() -> None:
    timeline = compile_song(build_song(FOUR_QUARTERS, bpm=120, lpb=4))
    assert note_offs(timeline) == [(0.5, 60), (1.0, 62), (1.5, 64), (2.0, 65)]
    assert timeline.duration == 2.0
    assert timeline.end_beat == 4.0
    assert timeline.end_tick == 16 * 6


def test_a_note_off_sorts_before_the_note_on_that_shares_its_instant() -> None:
    timeline = compile_song(build_song(FOUR_QUARTERS))
    at_half = [e.kind for e in timeline.events if e.time == 0.5]
    assert at_half == [Kind.NOTE_OFF, Kind.NOTE_ON]


def test_off_and_cut_both_end_the_note_where_they_stand() -> None:
    timeline = compile_song(
        build_song("""
            C-4 01 .. ...
            OFF .. .. ...
            E-4 .. .. ...
            ^^^ .. .. ...
            --- .. .. ...
        """)
    )
    assert note_offs(timeline) == [(0.125, 60), (0.375, 64)]


def test_each_note_column_is_its_own_voice() -> None:
    chord = [Track("Keys", notes=2)]
    timeline = compile_song(
        build_song(
            """
            C-4 01 .. ... E-4 01 .. ...
            --- .. .. ... --- .. .. ...
            G-4 .. .. ... --- .. .. ...
            --- .. .. ... OFF .. .. ...
            """,
            tracks=chord,
        )
    )
    assert note_ons(timeline) == [(0.0, 60), (0.0, 64), (0.25, 67)]
    # C-4 gives way to G-4 in its column; E-4 holds until its own OFF.
    assert note_offs(timeline) == [(0.25, 60), (0.375, 64), (0.5, 67)]
    assert [e.column for e in of_kind(timeline, Kind.NOTE_ON)] == [0, 1, 0]


def test_the_instrument_column_is_sticky_per_column() -> None:
    instruments = {1: Instrument("Piano"), 2: Instrument("Bass", program=33)}
    timeline = compile_song(
        build_song(
            """
            C-4 .. .. ... | C-2 02 .. ...
            D-4 02 .. ... | D-2 .. .. ...
            E-4 .. .. ... | E-2 01 .. ...
            """,
            instruments=instruments,
        )
    )
    by_note = {e.a: e.instrument for e in of_kind(timeline, Kind.NOTE_ON)}
    # Before any instrument: the lowest-numbered one. After: the column's last.
    assert by_note == {60: 1, 62: 2, 64: 2, 36: 2, 38: 2, 40: 1}
    channels = assign_channels(build_song("C-4 .. .. ...", instruments=instruments))
    assert {e.a: e.channel for e in of_kind(timeline, Kind.NOTE_ON)}[64] == channels[2]


def test_velocity_comes_from_the_volume_column_else_the_instrument() -> None:
    instruments = {1: Instrument("Soft piano", volume=50)}
    timeline = compile_song(
        build_song(
            """
            C-4 01 7F ...
            D-4 .. .. ...
            E-4 .. 00 ...
            F-4 .. 20 ...
            """,
            instruments=instruments,
        )
    )
    # Volume 00 plays nothing, but still ends D-4.
    assert [(e.a, e.b) for e in of_kind(timeline, Kind.NOTE_ON)] == [(60, 127), (62, 50), (65, 32)]
    assert (0.25, 62) in note_offs(timeline)
    assert_no_stuck_notes(timeline)


def test_a_drum_kit_plays_on_channel_10_and_melodic_instruments_skip_it() -> None:
    instruments = {n: Instrument(f"Synth {n}") for n in range(1, 12)}
    instruments[5] = Instrument("Kit", bank=128)
    instruments[7] = Instrument("Hardware", channel=3)
    channels = assign_channels(Song(instruments=instruments))
    assert channels[5] == 9
    assert channels[7] == 2
    others = [channels[n] for n in sorted(instruments) if n not in (5, 7)]
    assert others == [0, 1, 3, 4, 5, 6, 7, 8, 10]


def test_more_melodic_instruments_than_channels_share_them_in_turn() -> None:
    instruments = {n: Instrument(f"Synth {n}") for n in range(1, 18)}
    channels = assign_channels(Song(instruments=instruments))
    assert 9 not in channels.values()
    assert [channels[n] for n in (16, 17)] == [channels[1], channels[2]]


def test_a_channel_outside_1_to_16_is_refused() -> None:
    with pytest.raises(SongFormatError, match="channel 17"):
        assign_channels(Song(instruments={1: Instrument("Bad", channel=17)}))


def test_every_channel_gets_its_program_and_bank_before_any_note() -> None:
    instruments = {1: Instrument("Bass", program=33), 2: Instrument("Kit", program=0, bank=128)}
    timeline = compile_song(build_song("C-2 01 .. ... | C-2 02 .. ...", instruments=instruments))
    programs = of_kind(timeline, Kind.PROGRAM)
    assert {(e.channel, e.a, e.b) for e in programs} == {(0, 33, 0), (9, 0, 128)}
    assert all(e.time == 0.0 for e in programs)
    first_note = timeline.events.index(of_kind(timeline, Kind.NOTE_ON)[0])
    assert all(timeline.events.index(e) < first_note for e in programs)


def test_a_tempo_event_opens_the_timeline() -> None:
    timeline = compile_song(build_song("C-4 01 .. ...", bpm=97.5))
    first = timeline.events[0]
    assert (first.kind, first.time, first.bpm) == (Kind.TEMPO, 0.0, 97.5)


def test_cc_lanes_send_controllers_on_the_tracks_instrument_channel() -> None:
    instruments = {1: Instrument("Lead"), 2: Instrument("Pad")}
    tracks = [Track("Lead", cc=["cutoff", "11"])]
    timeline = compile_song(
        build_song(
            """
            C-4 02 .. ... 40 ..
            --- .. .. ... .. 7F
            --- .. .. ... 00 ..
            """,
            tracks=tracks,
            instruments=instruments,
        )
    )
    pad = assign_channels(build_song("C-4 .. .. ...", instruments=instruments))[2]
    controls = [(e.time, e.channel, e.a, e.b) for e in lane_controls(timeline)]
    assert controls == [(0.0, pad, 74, 0x40), (0.125, pad, 11, 0x7F), (0.25, pad, 74, 0)]


def test_a_cc_lane_name_can_come_from_the_instrument_device_map() -> None:
    tracks = [Track("Synth", cc=["filter"])]
    asked: list[tuple[str, str]] = []

    def device_map(name: str, instrument: Instrument) -> int:
        asked.append((name, instrument.name))
        return 102

    song = build_song("C-4 01 .. ... 10", tracks=tracks)
    timeline = compile_song(song, cc_resolver=device_map)
    assert [(e.a, e.b) for e in lane_controls(timeline)] == [(102, 0x10)]
    assert asked == [("filter", "Piano")]


def test_an_unknown_cc_name_is_an_error_that_names_it() -> None:
    song = build_song("C-4 01 .. ... 10", tracks=[Track("Synth", cc=["wobble"])])
    with pytest.raises(SongFormatError, match='unknown controller "wobble"'):
        compile_song(song)


def test_an_undefined_instrument_is_an_error_that_says_where() -> None:
    song = build_song("C-4 05 .. ...")
    with pytest.raises(SongFormatError, match=r'pattern "00", track "T1", line 0: instrument 05'):
        compile_song(song)


def test_an_order_entry_naming_a_missing_pattern_is_an_error() -> None:
    song = build_song("C-4 01 .. ...", order=["00", "verse"])
    with pytest.raises(SongFormatError, match='pattern "verse", which does not exist'):
        compile_song(song)


def test_soloed_tracks_win_over_mute_and_muted_tracks_are_left_out() -> None:
    song = build_song("C-4 01 .. ... | E-4 01 .. ... | G-4 01 .. ...")
    song.tracks[0].mute = True
    assert audible_tracks(song) == {1, 2}
    song.tracks[0].solo = True
    assert audible_tracks(song) == {0}
    heard = keep_tracks(compile_song(song), audible_tracks(song))
    assert [n for _, n in note_ons(heard)] == [60]
    assert of_kind(heard, Kind.TEMPO) and of_kind(heard, Kind.PROGRAM)
