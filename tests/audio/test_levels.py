"""Meter levels: the one byte scale, and each track's level heard apart in the live
mix (tracker.audio.livemix with `meters`), from real FluidSynth audio.

Driven in-process with explicit nanoseconds, as tests/audio/test_livemix.py does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.support.builders import build_song
from tracker.audio.levels import (
    FLOOR_DB,
    FULL_SCALE,
    METER_GROUPS,
    from_db,
    to_byte,
    to_db,
    velocity_level,
)
from tracker.audio.livemix import LiveMix
from tracker.audio.patches import instrument_patches
from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song
from tracker.song.model import Instrument, Song, Track

NS = 1_000_000_000
ORIGIN = 10**12

LOUD_AND_QUIET = """
    C-4 01 7F ... | C-4 01 18 ... | C-4 01 7F ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
    E-4 01 7F ... | E-4 01 18 ... | E-4 01 7F ...
    --- .. .. ... | --- .. .. ... | --- .. .. ...
"""
"""The same piano phrase loud, quiet, and loud on a track muted as it starts."""


def loud_and_quiet() -> Song:
    return build_song(
        LOUD_AND_QUIET,
        tracks=[Track("Loud"), Track("Quiet"), Track("Rest")],
        instruments={1: Instrument("Piano", program=0)},
    )


def render(
    song: Song, soundfont: Path, meters: bool, seconds: float = 1.5, muted: int | None = None
) -> LiveMix:
    """Play the song's timeline into a live mix from ORIGIN + 0.1 s for `seconds`,
    `muted` silenced as the player silences a track muted at the start."""
    timeline = compile_song(song)
    blocks: list[np.ndarray] = []
    mix = LiveMix(soundfont, ORIGIN, [lambda f, b: blocks.append(b.copy())], meters=meters)
    mix.blocks = blocks  # type: ignore[attr-defined]
    mix.set_patches(instrument_patches(song, soundfont))
    start = ORIGIN + NS // 10
    mix.start(start)
    for event in timeline.events:
        if event.kind is not Kind.TEMPO:
            mix.play(start + round(event.time * NS), event)
    if muted is not None:
        mix.silence_track(mix.frame_of(start), muted)
    mix.advance(start + round(seconds * NS))
    return mix


def test_the_byte_scale_runs_from_silence_to_a_little_over_full_scale() -> None:
    assert to_byte(0.0) == 0
    assert to_byte(10 ** ((FLOOR_DB - 1) / 20)) == 0, "below the floor is silence"
    assert to_byte(10 ** ((FLOOR_DB + 0.5) / 20)) >= 1
    assert to_byte(2.0) == 255
    assert abs(to_db(FULL_SCALE)) < 0.2
    assert abs(to_db(from_db(-18.0)) + 18.0) < 0.2
    assert velocity_level(0x7F) == FULL_SCALE
    assert 0 < velocity_level(0x10) < velocity_level(0x40) < velocity_level(0x7F)


def test_a_loud_track_meters_higher_than_a_quiet_one_and_a_silent_track_reads_zero(
    soundfont: Path,
) -> None:
    mix = render(loud_and_quiet(), soundfont, meters=True, muted=2)
    master, tracks = mix.take_levels()
    mix.close()
    assert set(tracks) == {0, 1, 2}
    loud, quiet, rest = (to_byte(tracks[t]) for t in range(3))
    assert loud > quiet > 0
    assert to_db(loud) - to_db(quiet) > 12, "velocity 7F against 18"
    assert rest == 0, "muted: its output is silent"
    assert to_byte(master) >= loud
    assert mix.take_levels()[0] == 0.0, "taken: the next call starts afresh"


def test_the_mix_with_meters_is_the_one_output_mix_within_a_millionth(soundfont: Path) -> None:
    """Why a capture from the start keeps one output: the sum of per-track outputs
    rounds differently, far below anything heard, but not bit for bit."""
    song = loud_and_quiet()
    metered, plain = render(song, soundfont, True), render(song, soundfont, False)
    a = np.concatenate(metered.blocks)  # type: ignore[attr-defined]
    b = np.concatenate(plain.blocks)  # type: ignore[attr-defined]
    metered.close()
    plain.close()
    assert a.shape == b.shape and np.max(np.abs(b)) > 0.01
    assert np.max(np.abs(a - b)) < 1e-6
    assert plain.take_levels()[1] == {}, "without meters no track is told apart"


def test_tracks_that_share_an_output_read_no_audio_level(soundfont: Path) -> None:
    """Track 0 and track METER_GROUPS play into one output: neither can be told apart
    (the player meters their note activity instead)."""
    rows = " | ".join(
        ["C-4 01 60 ...", "D-4 01 60 ..."]
        + ["--- .. .. ..."] * (METER_GROUPS - 2)
        + ["E-4 01 60 ..."]
    )
    song = build_song(rows, instruments={1: Instrument("Piano", program=0)})
    mix = render(song, soundfont, meters=True, seconds=0.5)
    _, tracks = mix.take_levels()
    mix.close()
    assert set(tracks) == {1}, "track 1 alone in its output; 0 and 16 share one"
    assert to_byte(tracks[1]) > 0
