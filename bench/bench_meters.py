"""The track meters over SSH (issue #14): bytes per second the real `tracker` writes
to its terminal while the demo plays, at 80x24 in tmux, with the meters and with the
code from before them, both with note-activity meters only (no live mix here: no
sound card) and with `--listen` (the audio process renders the mix: audio levels
per track, the master's meter and CLIP). The budget: under 10 KB/s.

"Before" is the tree of the commit before the meters came (found in git's history:
the parent of the commit that added tracker/ui/meters.py), unpacked with
`git archive` into a temporary folder and run with the same interpreter.
Bytes are everything the program wrote (tmux `pipe-pane`) over SECONDS of play,
one second after Space.

`python -m bench.bench_meters [SECONDS]` runs it alone; `run()` is what `make bench` calls.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.tmux import Terminal

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "songs" / "demo.toml"
SECONDS = 8.0
BUDGET = 10_000
"""Bytes per second at 80x24 while playing (issue #14)."""


def before_meters() -> str:
    """The commit before the meters: the parent of the one that added
    tracker/audio/levels.py, the first of them."""
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", "tracker/audio/levels.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return f"{added[-1]}~1"


def unpack(ref: str, folder: Path) -> Path:
    """The tree at `ref`, unpacked into `folder` (read-only use of the repository)."""
    archive = folder / "tree.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", ref], cwd=ROOT, stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "tree", filter="data")
    return folder / "tree"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bytes_per_second(
    tree: Path, work: Path, listen: bool, seconds: float = SECONDS
) -> dict[str, float]:
    """Play the demo in `tree`'s tracker at 80x24; what it wrote per second, and whether
    the screen showed a meter."""
    terminal = Terminal(work)
    pipe = work / f"pane-{tree.name}-{listen}.out"
    pipe.write_bytes(b"")
    args = [sys.executable, "-m", "tracker"]
    if listen:
        args += ["open", "--listen", str(free_port())]
    env = {"PYTHONPATH": str(tree)}
    try:
        terminal.start(["sh", "-c", f'cd "{tree}" && exec "$@"', "sh", *args, str(DEMO)], env)
        terminal.wait_for(lambda s: "Order" in s and "C-2 01 70" in s, timeout=30)
        time.sleep(1.0)
        subprocess.run(
            ["tmux", "-L", terminal.socket, "pipe-pane", "-o", f"cat >> {pipe}"], check=True
        )
        terminal.keys("Space")
        time.sleep(1.0)
        before = pipe.stat().st_size
        time.sleep(seconds)
        rate = (pipe.stat().st_size - before) / seconds
        screen = terminal.screen()
        terminal.keys("Space")
        return {"bytes per second": round(rate), "meters seen": float(_shows_meters(screen))}
    finally:
        terminal.close()


def _shows_meters(screen: str) -> bool:
    """A block character in the header row where the row below has none (the side
    panel's border is one too, on every row)."""
    rows = screen.splitlines()
    if len(rows) < 2:
        return False
    return any(h in "▏▎▍▌▋▊▉█" and h != r for h, r in zip(rows[0], rows[1], strict=False))


def audio_cpu() -> dict[str, float]:
    """The live mix's CPU per second of the demo, in-process (the audio process's work
    without its pipes): one output, and an output per track for the meters (with
    `take_levels` at 15 Hz, as the audio process calls it)."""
    from tracker.audio.livemix import LiveMix
    from tracker.audio.patches import instrument_patches
    from tracker.audio.soundfonts import find_soundfont
    from tracker.engine.events import Kind
    from tracker.engine.timeline import compile_song
    from tracker.song.storage import load_song

    song = load_song(DEMO)
    font = find_soundfont(song.soundfont, DEMO.parent)
    timeline = compile_song(song)
    origin = 10**12
    figures = {}
    for meters in (False, True):
        mix = LiveMix(font, origin, [], meters=meters)
        mix.set_patches(instrument_patches(song, font, DEMO.parent))
        start = origin + 10**8
        mix.start(start)
        for event in timeline.events:
            if event.kind is not Kind.TEMPO:
                mix.play(start + round(event.time * 1e9), event)
        end = start + round(timeline.duration * 1e9)
        began = time.process_time()
        now = start
        while now < end:
            now += 10**9 // 15
            mix.advance(now)
            mix.take_levels()
        cpu = time.process_time() - began
        mix.close()
        figures["meters" if meters else "one output"] = round(
            100 * cpu / (timeline.duration or 1.0), 2
        )
    return figures


def run(seconds: float = SECONDS) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-meters-") as folder:
        work = Path(folder)
        ref = before_meters()
        old = unpack(ref, work)
        figures: dict[str, Any] = {
            "note": (
                f"The real `tracker songs/demo.toml` in tmux at 80x24, {seconds:g} s of play: "
                "bytes the program wrote per second (tmux pipe-pane), with the meters and "
                f"with the tree before them ({ref}). Plain: note-activity meters (no sound "
                "card, no live mix); --listen: the audio process renders the mix (audio "
                f"levels, the master's meter). Budget {BUDGET} B/s."
            ),
        }
        figures["audio process CPU, % of a core"] = audio_cpu()
        for listen in (False, True):
            name = "--listen" if listen else "plain"
            figures[name] = {
                "before": bytes_per_second(old, work, listen, seconds),
                "meters": bytes_per_second(ROOT, work, listen, seconds),
            }
        return figures


if __name__ == "__main__":
    import json

    os.environ.setdefault("TERM", "xterm-256color")
    print(json.dumps(run(float(sys.argv[1]) if len(sys.argv) > 1 else SECONDS), indent=1))
