"""Rendering a pass (tracker.audio.passes) to audio, and the two passes of a bounce
side by side.

Events are applied at their own sample, round(time * rate), and FluidSynth
starts them at the next 64-frame block; reads are large blocks, split only
where an event falls. After the last line every note is released and the tail
runs a fixed time or until silence.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import replace
from pathlib import Path

import numpy as np

from tracker.audio.blocks import BlockRenderer, channel_layout
from tracker.audio.passes import Grouped, Pass, mix_pass
from tracker.audio.patches import instrument_patches
from tracker.audio.progress import ProgressSink
from tracker.audio.synth import Frames, SynthSettings
from tracker.engine.events import Timeline
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
    layout, channels, said = channel_layout(job.events, job.group_of, job.groups)
    settings = replace(job.settings, channels=channels, groups=job.groups)
    body = round(job.length * rate)
    if job.events:
        body = max(body, round((job.events[-1].time - job.start) * rate))
    longest = job.tail_seconds if job.tail_seconds is not None else MAX_TAIL_SECONDS
    # Zeroed pages the tail never reaches are never touched, so never resident.
    out = np.zeros((job.groups, body + max(0, round(longest * rate)), 2), dtype=np.float32)
    renderer = BlockRenderer(job.soundfont, job.patches, settings, layout=layout)
    try:
        for event in job.events:
            target = min(body, max(0, round((event.time - job.start) * rate)))
            renderer.fill(out, target, progress)
            renderer.apply(event)
        renderer.fill(out, body, progress)
        renderer.all_notes_off()
        if job.tail_seconds is not None:
            renderer.fill(out, out.shape[1])
            end = out.shape[1]
        else:
            end = tail_until_silent(renderer, out, body, job.silence)
        return out[:, :end], renderer.warnings + said
    finally:
        renderer.close()


def tail_until_silent(renderer: BlockRenderer, out: Grouped, body: int, silence: float) -> int:
    """Render the release and reverb after the last line until a whole window of
    the groups' sum stays below `silence` (or the buffer ends, MAX_TAIL_SECONDS);
    returns the end, just after the last sample at or above `silence`."""
    pos = body
    while pos < out.shape[1]:
        end = min(pos + TAIL_WINDOW, out.shape[1])
        renderer.fill(out, end)
        if _peak(out[:, pos:end]) < silence:
            break
        pos = end
    return body + tail_length(out[:, body:pos], silence)


def tail_length(tail: Grouped, silence: float) -> int:
    """Frames up to and including the last one whose groups' sum is at or above `silence`."""
    total = np.abs(tail.sum(axis=0, dtype=np.float64)).max(axis=1)
    loud = np.flatnonzero(total >= silence)
    return int(loud[-1]) + 1 if loud.size else 0


def _peak(grouped: Grouped) -> float:
    """Peak of the sum of all groups."""
    return float(np.max(np.abs(grouped.sum(axis=0, dtype=np.float64)))) if grouped.size else 0.0


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
