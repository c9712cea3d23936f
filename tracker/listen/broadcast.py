"""One producer, many listeners, none of whom can hold the producer up.

The audio side calls `publish` with each block's pages and never waits: every
listener has a bounded queue, and a page that does not fit (a stalled or slow
listener) is dropped for that listener alone and counted. Listeners join at the
current audio: the stream's header pages, then the next page published.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from tracker.listen.ogg import Page

QUEUE_BYTES = 256 * 1024
"""About 16 s of 128 kb/s audio: a listener further behind than this loses pages."""


class Listener:
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._pages: deque[bytes] = deque()
        self._queued = 0
        self._ready = threading.Condition()
        self._closed = False
        self.started = False
        """The header pages went out first."""
        self.dropped = 0

    def offer(self, data: bytes) -> bool:
        """Queue a page; False (and counted) when the listener is too far behind."""
        with self._ready:
            if self._queued + len(data) > self._limit:
                self.dropped += 1
                return False
            self._pages.append(data)
            self._queued += len(data)
            self._ready.notify()
            return True

    def take(self, timeout: float) -> bytes | None:
        """Everything queued, joined; b"" after `timeout` with nothing; None once closed."""
        with self._ready:
            if not self._pages and not self._closed:
                self._ready.wait(timeout)
            if self._closed and not self._pages:
                return None
            data = b"".join(self._pages)
            self._pages.clear()
            self._queued = 0
            return data

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify()


@dataclass(frozen=True)
class BroadcastCounts:
    listeners: int
    pages: int
    dropped: int
    """Pages left out for a listener that was too far behind, over all listeners."""


class Broadcast:
    def __init__(self, queue_bytes: int = QUEUE_BYTES) -> None:
        self._queue_bytes = queue_bytes
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._pages = 0
        self._dropped_by_gone = 0

    def join(self) -> Listener:
        listener = Listener(self._queue_bytes)
        with self._lock:
            self._listeners.append(listener)
        return listener

    def leave(self, listener: Listener) -> None:
        listener.close()
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)
                self._dropped_by_gone += listener.dropped

    def publish(self, pages: list[Page], headers: bytes) -> None:
        """Hand each page to every listener; never blocks on one."""
        if not pages:
            return
        with self._lock:
            listeners = list(self._listeners)
            self._pages += len(pages)
        for listener in listeners:
            first = not listener.started
            for page in pages:
                data = headers + page.data if first else page.data
                if listener.offer(data):
                    listener.started = True
                    first = False

    def close(self) -> None:
        with self._lock:
            listeners, self._listeners = self._listeners, []
        for listener in listeners:
            listener.close()

    def counts(self) -> BroadcastCounts:
        with self._lock:
            listeners = list(self._listeners)
            return BroadcastCounts(
                listeners=len(listeners),
                pages=self._pages,
                dropped=self._dropped_by_gone + sum(x.dropped for x in listeners),
            )
