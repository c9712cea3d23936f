"""MIDI clock: out (24 pulses per beat from the same tempo map as the notes) and
follow in (tempo estimated from incoming pulses by a moving linear fit).

Pure: clock out yields (song time, bytes) for the player to schedule; the follower
is fed (arrival ns, bytes) and reports tempo and transport. No ports here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from tracker.engine.clock import CLOCK_PPQN, TempoMap, pulse_times
from tracker.midi.encode import (
    CLOCK,
    CLOCK_STATUS,
    CONTINUE,
    CONTINUE_STATUS,
    SONG_POSITION,
    START,
    START_STATUS,
    STOP_STATUS,
    song_position,
)

PULSES_PER_SIXTEENTH = CLOCK_PPQN // 4
"""Song Position Pointer counts MIDI beats: sixteenth notes, 6 clocks each."""
ClockIntro = Literal["auto", "start", "continue", "none"]
"""How clock out begins (see clock_out)."""
ClockEvent = Literal["start", "stop", "continue"]
"""A transport message a clock master sent."""
GAP_NS = 250_000_000
"""A pause between pulses longer than this (10 bpm) restarts the tempo estimate."""


def clock_out(
    tempo: TempoMap,
    start_beat: float,
    end_beat: float,
    *,
    intro: ClockIntro = "auto",
    position_beat: float | None = None,
) -> Iterator[tuple[float, bytes]]:
    """Every clock-out message from `start_beat` to `end_beat`, as (song time, bytes).

    `intro` "start": Start, then the first clock at the same instant, right after it.
    "continue": Song Position Pointer (the sixteenth at or before `start_beat`) and
    Continue, then the clocks. "auto" picks start at beat 0, continue elsewhere;
    "none" gives bare clocks (a loop wrapping round keeps the pulse train going).
    `position_beat` is where this is in the whole song, for the pointer, when the
    tempo map covers only part of it (playing from the middle compiles from there).
    """
    where = start_beat if position_beat is None else position_beat
    if intro == "auto":
        intro = "continue" if where > 1e-9 else "start"
    start_time = tempo.time_at_beat(start_beat)
    if intro == "continue":
        yield start_time, song_position(int(where * 4 + 1e-9))
        yield start_time, CONTINUE
    elif intro == "start":
        yield start_time, START
    for _, when in pulse_times(tempo, start_beat, end_beat):
        yield when, CLOCK


@dataclass(frozen=True)
class FollowState:
    running: bool
    bpm: float | None
    """Smoothed tempo, None until enough pulses arrived."""
    pulses: int
    """Pulses since Start (or since the Song Position Pointer)."""


class ClockFollower:
    """Follows an outside MIDI clock.

    Tempo: a least-squares line through the last `window` pulse arrival times (pulse
    index against time) is robust to per-pulse jitter, which a single interval is not;
    the slope gives nanoseconds per pulse.
    """

    def __init__(self, window: int = 96, min_pulses: int = 12) -> None:
        self.window = window
        self.min_pulses = min_pulses
        self._times: deque[int] = deque(maxlen=window)
        self._index = 0
        self.running = False
        self.pulses = 0
        self.events: list[ClockEvent] = []
        """Transport messages seen since last read: "start", "stop", "continue"."""

    def feed(self, arrival_ns: int, message: bytes) -> None:
        status = message[0] if message else 0
        if status == CLOCK_STATUS:
            if self._times and arrival_ns - self._times[-1] > GAP_NS:
                self._times.clear()  # the clock paused: old pulses would bend the fit
            self._times.append(arrival_ns)
            self._index += 1
            if self.running:
                self.pulses += 1
        elif status == START_STATUS:
            self.running = True
            self.pulses = 0
            self.events.append("start")
        elif status == CONTINUE_STATUS:
            self.running = True
            self.events.append("continue")
        elif status == STOP_STATUS:
            self.running = False
            self.events.append("stop")
        elif status == SONG_POSITION and len(message) >= 3:
            self.pulses = (message[1] | (message[2] << 7)) * PULSES_PER_SIXTEENTH

    def take_events(self) -> list[ClockEvent]:
        events, self.events = self.events, []
        return events

    def bpm(self) -> float | None:
        n = len(self._times)
        if n < self.min_pulses:
            return None
        t0 = self._times[0]
        xs = range(n)
        ys = [t - t0 for t in self._times]
        mean_x = (n - 1) / 2
        mean_y = sum(ys) / n
        sxx = sum((x - mean_x) ** 2 for x in xs)
        sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
        ns_per_pulse = sxy / sxx
        if ns_per_pulse <= 0:
            return None
        return 60e9 / (ns_per_pulse * CLOCK_PPQN)

    def state(self) -> FollowState:
        return FollowState(self.running, self.bpm(), self.pulses)

    @property
    def beat(self) -> float:
        """Where the outside transport is, in beats."""
        return self.pulses / CLOCK_PPQN
