"""`tracker render SONG -o DIR`: the bounce (tracker.audio.bounce), a progress bar on a
terminal's stderr, then the report: the files written, the length, the level and
any warnings.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from tracker.audio.bounce import bounce
from tracker.audio.writing import MidiWriter
from tracker.handover.session import Handover


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
    sessions: tuple[str, ...] = (),
    loudness: float | None = None,
    true_peak: float | None = None,
) -> int:
    """`tracker render SONG -o DIR ...`: bounce, show progress on a terminal, print the report.

    `loudness` and `true_peak` (--loudness, --true-peak) override the song's master settings.
    """
    from tracker.song.storage import load_song

    song = load_song(song_path)
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
    )
    print(report.summary())
    for path in handover.write(report, rate):
        print(f"wrote {path}")
    return 0
