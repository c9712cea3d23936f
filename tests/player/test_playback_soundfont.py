"""Soundfont tracks live, beside MIDI tracks: FluidSynth (writing to a file here, there
is no sound card) plays on the same deadlines as the MIDI port, falls silent on stop,
stands in for a device with no port, and without an audio device the tracker says so
once and plays on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.audio import onsets, peak_db, read_wav
from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.midi_bytes import off, on
from tests.support.playback import ARPEGGIO, LONG_NOTES, OPENING, send_log, settled
from tracker.audio.synth import BLOCK
from tracker.midi.ports import queue_lead_ms
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import Play, PortSpec, Status, Stopped, SynthConfig
from tracker.song.model import Instrument

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}
"""What every player in these tests starts with (tests/player/conftest.py)."""


# a piano (soundfont) on track 1 and a generic MIDI synth on track 2, in unison
# every beat: the piano sounds through FluidSynth, the synth's notes leave by MIDI
UNISON = (
    "C-4 01 64 ... | C-4 02 64 ...\n"
    "OFF .. .. ... | OFF .. .. ...\n"
    "--- .. .. ... | --- .. .. ...\n"
    "--- .. .. ... | --- .. .. ...\n"
) * 4


SOUNDFONT_AND_MIDI = {
    1: Instrument("Piano"),
    2: Instrument("Synth", soundfont=None, device="generic"),
}


def statuses(player: PlayerHandle) -> list[Status]:
    return [m for m in player.poll() if isinstance(m, Status)]


def test_without_an_audio_device_soundfont_tracks_go_silent_once_said_and_midi_plays_on(
    receiver: Receiver,
    start_player: Callable[..., PlayerHandle],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRACKER_AUDIO_DRIVER", "alsa")  # this machine has no sound card
    player = start_player(output=PortSpec(receiver.name), synth=SynthConfig())
    assert player.ready is not None and player.ready.audio == "silent: no audio device"
    player.send(Play(song=build_song(ARPEGGIO, bpm=240)))
    assert player.wait_for(Stopped).reason == "end"
    said = [e for s in statuses(player) for e in s.errors if e.kind == "no_audio_device"]
    assert len(said) == 1 and "soundfont tracks are silent" in said[0].text
    # the piano's notes reach the MIDI port instead, and the playhead ran every line
    assert settled(receiver)[:5] == [*OPENING, on(60, 0x64), off(60)]


def test_soundfont_and_midi_tracks_follow_the_same_deadlines_and_the_audio_keeps_time(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    wav = tmp_path / "live.wav"
    player = start_player(
        output=PortSpec(receiver.name), synth=SynthConfig(driver="file", file=wav)
    )
    assert player.ready is not None and player.ready.audio == "file"
    song = build_song(UNISON, bpm=240, instruments=SOUNDFONT_AND_MIDI)
    player.send(Play(song=song))
    player.wait_for(Stopped)
    log = send_log(player)
    synth_ons = [
        due for _, due, port, data in log.entries if port == "synth" and data[0] & 0xF0 == 0x90
    ]
    midi_ons = [
        due for _, due, port, data in log.entries if port == "out" and data[0] & 0xF0 == 0x90
    ]
    assert len(synth_ons) == len(midi_ons) == 4
    # one deadline per beat, to the nanosecond, for both: the port's leads by half the
    # JACK period it is quantised to (midi/jack_period.py)
    assert synth_ons == [due + round(queue_lead_ms() * 1_000_000) for due in midi_ons]
    time.sleep(0.5)
    player.close()  # FluidSynth finishes the file
    found = onsets(read_wav(wav))
    assert len(found) == 4
    beat = 0.25 * 44100  # 240 bpm
    spacing = [f - found[0] - i * beat for i, f in enumerate(found)]
    assert all(abs(s) < BLOCK for s in spacing), spacing
    assert got_notes(receiver) == [60] * 4


def got_notes(receiver: Receiver) -> list[int]:
    return [m[1] for m in settled(receiver) if m[0] & 0xF0 == 0x90]


def test_stopping_mid_note_silences_the_soundfont_too(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    wav = tmp_path / "stop.wav"
    player = start_player(
        output=PortSpec(receiver.name), synth=SynthConfig(driver="file", file=wav)
    )
    song = build_song(LONG_NOTES, bpm=120, instruments={1: Instrument("Piano")})
    player.send(Play(song=song))
    time.sleep(0.4)
    player.stop()
    stopped = time.monotonic()
    player.wait_for(Stopped)
    time.sleep(1.6 - (time.monotonic() - stopped))
    player.close()
    audio = read_wav(wav)
    assert peak_db(audio) > -30  # the two notes sounded
    # FluidSynth renders in real time: the last 0.6 s of the file came a second after stop
    assert peak_db(audio[-int(0.6 * 44100) :]) < -80
    assert receiver.data() == []  # the piano played through the synth, not the port


def test_a_device_with_no_port_plays_its_soundfont_stand_in(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    wav = tmp_path / "fallback.wav"
    player = start_player(
        output=PortSpec(receiver.name), synth=SynthConfig(driver="file", file=wav)
    )
    lead = {1: Instrument("Lead", soundfont=None, device="minilogue-xd")}  # no such port here
    song = build_song("C-4 01 64 ...\n--- .. .. ...\nOFF .. .. ...", bpm=240, instruments=lead)
    player.send(Play(song=song))
    player.wait_for(Stopped)
    said = [e for s in statuses(player) for e in s.errors]
    assert any(e.kind == "stand_in" and "Lead" in e.instrument for e in said), said
    assert any("soundfont stand-in" in e.text for e in said), said
    player.close()
    assert onsets(read_wav(wav))  # it sounded
    assert receiver.data() == []  # and nothing went to the default port
