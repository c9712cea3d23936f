"""14-bit lanes on a synth that keeps running values: send only the parts that changed.

An NRPN value is four controllers (99/98 select the parameter, 6/38 carry the
value). A synth that remembers the selected parameter (the device file's
`running_values = true`, packed into the lane by the resolver) needs 99/98 only
when the parameter changes, and 6 only when the value's upper 7 bits change; a
14-bit pair needs its MSB only when it changed. CC 38 (or the pair's LSB) always
goes: it is the message that makes the value take effect on such synths.

One `RunningValues` per output (a port's stream, an exported track): it remembers
what that output last sent on each channel. A fresh one sends everything, so a new
play, a seek or a swapped stream starts with whole messages.
"""

from __future__ import annotations

from tracker.lanes import (
    DATA_MSB,
    NRPN_LSB,
    NRPN_MSB,
    packed_kind,
    packed_number,
    packed_running,
    wide_controls,
)
from tracker.midi.encode import control


class RunningValues:
    """What one output last sent, per channel: the selected NRPN and each data MSB."""

    def __init__(self) -> None:
        self._selected: dict[int, int] = {}
        """channel -> the NRPN parameter selected there (MSB * 128 + LSB)."""
        self._msb: dict[tuple[int, str, int], int] = {}
        """(channel, kind, number) -> the value's upper 7 bits last sent."""

    def messages(self, channel: int, packed: int, value: int) -> list[bytes]:
        """The messages for one value of a 14-bit lane: all of them unless the lane's
        synth keeps running values."""
        pairs = wide_controls(packed, value)
        kind = packed_kind(packed)
        number = packed_number(packed)
        key = (channel, kind, number)
        running = packed_running(packed)
        out: list[tuple[int, int]] = []
        if kind == "nrpn":
            if not running or self._selected.get(channel) != number:
                out += pairs[:2]
                self._msb.pop(key, None)  # a fresh selection takes a fresh MSB
                self._selected[channel] = number
            pairs = pairs[2:]
        msb_pair, lsb_pair = pairs
        if not running or self._msb.get(key) != msb_pair[1]:
            out.append(msb_pair)
            self._msb[key] = msb_pair[1]
        out.append(lsb_pair)
        return [control(channel, cc, v) for cc, v in out]

    def plain(self, channel: int, controller: int) -> None:
        """A plain CC went out on `channel`: CC 99, 98 or 6 written by hand in a lane
        changes what the synth holds, so the next NRPN goes out whole."""
        if controller in (NRPN_MSB, NRPN_LSB, DATA_MSB):
            self._selected.pop(channel, None)
