"""MIDI clock out and clock follow, the pure halves (the ports are exercised in
tests/player/test_playback_clock.py)."""

from __future__ import annotations

import itertools
import random

from tracker.engine.clock import TempoMap, TempoSegment
from tracker.midi.encode import CLOCK, CONTINUE, START, song_position
from tracker.midi.sync import ClockFollower, clock_out

STEADY_120 = TempoMap([TempoSegment(0.0, 0.0, 120.0)])


def test_from_the_top_start_comes_first_then_the_first_clock_at_the_same_instant() -> None:
    messages = list(clock_out(STEADY_120, 0.0, 4.0))
    assert messages[0] == (0.0, START)
    assert messages[1] == (0.0, CLOCK)
    clocks = [t for t, m in messages if m == CLOCK]
    assert len(clocks) == 4 * 24
    assert all(abs((b - a) - 0.5 / 24) < 1e-12 for a, b in itertools.pairwise(clocks))


def test_from_the_middle_song_position_and_continue_precede_the_clocks() -> None:
    # beat 2.5 = the 10th sixteenth: SPP counts sixteenths, 7 bits at a time, LSB first
    messages = list(clock_out(STEADY_120, 2.5, 3.0))
    assert messages[0] == (1.25, bytes((0xF2, 10, 0)))
    assert messages[1] == (1.25, CONTINUE)
    assert messages[2] == (1.25, CLOCK)
    assert len(messages) == 2 + 12


def test_song_position_splits_fourteen_bits() -> None:
    assert song_position(300) == bytes((0xF2, 300 & 0x7F, 300 >> 7))
    assert song_position(0x3FFF + 5) == bytes((0xF2, 0x7F, 0x7F))


def test_a_loop_wrapping_round_keeps_bare_clocks() -> None:
    messages = list(clock_out(STEADY_120, 0.0, 1.0, intro="none"))
    assert {m for _, m in messages} == {CLOCK}


def jittered_clock(bpm: float, pulses: int, jitter_ns: int, seed: int = 7) -> list[int]:
    """Arrival times of a clock at `bpm` with each pulse off by up to +-jitter (a USB
    interface and a busy OS), never accumulated: the master keeps time, the wire jitters."""
    rng = random.Random(seed)
    period = 60e9 / bpm / 24
    return [round(k * period) + rng.randint(-jitter_ns, jitter_ns) for k in range(pulses)]


def test_follow_estimates_120_bpm_from_a_jittered_clock_within_half_a_bpm() -> None:
    follower = ClockFollower()
    follower.feed(0, START)
    for arrival in jittered_clock(120.0, 24 * 8, jitter_ns=1_500_000):
        follower.feed(10_000_000 + arrival, CLOCK)
    bpm = follower.bpm()
    assert bpm is not None
    assert abs(bpm - 120.0) < 0.5
    assert follower.running
    assert follower.beat == 8.0


def test_one_interval_alone_would_be_far_off() -> None:
    """Why the fit: the same jitter makes single pulse intervals swing by many bpm."""
    arrivals = jittered_clock(120.0, 48, jitter_ns=1_500_000)
    naive = [60e9 / ((b - a) * 24) for a, b in itertools.pairwise(arrivals)]
    assert max(abs(b - 120.0) for b in naive) > 10


def test_follow_tracks_a_tempo_change_once_the_window_has_passed() -> None:
    follower = ClockFollower(window=48)
    first = jittered_clock(100.0, 96, jitter_ns=500_000)
    for arrival in first:
        follower.feed(arrival, CLOCK)
    assert abs((follower.bpm() or 0) - 100.0) < 0.5
    offset = first[-1] + round(60e9 / 100.0 / 24)
    for arrival in jittered_clock(150.0, 96, jitter_ns=500_000, seed=3):
        follower.feed(offset + arrival, CLOCK)
    assert abs((follower.bpm() or 0) - 150.0) < 0.5


def test_follow_reports_start_stop_continue_and_song_position() -> None:
    follower = ClockFollower()
    follower.feed(0, START)
    for k in range(30):
        follower.feed(k * 20_833_333, CLOCK)
    follower.feed(700_000_000, b"\xfc")
    assert not follower.running
    follower.feed(800_000_000, song_position(16))  # bar 2
    follower.feed(800_000_001, CONTINUE)
    assert follower.take_events() == ["start", "stop", "continue"]
    assert follower.running
    assert follower.beat == 4.0
    assert follower.take_events() == []


def test_a_pause_in_the_pulses_restarts_the_estimate() -> None:
    follower = ClockFollower(min_pulses=12)
    for k in range(48):
        follower.feed(k * 20_833_333, CLOCK)
    follower.feed(48 * 20_833_333 + 2_000_000_000, CLOCK)  # two seconds of silence
    assert follower.bpm() is None  # one pulse is not a tempo
