"""A render streams its files as it plays: what it holds in memory at once stays the
same however long the song (traced with tracemalloc, numpy's buffers included), the
master stage's limiter too, and stems whose pass outruns the mix's wait for its
length, then are cut to it."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import soundfile

from tests.support.builders import build_song
from tracker.audio.bounce import bounce
from tracker.audio.sinks import StemSink
from tracker.audio.staging import Staging
from tracker.audio.writing import AudioWriter
from tracker.song.model import Instrument, MasterSettings, Song, Track

# Keys and bass at 240 bpm, 4 lines per beat: 8 lines are half a second.
RIFF = """
    C-4 01 64 ... | C-2 02 70 ...
    --- .. .. ... | --- .. .. ...
    E-4 01 64 ... | --- .. .. ...
    --- .. .. ... | G-2 02 70 ...
    G-4 01 64 ... | --- .. .. ...
    --- .. .. ... | --- .. .. ...
    OFF .. .. ... | OFF .. .. ...
    --- .. .. ... | --- .. .. ...
"""


def riff_song(seconds: int) -> Song:
    song = build_song(
        RIFF,
        tracks=[Track("Keys"), Track("Bass")],
        instruments={1: Instrument("Piano"), 2: Instrument("Bass", program=33)},
        bpm=240,
    )
    song.order = ["00"] * (2 * seconds)
    return song


def traced_peak_mb(song: Song, out: Path, soundfont: Path, *, stems: bool = True) -> float:
    tracemalloc.start()
    try:
        bounce(song, out, stems=stems, soundfont=soundfont, tail=1.0)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def test_a_song_three_times_as_long_renders_its_stems_in_the_same_memory(
    soundfont: Path, tmp_path: Path
) -> None:
    short = traced_peak_mb(riff_song(12), tmp_path / "short", soundfont)
    long = traced_peak_mb(riff_song(36), tmp_path / "long", soundfont)
    # Whole-song buffers grow with the song: 24 s more of a mix and two stems in
    # stereo float is 25 MB more, twice that with the copies (58 MB more, measured
    # before the render streamed). Pieces hold the same few seconds whatever the
    # length; how many wait for their sink (at most Behind.DEPTH a pass, 3 MB in all)
    # depends on the threads' timing.
    assert long < short + 5, (short, long)
    assert soundfile.info(str(tmp_path / "long" / "mix.wav")).duration == 37.0


def test_a_song_three_times_as_long_masters_to_a_loudness_target_in_the_same_memory(
    soundfont: Path, tmp_path: Path
) -> None:
    short, long = riff_song(12), riff_song(36)
    for song in (short, long):
        song.master = MasterSettings(loudness=-6.0)  # hot: the limiter works throughout
    short_mb = traced_peak_mb(short, tmp_path / "short", soundfont, stems=False)
    long_mb = traced_peak_mb(long, tmp_path / "long", soundfont, stems=False)
    # The limiter once read the whole mix and its envelope: 24 s more of them, with
    # the limiter's float64 curves and the mastered copies, was 60 MB more (measured
    # before the master stage streamed). Read back in pieces, the same few seconds.
    assert long_mb < short_mb + 5, (short_mb, long_mb)


def test_stems_that_outrun_the_mix_wait_for_its_length_and_are_cut_to_it(
    tmp_path: Path,
) -> None:
    rate = 44100
    grouped = np.random.default_rng(1).uniform(-0.5, 0.5, (2, 9000, 2)).astype(np.float32)
    with Staging(tmp_path) as staging:
        writers = {
            t: AudioWriter(staging, tmp_path / f"{t}.wav", rate, "wav", "FLOAT") for t in range(3)
        }
        # Track 2 never played: it has no group and its stem is silence.
        sink = StemSink(writers, {0: 1, 1: 0}, groups=2, body=4000, rate=rate)
        for start in range(0, 9000, 2500):
            sink(grouped[:, start : start + 2500])  # the tail, past frame 4000, waits
        assert sink.written == 4000
        levels = sink.finish(6000)
        said: list[str] = []
        for writer in writers.values():
            writer.close(said)
        staging.commit()
    first, second, silent = (
        soundfile.read(tmp_path / f"{t}.wav", dtype="float32")[0] for t in range(3)
    )
    assert np.array_equal(first, grouped[1, :6000])
    assert np.array_equal(second, grouped[0, :6000])
    assert np.array_equal(silent, np.zeros((6000, 2), dtype=np.float32))
    assert levels[2].true_peak == -np.inf and levels[0].true_peak > -7
