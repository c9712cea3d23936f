"""Events placed in time: the line being played gives each tick its seconds and beats."""

from __future__ import annotations

import heapq
from collections.abc import Generator
from fractions import Fraction
from itertools import islice
from operator import attrgetter

from tracker.engine.events import Event, Kind
from tracker.engine.feel import Humaniser
from tracker.engine.tempo import TempoMap

_ORDER = attrgetter("time", "kind", "track", "column")
"""Play order: by time (a groove or humanise can move a track's tick past another's),
then as Kind says at one instant. Without them it is tick order: time rises with tick."""
_NOTE_ON = Kind.NOTE_ON
_NOTE_OFF = Kind.NOTE_OFF
FINISH_CHUNK = 2048
_new_tuple = tuple.__new__
"""Builds an Event without the NamedTuple's Python-level __new__: the compile's hottest call."""


class Emitter:
    """Collects events for the line being played, timed through the tempo map.

    `offset` is ticks from the start of the current line (0..tpl; tpl is the
    line's end). Times are cached per offset: a line's many events share few ticks.
    A line's content is `shift` sub-ticks late (swing, a groove: tempo.py), the same
    for every track or, with `track_shifts`, each its own.
    """

    def __init__(self, tempo: TempoMap, humaniser: Humaniser | None = None) -> None:
        self.tempo = tempo
        self.humaniser = humaniser
        self.where: tuple[str, int, int] = ("", 0, 0)
        """(pattern, line, pass) of the line being played: where humanise draws for."""
        self.events: list[Event] = []
        self._tick = 0
        self._shift = 0
        self._track_shifts: list[int] | None = None
        self._cache: dict[int, tuple[int, float, float]] = {}
        self._shifted: dict[tuple[int, int], tuple[int, float, float]] = {}
        self._dropped = 0
        self.held_offs: list[Event] = []
        """Note-offs of notes struck before a mid-song start (see Voice.ghost)."""

    def begin_line(self, tick: int, shift: int = 0, track_shifts: list[int] | None = None) -> None:
        self._tick = tick
        self._shift = shift
        self._track_shifts = track_shifts
        self._cache.clear()
        if self._shifted:
            self._shifted.clear()

    def at(self, offset: int) -> tuple[int, float, float]:
        """(tick, seconds, beats) of a tick of the current line."""
        found = self._cache.get(offset)
        if found is None:
            tick = self._tick + offset
            tempo = self.tempo
            time, beat = tempo.locate(tempo.position(tick, offset, self._shift))
            found = self._cache[offset] = (tick, time, beat)
        return found

    def at_track(self, offset: int, track: int) -> tuple[int, float, float]:
        """`at` for one track's events: its own groove, when tracks differ."""
        shifts = self._track_shifts
        if shifts is None or track < 0:
            return self._cache.get(offset) or self.at(offset)
        shift = shifts[track]
        found = self._shifted.get((offset, shift))
        if found is None:
            tick = self._tick + offset
            tempo = self.tempo
            time, beat = tempo.locate(tempo.position(tick, offset, shift))
            found = self._shifted[(offset, shift)] = (tick, time, beat)
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
        if self._track_shifts is None:
            tick, time, beat = self._cache.get(offset) or self.at(offset)
        else:
            tick, time, beat = self.at_track(offset, track)
        self.events.append(
            _new_tuple(
                Event, (time, beat, tick, kind, track, channel, a, b, instrument, column, 0.0)
            )
        )

    def note_on(
        self,
        offset: int,
        track: int,
        column: int,
        channel: int,
        note: int,
        velocity: int,
        instrument: int | None,
    ) -> None:
        """A struck note (not a retrigger or an arpeggio step), humanised when the song asks."""
        humaniser = self.humaniser
        if humaniser is None:
            self.emit(offset, _NOTE_ON, track, column, channel, note, velocity, instrument)
            return
        pattern, line, pass_number = self.where
        where = (pattern, track, column, line, pass_number)
        velocity = humaniser.velocity(velocity, where)
        share = humaniser.nudge(where)
        tick, time, beat = self.at_track(offset, track)
        if share:
            time, beat = self._between(offset, track, share)
        self.events.append(
            Event(time, beat, tick, _NOTE_ON, track, channel, note, velocity, instrument, column)
        )

    def _between(self, offset: int, track: int, share: Fraction) -> tuple[float, float]:
        shifts = self._track_shifts
        shift = self._shift if shifts is None or track < 0 else shifts[track]
        tempo = self.tempo
        tick = self._tick + offset
        here = tempo.position(tick, offset, shift)
        following = tempo.position(tick + 1, offset + 1, shift)
        return tempo.locate_between(here, following, share)

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
        tick, time, beat = self.at_track(offset, track)
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
                break
            yield
        # The runs' references and the unsorted list's let go a chunk per step, not a
        # million at once (9 ms on a 64-track, 200-pattern song).
        for run in runs:
            run.clear()
            yield
        while self.events:
            del self.events[-chunk:]
            yield
        return events

    def line_start(self) -> tuple[int, float, float]:
        """(tick, seconds, beats) of the current line's boundary: on the straight
        grid even when swing or a groove delays the line's content."""
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


class CountingEmitter(Emitter):
    """Counts the notes struck and builds no events: the song's length and note count
    (`timeline.song_length`) from the very voices a compile plays, at a fraction of its
    time and memory. A note taken back by `unstrike` (it ends where it starts) is
    uncounted, as `finish` drops it from a compiled timeline."""

    def __init__(self, tempo: TempoMap, humaniser: Humaniser | None = None) -> None:
        super().__init__(tempo, None)  # humanise moves and shades notes, never drops one
        self.notes = 0

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
        if kind is _NOTE_ON:
            self.notes += 1

    def note_on(
        self,
        offset: int,
        track: int,
        column: int,
        channel: int,
        note: int,
        velocity: int,
        instrument: int | None,
    ) -> None:
        self.notes += 1

    def tempo_event(self, bpm: float) -> None:
        return None

    def strike(self, offset: int) -> tuple[int, int]:
        return self._tick + offset, -1

    def unstrike(self, struck: tuple[int, int], offset: int) -> bool:
        if struck[0] != self._tick + offset:
            return False
        self.notes -= 1  # the note-on a strike announces always follows it
        return True
