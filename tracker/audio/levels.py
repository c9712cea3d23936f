"""Meter levels: one byte per level, on a decibel scale, the one scale the audio
process, the player and the editor's meters share (issue #14).

A level travels as a byte: 0 is silence (below FLOOR_DB), 1..255 climb evenly in
decibels from FLOOR_DB to full scale (0 dBFS) and a little over. A byte per
track keeps the notice small, and a meter that is drawn in 24 steps changes its
cells only when the byte crosses a step.

How the live mix hears each track apart (tracker.audio.livemix with `meters`):
its synth gets METER_GROUPS stereo outputs, the bounce stems' way of keeping
voices apart (tracker.audio.passes), and track t plays into output
t % METER_GROUPS. The mix is the sum of the outputs. An output that only one
track plays into is that track's audio; tracks that share one read no audio
level (the player meters their note activity instead). Pure Python: the editor
imports it.
"""

from __future__ import annotations

import math

FLOOR_DB = -60.0
"""The quietest level a meter shows; anything below reads as silence (byte 0)."""
TOP_DB = 3.0
"""The loudest level a byte holds (255): a little over full scale, so a clipping
master still reads above 0 dBFS."""
STEPS = 255
METER_GROUPS = 16
"""Outputs of the live mix's synth while metering: a track of its own for each of the
first sixteen tracks of a song (and any song of up to sixteen tracks)."""


def group_of_track(track: int) -> int:
    """The synth output a track plays into while metering."""
    return track % METER_GROUPS


def to_byte(peak: float) -> int:
    """A sample peak (1.0 = full scale) as a level byte."""
    if peak <= 0.0:
        return 0
    db = 20 * math.log10(peak)
    if db < FLOOR_DB:
        return 0
    return max(1, min(STEPS, round((db - FLOOR_DB) / (TOP_DB - FLOOR_DB) * STEPS)))


def to_db(level: int) -> float:
    """A level byte back in dBFS (-inf for 0)."""
    if level <= 0:
        return -math.inf
    return FLOOR_DB + level / STEPS * (TOP_DB - FLOOR_DB)


FULL_SCALE = to_byte(1.0)
"""The byte of a full-scale peak: at or over it, the master clips."""


def from_db(db: float) -> int:
    """A level in dBFS as a level byte."""
    return to_byte(10 ** (db / 20)) if db > -math.inf else 0


def velocity_level(velocity: int) -> int:
    """A note's MIDI velocity as the level byte its note activity shows: velocity
    squared, as General MIDI synths (FluidSynth among them) map it to amplitude."""
    return to_byte((max(0, min(127, velocity)) / 127) ** 2)
