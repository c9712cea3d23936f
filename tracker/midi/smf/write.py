"""The bytes of a Standard MIDI File, written directly: chunks, variable-length delta
times, meta events and channel messages with running status.

export.py used to build a mido message per event and let mido save them; on a long
song that was most of `export-midi` (a Python object, a type check and a decode per
event). Here a track is one bytearray. The bytes are those mido writes for the same
messages (tests/midi/smf/test_write.py compares them), so files did not change.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

END_OF_TRACK = 0x2F
TRACK_NAME = 0x03
SET_TEMPO = 0x51
TIME_SIGNATURE = 0x58
MAX_VARIABLE = 0x0FFFFFFF
"""Four 7-bit groups: the longest variable-length quantity the standard allows."""
_SHORT = [bytes((value,)) for value in range(0x80)]
"""Delta times below 128, the most common ones, ready made."""
_CACHED = 0x4000
_DELTAS: dict[int, bytes] = dict(enumerate(_SHORT))
"""Delta times below _CACHED as met (a song's few note lengths at 960 ticks a beat)."""


def variable_length(value: int) -> bytes:
    """`value` as the standard's variable-length quantity: 7 bits a byte, most
    significant first, the top bit set on every byte but the last."""
    if value < 0x80:
        if value < 0:
            raise ValueError(f"a variable-length quantity is not negative: {value}")
        return _SHORT[value]
    if value > MAX_VARIABLE:
        raise ValueError(f"a variable-length quantity is at most {MAX_VARIABLE:#x}: {value}")
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | value & 0x7F)
        value >>= 7
    return bytes(reversed(out))


def meta(kind: int, data: bytes) -> bytes:
    """A meta event (without its delta time): FF, its type, its length, its data."""
    return b"\xff" + bytes((kind,)) + variable_length(len(data)) + data


class TrackWriter:
    """One MTrk chunk's events, each at a delta time from the one before. Channel
    messages share a status byte with the one before it where they can (running
    status, reset by meta events): what mido writes, so the bytes match."""

    def __init__(self) -> None:
        self.data = bytearray()
        self._running = -1

    def channel(self, delta: int, message: bytes) -> None:
        """A channel message (status byte first) `delta` ticks after the last event."""
        data = self.data
        data += _SHORT[delta] if 0 <= delta < 0x80 else variable_length(delta)
        status = message[0]
        if status == self._running:
            data += message[1:]
        else:
            data += message
            self._running = status if status < 0xF0 else -1

    def write(self, timed: Iterable[tuple[int, bytes | tuple[int, bytes]]]) -> int:
        """Messages at absolute ticks, in order: a channel message's bytes or a meta
        event's (type, data), each as `channel` and `meta` would write it (inlined: this is
        an export's inner loop). The last tick written (0 for none)."""
        data = self.data
        running = self._running
        now = 0
        deltas = _DELTAS
        for tick, message in timed:
            delta = tick - now
            quantity = deltas.get(delta)
            if quantity is None:
                quantity = variable_length(delta)
                if delta < _CACHED:
                    deltas[delta] = quantity
            data += quantity
            now = tick
            if isinstance(message, bytes):
                status = message[0]
                if status == running:
                    data += message[1:]
                else:
                    data += message
                    running = status if status < 0xF0 else -1
            else:
                data += meta(*message)
                running = -1
        self._running = running
        return now

    def meta(self, delta: int, kind: int, payload: bytes) -> None:
        self.data += variable_length(delta) + meta(kind, payload)
        self._running = -1

    def chunk(self) -> bytes:
        """The track as a chunk; the caller ends it first (`meta(delta, END_OF_TRACK, b"")`)."""
        return chunk(b"MTrk", bytes(self.data))


def chunk(name: bytes, data: bytes) -> bytes:
    return name + struct.pack(">L", len(data)) + data


def header(file_type: int, tracks: int, ppq: int) -> bytes:
    """The MThd chunk: the file's type, its number of tracks and ticks per beat."""
    return chunk(b"MThd", struct.pack(">hhh", file_type, tracks, ppq))
