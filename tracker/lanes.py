"""CC lane kinds: a plain 7-bit controller, a 14-bit controller pair, an NRPN parameter.

A song's `cc` list names each lane. Plain lanes are a number ("74") or a name the
instrument's device map knows ("cutoff"). Wide lanes say so in their name, so the
song file alone tells how many hex digits their values take (4: 0000-3FFF):

- `nrpn:MSB:LSB` (`nrpn:0:20`) or `nrpn:NAME` (`nrpn:cutoff`, from the device
  file's `[nrpn]` table): sent as CC 99/98 (parameter), then CC 6/38 (value);
- `cc14:N` (`cc14:16`, N 0-31) or `cc14:NAME` (the device file's `[cc14]` table):
  CC N with the value's upper 7 bits, then CC N+32 with the lower 7.

The song (which writes the rows), the instruments (which resolve names) and the
MIDI encoder (which makes the bytes) all read this one module. A resolved lane
travels through the timeline as one packed integer in a CONTROL event's `a`:
below 128 a plain controller; otherwise a kind flag, a running flag and a number.
"""

from __future__ import annotations

import re
from typing import Literal

LaneKind = Literal["cc", "cc14", "nrpn"]

NRPN_PREFIX = "nrpn:"
CC14_PREFIX = "cc14:"
WIDE_MAX = 0x3FFF
"""The largest value a wide lane holds (14 bits)."""
CC14_LAST = 31
"""14-bit pairs are CC 0-31 (MSB) with CC 32-63 (LSB)."""

NRPN_MSB, NRPN_LSB = 99, 98
DATA_MSB, DATA_LSB = 6, 38
LSB_OFFSET = 32

CC14_FLAG = 1 << 16
NRPN_FLAG = 1 << 17
RUNNING_FLAG = 1 << 18
"""The synth keeps the selected NRPN and the last MSB: send only what changed."""
_NUMBER_MASK = 0x3FFF

_NRPN_NUMBERS = re.compile(r"([0-9]{1,3}):([0-9]{1,3})")
_CC14_NUMBER = re.compile(r"[0-9]{1,2}")


def lane_kind(name: str) -> LaneKind:
    """What a lane name asks for, from its prefix alone."""
    lowered = name.strip().casefold()
    if lowered.startswith(NRPN_PREFIX):
        return "nrpn"
    if lowered.startswith(CC14_PREFIX):
        return "cc14"
    return "cc"


def is_wide(name: str) -> bool:
    """True for lanes holding 14-bit values (4 hex digits)."""
    return lane_kind(name) != "cc"


def lane_reference(name: str) -> str:
    """The part after the prefix: "0:20", "16" or a device map name."""
    text = name.strip()
    return text[len(NRPN_PREFIX) :] if is_wide(text) else text


def numeric_reference(kind: LaneKind, reference: str) -> int | None:
    """An NRPN "MSB:LSB" as its 14-bit parameter number, a cc14 "N" as N; None for a
    name (the device map's). Out-of-range numbers are None too: `wide_lane_name` refuses them."""
    if kind == "nrpn":
        match = _NRPN_NUMBERS.fullmatch(reference)
        if match is None:
            return None
        msb, lsb = int(match[1]), int(match[2])
        return msb * 128 + lsb if msb < 128 and lsb < 128 else None
    if _CC14_NUMBER.fullmatch(reference) and int(reference) <= CC14_LAST:
        return int(reference)
    return None


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

WIDE_NAME_RULE = (
    '"nrpn:MSB:LSB" (each 0-127), "cc14:N" (N 0-31), or "nrpn:" / "cc14:" and a name '
    'from the device file (e.g. "nrpn:cutoff")'
)


def wide_lane_name(text: str) -> str | None:
    """A wide lane as the song keeps it ("nrpn:000:20" -> "nrpn:0:20"), or None when
    the text is not one. Names after the prefix are left to the device map."""
    kind = lane_kind(text)
    if kind == "cc":
        return None
    reference = lane_reference(text)
    number = numeric_reference(kind, reference)
    if number is not None:
        return lane_name_of(pack(kind, number))
    if reference[:1].isdigit() or not _NAME.fullmatch(reference):
        return None
    return (NRPN_PREFIX if kind == "nrpn" else CC14_PREFIX) + reference


# ---- the packed controller a CONTROL event carries -----------------------------------------


def pack(kind: LaneKind, number: int, *, running: bool = False) -> int:
    """A resolved lane as the engine's controller number."""
    if kind == "cc":
        return number
    flag = NRPN_FLAG if kind == "nrpn" else CC14_FLAG
    return flag | (RUNNING_FLAG if running else 0) | (number & _NUMBER_MASK)


def packed_kind(packed: int) -> LaneKind:
    if packed & NRPN_FLAG:
        return "nrpn"
    if packed & CC14_FLAG:
        return "cc14"
    return "cc"


def packed_number(packed: int) -> int:
    """The NRPN parameter (MSB * 128 + LSB), the 14-bit pair's MSB controller, or the CC."""
    return packed & _NUMBER_MASK


def packed_running(packed: int) -> bool:
    return bool(packed & RUNNING_FLAG)


def is_packed_valid(packed: int) -> bool:
    """A plain controller 0-127, or a wide one inside its range."""
    if packed < 0:
        return False
    kind = packed_kind(packed)
    if kind == "cc":
        return packed <= 127
    if packed >> 19:
        return False
    return kind == "nrpn" or packed_number(packed) <= CC14_LAST


def lane_name_of(packed: int) -> str:
    """The lane a song writes for a packed controller: "74", "nrpn:0:20", "cc14:16"."""
    kind = packed_kind(packed)
    number = packed_number(packed)
    if kind == "nrpn":
        return f"{NRPN_PREFIX}{number >> 7}:{number & 0x7F}"
    if kind == "cc14":
        return f"{CC14_PREFIX}{number}"
    return str(packed)


def wide_controls(packed: int, value: int) -> list[tuple[int, int]]:
    """The full (controller, value) sequence of a wide lane's value: 99/98 then 6/38
    for an NRPN, MSB then LSB for a 14-bit pair. Plain lanes are one pair."""
    kind = packed_kind(packed)
    if kind == "cc":
        return [(packed & 0x7F, value & 0x7F)]
    value = max(0, min(WIDE_MAX, value))
    number = packed_number(packed)
    if kind == "nrpn":
        return [
            (NRPN_MSB, number >> 7),
            (NRPN_LSB, number & 0x7F),
            (DATA_MSB, value >> 7),
            (DATA_LSB, value & 0x7F),
        ]
    return [(number, value >> 7), (number + LSB_OFFSET, value & 0x7F)]


def soundfont_controls(packed: int, value: int) -> list[tuple[int, int]]:
    """What FluidSynth gets: a 14-bit pair as its MSB controller alone (7 bits); an
    NRPN as 99/98 and the data MSB (FluidSynth acts on the NRPNs it knows, SoundFont
    generators, and ignores the rest); a plain lane as itself."""
    kind = packed_kind(packed)
    if kind == "cc":
        return [(packed, value)]
    return wide_controls(packed, value)[: 3 if kind == "nrpn" else 1]
