"""The editor's keypress-to-repaint while the timer's autosave writes a big song (a
64-track, 200-pattern song), in-process with Textual's Pilot: the keys must not wait
for the save, on a quiet machine or a busy one."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.measure import PYTHON, full_run, percentile, timed, timed_rows
from bench.song_sizes import generated_song, write_song
from tracker.song.model import Song


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


def run() -> dict[str, Any]:
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
