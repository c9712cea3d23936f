"""What a DAW session needs to know about the song's time: every tempo change, the
meter, and where each order entry starts, read off the compiled timeline (the one
musical truth), in seconds and in beats from the render's first frame.

The meter rule: a beat is a quarter note (as in the MIDI export, whose ticks count
beats) and lines per beat say how many lines make one; a bar is four beats, the
bar the editor's PgUp and PgDn move by. So the session is in 4/4 throughout, and a
song at 4 lines per beat has a bar every 16 lines. An Lxx change makes lines
shorter or longer, not beats: the meter and the tempo in bpm stay as they were,
and the DAW's bars keep lining up with the song's beats.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from tracker.engine.events import Kind, Timeline
from tracker.engine.tempo import BEAT_NOTE, BEATS_PER_BAR


@dataclass(frozen=True)
class TempoChange:
    """From `time` seconds (`beat` beats) on, the song plays at `bpm`."""

    time: float
    beat: float
    bpm: float


@dataclass(frozen=True)
class OrderMark:
    """Order entry `order` (its pattern `pattern`) starts playing here."""

    time: float
    beat: float
    order: int
    pattern: str


@dataclass(frozen=True)
class SongTime:
    tempos: list[TempoChange]
    """The first at 0, then one per change, in play order."""
    marks: list[OrderMark]
    end_time: float
    """Seconds to the end of the last line (the release tail not included)."""
    end_beat: float
    numerator: int = BEATS_PER_BAR
    denominator: int = BEAT_NOTE

    def beat_at(self, seconds: float) -> float:
        """Beats at `seconds` (past the end, the last tempo goes on: the release tail)."""
        times = [t.time for t in self.tempos]
        change = self.tempos[max(bisect_right(times, seconds) - 1, 0)]
        return change.beat + (seconds - change.time) * change.bpm / 60


def song_time(timeline: Timeline) -> SongTime:
    """The tempo changes (the timeline's TEMPO events: one opens it, one marks every
    Txx that changes the tempo) and where each order entry starts (an entry played
    again after a jump back starts again), from the timeline's first line."""
    if not timeline.lines:
        raise ValueError("a session needs at least one line played")
    first = timeline.lines[0]
    origin, beat0 = first.time, first.beat
    tempos: list[TempoChange] = []
    for event in timeline.events:
        if event.kind is not Kind.TEMPO:
            continue
        change = TempoChange(event.time - origin, event.beat - beat0, event.bpm)
        if tempos and change.time <= tempos[-1].time:
            tempos[-1] = change  # two at one instant: the later one holds
        elif not tempos or change.bpm != tempos[-1].bpm:
            tempos.append(change)
    if not tempos or tempos[0].time > 0:
        tempos.insert(0, TempoChange(0.0, 0.0, first.bpm))
    marks: list[OrderMark] = []
    previous = None
    for line in timeline.lines:
        if previous is None or line.order != previous.order or line.line <= previous.line:
            marks.append(OrderMark(line.time - origin, line.beat - beat0, line.order, line.pattern))
        previous = line
    return SongTime(tempos, marks, timeline.duration - origin, timeline.end_beat - beat0)
