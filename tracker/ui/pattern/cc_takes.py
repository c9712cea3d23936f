"""MIDI learn and live CC recording, as rules the editor asks (no Textual here).

Learn: the next controller moved on the MIDI input names the lane: the device map's
name for that controller when the track's instrument has one ("cutoff"), else its
number ("74"). The track settings dialog learns wide lanes too (`LaneLearner`): an
NRPN (CC 99, 98, then data entry) becomes `nrpn:NAME` or `nrpn:MSB:LSB`, and a
controller 0-31 followed by its LSB partner (N+32) becomes `cc14:NAME` or `cc14:N`.

Recording: while recording, each move of a learned controller is written into its
lane at the line it fell on. A sweep sends dozens of values a line; a take keeps one
value per line (the last), and leaves out a line whose value is within `THIN` of the
value written before it in the lane, so a slow drift does not fill every line with
noise. The whole take is one undo step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tracker.instruments.model import Device
from tracker.lanes import (
    CC14_LAST,
    CC14_PREFIX,
    DATA_MSB,
    LSB_OFFSET,
    NRPN_LSB,
    NRPN_MSB,
    NRPN_PREFIX,
)
from tracker.song.edit import Batch, Command, RenameCCLane, SetCC
from tracker.song.model import Song

THIN = 2
"""Moves closer than this to the last value kept are left out (7-bit steps)."""


def learned_lane(controller: int, device_cc: Mapping[str, int] | None) -> str:
    """The lane a moved controller makes: the device map's name for it, else the number."""
    for name, number in sorted((device_cc or {}).items()):
        if number == controller:
            return name
    return str(controller)


def _named(table: Mapping[str, int], number: int) -> str | None:
    return next((name for name, n in sorted(table.items()) if n == number), None)


@dataclass
class LaneLearner:
    """Controls moved on the MIDI input, one at a time, to the lane they name (with the
    names of `device`, the instrument's device map, where it has them)."""

    device: Device | None = None
    nrpn: tuple[int | None, int | None] = (None, None)
    """The parameter an NRPN selected so far (CC 99's value, CC 98's)."""
    pending: int | None = None
    """A controller 0-31 heard: plain, unless its LSB partner comes next."""

    def feed(self, controller: int, value: int) -> str | None:
        """The lane, once the controls so far name one."""
        if controller == NRPN_MSB:
            self.nrpn = (value, None)
            return None
        if controller == NRPN_LSB:
            self.nrpn = (self.nrpn[0], value)
            return None
        msb, lsb = self.nrpn
        if controller == DATA_MSB and msb is not None and lsb is not None:
            self.nrpn, self.pending = (None, None), None
            extras = self.device.extras.nrpn if self.device else {}
            name = _named(extras, msb * 128 + lsb)
            return NRPN_PREFIX + (name or f"{msb}:{lsb}")
        if self.pending is not None:
            first, self.pending = self.pending, None
            if controller == first + LSB_OFFSET:
                name = _named(self.device.extras.cc14 if self.device else {}, first)
                return CC14_PREFIX + (name or str(first))
            return learned_lane(first, self.device.cc if self.device else None)
        if controller <= CC14_LAST:
            self.pending = controller
            return None
        return learned_lane(controller, self.device.cc if self.device else None)

    def settle(self) -> str | None:
        """No partner came: a controller 0-31 heard alone is a plain lane."""
        first, self.pending = self.pending, None
        return (
            None if first is None else learned_lane(first, self.device.cc if self.device else None)
        )


@dataclass
class CcTake:
    """One recording pass over learned lanes: (pattern, track, lane) -> line -> value."""

    learned: Mapping[tuple[int, int], tuple[int, int]]
    """(MIDI channel, controller) -> (track, lane) for the lanes learned so far."""
    moves: dict[tuple[str, int, int], dict[int, int]] = field(default_factory=dict)

    def move(self, pattern: str, line: int, channel: int, controller: int, value: int) -> bool:
        """A controller moved at a line; True when it belongs to a learned lane."""
        place = self.learned.get((channel, controller)) or self.learned.get((-1, controller))
        if place is None:
            return False
        track, lane = place
        self.moves.setdefault((pattern, track, lane), {})[line] = value  # the last one wins
        return True

    def command(self, song: Song) -> Command | None:
        """The take as one undo step (None when it wrote nothing)."""
        edits: list[Command] = []
        for (pattern_name, track, lane), lines in sorted(self.moves.items()):
            pattern = song.patterns.get(pattern_name)
            if pattern is None or track >= len(pattern.tracks):
                continue
            values = pattern.tracks[track].cc
            if lane >= len(values):
                continue
            kept: int | None = None
            for line in sorted(lines):
                if not 0 <= line < pattern.lines:
                    continue
                value = lines[line]
                if kept is not None and abs(value - kept) < THIN:
                    continue
                kept = value
                edits.append(SetCC(pattern_name, line, track, lane, value))
        return Batch(edits, "Record CC") if edits else None


@dataclass
class CcRecorder:
    """The editor's learn and record state for CC lanes."""

    learning: tuple[int, int] | None = None
    """(track, lane) waiting for a control to be moved."""
    learned: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    take: CcTake | None = None

    def arm(self, track: int, lane: int) -> None:
        self.learning = (track, lane)

    def control(
        self,
        song: Song,
        moved: tuple[int, int, int],
        at: tuple[int | None, int | None],
        device_cc: Mapping[str, int] | None,
        recording: bool,
    ) -> Command | None:
        """A control moved, as (channel, controller, value) at (order, line): the lane
        it teaches when learning (the edit returned), else a value for the take."""
        channel, controller, value = moved
        if self.learning is not None:
            track, lane = self.learning
            self.learning = None
            self.learned = {k: v for k, v in self.learned.items() if v != (track, lane)}
            self.learned[(channel, controller)] = (track, lane)
            name = learned_lane(controller, device_cc)
            fits = track < len(song.tracks) and lane < len(song.tracks[track].cc)
            if fits and song.tracks[track].cc[lane] != name:
                return RenameCCLane(track, lane, name)
            return None
        order, line = at
        if recording and order is not None and line is not None and 0 <= order < len(song.order):
            if self.take is None:
                self.take = CcTake(learned=self.learned)
            self.take.move(song.order[order], line, channel, controller, value)
        return None

    def finish(self, song: Song) -> Command | None:
        """The take just ended (recording off, or playback stopped): one undo step."""
        take, self.take = self.take, None
        return None if take is None else take.command(song)
