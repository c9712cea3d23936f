"""Standard MIDI Files: export (smf_export), import (smf_import) and the two
`tracker` subcommands built on them.

    tracker export-midi SONG.toml -o FILE.mid
    tracker import-midi FILE.mid -o SONG.toml [--lpb N] [--tracks-by channel|track] [--force]
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker.errors import UsageError
from tracker.midi.smf_export import DEFAULT_PPQ, export_song, export_timeline, timeline_to_bytes
from tracker.midi.smf_import import ImportReport, TempoChange, TracksBy, import_midi
from tracker.song.storage import load_song, save_song

__all__ = [
    "DEFAULT_PPQ",
    "ImportReport",
    "TempoChange",
    "TracksBy",
    "export_command",
    "export_song",
    "export_timeline",
    "import_command",
    "import_midi",
    "timeline_to_bytes",
]


def export_command(song_path: Path, output: Path) -> int:
    """`tracker export-midi`: the song file -> a type 1 MIDI file."""
    song = load_song(song_path)
    export_song(song, output)
    print(f"wrote {output}: {len(song.tracks)} tracks, {song.bpm:g} bpm")
    return 0


def import_command(
    midi_path: Path,
    output: Path,
    *,
    lpb: int = 4,
    tracks_by: TracksBy = "channel",
    force: bool = False,
) -> int:
    """`tracker import-midi`: a MIDI file -> a new song file, then what the import changed."""
    if os.path.exists(output) and not force:
        raise UsageError(f"{output} already exists (use --force to overwrite it)")
    song, report = import_midi(midi_path, lpb=lpb, tracks_by=tracks_by)
    save_song(song, output)
    lines = sum(song.patterns[name].lines for name in song.order)
    print(
        f"wrote {output}: {len(song.tracks)} tracks, {len(song.instruments)} instruments, "
        f"{lines} lines in {len(song.patterns)} pattern{'s' if len(song.patterns) != 1 else ''}"
    )
    for line in report.summary():
        print(f"  {line}")
    return 0
