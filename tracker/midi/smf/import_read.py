"""A track's events read fast, for the import: mido builds and checks a Message object
per event (most of `import-midi`'s time and memory on a big file), where the import
only reads a few fields of each.

Channel messages (notes, controllers, programs, bends, aftertouch), running status
and meta events are read here into small slotted messages that answer the same
attributes mido's do (meta events are built by mido's own function, so they are
exactly mido's). Anything else in a track (system exclusive, a system message, a
data byte above 127, a track that ends mid-event) sends that track back to mido's
reader in read.py, so every damaged file is refused with the same words as before.

A track comes back as a `PackedTrack`: each event one integer, its play-order key
(tick, note or not, track, position packed, `pack_key`), beside a list of its
messages, rather than a tuple each (a 10 MB file's 2.2 million tuples were 300 MB).
Sorting the keys of every track merges the tracks (import_events.py), and each key
says where its message is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from mido.midifiles.meta import build_meta_message

from tracker.midi.smf.read import TimedMessage

POSITION_BITS = 26
"""Events a track may hold, as bits: a 64 MB file (read.MAX_FILE_BYTES) holds at most
2^25 events of two bytes or more."""
TRACK_BITS = 16
"""Tracks a file may hold, as bits: the header counts them in 16 bits."""
NOTE_SHIFT = POSITION_BITS + TRACK_BITS
TICK_SHIFT = NOTE_SHIFT + 1
POSITION_MASK = (1 << POSITION_BITS) - 1
TRACK_MASK = (1 << TRACK_BITS) - 1


def pack_key(tick: int, is_note: bool, track: int, position: int) -> int:
    """A message's place in the import's play order as one integer: sorting the keys
    sorts by tick, then the rest before notes, then track, then position in the track
    (the order of a TimedMessage's fields)."""
    return (((tick << 1) | is_note) << NOTE_SHIFT) | (track << POSITION_BITS) | position


class PackedTrack(Sequence[TimedMessage]):
    """A track's messages as their keys (`pack_key`) and the messages: reads as the list
    of TimedMessage it stands for."""

    __slots__ = ("keys", "messages")

    def __init__(self, keys: list[int], messages: list[Any]) -> None:
        self.keys = keys
        self.messages = messages

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> TimedMessage: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[TimedMessage]: ...
    def __getitem__(self, index: int | slice) -> TimedMessage | Sequence[TimedMessage]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        key = self.keys[index]
        return TimedMessage(
            key >> TICK_SHIFT,
            bool(key >> NOTE_SHIFT & 1),
            key >> POSITION_BITS & TRACK_MASK,
            key & POSITION_MASK,
            self.messages[index],
        )

    def __iter__(self) -> Iterator[TimedMessage]:
        for index in range(len(self.keys)):
            yield self[index]


_MIN_PITCHWHEEL = -8192
_DATA_BYTES = {0x80: 2, 0x90: 2, 0xA0: 2, 0xB0: 2, 0xC0: 1, 0xD0: 1, 0xE0: 2}
"""Data bytes after each kind of channel status (its high four bits)."""


class ChannelMessage:
    """A channel message with mido's attribute names (only those of its kind are set)."""

    __slots__ = ("channel", "control", "note", "pitch", "program", "type", "value", "velocity")
    is_meta = False

    def __init__(self, status: int, first: int, second: int) -> None:
        kind = status & 0xF0
        self.channel = status & 0x0F
        if kind == 0x90 or kind == 0x80:
            self.type = "note_on" if kind == 0x90 else "note_off"
            self.note, self.velocity = first, second
        elif kind == 0xB0:
            self.type = "control_change"
            self.control, self.value = first, second
        elif kind == 0xC0:
            self.type = "program_change"
            self.program = first
        elif kind == 0xE0:
            self.type = "pitchwheel"
            self.pitch = first | ((second << 7) + _MIN_PITCHWHEEL)  # as mido decodes it
        elif kind == 0xA0:
            self.type = "polytouch"
            self.note, self.value = first, second
        else:
            self.type = "aftertouch"
            self.value = first


class _Unusual(Exception):
    """Something only mido's reader should judge."""


def fast_track(number: int, body: bytes) -> PackedTrack | None:
    """One MTrk chunk's body -> its messages at absolute ticks, or None when it holds
    anything but channel and meta events, or is damaged (mido reads it then)."""
    try:
        return _read(number, body)
    except (_Unusual, IndexError):
        return None


def _read(number: int, body: bytes) -> PackedTrack:
    keys: list[int] = []
    messages: list[Any] = []
    add_key, append = keys.append, messages.append
    track = number << POSITION_BITS
    if number > TRACK_MASK:
        raise _Unusual
    size = len(body)
    position = 0
    tick = 0
    running = 0
    known: dict[int, ChannelMessage] = {}
    """Equal messages are shared: nothing changes them, and a song repeats them."""
    index = 0
    while position < size:
        delta = body[position]
        if delta < 0x80:  # most delta times are one byte
            position += 1
        else:
            delta, position = _variable(body, position)
        tick += delta
        status = body[position]
        if status < 0x80:
            if not running:
                raise _Unusual  # running status with nothing before it
            status = running
        else:
            position += 1
        if status == 0xFF:
            kind = body[position]
            length, position = _variable(body, position + 1)
            if position + length > size:
                raise _Unusual
            data = list(body[position : position + length])
            position += length
            try:
                meta = build_meta_message(kind, data, delta)
            except Exception as error:  # mido raises several kinds; its reader words the refusal
                raise _Unusual from error
            add_key((tick << TICK_SHIFT) | track | index)
            append(meta)
        elif status >= 0xF0:
            raise _Unusual  # system exclusive or a system message
        else:
            running = status
            count = _DATA_BYTES[status & 0xF0]
            first = body[position]
            second = body[position + 1] if count == 2 else 0
            if first > 127 or second > 127:
                raise _Unusual
            position += count
            key = status << 14 | first << 7 | second  # no tuple made a message
            message = known.get(key)
            if message is None:
                message = known[key] = ChannelMessage(status, first, second)
            add_key((((tick << 1) | (status < 0xA0)) << NOTE_SHIFT) | track | index)
            append(message)
        index += 1
    if position != size:
        raise _Unusual  # the last event ran past the end of the track
    if index > POSITION_MASK:
        raise _Unusual
    return PackedTrack(keys, messages)


def _variable(body: bytes, position: int) -> tuple[int, int]:
    """A variable-length quantity at `position`: its value and the position after it."""
    value = 0
    while True:
        byte = body[position]
        position += 1
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, position
