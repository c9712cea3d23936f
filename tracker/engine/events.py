"""The compiled song: timed events, the one musical truth shared by live
playback, the bounce and the MIDI export.

Times are derived, never accumulated: each event's `time` is computed from its
position through the tempo map, so a long song does not drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple


class Kind(IntEnum):
    """Event kinds, in the order they are applied when they share an instant:
    tempo first, then note-offs (so a retriggered note is not cut by its own
    predecessor's off), then program/bank, controllers and bends, then note-ons.
    """

    TEMPO = 0
    NOTE_OFF = 1
    PROGRAM = 2
    CONTROL = 3
    PITCH_BEND = 4
    NOTE_ON = 5


class Event(NamedTuple):
    """One thing that happens at one instant.

    A NamedTuple rather than a frozen dataclass: a compiled song has tens of
    thousands of these, and a tuple is built about five times faster.

    Field use by kind:
      NOTE_ON     a = note, b = velocity (1-127)
      NOTE_OFF    a = note, b = 0
      PROGRAM     a = program, b = bank (0-16383; 128 = GM drum kit for soundfonts)
      CONTROL     a = controller number (or a packed 14-bit lane, tracker/lanes.py), b = value
      PITCH_BEND  a = bend (-8192..8191), b = 0
      TEMPO       a = 0, b = 0, bpm = the new tempo
    """

    time: float
    """Seconds from the start of the song."""
    beat: float
    """Position in beats from the start; `time` follows from it through the tempo map."""
    tick: int
    """Engine ticks from the start (`tpl` per line): orders events and places effects."""
    kind: Kind
    track: int
    """Index into Song.tracks; -1 for song-wide events (tempo)."""
    channel: int
    """MIDI channel 0-15."""
    a: int = 0
    b: int = 0
    instrument: int | None = None
    column: int = 0
    """Note column within the track: each column is one monophonic voice."""
    bpm: float = 0.0

    @property
    def sort_key(self) -> tuple[float, int, int, int]:
        """Play order: time first (a groove or humanise can move a track's tick past
        another's), then Kind at one instant (engine/emitter.py sorts the same way)."""
        return (self.time, int(self.kind), self.track, self.column)


@dataclass(frozen=True, slots=True)
class LineMark:
    """Where the song is at the start of each line played: drives the playhead,
    `play from cursor`, MIDI clock and song position."""

    time: float
    beat: float
    tick: int
    order: int
    """Index into Song.order."""
    pattern: str
    line: int
    bpm: float
    lpb: int


@dataclass
class Timeline:
    events: list[Event] = field(default_factory=list)
    """Sorted by Event.sort_key (time, then kind)."""
    lines: list[LineMark] = field(default_factory=list)
    """One mark per line played, in play order."""
    duration: float = 0.0
    """Seconds until the end of the last line (release tails not included)."""
    end_beat: float = 0.0
    end_tick: int = 0
    held: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Compiled from mid-song: the notes sounding at the start, struck on an earlier
    line, as (track, column, channel, note). Not in `events`, which start clean."""
    varies: bool = False
    """What plays depends on the pass (a Y or I, or humanise: engine/variation.py): a
    looping player compiles each loop afresh."""
    held_offs: list[Event] = field(default_factory=list)
    """Where those notes would end, as note-offs: a player swapping in an edited
    song mid-note keeps them ringing and sends these."""
