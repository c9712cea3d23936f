"""MIDI files written at test time with mido, never by our exporter, for the import to
read: events as (absolute tick, message) pairs, tracks of them, and the file.

480 ticks per beat (TPB) and 4 lines per beat unless a test says otherwise: one line
(LINE) is 120 ticks and a quarter note is 4 lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mido

TPB = 480
LINE = TPB // 4

C4, D4, E4, F4, G4 = 60, 62, 64, 65, 67
KICK, SNARE, HAT = 36, 38, 42
"""General MIDI drum notes: bass drum 1, acoustic snare, closed hi-hat."""


def on(tick: int, note: int, velocity: int = 100, channel: int = 0) -> tuple[int, Any]:
    return tick, mido.Message("note_on", note=note, velocity=velocity, channel=channel)


def off(tick: int, note: int, channel: int = 0) -> tuple[int, Any]:
    return tick, mido.Message("note_off", note=note, velocity=64, channel=channel)


def note(start: int, end: int, pitch: int, velocity: int = 100, channel: int = 0) -> list[Any]:
    return [on(start, pitch, velocity, channel), off(end, pitch, channel)]


def tempo(tick: int, bpm: float) -> tuple[int, Any]:
    return tick, mido.MetaMessage("set_tempo", tempo=round(60_000_000 / bpm))


def named(name: str) -> tuple[int, Any]:
    return 0, mido.MetaMessage("track_name", name=name)


def program(tick: int, number: int, channel: int = 0) -> tuple[int, Any]:
    return tick, mido.Message("program_change", program=number, channel=channel)


def cc(tick: int, control: int, value: int, channel: int = 0) -> tuple[int, Any]:
    return tick, mido.Message("control_change", control=control, value=value, channel=channel)


def midi_track(*events: Any) -> mido.MidiTrack:
    """Events as (absolute tick, message) pairs or lists of them -> a track with deltas.
    The sort is stable, so events of one tick keep the order written."""
    flat: list[tuple[int, Any]] = []
    for event in events:
        flat += event if isinstance(event, list) else [event]
    track = mido.MidiTrack()
    now = 0
    for tick, message in sorted(flat, key=lambda pair: pair[0]):
        track.append(message.copy(time=tick - now))
        now = tick
    return track


def write(path: Path, *tracks: mido.MidiTrack, file_type: int = 1, tpb: int = TPB) -> Path:
    midi = mido.MidiFile(type=file_type, ticks_per_beat=tpb)
    midi.tracks.extend(tracks)
    midi.save(path)
    return path
