"""The UI's figures: keypress-to-repaint latency on a small and a huge pattern, and start-up.

Driven through Textual's Pilot (headless, no terminal): a key press is timed
from the press to the last grid row it caused to be rendered (Pilot's own wait
for idle is left out: it polls the CPU and would measure itself). The rows
rendered per key show that a keystroke repaints a few lines, not the grid. Start-up is
the time from constructing the app to its first painted screen; launching the
real `tracker` command in tmux (the lead's e2e bench) adds Python's start-up.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from bench.measure import percentile, timed_rows
from tracker.song.model import Song
from tracker.ui.app import TrackerApp

KEYS = ("down", "down", "right", "z", "down", "tab", "up", "x", "shift+down", "left")


def _song(lines: int, tracks: int) -> Song:
    return Song.new(tracks=tracks, lines=lines)


async def _keypress_ms(lines: int, tracks: int, presses: int) -> dict[str, float]:
    app = TrackerApp(_song(lines, tracks), None)
    times: list[float] = []
    rows_per_key: list[int] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        with timed_rows(app.editor) as rendered:
            for i in range(presses):
                key = KEYS[i % len(KEYS)]
                rendered.clear()
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                if rendered:
                    times.append((rendered[-1] - start) * 1000)
                    rows_per_key.append(len(rendered))
        # a full-screen repaint (what a scroll costs): render every visible row
        start = time.perf_counter()
        rows = app.editor.size.height
        for y in range(rows):
            app.editor.render_line(y)
        full = (time.perf_counter() - start) * 1000
    return {
        "p50 ms": statistics.median(times),
        "p95 ms": percentile(times, 0.95),
        "rows rendered per key (p50)": statistics.median(rows_per_key),
        "full grid render ms": full,
    }


async def _startup_ms() -> float:
    start = time.perf_counter()
    app = TrackerApp(_song(64, 8), None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        return (time.perf_counter() - start) * 1000


def run() -> dict[str, Any]:
    small = asyncio.run(_keypress_ms(64, 8, 200))
    huge = asyncio.run(_keypress_ms(512, 32, 200))
    return {
        "note": (
            "Keypress to repaint through Textual's Pilot (headless, 120x40), 200 presses of "
            "arrows, notes and selection; the grid renders only visible rows."
        ),
        "keypress 64 lines x 8 tracks": small,
        "keypress 512 lines x 32 tracks": huge,
        "start-up to first paint ms (run_test)": asyncio.run(_startup_ms()),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(key, value)
