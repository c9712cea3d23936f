"""14-bit and NRPN lanes on the live soundfont synth: FluidSynth has no 14-bit
controllers of its own, so a `cc14:` lane reaches it as its MSB controller (7 bits)
and an `nrpn:` lane as CC 99/98 and the data MSB, which it reads for the SoundFont
generators it knows (NRPN 120/N: generator N). Live must sound as the bounce does:
one song, one rule, the same samples.

The live synth runs offline here (no audio driver, frames pulled by hand), its song
a few blocks after its clock's 0 as behind a sound card (the player keeps a margin),
so every event lands on its block as the bounce puts it. The two then differ by
FluidSynth's own state from those lead-in blocks, under -40 dB; a misplaced or lost
controller is far louder than that.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.support.audio import peak_db
from tests.support.builders import build_song
from tracker.audio.live import LiveSynth
from tracker.audio.patches import instrument_patches
from tracker.audio.render import render_timeline
from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song
from tracker.song.model import Song, Track

NS = 1_000_000_000
RATE = 44100
LEAD = 10 * 64
"""Frames of the live synth's clock before the song's first line."""
VOLUME, CUTOFF = "cc14:7", "nrpn:120:8"
"""Channel volume as a 14-bit pair; the filter cutoff (SoundFont generator 8) by NRPN."""


def song(volume: str, cutoff: str) -> Song:
    """Two notes at an odd tempo (lines fall between blocks); the lanes move at each."""
    rows = "\n".join(
        [
            f"C-4 01 64 ... {volume} {cutoff}",
            "--- .. .. ... .... ....",
            "E-4 01 64 ... 3000 2400",
            "--- .. .. ... .... ....",
            "OFF .. .. ... .... ....",
        ]
    )
    return build_song(rows, tracks=[Track("Keys", cc=[VOLUME, CUTOFF])], bpm=133)


def play_live(song: Song, soundfont: Path, frames: int) -> np.ndarray:
    """Every event of the song handed to the live synth at its deadline, then the
    frames pulled from it."""
    live = LiveSynth(soundfont)
    try:
        live.set_patches(instrument_patches(song, soundfont))
        for event in compile_song(song).events:
            if event.kind is not Kind.TEMPO:
                live.play(round((event.time + LEAD / RATE) * NS), event)
        return np.asarray(live.synth.render(LEAD + frames))[LEAD:]
    finally:
        live.close()


def test_wide_lanes_live_sound_as_the_bounce_sounds(soundfont: Path) -> None:
    loud_dark = song(volume="3F80", cutoff="1800")
    bounced = render_timeline(compile_song(loud_dark), loud_dark, soundfont, RATE, tail_seconds=0.2)
    live = play_live(loud_dark, soundfont, len(bounced))
    assert peak_db(live) > -40
    assert np.abs(live - bounced).max() < 0.01 * np.abs(bounced).max()  # under -40 dB


def test_the_nrpn_and_the_14_bit_lane_each_change_what_plays_live(soundfont: Path) -> None:
    frames = RATE
    plain = play_live(song(volume="3F80", cutoff="2000"), soundfont, frames)
    darker = play_live(song(volume="3F80", cutoff="0400"), soundfont, frames)
    quieter = play_live(song(volume="1000", cutoff="2000"), soundfont, frames)
    assert not np.array_equal(plain, darker)  # FluidSynth read the NRPN (its generator 8)
    assert peak_db(quieter) < peak_db(plain) - 3  # and the pair's MSB as channel volume
