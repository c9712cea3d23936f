"""The track meters while playing (issue #14): each track's level, and the mix's,
sent to the editor as one small Levels message at most METER_RATE times a second.

Two sources, one scale (tracker.audio.levels):
- audio: a soundfont track the audio process renders in an output of its own reads
  its own samples (AudioLink.take_levels), and the mix reads the master's;
- note activity: every other track (hardware devices, and soundfont tracks when
  no live mix is rendered here: FluidSynth's own driver keeps its samples to
  itself) reads the velocity of the notes the player itself sends, falling after
  each note as a meter does.

The send loop pays one list append per burst (`heard`); the bursts are read here,
in the gaps between deadlines (Reporting.housekeeping), never between sends.
A meter falls FALL_DB_PER_S after its peak; nothing is sent while the levels stay
as they were, so a quiet song costs no bytes.
"""

from __future__ import annotations

from collections.abc import Collection

from tracker.audio.levels import FLOOR_DB, FULL_SCALE, STEPS, TOP_DB, velocity_level
from tracker.engine.clock import NS_PER_S
from tracker.player.protocol import Levels
from tracker.player.stream import Burst

METER_RATE = 15
"""Levels messages a second, at most: about what an eye follows, and what an SSH
link carries without notice (BENCHMARKS.md, bench_meters)."""
FALL_DB_PER_S = 12.0
"""How fast a meter falls after its peak: about a peak programme meter's (20 dB in
1.7 s), slow enough that a falling meter changes a cell a few times a second."""
NOTE_ON = 0x90


class Meters:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """(Also: stopped.) Every meter down, nothing remembered for the next play."""
        self.heard: list[Burst] = []
        """Bursts sent since the last frame (appended by the send loop, read here)."""
        self.synth_notes: list[tuple[int, int]] = []
        """(track, velocity) of each note handed to the soundfont synth since."""
        self.shown: list[float] = []
        """Each track's level as last sent, in level bytes (fractions kept for the fall)."""
        self.master = 0.0
        self.audio_tracks: frozenset[int] = frozenset()
        """Tracks the audio process tells apart (their audio level is their meter)."""
        self.sent: Levels | None = None
        self.at_ns: int | None = None
        """When the last frame was made (None: nothing shown since the stop)."""

    def due(self, now_ns: int) -> bool:
        return self.at_ns is None or now_ns - self.at_ns >= NS_PER_S // METER_RATE

    def frame(
        self,
        now_ns: int,
        tracks: int,
        muted: Collection[int],
        audio: tuple[int, dict[int, int]] | None,
    ) -> Levels | None:
        """This frame's levels, when it is due and they differ from the last sent.
        `audio`: what the audio process measured since (None: nothing new from it)."""
        if not self.due(now_ns):
            return None
        elapsed = 0.0 if self.at_ns is None else (now_ns - self.at_ns) / NS_PER_S
        self.at_ns = now_ns
        fall = elapsed * FALL_DB_PER_S / (TOP_DB - FLOOR_DB) * STEPS
        peaks = [0] * tracks
        for burst in self.heard:
            for data, track in burst:
                if 0 <= track < tracks and data[0] & 0xF0 == NOTE_ON and len(data) > 2:
                    peaks[track] = max(peaks[track], velocity_level(data[2]))
        for track, velocity in self.synth_notes:
            if 0 <= track < tracks:
                peaks[track] = max(peaks[track], velocity_level(velocity))
        self.heard.clear()
        self.synth_notes.clear()
        master: int | None = None
        clip = False
        if audio is not None:
            master_peak, told = audio
            self.audio_tracks = frozenset(told)
            self.master = max(float(master_peak), self.master - fall)
            clip = master_peak >= FULL_SCALE
            for track, level in told.items():
                if 0 <= track < tracks:
                    peaks[track] = level
        elif self.audio_tracks:
            self.master = max(0.0, self.master - fall)
        for track in self.audio_tracks:
            if 0 <= track < tracks and audio is None:
                peaks[track] = 0  # nothing new measured: the meter falls
        if self.audio_tracks or audio is not None:
            master = _byte(self.master)
        shown = self.shown[:tracks] + [0.0] * (tracks - len(self.shown))
        self.shown = [
            0.0 if track in muted else max(float(peaks[track]), shown[track] - fall)
            for track in range(tracks)
        ]
        levels = Levels(bytes(_byte(level) for level in self.shown), master, clip)
        if levels == self.sent:
            return None
        self.sent = levels
        return levels


def _byte(level: float) -> int:
    return max(0, min(STEPS, round(level)))
