"""Standard MIDI Files, read and written: read.py checks a file's chunks and hands each
track to mido, export.py writes a timeline as a type 1 file (write.py: the bytes), import_.py turns a file into a
new song (import_read.py reads a track's events fast, import_events.py merges and pairs
them, import_song.py places them, with import_columns.py for the note columns,
import_tempo.py for ticks, lines and tempo and import_patterns.py for cutting patterns;
import_report.py says what moved or was left out). The `tracker export-midi` and
`import-midi` commands built on them are in tracker.cli.midi.

Only the export side is named here: importing the package must not import the
reader (and mido), which `tracker render` does not need. `import_midi` is in
tracker.midi.smf.import_.
"""

from __future__ import annotations

from tracker.midi.smf.export import DEFAULT_PPQ, export_song, export_timeline, timeline_to_bytes

__all__ = [
    "DEFAULT_PPQ",
    "export_song",
    "export_timeline",
    "timeline_to_bytes",
]
