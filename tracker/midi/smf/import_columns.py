"""MIDI import: where the content goes before it is cut into patterns, and the notes
spread over note columns.

`Placed` holds the song's content at absolute lines. A note column's cells (most of a
big file: two a note) are kept as two flat sequences, its lines in order (an `array`)
and its cells, rather than a dict entry under a (track, column, line) tuple each: a
million notes took 300 MB that way. What comes after the notes (an instrument written
where a lane starts early, the effects) goes into a small dict over them.

`spread` lays one part's notes over columns, as import_.py's docstring says, and `fill`
writes a column's cells. They are apart from import_song.py because they are the loops
over every note.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import chain, compress, repeat
from operator import itemgetter, ne
from typing import NamedTuple

from tracker.midi.smf.import_events import Note
from tracker.midi.smf.import_tempo import Grid
from tracker.song.model import NOTE_OFF, Cell

Key = tuple[int, int, int]
"""(track, column or lane, line)."""

_NOTE_OFF = Cell(note=NOTE_OFF)
_START_PITCH_END = itemgetter(4, 2, 5)
"""A Note's start, pitch and end: the order notes take columns in (ties: file order)."""
_LINE, _END, _NOTE = itemgetter(0), itemgetter(1), itemgetter(2)
"""A placed note's start line, end line and Note."""
_START, _STRUCK = itemgetter(4), itemgetter(2, 6, 3)
"""A Note's start tick; its pitch, instrument and velocity (a cell's first fields)."""


@dataclass
class Column:
    """One note column's cells, its lines rising."""

    lines: array[int] = field(default_factory=lambda: array("q"))
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Placed:
    """Sparse song content at absolute lines."""

    columns: dict[tuple[int, int], Column] = field(default_factory=dict)
    """(track, column) -> the notes' cells."""
    cells: dict[Key, Cell] = field(default_factory=dict)
    """(track, column, line) -> a cell set after the notes, over theirs; its effects are
    in `effects` until `pad_effects`."""
    effects: dict[Key, dict[str, int]] = field(default_factory=dict)
    """(track, column, line) -> effect letter -> value, one effect column each."""
    cc: dict[Key, int] = field(default_factory=dict)
    """(track, lane, line) -> value."""

    def effect(self, key: Key, letter: str, value: int) -> None:
        self.effects.setdefault(key, {})[letter] = value

    def get(self, key: Key) -> Cell | None:
        cell = self.cells.get(key)
        if cell is not None:
            return cell
        column = self.columns.get(key[:2])
        if column is None:
            return None
        i = bisect.bisect_left(column.lines, key[2])
        if i < len(column.lines) and column.lines[i] == key[2]:
            return column.cells[i]
        return None

    def pad_effects(self, widths: list[int]) -> None:
        """Every cell gets as many effect slots as its track's effect columns (`widths`)."""
        padded: dict[int, Cell] = {}

        def pad(cell: Cell, width: int) -> Cell:
            if len(cell.effects) == width:
                return cell
            known = padded.get(id(cell))
            if known is None:  # the cells are shared: each is padded once
                known = padded[id(cell)] = replace(
                    cell, effects=(*cell.effects, *([None] * (width - len(cell.effects))))
                )
            return known

        for (track, _), column in self.columns.items():
            width = widths[track]
            distinct = dict(zip(map(id, column.cells), column.cells, strict=True)).values()
            if any(len(cell.effects) != width for cell in distinct):
                column.cells = [pad(cell, width) for cell in column.cells]
        for key, cell in self.cells.items():
            self.cells[key] = pad(cell, widths[key[0]])

    def lines_of(
        self, starts: list[int]
    ) -> Iterator[tuple[int, int, int, list[int], list[Cell], int]]:
        """Each note column's cells cut at the pattern `starts`: (pattern, track, column,
        lines, cells, first line of the pattern)."""
        for (track, column), content in self.columns.items():
            lines = content.lines
            for i, start in enumerate(starts):
                low = bisect.bisect_left(lines, start)
                stop = starts[i + 1] if i + 1 < len(starts) else None
                high = len(lines) if stop is None else bisect.bisect_left(lines, stop, low)
                if high > low:
                    yield i, track, column, lines[low:high].tolist(), content.cells[low:high], start


class PartPlace(NamedTuple):
    """A part's notes placed: what the rest of the import needs of them."""

    columns: list[list[tuple[int, int, Note]]]
    """Note columns in order: (start line, end line, note) each, by start."""
    lengthened: int
    """Notes shorter than a line, kept one line long."""


def spread(notes: list[Note], grid: Grid) -> PartPlace:
    """One part's notes over note columns: each takes the leftmost column free by its
    start line, so overlapping notes sit side by side and none cuts another short."""
    column_ends: list[int] = []
    columns: list[list[tuple[int, int, Note]]] = []
    # Grid.line inlined (a million notes): the nearest line, half-way rounding later.
    # A start's line rises with its tick, so notes by (start, pitch, end) are by line too.
    lpb2, tpb, tpb2 = 2 * grid.lpb, grid.tpb, 2 * grid.tpb
    lengthened = 0
    for note in sorted(notes, key=_START_PITCH_END):  # stable: equal notes keep file order
        start = (lpb2 * note[4] + tpb) // tpb2  # note.start, note.end by index: a bit faster
        end = (lpb2 * note[5] + tpb) // tpb2
        if end <= start:
            end = start + 1
            lengthened += 1
        for column, free in enumerate(column_ends):  # noqa: B007 (the first free by then)
            if free <= start:
                break
        else:
            column = len(columns)
            columns.append([])
            column_ends.append(0)
        column_ends[column] = end
        columns[column].append((start, end, note))
    return PartPlace(columns, lengthened)


def fill(
    placed: Placed,
    track: int,
    c: int,
    column_notes: list[tuple[int, int, Note]],
    shared: dict[tuple[int, int, int], Cell],
    starts: tuple[array[int], array[int]],
) -> None:
    """Write one column's notes: a cell where each starts, OFF where it ends unless the
    column's next note starts there (it ends the note). Each note's start line and tick
    go onto `starts` (for the report of how far notes moved).

    Every step is a C loop (map, zip, compress) over the column, not a Python one over
    its notes: a big file has a million."""
    notes = list(map(_NOTE, column_notes))
    struck = list(map(_STRUCK, notes))
    for new in set(struck).difference(shared):  # equal cells are one object
        shared[new] = Cell(*new)
    lines = list(map(_LINE, column_notes))
    ends = list(map(_END, column_notes))
    # An OFF where a note ends, unless the next note starts there (then it ends it).
    offs = list(map(ne, ends, [*lines[1:], -1]))
    keep = list(chain.from_iterable(zip(repeat(True), offs, strict=False)))
    content = placed.columns[(track, c)] = Column()
    content.lines.extend(compress(chain.from_iterable(zip(lines, ends, strict=True)), keep))
    cells = map(shared.__getitem__, struck)
    content.cells = list(
        compress(chain.from_iterable(zip(cells, repeat(_NOTE_OFF), strict=False)), keep)
    )
    starts[0].extend(lines)
    starts[1].extend(map(_START, notes))
