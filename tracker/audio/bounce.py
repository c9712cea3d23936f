"""The offline bounce: the song to a mix file and, on request, one stem per track.

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

Events are applied at their own sample, round(time * rate), and FluidSynth
starts them at the next 64-frame block; reads are large blocks, split only
where an event falls.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

import numpy as np
import numpy.typing as npt

from tracker.audio.loudness import measure
from tracker.audio.progress import Progress, ProgressSink
from tracker.audio.soundfonts import DEFAULT as DEFAULT_FONT
from tracker.audio.soundfonts import check_soundfont, find_soundfont
from tracker.audio.staging import Staging
from tracker.audio.synth import (
    GM_DRUM_CHANNEL,
    GROUP_READ,
    MAX_CHANNELS,
    Frames,
    Synth,
    SynthSettings,
)
from tracker.engine.events import Event, Kind, Timeline
from tracker.engine.routing import audible_tracks, keep_tracks
from tracker.engine.timeline import compile_song
from tracker.errors import (
    AudioError,
    InstrumentError,
    SaveError,
    SoundfontError,
    UsageError,
)
from tracker.files import reason, write_new
from tracker.instruments import cc_lane_for, load_device
from tracker.song.model import Instrument, Song

SILENCE = 10 ** (-90 / 20)
"""The tail ends when a whole window stays below -90 dBFS."""
STEM_SILENCE = 10 ** (-100 / 20)
"""The stems pass's tail runs until -100 dBFS, so it outlasts the mix's and can be
cut to the mix's length."""
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
class _Pass:
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
    job = _mix_pass(timeline, patches, soundfont, synth_settings, tracks, tail_seconds)
    audio, _ = _render(job, progress)
    mix: Frames = audio[0]
    return mix


def _timed_events(timeline: Timeline) -> tuple[tuple[Event, ...], float, float]:
    """The events that reach the synth, the song time of frame 0, and the length."""
    start = timeline.lines[0].time if timeline.lines else 0.0
    events = tuple(e for e in timeline.events if e.kind is not Kind.TEMPO)
    return events, start, max(0.0, timeline.duration - start)


def _mix_pass(
    timeline: Timeline,
    patches: dict[int, Patch],
    soundfont: Path,
    settings: SynthSettings,
    heard: set[int] | None,
    tail_seconds: float | None,
) -> _Pass:
    """The mix: heard tracks (None: all) in group 0; the others (muted) still play,
    in group 1, so the voices are the same voices as in the stems pass."""
    events, start, length = _timed_events(timeline)
    played = {e.track for e in events if e.track >= 0}
    heard = played if heard is None else heard
    group_of = {t: 0 if t in heard else 1 for t in played}
    groups = 2 if played - heard else 1
    return _Pass(
        events, start, length, soundfont, patches, settings, group_of, groups, tail_seconds
    )


def _stems_pass(
    timeline: Timeline,
    patches: dict[int, Patch],
    soundfont: Path,
    settings: SynthSettings,
    tail_seconds: float | None,
) -> _Pass:
    """The stems: each track that plays in its own group. Its tail runs until a
    quieter threshold than the mix's, so it always lasts at least as long."""
    events, start, length = _timed_events(timeline)
    played = sorted({e.track for e in events if e.track >= 0})
    group_of = {t: g for g, t in enumerate(played)}
    return _Pass(
        events, start, length, soundfont, patches, settings, group_of,
        max(1, len(played)), tail_seconds, STEM_SILENCE,
    )  # fmt: skip


def _render(job: _Pass, progress: ProgressSink | None) -> tuple[Grouped, list[str]]:
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
            synth.reset_channel(synth_channel, drum=channel == GM_DRUM_CHANNEL)
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
    then do not apply. Every file is written to a staging folder and moved in
    only when all are written (tracker.audio.staging): an error leaves the old
    files as they were and nothing new behind. `workers`
    1 renders the stems pass after the mix pass instead of beside it.
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
    out_dir = _check_dir(out_dir)
    audible = audible_tracks(song)
    names = [f"{t + 1:02d}-{safe_name(track.name)}.{fmt}" for t, track in enumerate(song.tracks)]
    stem_paths = {t: out_dir / name for t, name in enumerate(names)} if stems else {}
    finals = [out_dir / f"mix.{fmt}", *stem_paths.values()]
    if midi_writer is not None:
        finals += [stem.with_suffix(".mid") for stem in stem_paths.values()]
    staging = Staging(out_dir, finals)
    staging.check()  # before the long render, not after it

    total = max(timeline.duration - timeline.lines[0].time, 1e-3)
    progress = Progress(total, label="Rendering", stream=progress_stream)
    warnings: list[str] = []
    patches = instrument_patches(song, font, song_dir, warnings)
    synth_settings = replace(settings or SynthSettings(), rate=rate)
    mix_job = _mix_pass(timeline, patches, font, synth_settings, audible, tail)
    stems_job = _stems_pass(timeline, patches, font, synth_settings, tail) if stems else None
    mixed, grouped, said = _render_passes(mix_job, stems_job, progress, workers)
    warnings += said
    progress.finish()

    # The song's own length at least, even when every track is muted.
    length = max(round(total * rate), mixed.shape[1])
    mix = _fit(mixed[0], length)
    track_audio: dict[int, Frames] = {}
    if stems_job is not None:
        silent = np.zeros((length, 2), dtype=np.float32)
        for t in range(len(song.tracks)):
            group = stems_job.group_of.get(t)
            track_audio[t] = silent if group is None else _fit(grouped[group], length)
    level = measure(mix, rate)
    report = BounceReport(
        mix=out_dir / f"mix.{fmt}",
        duration=length / rate,
        peak_dbfs=level.peak_dbfs,
        lufs=level.lufs,
        clipped=level.clips,
        warnings=sorted(set(warnings)),
    )
    with staging:
        _write(staging, report.mix, mix, rate, fmt, subtype, report.warnings)
        for t, audio in sorted(track_audio.items()):
            stem = stem_paths[t]
            _write(staging, stem, audio, rate, fmt, subtype, report.warnings)
            report.stems.append(stem)
            if midi_writer is not None:
                midi = stem.with_suffix(".mid")
                _write_midi(staging, midi, midi_writer, keep_tracks(timeline, {t}), song, t)
                report.midi.append(midi)
        staging.commit()
    return report


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
    return compile_song(song, start_order=from_order, end_order=end, cc_resolver=cc_lane_for)


def _check_dir(out_dir: Path) -> Path:
    """Refuse, before the long render, an output folder that cannot be made or written.

    Nothing is created here: _Staging makes the folder when the files are
    written, so a bounce that fails leaves no empty folder behind.
    """
    out_dir = Path(out_dir)
    existing = next(p for p in (out_dir, *out_dir.parents) if os.path.exists(p) or p == Path("."))
    if not existing.is_dir():
        what = "it is a file" if existing == out_dir else f"{existing} is a file, not a folder"
        raise AudioError(f"cannot create the output folder {out_dir}: {what}")
    if not os.access(existing, os.W_OK | os.X_OK):
        read_only = os.statvfs(existing).f_flag & os.ST_RDONLY
        why = "the disk is read-only" if read_only else "permission denied"
        raise AudioError(f"cannot write into the output folder {out_dir}: {why}")
    return out_dir


def _render_passes(
    mix_job: _Pass, stems_job: _Pass | None, progress: ProgressSink, workers: int | None
) -> tuple[Grouped, Grouped, list[str]]:
    """The mix pass and, when stems are asked for, the stems pass: side by side
    in two threads (FluidSynth renders outside the GIL) unless `workers` is 1.
    `progress` hears the mean number of seconds rendered per pass, always from
    this thread."""
    if stems_job is None:
        mixed, said = _render(mix_job, progress)
        return mixed, np.zeros((0, 0, 2), dtype=np.float32), said
    done = [0.0, 0.0]

    def told(which: int, *, tell: bool) -> ProgressSink:
        def sink(seconds: float) -> None:
            done[which] = seconds
            if tell:
                progress(sum(done) / 2)

        return sink

    if workers == 1:
        mixed, said = _render(mix_job, told(0, tell=True))
        grouped, more = _render(stems_job, told(1, tell=True))
        return mixed, grouped, said + more
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stems") as pool:
        stems_future = pool.submit(_render, stems_job, told(1, tell=False))
        mixed, said = _render(mix_job, told(0, tell=True))
        while not stems_future.done():
            wait([stems_future], timeout=0.1)
            progress(sum(done) / 2)
        grouped, more = stems_future.result()
    return mixed, grouped, said + more


def _fit(audio: Frames, length: int) -> Frames:
    """Cut or pad with silence to exactly `length` frames."""
    if audio.shape[0] >= length:
        return audio[:length]
    return np.concatenate([audio, np.zeros((length - audio.shape[0], 2), dtype=np.float32)])


def safe_name(name: str) -> str:
    """A track name as a file name: letters, digits, '-' and '_' only."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-_")
    return cleaned[:40] or "track"


# -- writing ------------------------------------------------------------------------


def _write(
    staging: Staging,
    final: Path,
    audio: Frames,
    rate: int,
    fmt: str,
    subtype: str,
    warnings: list[str],
) -> None:
    """Encode in memory, then write the bytes ourselves: libsndfile reports a full
    disk as "System error.", a plain write says which error it was."""
    import soundfile

    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak >= 1.0:
        level = 20 * math.log10(peak)
        if subtype == "FLOAT":
            warnings.append(f"{final.name} peaks at {level:+.1f} dBFS (kept in the float file)")
        else:
            warnings.append(f"{final.name} clipped: it peaks at {level:+.1f} dBFS")
            audio = np.clip(audio, -1.0, 1.0)
    encoded = io.BytesIO()
    try:
        soundfile.write(encoded, audio, rate, subtype=subtype, format=FORMATS[fmt])
    except soundfile.LibsndfileError as error:
        raise AudioError(f"cannot write {final}: {error}") from error
    try:
        write_new(staging.temp_for(final), encoded.getbuffer())
    except OSError as error:
        raise AudioError(f"cannot write {final}: {reason(error)}") from None


def _write_midi(
    staging: Staging, final: Path, writer: MidiWriter, timeline: Timeline, song: Song, track: int
) -> None:
    """A stem's MIDI file through the CLI's writer, its errors naming the final file
    rather than the staging folder's copy."""
    temp = staging.temp_for(final)
    try:
        writer(timeline, song, track, temp)
    except SaveError as error:  # the atomic writer's, naming the path it was given
        raise AudioError(error.message.replace(str(temp), str(final))) from None
