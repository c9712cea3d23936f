"""The live mix: events handed over with their wall deadlines, rendered by the
bounce's block renderer a little behind the wall clock, captured to a file.

Driven in-process with explicit nanoseconds (no sleeping): the rule under test
is where each event lands, not how fast a machine renders. A capture of a span
played live must hold the bounce's samples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from tests.support.audio import read_wav
from tests.support.band import GROOVE, build_band_song
from tracker.audio.capture import Capture
from tracker.audio.livemix import LAG_MS, LATE_MS, LiveMix
from tracker.audio.patches import instrument_patches
from tracker.audio.render import render_timeline
from tracker.engine.events import Kind, Timeline
from tracker.engine.timeline import compile_song
from tracker.song.model import Song

NS = 1_000_000_000
ORIGIN = 10**12
"""The wall time of the mix's frame 0."""

RIFF_BPM = 133
"""An odd tempo, so lines fall between the synth's blocks."""


def riff(end: str = "") -> Song:
    """The band's groove (then `end`, when given) at RIFF_BPM."""
    return build_band_song(GROOVE + end, bpm=RIFF_BPM)


def play_live(mix: LiveMix, timeline: Timeline, start_ns: int, step_ns: int = 5_000_000) -> None:
    """What the player does for one play of the timeline from `start_ns`: a start,
    each event at its deadline, turns of the audio loop, the release at the end of
    the last line."""
    first = timeline.lines[0].time

    def deadline(seconds: float) -> int:
        return start_ns + round(seconds * NS) - round(first * NS)

    mix.start(start_ns)
    for event in timeline.events:
        if event.kind is not Kind.TEMPO:
            mix.play(deadline(event.time), event)
    end = deadline(timeline.duration)
    now = ORIGIN
    while now < end:
        mix.advance(now)
        now += step_ns
    mix.release(mix.frame_of(end))


def live_take(
    song: Song, soundfont: Path, path: Path, stop_late_ns: int | None = None
) -> tuple[npt.NDArray[np.float32], LiveMix]:
    """One play of the song through a mix that captures it to `path`, read back (and
    the mix, closed, for its counts). Started at a wall time that maps to no block
    boundary of the mix's clock; with `stop_late_ns`, a stop's own release follows
    the last line's release that much later."""
    timeline = compile_song(song)
    capture = Capture(path, 44100, "float")
    mix = LiveMix(soundfont, ORIGIN, [], capture=capture)
    mix.set_patches(instrument_patches(song, soundfont))
    start = ORIGIN + 123_456_789
    play_live(mix, timeline, start)
    if stop_late_ns is not None:
        end = start + round((timeline.duration - timeline.lines[0].time) * NS)
        mix.release(mix.frame_of(end + stop_late_ns))
    mix.drain()
    capture.finish()
    mix.close()
    return read_wav(path), mix


def test_a_capture_of_a_live_play_holds_the_bounces_samples_exactly(
    soundfont: Path, tmp_path: Path
) -> None:
    song = riff()
    bounced = render_timeline(compile_song(song), song, soundfont)
    captured, mix = live_take(song, soundfont, tmp_path / "take.wav")
    assert captured.shape == bounced.shape
    assert np.array_equal(captured, bounced)
    assert mix.counts.late_events == 0
    assert not list(tmp_path.glob(".take*")), "the temporary file took the capture's place"


def test_the_mix_runs_a_little_behind_the_wall_clock_and_streams_silence_before_the_start(
    soundfont: Path,
) -> None:
    blocks: list[tuple[int, np.ndarray]] = []
    mix = LiveMix(soundfont, ORIGIN, [lambda frame, block: blocks.append((frame, block.copy()))])
    mix.advance(ORIGIN + NS // 2)
    heard = sum(len(block) for _, block in blocks)
    assert heard == 44100 // 2 - round(LAG_MS * 44100 / 1000)
    assert all(not block.any() for _, block in blocks), "nothing played: plain silence"
    assert blocks[0][0] == 0
    mix.close()


def test_a_turn_that_finds_the_audio_far_behind_counts_a_dropout_and_catches_up(
    soundfont: Path,
) -> None:
    mix = LiveMix(soundfont, ORIGIN, [])
    mix.advance(ORIGIN + NS // 10)
    mix.advance(ORIGIN + NS // 10 + 5_000_000)
    assert mix.counts.dropouts == 0
    stalled = round((LAG_MS + LATE_MS) * 1_000_000) + 20_000_000
    mix.advance(ORIGIN + NS // 10 + 5_000_000 + stalled)
    assert mix.counts.dropouts == 1
    assert mix.pos == mix.frame_at(ORIGIN + NS // 10 + 5_000_000 + stalled) - mix.lag
    mix.close()


def test_a_muted_track_stops_at_once_and_its_queued_notes_never_sound(soundfont: Path) -> None:
    song = riff()
    timeline = compile_song(song)
    blocks: list[np.ndarray] = []
    mix = LiveMix(soundfont, ORIGIN, [lambda frame, block: blocks.append(block.copy())])
    mix.set_patches(instrument_patches(song, soundfont))
    start = ORIGIN + NS // 10
    mix.start(start)
    for event in timeline.events:
        if event.kind is not Kind.TEMPO and event.track == 0:  # the keys alone
            mix.play(start + round(event.time * NS), event)
    mix.silence_track(mix.frame_of(start), 0)
    mix.advance(start + 2 * NS)
    assert np.max(np.abs(np.concatenate(blocks))) < 10 ** (-100 / 20)  # the synth's own hiss
    mix.close()


def test_the_stop_after_the_end_reached_late_does_not_lengthen_the_capture(
    soundfont: Path, tmp_path: Path
) -> None:
    """The player releases everything at the last line's deadline, then stops, and on a
    busy machine the stop's own release comes some milliseconds later: the tail still
    runs from the first release, so the capture is the bounce's length and samples,
    which end with the song when it has fallen silent by then."""
    quiet_end = "--- .. .. ... | --- .. .. ... | --- .. .. ...\n" * 24
    song = riff(end=quiet_end)
    bounced = render_timeline(compile_song(song), song, soundfont)
    captured, _ = live_take(song, soundfont, tmp_path / "take.wav", stop_late_ns=20_000_000)
    assert captured.shape == bounced.shape
    assert np.array_equal(captured, bounced)
