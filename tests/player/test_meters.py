"""The track meters in the player: note activity from its own sends (hardware tracks),
audio levels from the audio process where it tells tracks apart, at most 15 frames a
second, nothing sent while nothing changes, everything down at the stop.

The transport runs on a fake clock and a real JACK port (the sends are real sends);
the audio process's levels are handed to `Meters.frame` as AudioLink would.
"""

from __future__ import annotations

import pickle

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.audio.levels import FULL_SCALE, from_db, velocity_level
from tracker.engine.clock import NS_PER_S, FakeClock
from tracker.player.meters import FALL_DB_PER_S, METER_RATE, Meters
from tracker.player.protocol import (
    Levels,
    Message,
    Play,
    PlayerConfig,
    PortSpec,
    Stop,
    Stopped,
    play_pattern,
)
from tracker.player.transport import Transport
from tracker.song.model import Track

GROOVE = """
    C-2 01 7F ... | C-4 01 20 ... | E-4 01 7F ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    C-2 01 7F ... | --- .. .. ... | --- .. .. ...
    --- .. .. ... | OFF .. .. ... | OFF .. .. ...
"""
"""A loud kick, a quiet keys note, and a lead that is muted."""


def play(receiver: Receiver, command: Play, seconds: float) -> tuple[Transport, list[Message]]:
    """Play on a fake clock for `seconds`, then Stop and a little more; what the UI heard."""
    clock = FakeClock(spin_step_ns=20_000)
    heard: list[Message] = []
    transport = Transport(
        PlayerConfig(output=PortSpec(receiver.name), synth=None), heard.append, clock
    )
    transport.open_ports()
    inbox: list[object] = [command]

    def commands() -> list[bytes]:
        sent = [pickle.dumps(c) for c in inbox]
        inbox.clear()
        return sent

    try:
        end = clock.t + round(seconds * NS_PER_S)
        while clock.t < end:
            transport.step(commands)
        inbox.append(Stop())
        end = clock.t + NS_PER_S // 2
        while clock.t < end:
            transport.step(commands)
    finally:
        transport.shutdown()
    return transport, heard


def groove() -> Play:
    tracks = [Track("Kick"), Track("Keys"), Track("Lead", mute=True)]
    return play_pattern(build_song(GROOVE, tracks=tracks, bpm=120), 0)


def test_hardware_tracks_meter_the_velocity_of_their_notes_and_a_muted_track_reads_zero(
    receiver: Receiver,
) -> None:
    _, heard = play(receiver, groove(), 2.0)
    levels = [m for m in heard if isinstance(m, Levels)]
    assert levels, "the meters said nothing while playing"
    kick = max(frame.tracks[0] for frame in levels)
    keys = max(frame.tracks[1] for frame in levels)
    assert kick == velocity_level(0x7F)
    assert 0 < keys <= velocity_level(0x20) < kick
    assert all(frame.tracks[2] == 0 for frame in levels), "the muted lead"
    assert all(frame.master is None for frame in levels), "no live mix: no master level"


def test_the_meters_send_at_most_fifteen_frames_a_second_and_none_after_the_stop(
    receiver: Receiver,
) -> None:
    transport, heard = play(receiver, groove(), 2.0)
    levels = [i for i, m in enumerate(heard) if isinstance(m, Levels)]
    stopped = next(i for i, m in enumerate(heard) if isinstance(m, Stopped))
    assert 2 <= len(levels) <= 2 * METER_RATE + 1
    assert all(i < stopped for i in levels), "a Levels after the stop"
    assert transport.meters.at_ns is None and transport.meters.shown == []


def test_a_meter_falls_after_its_note_and_nothing_is_sent_once_it_is_down() -> None:
    meters = Meters()
    frame = NS_PER_S // METER_RATE
    meters.heard.append([(bytes([0x90, 36, 0x7F]), 0)])
    first = meters.frame(0, 2, (), None)
    assert first is not None and first.tracks == bytes([velocity_level(0x7F), 0])
    assert meters.frame(frame // 2, 2, (), None) is None, "sooner than a frame"
    falling = [meters.frame(frame * n, 2, (), None) for n in range(1, 3 * METER_RATE * 8)]
    steps = [f.tracks[0] for f in falling if f is not None]
    assert steps == sorted(steps, reverse=True) and steps[-1] == 0
    one_second = velocity_level(0x7F) - (from_db(0.0) - from_db(-FALL_DB_PER_S))
    assert abs(steps[METER_RATE - 1] - one_second) <= 2, "12 dB down after a second"
    assert falling[-1] is None, "down and unchanged: nothing sent"


def test_a_track_the_audio_process_tells_apart_reads_its_audio_and_the_master_clips() -> None:
    meters = Meters()
    meters.heard.append([(bytes([0x90, 60, 0x7F]), 0), (bytes([0x90, 60, 0x7F]), 1)])
    quiet = from_db(-30.0)
    levels = meters.frame(0, 2, (), (FULL_SCALE, {0: quiet}))
    assert levels is not None
    assert levels.tracks == bytes([quiet, velocity_level(0x7F)]), "audio first, then activity"
    assert levels.master == FULL_SCALE and levels.clip
    later = meters.frame(NS_PER_S, 2, (), (from_db(-6.0), {0: 0}))
    assert later is not None and not later.clip
