"""Standard MIDI File -> Song: notes quantised to lines, voices spread over note
columns so that none is lost or cut short, and a report of what moved or was left out.

The rules, in the order they apply:
- Time: a tick becomes a line at `lpb` lines per beat, rounded to the nearest
  line (half-way rounds later). Tempo never moves a note: lines count beats.
- Notes: each note-on pairs with the first still-open note-on of its pitch on
  its channel (first in, first out), so a retriggered or overlapping pitch keeps
  both notes. A note starts on its rounded start line and ends with OFF on its
  rounded end line; a note that rounds to nothing keeps one line.
- Columns: within a part (a channel, or a MIDI track), a note takes the leftmost
  column that is free by its start line, so overlapping notes sit side by side
  and none cuts another short. A part that needs more columns than a track may
  have (12, or `max_columns`) goes on in more tracks ("Pad", "Pad 2", ...): no
  note is left out for want of a column. A note whose column's next note starts
  on its end line needs no OFF: the next note ends it.
- Instruments: one per (channel, bank, program) in order of first use, on that
  channel; channel 10 is always a GM drum kit (bank 128).
- Tempo: the tempo at the first tick becomes the song's bpm (two decimals,
  20-999). Later, each line plays as long as it does in the file: where the file
  changes tempo (once or several times in one line) a Txx says its tempo, or,
  when that would put the line off by more than a tenth of a line, the line's
  mean tempo; Txx says whole bpm (32-255), so whenever the song's time strays a
  tenth of a line from the file's, a Txx a bpm either side brings it back. Only a
  tempo beyond what Txx can say lets notes drift; the report lists those.
- Pitch bends become Wxx (the 14-bit value / 64, W80 the centre) on their line,
  the last of a line kept; a note that starts while its channel is bent says the
  bend again (a new note recentres the bend unless its line sets W). W rather
  than a bend lane: W is what the engine, the editor and the exporter already
  know, it sits with the notes it bends, and one value a line is what a lane
  could hold too.
- CCs: every controller (sustain, modulation, volume, pan, expression, cutoff,
  reverb ...) becomes a CC lane of its part's first track (one value a line: the
  last wins; 8 lanes a track); a lane or bend before the track's first note gets
  that note's instrument written on its line, so it reaches the right channel.
  Bank select (CC 0/32) picks instruments; parameter numbers, data entry and
  channel mode messages are left out and reported.
- Time signatures: with no lines per beat asked for, 4, or 8 for x/32 (a line for
  each note of the signature's value). Patterns are whole bars (4 bars of 3/4 are
  48 lines: the most bars a power of two up to 64 lines), a new pattern starting at
  each change of signature; a bar that is not a whole number of lines, or a pattern
  length asked for, keeps patterns as they are and the report says so.
- Title: the conductor's first track name (or text at its start) that is not a
  generic one ("Conductor", "Track 1", "Tempo" ...); else the file's name.
- Other events, and notes below C-0, are counted in the report as left out, by kind.
- Length: patterns of `pattern_lines` lines (64 by default, or whole bars),
  identical ones written once; silence after the last event is kept up to one
  pattern's length.
"""

from __future__ import annotations

import gc
from pathlib import Path

from tracker.errors import UsageError
from tracker.midi.smf.import_events import Collector, TracksBy, title
from tracker.midi.smf.import_read import fast_track
from tracker.midi.smf.import_report import ImportReport
from tracker.midi.smf.import_song import SongBuilder
from tracker.midi.smf.import_tempo import Grid
from tracker.midi.smf.read import read_midi
from tracker.song.fileformat import LPB_RANGE
from tracker.song.model import MAX_LINES, MAX_NOTE_COLUMNS, Song

DEFAULT_LPB = 4


def import_midi(
    path: str | Path,
    *,
    lpb: int | None = None,
    tracks_by: TracksBy = "channel",
    pattern_lines: int | None = None,
    max_columns: int | None = None,
) -> tuple[Song, ImportReport]:
    """Read a type 0 or type 1 MIDI file into a new song.

    `tracks_by="channel"` makes a tracker track per MIDI channel; `"track"` one
    per MIDI track (the tempo-only first track of a type 1 file is skipped).
    `lpb` None: 4 lines per beat, or finer when a time signature's note value
    needs it (8 for x/32). `pattern_lines` None: whole bars of the time
    signature, about 64 lines. `max_columns` None: up to 12 note columns a track.
    """
    if lpb is not None and not LPB_RANGE[0] <= lpb <= LPB_RANGE[1]:
        raise UsageError(f"lines per beat must be {LPB_RANGE[0]} to {LPB_RANGE[1]}, not {lpb}")
    if tracks_by not in ("channel", "track"):
        raise UsageError(f'tracks by "{tracks_by}"? Expected "channel" or "track"')
    if pattern_lines is not None and not 1 <= pattern_lines <= MAX_LINES:
        raise UsageError(f"pattern length must be between 1 and {MAX_LINES} lines")
    if max_columns is not None and not 1 <= max_columns <= MAX_NOTE_COLUMNS:
        raise UsageError(f"note columns a track must be 1 to {MAX_NOTE_COLUMNS}, not {max_columns}")
    # A big file makes millions of small objects that all live until the song is made:
    # the cyclic garbage collector would walk them again and again and find nothing
    # (half the time of a 10 MB import, measured).
    collecting = gc.isenabled()
    gc.disable()
    try:
        midi = read_midi(path, fast_track)
        report = ImportReport()
        events = Collector(midi, tracks_by, path, report).run()
        if lpb is None:
            lpb = _lpb_for(events.meters)
        report.lpb = lpb
        grid = Grid(midi.ticks_per_beat, lpb)
        name = title(midi, path)
        del midi  # the file's messages are all in `events` now: let them go
        builder = SongBuilder(events, grid, report, title=name, path=path, max_columns=max_columns)
        song = builder.build(pattern_lines)
    finally:
        if collecting:
            gc.enable()
    return song, report


def _lpb_for(meters: list[tuple[int, int, int]]) -> int:
    """4 lines a beat, or as many as a line per note of the time signatures' note value."""
    lpb = DEFAULT_LPB
    for _, _, denominator in meters:
        while lpb * 4 % denominator and lpb * 2 <= LPB_RANGE[1]:
            lpb *= 2
    return lpb
