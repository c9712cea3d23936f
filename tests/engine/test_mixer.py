"""Each track's mixer strip as CC 7, 10, 91 and 93 where a timeline starts (engine/mixer.py)."""

from __future__ import annotations

from tests.engine import lane_controls, of_kind
from tests.support.builders import build_song
from tracker.engine.events import Event, Kind, Timeline
from tracker.engine.mixer import MIXER_COLUMN, pan_cc, volume_cc
from tracker.engine.routing import assign_channels
from tracker.engine.timeline import compile_song
from tracker.song.model import Instrument, Track

PIANO_AND_PAD = {1: Instrument("Piano"), 2: Instrument("Pad", program=88)}


def strips(timeline: Timeline) -> list[tuple[float, int, int, int, int]]:
    """(seconds, track, channel, controller, value) of every mixer message."""
    return [
        (e.time, e.track, e.channel, e.a, e.b)
        for e in of_kind(timeline, Kind.CONTROL)
        if e.column == MIXER_COLUMN
    ]


def first_note(timeline: Timeline) -> Event:
    return of_kind(timeline, Kind.NOTE_ON)[0]


def test_zero_db_is_the_general_midi_default_and_the_curve_is_40_log10() -> None:
    assert volume_cc(0.0) == 100  # what every synth starts at: a track at 0 dB sounds as before
    assert volume_cc(-6.0) == 71  # 40 log10(71 / 100) = -5.95 dB
    assert volume_cc(-12.0) == 50
    assert volume_cc(4.0) == 126 and volume_cc(4.2) == 127 and volume_cc(10.0) == 127
    assert volume_cc(-60.0) == 3
    assert (pan_cc(-64), pan_cc(0), pan_cc(63)) == (0, 64, 127)


def test_a_strip_opens_every_channel_the_track_plays_before_its_first_note() -> None:
    song = build_song(
        """
        C-4 01 .. ... | --- .. .. ...
        E-4 02 .. ... | --- .. .. ...
        """,
        tracks=[Track("Keys", volume_db=-6.0, pan=-32, reverb=90, chorus=10), Track("Idle")],
        instruments=PIANO_AND_PAD,
    )
    piano, pad = assign_channels(song)[1], assign_channels(song)[2]
    timeline = compile_song(song)
    sent = [(ch, cc, value) for _, track, ch, cc, value in strips(timeline) if track == 0]
    assert sorted(sent) == sorted(
        (ch, cc, value)
        for ch in (piano, pad)
        for cc, value in ((7, 71), (10, 32), (91, 90), (93, 10))
    )
    assert {t for t, *_ in strips(timeline)} == {0.0}
    assert timeline.events.index(first_note(timeline)) > max(
        i for i, e in enumerate(timeline.events) if e.column == MIXER_COLUMN
    )
    assert not [
        s for s in strips(timeline) if s[1] == 1
    ]  # a track that plays nothing sends nothing


def test_a_track_at_the_defaults_sends_0_db_and_centre_and_no_sends() -> None:
    timeline = compile_song(build_song("C-4 01 .. ..."))
    assert [(cc, value) for *_, cc, value in strips(timeline)] == [(7, 100), (10, 64)]


def test_a_start_mid_song_sends_the_strip_again_at_its_first_line() -> None:
    song = build_song(
        "C-4 01 .. ...\n--- .. .. ...",
        "D-4 01 .. ...\n--- .. .. ...",
        tracks=[Track("Keys", volume_db=-12.0, pan=20)],
    )
    timeline = compile_song(song, start_order=1, start_line=1)
    start = timeline.lines[0].time
    assert [(t, cc, value) for t, _, _, cc, value in strips(timeline)] == [
        (start, 7, 50),
        (start, 10, 84),
    ]


def test_a_volume_lane_on_the_first_line_wins_over_the_strip() -> None:
    song = build_song(
        "C-4 01 .. ... 30\n--- .. .. ... 60",
        tracks=[Track("Keys", cc=["volume"], volume_db=-6.0)],
    )
    timeline = compile_song(song)
    volumes = [(e.time, e.b) for e in of_kind(timeline, Kind.CONTROL) if e.a == 7]
    assert volumes == [(0.0, 0x30), (0.125, 0x60)]
    assert [(cc, value) for *_, cc, value in strips(timeline)] == [(10, 64)]


def test_after_a_lane_set_the_volume_a_start_later_opens_with_the_lanes_value() -> None:
    song = build_song(
        "C-4 01 .. ... 30\n--- .. .. ... ..\n--- .. .. ... ..",
        tracks=[Track("Keys", cc=["volume"], volume_db=-6.0)],
    )
    timeline = compile_song(song, start_line=2)
    assert [(cc, value) for *_, cc, value in strips(timeline)] == [(7, 0x30), (10, 64)]
    assert lane_controls(timeline) == []


def test_tracks_sharing_a_channel_share_the_first_strip_that_was_set() -> None:
    song = build_song(
        "C-4 01 .. ... | E-4 01 .. ... | G-4 01 .. ...",
        tracks=[Track("Left hand"), Track("Right hand", volume_db=-12.0), Track("Third", pan=10)],
    )
    timeline = compile_song(song)
    # Each carries the shared strip, so a stem of any of them sounds as in the mix.
    assert sorted((track, cc, value) for _, track, _, cc, value in strips(timeline)) == [
        (0, 7, 50), (0, 10, 64), (1, 7, 50), (1, 10, 64), (2, 7, 50), (2, 10, 64),
    ]  # fmt: skip


def test_notes_without_an_instrument_take_the_strip_to_the_first_instrument() -> None:
    timeline = compile_song(
        build_song("C-4 .. .. ...", tracks=[Track("Keys", pan=-64)], instruments=PIANO_AND_PAD)
    )
    channel = first_note(timeline).channel
    assert [(ch, cc, value) for _, _, ch, cc, value in strips(timeline)] == [
        (channel, 7, 100),
        (channel, 10, 0),
    ]
