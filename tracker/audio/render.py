"""Rendering a pass (tracker.audio.passes) to audio, and the two passes of a bounce
side by side.

Events are applied at their own sample, round(time * rate), and FluidSynth
starts them at the next 64-frame block; reads are large blocks, split only
where an event falls. After the last line every note is released and the tail
runs a fixed time or until silence.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
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
PIECE = 32768
"""Frames in each piece a pass hands on (0.7 s at 48 kHz): what a render holds at once."""
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
    """The whole pass as one (groups, frames, 2) array (tests, short renders): the
    pieces of `pieces` put together."""
    said: list[str] = []
    parts = list(pieces(job, progress, said))
    empty = np.zeros((job.groups, 0, 2), dtype=np.float32)
    return np.concatenate([empty, *parts], axis=1), said


def body_frames(job: Pass) -> int:
    """Frames up to the end of the last line (or the last event): what comes after
    is the tail."""
    rate = job.settings.rate
    body = round(job.length * rate)
    if job.events:
        body = max(body, round((job.events[-1].time - job.start) * rate))
    return body


def pieces(job: Pass, progress: ProgressSink | None, said: list[str]) -> Iterator[Grouped]:
    """The pass as consecutive (groups, n, 2) pieces of at most PIECE frames, each a
    new array: every event at its own sample, large reads between them, then the tail
    (held until it is cut, at most MAX_TAIL_SECONDS). `said` gets the warnings."""
    rate = job.settings.rate
    layout, channels, warned = channel_layout(job.events, job.group_of, job.groups)
    settings = replace(job.settings, channels=channels, groups=job.groups)
    body = body_frames(job)
    longest = job.tail_seconds if job.tail_seconds is not None else MAX_TAIL_SECONDS
    end = body + max(0, round(longest * rate))
    renderer = BlockRenderer(job.soundfont, job.patches, settings, layout=layout)
    piece = _Piece(renderer, progress)
    try:
        for event in job.events:
            yield from piece.to(min(body, max(0, round((event.time - job.start) * rate))))
            renderer.apply(event)
        yield from piece.to(body)
        yield from piece.flush()
        renderer.all_notes_off()
        if job.tail_seconds is not None:
            yield from piece.to(end)
            yield from piece.flush()
        else:
            yield from tail_until_silent(renderer, end - body, job.silence)
    finally:
        said += renderer.warnings + warned
        renderer.close()


class _Piece:
    """The piece being filled: rendered into until full, then handed on."""

    def __init__(self, renderer: BlockRenderer, progress: ProgressSink | None) -> None:
        self.renderer = renderer
        self.progress = progress
        self.start = renderer.pos
        self.out = np.empty((renderer.groups, PIECE, 2), dtype=np.float32)

    def to(self, target: int) -> Iterator[Grouped]:
        """Render up to frame `target`, handing on every piece that fills."""
        while self.renderer.pos < target:
            full = self.start + PIECE
            self.renderer.fill(self.out, min(target, full), self.progress, offset=self.start)
            if self.renderer.pos == full:
                yield from self.flush()

    def flush(self) -> Iterator[Grouped]:
        """Hand on what the piece holds, and start a new one."""
        if self.renderer.pos > self.start:
            yield self.out[:, : self.renderer.pos - self.start]
            self.out = np.empty_like(self.out)
        self.start = self.renderer.pos


def tail_until_silent(renderer: BlockRenderer, longest: int, silence: float) -> Iterator[Grouped]:
    """The release and reverb after the last line, in windows, until a whole window of
    the groups' sum stays below `silence` (or `longest` frames), cut just after the last
    sample at or above `silence`. A window is handed on when the next one is loud too:
    only the last loud one is cut, so one window is all that waits."""
    held: Grouped | None = None
    done = 0
    while done < longest:
        window = renderer.render_to(renderer.pos + min(TAIL_WINDOW, longest - done))
        done += window.shape[1]
        if _peak(window) < silence:
            break
        if held is not None:
            yield held
        held = window
    if held is not None:
        yield held[:, : tail_length(held, silence)]


def tail_length(tail: Grouped, silence: float) -> int:
    """Frames up to and including the last one whose groups' sum is at or above `silence`."""
    total = np.abs(tail.sum(axis=0, dtype=np.float64)).max(axis=1)
    loud = np.flatnonzero(total >= silence)
    return int(loud[-1]) + 1 if loud.size else 0


def _peak(grouped: Grouped) -> float:
    """Peak of the sum of all groups."""
    return float(np.max(np.abs(grouped.sum(axis=0, dtype=np.float64)))) if grouped.size else 0.0


Sink = Callable[[Grouped], None]
"""Takes each piece of a pass as it comes (tracker.audio.sinks)."""


class Behind:
    """A sink run in a thread of its own, a few pieces behind the pass that feeds it:
    the synth renders the next piece (outside the GIL) while numpy meters the last
    and the disk takes it, on the machine's other core. Pieces are never written to
    after they are handed on, so they need no copy."""

    DEPTH = 4
    """Pieces waiting at most: the pass waits beyond that (memory stays bounded)."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.queue: queue.Queue[Grouped | None] = queue.Queue(maxsize=self.DEPTH)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="sink", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (piece := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.sink(piece)
                except BaseException as error:  # noqa: BLE001 (raised again in the feeding thread)
                    self.error = error

    def __call__(self, piece: Grouped) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(piece)

    def close(self) -> None:
        """Wait for the last piece to be taken; its error, if any, is raised here."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def _play(job: Pass, sink: Sink, progress: ProgressSink | None, said: list[str]) -> None:
    """One pass into its sink, the sink a few pieces behind in a thread of its own."""
    behind = Behind(sink)
    try:
        for piece in pieces(job, progress, said):
            behind(piece)
    finally:
        behind.close()


def play_passes(
    mix_job: Pass,
    mix_sink: Sink,
    stems_job: Pass | None,
    stems_sink: Sink,
    progress: ProgressSink,
    workers: int | None,
    mix_done: Callable[[], None] = lambda: None,
) -> list[str]:
    """The mix pass and, when stems are asked for, the stems pass, each piece handed
    to its sink: side by side in two threads (FluidSynth renders outside the GIL, and
    numpy meters outside it) unless `workers` is 1. `progress` hears the mean number
    of seconds rendered per pass, always from this thread. `mix_done` is called in this
    thread when the mix pass has ended (the stems pass may still run). Returns the
    warnings."""
    said: list[str] = []
    if stems_job is None:
        _play(mix_job, mix_sink, progress, said)
        mix_done()
        return said
    done = [0.0, 0.0]

    def told(which: int, *, tell: bool) -> ProgressSink:
        def sink(seconds: float) -> None:
            done[which] = seconds
            if tell:
                progress(sum(done) / 2)

        return sink

    def stems() -> list[str]:
        more: list[str] = []
        _play(stems_job, stems_sink, told(1, tell=workers == 1), more)
        return more

    if workers == 1:
        _play(mix_job, mix_sink, told(0, tell=True), said)
        mix_done()
        return said + stems()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stems") as pool:
        stems_future = pool.submit(stems)
        _play(mix_job, mix_sink, told(0, tell=True), said)
        mix_done()
        while not stems_future.done():
            wait([stems_future], timeout=0.1)
            progress(sum(done) / 2)
        return said + stems_future.result()
