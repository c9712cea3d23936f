"""Compiling and freeing in the gaps: work stops short of the next deadline."""

from __future__ import annotations

from tests.support.builders import build_song
from tracker.engine.timeline import compile_song
from tracker.instruments import cc_lane_for
from tracker.player.ahead import (
    AHEAD,
    SLICE_MARGIN_NS,
    STARVED_NS,
    CompileJob,
    CpuShare,
    Leftovers,
    compile_steps,
)

SONG = build_song("\n".join(["C-4 01 64 ...", "E-4 01 50 ..."] * 32))


class SteppingClock:
    """Each look at it moves time on by `step_ns`: a stand-in for work being done."""

    def __init__(self, step_ns: int) -> None:
        self.t = 0
        self.step_ns = step_ns

    def now_ns(self) -> int:
        self.t += self.step_ns
        return self.t


def test_a_compile_job_stops_short_of_the_deadline_and_resumes_to_the_same_timeline() -> None:
    clock = SteppingClock(50_000)
    job = CompileJob((0, 0, None, 0), AHEAD, 0, compile_steps(SONG, (0, 0, None, 0)))
    deadline = 2_000_000
    assert job.run(clock.now_ns, deadline) is None  # far from done: 64 lines
    assert deadline - clock.t < SLICE_MARGIN_NS + clock.step_ns  # used the room it had
    assert deadline - clock.t >= SLICE_MARGIN_NS - clock.step_ns
    timeline = job.run(clock.now_ns, None)
    assert timeline == compile_song(SONG, cc_resolver=cc_lane_for)


def test_a_long_compile_that_gets_gaps_goes_on_in_them_and_only_a_starved_one_ends_at_once() -> (
    None
):
    # A big song's compile takes seconds of steps: ended at once after a second of
    # them, it held every note over a second.
    song = build_song("\n".join(["C-4 01 64 ...", "E-4 01 50 ..."] * 256))
    clock = SteppingClock(50_000)
    key = (0, 0, None, 0)
    job = CompileJob(key, AHEAD, 0, compile_steps(song, key))
    room = 2_000_000
    assert job.run(clock.now_ns, clock.t + room) is None
    clock.t += 2 * STARVED_NS // 3
    assert job.run(clock.now_ns, clock.t + room) is None
    clock.t += 2 * STARVED_NS // 3  # longer than STARVED_NS since it began, not since it stepped
    assert job.run(clock.now_ns, clock.t + room) is None
    clock.t += STARVED_NS + 1  # no gap at all for that long: the edit must land
    assert job.run(clock.now_ns, clock.t + 1) == compile_song(song, cc_resolver=cc_lane_for)


def test_a_compile_takes_no_more_than_its_share_of_the_players_time() -> None:
    # Realtime work over 95 % of a second gets the player stopped for 50 ms.
    song = build_song("\n".join(["C-4 01 64 ...", "E-4 01 50 ..."] * 2048))
    share = CpuShare()
    clock = SteppingClock(100_000)  # each look at the clock: a 0.1 ms step
    key = (0, 0, None, 0)
    job = CompileJob(key, AHEAD, 0, compile_steps(song, key))
    worked = 0
    for _ in range(2000):  # gaps of 100 ms each time: only the share holds it back
        before = clock.t
        done = job.run(clock.now_ns, clock.t + 100_000_000, share)
        worked += clock.t - before
        if done is not None:
            break
        clock.t += 1_000_000  # the loop's other work
    assert done is not None
    # Three quarters of the time, and a little more where this clock charges each look
    # at it as a step: well under the 95 % realtime work may take.
    assert CpuShare.SHARE * 0.9 * clock.t <= worked <= (CpuShare.SHARE + 0.1) * clock.t


def test_a_cancelled_compile_leaves_what_it_built_to_be_freed_a_slice_at_a_time() -> None:
    song = build_song("\n".join(["C-4 01 64 ..."] * 4096))
    leftovers = Leftovers()
    steps = compile_steps(song, (0, 0, None, 0), leftovers.keep)
    for _ in range(3000):  # most of the lines played, not yet sorted
        next(steps)
    steps.close()  # a newer edit came
    assert leftovers
    kept = list(leftovers._lists)
    assert sum(len(items) for items in kept) > 3 * Leftovers.SLICE
    leftovers.release(SteppingClock(0).now_ns, deadline=SLICE_MARGIN_NS - 1)  # no room
    assert sum(len(items) for items in kept) > 3 * Leftovers.SLICE
    leftovers.release(SteppingClock(0).now_ns, deadline=None)
    assert not leftovers and all(items == [] for items in kept)


def test_leftovers_are_freed_a_slice_at_a_time_and_all_with_no_deadline() -> None:
    timeline = compile_song(build_song("\n".join(["C-4 01 64 ..."] * 4096)))
    events = timeline.events
    count = len(events)
    assert count > 3 * Leftovers.SLICE
    leftovers = Leftovers()
    leftovers.add([timeline, timeline, None])
    clock = SteppingClock(0)
    leftovers.release(clock.now_ns, deadline=SLICE_MARGIN_NS - 1)  # no room: nothing freed
    assert len(events) == count and leftovers
    leftovers.release(clock.now_ns, deadline=None)
    assert events == [] and timeline.lines == [] and not leftovers
