"""Compiling and freeing in the gaps: work stops short of the next deadline."""

from __future__ import annotations

from tests.support.builders import build_song
from tracker.engine.timeline import compile_song
from tracker.instruments import cc_lane_for
from tracker.player.ahead import AHEAD, SLICE_MARGIN_NS, CompileJob, Leftovers, compile_steps

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
