"""Following another clock: Ableton Link beside MIDI clock follow, with the busy-UI load.

A song with a note on every beat plays to a receiving JACK port in another process
while this process keeps a thread busy (bench_live's stand-in for the UI). Each
note-on's arrival is set against the leader's beat grid and its distance to the
nearest beat is the phase error (p50 / p99 / max, in microseconds):

- Link: the leader is a second Link peer in its own process (aalink; the player runs
  LinkPython-extern), its beat read at each arrival from a sample of its timeline;
- MIDI clock: the leader is a master in its own process sending 24 ppqn at 120 bpm on
  absolute deadlines; a beat is every 24th pulse from Start.

The player's own send instants are given beside the arrivals (JACK adds up to one
1.3 ms period at the port). `python -m bench.bench_link [SECONDS]` runs it alone.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from bench.bench_live import busy, percentiles_us
from tests.support.builders import build_song
from tracker.player.handle import PlayerHandle
from tracker.player.link import LinkConfig, raw_offset_ns
from tracker.player.protocol import (
    Play,
    PlayerConfig,
    PortSpec,
    RequestLog,
    SendLog,
    Stop,
)

BPM = 120.0
RX = "bench-link-rx"
MASTER = "benchmaster"
BEATS = "\n".join(["C-4 01 64 ...", "--- .. .. ...", "OFF .. .. ...", "--- .. .. ..."] * 4)


def _receiver(tmp: str, seconds: float) -> tuple[subprocess.Popen[str], Path]:
    path = Path(tmp) / f"rx-{time.time_ns()}.txt"
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_live", "--receive", RX, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process, path


def _arrivals(process: subprocess.Popen[str], path: Path) -> list[int]:
    time.sleep(0.1)
    process.terminate()
    process.wait(30)
    lines = [line.split() for line in path.read_text().splitlines()]
    return [int(t) for t, h in lines if h.startswith("90") and not h.endswith("00")]


def _errors_ns(instants: list[int], beat_at: Any, bpm: float) -> list[int]:
    beat_ns = 60e9 / bpm
    return [round(abs(b - round(b)) * beat_ns) for b in (beat_at(t) for t in instants)]


def _note_sends(player: PlayerHandle) -> list[int]:
    player.send(RequestLog())
    log: SendLog = player.wait_for(SendLog, timeout=30)
    return [
        s for s, _, port, data in log.entries if data[0] == 0x90 and data[2] and port != "clock"
    ]


def link_figures(tmp: str, seconds: float) -> dict[str, dict[str, float]]:
    from tests.support.link_peer import LinkPeer

    rx, path = _receiver(tmp, seconds + 20)
    peer = LinkPeer(BPM)
    config = PlayerConfig(output=PortSpec(f"{RX}:in"), record_sends=True, synth=None)
    config = PlayerConfig(**{**config.__dict__, "link": LinkConfig(quantum=4)})
    try:
        with PlayerHandle(config) as player:
            player.send(Play(song=build_song(BEATS, bpm=BPM), loop=True))
            peer.wait_for_peers()
            peer.say(f"tempo {BPM}")
            time.sleep(2.0)
            since = time.perf_counter_ns()
            time.sleep(seconds)
            sample = peer.sample()
            sent = [t for t in _note_sends(player) if t > since]
            player.send(Stop())
    finally:
        peer.close()
    arrived = [t for t in _arrivals(rx, path) if t > since]
    offset = raw_offset_ns()

    def beat_at(t: int) -> float:
        return sample.beat_at_raw((t - offset) / 1e9)

    return {
        "Link: phase error at the port (µs)": percentiles_us(_errors_ns(arrived, beat_at, BPM)),
        "Link: phase error at the send (µs)": percentiles_us(_errors_ns(sent, beat_at, BPM)),
    }


def master(seconds: float, bpm: float) -> None:
    """The MIDI clock master process: Start, then pulses on absolute deadlines."""
    from tracker.engine.clock import SystemClock, wait_until
    from tracker.midi.ports import open_virtual_output

    with open_virtual_output("out", client=MASTER) as port:
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        sys.stdin.readline()
        clock = SystemClock()
        start = clock.now_ns() + 50_000_000
        period = 60e9 / bpm / 24
        wait_until(start, clock)
        port.send(b"\xfa")
        sys.stdout.write(f"{start}\n")
        sys.stdout.flush()
        for k in range(round(seconds * bpm / 60 * 24)):
            wait_until(start + round(k * period), clock)
            port.send(b"\xf8")
        port.send(b"\xfc")


def clock_figures(tmp: str, seconds: float) -> dict[str, dict[str, float]]:
    rx, path = _receiver(tmp, seconds + 20)
    leader = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_link", "--master", str(seconds + 3), str(BPM)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert leader.stdin is not None and leader.stdout is not None
    assert leader.stdout.readline().strip() == "ready"
    config = PlayerConfig(
        output=PortSpec(f"{RX}:in"), clock_in=MASTER, record_sends=True, synth=None
    )
    with PlayerHandle(config) as player:
        player.send(Play(song=build_song(BEATS, bpm=BPM), loop=True, wait_for_clock=True))
        time.sleep(0.5)
        leader.stdin.write("go\n")
        leader.stdin.flush()
        start = int(leader.stdout.readline())
        since = start + 2_000_000_000  # the follower has settled on the pulses
        time.sleep(seconds + 2.5)
        sent = [t for t in _note_sends(player) if t > since]
        leader.wait(30)
        player.send(Stop())
    arrived = [t for t in _arrivals(rx, path) if t > since]

    def beat_at(t: int) -> float:
        return (t - start) / (60e9 / BPM)

    return {
        "MIDI clock follow: phase error at the port (µs)": percentiles_us(
            _errors_ns(arrived, beat_at, BPM)
        ),
        "MIDI clock follow: phase error at the send (µs)": percentiles_us(
            _errors_ns(sent, beat_at, BPM)
        ),
    }


def run(seconds: float = 20.0) -> dict[str, Any]:
    from tests.support.jack import dummy_jack

    stop_busy = threading.Event()
    burner = threading.Thread(target=busy, args=(stop_busy,), daemon=True)
    with dummy_jack(f"tracker-bench-link-{time.time_ns()}"), TemporaryDirectory() as tmp:
        burner.start()
        try:
            figures: dict[str, Any] = {
                "setup": (
                    f"{seconds:g} s of a note every beat at {BPM:g} bpm to a JACK port in another "
                    "process, a busy Python thread in the parent; the leader in a process of "
                    "its own (a Link peer on aalink; a MIDI clock master on absolute deadlines)"
                )
            }
            figures.update(link_figures(tmp, seconds))
            figures.update(clock_figures(tmp, seconds))
        finally:
            stop_busy.set()
            burner.join()
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--master"]:
        master(float(sys.argv[2]), float(sys.argv[3]))
    else:
        for key, value in run(float(sys.argv[1]) if len(sys.argv) > 1 else 20.0).items():
            sys.stdout.write(f"{key}: {value}\n")
