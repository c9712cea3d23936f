"""The offline bounce: the song to a mix file and, on request, one stem per track.

How the stems and the mix stay in step: every track is rendered by its own
FluidSynth instance (in parallel worker processes, one synth each), and the
mix is the sum of the audible tracks' renders, with or without stems. So the
stems null against the mix by construction, and asking for stems never
changes the mix. One synth holding every track would not do: FluidSynth's
voices, reverb and chorus are linear, but a new voice that takes the slot of
a voice another note just freed carries some of its state through its first
64-frame block (measured on TimGM6mb: up to -32 dBFS of difference in that
one block, none after), so a one-synth mix would not null against stems
rendered apart.

Events are applied at their own sample, round(time * rate), and FluidSynth
starts them at the next 64-frame block; reads are large blocks, split only
where an event falls.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from tracker.audio.loudness import measure
from tracker.audio.progress import Progress, ProgressSink
from tracker.audio.soundfonts import DEFAULT as DEFAULT_FONT
from tracker.audio.soundfonts import check_soundfont, find_soundfont
from tracker.audio.synth import Frames, Synth, SynthSettings
from tracker.engine.events import Event, Kind, Timeline
from tracker.engine.routing import audible_tracks, keep_tracks
from tracker.engine.timeline import compile_song
from tracker.errors import AudioError, InstrumentError, SoundfontError, UsageError
from tracker.instruments import load_device
from tracker.song.model import Instrument, Song

CHUNK = 8192
"""Frames per read between events: large for speed (events still land exactly)."""
SILENCE = 10 ** (-90 / 20)
"""The tail ends when a whole window stays below -90 dBFS."""
TAIL_WINDOW = 4096
MAX_TAIL_SECONDS = 10.0
"""A tail that never falls silent (a held organ, a drone) is cut here."""

FORMATS = {"wav": "WAV", "flac": "FLAC"}
SUBTYPES = {"16": "PCM_16", "24": "PCM_24", "float": "FLOAT"}
RATES = (44100, 48000)

MidiWriter = Callable[[Timeline, Song, int, Path], None]
"""Writes one track (its timeline, the song, the track's index, the path) as a
Standard MIDI File. The CLI passes one built on tracker.midi.smf.export_timeline:
audio/ may not import midi/ (they are sibling layers)."""


@dataclass(frozen=True)
class Patch:
    """What a synth channel plays for one instrument."""

    font: Path
    program: int
    bank: int
    fixed: bool = False
    """A hardware device's stand-in: program changes on it keep this patch."""


@dataclass
class BounceReport:
    """What the bounce wrote and how loud it came out."""

    mix: Path
    stems: list[Path] = field(default_factory=list)
    midi: list[Path] = field(default_factory=list)
    duration: float = 0.0
    """Seconds in each file (song plus tail)."""
    peak_dbfs: float = -math.inf
    lufs: float | None = None
    clipped: bool = False
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Lines for the shell: files, length, level, warnings."""
        lufs = f"{self.lufs:.1f} LUFS" if self.lufs is not None else "LUFS n/a (too short)"
        lines = [
            f"wrote {self.mix}" + (f" and {len(self.stems)} stems" if self.stems else ""),
            f"length {self.duration:.2f} s, peak {self.peak_dbfs:.1f} dBFS, {lufs}",
        ]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


# -- rendering ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """Everything one render needs, picklable for a worker process."""

    events: tuple[Event, ...]
    start: float
    """Song time of frame 0."""
    length: float
    """Seconds from `start` to the end of the last line."""
    soundfont: Path
    patches: dict[int, Patch]
    settings: SynthSettings
    tail_seconds: float | None
    slot: int = 0


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
    """Render the timeline (or only `tracks`) to a (frames, 2) float32 array.

    Frame 0 is the first line played. After the last line every note is
    released and the tail runs `tail_seconds`, or until silence (capped at
    MAX_TAIL_SECONDS) when None.
    """
    patches = instrument_patches(song, soundfont, song_dir)
    synth_settings = replace(settings or SynthSettings(), rate=rate)
    job = _job(timeline, patches, soundfont, synth_settings, tracks, tail_seconds)
    audio, _ = _render(job, progress)
    return audio


def _job(
    timeline: Timeline,
    patches: dict[int, Patch],
    soundfont: Path,
    settings: SynthSettings,
    tracks: set[int] | None,
    tail_seconds: float | None,
    slot: int = 0,
) -> _Job:
    start = timeline.lines[0].time if timeline.lines else 0.0
    events = tuple(e for e in timeline.events if tracks is None or e.track in tracks or e.track < 0)
    return _Job(
        events=events,
        start=start,
        length=max(0.0, timeline.duration - start),
        soundfont=soundfont,
        patches=patches,
        settings=settings,
        tail_seconds=tail_seconds,
        slot=slot,
    )


def _render(job: _Job, progress: ProgressSink | None) -> tuple[Frames, list[str]]:
    rate = job.settings.rate
    with Synth(job.soundfont, job.settings) as synth:
        channels = _Channels(synth, job.patches)
        body = round(job.length * rate)
        if job.events:
            body = max(body, round((job.events[-1].time - job.start) * rate))
        out = np.zeros((body, 2), dtype=np.float32)
        pos = 0
        for event in job.events:
            target = min(body, max(0, round((event.time - job.start) * rate)))
            pos = _fill(synth, out, pos, target, rate, progress)
            channels.apply(event)
        _fill(synth, out, pos, body, rate, progress)
        synth.all_notes_off()
        tail = _tail(synth, rate, job.tail_seconds)
        return np.concatenate([out, tail]), synth.warnings


def _fill(
    synth: Synth, out: Frames, pos: int, target: int, rate: int, progress: ProgressSink | None
) -> int:
    """Render out[pos:target] in CHUNK reads; returns the new position."""
    while pos < target:
        step = min(CHUNK, target - pos)
        synth.render_into(out[pos : pos + step])
        pos += step
        if progress is not None:
            progress(pos / rate)
    return pos


def _tail(synth: Synth, rate: int, tail_seconds: float | None) -> Frames:
    """The release and reverb after the last line: a fixed length, or until silence
    (trimmed just after the last sample above -90 dBFS)."""
    if tail_seconds is not None:
        return synth.render(max(0, round(tail_seconds * rate)))
    windows: list[Frames] = []
    for _ in range(math.ceil(MAX_TAIL_SECONDS * rate / TAIL_WINDOW)):
        window = synth.render(TAIL_WINDOW)
        if float(np.max(np.abs(window))) < SILENCE:
            break
        windows.append(window)
    if not windows:
        return np.zeros((0, 2), dtype=np.float32)
    tail = np.concatenate(windows)[: round(MAX_TAIL_SECONDS * rate)]
    loud = np.flatnonzero(np.max(np.abs(tail), axis=1) >= SILENCE)
    return tail[: int(loud[-1]) + 1 if loud.size else 0]


class _Channels:
    """Keeps each synth channel on the right soundfont program as instruments change."""

    def __init__(self, synth: Synth, patches: dict[int, Patch]) -> None:
        self.synth = synth
        self.patches = patches
        self.current: dict[int, int] = {}
        """channel -> instrument number whose patch it holds."""

    def apply(self, event: Event) -> None:
        patch = self.patches.get(event.instrument) if event.instrument is not None else None
        if patch is None or event.instrument is None:
            self.synth.send(event)
            return
        ch = event.channel
        if event.kind is Kind.PROGRAM:
            self.current[ch] = event.instrument
            if patch.fixed:
                self.synth.select(ch, patch.program, patch.bank, patch.font)
            else:
                self.synth.select(ch, event.a, event.b, patch.font)
            return
        if self.current.get(ch) != event.instrument and event.kind is Kind.NOTE_ON:
            # A note of an instrument the channel does not hold yet: the timeline
            # did not say which program, so the instrument's own applies.
            self.current[ch] = event.instrument
            self.synth.select(ch, patch.program, patch.bank, patch.font)
        self.synth.send(event)


def instrument_patches(
    song: Song, soundfont: Path, song_dir: Path | None = None, warnings: list[str] | None = None
) -> dict[int, Patch]:
    """Each instrument's soundfont program; hardware devices render through their
    General MIDI stand-in so an offline bounce is complete."""
    said = warnings if warnings is not None else []
    patches: dict[int, Patch] = {}
    for number, instrument in song.instruments.items():
        if instrument.device:
            program, bank = _device_fallback(instrument, said)
            patches[number] = Patch(soundfont, program, bank, fixed=True)
        elif instrument.soundfont in (None, "", DEFAULT_FONT):
            patches[number] = Patch(soundfont, instrument.program, instrument.bank)
        else:
            font = _own_font(number, instrument, song_dir)
            patches[number] = Patch(font, instrument.program, instrument.bank)
    return patches


def _own_font(number: int, instrument: Instrument, song_dir: Path | None) -> Path:
    """An instrument's own soundfont (a path, relative to the song's folder)."""
    path = Path(instrument.soundfont or "").expanduser()
    if not path.is_absolute() and song_dir is not None:
        path = song_dir / path
    try:
        return check_soundfont(path)
    except SoundfontError as error:
        raise SoundfontError(
            f'instrument {number:02X} "{instrument.name}": {error.message}'
        ) from None


def _device_fallback(instrument: Instrument, warnings: list[str]) -> tuple[int, int]:
    """(program, bank) standing in for a hardware device's sound: the device
    file's fallback program, else the instrument's own."""
    try:
        device = load_device(instrument.device or "")
    except InstrumentError as error:
        warnings.append(f"{error.message}; rendering {instrument.name!r} with its own program")
        return instrument.program, instrument.bank
    return device.offline_program(instrument.program, instrument.bank)


# -- the bounce -----------------------------------------------------------------------


def bounce(
    song: Song,
    out_dir: Path,
    *,
    stems: bool = False,
    fmt: str = "wav",
    rate: int = 44100,
    bits: int | str = 24,
    from_order: int = 0,
    to_order: int | None = None,
    tail: float | None = None,
    soundfont: Path | None = None,
    song_dir: Path | None = None,
    midi_writer: MidiWriter | None = None,
    progress_stream: TextIO | None = None,
    settings: SynthSettings | None = None,
    workers: int | None = None,
    timeline: Timeline | None = None,
) -> BounceReport:
    """Render the song to out_dir/mix.<fmt>, and with `stems` one NN-name.<fmt>
    per track (plus NN-name.mid through `midi_writer`), all the same length.

    `timeline` is one already compiled (by the editor, or a test); from/to
    then do not apply. Every file is written to a temporary name and renamed
    only when all are written: an error leaves nothing new behind.
    """
    fmt, subtype = _check_format(fmt, rate, bits)
    if timeline is None:
        timeline = _compile(song, from_order, to_order)
    if not timeline.lines:
        raise UsageError("nothing to render: the chosen orders contain no lines")
    if soundfont is not None:
        font = check_soundfont(Path(soundfont))
    else:
        font = find_soundfont(song.soundfont, song_dir)
    out_dir = _prepare_dir(out_dir)
    audible = audible_tracks(song)

    total = max(timeline.duration - timeline.lines[0].time, 1e-3)
    progress = Progress(total, label="Rendering", stream=progress_stream)
    warnings: list[str] = []
    patches = instrument_patches(song, font, song_dir, warnings)
    synth_settings = replace(settings or SynthSettings(), rate=rate)
    rendered = range(len(song.tracks)) if stems else sorted(audible)
    jobs = [_job(timeline, patches, font, synth_settings, {t}, tail, t) for t in rendered]
    track_audio, said = _render_parallel(jobs, progress, workers)
    warnings += said
    mix = _sum([a for t, a in track_audio.items() if t in audible])
    progress.finish()

    # The song's own length at least, even when every track is muted.
    length = max([round(total * rate), mix.shape[0], *(a.shape[0] for a in track_audio.values())])
    mix = _pad(mix, length)
    level = measure(mix, rate)
    report = BounceReport(
        mix=out_dir / f"mix.{fmt}",
        duration=length / rate,
        peak_dbfs=level.peak_dbfs,
        lufs=level.lufs,
        clipped=level.clips,
        warnings=sorted(set(warnings)),
    )
    with _Staging() as staging:
        _write(staging, report.mix, mix, rate, fmt, subtype, report.warnings)
        for t, audio in sorted(track_audio.items()) if stems else ():
            stem = out_dir / f"{t + 1:02d}-{safe_name(song.tracks[t].name)}.{fmt}"
            _write(staging, stem, _pad(audio, length), rate, fmt, subtype, report.warnings)
            report.stems.append(stem)
            if midi_writer is not None:
                midi = stem.with_suffix(".mid")
                midi_writer(keep_tracks(timeline, {t}), song, t, staging.temp_for(midi))
                report.midi.append(midi)
        staging.commit()
    return report


def bounce_command(
    song_path: Path,
    out_dir: Path,
    *,
    stems: bool = False,
    fmt: str = "wav",
    rate: int = 44100,
    bits: int | str = 24,
    from_order: int | None = None,
    to_order: int | None = None,
    tail: float | None = None,
    midi_writer: MidiWriter | None = None,
) -> int:
    """`tracker render SONG -o DIR ...`: bounce, show progress on a terminal, print the report."""
    from tracker.song.storage import load_song

    song = load_song(song_path)
    report = bounce(
        song,
        out_dir,
        stems=stems,
        fmt=fmt,
        rate=rate,
        bits=bits,
        from_order=from_order or 0,
        to_order=to_order,
        tail=tail,
        song_dir=Path(song_path).resolve().parent,
        midi_writer=midi_writer,
        progress_stream=sys.stderr,
    )
    print(report.summary())
    return 0


def _check_format(fmt: str, rate: int, bits: int | str) -> tuple[str, str]:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (expected wav or flac)")
    if rate not in RATES:
        raise UsageError(f"unsupported sample rate {rate} (expected 44100 or 48000)")
    subtype = SUBTYPES.get(str(bits).lower())
    if subtype is None:
        raise UsageError(f"unsupported bit depth {bits!r} (expected 16, 24 or float)")
    if fmt == "flac" and subtype == "FLOAT":
        raise UsageError("FLAC stores whole-number samples only: use --bits 16 or 24")
    return fmt, subtype


def _compile(song: Song, from_order: int, to_order: int | None) -> Timeline:
    """The song from order entry `from_order` to `to_order` inclusive (None: the end)."""
    count = len(song.order)
    if count == 0:
        raise UsageError("nothing to render: the song's order list is empty")
    if not 0 <= from_order < count:
        raise UsageError(f"--from {from_order}: the order list has entries 0 to {count - 1}")
    if to_order is not None and not from_order <= to_order < count:
        raise UsageError(
            f"--to {to_order}: expected an order entry from {from_order} to {count - 1}"
        )
    end = None if to_order is None else to_order + 1
    return compile_song(song, start_order=from_order, end_order=end)


def _prepare_dir(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AudioError(
            f"cannot create the output folder {out_dir}: {error.strerror or error}"
        ) from error
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise AudioError(f"cannot write into the output folder {out_dir}: permission denied")
    return out_dir


def _render_parallel(
    jobs: Sequence[_Job], progress: ProgressSink, workers: int | None
) -> tuple[dict[int, Frames], list[str]]:
    """Render jobs, each with its own synth: in worker processes when there is
    more than one job and more than one worker, else here. `progress` hears the
    mean number of seconds rendered per job."""
    count = min(len(jobs), workers or os.cpu_count() or 1)
    if count <= 1:
        results: dict[int, Frames] = {}
        warnings: list[str] = []
        finished = 0.0
        for job in jobs:
            base = finished

            def report(seconds: float, base: float = base) -> None:
                progress((base + seconds) / len(jobs))

            results[job.slot], said = _render(job, report)
            warnings += said
            finished += job.length
        return results, warnings
    return _render_in_pool(jobs, progress, count)


def _render_in_pool(
    jobs: Sequence[_Job], progress: ProgressSink, count: int
) -> tuple[dict[int, Frames], list[str]]:
    # spawn, not fork: the caller may be the UI process, with threads running.
    context = multiprocessing.get_context("spawn")
    shared = context.Array("d", max(j.slot for j in jobs) + 1, lock=False)
    results: dict[int, Frames] = {}
    warnings: list[str] = []
    pool = ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=_init_worker, initargs=(shared,)
    )
    try:
        slots = {pool.submit(_worker_render, job): job.slot for job in jobs}
        pending = set(slots)
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in done:
                results[slots[future]], said = future.result()
                warnings += said
            progress(sum(shared) / len(jobs))
    except BrokenProcessPool as error:
        raise AudioError("a render worker process died (out of memory?)") from error
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results, warnings


_worker_progress: Any = None


def _init_worker(shared: Any) -> None:
    global _worker_progress
    _worker_progress = shared


def _worker_render(job: _Job) -> tuple[Frames, list[str]]:
    def report(seconds: float) -> None:
        if _worker_progress is not None:
            _worker_progress[job.slot] = seconds

    return _render(job, report)


def _sum(parts: Iterable[Frames]) -> Frames:
    parts = list(parts)
    if not parts:
        return np.zeros((0, 2), dtype=np.float32)
    length = max(p.shape[0] for p in parts)
    total = np.zeros((length, 2), dtype=np.float64)
    for p in parts:
        total[: p.shape[0]] += p
    return total.astype(np.float32)


def _pad(audio: Frames, length: int) -> Frames:
    if audio.shape[0] >= length:
        return audio
    return np.concatenate([audio, np.zeros((length - audio.shape[0], 2), dtype=np.float32)])


def safe_name(name: str) -> str:
    """A track name as a file name: letters, digits, '-' and '_' only."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-_")
    return cleaned[:40] or "track"


# -- writing ------------------------------------------------------------------------


class _Staging:
    """Files written under temporary names and renamed together at the end; on any
    error the temporaries are removed and no final file is touched."""

    def __init__(self) -> None:
        self.moves: list[tuple[Path, Path]] = []

    def temp_for(self, final: Path) -> Path:
        temp = final.with_name(f".{final.name}.{os.getpid()}.part")
        self.moves.append((temp, final))
        return temp

    def commit(self) -> None:
        for temp, _ in self.moves:
            _fsync(temp)
        for temp, final in self.moves:
            os.replace(temp, final)
        self.moves = []

    def __enter__(self) -> _Staging:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        for temp, _ in self.moves:
            temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise AudioError(f"cannot write the bounce: {exc.strerror or exc}") from exc


def _write(
    staging: _Staging,
    final: Path,
    audio: Frames,
    rate: int,
    fmt: str,
    subtype: str,
    warnings: list[str],
) -> None:
    import soundfile

    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak >= 1.0:
        level = 20 * math.log10(peak)
        if subtype == "FLOAT":
            warnings.append(f"{final.name} peaks at {level:+.1f} dBFS (kept in the float file)")
        else:
            warnings.append(f"{final.name} clipped: it peaks at {level:+.1f} dBFS")
            audio = np.clip(audio, -1.0, 1.0)
    temp = staging.temp_for(final)
    try:
        soundfile.write(temp, audio, rate, subtype=subtype, format=FORMATS[fmt])
    except soundfile.LibsndfileError as error:
        raise AudioError(f"cannot write {final}: {error}") from error


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
