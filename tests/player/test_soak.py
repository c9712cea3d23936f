"""The short soak: twenty seconds of dense music at 999 bpm into a real JACK port while
edits and transport changes arrive every few tens of milliseconds (bench/bench_soak.py
runs the same for minutes and reports the figures).

It must end with no stuck note, CC 123 on every channel that played, nothing sent
after the player left, the beat grid kept (no drift), and the player's memory flat.
"""

from __future__ import annotations

import math

import pytest

from bench.bench_soak import STEADY_SHARE, soak
from bench.soak_measure import channels_without_all_notes_off, note_keys, stuck_notes
from bench.soak_music import BPM, LPB
from tests.support.jack import Receiver

pytestmark = pytest.mark.jack

SECONDS = 20.0


def test_the_note_count_sees_a_missing_note_off_and_a_stacked_note_on() -> None:
    """The yardstick first: each way a note can be left on is seen, and only those."""
    c_on, c_off, e_on = bytes((0x90, 60, 100)), bytes((0x80, 60, 0)), bytes((0x91, 64, 90))
    e_off_as_zero_velocity = bytes((0x91, 64, 0))
    assert note_keys([c_on, c_off, e_on, e_off_as_zero_velocity]) == (set(), 0)
    assert note_keys([c_off, c_on]) == ({(0, 60)}, 0)  # an off before the on ends nothing
    assert note_keys([c_on, c_on, c_off]) == (set(), 1)  # stacked, then ended
    assert stuck_notes([c_on, bytes((0x90, 61, 100)), c_off]) == {(0, 61)}
    all_off = bytes((0xB0, 123, 0))
    assert channels_without_all_notes_off([all_off, c_on]) == {0}
    assert channels_without_all_notes_off([c_on, e_on, all_off]) == {1}


def test_a_long_busy_session_leaves_nothing_stuck_and_keeps_time(receiver: Receiver) -> None:
    result = soak(receiver, SECONDS)

    assert not [e for e in result.errors if "player stopped" in e], result.errors
    assert result.commands > 100 and result.edits > 40  # the chaos really happened
    assert not result.stuck, result.stuck
    assert not channels_without_all_notes_off(result.received)
    assert result.after_exit == 0
    assert result.dropped == 0

    # Drift. The steady phase plays one metronome note per line: nearly all of them
    # arrive, and the last ones sit on the same grid as the first. JACK delivers on
    # 1.33 ms periods and the fit uses medians, so 2 ms is well clear of that noise,
    # while a wrong tempo (a live tempo left over from the chaos) would be off by
    # tens of milliseconds within a second.
    steady_lines = SECONDS * STEADY_SHARE * BPM * LPB / 60
    assert result.steady_lines > 0.8 * steady_lines
    assert math.isfinite(result.grid_drift_ms)
    assert abs(result.grid_drift_ms) < 2.0
    # And by the player's own clock: its last sends are as punctual as a send can be
    # on a shared machine (a drifting deadline would make them ever later).
    assert result.tail_lateness_ms < 2.0

    # Memory. What the player may keep growing: its lateness samples, 8 bytes a send
    # (capped), and a few compiled timelines; anything else, allow 8 MiB of allocator
    # slack over a run that sends tens of thousands of messages.
    growth_kib = max(result.rss_kib) - result.rss_kib[0]
    assert growth_kib * 1024 < 8 * result.sent + 8 * 1024 * 1024, result.rss_kib
