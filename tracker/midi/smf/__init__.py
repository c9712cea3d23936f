"""Standard MIDI Files, read and written: read.py checks a file's chunks and hands each
track to mido, export.py writes a timeline as a type 1 file (write.py: the bytes), import_.py turns a file into a
new song (import_read.py reads a track's events fast, import_events.py merges and pairs
them, import_song.py places them, with import_columns.py for the note columns,
import_tempo.py for ticks, lines and tempo and import_patterns.py for cutting patterns;
import_report.py says what moved or was left out). The `tracker export-midi` and
`import-midi` commands built on them are in tracker.cli.midi.
"""

from __future__ import annotations

from tracker.midi.smf.export import DEFAULT_PPQ, export_song, export_timeline, timeline_to_bytes
from tracker.midi.smf.import_ import import_midi
from tracker.midi.smf.import_events import TracksBy
from tracker.midi.smf.import_report import ImportReport, TempoChange

__all__ = [
    "DEFAULT_PPQ",
    "ImportReport",
    "TempoChange",
    "TracksBy",
    "export_song",
    "export_timeline",
    "import_midi",
    "timeline_to_bytes",
]
