"""Whole commands as a user runs them (#16), on the demo and on generated songs of
4/16/64 tracks x 1/5/20 minutes (bench/song_sizes.py), each beside its reference
measured in the same run:

- `check`, `export-midi`: Python's TOML parser reading the same song file
  (`python -c "tomllib.load(...)"`, a process of its own, like the command);
- `render`, `render --stems`: `fluidsynth -ni -F` rendering the song's exported .mid
  with the same soundfont;
- `import-midi`: mido reading the same .mid (`mido.MidiFile(...)`), the .mid being the
  song's own export;
- editor first paint: the real `tracker SONG` in tmux until the grid shows;
- `play` to first note: `tracker play --port` into a JACK dummy server until the first
  note-on arrives at our port (a process of its own; the player's process is its child).

Every command is a child process: time is wall clock from start to exit (or to the
screen / the note), peak memory is the child's own maximum resident size (os.wait4).
The default run keeps the heavy cases small (renders on the 1-minute songs, stems on
4 tracks); `python -m bench commands --full` (or BENCH_FULL=1) runs every size and
command. Python's bytecode: run it once as is and once with PYTHONDONTWRITEBYTECODE=1
(the children inherit it), from a fresh clone, and compare. The child processes and
their references are measured by bench/measure.py's `Child`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.measure import (
    Child,
    add_figures,
    fluidsynth_reference,
    full_run,
    mido_reference,
    toml_reference,
)
from bench.song_sizes import sized_song, write_song
from tests.support.command import TRACKER

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "songs" / "demo.toml"
DEFAULT_SIZES: list[tuple[int, float]] = [(4, 1), (16, 1), (64, 1), (16, 5), (64, 5), (64, 20)]
FULL_SIZES: list[tuple[int, float]] = [(t, m) for t in (4, 16, 64) for m in (1, 5, 20)]


def _first_paint_s(song: Path, work: Path) -> float:
    from tests.support.tmux import Terminal

    terminal = Terminal(work, width=120, height=40)
    try:
        started = time.perf_counter()
        terminal.start([*TRACKER, str(song)])
        terminal.wait_for(lambda screen: "Pos " in screen and "Instruments" in screen, 300)
        return time.perf_counter() - started
    finally:
        terminal.close()


def _first_note_s(song: Path, work: Path) -> float:
    """Seconds from `tracker play` starting to its first note-on at our JACK port."""
    from tests.support.jack import Receiver, dummy_jack

    with dummy_jack() as _server:
        receiver = Receiver("bench-first-note")
        try:
            started = time.perf_counter()
            process = subprocess.Popen(
                [*TRACKER, "play", "--port", receiver.client, str(song)],
                cwd=work,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                receiver.wait_for(lambda data: any(_note_on(m) for m in data), 600)
                first = next(t for t, m in receiver.snapshot() if _note_on(m))
                seconds = first / 1e9 - started  # both on perf_counter's clock
            finally:
                process.terminate()  # our own child: tracker play stops on SIGTERM
                process.wait(30)
            return seconds
        finally:
            receiver.close()


def _note_on(message: bytes) -> bool:
    return len(message) == 3 and message[0] & 0xF0 == 0x90 and message[2] > 0


def _song_row(label: str, song_path: Path, work: Path, heavy: bool, full: bool) -> dict[str, Any]:
    """Every command on one song."""
    row: dict[str, Any] = {"file MB": round(song_path.stat().st_size / 1e6, 2)}
    toml = toml_reference(song_path, work)
    row["TOML parse s (reference)"] = round(toml.seconds, 2)
    add_figures(row, "check", Child([*TRACKER, "check", str(song_path)], work), toml)
    midi = work / f"{label}.mid"
    add_figures(
        row,
        "export-midi",
        Child([*TRACKER, "export-midi", str(song_path), "-o", str(midi)], work),
        toml,
    )
    mido_read = mido_reference(midi, work)
    row["mido read s (reference)"] = round(mido_read.seconds, 2)
    imported = work / f"{label}-imported.toml"
    add_figures(
        row,
        "import-midi",
        Child([*TRACKER, "import-midi", str(midi), "-o", str(imported), "--force"], work),
        mido_read,
    )
    if heavy or full:
        fluidsynth = fluidsynth_reference(midi, work)
        if fluidsynth is not None:
            row["fluidsynth -F s (reference)"] = round(fluidsynth.seconds, 2)
        add_figures(
            row,
            "render",
            Child([*TRACKER, "render", str(song_path), "-o", str(work / f"{label}-mix")], work),
            fluidsynth,
        )
        if full or label in ("demo", "4x1"):
            stems = Child(
                [*TRACKER, "render", "--stems", str(song_path), "-o", str(work / f"{label}-stems")],
                work,
            )
            add_figures(row, "render --stems", stems, fluidsynth)
    row["first paint s"] = round(_first_paint_s(song_path, work), 2)
    try:
        seconds = _first_note_s(song_path, work)
    except RuntimeError as error:  # no jackd, or the machine's JACK servers all taken
        row["play to first note s"] = f"not measured ({str(error).splitlines()[0][:60]})"
    else:
        row["play to first note s"] = round(seconds, 2)
    return row  # fmt: skip


def commands(sizes: Sequence[tuple[int, float]]) -> dict[str, dict[str, Any]]:
    full = full_run()
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-commands-") as folder:
        work = Path(folder)
        print("bench commands: demo", file=sys.stderr, flush=True)
        demo = work / DEMO.name  # a copy: the editor's lock and autosave stay out of songs/
        shutil.copyfile(DEMO, demo)
        rows["demo"] = _song_row("demo", demo, work, heavy=True, full=full)
        for tracks, minutes in sizes:
            label = f"{tracks}x{minutes:g}"
            print(f"bench commands: {label}", file=sys.stderr, flush=True)
            path = write_song(sized_song(tracks, minutes), work / f"{label}.toml")
            rows[f"{label} ({tracks} tracks, {minutes:g} min)"] = _song_row(
                label, path, work, heavy=minutes <= 1 and tracks <= 16, full=full
            )
            for leftover in work.glob(f"{label}*"):
                if leftover.is_dir():
                    shutil.rmtree(leftover)
    return rows


def _sizes() -> list[tuple[int, float]]:
    """BENCH_SIZES="4x1,64x20" picks sizes; else all of them with BENCH_FULL, a few without."""
    chosen = os.environ.get("BENCH_SIZES", "")
    if chosen:
        return [(int(t), float(m)) for t, m in (size.split("x") for size in chosen.split(","))]
    return FULL_SIZES if full_run() else DEFAULT_SIZES


def run() -> dict[str, Any]:
    """The commands: one column per song, one row per figure."""
    sizes = _sizes()
    result: dict[str, Any] = {
        "note": (
            "Whole commands as child processes (wall time; MB: the child's peak RSS), each "
            "beside its reference run just before it on the same file: Python's TOML parse "
            "(check, export-midi), mido's read of the song's exported .mid (import-midi), "
            "`fluidsynth -ni -F` of that .mid (render). Songs from bench/song_sizes.py (every "
            "order entry its own 64-line pattern, 125 bpm). Sizes: "
            + ", ".join(f"{t}x{m:g}" for t, m in sizes)
            + f"{' (--full)' if full_run() else ''}; PYTHONDONTWRITEBYTECODE="
            + os.environ.get("PYTHONDONTWRITEBYTECODE", "unset")
            + "."
        ),
    }
    result.update(commands(sizes))
    return result


if __name__ == "__main__":
    for key, value in run().items():
        print(key, value)
