"""Where block edits act: columns of tracks (lanes), the selection rectangle, the clipboard.

Columns of a track are counted the way the cursor moves through them: its note
columns first, then its CC lanes. A track with 2 note columns and a "cutoff"
lane has columns 0, 1 (notes) and 2 (cutoff).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.errors import EditError
from tracker.song.edit.base import Swap, check_line, find_pattern, find_track
from tracker.song.model import Cell, Pattern, PatternTrack, Song, Track, empty_cell


def column_count(track: Track) -> int:
    """Columns the cursor visits in a track: note columns, then CC lanes."""
    return track.notes + len(track.cc)


@dataclass(frozen=True)
class Lane:
    """One column of one track within a pattern: a note column's cells or a CC lane's values."""

    track_index: int
    track: Track
    part: PatternTrack
    column: int

    @property
    def is_notes(self) -> bool:
        return self.column < self.track.notes

    @property
    def cells(self) -> list[Cell]:
        assert self.is_notes
        return self.part.columns[self.column]

    @property
    def values(self) -> list[int | None]:
        assert not self.is_notes
        return self.part.cc[self.column - self.track.notes]

    def empty(self) -> Cell | None:
        """What a cleared line of this lane holds."""
        return empty_cell(self.track.effects) if self.is_notes else None

    def replace_all(self, items: Sequence[object]) -> Swap:
        """A swap putting a whole new list in this lane's place."""
        if self.is_notes:
            return Swap(self.part.columns, self.column, items)
        return Swap(self.part.cc, self.column - self.track.notes, items)

    def items(self) -> list[Cell] | list[int | None]:
        return self.cells if self.is_notes else self.values


def lane(song: Song, pattern: Pattern, track: int, column: int) -> Lane:
    found = find_track(song, track)
    if not 0 <= column < column_count(found):
        raise EditError(
            f'track "{found.name}" has no column {column + 1} '
            f"(it has {column_count(found)}: {found.notes} note, {len(found.cc)} CC)"
        )
    return Lane(track, found, pattern.tracks[track], column)


def track_lanes(song: Song, pattern: Pattern, track: int) -> list[Lane]:
    found = find_track(song, track)
    return [lane(song, pattern, track, c) for c in range(column_count(found))]


def lanes_from(song: Song, pattern: Pattern, track: int, column: int) -> list[Lane]:
    """Every lane from (track, column) to the right edge of the song, in cursor order."""
    first = lane(song, pattern, track, column)
    result = [first]
    result += [lane(song, pattern, track, c) for c in range(column + 1, column_count(first.track))]
    for t in range(track + 1, len(song.tracks)):
        result += track_lanes(song, pattern, t)
    return result


@dataclass(frozen=True)
class Selection:
    """A rectangle of a pattern: lines start..end and columns (track, column)..(track, column).

    All bounds are inclusive and may be given in either order (anchor and cursor);
    they are stored sorted. The column range runs in cursor order, so it can
    start in the middle of one track and end in the middle of another.
    """

    pattern: str
    start_line: int
    end_line: int
    start_track: int = 0
    start_column: int = 0
    end_track: int = 0
    end_column: int = 0

    def __post_init__(self) -> None:
        if self.start_line > self.end_line:
            start, end = self.end_line, self.start_line
            object.__setattr__(self, "start_line", start)
            object.__setattr__(self, "end_line", end)
        if (self.start_track, self.start_column) > (self.end_track, self.end_column):
            start_track, start_column = self.end_track, self.end_column
            object.__setattr__(self, "end_track", self.start_track)
            object.__setattr__(self, "end_column", self.start_column)
            object.__setattr__(self, "start_track", start_track)
            object.__setattr__(self, "start_column", start_column)

    @classmethod
    def whole_pattern(cls, song: Song, pattern: str) -> Selection:
        last = len(song.tracks) - 1
        return cls(
            pattern,
            0,
            find_pattern(song, pattern).lines - 1,
            0,
            0,
            last,
            column_count(find_track(song, last)) - 1,
        )

    @classmethod
    def whole_track(cls, song: Song, pattern: str, track: int) -> Selection:
        return cls(
            pattern,
            0,
            find_pattern(song, pattern).lines - 1,
            track,
            0,
            track,
            column_count(find_track(song, track)) - 1,
        )

    @classmethod
    def whole_column(cls, song: Song, pattern: str, track: int, column: int) -> Selection:
        return cls(pattern, 0, find_pattern(song, pattern).lines - 1, track, column, track, column)

    @property
    def line_count(self) -> int:
        return self.end_line - self.start_line + 1

    @property
    def lines(self) -> range:
        return range(self.start_line, self.end_line + 1)

    def lanes(self, song: Song) -> list[Lane]:
        """The selected lanes, checking that the selection fits the song."""
        pattern = find_pattern(song, self.pattern)
        check_line(self.pattern, pattern, self.start_line)
        check_line(self.pattern, pattern, self.end_line)
        lane(song, pattern, self.end_track, self.end_column)
        span = lanes_from(song, pattern, self.start_track, self.start_column)
        return [
            ln for ln in span if (ln.track_index, ln.column) <= (self.end_track, self.end_column)
        ]


@dataclass(frozen=True)
class NoteColumnClip:
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class CCLaneClip:
    values: tuple[int | None, ...]


ClipColumn = NoteColumnClip | CCLaneClip


@dataclass(frozen=True)
class Clipboard:
    """Copied lanes, left to right; a plain value the UI keeps between copy and paste."""

    columns: tuple[ClipColumn, ...]
    lines: int


def copy_selection(song: Song, selection: Selection) -> Clipboard:
    """The selected part of the pattern as a Clipboard (copying is not an edit)."""
    rows = slice(selection.start_line, selection.end_line + 1)
    columns: list[ClipColumn] = [
        NoteColumnClip(tuple(ln.cells[rows])) if ln.is_notes else CCLaneClip(tuple(ln.values[rows]))
        for ln in selection.lanes(song)
    ]
    return Clipboard(tuple(columns), selection.line_count)
