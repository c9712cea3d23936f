"""Following another clock: Ableton Link beside MIDI clock follow, with the busy-UI load.

A song with a sixteenth on every line plays to a receiving JACK port in another process
while this process keeps a thread busy (bench_live's stand-in for the UI). Each
note-on is set against the leader's beat grid and its distance to the nearest line
is the phase error (p50 / p99 / max, in microseconds):

- Link: the leader is a second Link peer in its own process (aalink; the player runs
  LinkPython-extern), its beat read at each instant from a sample of its timeline;
- MIDI clock: the leader is a master in its own process sending 24 ppqn at 120 bpm on
  absolute deadlines; a beat is every 24th pulse from Start;
- reference: a plain process sending a note at each of the Link peer's lines (sleep,
  then spin to the instant, at the player's priority), through the same server to the
  same port: what JACK alone does to a sender on time.

At the port a note's instant is the JACK cycle it lands in, read by the receiving
client on JACK's realtime thread, plus its frame offset (tests/support/jack_frames.py):
where a synth renders it, whenever a Python reader would have woken. python-rtmidi
writes every message at the first frame of the cycle after the send, so an on-time
sender (the reference) is up to one period late at the port; the player sends half a
period early (tracker/midi/jack_period.py) to land within half a period either side.
The whole run is made at 64 frames per period (the tests' server) and at 32 (0.67 ms
at 48 kHz, a low-latency studio setting, the Link test's server). The player's own
send instants, plus that half period, are given beside the port's.
`python -m bench.bench_link [SECONDS]` runs it alone.
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
LPB = 4
BEATS = "\n".join(["C-4 01 64 ...", "E-4 01 64 ...", "G-4 01 64 ...", "E-4 01 64 ..."] * 4)
"""A sixteenth on every line (LPB lines per beat), so a 15 s run has 120 notes."""


def _receiver(tmp: str, seconds: float) -> tuple[subprocess.Popen[str], Path]:
    path = Path(tmp) / f"rx-{time.time_ns()}.txt"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.jack_frames", RX, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process, path


def _arrivals(process: subprocess.Popen[str], path: Path) -> list[int]:
    """Note-on instants at the port, in perf_counter nanoseconds (the receiver gives
    JACK's clock, CLOCK_MONOTONIC_RAW microseconds)."""
    time.sleep(0.1)
    process.terminate()
    process.wait(30)
    offset = raw_offset_ns()
    lines = [line.split() for line in path.read_text().splitlines()]
    return [int(t) * 1000 + offset for t, h in lines if h.startswith("90") and not h.endswith("00")]


def _errors_ns(instants: list[int], beat_at: Any, bpm: float) -> list[int]:
    """Each instant's distance to the leader's nearest line (1/LPB of its beat)."""
    line_ns = 60e9 / bpm / LPB
    lines = (beat_at(t) * LPB for t in instants)
    return [round(abs(line - round(line)) * line_ns) for line in lines]


def _note_sends(player: PlayerHandle) -> list[int]:
    player.send(RequestLog())
    log: SendLog = player.wait_for(SendLog, timeout=30)
    return [
        s for s, _, port, data in log.entries if data[0] == 0x90 and data[2] and port != "clock"
    ]


def link_figures(tmp: str, seconds: float) -> dict[str, dict[str, float]]:
    from tests.support.link_peer import LinkPeer
    from tracker.midi.ports import queue_lead_ms

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
            lead_ns = round(queue_lead_ms() * 1_000_000)
            sent = [t + lead_ns for t in _note_sends(player) if t > since]
            player.send(Stop())
    finally:
        peer.close()
    arrived = [t for t in _arrivals(rx, path) if t > since]
    offset = raw_offset_ns()

    def beat_at(t: int) -> float:
        return sample.beat_at_raw((t - offset) / 1e9)

    return {
        "Link: phase error at the port (µs)": percentiles_us(_errors_ns(arrived, beat_at, BPM)),
        "Link: phase error at the send, plus the lead (µs)": percentiles_us(
            _errors_ns(sent, beat_at, BPM)
        ),
    }


def reference(port_name: str, first_ns: int, beat_ns: float, count: int) -> None:
    """The reference sender process: a note-on at `first_ns + k * beat_ns` (perf
    counter), sleep then spin, python-rtmidi to `port_name`, as plainly as can be, at
    the player's priority (SCHED_FIFO where allowed, as tracker/player/process.py)."""
    import contextlib
    import os

    import rtmidi

    with contextlib.suppress(AttributeError, OSError):
        priority = min(50, os.sched_get_priority_max(os.SCHED_FIFO))
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(priority))

    from tracker.engine.clock import SystemClock, wait_until

    port = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, "benchref")
    port.open_virtual_port("out")
    subprocess.run(["jack_connect", "benchref:out", port_name], check=True)
    clock = SystemClock()
    for k in range(count):
        deadline = first_ns + round(k * beat_ns)
        if deadline < clock.now_ns():
            continue
        wait_until(deadline, clock)
        port.send_message([0x90, 60, 100])
        port.send_message([0x80, 60, 0])
    time.sleep(0.05)
    port.close_port()


def reference_figures(tmp: str, seconds: float) -> dict[str, dict[str, float]]:
    from tests.support.link_peer import LinkPeer

    peer = LinkPeer(BPM)
    rx, path = _receiver(tmp, seconds + 20)
    try:
        sample = peer.sample()
    finally:
        peer.close()
    offset = raw_offset_ns()
    beat_ns = 60e9 / sample.tempo / LPB  # a line
    next_beat = int(sample.beat) + 2
    first = round((sample.raw_s + (next_beat - sample.beat) * 60 / sample.tempo) * 1e9) + offset
    count = round(seconds * BPM / 60 * LPB)
    sender = [sys.executable, "-m", "bench.bench_link", "--reference", f"{RX}:in"]
    subprocess.run(
        [*sender, str(first), str(beat_ns), str(count)], check=True, timeout=seconds + 30
    )
    arrived = _arrivals(rx, path)

    def beat_at(t: int) -> float:
        return sample.beat_at_raw((t - offset) / 1e9)

    return {
        "reference sender: phase error at the port (µs)": percentiles_us(
            _errors_ns(arrived, beat_at, sample.tempo)
        )
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

    figures: dict[str, Any] = {
        "setup": (
            f"{seconds:g} s of a sixteenth on every line at {BPM:g} bpm to a JACK port in another "
            "process, a busy Python thread in the parent; the leader in a process of "
            "its own (a Link peer on aalink; a MIDI clock master on absolute deadlines); "
            "at the port, the JACK cycle each note lands in (tests/support/jack_frames.py)"
        )
    }
    for period in (64, 32):
        stop_busy = threading.Event()
        burner = threading.Thread(target=busy, args=(stop_busy,), daemon=True)
        name = f"tracker-bench-link-{time.time_ns()}"
        with dummy_jack(name, period=period), TemporaryDirectory() as tmp:
            burner.start()
            try:
                found = {
                    **link_figures(tmp, seconds),
                    **clock_figures(tmp, seconds),
                    **reference_figures(tmp, seconds),
                }
            finally:
                stop_busy.set()
                burner.join()
        figures.update({f"{key}, {period} frames": value for key, value in found.items()})
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--master"]:
        master(float(sys.argv[2]), float(sys.argv[3]))
    elif sys.argv[1:2] == ["--reference"]:
        reference(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))
    else:
        for key, value in run(float(sys.argv[1]) if len(sys.argv) > 1 else 20.0).items():
            sys.stdout.write(f"{key}: {value}\n")
