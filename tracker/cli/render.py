"""`tracker render SONG -o DIR`: the bounce (tracker.audio.bounce), a progress bar on a
terminal's stderr, then the report: the files written, the length, a row each for
the mix, the mix before the master stage and every stem (integrated loudness, loudness
range, true peak, the gain applied), and any warnings.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from tracker.audio.bounce import BounceReport, bounce
from tracker.audio.loudness import Loudness
from tracker.audio.writing import MidiWriter
from tracker.handover.session import Handover
from tracker.text import visible


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
    seed: int | None = None,
    midi_writer: MidiWriter | None = None,
    sessions: tuple[str, ...] = (),
    loudness: float | None = None,
    true_peak: float | None = None,
) -> int:
    """`tracker render SONG -o DIR ...`: bounce, show progress on a terminal, print the report.
    `seed` replaces the song's (its chance and humanise draws) for this bounce only;
    `loudness` and `true_peak` (--loudness, --true-peak) override the song's master settings.
    """
    from tracker.song.storage import load_song

    song = load_song(song_path)
    if seed is not None:
        song.seed = seed
    if loudness is not None:
        song.master = replace(song.master, loudness=loudness)
    if true_peak is not None:
        song.master = replace(song.master, true_peak=true_peak)
    handover = Handover(song, song_path, out_dir, sessions, stems, from_order, to_order)
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
        timeline=handover.timeline,
        made=_made(),
    )
    print(report_text(report))
    for path in handover.write(report, rate):
        print(f"wrote {path}")
    return 0


def _made() -> datetime | None:
    """When the audio was made, as its bext chunk says: now, or SOURCE_DATE_EPOCH (the
    reproducible-builds convention) so that renders of the same song are the same bytes,
    header included (the samples are the same either way)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch)) if epoch.isdigit() else None


def report_text(report: BounceReport) -> str:
    """The files, the length, then a row per file: integrated loudness, loudness range,
    true peak and the gain the master stage applied; then any warnings."""
    done = report.master
    count = f" and {len(report.stems)} stems" if report.stems else ""
    name = max([len(p.name) for p in report.stems] + [len("before master")]) + 2
    lines = [
        f"wrote {report.mix}{count}",
        f"length {report.duration:.2f} s",
        f"{'':{name}}{'loudness':>11}{'range':>9}{'true peak':>12}  gain",
        _row(report.mix.name, name, done.after, _gain(report)),
        _row("before master", name, done.before, ""),
    ]
    lines += [
        _row(path.name, name, level, "pre-master")
        for path, level in zip(report.stems, report.stem_levels, strict=True)
    ]
    if report.stems:
        lines.append(
            "the stems are written before the master stage: they add up to the mix before it"
        )
    lines += [f"warning: {w}" for w in report.warnings]
    return "\n".join(visible(line) for line in lines)


def _row(label: str, width: int, level: Loudness, gain: str) -> str:
    lufs = f"{level.lufs:.1f} LUFS" if level.lufs is not None else "n/a"
    lra = f"{level.lra:.1f} LU" if level.lra is not None else "n/a"
    peak = f"{level.true_peak:.1f} dBTP" if level.true_peak > -math.inf else "silent"
    return f"{label:{width}}{lufs:>11}{lra:>9}{peak:>12}  {gain}".rstrip()


def _gain(report: BounceReport) -> str:
    """The master stage's gain, and why."""
    done = report.master
    text = f"{done.gain_db:+.1f} dB"
    if done.target is not None and done.before.lufs is not None:
        text += f" to {done.target:.1f} LUFS"
        if done.limited_db > 0.05:
            text += f", limited up to {done.limited_db:.1f} dB at {done.ceiling:.1f} dBTP"
    elif done.lowered_db > 0.0:
        text += f": lowered {done.lowered_db:.1f} dB to the {done.ceiling:.1f} dBTP ceiling"
    return text
