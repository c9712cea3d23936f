"""Events placed in time: the line being played gives each tick its seconds and beats."""

from __future__ import annotations

from dataclasses import fields

from tracker.engine.events import Event, Kind
from tracker.engine.tempo import TempoMap

_FIELDS = ("time", "beat", "tick", "kind", "track", "channel", "a", "b", "instrument", "column")
if tuple(f.name for f in fields(Event))[: len(_FIELDS)] != _FIELDS:  # pragma: no cover
    raise ImportError("engine/emitter.py: Event's fields changed; update Emitter.emit")
_new = object.__new__
(
    _set_time,
    _set_beat,
    _set_tick,
    _set_kind,
    _set_track,
    _set_channel,
    _set_a,
    _set_b,
    _set_instrument,
    _set_column,
) = (getattr(Event, name).__set__ for name in _FIELDS)
_REST = tuple((getattr(Event, f.name).__set__, f.default) for f in fields(Event)[len(_FIELDS) :])


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
        found = self._cache.get(offset)
        tick, time, beat = found if found is not None else self.at(offset)
        # Event(...) without the frozen dataclass's per-field object.__setattr__: the same
        # object, about four times faster; this is the hottest line of the compile.
        event: Event = _new(Event)
        _set_time(event, time)
        _set_beat(event, beat)
        _set_tick(event, tick)
        _set_kind(event, kind)
        _set_track(event, track)
        _set_channel(event, channel)
        _set_a(event, a)
        _set_b(event, b)
        _set_instrument(event, instrument)
        _set_column(event, column)
        for setter, default in _REST:
            setter(event, default)
        self.events.append(event)

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
