"""Rendering a pass (tracker.audio.passes) to audio, and the two passes of a bounce
side by side.

Events are applied at their own sample, round(time * rate), and FluidSynth
starts them at the next 64-frame block; reads are large blocks, split only
where an event falls. After the last line every note is released and the tail
runs a fixed time or until silence.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import replace
from pathlib import Path

import numpy as np

from tracker.audio.passes import Grouped, Pass, mix_pass
from tracker.audio.patches import Patch, instrument_patches
from tracker.audio.progress import ProgressSink
from tracker.audio.synth import (
    GROUP_READ,
    MAX_CHANNELS,
    Frames,
    Synth,
    SynthSettings,
)
from tracker.engine.events import Event, Kind, Timeline
from tracker.instruments.model import DRUM_CHANNEL
from tracker.song.model import Song

TAIL_WINDOW = 4096
MAX_TAIL_SECONDS = 10.0
"""A tail that never falls silent (a held organ, a drone) is cut here."""


def render_timeline(
    timeline: Timeline,
    song: Song,
    soundfont: Path,
    rate: int = 44100,
    *,
    tracks: set[int] | None = None,
    tail_seconds: float | None = None,
    progress: ProgressSink | None = None,
    settings: SynthSettings | None = None,
    song_dir: Path | None = None,
) -> Frames:
    """Render the timeline to a (frames, 2) float32 array: every track, or only
    `tracks` heard (the others still play, unheard, as in a bounce's mix).

    Frame 0 is the first line played. After the last line every note is
    released and the tail runs `tail_seconds`, or until silence (capped at
    MAX_TAIL_SECONDS) when None.
    """
    patches = instrument_patches(song, soundfont, song_dir)
    synth_settings = replace(settings or SynthSettings(), rate=rate)
    job = mix_pass(timeline, patches, soundfont, synth_settings, tracks, tail_seconds)
    audio, _ = render(job, progress)
    mix: Frames = audio[0]
    return mix


def render(job: Pass, progress: ProgressSink | None) -> tuple[Grouped, list[str]]:
    """Every event at its own sample, large reads between them, then the tail."""
    rate = job.settings.rate
    layout, channels, said = _channel_layout(job.events, job.group_of, job.groups)
    settings = replace(job.settings, channels=channels, groups=job.groups)
    body = round(job.length * rate)
    if job.events:
        body = max(body, round((job.events[-1].time - job.start) * rate))
    longest = job.tail_seconds if job.tail_seconds is not None else MAX_TAIL_SECONDS
    # Zeroed pages the tail never reaches are never touched, so never resident.
    out = np.zeros((job.groups, body + max(0, round(longest * rate)), 2), dtype=np.float32)
    with Synth(job.soundfont, settings) as synth:
        router = _Router(synth, job.patches, layout)
        pos = 0
        for event in job.events:
            target = min(body, max(0, round((event.time - job.start) * rate)))
            pos = _fill(synth, out, pos, target, rate, progress)
            router.apply(event)
        _fill(synth, out, pos, body, rate, progress)
        synth.all_notes_off()
        if job.tail_seconds is not None:
            end = _fill(synth, out, body, out.shape[1], rate, None)
        else:
            end = _tail_until_silent(synth, out, body, job.silence)
        return out[:, :end], synth.warnings + said


def _fill(
    synth: Synth, out: Grouped, pos: int, target: int, rate: int, progress: ProgressSink | None
) -> int:
    """Render out[:, pos:target] in large reads; returns the new position."""
    while pos < target:
        step = min(GROUP_READ, target - pos)
        out[:, pos : pos + step] = synth.render_groups(step).transpose(0, 2, 1)
        pos += step
        if progress is not None:
            progress(pos / rate)
    return pos


def _tail_until_silent(synth: Synth, out: Grouped, body: int, silence: float) -> int:
    """Render the release and reverb after the last line until a whole window of
    the groups' sum stays below `silence` (or the buffer ends, MAX_TAIL_SECONDS);
    returns the end, just after the last sample at or above `silence`."""
    pos = body
    while pos < out.shape[1]:
        end = _fill(synth, out, pos, min(pos + TAIL_WINDOW, out.shape[1]), 1, None)
        if _peak(out[:, pos:end]) < silence:
            break
        pos = end
    total = np.abs(out[:, body:pos].sum(axis=0, dtype=np.float64)).max(axis=1)
    loud = np.flatnonzero(total >= silence)
    return body + (int(loud[-1]) + 1 if loud.size else 0)


def _peak(grouped: Grouped) -> float:
    """Peak of the sum of all groups."""
    return float(np.max(np.abs(grouped.sum(axis=0, dtype=np.float64)))) if grouped.size else 0.0


def _channel_layout(
    events: Sequence[Event], group_of: dict[int, int], groups: int
) -> tuple[dict[tuple[int, int], int], int, list[str]]:
    """A synth channel for each (track, MIDI channel) the events use, in the
    track's group (channel % groups == group), and the synth's channel count.

    Each track keeps its own channels, so a bend or program change on one track
    never reaches another that shares its MIDI channel: a stem sounds as the
    track alone would. Past FluidSynth's 256 channels, a track's channels share.
    """
    per_group = MAX_CHANNELS // groups
    used: dict[int, int] = {}
    layout: dict[tuple[int, int], int] = {}
    warnings: list[str] = []
    for track, channel in sorted({(e.track, e.channel) for e in events if e.track >= 0}):
        group = group_of[track]
        slot = used.get(group, 0)
        used[group] = slot + 1
        if slot >= per_group:
            warnings.append(
                f"track {track + 1:02d} plays on more MIDI channels than one render can keep "
                "apart: some of its instruments share a channel (and its program changes)"
            )
            slot %= per_group
        layout[(track, channel)] = group + groups * slot
    top = max(layout.values(), default=0) + 1
    return layout, max(16, -(-top // 16) * 16), warnings


class _Router:
    """Sends each event to its track's own synth channel, keeping that channel on
    the right soundfont program as instruments change."""

    def __init__(
        self, synth: Synth, patches: dict[int, Patch], layout: dict[tuple[int, int], int]
    ) -> None:
        self.synth = synth
        self.patches = patches
        self.layout = layout
        self.by_midi: dict[int, list[int]] = {}
        """MIDI channel -> the synth channels standing for it (for song-wide events)."""
        for (_, channel), synth_channel in sorted(layout.items()):
            synth.reset_channel(synth_channel, drum=channel == DRUM_CHANNEL)
            self.by_midi.setdefault(channel, []).append(synth_channel)
        self.current: dict[int, int] = {}
        """synth channel -> instrument number whose patch it holds."""

    def apply(self, event: Event) -> None:
        if event.track >= 0:
            self._apply(event, self.layout[(event.track, event.channel)])
        else:
            for synth_channel in self.by_midi.get(event.channel, ()):
                self._apply(event, synth_channel)

    def _apply(self, event: Event, ch: int) -> None:
        patch = self.patches.get(event.instrument) if event.instrument is not None else None
        if patch is None or event.instrument is None:
            self.synth.send(event, ch)
            return
        if event.kind is Kind.PROGRAM:
            self.current[ch] = event.instrument
            if patch.fixed:
                self.synth.select(ch, patch.program, patch.bank, patch.font, shown=event.channel)
            else:
                self.synth.select(ch, event.a, event.b, patch.font, shown=event.channel)
            return
        if self.current.get(ch) != event.instrument and event.kind is Kind.NOTE_ON:
            # A note of an instrument the channel does not hold yet: the timeline
            # did not say which program, so the instrument's own applies.
            self.current[ch] = event.instrument
            self.synth.select(ch, patch.program, patch.bank, patch.font, shown=event.channel)
        self.synth.send(event, ch)


def render_passes(
    mix_job: Pass, stems_job: Pass | None, progress: ProgressSink, workers: int | None
) -> tuple[Grouped, Grouped, list[str]]:
    """The mix pass and, when stems are asked for, the stems pass: side by side
    in two threads (FluidSynth renders outside the GIL) unless `workers` is 1.
    `progress` hears the mean number of seconds rendered per pass, always from
    this thread."""
    if stems_job is None:
        mixed, said = render(mix_job, progress)
        return mixed, np.zeros((0, 0, 2), dtype=np.float32), said
    done = [0.0, 0.0]

    def told(which: int, *, tell: bool) -> ProgressSink:
        def sink(seconds: float) -> None:
            done[which] = seconds
            if tell:
                progress(sum(done) / 2)

        return sink

    if workers == 1:
        mixed, said = render(mix_job, told(0, tell=True))
        grouped, more = render(stems_job, told(1, tell=True))
        return mixed, grouped, said + more
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stems") as pool:
        stems_future = pool.submit(render, stems_job, told(1, tell=False))
        mixed, said = render(mix_job, told(0, tell=True))
        while not stems_future.done():
            wait([stems_future], timeout=0.1)
            progress(sum(done) / 2)
        grouped, more = stems_future.result()
    return mixed, grouped, said + more
