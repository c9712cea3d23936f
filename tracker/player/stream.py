"""What the player sends, in order: a timeline turned into a lazy stream of
line marks, MIDI bytes and clock pulses, merged by time (shifted by each port's
latency). Bytes are made one item ahead of the send, never at the deadline.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from tracker.engine.clock import TempoMap
from tracker.engine.events import Event, Kind, LineMark, Timeline
from tracker.engine.timeline import beat_of_line, compile_song
from tracker.instruments import cc_lane_for
from tracker.midi import sync
from tracker.midi.encode import event_messages
from tracker.midi.wide import RunningValues
from tracker.player.ahead import built_out_of_sight
from tracker.song.model import Song

PRIO_MARK, PRIO_CLOCK, PRIO_EVENT, PRIO_END = 0, 1, 2, 3
"""At one instant: the line mark first (edits swap the stream there), then clock,
then the song's events, then the end of the range."""
EPS = 1e-9
DEFAULT_PORT = "out"
CLOCK_PORT = "clock"
SYNTH_PORT = "synth"
"""Not a MIDI port: the live soundfont synth, which takes timeline events, not bytes."""
TURN_PORT = ""
"""Not a port: the stream's turning points, line marks and the range's end. They lead
by what every port leads by at least (the MIDI system's queueing, wiring.py), so the
stream after a loop wrap, a cue or an edit is in place when its first items are due."""


Burst = list[tuple[bytes, int]]
"""MIDI messages that leave one port at one instant, each with the track that
played it (-1 for clock): a chord on sixteen tracks is one burst."""


@dataclass(slots=True)
class Item:
    time: float
    """Song seconds."""
    prio: int
    port: str
    burst: Burst
    mark: LineMark | None = None
    event: Event | None = None
    """The timeline event itself, for the synth (SYNTH_PORT)."""
    track: int = -1
    """The synth event's track."""


def _event_items(
    event: Event, port: str, running: dict[str, RunningValues], mirrored: bool = False
) -> list[Item]:
    """One item per MIDI message; one item carrying the event for the synth (and, for
    a `mirrored` event, one for the synth beside the port's). A 14-bit lane's messages
    go through the port's running values (midi/wide.py)."""
    if port == SYNTH_PORT:
        if event.kind == Kind.TEMPO:
            return []
        return [Item(event.time, PRIO_EVENT, port, [], event=event, track=event.track)]
    if mirrored and event.kind != Kind.TEMPO:
        # The synth's copy first: it leaves the synth's lookahead before the port's.
        return [*_event_items(event, SYNTH_PORT, running), *_event_items(event, port, running)]
    if event.kind == Kind.CONTROL:
        values = running.setdefault(port, RunningValues())
        if event.a > 0x7F:
            messages = values.messages(event.channel & 0x0F, event.a, event.b)
            return [Item(event.time, PRIO_EVENT, port, [(data, event.track)]) for data in messages]
        values.plain(event.channel & 0x0F, event.a)
    return [
        Item(event.time, PRIO_EVENT, port, [(data, event.track)]) for data in event_messages(event)
    ]


def gather_bursts(items: Iterator[Item]) -> Iterator[Item]:
    """Items in send order with each run of MIDI messages for one port at one
    instant joined into one item, so the player sends them back to back."""
    pending: Item | None = None
    for item in items:
        if (
            pending is not None
            and item.prio == pending.prio
            and item.time == pending.time
            and item.port == pending.port
            and item.event is None
            and pending.event is None
            and item.prio in (PRIO_EVENT, PRIO_CLOCK)
        ):
            pending.burst.extend(item.burst)
            continue
        if pending is not None:
            yield pending
        pending = item
    if pending is not None:
        yield pending


def compile_range(
    song: Song, start_order: int, start_line: int, end_order: int | None, repeat: int = 0
) -> Timeline:
    """The song compiled for playing, built out of the garbage collector's sight
    (ahead.built_out_of_sight)."""
    with built_out_of_sight():
        return compile_song(
            song,
            start_order=start_order,
            start_line=start_line,
            end_order=end_order,
            cc_resolver=cc_lane_for,
            repeat=repeat,
        )


def song_beat(song: Song, order: int, line: int) -> float:
    """Where (order, line) is in the whole song, in beats: for Song Position Pointer."""
    return beat_of_line(song, order, line) or 0.0


class Prefetched:
    """A stream with items made ahead: `prefetch` runs while the player waits for a
    deadline, so when a burst of messages (a chord on sixteen tracks) falls due,
    each next item is a pop, not a heap merge and a message build between sends."""

    def __init__(self, items: Iterator[Item]) -> None:
        self._items = items
        self.ready: deque[Item] = deque()
        """The items made ahead, for a caller that pops them itself in a burst."""

    def __iter__(self) -> Prefetched:
        return self

    def __next__(self) -> Item:
        if self.ready:
            return self.ready.popleft()
        return next(self._items)

    def prefetch(self, count: int) -> None:
        """Make up to `count` items ready (fewer when the stream ends)."""
        ready = self.ready
        for item in islice(self._items, max(0, count - len(ready))):
            ready.append(item)


def build_stream(
    timeline: Timeline,
    from_time: float,
    *,
    port_for: Callable[[Event], str],
    latency_s: dict[str, float],
    clock_intro: sync.ClockIntro | None,
    position_beat: float | None = None,
    mirrors: Callable[[Event], bool] = lambda event: False,
) -> Prefetched:
    """Every item from `from_time` on, in send order (latency-shifted), made lazily;
    `mirrors`: events played on the synth too, beside their MIDI port."""
    t0 = from_time - EPS
    marks = (Item(m.time, PRIO_MARK, TURN_PORT, [], m) for m in timeline.lines if m.time >= t0)
    running: dict[str, RunningValues] = {}
    events = (
        item
        for e in timeline.events
        if e.time >= t0
        for item in _event_items(e, port_for(e), running, mirrors(e))
    )
    end = max(timeline.duration, timeline.events[-1].time if timeline.events else 0.0)
    streams: list[Iterator[Item]] = [marks, events]
    if clock_intro is not None and timeline.lines:
        tempo = TempoMap.from_marks(timeline.lines)
        first = next((m for m in timeline.lines if m.time >= t0), timeline.lines[-1])
        streams.append(
            Item(when, PRIO_CLOCK, CLOCK_PORT, [(data, -1)])
            for when, data in sync.clock_out(
                tempo, first.beat, timeline.end_beat, intro=clock_intro, position_beat=position_beat
            )
        )
    streams.append(iter([Item(end, PRIO_END, TURN_PORT, [])]))

    def key(item: Item) -> tuple[float, int]:
        return (item.time - latency_s.get(item.port, 0.0), item.prio)

    return Prefetched(gather_bursts(heapq.merge(*streams, key=key)))
