"""The one table from a timeline event (or a note, a control, a clock tick) to MIDI bytes.

Everything that leaves as MIDI is made here: the player's send stream, previews,
panic and the sounding-note flush (channel messages), MIDI clock out (system real
time), and the MIDI file export (the same channel messages, wrapped by mido).
Pure: bytes in, bytes out, no ports.

`event_messages` runs once per event, one item ahead of the send (the stream makes
bytes before the deadline, never at it): it builds the frequent messages inline
rather than through the helpers, which would cost a call per message.
"""

from __future__ import annotations

from tracker.engine.events import Event, Kind
from tracker.lanes import wide_controls

# ---- status bytes ------------------------------------------------------------------------

NOTE_OFF = 0x80
NOTE_ON = 0x90
POLY_PRESSURE = 0xA0
CONTROL_CHANGE = 0xB0
PROGRAM_CHANGE = 0xC0
CHANNEL_PRESSURE = 0xD0
PITCH_BEND = 0xE0
SYSTEM = 0xF0
"""System messages start here; below it, the high nibble is the kind, the low one the channel."""

SONG_POSITION = 0xF2
CLOCK_STATUS = 0xF8
START_STATUS = 0xFA
CONTINUE_STATUS = 0xFB
STOP_STATUS = 0xFC
CLOCK = bytes((CLOCK_STATUS,))
START = bytes((START_STATUS,))
CONTINUE = bytes((CONTINUE_STATUS,))
STOP = bytes((STOP_STATUS,))

DATA_BYTES = {
    NOTE_OFF: 2,
    NOTE_ON: 2,
    POLY_PRESSURE: 2,
    CONTROL_CHANGE: 2,
    PROGRAM_CHANGE: 1,
    CHANNEL_PRESSURE: 1,
    PITCH_BEND: 2,
}
"""How many data bytes follow each channel message's status byte."""

# ---- controller numbers --------------------------------------------------------------------

BANK_MSB = 0
BANK_LSB = 32
ALL_SOUND_OFF = 120
ALL_NOTES_OFF = 123

MAX_BANK = 16383
"""Bank select is 14 bits: MSB * 128 + LSB."""
BEND_CENTRE = 8192
MAX_BEND = 16383
"""Pitch bend is 14 bits, 8192 at rest; timeline events carry it signed (-8192..8191)."""
MAX_POSITION = 0x3FFF
"""Song Position Pointer: 14 bits of sixteenth notes."""

# ---- channel messages ------------------------------------------------------------------------


def note_on(channel: int, note: int, velocity: int) -> bytes:
    return bytes((NOTE_ON | channel & 0x0F, note & 0x7F, velocity & 0x7F))


def note_off(channel: int, note: int, velocity: int = 0) -> bytes:
    """Release velocity 0 to ports (what most hardware expects); a file states its own."""
    return bytes((NOTE_OFF | channel & 0x0F, note & 0x7F, velocity & 0x7F))


def control(channel: int, controller: int, value: int) -> bytes:
    return bytes((CONTROL_CHANGE | channel & 0x0F, controller & 0x7F, value & 0x7F))


def program(channel: int, number: int) -> bytes:
    return bytes((PROGRAM_CHANGE | channel & 0x0F, number & 0x7F))


def bank_select(channel: int, bank: int) -> list[bytes]:
    """CC 0 (MSB) then CC 32 (LSB): the bank a following program change picks from."""
    bank = max(0, min(MAX_BANK, bank))
    return [control(channel, BANK_MSB, bank >> 7), control(channel, BANK_LSB, bank & 0x7F)]


def pitch_bend(channel: int, bend: int) -> bytes:
    """A signed bend (-8192..8191, 0 at rest), clamped to its 14 bits, LSB first."""
    value = max(0, min(MAX_BEND, bend + BEND_CENTRE))
    return bytes((PITCH_BEND | channel & 0x0F, value & 0x7F, value >> 7))


def wide_control(channel: int, packed: int, value: int) -> list[bytes]:
    """A 14-bit lane's value in full: CC 99/98/6/38 for an NRPN, MSB then LSB for a
    controller pair (midi/wide.py leaves out what a synth with running values kept)."""
    return [control(channel, cc, v) for cc, v in wide_controls(packed, value)]


def event_messages(event: Event) -> list[bytes]:
    """The bytes of one timeline event (none for tempo: the clock carries tempo).

    The status bytes are literals here (NOTE_ON is 0x90 ...): a module constant is a
    lookup per message on the player's path, a literal is not."""
    ch = event.channel & 0x0F
    kind = event.kind
    if kind == Kind.NOTE_ON:
        return [bytes((0x90 | ch, event.a & 0x7F, event.b & 0x7F))]
    if kind == Kind.NOTE_OFF:
        return [bytes((0x80 | ch, event.a & 0x7F, 0))]
    if kind == Kind.CONTROL:
        if event.a > 0x7F:
            return wide_control(ch, event.a, event.b)
        return [bytes((0xB0 | ch, event.a & 0x7F, event.b & 0x7F))]
    if kind == Kind.PITCH_BEND:
        value = max(0, min(16383, event.a + 8192))
        return [bytes((0xE0 | ch, value & 0x7F, value >> 7))]
    if kind == Kind.PROGRAM:
        if event.b <= 0:
            return [program(ch, event.a)]
        return [*bank_select(ch, event.b), program(ch, event.a)]
    return []


def is_channel_message(data: bytes) -> bool:
    """A whole channel message: a status byte 80-EF and exactly its data bytes, each
    under 80. A keyboard or a cable can deliver less (`90`, `90 3C`) or garbage."""
    if not data or not NOTE_OFF <= data[0] < SYSTEM:
        return False
    return len(data) == 1 + DATA_BYTES[data[0] & 0xF0] and all(b < 0x80 for b in data[1:])


def panic_messages() -> list[bytes]:
    """CC 123 (all notes off) and CC 120 (all sound off) on all 16 channels."""
    return [control(ch, cc, 0) for ch in range(16) for cc in (ALL_NOTES_OFF, ALL_SOUND_OFF)]


# ---- system messages -------------------------------------------------------------------------


def song_position(sixteenths: int) -> bytes:
    """Song Position Pointer: 14 bits, LSB first."""
    value = max(0, min(MAX_POSITION, sixteenths))
    return bytes((SONG_POSITION, value & 0x7F, value >> 7))
