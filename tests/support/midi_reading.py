"""Exported MIDI files read back with mido, never with our importer: their tracks as
(absolute tick, message) pairs or as comparable tuples, and each track's name.

At the exporter's default 960 ticks per beat (PPQ) and 4 lines per beat, a line (LINE)
is 240 ticks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mido

PPQ = 960
LINE = PPQ // 4


def read(path: Path) -> mido.MidiFile:
    return mido.MidiFile(path)


def absolute(track: mido.MidiTrack) -> list[tuple[int, Any]]:
    """(absolute tick, message) for every message but the track name and end of track."""
    now, out = 0, []
    for message in track:
        now += message.time
        if message.type not in ("track_name", "end_of_track"):
            out.append((now, message))
    return out


def summary(track: mido.MidiTrack) -> list[tuple[Any, ...]]:
    """Channel messages as comparable tuples: (tick, type, channel, the data bytes)."""
    return [(tick, m.type, m.channel, *m.bytes()[1:]) for tick, m in absolute(track)]


def name_of(track: mido.MidiTrack) -> str:
    return next(str(m.name) for m in track if m.type == "track_name")
