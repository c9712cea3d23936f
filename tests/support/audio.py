"""Audio for tests and benchmarks: the system's General MIDI font, small hand-placed
timelines for a note at an exact sample, and reading a render back (its level, its
onsets)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile

from tracker.engine.events import Event, Kind, LineMark, Timeline

GM_FONT = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
"""The General MIDI soundfont `make setup` installs."""
RATE = 44100


def note_timeline(
    *notes: tuple[float, float, int], duration: float, track: int = 0, channel: int = 0
) -> Timeline:
    """Notes as (start seconds, end seconds, MIDI note), instrument 01, velocity 100,
    on one track; a single line mark at 0 so frame 0 is time 0."""
    events: list[Event] = []
    for start, end, note in notes:
        events.append(Event(start, 0.0, 0, Kind.NOTE_ON, track, channel, note, 100, 1))
        events.append(Event(end, 0.0, 0, Kind.NOTE_OFF, track, channel, note, 0, 1))
    events.sort(key=lambda e: (e.time, e.kind))
    return Timeline(
        events=events,
        lines=[LineMark(0.0, 0.0, 0, 0, "00", 0, 120.0, 4)],
        duration=duration,
    )


def onset(audio: npt.NDArray[np.float32], threshold_db: float = -100.0) -> int:
    """First frame whose level reaches the threshold (an exact 0 never does)."""
    loud = np.flatnonzero(np.max(np.abs(audio), axis=1) >= 10 ** (threshold_db / 20))
    assert loud.size, "the render is silent"
    return int(loud[0])


def onsets(
    audio: npt.NDArray[np.float32], threshold_db: float = -40, quiet: int = 2000
) -> list[int]:
    """Frames where the level first reaches the threshold after `quiet` frames below it."""
    loud = np.max(np.abs(audio), axis=1) >= 10 ** (threshold_db / 20)
    found = []
    last_loud = -quiet - 1
    for frame in map(int, np.flatnonzero(loud)):
        if frame - last_loud > quiet:
            found.append(frame)
        last_loud = frame
    return found


def peak_db(audio: npt.NDArray[Any]) -> float:
    """The peak level in dBFS; -inf for silence or no audio at all."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    return 20 * float(np.log10(peak)) if peak > 0 else float("-inf")


def read_wav(path: Path) -> npt.NDArray[np.float32]:
    """A WAV file at RATE as float frames, two-dimensional even in mono."""
    audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
    assert rate == RATE
    return np.asarray(audio, dtype=np.float32)


def read_render(path: Path) -> np.ndarray:
    """A bounced file (WAV or FLAC, at either rate the bounce writes) as float64 frames:
    precise enough for stems that null against their mix."""
    audio, rate = soundfile.read(path, dtype="float64", always_2d=True)
    assert rate in (44100, 48000)
    return np.asarray(audio)
