"""A live stream to listen to: a tone fed in real time through the real encoder
and server, on a free loopback port."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pytest

from tracker.listen.address import ListenAddress
from tracker.listen.broadcast import Broadcast
from tracker.listen.feed import StreamFeed
from tracker.listen.server import ListenServer, NowPlaying

RATE = 48000
BLOCK = 480  # 10 ms


@dataclass
class ToneSource:
    """Feeds a sine at `frequency` (changeable while running) at real-time pace."""

    feed: StreamFeed
    frequency: float = 440.0
    blocks: int = 0
    publish_seconds: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        start = time.monotonic()
        phase = 0.0
        while not self._stop.is_set():
            step = 2 * np.pi * self.frequency / RATE
            wave = 0.25 * np.sin(phase + step * np.arange(BLOCK))
            phase = (phase + step * BLOCK) % (2 * np.pi)
            block = np.repeat(wave.astype(np.float32)[:, None], 2, axis=1)
            began = time.perf_counter()
            self.feed.push(block)
            self.publish_seconds.append(time.perf_counter() - began)
            self.blocks += 1
            wait = start + self.blocks * BLOCK / RATE - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def stop(self) -> None:
        self._stop.set()


@dataclass
class Stream:
    server: ListenServer
    source: ToneSource

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/stream.ogg"


def start_stream(host: str = "127.0.0.1") -> tuple[Stream, threading.Thread]:
    broadcast = Broadcast()
    server = ListenServer(
        ListenAddress(host, 0), broadcast, lambda: NowPlaying("Tone <test>", "playing")
    )
    server.start()
    source = ToneSource(StreamFeed(RATE, broadcast, title="Tone"))
    thread = threading.Thread(target=source.run, daemon=True)
    thread.start()
    return Stream(server, source), thread


@pytest.fixture
def stream() -> Iterator[Stream]:
    running, thread = start_stream()
    yield running
    running.source.stop()
    thread.join(2)
    running.server.close()
