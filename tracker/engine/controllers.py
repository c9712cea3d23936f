"""CC lane names -> controller numbers.

A lane is named by a controller number written in decimal ("74") or by a name.
Names belong to the instrument's device map (tracker/instruments.py); the
engine takes a resolver so it need not know devices. Without one it knows the
General MIDI names below.
"""

from __future__ import annotations

from collections.abc import Callable

from tracker.errors import SongFormatError
from tracker.lanes import (
    is_packed_valid,
    is_wide,
    lane_kind,
    lane_reference,
    numeric_reference,
    pack,
)
from tracker.song.model import Instrument

CcResolver = Callable[[str, Instrument], int]
"""(lane name, instrument) -> controller number 0-127; raises TrackerError if unknown."""

STANDARD_CONTROLLERS: dict[str, int] = {
    "modulation": 1,
    "volume": 7,
    "pan": 10,
    "expression": 11,
    "sustain": 64,
    "resonance": 71,
    "release": 72,
    "attack": 73,
    "cutoff": 74,
    "reverb": 91,
    "chorus": 93,
}

_DIGITS = frozenset("0123456789")


def controller_number(name: str) -> int | None:
    """A lane written as a decimal number ("74") -> 74; anything else -> None."""
    text = name.strip()
    if text and set(text) <= _DIGITS:
        return int(text)
    return None


def standard_cc(name: str, instrument: Instrument) -> int:
    """Decimal numbers, the General MIDI controller names, and 14-bit lanes written
    with their numbers (`nrpn:0:20`, `cc14:16`; tracker/lanes.py)."""
    if is_wide(name):
        kind = lane_kind(name)
        wide = numeric_reference(kind, lane_reference(name))
        if wide is None:
            raise SongFormatError(
                f'14-bit lane "{name}" for instrument "{instrument.name}" needs a device map '
                "to name its parameter (or write its numbers, e.g. nrpn:0:20 or cc14:16)"
            )
        return pack(kind, wide)
    number = controller_number(name)
    if number is None:
        number = STANDARD_CONTROLLERS.get(name.strip().lower())
    if number is None:
        known = ", ".join(STANDARD_CONTROLLERS)
        raise SongFormatError(
            f'unknown controller "{name}" for instrument "{instrument.name}" '
            f"(use a number 0-127 or one of: {known})"
        )
    return checked_cc(name, number)


def checked_cc(name: str, number: int) -> int:
    """A resolved lane: a controller 0-127, or a packed 14-bit one (tracker/lanes.py)."""
    if not is_packed_valid(number):
        raise SongFormatError(f'controller "{name}" is number {number} (expected 0-127)')
    return number
