"""The `fluidsynth` command line as a reference renderer no one here wrote.

Two facts about it shape every comparison (DESIGN.md section 5):
- its MIDI player applies events at least one 64-frame block late, and reads
  the clock in whole milliseconds, so an event lands one or two blocks after
  its sample;
- with a constant tempo it is otherwise the same engine as ours.

So a comparison either reads its render one block on, or moves our events to
the blocks where it applies them (`cli_timing`) and expects the same audio.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from tests.support.audio import RATE, peak_db
from tracker.audio.synth import BLOCK
from tracker.engine.events import Kind, Timeline
from tracker.midi.smf import DEFAULT_PPQ

Audio = npt.NDArray[np.float32]
ENVELOPE = RATE // 100
"""10 ms of frames."""


def fluidsynth_command() -> str:
    path = shutil.which("fluidsynth")
    assert path, "run `make setup`: it installs the fluidsynth command line"
    return path


def render_with_command_line(midi: Path, soundfont: Path, out: Path) -> Audio:
    """The command line's own render of a MIDI file, in float so equal audio is equal."""
    subprocess.run(
        [fluidsynth_command(), "-ni", "-o", "audio.file.format=float", "-F", str(out),
         "-r", str(RATE), str(soundfont), str(midi)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    audio, _ = soundfile.read(out, dtype="float32", always_2d=True)
    return np.asarray(audio, dtype=np.float32)


def envelope(audio: Audio) -> npt.NDArray[np.float64]:
    """10 ms RMS of both channels together."""
    n = audio.shape[0] // ENVELOPE * ENVELOPE
    frames = audio[:n].astype(np.float64).reshape(-1, ENVELOPE * 2)
    return np.asarray(np.sqrt(np.mean(frames**2, axis=1)))


def likeness(ours: Audio, cli: Audio) -> dict[str, float]:
    """Our render against the command line's, both already in step."""
    n = min(ours.shape[0], cli.shape[0]) // BLOCK * BLOCK
    a, b = ours[:n], cli[:n]
    blocks = np.all(a.reshape(-1, BLOCK * 2) == b.reshape(-1, BLOCK * 2), axis=1)
    return {
        "envelope correlation": float(np.corrcoef(envelope(a), envelope(b))[0, 1]),
        "sample correlation": float(np.corrcoef(a[:, 0], b[:, 0])[0, 1]),
        "bit-exact blocks %": 100 * float(np.mean(blocks)),
        "peak difference dBFS": peak_db(a - b),
    }


def cli_timing(timeline: Timeline, ppq: int = DEFAULT_PPQ) -> Timeline:
    """The timeline with each event moved to the block where the command line
    applies it (constant tempo only).

    Its MIDI player runs at the start of each 64-frame block k, reads the clock
    as whole milliseconds, msec = floor(1000 * 64k / rate), turns that into file
    ticks with a float32 ms-per-tick, int(msec / deltatime + 0.5), sends every
    event up to there, and the synth plays them from block k + 1 (FluidSynth 2.3,
    fluid_midi.c fluid_player_callback, fluid_synth.c fluid_sample_timer_process).
    """
    bpm = next(e.bpm for e in timeline.events if e.kind is Kind.TEMPO)
    tempo = round(60_000_000 / bpm)
    deltatime = float(np.float32(np.float32(tempo) / np.float32(ppq) / np.float32(1000.0)))

    def player_tick(block: int) -> int:
        return int(math.floor(1000.0 * BLOCK * block / RATE) / deltatime + 0.5)

    moved = []
    for event in timeline.events:
        tick = round(event.beat * ppq)
        block = max(0, int(tick * deltatime * RATE / 1000 / BLOCK) - 2)
        while player_tick(block) < tick:
            block += 1
        moved.append(event._replace(time=(block + 1) * BLOCK / RATE))
    return Timeline(
        events=moved,
        lines=list(timeline.lines),
        duration=timeline.duration,
        end_beat=timeline.end_beat,
        end_tick=timeline.end_tick,
    )


def first_sound(audio: Audio, after: int, threshold: float = 1e-3) -> int:
    """The first frame at or after `after` whose level passes the threshold."""
    loud = np.flatnonzero(np.max(np.abs(audio[after:]), axis=1) > threshold)
    assert loud.size, f"no sound after frame {after}"
    return after + int(loud[0])
