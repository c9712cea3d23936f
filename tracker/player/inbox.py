"""Commands from the UI, decoded when the player has time for them.

They arrive pickled. A small one (stop, a note preview) decodes in microseconds; an
edited song takes milliseconds (a dense 16-track song: 6.6 ms, measured), which
between two deadlines would make the second one late. So a large command waits
for a gap twice as long as its decode is expected to take, and everything behind
it waits too: commands keep their order. None waits longer than MAX_WAIT_NS.
"""

from __future__ import annotations

import pickle
from collections import deque
from collections.abc import Callable

SMALL_BYTES = 4096
"""Decoded at once, gap or not."""
MAX_WAIT_NS = 500_000_000
"""A dense song may never leave a gap that long: decode by then regardless."""
MIN_ROOM_NS = 2_000_000


class Inbox:
    def __init__(self, now_ns: Callable[[], int]) -> None:
        self._now_ns = now_ns
        self._waiting: deque[tuple[int, bytes]] = deque()
        self.ns_per_byte = 40.0
        """The decode cost learnt from the last large command (starts pessimistic)."""

    def __len__(self) -> int:
        return len(self._waiting)

    def add(self, payloads: list[bytes]) -> None:
        if payloads:
            now = self._now_ns()
            self._waiting.extend((now, payload) for payload in payloads)

    def take(self, deadline: int | None) -> list[object]:
        """The commands to act on now, in order, given the next deadline (None:
        nothing is scheduled)."""
        taken: list[object] = []
        while self._waiting:
            arrived, payload = self._waiting[0]
            size = len(payload)
            now = self._now_ns()
            if self._must_wait(size, now - arrived, None if deadline is None else deadline - now):
                break
            self._waiting.popleft()
            taken.append(pickle.loads(payload))
            if size > SMALL_BYTES:
                self.ns_per_byte = (self._now_ns() - now) / size
        return taken

    def _must_wait(self, size: int, waited_ns: int, room_ns: int | None) -> bool:
        if size <= SMALL_BYTES or room_ns is None or waited_ns >= MAX_WAIT_NS:
            return False
        return room_ns < max(MIN_ROOM_NS, 2 * size * self.ns_per_byte)
