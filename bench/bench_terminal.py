"""The real `tracker` program in a real terminal (tmux), as an SSH user meets it:
time to the first painted screen, bytes written per keystroke (what crosses
the network), and keypress-to-repaint latency, idle and while playing.

Latency here is from `tmux send-keys` returning to the first byte of the
program's answer reaching the pane's pipe: it includes tmux's own hops, so it
is an upper bound on the program's share. Bytes are counted with
`tmux pipe-pane`, everything the program wrote after the key.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import percentile
from tests.support.tmux import Terminal

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "songs" / "demo.toml"
TRACKER = [sys.executable, "-m", "tracker"]
KEYS = ["Down", "Down", "Right", "Up", "Tab", "BTab", "Left", "Down", "Up", "Down"]


def _first_paint_s(work: Path, runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        terminal = Terminal(work)
        try:
            started = time.perf_counter()
            terminal.start([*TRACKER, str(DEMO)])
            terminal.wait_for(lambda s: "Order" in s and "C-2 01 70" in s, timeout=20)
            times.append(time.perf_counter() - started)
        finally:
            terminal.close()
    return times


def _wait_growth(pipe: Path, size: int, timeout: float = 2.0) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if pipe.stat().st_size > size:
            return time.perf_counter()
        time.sleep(0.0005)
    return None


def _settle(pipe: Path, quiet: float = 0.15) -> int:
    """Wait until the program has stopped writing; the pipe's size then."""
    size = pipe.stat().st_size
    last_change = time.perf_counter()
    while time.perf_counter() - last_change < quiet:
        time.sleep(0.01)
        now = pipe.stat().st_size
        if now != size:
            size, last_change = now, time.perf_counter()
    return size


def _keystrokes(work: Path, playing: bool) -> dict[str, Any]:
    terminal = Terminal(work)
    pipe = work / f"pane-{'playing' if playing else 'idle'}.out"
    pipe.write_bytes(b"")
    try:
        terminal.start([*TRACKER, str(DEMO)])
        terminal.wait_for(lambda s: "Order" in s and "C-2 01 70" in s, timeout=20)
        subprocess.run(
            ["tmux", "-L", terminal.socket, "pipe-pane", "-o", f"cat >> {pipe}"], check=True
        )
        if playing:
            terminal.keys("Space")
            time.sleep(1.0)
        latencies: list[float] = []
        sizes: list[int] = []
        for round_ in range(3):
            for key in KEYS:
                size = pipe.stat().st_size if playing else _settle(pipe)
                sent = time.perf_counter()
                terminal.keys(key)
                arrived = _wait_growth(pipe, size)
                if arrived is not None:
                    latencies.append((arrived - sent) * 1000)
                if not playing:
                    sizes.append(_settle(pipe) - size)
            del round_
        if playing:
            # While playing, the playhead writes too: report its own rate instead of per key.
            before = _settle(pipe, quiet=0.0)
            time.sleep(2.0)
            sizes = [round((pipe.stat().st_size - before) / 2.0)]
        return {
            "keypress to first byte p50 ms": statistics.median(latencies),
            "keypress to first byte p95 ms": percentile(latencies, 0.95),
            ("bytes per second while playing" if playing else "bytes per keystroke p50"): (
                statistics.median(sizes)
            ),
            **({} if playing else {"bytes per keystroke max": max(sizes)}),
        }
    finally:
        terminal.close()


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-terminal-") as folder:
        work = Path(folder)
        paint = _first_paint_s(work)
        return {
            "note": (
                "The real `tracker songs/demo.toml` in tmux at 80x24 (TERM=xterm-256color). "
                "First paint: from starting the command to the demo's grid on screen. "
                "Latency: send-keys to the program's first byte in the pane pipe "
                "(tmux's hops included). Keys: arrows, Tab, Shift+Tab over the grid."
            ),
            "first paint p50 s": statistics.median(paint),
            "first paint max s": max(paint),
            "idle": _keystrokes(work, playing=False),
            "playing": _keystrokes(work, playing=True),
        }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
