"""Tests of the timing core. Helpers here read a timeline back as music."""

from __future__ import annotations

from tracker.engine.events import Event, Kind, Timeline
from tracker.engine.mixer import MIXER_COLUMN


def of_kind(timeline: Timeline, kind: Kind) -> list[Event]:
    return [e for e in timeline.events if e.kind == kind]


def lane_controls(timeline: Timeline) -> list[Event]:
    """The CONTROL events of CC lanes: every one but the mixer strips' (engine/mixer.py)."""
    return [e for e in of_kind(timeline, Kind.CONTROL) if e.column != MIXER_COLUMN]


def note_ons(timeline: Timeline) -> list[tuple[float, int]]:
    """(seconds, note) of every note-on, in play order."""
    return [(e.time, e.a) for e in of_kind(timeline, Kind.NOTE_ON)]


def note_offs(timeline: Timeline) -> list[tuple[float, int]]:
    return [(e.time, e.a) for e in of_kind(timeline, Kind.NOTE_OFF)]


def bends(timeline: Timeline) -> list[int]:
    return [e.a for e in of_kind(timeline, Kind.PITCH_BEND)]


def played_lines(timeline: Timeline) -> list[tuple[int, int]]:
    """(order entry, line) of every line played."""
    return [(m.order, m.line) for m in timeline.lines]


def assert_no_stuck_notes(timeline: Timeline) -> None:
    """Every note-on is ended by a later note-off on its channel and note, and no
    note-off ends a note that is not sounding."""
    sounding: dict[tuple[int, int], int] = {}
    for e in timeline.events:
        key = (e.channel, e.a)
        if e.kind == Kind.NOTE_ON:
            sounding[key] = sounding.get(key, 0) + 1
        elif e.kind == Kind.NOTE_OFF:
            assert sounding.get(key, 0) > 0, f"note-off without a note: {e}"
            sounding[key] -= 1
    assert not any(sounding.values()), f"notes left sounding: {sounding}"
