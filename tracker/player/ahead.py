"""Compiling while playing, a little at a time, in the gaps between deadlines.

An edit while playing needs the song compiled again from a coming line, a looped
range its start, a cue its pattern. A dense song takes tens of milliseconds to
compile (engine/timeline.py), longer than the gaps between its events: in one go,
at a deadline or in a gap too short, it would make notes late. So the compile runs
as steps (compile_in_steps: a line, a pattern, a slice of the sort each), and the
player takes steps only while the next deadline is more than SLICE_MARGIN_NS away.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, Literal

from tracker.engine.events import Timeline
from tracker.engine.timeline import compile_in_steps
from tracker.instruments import cc_lane_for
from tracker.song.model import Song

SLICE_MARGIN_NS = 700_000
"""Steps stop this long before the next deadline (one step takes well under 0.3 ms,
and the wait spins its last millisecond)."""
STARVED_NS = 1_000_000_000
"""A compile that found no gap for this long (a song dense beyond any gap) is
finished at once, late notes or not: the edit must land. A compile that does get
gaps goes on in them however long it takes: a 64-track, 200-pattern song takes
2.3 s of steps, and finishing the rest at once after a second of them held every
note 1.2-1.5 s (measured, an edit every 2 s while it played)."""

RangeKey = tuple[int, int, int | None, int]
"""(start order, start line, end order, repeat): what a timeline was compiled for.
`repeat` counts the loops of the range played before (a song whose notes vary by
pass, engine/variation.py, plays each loop as new passes; for any other it is 0)."""


Steps = Generator[Timeline | None, None, None]
"""A compile in steps: None after each step, then the timeline."""


@contextmanager
def built_out_of_sight() -> Iterator[None]:
    """The garbage collector off while the player builds something big (a timeline,
    a list of a million events), and all of it frozen out of the collector's walks
    before it comes back on, however the building ends (done, cancelled, refused).
    A collection that walked a fresh timeline stalled the player 5-10 ms on a dense
    song, 28-60 ms on a 64-track, 200-pattern one (measured); back on before the
    freeze, the first collection walked it all. Frozen objects are still freed by
    reference counting when dropped: events hold no cycles."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def compile_steps(
    song: Song, key: RangeKey, abandoned: Callable[[list[Any]], None] | None = None
) -> Steps:
    """The player's compile of a range, in steps, built out of the collector's sight.
    Cancelled, it hands what it built to `abandoned` (Leftovers.keep) to be freed in
    the gaps."""
    order, line, end, repeat = key
    with built_out_of_sight():
        timeline = yield from compile_in_steps(
            song,
            start_order=order,
            start_line=line,
            end_order=end,
            cc_resolver=cc_lane_for,
            repeat=repeat,
            abandoned=abandoned,
        )
    yield timeline


class CpuShare:
    """How much of the player's time compile steps may take: at most SHARE of it,
    saved up to BURST_NS. The player runs SCHED_FIFO, and Linux lets realtime work
    take only 95 % of each second (sched_rt_runtime_us): a big song's compile taking
    every gap for seconds got the whole player stopped for 50 ms at a time
    (measured: "RT throttling activated", steps of 51 ms that take 0.5)."""

    SHARE = 0.75
    BURST_NS = 20_000_000

    def __init__(self) -> None:
        self.tokens = float(self.BURST_NS)
        self.at: int | None = None

    def left(self, now: int) -> float:
        """Nanoseconds of steps allowed from `now` on."""
        if self.at is not None:
            self.tokens = min(float(self.BURST_NS), self.tokens + (now - self.at) * self.SHARE)
        self.at = now
        return self.tokens

    def spend(self, ns: int) -> None:
        self.tokens -= ns


Purpose = Literal["edit", "ahead", "ahead of edit"]
"""What a compile job is for (CompileJob)."""
EDIT: Final = "edit"
AHEAD: Final = "ahead"
AHEAD_OF_EDIT: Final = "ahead of edit"


@dataclass
class CompileJob:
    """One compile under way: `purpose` EDIT, the pending edit (landing at the line
    `key` starts from); AHEAD, a range the playing song will need (the loop's start,
    a cue); AHEAD_OF_EDIT, the same for the pending edit's song, ready for after it
    lands."""

    key: RangeKey
    purpose: Purpose
    started_ns: int
    steps: Steps
    stepped_ns: int | None = None
    """When it last took a step (None: not yet; then `started_ns` counts)."""

    def run(
        self, now_ns: Callable[[], int], deadline: int | None, share: CpuShare | None = None
    ) -> Timeline | None:
        """Take steps while the deadline is far enough and `share` allows (all of them
        with no deadline, or once starved of gaps for STARVED_NS); the timeline once
        done."""
        now = now_ns()
        last = self.started_ns if self.stepped_ns is None else self.stepped_ns
        if deadline is None or now - last > STARVED_NS:
            deadline, share = None, None  # no limit
        elif deadline - now < SLICE_MARGIN_NS:
            return None
        allowed = share.left(now) if share is not None else None
        if allowed is not None and allowed <= 0:
            return None
        began = now
        for timeline in self.steps:  # a for loop: next() per step costs more (timeline.py)
            now = now_ns()
            if timeline is not None:
                if share is not None:
                    share.spend(now - began)
                return timeline
            near = deadline is not None and deadline - now < SLICE_MARGIN_NS
            if near or (allowed is not None and now - began >= allowed):
                self.stepped_ns = now
                if share is not None:
                    share.spend(now - began)
                return None
        raise AssertionError("a compile's steps end with its timeline")

    def finish(self) -> Timeline:
        """All the remaining steps, now."""
        timeline = self.run(lambda: 0, None)
        assert timeline is not None
        return timeline

    def cancel(self) -> None:
        self.steps.close()


class Leftovers:
    """The timelines an edit replaced, and what cancelled compiles had built, freed
    a slice at a time in the gaps: dropping a dense song's timelines at once (tens of
    thousands of events) took the swap 3-4 ms (measured)."""

    SLICE = 2048

    def __init__(self) -> None:
        self._lists: list[list[Any]] = []
        self._timelines: list[Timeline] = []

    def __bool__(self) -> bool:
        return bool(self._lists)

    def keep(self, items: list[Any]) -> None:
        """A list a cancelled compile built (compile_steps' `abandoned`; frozen with
        the rest of what it built as the compile ends)."""
        if items:
            self._lists.append(items)

    def add(self, timelines: Iterable[Timeline | None]) -> None:
        for timeline in timelines:
            if timeline is not None and all(t is not timeline for t in self._timelines):
                self._timelines.append(timeline)
                self._lists += [timeline.events, timeline.lines]

    def release(self, now_ns: Callable[[], int], deadline: int | None) -> None:
        """Free slices while the deadline is far enough (everything with none). The
        lists are emptied in place: nothing plays from these timelines any more."""
        while self._lists:
            if deadline is not None and deadline - now_ns() < SLICE_MARGIN_NS:
                return
            last = self._lists[-1]
            del last[-self.SLICE :]
            if not last:
                self._lists.pop()
        self._timelines.clear()
