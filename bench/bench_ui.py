"""The UI's figures: keypress-to-repaint latency on a small and a huge pattern, and start-up.

Driven through Textual's Pilot (headless, no terminal): a key press is timed
from the press to the last grid row it caused to be rendered (Pilot's own wait
for idle is left out: it polls the CPU and would measure itself). The rows
rendered per key show that a keystroke repaints a few lines, not the grid; a key that
scrolls the view makes Textual ask for every row, and the grid draws only the ones
it does not keep (tracker/ui/pattern/rows.py), shown beside the same keys with
nothing kept. Start-up is
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
from tracker.ui.pattern.editor import PatternEditor
from tracker.ui.pattern.rows import RowCache

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
        # every visible row drawn afresh (what a scroll cost before rows were kept),
        # then the same rows again from those kept (what a scroll costs in render_line)
        editor = app.editor
        editor.rows.clear()
        full = _every_row_ms(editor)
        kept = _every_row_ms(editor)
    return {
        "p50 ms": statistics.median(times),
        "p95 ms": percentile(times, 0.95),
        "rows rendered per key (p50)": statistics.median(rows_per_key),
        "full grid render ms": full,
        "full grid from the rows kept ms": kept,
    }


def _every_row_ms(editor: PatternEditor) -> float:
    start = time.perf_counter()
    for y in range(editor.size.height):
        editor.render_line(y)
    return (time.perf_counter() - start) * 1000


async def _scrolling_ms(lines: int, tracks: int, presses: int, kept: bool) -> list[list[float]]:
    """Keys that scroll the view: Down held to the end of the pattern, then Up to its
    top, and again; only the presses that scrolled the view are kept, each timed to the
    last row it repainted, with the rows the painter drew for it. Not `kept`: nothing
    is kept between renders, every row is drawn again (the way before issue #16)."""
    app = TrackerApp(_song(lines, tracks), None)
    samples: list[list[float]] = [[], []]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        editor = app.editor
        if not kept:
            editor.rows = RowCache(limit=0)
        key = "down"
        with timed_rows(editor) as rendered:
            while len(samples[0]) < presses:
                if editor.cursor.line in (0, lines - 1):
                    key = "down" if editor.cursor.line == 0 else "up"
                top = editor.scroll_offset.y
                rendered.clear()
                drawn = editor.rows.drawn
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                if editor.scroll_offset.y != top and rendered:
                    samples[0].append((rendered[-1] - start) * 1000)
                    samples[1].append(editor.rows.drawn - drawn)
    return samples


def _scrolling(lines: int, tracks: int, presses: int) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for kept, label in ((True, "rows kept"), (False, "nothing kept (before)")):
        times, drawn = asyncio.run(_scrolling_ms(lines, tracks, presses, kept))
        row[f"scrolling key p50 / p99 ms, {label}"] = (
            f"{statistics.median(times):.1f} / {percentile(times, 0.99):.1f}"
        )
        row[f"rows drawn per scrolling key (p50), {label}"] = statistics.median(drawn)
    row["scrolling keys"] = presses
    return row


async def _startup_ms() -> float:
    start = time.perf_counter()
    app = TrackerApp(_song(64, 8), None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        return (time.perf_counter() - start) * 1000


def run() -> dict[str, Any]:
    small = asyncio.run(_keypress_ms(64, 8, 200)) | _scrolling(64, 8, 100)
    huge = asyncio.run(_keypress_ms(512, 32, 200)) | _scrolling(512, 32, 100)
    return {
        "note": (
            "Keypress to repaint through Textual's Pilot (headless, 120x40), 200 presses of "
            "arrows, notes and selection; the grid renders only visible rows. Scrolling "
            "keys: 100 presses of Down and Up that scrolled the view a line, with the grid "
            "keeping the rows it drew, and with nothing kept (every row drawn again)."
        ),
        "keypress 64 lines x 8 tracks": small,
        "keypress 512 lines x 32 tracks": huge,
        "start-up to first paint ms (run_test)": asyncio.run(_startup_ms()),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(key, value)
