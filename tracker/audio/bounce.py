"""The offline bounce: the song to a mix file and, on request, one stem per track.

The song is compiled, played in a mix pass and, for stems, a stems pass beside
it (tracker.audio.passes and render), the mix mastered (tracker.audio.master:
after the stems, which stay as played), and every file is written to a staging
folder (tracker.audio.writing, staging) and moved in only when all are written.
The passes are written and metered piece by piece as they play
(tracker.audio.sinks): memory does not grow with the song's length.
What it did comes back as a BounceReport; the CLI prints it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TextIO

from tracker.audio.loudness import Loudness
from tracker.audio.master import MasterReport
from tracker.audio.passes import Grouped, mix_pass, stems_pass
from tracker.audio.patches import instrument_patches
from tracker.audio.progress import Progress
from tracker.audio.render import body_frames, play_passes
from tracker.audio.sinks import MixSink, StemSink
from tracker.audio.soundfonts import check_soundfont, find_soundfont
from tracker.audio.staging import Staging
from tracker.audio.synth import SynthSettings
from tracker.audio.writing import AudioWriter, MidiWriter, Tag, check_format, write_midi
from tracker.engine.events import Timeline
from tracker.engine.routing import audible_tracks, keep_tracks
from tracker.engine.timeline import compile_song
from tracker.errors import AudioError, UsageError
from tracker.instruments import cc_lane_for
from tracker.song.model import Song


@dataclass
class BounceReport:
    """What the bounce wrote and how loud it came out (the CLI words it)."""

    mix: Path
    master: MasterReport
    """The mix before and after the master stage, and the gain it took."""
    stems: list[Path] = field(default_factory=list)
    stem_levels: list[Loudness] = field(default_factory=list)
    """Each stem's level, as written: before the master stage."""
    midi: list[Path] = field(default_factory=list)
    duration: float = 0.0
    """Seconds in each file (song plus tail)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def level(self) -> Loudness:
        """The mix as written: after the master stage."""
        return self.master.after


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
    made: datetime | None = None,
) -> BounceReport:
    """Render the song to out_dir/mix.<fmt>, and with `stems` one NN-name.<fmt>
    per track (plus NN-name.mid through `midi_writer`), all the same length.

    `timeline` is one already compiled (by the editor, or a test); from/to
    then do not apply. Every file is written to a staging folder and moved in
    only when all are written (tracker.audio.staging): an error leaves the old
    files as they were and nothing new behind. `workers`
    1 renders the stems pass after the mix pass instead of beside it. `made` is
    the origination time the WAVs' bext chunk gives (None: now).

    The mix goes through the master stage (tracker.audio.master: the song's
    master settings); the stems are written as played, so they add up to the
    mix before it.
    """
    fmt, subtype = check_format(fmt, rate, bits)
    if timeline is None:
        timeline = compile_range(song, from_order, to_order)
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
    mix_job = mix_pass(timeline, patches, font, synth_settings, audible, tail)
    stems_job = stems_pass(timeline, patches, font, synth_settings, tail) if stems else None
    mix_path = out_dir / f"mix.{fmt}"
    tag = Tag(song.title, "mix", when=made)
    clipped: list[str] = []
    stem_clipped: list[str] = []
    with staging:
        # With a loudness target the limiter reads the mix's peaks, spooled beside it.
        peaks = staging.scratch("mix.peaks") if song.master.loudness is not None else None
        mix_sink = MixSink(staging.scratch("mix.f32"), mix_path, rate, peaks)
        stem_sink: StemSink | None = None
        if stems_job is not None:
            writers = {
                t: AudioWriter(
                    staging, path, rate, fmt, subtype, replace(tag, part=song.tracks[t].name)
                )
                for t, path in stem_paths.items()
            }
            body = body_frames(stems_job)
            stem_sink = StemSink(writers, stems_job.group_of, stems_job.groups, body, rate)
        # The song's own length at least, even when every track is muted.
        length = round(total * rate)

        def mix_done() -> None:
            nonlocal length
            length = max(length, mix_sink.frames)
            mix_sink.pad_to(length)
            if stem_sink is not None:
                stem_sink.limit = length

        warnings += play_passes(
            mix_job, mix_sink, stems_job, stem_sink or _nowhere, progress, workers, mix_done
        )
        progress.finish()
        stem_levels: list[Loudness] = []
        if stem_sink is not None:
            levels = stem_sink.finish(length)
            stem_levels = [levels[t] for t in sorted(levels)]
            for t in sorted(stem_sink.writers):
                stem_sink.writers[t].close(stem_clipped)
        # The stems are written as played; only the mix goes through the master stage.
        writer = AudioWriter(staging, mix_path, rate, fmt, subtype, tag)
        mastered = mix_sink.master_into(writer, song.master)
        mix_sink.close()
        writer.close(clipped)
        warnings += _master_warnings(mastered)
        report = BounceReport(
            mix=mix_path,
            master=mastered,
            stem_levels=stem_levels,
            duration=length / rate,
            warnings=sorted(set(warnings)) + clipped + stem_clipped,
        )
        for t, stem in sorted(stem_paths.items()):
            report.stems.append(stem)
            if midi_writer is not None:
                midi = stem.with_suffix(".mid")
                write_midi(staging, midi, midi_writer, keep_tracks(timeline, {t}), song, t)
                report.midi.append(midi)
        staging.commit()
    return report


def _nowhere(piece: Grouped) -> None:
    """No stems asked for."""


def _master_warnings(mastered: MasterReport) -> list[str]:
    """A loudness target the master stage could not reach."""
    if mastered.target is None:
        return []
    if mastered.before.lufs is None or mastered.after.lufs is None:
        return ["no loudness target applied: the mix is silent or under 0.4 s"]
    if abs(mastered.after.lufs - mastered.target) > 0.5:
        return [
            f"the mix reaches {mastered.after.lufs:.1f} LUFS, not {mastered.target:.1f}:"
            f" the limiter holds {mastered.ceiling:.1f} dBTP"
        ]
    return []


def compile_range(song: Song, from_order: int, to_order: int | None) -> Timeline:
    """The song from order entry `from_order` to `to_order` inclusive (None: the end);
    the render command compiles it once for the bounce and the session files."""
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


def safe_name(name: str) -> str:
    """A track name as a file name: letters, digits, '-' and '_' only."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-_")
    return cleaned[:40] or "track"
