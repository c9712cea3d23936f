"""The scheduler keeps time by construction: deadlines come from the tempo map
afresh, and the wait lands on them. All on a fake clock, so every figure is exact."""

from __future__ import annotations

import itertools
from fractions import Fraction

from tracker.engine.clock import (
    SPIN_NS,
    Anchor,
    FakeClock,
    TempoMap,
    TempoSegment,
    pulse_times,
    wait_until,
)
from tracker.engine.events import LineMark

# 64 bars of 120, 64 of 137.5, then 173 bpm: tempos whose beat lengths are not round in binary
SEGMENTS = [(0, Fraction(120)), (256, Fraction(275, 2)), (512, Fraction(173))]


def exact_time(beat: Fraction) -> Fraction:
    """Closed form: seconds at `beat`, in exact rational arithmetic."""
    time = Fraction(0)
    for i, (start, bpm) in enumerate(SEGMENTS):
        end = SEGMENTS[i + 1][0] if i + 1 < len(SEGMENTS) else None
        if beat <= start:
            break
        span = (beat if end is None or beat < end else end) - start
        time += span * 60 / bpm
    return time


def tempo_map() -> TempoMap:
    return TempoMap(
        [
            TempoSegment(float(beat), float(exact_time(Fraction(beat))), float(bpm))
            for beat, bpm in SEGMENTS
        ]
    )


def test_a_hundred_thousand_sixteenths_land_within_a_nanosecond_of_the_closed_form() -> None:
    tempo = tempo_map()
    anchor = Anchor(wall_ns=5_000_000_000, song_ns=0)
    worst = Fraction(0)
    for k in range(100_000):  # 25,000 beats: about three hours of sixteenths
        beat = Fraction(k, 4)
        expected = 5_000_000_000 + exact_time(beat) * 1_000_000_000
        worst = max(worst, abs(anchor.deadline_ns(tempo.time_at_beat(k / 4)) - expected))
    assert worst <= 1


def test_the_wait_sleeps_until_a_millisecond_before_then_spins_onto_the_deadline() -> None:
    clock = FakeClock(0, spin_step_ns=300, oversleep_ns=400_000)  # the OS wakes 0.4 ms late
    deadline = 50_000_000
    assert wait_until(deadline, clock)
    assert clock.sleeps == [deadline - SPIN_NS]
    arrived = clock.now_ns()
    assert deadline <= arrived <= deadline + 2 * 300
    assert clock.reads > 100  # it spun through the last 0.6 ms


def test_a_wait_with_a_sleep_budget_comes_back_early_to_poll_and_still_lands() -> None:
    clock = FakeClock(0, spin_step_ns=1000)
    deadline = 10_000_000
    rounds = 0
    while not wait_until(deadline, clock, max_sleep_ns=1_000_000):
        rounds += 1
    assert rounds == 8  # naps of 1 ms from 10 ms out until 2 ms remain, then the last nap and spin
    assert deadline <= clock.t <= deadline + 2000


def test_a_deadline_already_past_returns_at_once() -> None:
    clock = FakeClock(10_000)
    assert wait_until(5_000, clock)
    assert clock.sleeps == []


def test_a_live_tempo_change_keeps_what_came_before_and_rescales_what_follows() -> None:
    anchor = Anchor(wall_ns=1_000_000_000, song_ns=0)
    doubled = anchor.rescaled(wall_ns=anchor.deadline_ns(1.0), scale=0.5)
    assert doubled.deadline_ns(1.0) == anchor.deadline_ns(1.0)  # no jump at the change
    assert doubled.deadline_ns(1.0) == 2_000_000_000
    assert doubled.deadline_ns(3.0) == 2_000_000_000 + 1_000_000_000  # 2 s of song in 1 s
    assert doubled.song_ns_at(3_000_000_000) == 3_000_000_000


def test_clock_pulses_come_24_to_the_beat_and_follow_a_tempo_change() -> None:
    marks = [
        LineMark(
            time=i * 0.125, beat=i / 4, tick=i * 6, order=0, pattern="00", line=i, bpm=120.0, lpb=4
        )
        for i in range(8)
    ] + [
        LineMark(
            time=1.0 + i * 0.0625,
            beat=2 + i / 4,
            tick=48 + i * 6,
            order=0,
            pattern="00",
            line=8 + i,
            bpm=240.0,
            lpb=4,
        )
        for i in range(8)
    ]
    pulses = list(pulse_times(TempoMap.from_marks(marks), 0.0, 4.0))
    assert [k for k, _ in pulses] == list(range(96))
    gaps = [b - a for (_, a), (_, b) in itertools.pairwise(pulses)]
    assert all(abs(g - 0.5 / 24) < 1e-12 for g in gaps[:48])  # 120 bpm
    assert all(abs(g - 0.25 / 24) < 1e-12 for g in gaps[48:])  # 240 bpm from beat 2
    assert pulses[48][1] == 1.0


def test_pulses_from_the_middle_start_on_the_next_grid_point() -> None:
    tempo = TempoMap([TempoSegment(0.0, 0.0, 120.0)])
    first = next(pulse_times(tempo, 1.01, 4.0))
    assert first[0] == 25
