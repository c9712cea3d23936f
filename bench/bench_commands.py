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
(the children inherit it), from a fresh clone, and compare. Also here, in-process: the
compile time per song length (linear?), and the editor's keypress-to-repaint while an
autosave runs on a 64-track, 200-pattern song.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.measure import (
    PYTHON,
    Child,
    add_figures,
    fluidsynth_reference,
    full_run,
    mido_reference,
    percentile,
    timed,
    timed_rows,
    toml_reference,
)
from bench.song_sizes import generated_song, sized_song, write_song
from tests.support.command import TRACKER
from tracker.song.model import Song

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


def compile_curve(sizes: Sequence[tuple[int, float]]) -> dict[str, dict[str, Any]]:
    """compile_song on 64-track songs of growing length: time per 1,000 lines stays flat
    when the compile is linear. Beside it `song_length`, the same voices counting notes
    without building events: what `check` runs."""
    from tracker.engine.timeline import compile_song, song_length
    from tracker.instruments import cc_lane_for

    rows: dict[str, dict[str, Any]] = {}
    for tracks, minutes in sizes:
        song = sized_song(tracks, minutes)
        lines = sum(song.patterns[name].lines for name in song.order)
        best = min(timed(lambda: compile_song(song, cc_resolver=cc_lane_for)) for _ in range(2))  # noqa: B023 - run here, in this turn of the loop
        counted = min(timed(lambda: song_length(song, cc_resolver=cc_lane_for)) for _ in range(2))  # noqa: B023 - run here, in this turn of the loop
        rows[f"{tracks}x{minutes:g}"] = {
            "lines": lines,
            "compile s": round(best, 2),
            "ms per 1000 lines": round(best * 1e6 / lines, 1),
            "song_length s (check)": round(counted, 2),
            "song_length ms per 1000 lines": round(counted * 1e6 / lines, 1),
        }
    return rows


@contextlib.contextmanager
def _collections() -> Iterator[list[tuple[int, float]]]:
    """While inside: each garbage collection that ran, (generation, ms)."""
    import gc

    ran: list[tuple[int, float]] = []
    started = [0.0]

    def heard(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            ran.append((info["generation"], (time.perf_counter() - started[0]) * 1000))

    gc.callbacks.append(heard)
    try:
        yield ran
    finally:
        gc.callbacks.remove(heard)


def _gc_figures(ran: list[tuple[int, float]], full_ms: float) -> str:
    """A full collection's time in the editor, then the collections while the keys ran."""
    full = [ms for generation, ms in ran if generation == 2]
    longest = max((ms for _, ms in ran), default=0.0)
    return f"{full_ms:.1f} / {len(full)}, {max(full, default=0.0):.1f} / {len(ran)}, {longest:.1f}"


GC_FIGURES = (
    "garbage collector: a full collection ms / full ones during the keys, longest ms / "
    "all, longest ms"
)


SCROLLED_ROWS = 10
"""More grid rows than a key repaints unless the view scrolls (then it repaints them all)."""
BY_ROWS = "keys that scrolled the grid: presses, p50 / max ms; the others: p99 / max ms"


def _by_rows(by_rows: dict[bool, list[float]]) -> str:
    scrolled, others = by_rows[True], by_rows[False]
    if not scrolled or not others:
        return ""
    return (
        f"{len(scrolled)}, {statistics.median(scrolled):.1f} / {max(scrolled):.1f}; "
        f"{percentile(others, 0.99):.1f} / {max(others):.1f}"
    )


async def _keys_during_autosave(
    song: Song, path: Path, presses: int, autosave: bool = True
) -> dict[str, Any]:
    """Keypress to repaint while the timer's autosave runs: keys posted straight to the
    app at a typist's pace (Pilot's press waits for the process to go idle, which would
    wait for the autosave), each timed to the last grid row it caused to be rendered,
    and told apart by whether an autosave was under way (its bytes made in a forked
    process, then written by a worker thread) or not; and the old way's freeze, an
    autosave made and written on the UI thread. Without `autosave`, the same keys alone,
    for what the machine gives them anyway (the timer's autosave off too: it ran once
    or twice in a run). Beside them, the garbage collector: what a full collection
    takes in the editor, and the collections that ran while the keys did."""
    import gc

    from tests.support.pilot import make_app

    app = make_app(song, path)
    if not autosave:
        app.autosave_in_background = lambda: None  # type: ignore[method-assign]
    by_phase: dict[str, list[float]] = {"autosaving": [], "idle": []}
    by_rows: dict[bool, list[float]] = {True: [], False: []}
    """Keys that repainted the whole grid (the view scrolled) and the others."""
    autosaves = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        full_ms = timed(gc.collect) * 1000
        keys = ("z", "down", "x", "down", "up", "right", "left", "c", "down", "up")
        with timed_rows(app.editor) as rendered, _collections() as ran:
            for i in range(presses):
                if autosave and not app.autosaving:
                    app.autosave_in_background()
                    autosaves += app.autosaving
                await asyncio.sleep(0.03)  # a typist's pace; the autosave gets going meanwhile
                phase = "autosaving" if app.autosaving else "idle"
                rendered.clear()
                start = time.perf_counter()
                app.simulate_key(keys[i % len(keys)])
                while not rendered and time.perf_counter() - start < 5:
                    await asyncio.sleep(0.0005)
                await asyncio.sleep(0.01)  # the rest of the rows this key repaints
                if rendered:
                    by_phase[phase].append((rendered[-1] - start) * 1000)
                    by_rows[len(rendered) > SCROLLED_ROWS].append(by_phase[phase][-1])
        await app.workers.wait_for_complete()
        await pilot.press("x")
        frozen = timed(app.autosave)  # the old way: on the UI thread
    if not autosave:
        alone = by_phase["idle"]
        return {
            "keys alone (no autosave): p50 / p99 / max ms": f"{statistics.median(alone):.1f} / "
            f"{percentile(alone, 0.99):.1f} / {max(alone):.1f}",
            f"keys alone, {GC_FIGURES}": _gc_figures(ran, full_ms),
            f"keys alone, {BY_ROWS}": _by_rows(by_rows),
        }
    every = by_phase["autosaving"]
    row: dict[str, Any] = {
        "autosaves": autosaves,
        "presses during an autosave": len(every),
        "keypress p50 ms": round(statistics.median(every), 1) if every else "",
        "keypress p99 ms": round(percentile(every, 0.99), 1) if every else "",
        "keypress max ms": round(max(every), 1) if every else "",
    }
    for phase, times in by_phase.items():
        if times:
            row[f"{phase}: presses, p50 / p99 ms"] = (
                f"{len(times)}, {statistics.median(times):.1f} / {percentile(times, 0.99):.1f}"
            )
    row[GC_FIGURES] = _gc_figures(ran, full_ms)
    row[BY_ROWS] = _by_rows(by_rows)
    row["autosave on the UI thread (before) s"] = round(frozen, 2)
    return row


def editor_during_autosave(presses: int = 200) -> dict[str, dict[str, Any]]:
    """On a quiet machine, then beside one and two busy loops (processes of their own, one
    per core here): the keys must not depend on the machine being idle."""
    from tracker.song.storage import load_song

    rows: dict[str, dict[str, Any]] = {}
    cases = [("64 tracks x 200 patterns x 64 lines", 64)]
    if full_run():
        cases.append(("64 tracks x 200 patterns x 256 lines", 256))
    with tempfile.TemporaryDirectory(prefix="bench-autosave-") as folder:
        for label, lines in cases:
            written = write_song(generated_song(64, 200, lines), Path(folder) / "big.toml")
            for loops in BUSY_LOOPS:
                row: dict[str, Any] = {}
                with _busy(loops):
                    for autosave in (True, False):
                        # A song of its own each time: the last run's edits and autosave
                        # would be offered for recovery, and the dialog would take the keys.
                        path = Path(folder) / f"{loops}-{autosave}" / written.name
                        path.parent.mkdir()
                        shutil.copyfile(written, path)
                        song = load_song(path)
                        row |= asyncio.run(_keys_during_autosave(song, path, presses, autosave))
                beside = f", {loops} busy loop{'s' * (loops > 1)} beside it" if loops else ", quiet"
                rows[label + beside] = {"file MB": round(written.stat().st_size / 1e6, 1), **row}
    return rows


BUSY_LOOPS = (0, 1, 2)
"""Busy processes running beside the editor in the autosave bench."""


@contextlib.contextmanager
def _busy(loops: int) -> Iterator[None]:
    """`loops` processes spinning in Python for as long as the block runs."""
    spinning = [subprocess.Popen([*PYTHON, "while True: pass"]) for _ in range(loops)]
    try:
        yield
    finally:
        for process in spinning:  # our own children, by their process
            process.kill()
            process.wait()


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


def big_song_check() -> dict[str, Any]:
    """The issue's big song (64 tracks x 256 lines x 200 patterns): `check` and
    `export-midi` beside Python's TOML parse of the same file."""
    from bench.song_sizes import big_song

    with tempfile.TemporaryDirectory(prefix="bench-check-") as folder:
        work = Path(folder)
        path = write_song(big_song(), work / "big.toml")
        toml = toml_reference(path, work)
        row: dict[str, Any] = {
            "file MB": round(path.stat().st_size / 1e6, 1),
            "TOML parse s (reference)": round(toml.seconds, 2),
        }
        add_figures(row, "check", Child([*TRACKER, "check", str(path)], work), toml)
        export = Child([*TRACKER, "export-midi", str(path), "-o", str(work / "big.mid")], work)
        add_figures(row, "export-midi", export, toml)
        return row


def run_check_big() -> dict[str, Any]:
    return {
        "note": (
            "check and export-midi of the issue's 53 MB song (bench/song_sizes.py --big), as "
            "child processes beside Python's TOML parse of the same file run just before."
        ),
        "64 tracks x 256 lines x 200 patterns": big_song_check(),
    }


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


def run_compile() -> dict[str, Any]:
    """Compile time against song length (64 tracks)."""
    minutes = [1.0, 5.0, 20.0] + ([60.0] if full_run() else [])
    return {
        "note": "compile_song on generated 64-track songs: flat ms per 1,000 lines is linear.",
        **compile_curve([(64, m) for m in minutes]),
    }


def run_autosave() -> dict[str, Any]:
    """The editor while the timer's autosave writes a big song."""
    return {
        "note": (
            "Keypress to repaint (Pilot, 120x40; from posting the key to the last grid row it "
            "repaints) while the timer's autosave runs, one started whenever none runs, keys "
            "every 30 ms; the song's bytes made in a forked process (tracker/ui/files/apart.py), "
            "then written by a worker thread; and what one autosave made and written on the UI "
            "thread, the way it was before, froze the editor for. Quiet, then beside one and two "
            "busy loops (processes spinning in Python: this machine has two cores). Beside "
            "them: one full garbage collection in the editor, and the collections that ran "
            "while the keys did; the keys that scrolled the grid (all its rows repainted) "
            "apart from the others. Keys alone: the same keys with no autosave at all (the "
            "timer's off too)."
        ),
        **editor_during_autosave(),
    }


RENDER_MEMORY_SIZES = [(64, 1.0), (64, 3.0)]
"""#16 item 3: `render --stems` and `render --loudness` of a 3-minute 64-track song
within 1.25x the memory of a 1-minute one, both under 600 MB."""
RENDER_MEMORY_COMMANDS = [
    ("render", []),
    ("render --stems", ["--stems"]),
    ("render --loudness -14", ["--loudness", "-14"]),
]
"""The mix alone, with stems (mix, stems, per-track .mid), and mastered to a loudness
target (the limiter's rounds read the mix back from disk)."""


def render_memory() -> dict[str, Any]:
    """RENDER_MEMORY_COMMANDS on 64-track songs of 1 and 3 minutes, beside `fluidsynth
    -ni -F` of each song's exported .mid: wall and CPU time, and peak memory, which
    should not grow with the length."""
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        work = Path(folder)
        for tracks, minutes in RENDER_MEMORY_SIZES:
            label = f"{tracks}x{minutes:g}"
            print(f"bench render-memory: {label}", file=sys.stderr, flush=True)
            path = write_song(sized_song(tracks, minutes), work / f"{label}.toml")
            midi = work / f"{label}.mid"
            Child([*TRACKER, "export-midi", str(path), "-o", str(midi)], work)
            row: dict[str, Any] = {}
            reference = fluidsynth_reference(midi, work)
            if reference is not None:
                row["fluidsynth -F s (reference)"] = round(reference.seconds, 2)
                row["fluidsynth -F CPU s"] = round(reference.cpu, 2)
                row["fluidsynth -F MB"] = round(reference.peak_mb)
            for name, extra in RENDER_MEMORY_COMMANDS:
                out = work / f"{label}-{name.replace(' ', '')}"
                command = [*TRACKER, "render", *extra, str(path), "-o", str(out)]
                child = _retried(command, work, row, name)
                add_figures(row, name, child, reference)
                row[f"{name} CPU s"] = round(child.cpu, 2)
                shutil.rmtree(out)
            rows[f"{label} ({tracks} tracks, {minutes:g} min)"] = row
    for name in ("render --stems", "render --loudness -14"):
        first, last = (rows[k][f"{name} MB"] for k in list(rows)[:2])
        rows[f"{name} MB, 3 min / 1 min"] = round(last / first, 2)
    return rows


def _retried(command: list[str], work: Path, row: dict[str, Any], name: str) -> Child:
    """The command, run again when it crashes: FluidSynth 2.3 died of a segmentation
    fault now and then on these 64-track songs (every synth channel in use), the code
    before the streaming render as well (3 runs of 4 there). The cause found: a
    controller on synth channel 255, FluidSynth's mark of a free voice, which the
    render no longer gives (tracker.audio.blocks.channel_layout); a crash left is
    still retried and shown in the row."""
    for attempt in range(1, 4):
        try:
            return Child(command, work)
        except RuntimeError as error:
            if attempt == 3:
                raise
            row[f"{name} crashed, try {attempt}"] = str(error).rsplit(" ", 1)[-1][:40]
    raise AssertionError("unreachable")


def run_render_memory() -> dict[str, Any]:
    return {
        "note": (
            "`render`, `render --stems` and `render --loudness -14` of generated 64-track "
            "songs (bench/song_sizes.py) "
            "of 1 and 3 minutes as child processes, beside `fluidsynth -ni -F` of the song's "
            "exported .mid at the same rate (44.1 kHz), with FluidSynth's default reverb and "
            "chorus as ours; MB: the child's peak RSS (GNU time); CPU: user + system."
        ),
        **render_memory(),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(key, value)
