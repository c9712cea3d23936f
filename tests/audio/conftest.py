"""Real FluidSynth with the system's General MIDI font, and small hand-placed
timelines for tests that need a note at an exact sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from tracker.engine.events import Event, Kind, LineMark, Timeline

GM_FONT = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
RATE = 44100


@pytest.fixture
def soundfont() -> Path:
    assert GM_FONT.is_file(), "run `make setup`: it installs the TimGM6mb soundfont"
    return GM_FONT


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


def peak_db(audio: npt.NDArray[np.floating]) -> float:
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    return 20 * float(np.log10(peak)) if peak > 0 else -np.inf
