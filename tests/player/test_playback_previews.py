"""Previews (the notes a musician types) on real JACK ports: stopped or playing, each
sounds on its instrument's program, channel and port and ends soon; the next one in a
track ends the last; stop, panic and quitting end any still held.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.audio import onsets, peak_db, read_wav
from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.midi_bytes import all_notes_off, notes_left_on, off, on
from tests.support.playback import LONG_NOTES, STRIP_0, settled
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import Panic, Play, PortSpec, Preview, Stopped, SynthConfig, UpdateSong
from tracker.song.model import Instrument

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}
"""What every player in these tests starts with (tests/player/conftest.py)."""


KEYS_AND_BASS = {1: Instrument("Keys", program=4), 2: Instrument("Bass", program=33, volume=90)}


EMPTY_TWO_TRACKS = "--- .. .. ... | --- .. .. ...\n" * 8


def arrival_of(receiver: Receiver, message: bytes) -> int:
    return next(t for t, m in receiver.snapshot() if m == message)


@pytest.fixture
def keys_and_bass(receiver: Receiver, start_player: Callable[..., PlayerHandle]) -> PlayerHandle:
    """A stopped player on `receiver` that has the song: two empty tracks, keys and bass."""
    player = start_player(output=PortSpec(receiver.name))
    player.send(UpdateSong(build_song(EMPTY_TWO_TRACKS, instruments=KEYS_AND_BASS)))
    return player


def test_a_preview_when_stopped_sets_the_program_sounds_the_note_and_ends_it_soon(
    receiver: Receiver, keys_and_bass: PlayerHandle
) -> None:
    player = keys_and_bass
    # the bass is on its own channel (the second instrument gets channel 2) at its volume,
    # after its program and the track's mixer strip (0 dB, centre)
    player.send(Preview(track=1, instrument=2, note=40))
    got = receiver.wait_for(lambda got: off(40, 1) in got)
    strip = [bytes((0xB1, 7, 100)), bytes((0xB1, 10, 64))]
    assert got == [bytes((0xC1, 33)), *strip, on(40, 90, 1), off(40, 1)]
    held_ms = (arrival_of(receiver, off(40, 1)) - arrival_of(receiver, on(40, 90, 1))) / 1e6
    assert 450 < held_ms < 700  # the default half second, give or take the loaded machine
    receiver.clear()
    player.send(Preview(track=1, instrument=2, note=43, velocity=0x70))
    got = receiver.wait_for(lambda got: off(43, 1) in got)
    assert got == [on(43, 0x70, 1), off(43, 1)]  # the program and strip are set already


def test_the_next_preview_in_a_track_ends_the_last_and_stop_ends_them_all(
    receiver: Receiver, keys_and_bass: PlayerHandle
) -> None:
    player = keys_and_bass
    player.send(Preview(track=0, instrument=1, note=60, velocity=100, seconds=30))
    player.send(Preview(track=1, instrument=2, note=36, velocity=100, seconds=30))
    player.send(Preview(track=0, instrument=1, note=62, velocity=100, seconds=30))  # key repeat
    got = receiver.wait_for(lambda got: on(62, 100) in got)
    notes = [m for m in got if m[0] & 0xF0 in (0x80, 0x90)]
    assert notes == [on(60, 100), on(36, 100, 1), off(60), on(62, 100)]
    player.stop()
    got = settled(receiver)
    assert notes_left_on(got) == set()
    assert sorted(got[-4:-2]) == sorted([off(62), off(36, 1)])  # each owed note-off...
    assert sorted(got[-2:]) == sorted([all_notes_off(0), all_notes_off(1)])  # then CC 123


def test_a_preview_while_playing_sounds_beside_the_song_on_the_instruments_own_port(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    device = Receiver(f"dev{uuid.uuid4().hex[:6]}")
    try:
        player = start_player(
            output=PortSpec(receiver.name), instrument_ports={2: PortSpec(device.name)}
        )
        song = build_song(LONG_NOTES, bpm=240, instruments=KEYS_AND_BASS)
        player.send(Play(song=song))
        receiver.wait_for(lambda got: on(48, 0x64) in got)
        player.send(Preview(track=0, instrument=2, note=31, velocity=80, seconds=0.1))
        got = device.wait_for(lambda got: off(31, 1) in got)
        assert got == [bytes((0xC1, 33)), on(31, 80, 1), off(31, 1)]  # the song's program
        assert on(31, 80, 1) not in receiver.data()
        player.wait_for(Stopped)
        assert notes_left_on(settled(receiver)) == set()
    finally:
        device.close()


def test_a_soundfont_preview_sounds_in_the_synth_and_stops_sounding(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    wav = tmp_path / "preview.wav"
    player = start_player(
        output=PortSpec(receiver.name), synth=SynthConfig(driver="file", file=wav)
    )
    player.send(UpdateSong(build_song(EMPTY_TWO_TRACKS, instruments={1: Instrument("Piano")})))
    time.sleep(0.2)
    player.send(Preview(track=0, instrument=1, note=60, velocity=110, seconds=0.3))
    time.sleep(2.5)
    player.close()
    audio = read_wav(wav)
    assert len(onsets(audio)) == 1  # it sounded, once
    # released after 0.3 s, the piano dies away: the last second of the file is silent
    # (measured: about -90 dB; a note held on is still near -55 dB there)
    assert peak_db(audio[-44100:]) < -75
    assert receiver.data() == []  # the soundfont instrument did not go to the MIDI port


def test_panic_ends_a_held_preview_for_good(
    receiver: Receiver, keys_and_bass: PlayerHandle
) -> None:
    player = keys_and_bass
    player.send(Preview(track=0, instrument=1, note=60, velocity=100, seconds=0.3))
    receiver.wait_for(lambda got: on(60, 100) in got)
    player.send(Panic())
    opening = [bytes((0xC0, 4)), *STRIP_0, on(60, 100)]  # the program, the strip, the note
    got = receiver.wait_for(lambda got: len(got) >= len(opening) + 32)
    time.sleep(0.5)  # past the preview's own note-off time: nothing more comes
    assert receiver.data() == got
    assert got[: len(opening)] == opening
    assert sorted((m[0] & 0x0F, m[1]) for m in got[len(opening) :]) == sorted(
        (ch, cc) for ch in range(16) for cc in (123, 120)
    )


def test_quitting_ends_a_held_preview(receiver: Receiver, keys_and_bass: PlayerHandle) -> None:
    player = keys_and_bass
    player.send(Preview(track=0, instrument=1, note=60, velocity=100, seconds=30))
    receiver.wait_for(lambda got: on(60, 100) in got)
    player.close()
    got = receiver.wait_for(lambda got: off(60) in got)
    assert got[-2:] == [off(60), all_notes_off()]
