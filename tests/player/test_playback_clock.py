"""MIDI clock on real JACK ports: clock out starts, ticks 24 times a beat on exact
deadlines through loop wraps and edits, tells followers where a jump or a continue
goes; clock in from an outside master starts, sets the tempo of, and stops the song.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.midi_bytes import all_notes_off, notes_left_on
from tests.support.playback import ARPEGGIO, LONG_NOTES, long_notes_then_arpeggio, send_log, settled
from tracker.midi.ports import open_virtual_output
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    Continue,
    Jump,
    Pause,
    Play,
    Playhead,
    PortSpec,
    Stopped,
    UpdateSong,
    play_pattern,
)

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}
"""What every player in these tests starts with (tests/player/conftest.py)."""


def only_clock(messages: list[bytes]) -> list[bytes]:
    """Clock and transport: they leave from a port of their own, so their order
    against the notes at one instant is JACK's, but among themselves it is ours."""
    return [m for m in messages if m[0] >= 0xF0]


def test_clock_out_starts_then_ticks_24_times_a_beat_at_even_intervals(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name), clock_out=PortSpec(receiver.name))
    player.send(Play(song=build_song(ARPEGGIO, bpm=240)))  # 8 lines = 2 beats
    player.wait_for(Stopped)
    log = send_log(player)
    clock = [
        (sent, deadline, data) for sent, deadline, port, data in log.entries if port == "clock"
    ]
    assert clock[0][2] == b"\xfa"
    assert clock[1][2] == b"\xf8"
    ticks = [deadline for _, deadline, data in clock if data == b"\xf8"]
    assert len(ticks) == 48
    beat_ns = 60e9 / 240
    # The schedule is exact (how close the sends come to it is `make bench`'s business):
    assert all(abs((b - a) - beat_ns / 24) <= 1 for a, b in itertools.pairwise(ticks))
    sent_intervals_ms = [(b[0] - a[0]) / 1e6 for a, b in itertools.pairwise(clock[1:])]
    assert statistics.median(sent_intervals_ms) == pytest.approx(beat_ns / 24e6, abs=0.05)
    assert clock[-1][2] == b"\xf8"
    got = receiver.wait_for(lambda got: b"\xfc" in got)
    assert got.count(b"\xf8") == 48
    assert got[-1] == b"\xfc" or all_notes_off() in got[-2:]


def test_clock_out_runs_on_evenly_through_loop_wraps_and_an_edit(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name), clock_out=PortSpec(receiver.name))
    song = build_song(ARPEGGIO, bpm=240)  # 8 lines = 2 beats = 48 pulses a pass
    player.send(play_pattern(song, 0))
    receiver.wait_for(lambda got: got.count(b"\xf8") >= 60)
    player.send(UpdateSong(build_song(ARPEGGIO.replace("C-4", "D-4"), bpm=240)))
    receiver.wait_for(lambda got: got.count(b"\xf8") >= 48 * 4, timeout=5)
    player.stop()
    pulses = [d for _, d, port, data in send_log(player).entries if data == b"\xf8"]
    beat_ns = 60e9 / 240
    assert len(pulses) >= 48 * 4
    assert all(abs((b - a) - beat_ns / 24) <= 1 for a, b in itertools.pairwise(pulses))


def test_a_jump_with_clock_out_stops_followers_points_them_there_and_continues(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = long_notes_then_arpeggio()
    player = start_player(output=PortSpec(receiver.name), clock_out=PortSpec(receiver.name))
    player.send(Play(song=song))
    receiver.wait_for(lambda got: got.count(b"\xf8") >= 12)
    player.send(Jump(order=1, line=4))
    got = receiver.wait_for(lambda got: b"\xfb" in got)
    clock = only_clock(got)
    relocate = clock.index(b"\xfc")
    # LONG_NOTES is 16 lines (4 beats): line 4 of the next is sixteenth 16 + 4 = 20
    assert clock[relocate : relocate + 3] == [b"\xfc", bytes((0xF2, 20, 0)), b"\xfb"]
    player.stop()


def test_pause_then_continue_sends_stop_then_song_position_and_continue(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name), clock_out=PortSpec(receiver.name))
    player.send(Play(song=build_song(LONG_NOTES, bpm=240)))
    receiver.wait_for(lambda got: got.count(b"\xf8") >= 30)  # past beat 1
    player.send(Pause())
    assert player.wait_for(Stopped).reason == "pause"
    got = receiver.wait_for(lambda got: b"\xfc" in got)
    assert notes_left_on(got) == set()
    heads = [m for m in player.poll() if isinstance(m, Playhead)]
    line = heads[-1].line
    receiver.clear()
    player.send(Continue())
    got = receiver.wait_for(lambda got: b"\xf8" in got)
    # the pointer counts sixteenths: at 4 lines per beat, one per line
    assert only_clock(got)[:3] == [bytes((0xF2, line, 0)), b"\xfb", b"\xf8"]
    player.stop()


def send_clock(port: object, bpm: float, pulses: int, start_ns: int) -> None:
    """An outside master: pulses on absolute deadlines from `start_ns`."""
    from tracker.engine.clock import SystemClock, wait_until

    clock = SystemClock()
    period = 60e9 / bpm / 24
    for k in range(pulses):
        wait_until(start_ns + round(k * period), clock)
        port.send(b"\xf8")  # type: ignore[attr-defined]


def test_following_an_outside_clock_starts_on_start_takes_its_tempo_and_stops_on_stop(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    notes = "\n".join(["C-4 01 64 ..."] * 64)
    with open_virtual_output("master", client="trkmaster") as master:
        player = start_player(output=PortSpec(receiver.name), clock_in="trkmaster")
        player.send(Play(song=build_song(notes, bpm=120), wait_for_clock=True))
        time.sleep(0.2)
        assert receiver.data() == []  # armed, silent until the master starts
        master.send(b"\xfa")
        send_clock(master, 150.0, 24 * 3, time.perf_counter_ns())
        master.send(b"\xfc")
        assert player.wait_for(Stopped).reason == "clock"
    heads = [m for m in player.poll() if isinstance(m, Playhead)]
    assert heads[0].bpm == pytest.approx(120.0)  # the song's own tempo until pulses arrive
    assert heads[-1].bpm == pytest.approx(150.0, abs=1.0)
    assert notes_left_on(settled(receiver)) == set()
