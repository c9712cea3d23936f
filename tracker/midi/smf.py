"""Standard MIDI Files: export (smf_export) and import (smf_import). The
`tracker export-midi` and `import-midi` commands built on them are in tracker.cli.midi.
"""

from __future__ import annotations

from tracker.midi.smf_export import DEFAULT_PPQ, export_song, export_timeline, timeline_to_bytes
from tracker.midi.smf_import import ImportReport, TempoChange, TracksBy, import_midi

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

