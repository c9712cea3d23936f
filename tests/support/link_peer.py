"""A second Ableton Link peer in a process of its own, on the binding the player does
not use (aalink; the player uses LinkPython-extern), driven line by line on stdin:

    tempo BPM      set the session tempo (as another app's tempo knob would)
    play / stop    start or stop the session's transport (start/stop sync on)
    sample         print `sample RAW_S BEAT TEMPO PEERS`: the peer's beat at one instant
                   of CLOCK_MONOTONIC_RAW (Link's clock), so a test can read the peer's
                   beat at any other instant while the tempo holds
    quit

It prints `ready` once its Link is enabled. Run: python -m tests.support.link_peer BPM
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

QUANTUM = 4


def _say(line: str) -> None:
    """One line to the test, at once (the test reads line by line)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def _serve(bpm: float) -> None:
    import aalink

    link = aalink.Link(bpm)
    link.quantum = QUANTUM
    link.start_stop_sync_enabled = True
    link.enabled = True
    _say("ready")
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().split():
        match line:
            case ["tempo", value]:
                link.tempo = float(value)
            case ["play"]:
                link.playing = True
            case ["stop"]:
                link.playing = False
            case ["sample"]:
                raw = time.clock_gettime_ns(time.CLOCK_MONOTONIC_RAW) / 1e9
                _say(f"sample {raw} {link.beat} {link.tempo} {link.num_peers}")
            case ["quit"]:
                break
        _say("ok")


@dataclass(frozen=True)
class Sample:
    raw_s: float
    beat: float
    tempo: float
    peers: int

    def beat_at_raw(self, raw_s: float) -> float:
        """The peer's beat at another instant, while its tempo holds."""
        return self.beat + (raw_s - self.raw_s) * self.tempo / 60.0


class LinkPeer:
    """The peer process, from the test's side."""

    def __init__(self, bpm: float) -> None:
        root = Path(__file__).parents[2]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.link_peer", str(bpm)],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def say(self, command: str) -> list[str]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        lines = []
        while (line := self._line()) != "ok":
            if not line:
                raise RuntimeError("the Link peer process ended")
            lines.append(line)
        return lines

    def sample(self) -> Sample:
        _, raw, beat, tempo, peers = self.say("sample")[0].split()
        return Sample(float(raw), float(beat), float(tempo), int(peers))

    def wait_for_peers(self, timeout_s: float = 10.0) -> Sample:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            sample = self.sample()
            if sample.peers > 0:
                return sample
            time.sleep(0.05)
        raise RuntimeError("no Link peer joined the session")

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError):
            self.say("quit")
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


if __name__ == "__main__":
    asyncio.run(_serve(float(sys.argv[1])))
