"""The live soundfont synth: events scheduled ahead land on their sample.

Offline (no audio driver, frames pulled by hand) the sequencer's placement is
exact and checked against a direct send: the same 64-frame rule as the bounce.
Live, FluidSynth's `file` driver renders in real time into a WAV file, paced by
the system clock, which is how these tests listen without a sound card.
"""

from __future__ import annotations

import ctypes
import time
from pathlib import Path

import numpy as np
import pytest

from tests.support.audio import RATE, onset, onsets, peak_db, read_wav
from tracker.audio.fluid import fluidsynth
from tracker.audio.live import LiveSynth, tick_for_frame
from tracker.audio.patches import Patch
from tracker.audio.synth import BLOCK, Synth
from tracker.engine.events import Event, Kind

MIDDLE_C = 60
NS = 1_000_000_000


def note_on(note: int = MIDDLE_C, track: int = 0, channel: int = 0) -> Event:
    return Event(0.0, 0.0, 0, Kind.NOTE_ON, track, channel, note, 100, 1)


def note_off(note: int = MIDDLE_C, track: int = 0, channel: int = 0) -> Event:
    return Event(0.0, 0.0, 0, Kind.NOTE_OFF, track, channel, note, 0, 1)


def wall_of(frame: int) -> int:
    """The first nanosecond that maps to `frame` on a clock anchored at 0."""
    return -(-frame * NS // RATE)


@pytest.fixture
def piano(soundfont: Path) -> Patch:
    return Patch(soundfont, program=0, bank=0)


@pytest.mark.parametrize("frame", [100, 4410, 4416, 4417, 4479, 22051])
def test_a_scheduled_note_sounds_from_the_same_block_as_a_note_sent_at_its_frame(
    soundfont: Path, piano: Patch, frame: int
) -> None:
    # the bounce's rule: an event sent after `frame` frames sounds from the next block
    with Synth(soundfont) as direct:
        direct.select(0, program=0)
        before = direct.render(frame)
        direct.send(note_on())
        expected = onset(np.concatenate([before, direct.render(4000)]))

    live = LiveSynth(soundfont)  # no driver: frames pulled by hand, the clock at 0
    try:
        live.set_patches({1: piano})
        live.play(wall_of(frame), note_on())
        got = onset(live.synth.render(frame + 4000))
    finally:
        live.close()
    assert got == expected
    block = -(-frame // BLOCK) * BLOCK
    assert block <= got < block + BLOCK  # the piano reaches -100 dBFS within its first block


def test_the_sequencer_tick_of_each_block_start_maps_back_to_that_block() -> None:
    # tick_for_frame asks for the tick read one block earlier: it must stay inside
    # that earlier block, whatever the millisecond rounding, so the event lands on time
    for block in range(BLOCK, 44100 * 3, BLOCK):
        tick = tick_for_frame(block, RATE)
        assert block - 2 * BLOCK < tick <= block - BLOCK


def piano_to_file(soundfont: Path, piano: Patch, wav: Path) -> LiveSynth:
    """A live synth playing the piano on instrument 01, rendering to `wav`."""
    live = LiveSynth(soundfont)
    live.set_patches({1: piano})
    live.start("file", file=wav)
    return live


def test_live_notes_through_the_file_driver_keep_their_spacing_to_the_block(
    soundfont: Path, piano: Patch, tmp_path: Path
) -> None:
    wav = tmp_path / "live.wav"
    live = piano_to_file(soundfont, piano, wav)
    first = time.perf_counter_ns() + 100_000_000
    starts_s = [0.0, 0.25, 0.625, 1.0, 1.25]  # beats and a dotted beat at 240 bpm
    for at in starts_s:
        live.play(first + round(at * NS), note_on())
        live.play(first + round((at + 0.05) * NS), note_off())
    time.sleep(1.9)
    live.close()
    found = onsets(read_wav(wav))
    assert len(found) == len(starts_s)
    spacing = [f - found[0] for f in found]
    expected = [round(at * RATE) for at in starts_s]
    # each onset is its frame rounded up to a block; the first sets the driver's offset
    assert all(abs(g - e) < BLOCK for g, e in zip(spacing, expected, strict=True)), spacing


def test_release_drops_what_is_queued_and_leaves_no_voice_sounding(
    soundfont: Path, piano: Patch, tmp_path: Path
) -> None:
    wav = tmp_path / "stop.wav"
    live = piano_to_file(soundfont, piano, wav)
    now = time.perf_counter_ns()
    live.play(now + 50_000_000, note_on(60))
    live.play(now + 50_000_000, note_on(64, track=1))
    live.play(now + 900_000_000, note_on(67))  # queued, never to be heard
    time.sleep(0.3)
    assert live.active_voices() > 0
    stopped_at = live.now_frame()
    live.release()
    time.sleep(1.6)  # the piano's release and the reverb die away
    voices = live.active_voices()
    live.close()
    assert voices == 0
    audio = read_wav(wav)
    assert peak_db(audio[RATE // 10 : stopped_at]) > -30  # the chord sounded
    tail = audio[stopped_at + RATE * 8 // 10 :]
    assert len(tail) > RATE // 2  # it reaches past where G-4 was due (0.9 s)
    assert peak_db(tail) < -80  # silence


def test_silencing_one_track_keeps_the_other_sounding(
    soundfont: Path, piano: Patch, tmp_path: Path
) -> None:
    live = piano_to_file(soundfont, piano, tmp_path / "mute.wav")
    now = time.perf_counter_ns()
    live.play(now + 20_000_000, note_on(60, track=0))
    live.play(now + 20_000_000, note_on(48, track=1, channel=1))
    live.play(now + 400_000_000, note_on(50, track=1, channel=1))  # taken back by the mute
    time.sleep(0.2)
    live.silence_track(1)
    time.sleep(1.0)
    held = held_notes(live)
    live.close()
    assert held == {(0, 60)}


def held_notes(live: LiveSynth) -> set[tuple[int, int]]:
    """(channel, key) of every voice FluidSynth still holds (not released)."""
    lib = fluidsynth._fl
    lib.fluid_synth_get_voicelist.argtypes = [
        ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_int,
        ctypes.c_int,
    ]
    for name in ("fluid_voice_is_on", "fluid_voice_get_channel", "fluid_voice_get_key"):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
        getattr(lib, name).restype = ctypes.c_int
    voices = (ctypes.c_void_p * 256)()
    lib.fluid_synth_get_voicelist(live.synth._fs.synth, voices, 256, -1)
    return {
        (lib.fluid_voice_get_channel(v), lib.fluid_voice_get_key(v))
        for v in voices
        if v and lib.fluid_voice_is_on(v)
    }
