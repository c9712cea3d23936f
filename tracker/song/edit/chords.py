"""Chords on one line of one track: write a chord across the note columns, revoice it.

A chord is the pitched notes on a line of a track, one per note column (the
track's polyphony). `WriteChord` puts a chord's notes in the columns from the
one given, lowest note first, and takes the notes out of the track's further
columns on that line, so the line holds exactly the chord. `Revoice` changes
the notes of the chord already there (an inversion, a voicing) column by column,
keeping each cell's instrument, volume and effects.

Neither grows the track: `chord_with_room` wraps a chord too wide for the
track in one undo step with the SetTrackColumns that makes room.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from tracker.errors import EditError
from tracker.song.edit.base import Batch, Command, Edit, Swap, check_line, find_pattern, find_track
from tracker.song.edit.cells import check_note
from tracker.song.edit.tracks import SetTrackColumns
from tracker.song.model import MAX_NOTE_COLUMNS, Song, is_pitch
from tracker.song.notation import format_note


def chord_at(song: Song, pattern: str, line: int, track: int) -> list[tuple[int, int]]:
    """(column, note) of every pitched note on a line of a track, left to right."""
    found = find_pattern(song, pattern)
    check_line(pattern, found, line)
    find_track(song, track)
    held = []
    for column, cells in enumerate(found.tracks[track].columns):
        note = cells[line].note
        if note is not None and is_pitch(note):
            held.append((column, note))
    return held


def columns_needed(song: Song, track: int, first_column: int, notes: int) -> int:
    """How many note columns the track needs for `notes` notes from `first_column`
    (at least what it has); EditError past the polyphony limit."""
    needed = first_column + notes
    if needed > MAX_NOTE_COLUMNS:
        raise EditError(
            f"a {notes}-note chord from column {first_column + 1} needs {needed} note columns; "
            f"a track has at most {MAX_NOTE_COLUMNS}"
        )
    return max(needed, find_track(song, track).notes)


@dataclass
class WriteChord(Edit):
    """Write `notes` (ascending) into the note columns from `first_column`, with an
    instrument and a volume; the track's further columns lose their notes on that line."""

    pattern: str
    line: int
    track: int
    first_column: int
    notes: tuple[int, ...]
    instrument: int | None
    volume: int | None
    name: str = "Chord"

    @property
    def label(self) -> str:
        return self.name

    def plan(self, song: Song) -> list[Swap]:
        found = find_pattern(song, self.pattern)
        check_line(self.pattern, found, self.line)
        track = find_track(song, self.track)
        if self.first_column + len(self.notes) > track.notes:
            raise EditError(
                f'track "{track.name}" has {track.notes} note column(s): '
                f"{len(self.notes)} notes from column {self.first_column + 1} do not fit"
            )
        columns = found.tracks[self.track].columns
        swaps = []
        for offset, note in enumerate(sorted(self.notes)):
            check_note(note)
            cells = columns[self.first_column + offset]
            old = cells[self.line]
            new = replace(old, note=note, instrument=self.instrument, volume=self.volume)
            swaps.append(Swap(cells, self.line, new))
        for cells in columns[self.first_column + len(self.notes) :]:
            old = cells[self.line]
            if old.note is not None:
                swaps.append(Swap(cells, self.line, replace(old, note=None, instrument=None)))
        return swaps


def chord_with_room(song: Song, chord: WriteChord) -> Command:
    """The chord, with the note columns it needs added first when the track is too narrow
    (one undo step)."""
    needed = columns_needed(song, chord.track, chord.first_column, len(chord.notes))
    if needed == find_track(song, chord.track).notes:
        return chord
    return Batch([SetTrackColumns(chord.track, notes=needed), chord], chord.label)


@dataclass
class Revoice(Edit):
    """Give the chord on a line new notes (the same count), lowest note in the leftmost
    of its columns; instrument, volume and effects stay in their cells."""

    pattern: str
    line: int
    track: int
    notes: tuple[int, ...]
    name: str = "Revoice"

    @property
    def label(self) -> str:
        return self.name

    def plan(self, song: Song) -> list[Swap]:
        held = chord_at(song, self.pattern, self.line, self.track)
        if len(held) != len(self.notes):
            raise EditError(
                f"the chord on line {self.line} has {len(held)} notes, not {len(self.notes)}"
            )
        columns = song.patterns[self.pattern].tracks[self.track].columns
        swaps = []
        for (column, _), note in zip(held, sorted(self.notes), strict=True):
            check_note(note)
            cells = columns[column]
            swaps.append(Swap(cells, self.line, replace(cells[self.line], note=note)))
        return swaps


def spelled(notes: Sequence[int]) -> str:
    """Notes as tracker notation, for messages: "C-4 E-4 G-4"."""
    return " ".join(format_note(n) for n in notes)
