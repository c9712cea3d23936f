"""The precise scheduler: absolute deadlines, sleep-then-spin, no accumulated drift.

Every deadline is computed afresh as `anchor + (song time - anchor song time) * scale`
in integer nanoseconds of one monotonic clock, never by adding up intervals, so an
hour of playback ends exactly where the tempo map says. Waiting sleeps until about a
millisecond before the deadline (the OS wakes late by a few hundred microseconds),
then spins on the clock for the rest.

The clock is passed in (`Clock`), so tests run on `FakeClock` and are exact.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from tracker.engine.events import LineMark

NS_PER_S = 1_000_000_000
SPIN_NS = 1_000_000
"""How long before a deadline the wait stops sleeping and starts spinning."""
CLOCK_PPQN = 24
"""MIDI clock pulses per quarter note (per beat)."""


class Clock(Protocol):
    """A monotonic time source in nanoseconds, and a way to pass time."""

    def now_ns(self) -> int: ...

    def sleep_ns(self, duration_ns: int) -> None: ...


class SystemClock:
    """The real clock: `time.perf_counter_ns` (CLOCK_MONOTONIC on Linux, shared by
    every process, so the player's timestamps compare with the UI's)."""

    def now_ns(self) -> int:
        return time.perf_counter_ns()

    def sleep_ns(self, duration_ns: int) -> None:
        if duration_ns > 0:
            time.sleep(duration_ns / NS_PER_S)


class FakeClock:
    """A clock for tests: sleeping jumps exactly; each reading while spinning moves
    time on by `spin_step_ns`, and sleeps can be made to oversleep by `oversleep_ns`
    (as a real OS does), so the spin phase is exercised too."""

    def __init__(self, start_ns: int = 0, *, spin_step_ns: int = 0, oversleep_ns: int = 0) -> None:
        self.t = start_ns
        self.spin_step_ns = spin_step_ns
        self.oversleep_ns = oversleep_ns
        self.sleeps: list[int] = []
        self.reads = 0

    def now_ns(self) -> int:
        self.reads += 1
        now = self.t
        self.t += self.spin_step_ns
        return now

    def sleep_ns(self, duration_ns: int) -> None:
        self.sleeps.append(duration_ns)
        self.t += max(0, duration_ns) + self.oversleep_ns


def wait_until(
    deadline_ns: int, clock: Clock, *, spin_ns: int = SPIN_NS, max_sleep_ns: int | None = None
) -> bool:
    """Sleep until `spin_ns` before the deadline, then spin to it.

    With `max_sleep_ns`, give up after sleeping that long so the caller can poll its
    inputs and come back: returns False then, True once the deadline has passed.
    """
    now = clock.now_ns()
    remaining = deadline_ns - now
    if remaining > spin_ns:
        nap = remaining - spin_ns
        if max_sleep_ns is not None and nap > max_sleep_ns:
            clock.sleep_ns(max_sleep_ns)
            return False
        clock.sleep_ns(nap)
    while clock.now_ns() < deadline_ns:
        pass
    return True


@dataclass(frozen=True)
class Anchor:
    """Ties song time to wall time: `song_ns` of the song happens at `wall_ns`, and song
    time runs `scale` times slower than the wall from there (scale 0.5 = double tempo).

    A live tempo change or a jump makes a new anchor at the change point; deadlines
    are then computed from it, never from the previous deadline.
    """

    wall_ns: int
    song_ns: int
    scale: float = 1.0

    def deadline_ns(self, song_time_s: float) -> int:
        return self.wall_ns + round((round(song_time_s * NS_PER_S) - self.song_ns) * self.scale)

    def song_ns_at(self, wall_ns: int) -> int:
        """Where the song is at `wall_ns` (inverse of deadline_ns)."""
        return self.song_ns + round((wall_ns - self.wall_ns) / self.scale)

    def rescaled(self, wall_ns: int, scale: float) -> Anchor:
        """The anchor for a tempo change at `wall_ns`: earlier deadlines stay as they
        were, later ones run at the new scale."""
        return Anchor(wall_ns, self.song_ns_at(wall_ns), scale)


@dataclass(frozen=True)
class TempoSegment:
    beat: float
    time: float
    bpm: float


class TempoMap:
    """Beats -> seconds, piecewise constant tempo; each lookup is computed from the
    segment start, so no error builds up along the song."""

    def __init__(self, segments: Sequence[TempoSegment]) -> None:
        if not segments:
            raise ValueError("a tempo map needs at least one segment")
        self.segments = list(segments)
        self._beats = [s.beat for s in self.segments]

    @classmethod
    def from_marks(cls, marks: Sequence[LineMark]) -> TempoMap:
        """One segment per tempo change among the line marks of a timeline."""
        segments: list[TempoSegment] = []
        for mark in marks:
            if not segments or mark.bpm != segments[-1].bpm:
                segments.append(TempoSegment(mark.beat, mark.time, mark.bpm))
        return cls(segments)

    def time_at_beat(self, beat: float) -> float:
        i = max(0, bisect_right(self._beats, beat) - 1)
        seg = self.segments[i]
        return seg.time + (beat - seg.beat) * 60.0 / seg.bpm

    def bpm_at_beat(self, beat: float) -> float:
        return self.segments[max(0, bisect_right(self._beats, beat) - 1)].bpm


def pulse_times(
    tempo: TempoMap, start_beat: float, end_beat: float, ppqn: int = CLOCK_PPQN
) -> Iterator[tuple[int, float]]:
    """(pulse index, song time) of every clock pulse in [start_beat, end_beat): pulse k
    sits at beat k/ppqn exactly, its time taken from the tempo map afresh."""
    k = -(-round(start_beat * ppqn * 1_000_000) // 1_000_000)  # ceil, robust to 0.999999
    while k < end_beat * ppqn - 1e-9:
        yield k, tempo.time_at_beat(k / ppqn)
        k += 1
