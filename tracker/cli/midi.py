"""`tracker export-midi` and `tracker import-midi`: the Standard MIDI File commands.

    tracker export-midi SONG.toml -o FILE.mid [--seed N]
    tracker import-midi FILE.mid -o SONG.toml [--lpb N] [--tracks-by channel|track]
        [--max-columns N] [--force]

The reading and writing is tracker.midi.smf's; this prints what was written and what
the import changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker.errors import UsageError
from tracker.midi.smf import export_song
from tracker.midi.smf.import_ import import_midi
from tracker.midi.smf.import_events import TracksBy
from tracker.song.storage import load_song, save_song


def export_command(song_path: Path, output: Path, *, seed: int | None = None) -> int:
    """`tracker export-midi`: the song file -> a type 1 MIDI file (`seed` replaces the
    song's for this export only)."""
    song = load_song(song_path)
    if seed is not None:
        song.seed = seed
    export_song(song, output)
    print(f"wrote {output}: {len(song.tracks)} tracks, {song.bpm:g} bpm")
    return 0


def import_command(
    midi_path: Path,
    output: Path,
    *,
    lpb: int | None = None,
    tracks_by: TracksBy = "channel",
    max_columns: int | None = None,
    force: bool = False,
) -> int:
    """`tracker import-midi`: a MIDI file -> a new song file, then what the import changed."""
    if os.path.exists(output) and not force:
        raise UsageError(f"{output} already exists (use --force to overwrite it)")
    song, report = import_midi(midi_path, lpb=lpb, tracks_by=tracks_by, max_columns=max_columns)
    save_song(song, output, check="cells")
    lines = sum(song.patterns[name].lines for name in song.order)
    print(
        f"wrote {output}: {len(song.tracks)} tracks, {len(song.instruments)} instruments, "
        f"{lines} lines in {len(song.patterns)} pattern{'s' if len(song.patterns) != 1 else ''}"
    )
    for line in report.summary():
        print(f"  {line}")
    return 0
