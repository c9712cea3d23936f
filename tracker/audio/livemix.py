"""The live mix: soundfont events with their wall deadlines in, audio out block by
block, rendered by the bounce's own block renderer (tracker.audio.blocks), so what
plays live, what a capture holds and what `tracker render` writes are the same
samples for the same song.

Wall time maps to frames on one straight line from `origin_ns` (frame 0). Each
fresh start (`start`) ties its wall time to a frame on the synth's 64-frame grid,
and every deadline after it is placed from there, exactly as the bounce places an
event at round(seconds * rate) from the first line: so the block an event lands
in is the bounce's block. The synth itself only starts at the first start: until
then the mix is plain zeros (FluidSynth's chorus runs a clock of its own even in
silence, and a bounce's synth starts at its first line).

Rendering runs LAG_MS behind the wall clock, so a release the player sends at its
deadline (the end of a song) is still in the renderer's future; deadlines reach
here the player's lookahead (80 ms) early. A turn that finds more audio owed than
LAG_MS + LATE_MS counts as a dropout: a sound card with that much buffer would
have run dry.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tracker.audio.blocks import BlockRenderer
from tracker.audio.capture import Capture
from tracker.audio.levels import METER_GROUPS, group_of_track
from tracker.audio.patches import Patch
from tracker.audio.render import TAIL_WINDOW
from tracker.audio.synth import BLOCK, Frames, SynthSettings
from tracker.engine.events import Event, Kind
from tracker.song.limits import MAX_TRACKS

LAG_MS = 5.0
"""The renderer stays this far behind the wall clock."""
CAPTURE_LAG_MS = 100.0
"""... this far while capturing: a release the player sends at its deadline (the end of
a span) is still in the renderer's future even when a busy machine held the player
up, so the capture keeps the bounce's samples; the stream is later by as much."""
LATE_MS = 40.0
"""More audio owed than LAG_MS + this when a turn starts counts as a dropout."""
LIVE_CHANNELS = 64
"""Synth channels for the live mix: one per (track, MIDI channel) pair that plays."""
ALL_TRACKS = -1

Sink = Callable[[int, Frames], None]
"""Receives each block of the mix: (frame of its first sample, (n, 2) float32)."""


@dataclass
class MixCounts:
    blocks: int = 0
    frames: int = 0
    dropouts: int = 0
    """Turns that found the audio further behind the wall clock than LAG + LATE."""
    late_events: int = 0
    """Events that reached the renderer after their block was rendered."""
    peak: float = 0.0
    """Highest sample of the mix since the last `take_peak`."""
    clipped: bool = False


_EVENT, _ALL_OFF, _PANIC = 0, 1, 2


class LiveMix:
    """One thread drives it: `start`, `play`, `release`... as the player sends them,
    and `advance` every few milliseconds."""

    def __init__(
        self,
        soundfont: Path,
        origin_ns: int,
        sinks: list[Sink],
        settings: SynthSettings | None = None,
        capture: Capture | None = None,
        lag_ms: float = LAG_MS,
        meters: bool = False,
    ) -> None:
        """`meters`: each track in an output of its own (tracker.audio.levels), so
        `take_levels` can tell tracks apart; the mix is then the sum of the outputs,
        within 1e-6 of the one-output render (not bit for bit: keep it off when a
        capture must hold the bounce's samples)."""
        groups = METER_GROUPS if meters else 1
        channels = METER_GROUPS * 16 if meters else LIVE_CHANNELS
        self.settings = replace(settings or SynthSettings(), channels=channels, groups=groups)
        self.rate = self.settings.rate
        self.origin_ns = origin_ns
        self.sinks = sinks
        group_of = {track: group_of_track(track) for track in range(MAX_TRACKS)}
        self.renderer = BlockRenderer(
            soundfont, {}, self.settings, layout=None, group_of=group_of if meters else None
        )
        self.group_peaks = np.zeros(groups, dtype=np.float32) if meters else None
        """Each output's highest sample since the last `take_levels` (None: not metering)."""
        self.meter_peak = 0.0
        """The mix's highest sample since the last `take_levels`."""
        self.synth_origin: int | None = None
        """The mix frame where the synth's frame 0 falls (None: not started yet)."""
        self.anchor = (origin_ns, 0)
        """(wall ns, mix frame) of the last fresh start."""
        self.pos = 0
        """Mix frames handed to the sinks."""
        self.queue: list[tuple[int, int, int, int, Event | None]] = []
        """(frame, order, what, track, event) waiting for their frame."""
        self._order = 0
        self.played: dict[int, set[tuple[int, int]]] = {}
        """track -> (channel, note) started since the last release."""
        self.released_at: int | None = None
        """Mix frame of the last release of everything, until a note starts again."""
        self.counts = MixCounts()
        self.capture = capture
        self.lag = round(lag_ms * self.rate / 1000)
        self.late = round(LATE_MS * self.rate / 1000)

    # -- time ---------------------------------------------------------------------

    def frame_at(self, wall_ns: int) -> int:
        return (wall_ns - self.origin_ns) * self.rate // 1_000_000_000

    def frame_of(self, due_ns: int) -> int:
        """A deadline's frame, counted from the last start as the bounce counts from
        its first line (rounded to the nearest frame)."""
        wall, frame = self.anchor
        return frame + ((due_ns - wall) * self.rate + 500_000_000) // 1_000_000_000

    def _on_grid(self, frame: int) -> int:
        """The first frame at or after `frame` (and not in the past) on the synth's grid."""
        frame = max(frame, self.pos)
        if self.synth_origin is None:
            self.synth_origin = -(-frame // BLOCK) * BLOCK
            return self.synth_origin
        since = frame - self.synth_origin
        return self.synth_origin + -(-since // BLOCK) * BLOCK

    def start(self, wall_ns: int) -> int:
        """A fresh start at `wall_ns`: its mix frame, on the synth's block grid."""
        frame = self._on_grid(self.frame_at(wall_ns))
        self.anchor = (wall_ns, frame)
        if self.capture is not None:
            self.capture.begin(frame)
        return frame

    # -- what the player sends ------------------------------------------------------

    def set_patches(self, patches: dict[int, Patch]) -> None:
        self.renderer.router.patches = dict(patches)
        self.renderer.router.current.clear()

    def _queue(self, frame: int, what: int, track: int, event: Event | None) -> None:
        if self.synth_origin is None:
            if what != _EVENT or event is None or event.kind is Kind.NOTE_OFF:
                return  # nothing sounds yet: the synth starts with what plays first
            frame = self._on_grid(frame)
        self._order += 1
        heapq.heappush(self.queue, (frame, self._order, what, track, event))

    def play(self, due_ns: int, event: Event) -> None:
        if event.kind is Kind.TEMPO:
            return
        if event.kind is Kind.NOTE_ON:
            self.played.setdefault(event.track, set()).add((event.channel, event.a))
        self._queue(self.frame_of(due_ns), _EVENT, event.track, event)

    def cancel(self, frame: int, track: int = ALL_TRACKS) -> None:
        """Take back what was to play at or after `frame`: all, or one track's."""
        self.queue = [
            item
            for item in self.queue
            if item[0] < frame or (track != ALL_TRACKS and item[3] != track)
        ]
        heapq.heapify(self.queue)

    def release(self, frame: int, keep: Collection[tuple[int, int, int]] = ()) -> None:
        """Everything stops sounding at `frame` (the notes in `keep`, as (track,
        channel, note), ring on): what was queued from there is dropped."""
        self.cancel(frame)
        if not keep:
            self.played.clear()
            self._queue(frame, _ALL_OFF, ALL_TRACKS, None)
            return
        for track, notes in self.played.items():
            for channel, note in sorted(notes):
                if (track, channel, note) not in keep:
                    notes.discard((channel, note))
                    self._queue(frame, _EVENT, track, _note_off(track, channel, note))

    def silence_track(self, frame: int, track: int) -> None:
        """A muted track: its queued events dropped, its notes released at `frame`."""
        self.cancel(frame, track)
        for channel, note in sorted(self.played.pop(track, set())):
            self._queue(frame, _EVENT, track, _note_off(track, channel, note))

    def panic(self, frame: int) -> None:
        self.queue.clear()
        self.played.clear()
        self._queue(frame, _PANIC, ALL_TRACKS, None)

    # -- rendering --------------------------------------------------------------------

    def advance(self, now_ns: int) -> None:
        """Render up to LAG_MS behind `now_ns` and hand the blocks to the sinks."""
        now = self.frame_at(now_ns)
        if self.counts.blocks and now - self.pos > self.lag + self.late:
            self.counts.dropouts += 1
        self.render_to(now - self.lag)

    def render_to(self, target: int) -> None:
        while self.pos < target:
            origin = self.synth_origin
            if origin is None or self.pos < origin:
                end = target if origin is None else min(target, origin)
                self._emit(np.zeros((end - self.pos, 2), dtype=np.float32))
                continue
            while self.queue and self.queue[0][0] <= self.pos:
                frame, _, what, _, event = heapq.heappop(self.queue)
                if frame < self.pos:
                    self.counts.late_events += 1
                self._apply(what, event)
            end = min(target, self.queue[0][0]) if self.queue else target
            grouped = self.renderer.render_to(end - origin)
            if self.group_peaks is not None and grouped.shape[1]:
                np.maximum(
                    self.group_peaks, np.max(np.abs(grouped), axis=(1, 2)), out=self.group_peaks
                )
            self._emit(grouped.sum(axis=0) if grouped.shape[0] > 1 else grouped[0])

    def _apply(self, what: int, event: Event | None) -> None:
        if what == _EVENT and event is not None:
            self.renderer.apply(event)
            if event.kind is Kind.NOTE_ON:
                self.released_at = None
        elif what == _ALL_OFF:
            self.renderer.all_notes_off()
            if self.released_at is None:  # a second release (the stop after a song's
                self.released_at = self.pos  # end) keeps the first: the tail runs from it
        else:
            self.renderer.all_notes_off()
            self.renderer.synth.all_sounds_off()
            self.released_at = self.pos

    def _emit(self, block: Frames) -> None:
        if block.size:
            peak = float(np.max(np.abs(block)))
            self.counts.peak = max(self.counts.peak, peak)
            self.counts.clipped = self.counts.clipped or peak >= 1.0
            self.meter_peak = max(self.meter_peak, peak)
        for sink in self.sinks:
            sink(self.pos, block)
        if self.capture is not None:
            self.capture.write(self.pos, block, self.released_at)
        self.pos += block.shape[0]
        self.counts.blocks += 1
        self.counts.frames += block.shape[0]

    def drain(self) -> None:
        """Quitting: render what is queued, release everything, and the tail until the
        capture's rule says it is silent, as fast as the synth goes (no wall clock)."""
        last = max((item[0] for item in self.queue), default=self.pos)
        self.render_to(last + 1)
        if self.released_at is None:
            self.release(self.pos)
            self.render_to(self.pos + 1)
        while self.capture is not None and not self.capture.tail_done():
            self.render_to(self.pos + TAIL_WINDOW)

    def take_peak(self) -> float:
        peak, self.counts.peak = self.counts.peak, 0.0
        return peak

    def take_levels(self) -> tuple[float, dict[int, float]]:
        """The mix's peak and each track's since the last call: tracks that played
        alone in their output (tracks sharing one are left out, as is everything when
        not metering)."""
        master, self.meter_peak = self.meter_peak, 0.0
        if self.group_peaks is None:
            return master, {}
        peaks = self.group_peaks.tolist()
        self.group_peaks.fill(0.0)
        players: dict[int, list[int]] = {}
        for track in sorted({pair[0] for pair in self.renderer.router.layout}):
            players.setdefault(group_of_track(track), []).append(track)
        tracks = {found[0]: peaks[group] for group, found in players.items() if len(found) == 1}
        return master, tracks

    def close(self) -> None:
        self.renderer.close()


def _note_off(track: int, channel: int, note: int) -> Event:
    return Event(0.0, 0.0, 0, Kind.NOTE_OFF, track, channel, note, 0)
