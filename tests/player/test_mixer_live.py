"""The mixer while playing, at a real JACK MIDI input standing in for a hardware synth:
a strip changed while playing is heard from the line the edit lands on, a jump sends
every strip again, a CC lane of the same controller keeps winning, and a note typed
while stopped sounds through its track's strip."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.midi_bytes import off, on
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import Jump, Play, PortSpec, Preview, Stopped, UpdateSong
from tracker.song.model import Instrument, Song, Track

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"synth": None}

KEYS_AND_BASS = {1: Instrument("Keys"), 2: Instrument("Bass", program=33)}
"""Keys on channel 1, bass on channel 2 (0 and 1 on the wire)."""
HELD = "C-4 01 64 ... | C-2 02 64 ...\n" + "--- .. .. ... | --- .. .. ...\n" * 31
"""Two notes held for 32 lines: two seconds at 240 bpm, time to edit while they sound."""


def cc(channel: int, controller: int, value: int) -> bytes:
    return bytes((0xB0 | channel, controller, value))


def two_tracks(**bass: float | int | None) -> Song:
    tracks = [Track("Keys"), Track("Bass", **bass)]  # type: ignore[arg-type]
    return build_song(HELD, HELD, tracks=tracks, instruments=KEYS_AND_BASS, bpm=240)


def test_each_strip_reaches_its_own_channel_before_the_first_note(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=two_tracks(volume_db=-6.0, pan=-64, reverb=100)))
    got = receiver.wait_for(lambda got: on(36, 0x64, 1) in got)
    first_note = min(got.index(on(60, 0x64)), got.index(on(36, 0x64, 1)))
    opening = set(got[:first_note])
    assert {cc(0, 7, 100), cc(0, 10, 64)} <= opening  # keys at 0 dB, centre
    assert {cc(1, 7, 71), cc(1, 10, 0), cc(1, 91, 100)} <= opening  # bass -6 dB, hard left
    assert not any(m[0] == 0xB0 and m[1] == 91 for m in opening)  # keys: no reverb sent
    player.stop()


def test_a_volume_changed_while_playing_is_sent_at_once_to_that_tracks_channel(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=two_tracks()))
    receiver.wait_for(lambda got: on(36, 0x64, 1) in got)
    changed = time.perf_counter_ns()
    player.send(UpdateSong(two_tracks(volume_db=-12.0)))
    got = receiver.wait_for(lambda got: cc(1, 7, 50) in got)
    arrived = next(t for t, m in receiver.snapshot() if m == cc(1, 7, 50))
    assert (arrived - changed) / 1e6 < 250  # the next line or so, not the next pattern
    after = got[got.index(on(36, 0x64, 1)) + 1 :]
    assert cc(0, 7, 100) in after  # keys keep 0 dB
    assert off(36, 1) not in after[: after.index(cc(1, 7, 50))]  # the bass note rings on
    player.stop()


def test_a_jump_sends_every_strip_again_before_the_notes_there(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=two_tracks(pan=40)))
    receiver.wait_for(lambda got: on(36, 0x64, 1) in got)
    count = len(receiver.data())
    player.send(Jump(order=1, line=0))
    got = receiver.wait_for(lambda got: got[count:].count(on(36, 0x64, 1)) >= 1)[count:]
    before_notes = got[: got.index(on(36, 0x64, 1))]
    assert {cc(0, 7, 100), cc(0, 10, 64), cc(1, 7, 100), cc(1, 10, 104)} <= set(before_notes)
    player.stop()


def test_a_volume_lane_keeps_winning_when_the_strip_changes_while_playing(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    rows = "C-2 01 64 ... 30\n" + "--- .. .. ... ..\n" * 31

    def song(volume_db: float) -> Song:
        track = Track("Bass", cc=["volume"], volume_db=volume_db)
        return build_song(rows, tracks=[track], bpm=240)

    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=song(0.0)))
    receiver.wait_for(lambda got: on(36, 0x64) in got)
    count = len(receiver.data())
    player.send(UpdateSong(song(-12.0)))
    player.wait_for(Stopped)
    volumes = [m[2] for m in receiver.data()[count:] if m[:2] == bytes((0xB0, 7))]
    # The lane set CC 7 = 0x30 on the first line: the edited song, swapped in mid-way,
    # opens with the lane's value, not the strip's -12 dB (CC 7 = 50).
    assert volumes == [0x30]


def test_an_edit_elsewhere_leaves_the_mix_as_it_was(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = two_tracks(volume_db=-6.0)
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=song))
    receiver.wait_for(lambda got: on(36, 0x64, 1) in got)
    count = len(receiver.data())
    player.send(UpdateSong(replace(song, title="Renamed")))
    time.sleep(0.3)
    player.stop()
    volumes = {m for m in receiver.data()[count:] if m[0] & 0xF0 == 0xB0 and m[1] == 7}
    assert volumes <= {cc(0, 7, 100), cc(1, 7, 71)}


def test_a_note_typed_while_stopped_sounds_through_its_tracks_strip(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(UpdateSong(two_tracks(volume_db=-12.0, pan=10)))
    player.send(Preview(track=1, instrument=2, note=40, seconds=0.1))
    got = receiver.wait_for(lambda got: off(40, 1) in got)
    assert got == [bytes((0xC1, 33)), cc(1, 7, 50), cc(1, 10, 74), on(40, 100, 1), off(40, 1)]
    receiver.clear()
    player.send(Preview(track=1, instrument=2, note=43, seconds=0.1))
    assert receiver.wait_for(lambda got: off(43, 1) in got) == [on(43, 100, 1), off(43, 1)]
