"""The hand-over command as a user runs it, timed whole: `tracker render SONG -o DIR
--stems --loudness -14 --session reaper,dawproject` (process start, compile, the mix
and stems passes, the master stage, the WAVs with their bext chunks, the .mid files,
the .RPP and the .dawproject), against `fluidsynth -ni -F out.wav` rendering the same
song's .mid (`tracker export-midi`'s file) with the same soundfont, in the same run.

Two songs: the demo (songs/demo.toml, 7 tracks, 74 s) and the 16-track, 60 s song of
bench_render. The same command without `--session` shows what the session files
cost on their own. Timings are the best of a few runs on a shared machine: rough.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.bench_render import SIXTEEN, make_song
from tracker.audio.soundfonts import find_soundfont
from tracker.midi.smf import export_song
from tracker.song.model import Song
from tracker.song.storage import load_song, save_song

RUNS = 3
ROOT = Path(__file__).resolve().parent.parent
COMMAND = ["--stems", "--loudness", "-14", "--session", "reaper,dawproject"]


def _best(fn: Callable[[], object]) -> tuple[float, float]:
    """The best wall time and the best CPU time (user + system of the child processes)
    of a few runs: on a shared machine the wall time waits for the others, the CPU
    time much less."""
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def _run(args: list[str]) -> str:
    done = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT, timeout=600)
    return done.stdout


def _one_song(song_path: Path, song: Song, work: Path, cli: str | None) -> dict[str, Any]:
    tracker = [sys.executable, "-m", "tracker", "render", str(song_path)]
    out = work / "out"
    row: dict[str, Any] = {"tracks": len(song.tracks)}
    row["render + session s"], row["render + session CPU s"] = _best(
        lambda: _run([*tracker, "-o", str(out), *COMMAND])
    )
    row["seconds of audio"] = round(_length(out / "mix.wav"), 1)
    said = re.search(r"(-?[0-9.]+) LUFS", _run([*tracker, "-o", str(out), *COMMAND]))
    row["mix LUFS (asked -14)"] = float(said[1]) if said else "n/a"
    row["without --session s"], row["without --session CPU s"] = _best(
        lambda: _run([*tracker, "-o", str(work / "plain"), *COMMAND[:-2]])
    )
    name = song_path.stem
    row[".RPP kB"] = round((out / f"{name}.RPP").stat().st_size / 1000, 1)
    row[".dawproject kB"] = round((out / f"{name}.dawproject").stat().st_size / 1000, 1)
    if cli is None:
        row["fluidsynth -F s"] = "not installed"
        return row
    midi = work / "song.mid"
    export_song(song, midi)
    font = find_soundfont(song.soundfont, song_path.parent)
    reference = [cli, "-ni", "-F", str(work / "cli.wav"), "-r", "44100", str(font), str(midi)]
    row["fluidsynth -F s"], row["fluidsynth -F CPU s"] = _best(lambda: _run(reference))
    row["render + session / fluidsynth -F"] = row["render + session s"] / row["fluidsynth -F s"]
    row["same, CPU time"] = row["render + session CPU s"] / row["fluidsynth -F CPU s"]
    return row


def _length(path: Path) -> float:
    import soundfile

    return float(soundfile.info(str(path)).duration)


def run() -> dict[str, Any]:
    cli = shutil.which("fluidsynth")
    result: dict[str, Any] = {
        "note": f"`tracker render SONG -o DIR {' '.join(COMMAND)}`, whole command in a "
        f"subprocess, against `fluidsynth -ni -F` of the song's .mid; best of {RUNS}, wall "
        "time and CPU time (user + system: less bent by a busy machine)",
    }
    with tempfile.TemporaryDirectory(prefix="bench-handover-") as folder:
        work = Path(folder)
        demo = ROOT / "songs" / "demo.toml"
        (work / "demo").mkdir()
        result["demo"] = _one_song(demo, load_song(demo), work / "demo", cli)
        sixteen = make_song(SIXTEEN)
        path = work / "sixteen" / "sixteen.toml"
        path.parent.mkdir()
        save_song(sixteen, path)
        result["16 tracks"] = _one_song(path, sixteen, path.parent, cli)
    return result


if __name__ == "__main__":
    for key, value in run().items():
        print(key, value)
