"""How fast the bounce renders a 60-second song, against the `fluidsynth`
command line rendering the same notes from the exported .mid, and how close
the two sound.

Two songs: a 4-track one (drums, bass, three-note pads, lead) and a 16-track
one (a drum kit split over three tracks, bass, pads, leads, arpeggios, each
melodic track with an instrument of its own). For each, in the same run:
our mix (`bounce`, no stems), our mix + stems + .mid files, the stems pass
alone (one synth with an output per track: what a single pass for mix and
stems would cost), and the command line (`fluidsynth -ni -F out.wav -r 44100
FONT song.mid`, process start and font load included, as a user would run it).

Sound: the stems' sum against the mix (peak of the difference), and our mix
against the command line's. Its MIDI player applies events one 64-frame
block late, so its render is read one block on; then the correlation of 10 ms
RMS envelopes, of the samples, and the share of bit-exact blocks. The same
figures for the sum of per-track synths (the bounce's first design) show how
much closer one synth for the whole song comes to the command line.
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
import numpy.typing as npt
import soundfile

from tests.support.audio import peak_db
from tests.support.reference import cli_timing, likeness
from tracker.audio.bounce import bounce
from tracker.audio.passes import stems_pass
from tracker.audio.patches import instrument_patches
from tracker.audio.render import render, render_timeline
from tracker.audio.soundfonts import find_soundfont
from tracker.audio.synth import BLOCK, SynthSettings
from tracker.engine.events import Timeline
from tracker.engine.routing import keep_tracks
from tracker.engine.timeline import compile_song
from tracker.midi.smf import export_timeline
from tracker.song.model import NOTE_OFF, Cell, Instrument, Pattern, PatternTrack, Song, Track

RATE = 44100
RUNS = 3
LINES = 64
PATTERNS = 8
"""8 patterns x 64 lines at 128 bpm, 4 lines per beat: exactly 60 s."""
BPM = 128.0
CHORDS = ((60, 64, 67), (57, 60, 64), (53, 57, 60), (55, 59, 62))
SCALE = (72, 74, 76, 79, 81, 84)
"""10 ms of frames: one RMS value of the envelope."""

Audio = npt.NDArray[np.float32]
Column = list[Cell]


def _column(cells: dict[int, Cell]) -> Column:
    return [cells.get(line, Cell()) for line in range(LINES)]


def _drums(keys: tuple[int, ...], instrument: int, every: int = 2) -> Column:
    """One drum voice pattern: keys in turn on every `every`-th line, accents on beats."""
    return _column(
        {
            ln: Cell(note=keys[(ln // every) % len(keys)], instrument=instrument,
                     volume=0x70 if ln % 4 == 0 else 0x40)
            for ln in range(0, LINES, every)
        }
    )  # fmt: skip


def _held(note: int, instrument: int, volume: int = 0x50) -> Column:
    return _column(
        {0: Cell(note=note, instrument=instrument, volume=volume), 60: Cell(note=NOTE_OFF)}
    )


def _melody(index: int, instrument: int, step: int, shift: int = 0) -> Column:
    cells: dict[int, Cell] = {}
    for ln in range(0, LINES, step):
        note = SCALE[(ln // step + index + shift) % len(SCALE)] - 12 * (shift % 2)
        cells[ln] = Cell(note=note, instrument=instrument, volume=0x60)
        if ln + step - 1 < LINES:
            cells[ln + step - 1] = Cell(note=NOTE_OFF)
    return _column(cells)


def _bass(chord: tuple[int, ...], instrument: int) -> Column:
    return _column({ln: Cell(note=chord[0] - 24, instrument=instrument, volume=0x68)
                    for ln in range(0, LINES, 4)})  # fmt: skip


def _four_tracks(index: int) -> list[list[Column]]:
    chord = CHORDS[index % len(CHORDS)]
    return [
        [_drums((36, 42, 38, 42), 4)],
        [_bass(chord, 2)],
        [_held(n, 3) for n in chord],
        [_melody(index, 1, 3)],
    ]


def _sixteen_tracks(index: int) -> list[list[Column]]:
    chord = CHORDS[index % len(CHORDS)]
    return [
        [_drums((36,), 16, every=8)],
        [_drums((38, 39), 16, every=8)],
        [_drums((42, 42, 46), 16, every=2)],
        [_bass(chord, 1)],
        [_held(n, 2) for n in chord],
        [_held(n + 12, 3, 0x40) for n in chord[:2]],
        [_melody(index, 4, 3)],
        [_melody(index, 5, 4, shift=1)],
        [_melody(index, 6, 2, shift=2)],
        [_melody(index, 7, 6, shift=3)],
        [_held(chord[0] - 12, 8, 0x48)],
        [_melody(index, 9, 8, shift=4)],
        [_held(chord[2], 10, 0x40)],
        [_melody(index, 11, 1, shift=5)],
        [_bass(chord, 12)],
        [_melody(index, 13, 5, shift=6)],
    ]


FOUR = (
    {1: ("Lead", 80), 2: ("Bass", 33), 3: ("Pad", 89), 4: ("Drums", -1)},
    ["Drums", "Bass", "Pads", "Lead"],
    _four_tracks,
)
SIXTEEN = (
    {
        1: ("Bass", 33), 2: ("Strings", 48), 3: ("Choir", 52), 4: ("Lead", 80),
        5: ("Flute", 73), 6: ("Vibes", 11), 7: ("Trumpet", 56), 8: ("Organ", 19),
        9: ("Guitar", 25), 10: ("Pad", 89), 11: ("Harp", 46), 12: ("Synth bass", 38),
        13: ("Clarinet", 71), 16: ("Drums", -1),
    },
    ["Kick", "Snare", "Hats", "Bass", "Strings", "Choir", "Lead", "Flute", "Vibes",
     "Trumpet", "Organ", "Guitar", "Pad", "Harp", "Synth bass", "Clarinet"],
    _sixteen_tracks,
)  # fmt: skip


def make_song(
    shape: tuple[dict[int, tuple[str, int]], list[str], Callable[[int], list[list[Column]]]],
) -> Song:
    """A 60 s song: `shape` gives the instruments (program -1: the GM drum kit),
    the track names and each pattern's columns per track."""
    instruments, names, tracks_of = shape
    patterns = {
        f"{i:02X}": Pattern(
            lines=LINES, tracks=[PatternTrack(columns=cols) for cols in tracks_of(i)]
        )
        for i in range(PATTERNS)
    }
    columns = [len(cols) for cols in tracks_of(0)]
    return Song(
        title="Bench",
        bpm=BPM,
        lpb=4,
        tpl=6,
        order=list(patterns),
        instruments={
            n: Instrument(name, bank=128, program=0)
            if program < 0
            else Instrument(name, program=program)
            for n, (name, program) in instruments.items()
        },
        tracks=[Track(name, notes=c) for name, c in zip(names, columns, strict=True)],
        patterns=patterns,
    )


def _best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def _one_song(name: str, song: Song, font: Path, cli_path: str | None) -> dict[str, Any]:
    timeline = compile_song(song)
    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        work = Path(folder)
        midi = work / "song.mid"
        export_timeline(timeline, song, midi)
        row: dict[str, Any] = {"tracks": len(song.tracks), "seconds": round(timeline.duration, 1)}
        row["mix s"] = _best(lambda: bounce(song, work / "mix", soundfont=font, bits="float"))
        row["mix + stems + .mid s"] = _best(
            lambda: bounce(
                song, work / "stems", stems=True, soundfont=font, bits="float",
                midi_writer=lambda t, s, track, p: export_timeline(t, s, p, tracks={track}),
            )
        )  # fmt: skip
        patches = instrument_patches(song, font)
        one_pass = stems_pass(timeline, patches, font, SynthSettings(rate=RATE), None)
        row["one pass, an output per track s"] = _best(lambda: render(one_pass, None))
        mix = soundfile.read(work / "stems" / "mix.wav", dtype="float32")[0]
        stems = [soundfile.read(p, dtype="float32")[0] for p in (work / "stems").glob("[0-9]*.wav")]
        row["stems' sum - mix, peak dBFS"] = peak_db(np.sum(stems, axis=0) - mix)
        if cli_path is None:
            row["fluidsynth -F s"] = "not installed"
            return row
        command = [
            cli_path,
            "-ni",
            "-F",
            str(work / "cli.wav"),
            "-r",
            str(RATE),
            str(font),
            str(midi),
        ]
        cli_s = _best(lambda: subprocess.run(command, check=True, capture_output=True))
        row["fluidsynth -F s"] = cli_s
        row["mix / command line"] = row["mix s"] / cli_s
        row["mix + stems / command line"] = row["mix + stems + .mid s"] / cli_s
        # Once more in float, so equal audio shows as equal samples.
        float_wav = work / "cli-float.wav"
        command[3] = str(float_wav)
        subprocess.run(
            [*command[:2], "-o", "audio.file.format=float", *command[2:]],
            check=True,
            capture_output=True,
        )
        cli = soundfile.read(float_wav, dtype="float32", always_2d=True)[0]
        late = cli[BLOCK:]
        in_step = cli_timing(timeline)
        renders: dict[str, tuple[Timeline, Audio]] = {
            "one block on": (timeline, late),
            "its clock copied": (in_step, cli),
        }
        for how, (timed, reference) in renders.items():
            ours = render_timeline(timed, song, font, RATE, tail_seconds=0.0)
            alone = [
                render_timeline(keep_tracks(timed, {t}), song, font, RATE, tail_seconds=0.0)
                for t in range(len(song.tracks))
            ]
            apart = np.zeros((max(a.shape[0] for a in alone), 2), dtype=np.float32)
            for audio in alone:
                apart[: audio.shape[0]] += audio
            for label, audio in (("one synth", ours), ("per-track synths", apart)):
                for key, value in likeness(np.asarray(audio, np.float32), reference).items():
                    row[f"{label}, {how}: {key}"] = value
        return row


def run() -> dict[str, Any]:
    font = find_soundfont(None, None)
    cli_path = shutil.which("fluidsynth")
    result: dict[str, Any] = {
        "note": f"60 s songs, font {font.name}; timings best of {RUNS}; the command line read "
        f"one {BLOCK}-frame block later for the likeness figures",
    }
    for name, shape in (("4 tracks", FOUR), ("16 tracks", SIXTEEN)):
        result[name] = _one_song(name, make_song(shape), font, cli_path)
    return result


if __name__ == "__main__":
    for key, value in run().items():
        if isinstance(value, dict):
            print(key)
            for k, v in value.items():
                print(f"  {k}: {v}")
        else:
            print(f"{key}: {value}")
