"""Edits while playing and compiling ahead: an edited song waits, compiled in the
gaps (ahead.py) from a line far enough ahead, and swaps in at that line; a loop's
start and a cued entry are compiled before they are needed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Generator
from dataclasses import dataclass, replace
from operator import attrgetter

from tracker.engine.clock import NS_PER_S
from tracker.engine.events import Event, LineMark, Timeline
from tracker.engine.routing import audible_tracks
from tracker.player.ahead import (
    AHEAD,
    AHEAD_OF_EDIT,
    EDIT,
    CompileJob,
    Purpose,
    RangeKey,
    Steps,
    built_out_of_sight,
    compile_steps,
)
from tracker.player.inputs import Inputs
from tracker.player.protocol import Play, SongChanges
from tracker.player.sends import PREFETCH_ITEMS
from tracker.player.stream import Prefetched, compile_range
from tracker.song.model import Song
from tracker.steps import run_to_end

LANDING_LEAD_MIN_NS = 5_000_000
WRAP_GAP_NS = 2_000_000
"""The least gap before the next deadline in which a loop's next pass is made ready."""


HELD_OFFS_CHUNK = 16_384
"""Events copied per step when an edit's held notes get their offs (held_offs_in_steps)."""


def with_held_offs(timeline: Timeline) -> Timeline:
    """The timeline with the note-offs of the notes it found held at its start: for
    an edit swapped in mid-note, whose held notes ring on until the song ends them."""
    return run_to_end(held_offs_in_steps(timeline))


def held_offs_in_steps(
    timeline: Timeline, chunk: int = HELD_OFFS_CHUNK
) -> Generator[None, None, Timeline]:
    """`with_held_offs` a chunk of events at a time. Each off goes after the events of
    its instant, as an insort puts it; the events are copied around them once, and
    copying a 64-track song's 960,000 events takes 20-40 ms (each reference counted,
    each event's memory touched): too long at once between two deadlines."""
    key = attrgetter("sort_key")
    events = timeline.events
    merged: list[Event] = []
    start = 0
    with built_out_of_sight():  # young, a million references: every collection walked it
        for off in sorted(timeline.held_offs, key=key):
            at = bisect_right(events, off.sort_key, lo=start, key=key)
            yield from _copied(events, start, at, merged, chunk)
            merged.append(off)
            start = at
        yield from _copied(events, start, len(events), merged, chunk)
    return replace(timeline, events=merged, held_offs=[])


def _copied(
    events: list[Event], start: int, end: int, into: list[Event], chunk: int
) -> Generator[None, None, None]:
    for at in range(start, end, chunk):
        into += events[at : min(at + chunk, end)]
        yield


def muted_tracks(song: Song) -> set[int]:
    return set(range(len(song.tracks))) - audible_tracks(song)


@dataclass
class SwapReady:
    """A compiled edit made ready to swap in (Transport.ready_to_swap)."""

    compiled: Timeline
    kept: bool
    """Notes held at its line ring on: `timeline` has their offs."""
    timeline: Timeline
    stream: Prefetched


class Edits(Inputs):
    def song_changes(self, changes: SongChanges) -> bool:
        """Apply changes to the song last received; False when they do not fit it."""
        song = changes.applied_to(self.received)
        if song is not None:
            self.update_song(song)
        return song is not None

    def update_song(self, song: Song) -> None:
        self.received = song
        muted = muted_tracks(song)
        for track in muted - self.muted:
            self.flush(track)
        self.muted = muted
        self.keep_at_swap = True
        if self.needs_route(song):
            self.wiring.route(song, self.song_dir)  # fonts load now, not at the swap's deadline
            self.previews.forget()
            self.keep_at_swap = False  # held notes' offs would go to the new routes
        if self.playing and self.song is not None:
            # Compiled later, in a gap between events (prepare_ahead), and swapped in at
            # the line it was compiled for: a compile now could make the next notes late.
            self.pending_song = song
            self.pending_cache = {}
            self.pending_line = None
            self.swap_ready = None
            self.drop_job()
        else:
            self.song = song
            self.cache = {}

    def needs_route(self, song: Song) -> bool:
        """An edit that changes where instruments play; or, stopped, the first song we
        hear of (previews need its routes before any Play)."""
        if self.song is None:
            return not self.playing
        return (song.instruments, song.soundfont) != (self.song.instruments, self.song.soundfont)

    def compiled(self, order: int, line: int) -> Timeline:
        """The song compiled from (order, line), cached until the song changes, so a
        loop wrap or a cue does not compile at its deadline."""
        assert self.song is not None
        key = (order, line, self.range.end_order, self.repeat(self.song))
        stale = [k for k in self.cache if k[3] < key[3]]
        if stale:  # earlier loops of a song that varies by pass: never played again
            self.leftovers.add([self.cache.pop(k) for k in stale])
        if key not in self.cache:
            job = self.job
            if job is not None and job.purpose == AHEAD and job.key == key:
                self.job = None
                self.cache[key] = job.finish()  # begun ahead, not done yet: the rest now
            else:
                self.cache[key] = compile_range(self.song, *key)
        return self.cache[key]

    def prepare_ahead(self, now: int) -> None:
        """Compile, a step at a time in the gaps (ahead.py), what a coming line
        will need: a pending edit (from a line far enough ahead, where it then lands),
        else the loop's start or the cued entry; free what the last edit replaced."""
        if self.leftovers:
            self.leftovers.release(self.clock.now_ns, self.next_deadline())
        if self.job is None:
            self.job = self.next_job(now)
            if self.job is None:
                self.prepare_wrap(now)
                return
        job = self.job
        timeline = job.run(self.clock.now_ns, self.next_deadline(), self.compile_share)
        if timeline is None:
            return
        self.job = None
        done = self.clock.now_ns()
        self.compile_ns_per_event = (done - job.started_ns) / max(1, len(timeline.events))
        if job.purpose == AHEAD:
            self.cache[job.key] = timeline
        elif job.purpose == AHEAD_OF_EDIT:
            self.pending_cache[job.key] = timeline
        else:  # the edit, its held notes' offs added when they ring on (edit_steps)
            self.pending_line = job.key[:2]
            self.swap_ready = self.ready_to_swap(self.pending_cache[job.key], merged=timeline)

    def prepare_wrap(self, now: int) -> None:
        """The loop's next pass made ready in a gap, as an edit's swap is: at the wrap
        its first notes are due at once (the range's end leads by what the ports lead,
        stream.py), so building its stream there would make them late."""
        song, loop = self.song, self.range
        if self.swap_ready is not None or self.pending_song is not None or song is None:
            return
        if not loop.loop or self.cue is not None:
            return
        deadline = self.next_deadline()
        if deadline is None or deadline - now < WRAP_GAP_NS:
            return
        key = (loop.start_order, loop.start_line, loop.end_order, self.repeat(song, 1))
        compiled = self.cache.get(key)
        if compiled is not None:
            self.swap_ready = self.ready_to_swap(compiled, keep=False)

    def ready_to_swap(
        self, compiled: Timeline, keep: bool | None = None, merged: Timeline | None = None
    ) -> SwapReady:
        """What the swap to a compiled edit needs, made now, in a gap, not at the
        swap's deadline: the held notes' offs added (`merged`: added already), the
        stream built and primed. `keep`: whether held notes ring on (an edit's own
        rule when not given)."""
        keep = self.keep_at_swap if keep is None else keep
        kept = keep and bool(compiled.held)
        timeline = compiled
        if kept:
            timeline = (
                merged
                if merged is not None and merged is not compiled
                else with_held_offs(compiled)
            )
        start = timeline.lines[0].time if timeline.lines else 0.0
        stream = self.make_stream(timeline, start, None, None)
        stream.prefetch(PREFETCH_ITEMS)
        return SwapReady(compiled, kept, timeline, stream)

    def next_job(self, now: int) -> CompileJob | None:
        if self.pending_song is not None:
            if self.pending_line is None:
                mark = self.landing_mark(now)
                if mark is None:
                    return None
                key = (mark.order, mark.line, self.range.end_order, self.repeat(self.pending_song))
                return CompileJob(key, EDIT, now, self.edit_steps(self.pending_song, key))
            # Compiled, waiting for its line: what the edited song needs after it lands.
            return self.range_job(self.pending_song, self.pending_cache, AHEAD_OF_EDIT, now)
        if not self.playing or self.song is None:
            return None
        return self.range_job(self.song, self.cache, AHEAD, now)

    def edit_steps(self, song: Song, key: RangeKey) -> Steps:
        """The edit compiled, kept in `pending_cache`, and, when its held notes will
        ring on, their offs added: in steps, both."""
        compiled: Timeline | None = None
        steps = compile_steps(song, key, self.leftovers.keep)
        try:
            for compiled in steps:
                if compiled is None:
                    yield None
        finally:
            steps.close()  # cancelled: now, so it hands on what it built and the collector is back on
        assert compiled is not None, "a compile's steps end with its timeline"
        self.pending_cache[key] = compiled
        if self.keep_at_swap and compiled.held:
            yield (yield from held_offs_in_steps(compiled))
        else:
            yield compiled

    def range_job(
        self, song: Song, cache: dict[RangeKey, Timeline], purpose: Purpose, now: int
    ) -> CompileJob | None:
        """A compile of the loop's start or the cued entry, when `cache` lacks it."""
        wanted: list[RangeKey] = []
        if self.cue is not None:
            wanted.append((self.cue, 0, self.range_after_cue(self.cue).end_order, 0))
        if self.range.loop:
            r = self.range
            wanted.append((r.start_order, r.start_line, r.end_order, self.repeat(song, 1)))
        needed = next((k for k in wanted if k not in cache), None)
        if needed is None:
            return None
        return CompileJob(needed, purpose, now, compile_steps(song, needed, self.leftovers.keep))

    def repeat(self, song: Song, more: int = 0) -> int:
        """The loops played before, for a compile's RangeKey: 0 for a song whose notes
        are the same on every pass (its playing timeline says so), so its compiles are
        shared by every loop. Asking the timeline, not the song: a look through every
        cell would take milliseconds the timing loop does not have."""
        timeline = self.timeline
        if song is self.song and timeline is not None and not timeline.varies:
            return 0
        return self.loops + more

    def range_after_cue(self, order: int) -> Play:
        """What plays once the cued entry starts: a looped pattern or range moves its
        loop there."""
        r = self.range
        if r.loop and r.end_order is not None:
            span = r.end_order - r.start_order
            return replace(r, start_order=order, start_line=0, end_order=order + span)
        return r

    def landing_mark(self, now: int) -> LineMark | None:
        """Where an edit will land: the first line far enough ahead for its compile,
        going by how long the last one took."""
        if self.timeline is None or not self.playing:
            return None
        expected = self.compile_ns_per_event * len(self.timeline.events)
        lead = max(LANDING_LEAD_MIN_NS, round(2 * expected))
        soon = self.anchor.song_ns_at(now + lead) / NS_PER_S
        return next((m for m in self.timeline.lines if m.time >= soon), None)

    def drop_job(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None

    def edit_lands_at(self, mark: LineMark) -> bool:
        """True at the line the pending edit was compiled for. A compile that is
        still running when its line comes has missed it: it starts again, for a
        line further ahead (the estimate doubled)."""
        here = (mark.order, mark.line)
        job = self.job
        if job is not None and job.purpose == EDIT and job.key[:2] == here:
            self.drop_job()
            self.compile_ns_per_event *= 2
        return self.pending_line == here
