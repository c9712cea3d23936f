"""Events placed in time: the line being played gives each tick its seconds and beats."""

from __future__ import annotations

import heapq
from collections.abc import Generator
from itertools import islice
from operator import attrgetter

from tracker.engine.events import Event, Kind
from tracker.engine.tempo import TempoMap

_ORDER = attrgetter("tick", "kind", "track", "column")
_NOTE_ON = Kind.NOTE_ON
_NOTE_OFF = Kind.NOTE_OFF
FINISH_CHUNK = 2048
_new_tuple = tuple.__new__
"""Builds an Event without the NamedTuple's Python-level __new__: the compile's hottest call."""


class Emitter:
    """Collects events for the line being played, timed through the tempo map.

    `offset` is ticks from the start of the current line (0..tpl; tpl is the
    line's end). Times are cached per offset: a line's many events share few ticks.
    """

    def __init__(self, tempo: TempoMap) -> None:
        self.tempo = tempo
        self.events: list[Event] = []
        self._tick = 0
        self._odd = False
        self._cache: dict[int, tuple[int, float, float]] = {}
        self._dropped = 0
        self.held_offs: list[Event] = []
        """Note-offs of notes struck before a mid-song start (see Voice.ghost)."""

    def begin_line(self, tick: int, odd: bool) -> None:
        self._tick = tick
        self._odd = odd
        self._cache.clear()

    def at(self, offset: int) -> tuple[int, float, float]:
        """(tick, seconds, beats) of a tick of the current line."""
        found = self._cache.get(offset)
        if found is None:
            tick = self._tick + offset
            tempo = self.tempo
            time, beat = tempo.locate(tempo.position(tick, offset, self._odd))
            found = self._cache[offset] = (tick, time, beat)
        return found

    def emit(
        self,
        offset: int,
        kind: Kind,
        track: int,
        column: int,
        channel: int,
        a: int = 0,
        b: int = 0,
        instrument: int | None = None,
    ) -> None:
        tick, time, beat = self._cache.get(offset) or self.at(offset)
        self.events.append(
            _new_tuple(
                Event, (time, beat, tick, kind, track, channel, a, b, instrument, column, 0.0)
            )
        )

    def strike(self, offset: int) -> tuple[int, int]:
        """Where a note-on about to be emitted lands: (tick, index in events)."""
        tick = self.at(offset)[0]
        return tick, len(self.events)

    def unstrike(self, struck: tuple[int, int], offset: int) -> bool:
        """A note ending at `offset`: if it began at that very instant, take its
        note-on back and say so (the caller then sends no note-off). Such a note
        is inaudible, and once sorted, offs go before ons at one instant, which
        would leave it sounding."""
        tick, index = struck
        if tick != self.at(offset)[0]:
            return False
        # A hole finish() skips: typing the list Event | None would make every reader check.
        self.events[index] = None  # type: ignore[call-overload]
        self._dropped += 1
        return True

    def held_off(
        self, offset: int, track: int, column: int, channel: int, note: int, instrument: int | None
    ) -> None:
        tick, time, beat = self.at(offset)
        self.held_offs.append(
            Event(time, beat, tick, _NOTE_OFF, track, channel, note, 0, instrument, column)
        )

    def finish(self) -> list[Event]:
        """The events, without the dropped zero-length notes, in play order."""
        events = [e for e in self.events if e is not None] if self._dropped else self.events
        events.sort(key=_ORDER)
        return events

    def finish_in_steps(self, chunk: int = FINISH_CHUNK) -> Generator[None, None, list[Event]]:
        """`finish` in steps of about `chunk` events (a sort of tens of thousands runs
        in one C call, milliseconds the player cannot give at once): chunks sorted one
        by one, then merged. The merge takes equal keys in chunk order, so the result
        is the one stable sort `finish` makes."""
        runs: list[list[Event]] = []
        for start in range(0, len(self.events), chunk):
            run = [e for e in self.events[start : start + chunk] if e is not None]
            run.sort(key=_ORDER)
            runs.append(run)
            yield
        if len(runs) <= 1:
            return runs[0] if runs else []
        merged = heapq.merge(*runs, key=_ORDER)
        events: list[Event] = []
        while True:
            size = len(events)
            events.extend(islice(merged, chunk))
            if len(events) - size < chunk:
                return events
            yield

    def line_start(self) -> tuple[int, float, float]:
        """(tick, seconds, beats) of the current line's boundary: on the straight
        grid even when swing delays the line's content."""
        time, beat = self.tempo.locate(self._tick * self.tempo.sub)
        return self._tick, time, beat

    def tempo_event(self, bpm: float) -> None:
        """A TEMPO event where the current line begins (where its segment starts)."""
        tick, time, beat = self.line_start()
        self.events.append(Event(time, beat, tick, Kind.TEMPO, -1, 0, bpm=bpm))


class SilentEmitter(Emitter):
    """Plays without recording: chasing the song's state up to a start position."""

    def emit(
        self,
        offset: int,
        kind: Kind,
        track: int,
        column: int,
        channel: int,
        a: int = 0,
        b: int = 0,
        instrument: int | None = None,
    ) -> None:
        return None

    def tempo_event(self, bpm: float) -> None:
        return None

    def strike(self, offset: int) -> tuple[int, int]:
        return (-1, -1)

    def unstrike(self, struck: tuple[int, int], offset: int) -> bool:
        return False

    def held_off(
        self, offset: int, track: int, column: int, channel: int, note: int, instrument: int | None
    ) -> None:
        return None
