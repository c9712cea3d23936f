"""A listener for bench_listen in a process of its own, as the laptop at the other
end of `ssh -L` is: it only notes when each chunk of the stream reaches its socket
(perf_counter_ns: CLOCK_MONOTONIC, the player's clock too). Afterwards the chunks are
cut into Ogg pages and decoded, each page with its arrival and its level, and the
onsets (a loud page after a quiet one) are matched with what caused them: a key sent,
a note's song time.

In a process of its own because a listener in the bench's process would wait for the
GIL behind the busy thread that stands in for the UI, and count that as latency.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

from tracker.listen.ogg import PageSplitter

REQUEST = b"GET /stream.ogg HTTP/1.1\r\nHost: bench\r\n\r\n"
LOUD = 10 ** (-50 / 20)
"""A page whose decoded peak reaches -50 dBFS is heard."""
MATCH_WITHIN_NS = 2_000_000_000


@dataclass(frozen=True)
class HeardPage:
    arrived: int
    """perf_counter_ns when the chunk that completed the page was read."""
    level: float


def _listen(port: int, results: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(REQUEST)
    sock.settimeout(0.1)
    results.send("connected")
    chunks: list[tuple[int, bytes]] = []
    while not results.poll():
        try:
            data = sock.recv(65536)
        except TimeoutError:
            continue
        if not data:
            break
        chunks.append((time.perf_counter_ns(), data))
    results.send(chunks)


class Probe:
    """Connects to the stream at once; `finish` hangs up and gives every page heard."""

    def __init__(self, port: int) -> None:
        self._ours, theirs = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_listen, args=(port, theirs), daemon=True
        )
        self._process.start()
        assert self._ours.poll(30) and self._ours.recv() == "connected"

    def finish(self) -> list[HeardPage]:
        self._ours.send("stop")
        chunks: list[tuple[int, bytes]] = self._ours.recv()
        self._process.join(10)
        return heard_pages(chunks)


def heard_pages(chunks: list[tuple[int, bytes]]) -> list[HeardPage]:
    """Each audio page with the arrival of its last byte and its decoded peak."""
    import av

    decoder = av.CodecContext.create("libopus", "r")
    decoder.sample_rate, decoder.layout = 48000, "stereo"
    splitter = PageSplitter()
    pages: list[HeardPage] = []
    header = b""
    for arrived, data in chunks:
        if header is not None:
            header += data
            if b"\r\n\r\n" not in header:
                continue
            data, header = header.split(b"\r\n\r\n", 1)[1], None  # type: ignore[assignment]
        for page in splitter.feed(data):
            if page.is_header:
                continue
            level = 0.0
            for packet in page.packets():
                for frame in decoder.decode(av.Packet(packet)):
                    samples = frame.to_ndarray()
                    scale = 32768.0 if samples.dtype.kind == "i" else 1.0  # libopus gives s16
                    peak = float(np.max(np.abs(samples), initial=0)) / scale
                    level = max(level, peak)
            pages.append(HeardPage(arrived, level))
    return pages


def onsets(pages: list[HeardPage]) -> list[int]:
    """Arrivals of the loud pages that follow a quiet one."""
    found, quiet = [], True
    for page in pages:
        loud = page.level >= LOUD
        if loud and quiet:
            found.append(page.arrived)
        quiet = not loud
    return found


def delays_ms(causes: list[int], heard: list[int]) -> list[float]:
    """For each cause, the first onset after it (within 2 s), in ms."""
    found = []
    for cause in causes:
        after = next((at for at in heard if at >= cause), None)
        if after is not None and after - cause <= MATCH_WITHIN_NS:
            found.append((after - cause) / 1e6)
    return found


def spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return {"heard": 0.0}
    return {
        "p50": round(ordered[n // 2], 1),
        "p99": round(ordered[min(n - 1, int(0.99 * n))], 1),
        "max": round(ordered[-1], 1),
        "heard": float(n),
    }


def first_audio_s(song: Path, port: int) -> float:
    """`tracker play SONG --listen PORT` from its start to the first audio page on a
    listener's socket (which connects as soon as the port answers)."""
    started = time.perf_counter_ns()
    play = subprocess.Popen(
        [sys.executable, "-m", "tracker", "play", str(song), "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except ConnectionRefusedError:
                assert play.poll() is None, "tracker play ended before it served"
                time.sleep(0.002)
        with sock:
            sock.sendall(REQUEST)
            seen = b""
            while True:
                data = sock.recv(65536)
                assert data, "the stream ended before its first page"
                seen += data
                body = seen.partition(b"\r\n\r\n")[2]
                if any(not page.is_header for page in PageSplitter().feed(body)):
                    return (time.perf_counter_ns() - started) / 1e9
    finally:
        play.send_signal(signal.SIGINT)
        try:
            play.wait(20)
        except subprocess.TimeoutExpired:
            play.kill()
