"""How the bounce plays the song: in one or two passes of one FluidSynth each.

One FluidSynth renders the whole song in one pass, with several stereo
outputs (FluidSynth's audio and effects groups, each output with its own
reverb and chorus). Every (track, MIDI channel) pair gets a synth channel of
its own, and the channel decides the output: so each voice is the voice a
plain one-output render would make (same allocation, same stealing), and the
outputs sum to that render.

The mix pass has one output for the tracks heard and, when some are muted,
one for the rest: muted tracks still play, so the voices never depend on what
is heard. The stems pass is the same render with an output per track: its
voices are the mix pass's voices exactly, its outputs differ from the mix only
where the reverbs and choruses (linear) round differently, far below -90 dBFS.
So the stems null against the mix and asking for stems never changes the mix
(the mix always comes from the mix pass); the stems pass runs beside it in a
second thread. Why not one pass with an output per track for everything: each
output costs its own reverb, about a fifth of a plain render's time each, so
a 16-track mix would take four times as long as the `fluidsynth` command line.

Why not a synth per track (the first design): a new voice that takes the
slot of a voice another note just freed carries some of its filter state
through its first 64-frame block (measured on TimGM6mb: up to -32 dBFS), so
the sum of per-track renders is not the one-synth render.

tracker.audio.render plays a pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tracker.audio.patches import Patch
from tracker.audio.synth import SynthSettings
from tracker.engine.events import Event, Kind, Timeline

SILENCE = 10 ** (-90 / 20)
"""The tail ends when a whole window stays below -90 dBFS."""
STEM_SILENCE = 10 ** (-100 / 20)
"""The stems pass's tail runs until -100 dBFS, so it outlasts the mix's and can be
cut to the mix's length."""


@dataclass(frozen=True)
class Pass:
    """One render of the whole timeline through one synth, its voices sounding in
    `groups` stereo outputs: track t's in output group_of[t], with that output's
    own reverb and chorus."""

    events: tuple[Event, ...]
    start: float
    """Song time of frame 0."""
    length: float
    """Seconds from `start` to the end of the last line."""
    soundfont: Path
    patches: dict[int, Patch]
    settings: SynthSettings
    group_of: dict[int, int]
    groups: int
    tail_seconds: float | None
    silence: float = SILENCE
    """The tail ends when the sum of all groups stays below this for a window."""


Grouped = npt.NDArray[np.float32]
"""Audio per output group: (groups, frames, 2) float32."""


def timed_events(timeline: Timeline) -> tuple[tuple[Event, ...], float, float]:
    """The events that reach the synth, the song time of frame 0, and the length."""
    start = timeline.lines[0].time if timeline.lines else 0.0
    events = tuple(e for e in timeline.events if e.kind is not Kind.TEMPO)
    return events, start, max(0.0, timeline.duration - start)


def mix_pass(
    timeline: Timeline,
    patches: dict[int, Patch],
    soundfont: Path,
    settings: SynthSettings,
    heard: set[int] | None,
    tail_seconds: float | None,
) -> Pass:
    """The mix: heard tracks (None: all) in group 0; the others (muted) still play,
    in group 1, so the voices are the same voices as in the stems pass."""
    events, start, length = timed_events(timeline)
    played = {e.track for e in events if e.track >= 0}
    heard = played if heard is None else heard
    group_of = {t: 0 if t in heard else 1 for t in played}
    groups = 2 if played - heard else 1
    return Pass(events, start, length, soundfont, patches, settings, group_of, groups, tail_seconds)


def stems_pass(
    timeline: Timeline,
    patches: dict[int, Patch],
    soundfont: Path,
    settings: SynthSettings,
    tail_seconds: float | None,
) -> Pass:
    """The stems: each track that plays in its own group. Its tail runs until a
    quieter threshold than the mix's, so it always lasts at least as long."""
    events, start, length = timed_events(timeline)
    played = sorted({e.track for e in events if e.track >= 0})
    group_of = {t: g for g, t in enumerate(played)}
    return Pass(
        events, start, length, soundfont, patches, settings, group_of,
        max(1, len(played)), tail_seconds, STEM_SILENCE,
    )  # fmt: skip
