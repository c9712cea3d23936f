"""How fast the bounce renders a 60-second, four-track song, against the
`fluidsynth` command line rendering the same notes from the exported .mid.

Figures: our mix (one FluidSynth per track, in worker processes, summed),
one FluidSynth for the whole song (what the player does live), the command
line (`fluidsynth -ni -F out.wav -r 44100 FONT song.mid`), the mix plus stems
and their .mid files, and how closely our render matches the command line's
(peak level, and correlation with the command line's render read one or two
64-frame blocks later: its MIDI player applies events a block late, and later
ones a block later still when its millisecond clock rounds them).
Every timing is the best of a few runs; the machine is shared, so read them
as rough.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

from tracker.audio.bounce import bounce, render_timeline
from tracker.audio.soundfonts import find_soundfont
from tracker.audio.synth import BLOCK
from tracker.engine.events import Timeline
from tracker.engine.timeline import compile_song
from tracker.midi.smf import export_timeline
from tracker.song.model import (
    NOTE_OFF,
    Cell,
    Instrument,
    Pattern,
    PatternTrack,
    Song,
    Track,
)

RATE = 44100
RUNS = 3
LINES = 64
PATTERNS = 8
"""8 patterns x 64 lines at 128 bpm, 4 lines per beat: exactly 60 s."""
BPM = 128.0
CHORDS = ((60, 64, 67), (57, 60, 64), (53, 57, 60), (55, 59, 62))
SCALE = (72, 74, 76, 79, 81, 84)


def _column(cells: dict[int, Cell]) -> list[Cell]:
    return [cells.get(line, Cell()) for line in range(LINES)]


def _pattern(index: int) -> Pattern:
    chord = CHORDS[index % len(CHORDS)]
    drums = {ln: Cell(note=36 if ln % 8 == 0 else 38 if ln % 8 == 4 else 42, instrument=4,
                      volume=0x70 if ln % 4 == 0 else 0x40) for ln in range(0, LINES, 2)}  # fmt: skip
    bass = {ln: Cell(note=chord[0] - 24, instrument=2, volume=0x68) for ln in range(0, LINES, 4)}
    pads = [
        _column({0: Cell(note=n, instrument=3, volume=0x50), 60: Cell(note=NOTE_OFF)})
        for n in chord
    ]
    lead: dict[int, Cell] = {}
    for ln in range(0, LINES, 3):
        lead[ln] = Cell(note=SCALE[(ln + index) % len(SCALE)], instrument=1, volume=0x60)
        lead[ln + 2] = Cell(note=NOTE_OFF)
    return Pattern(
        lines=LINES,
        tracks=[
            PatternTrack(columns=[_column(drums)]),
            PatternTrack(columns=[_column(bass)]),
            PatternTrack(columns=pads),
            PatternTrack(columns=[_column({k: v for k, v in lead.items() if k < LINES})]),
        ],
    )


def make_song() -> Song:
    names = [f"{i:02X}" for i in range(PATTERNS)]
    return Song(
        title="Bench",
        bpm=BPM,
        lpb=4,
        tpl=6,
        order=names,
        instruments={
            1: Instrument("Lead", program=80),
            2: Instrument("Bass", program=33),
            3: Instrument("Pad", program=89),
            4: Instrument("Drums", bank=128, program=0),
        },
        tracks=[Track("Drums"), Track("Bass"), Track("Pads", notes=3), Track("Lead")],
        patterns={name: _pattern(i) for i, name in enumerate(names)},
    )


def _best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def _correlation(ours: np.ndarray, cli: np.ndarray, lag: int) -> float:
    """Pearson correlation of the left channels, the command line read `lag` frames on."""
    n = min(ours.shape[0], cli.shape[0] - lag)
    a = ours[:n, 0].astype(np.float64)
    b = cli[lag : lag + n, 0].astype(np.float64)
    return float(np.corrcoef(a, b)[0, 1])


def run() -> dict[str, Any]:
    fluidsynth_cli = shutil.which("fluidsynth")
    song = make_song()
    font = find_soundfont(None, None)
    timeline: Timeline = compile_song(song)
    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        work = Path(folder)
        midi = work / "song.mid"
        export_timeline(timeline, song, midi)

        mix_s = _best(lambda: bounce(song, work / "mix", soundfont=font, bits="float"))
        one_synth_s = _best(lambda: render_timeline(timeline, song, font, RATE, tail_seconds=2.0))
        stems_s = _best(
            lambda: bounce(
                song,
                work / "stems",
                stems=True,
                soundfont=font,
                midi_writer=lambda t, s, track, p: export_timeline(t, s, p, tracks={track}),
            )
        )
        result: dict[str, Any] = {
            "note": f"{timeline.duration:.0f} s song, {len(song.tracks)} tracks, font {font.name}; "
            f"best of {RUNS}",
            "song seconds": timeline.duration,
            "our mix (per-track synths, parallel) s": mix_s,
            "one synth, whole song s": one_synth_s,
            "mix + stems + .mid s": stems_s,
        }
        if fluidsynth_cli is None:
            result["fluidsynth command line"] = "not installed"
            return result
        cli_wav = work / "cli.wav"
        command = [fluidsynth_cli, "-ni", "-F", str(cli_wav), "-r", str(RATE), str(font), str(midi)]
        cli_s = _best(lambda: subprocess.run(command, check=True, capture_output=True))
        ours = render_timeline(timeline, song, font, RATE, tail_seconds=2.0)
        cli, _ = soundfile.read(cli_wav, dtype="float32", always_2d=True)
        result["fluidsynth -F s"] = cli_s
        result["our mix / command line"] = mix_s / cli_s
        result["one synth / command line"] = one_synth_s / cli_s
        result["realtime factor of our mix"] = timeline.duration / mix_s
        result["peak dBFS, one synth"] = 20 * np.log10(np.max(np.abs(ours)))
        result["peak dBFS, command line"] = 20 * np.log10(np.max(np.abs(cli)))
        # The command line's player starts events one block late, and rounds later
        # events to its millisecond clock (one more block, sometimes): no single lag
        # fits a whole song, so both are shown.
        for blocks in (1, 2):
            key = f"correlation vs command line, {blocks} block(s) later"
            result[key] = _correlation(ours, cli, blocks * BLOCK)
        return result


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
