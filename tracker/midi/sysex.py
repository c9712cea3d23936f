"""Patch recall: an instrument's `.syx` file, checked, split into messages and paced.

A `.syx` file is one or more System Exclusive messages back to back, each F0, data
bytes (00-7F), F7. Anything else is refused before a byte is sent, naming the file
and the byte offset, so a synth never receives half a dump or a stray status byte.

Small synths have small input buffers (a few hundred bytes) and drop what overflows,
so the messages leave paced: at most MIDI's own wire speed (3125 bytes a second at
31250 baud), with a pause after each message. `paced` gives each message its send
time; the player sends them at those times.
"""

from __future__ import annotations

from pathlib import Path

from tracker.errors import MidiFileError
from tracker.files import open_regular, reason

SYSEX_START = 0xF0
SYSEX_END = 0xF7
MAX_SYX_BYTES = 1_048_576
"""1 MiB: far past any patch or bank dump; a larger file is not a `.syx` for a synth."""
WIRE_BYTES_PER_S = 3125
"""MIDI 1.0 DIN: 31250 baud, 10 bits a byte."""
GAP_NS = 20_000_000
"""After each message: time for the synth to take it in (many ask for 10-50 ms)."""


def read_sysex(path: Path) -> list[bytes]:
    """The messages of a `.syx` file; MidiFileError naming the file and the byte offset."""
    try:
        with open_regular(path) as f:
            data = f.read(MAX_SYX_BYTES + 1)
    except OSError as error:
        raise MidiFileError(f"{path}: cannot read the SysEx file ({reason(error)})") from None
    if len(data) > MAX_SYX_BYTES:
        raise MidiFileError(
            f"{path}: {len(data):,}+ bytes is too large for a SysEx file "
            f"(at most {MAX_SYX_BYTES:,})"
        )
    return split_sysex(data, str(path))


def split_sysex(data: bytes, name: str) -> list[bytes]:
    """Whole F0 ... F7 messages, each data byte under 80."""
    if not data:
        raise MidiFileError(f"{name}: the SysEx file is empty")
    messages: list[bytes] = []
    start: int | None = None
    for offset, byte in enumerate(data):
        if start is None:
            if byte != SYSEX_START:
                raise MidiFileError(
                    f"{name}: byte {offset} is {byte:02X}, expected F0 (the start of a SysEx message)"
                )
            start = offset
        elif byte == SYSEX_END:
            messages.append(data[start : offset + 1])
            start = None
        elif byte > 0x7F:
            raise MidiFileError(
                f"{name}: byte {offset} is {byte:02X} inside the message that starts at byte "
                f"{start}: SysEx data bytes are 00-7F (F7 ends a message)"
            )
    if start is not None:
        raise MidiFileError(
            f"{name}: the message that starts at byte {start} has no F7 (the file ends at "
            f"byte {len(data)})"
        )
    return messages


def paced(messages: list[bytes], start_ns: int) -> list[tuple[int, bytes]]:
    """Each message with its send time: one after another at wire speed, a gap between."""
    out: list[tuple[int, bytes]] = []
    at = start_ns
    for message in messages:
        out.append((at, message))
        at += round(len(message) * 1e9 / WIRE_BYTES_PER_S) + GAP_NS
    return out


def sending_time_ns(messages: list[bytes]) -> int:
    """How long `paced` takes to send them all."""
    timed = paced(messages, 0)
    return 0 if not timed else timed[-1][0] + round(len(timed[-1][1]) * 1e9 / WIRE_BYTES_PER_S)
