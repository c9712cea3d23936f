"""The sounding-note tracker: no stuck notes, ever.

Every note-on that leaves is written down per port and channel (with the track
that played it); whenever playback stops, wraps, jumps, mutes a track or loses a
port, the owed note-offs are sent one by one, then CC 123 (all notes off) on each
channel used: some hardware ignores CC 123 alone, some ignores a stray note-off.

Pure bookkeeping: it returns the messages (made by encode.py), the caller sends them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from typing import Protocol

from tracker.midi.encode import ALL_NOTES_OFF, control, note_off, panic_messages

Message = tuple[Hashable, bytes]
"""(port key, MIDI bytes)."""


class SoundingNotes:
    """Which notes sound where, and who played them."""

    def __init__(self) -> None:
        self._owed: dict[tuple[Hashable, int, int], int] = {}
        """(port, channel, note) -> track."""
        self._used: set[tuple[Hashable, int]] = set()

    def __len__(self) -> int:
        return len(self._owed)

    def sounding(self) -> list[tuple[Hashable, int, int]]:
        return sorted(self._owed, key=repr)

    def owned_by(self, track: int) -> set[tuple[int, int, int]]:
        """(track, channel, note) of the notes one owner sounds: a `keep` for flush."""
        return {(owner, key[1], key[2]) for key, owner in self._owed.items() if owner == track}

    def on(self, port: Hashable, channel: int, note: int, track: int = -1) -> None:
        self._owed[(port, channel, note)] = track
        self._used.add((port, channel))

    def off(self, port: Hashable, channel: int, note: int) -> bool:
        """Forget a note that ended; False when it was not sounding (the off is then
        redundant: a flush already ended it)."""
        return self._owed.pop((port, channel, note), None) is not None

    def observe(self, port: Hashable, message: bytes, track: int = -1) -> bool:
        """Track an outgoing message; False when it is a note-off that is not owed."""
        status = message[0] & 0xF0
        if status == 0x90 and message[2] > 0:  # inline: this runs for every note sent
            channel = message[0] & 0x0F
            self._owed[(port, channel, message[1])] = track
            self._used.add((port, channel))
        elif status == 0x80 or status == 0x90:
            return self._owed.pop((port, message[0] & 0x0F, message[1]), None) is not None
        return True

    def flush(
        self,
        *,
        track: int | None = None,
        port: Hashable | None = None,
        all_notes_off: bool = True,
        keep: Collection[tuple[int, int, int]] = (),
    ) -> list[Message]:
        """The note-offs owed (all, or of one track / one port), then CC 123 on every
        channel that played (omitted for a single track, whose channel may be shared).

        `keep` names notes that ring on, as (track, channel, note): an edited song
        swapped in mid-note still owes their note-offs. Their channels get no CC 123.
        """
        chosen = [
            key
            for key, owner in self._owed.items()
            if (track is None or owner == track)
            and (port is None or key[0] == port)
            and (owner, key[1], key[2]) not in keep
        ]
        out: list[Message] = []
        for key in sorted(chosen, key=repr):
            del self._owed[key]
            out.append((key[0], note_off(key[1], key[2])))
        if all_notes_off and track is None:
            ringing = {(p, channel) for p, channel, _ in self._owed}
            used = sorted(
                u for u in self._used if (port is None or u[0] == port) and u not in ringing
            )
            out += [(p, control(ch, ALL_NOTES_OFF, 0)) for p, ch in used]
            self._used -= set(used)
        return out

    def forget_port(self, port: Hashable) -> None:
        """A port that vanished: its notes cannot be ended there any more."""
        for key in [k for k in self._owed if k[0] == port]:
            del self._owed[key]
        self._used = {u for u in self._used if u[0] != port}


class Sender(Protocol):
    def send(self, message: bytes) -> None: ...


def panic(ports: Iterable[Sender], on_error: Callable[[Exception], None] | None = None) -> None:
    """Silence every port: for `tracker panic` and the UI's panic key."""
    for port in ports:
        for message in panic_messages():
            try:
                port.send(message)
            except Exception as error:  # a port that vanished must not stop the others
                if on_error is None:
                    raise
                on_error(error)
