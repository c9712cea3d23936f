"""Standard MIDI File -> Song: notes quantised to lines, voices spread over note
columns so that none is lost or cut short, and a report of what moved or was left out.

The rules, in the order they apply:
- Time: a tick becomes a line at `lpb` lines per beat, rounded to the nearest
  line (half-way rounds later). Tempo never moves a note: lines count beats.
- Notes: each note-on pairs with the first still-open note-on of its pitch on
  its channel (first in, first out), so a retriggered or overlapping pitch keeps
  both notes. A note starts on its rounded start line and ends with OFF on its
  rounded end line; a note that rounds to nothing keeps one line.
- Columns: within a tracker track, a note takes the leftmost column that is
  free by its start line, so overlapping notes sit side by side and none cuts
  another short. A note whose column's next note starts on its end line needs no
  OFF: the next note ends it.
- Instruments: one per (channel, bank, program) in order of first use, on that
  channel; channel 10 is always a GM drum kit (bank 128).
- Tempo: the tempo at the first tick becomes the song's bpm (two decimals,
  20-999); each later change becomes a Txx effect on its line in the first
  track's first column (whole bpm, 32-255); the report lists every rounding.
- CCs 1, 7, 10, 11 and 74 become CC lanes (one value a line: the last wins);
  bank select (CC 0/32) picks instruments. Every other event, and any note the
  song cannot hold (below C-0, a 13th voice at once), is counted in the report
  as left out, by kind.
- Length: patterns of `pattern_lines` lines, identical ones written once;
  silence after the last event is kept up to one pattern's length.
"""

from __future__ import annotations

from pathlib import Path

from tracker.errors import UsageError
from tracker.midi.smf.import_events import Collector, TracksBy, title
from tracker.midi.smf.import_report import ImportReport
from tracker.midi.smf.import_song import Grid, SongBuilder
from tracker.midi.smf.read import read_midi
from tracker.song.fileformat import LPB_RANGE
from tracker.song.model import MAX_LINES, Song


def import_midi(
    path: str | Path,
    *,
    lpb: int = 4,
    tracks_by: TracksBy = "channel",
    pattern_lines: int = 64,
) -> tuple[Song, ImportReport]:
    """Read a type 0 or type 1 MIDI file into a new song.

    `tracks_by="channel"` makes a tracker track per MIDI channel; `"track"` one
    per MIDI track (the tempo-only first track of a type 1 file is skipped).
    """
    if not LPB_RANGE[0] <= lpb <= LPB_RANGE[1]:
        raise UsageError(f"lines per beat must be {LPB_RANGE[0]} to {LPB_RANGE[1]}, not {lpb}")
    if tracks_by not in ("channel", "track"):
        raise UsageError(f'tracks by "{tracks_by}"? Expected "channel" or "track"')
    if not 1 <= pattern_lines <= MAX_LINES:
        raise UsageError(f"pattern length must be between 1 and {MAX_LINES} lines")
    midi = read_midi(path)
    report = ImportReport()
    grid = Grid(midi.ticks_per_beat, lpb)
    events = Collector(midi, tracks_by, path, report).run()
    builder = SongBuilder(events, grid, report, title=title(midi, path), path=path)
    song = builder.build(pattern_lines)
    return song, report
