"""The tempo map: song positions -> seconds and beats, exactly.

A position is an integer count of *sub-ticks* (`sub` per engine tick), fine
enough that swing's fractional delays stay whole numbers. The map is a list of
segments, one per tempo or lines-per-beat change, each starting at a line
boundary. Segment start times are exact fractions; an event's seconds and beats
are computed afresh from its segment as one correctly rounded integer division,
so nothing accumulates and a long song cannot drift.

Tempo and swing values are taken as the decimals the musician wrote
(`Fraction(repr(x))`): 124.1 bpm is 1241/10, not the nearest binary float.

Swing (0..1) delays every odd line of a pattern by `swing * half a line`. The
line's boundaries stay on the straight grid; only its content moves: tick `k`
of an odd line sounds at `swing/2 + k * (1 - swing/2) / tpl` of the way
through the line (its ticks squeeze into what is left). Even lines are
untouched. Time and beat both follow the swung position.

A groove (song/grooves.py) is the same rule with a delay of its own for each
line: swing is the groove (0, swing/2). A line delayed by `d` (a fraction of a
line) is `shift = d * sub` sub-ticks late at its start, and tick `k` of it sits
at `tick * sub + shift * (tpl - k)`. `sub` is chosen so every shift in use is whole.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from tracker.errors import SongFormatError

BEATS_PER_BAR = 4
"""A bar is four beats: the bar the editor's PgUp/PgDn move by, the MIDI export's 4/4,
a DAW session's meter. A song states no meter of its own."""
BEAT_NOTE = 4
"""A beat is a quarter note (a signature's denominator); lines per beat say how many
lines make one, so an Lxx changes a line's length, never the beat or the bar."""


def exact(value: float) -> Fraction:
    """The decimal a musician wrote, as an exact fraction (repr is the shortest round trip)."""
    return Fraction(repr(value))


def check_timing(bpm: float, lpb: int, tpl: int) -> None:
    """Refuse a tempo the map cannot represent, with a message for the musician."""
    if not math.isfinite(bpm) or bpm <= 0:
        raise SongFormatError(f"tempo {bpm} bpm is not playable (expected a positive number)")
    if lpb < 1:
        raise SongFormatError(f"lines per beat must be at least 1, not {lpb}")
    if tpl < 1:
        raise SongFormatError(f"ticks per line must be at least 1, not {tpl}")


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of constant tempo and lines per beat, from `start` (sub-ticks) on.

    time(p) = (t0 + (p - start) * t_step) / t_den, and the same for beats: whole
    numbers until the one division that makes the float.
    """

    start: int
    time: Fraction
    beat: Fraction
    bpm: Fraction
    lpb: int
    seconds_per_position: Fraction
    beats_per_position: Fraction
    t0: int
    t_step: int
    t_den: int
    b0: int
    b_step: int
    b_den: int

    @classmethod
    def make(
        cls, start: int, time: Fraction, beat: Fraction, bpm: Fraction, lpb: int, positions: int
    ) -> Segment:
        """`positions` is sub-ticks per line (tpl * sub)."""
        spp = Fraction(60) / (bpm * lpb * positions)
        bpp = Fraction(1, lpb * positions)
        return cls(
            start=start,
            time=time,
            beat=beat,
            bpm=bpm,
            lpb=lpb,
            seconds_per_position=spp,
            beats_per_position=bpp,
            t0=time.numerator * spp.denominator,
            t_step=spp.numerator * time.denominator,
            t_den=time.denominator * spp.denominator,
            b0=beat.numerator * bpp.denominator,
            b_step=bpp.numerator * beat.denominator,
            b_den=beat.denominator * bpp.denominator,
        )

    def exact_time(self, position: int | Fraction) -> Fraction:
        return self.time + (position - self.start) * self.seconds_per_position

    def exact_beat(self, position: int | Fraction) -> Fraction:
        return self.beat + (position - self.start) * self.beats_per_position


def swing_delay(swing: float) -> Fraction:
    """The song's swing as the delay of its odd lines: half the swing, as written."""
    if not math.isfinite(swing):
        return Fraction(0)
    return exact(min(max(swing, 0.0), 1.0)) / 2


class TempoMap:
    """Positions -> (seconds, beats), with tempo and lines-per-beat changes at line starts."""

    def __init__(
        self, bpm: float, lpb: int, tpl: int, swing: float = 0.0, delays: Iterable[Fraction] = ()
    ) -> None:
        """`delays`: every groove delay (a fraction of a line) the song will ask `shift` for."""
        check_timing(bpm, lpb, tpl)
        amount = swing_delay(swing) * 2
        self.tpl = tpl
        self.sub = math.lcm(2 * amount.denominator, *(d.denominator for d in delays))
        """Sub-ticks per tick: swing's delay of amount * tpl / 2 ticks, and each
        groove delay, is then whole."""
        self._swing = amount.numerator * (self.sub // (2 * amount.denominator))
        self._line = tpl * self.sub
        first = Segment.make(0, Fraction(0), Fraction(0), exact(bpm), lpb, self._line)
        self._segments = [first]
        self._starts = [0]

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(self._segments)

    @property
    def bpm(self) -> float:
        """The tempo of the last segment."""
        return float(self._segments[-1].bpm)

    @property
    def lpb(self) -> int:
        return self._segments[-1].lpb

    def change(self, tick: int, *, bpm: float | None = None, lpb: int | None = None) -> bool:
        """Change tempo and/or lines per beat from `tick` (a line start) on.

        Changes come in play order. Returns True when something changed.
        """
        last = self._segments[-1]
        position = tick * self.sub
        if position < last.start:
            raise ValueError("tempo changes must come in play order")
        new_bpm = last.bpm if bpm is None else exact(bpm)
        new_lpb = last.lpb if lpb is None else lpb
        check_timing(float(new_bpm), new_lpb, self.tpl)
        if new_bpm == last.bpm and new_lpb == last.lpb:
            return False
        segment = Segment.make(
            position,
            last.exact_time(position),
            last.exact_beat(position),
            new_bpm,
            new_lpb,
            self._line,
        )
        if position == last.start:
            self._segments[-1] = segment
        else:
            self._segments.append(segment)
            self._starts.append(position)
        return True

    @property
    def swing_shift(self) -> int:
        """The shift of an odd line under the song's swing."""
        return self._swing

    def shift(self, delay: Fraction) -> int:
        """A line delay (a fraction of a line, one of `delays`) as a shift in sub-ticks."""
        whole = delay * self.sub
        if whole.denominator != 1:
            raise ValueError(f"groove delay {delay} was not declared to the tempo map")
        return whole.numerator

    def position(self, tick: int, offset: int, shift: int) -> int:
        """The grooved position of `tick`, which is `offset` ticks into a line `shift` late."""
        if shift:
            return tick * self.sub + shift * (self.tpl - offset)
        return tick * self.sub

    def locate_between(self, position: int, following: int, share: Fraction) -> tuple[float, float]:
        """(seconds, beats) `share` of the way from one position to a later one in the
        same segment: a humanised note between two ticks."""
        seg = self._segments[bisect_right(self._starts, position) - 1]
        exact_position = position + (following - position) * share
        return float(seg.exact_time(exact_position)), float(seg.exact_beat(exact_position))

    def locate(self, position: int) -> tuple[float, float]:
        """(seconds, beats) at a position: exact until one rounding each."""
        seg = self._segments[bisect_right(self._starts, position) - 1]
        d = position - seg.start
        return (seg.t0 + d * seg.t_step) / seg.t_den, (seg.b0 + d * seg.b_step) / seg.b_den

    def exact_time(self, position: int) -> Fraction:
        return self._segments[bisect_right(self._starts, position) - 1].exact_time(position)
