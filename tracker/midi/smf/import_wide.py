"""Reading 14-bit controllers back from a MIDI file: NRPN sequences and MSB/LSB pairs.

An NRPN arrives as CC 99 and 98 (the parameter), then CC 6 and often CC 38 (the
value); it becomes one value of an `nrpn:MSB:LSB` lane. A controller 1-31 whose
partner 33-63 also appears on that track becomes a `cc14:N` lane, each LSB joined
to the MSB before it (at the same tick; later, a value of its own with that MSB). RPNs (CC 101/100) stay what they were: dropped and counted.
"""

from __future__ import annotations

from tracker.lanes import DATA_LSB, DATA_MSB, LSB_OFFSET, NRPN_LSB, NRPN_MSB, pack

RPN_MSB, RPN_LSB = 101, 100
Control = tuple[int, int, int, int]
"""(group, controller or packed lane, tick, value), as the collector keeps them."""


class NrpnReader:
    """Follows each channel's selected NRPN and turns data entry into lane values."""

    def __init__(self) -> None:
        self._selected: dict[int, list[int | None]] = {}
        self._last: dict[int, int] = {}
        """channel -> index in the controls of the value the next CC 38 completes."""

    def take(
        self, group: int, channel: int, tick: int, control: int, value: int, out: list[Control]
    ) -> bool:
        """True when the message was part of an NRPN (and is now in `out`, or waiting)."""
        if control in (NRPN_MSB, NRPN_LSB):
            selected = self._selected.setdefault(channel, [None, None])
            selected[0 if control == NRPN_MSB else 1] = value
            self._last.pop(channel, None)
            return True
        if control in (RPN_MSB, RPN_LSB):
            self._selected.pop(channel, None)  # data entry now goes to an RPN
            self._last.pop(channel, None)
            return False
        chosen = self._selected.get(channel)
        if chosen is None or chosen[0] is None or chosen[1] is None:
            return False
        packed = pack("nrpn", chosen[0] * 128 + chosen[1])
        if control == DATA_MSB:
            self._last[channel] = len(out)
            out.append((group, packed, tick, value << 7))
            return True
        if control == DATA_LSB:
            at = self._last.get(channel)
            if at is None:
                return False
            self._last[channel] = _lsb(out, at, tick, value)
            return True
        return False


def _lsb(out: list[Control], at: int, tick: int, value: int) -> int:
    """An LSB completes the value at `at` when it comes at the same tick, and is a new
    value (the same MSB, this LSB) when it comes later; the index of the value it set."""
    group, lane, when, before = out[at]
    joined = (before & ~0x7F) | value
    if when == tick:
        out[at] = (group, lane, when, joined)
        return at
    out.append((group, lane, tick, joined))
    return len(out) - 1


def join_pairs(controls: list[Control]) -> list[Control]:
    """Controllers N (1-31) with their LSB N+32 in the same group as `cc14:N` lanes.

    Bank select (0/32) never reaches here; CC 6/38 are data entry. A lone MSB stays
    a plain 7-bit lane, as it was written."""
    lows = {(g, c - LSB_OFFSET) for g, c, _, _ in controls if LSB_OFFSET < c < 2 * LSB_OFFSET}
    highs = {(g, c) for g, c, _, _ in controls if 0 < c < LSB_OFFSET}
    pairs = lows & highs
    if not pairs:
        return controls
    out: list[Control] = []
    last: dict[tuple[int, int], int] = {}
    for group, control, tick, value in controls:
        if (group, control) in pairs:
            last[(group, control)] = len(out)
            out.append((group, pack("cc14", control), tick, value << 7))
        elif (group, control - LSB_OFFSET) in pairs:
            key = (group, control - LSB_OFFSET)
            if key in last:
                last[key] = _lsb(out, last[key], tick, value)
        else:
            out.append((group, control, tick, value))
    return out
