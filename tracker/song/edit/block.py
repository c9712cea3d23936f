"""Block edits: clear, cut, paste, transpose, interpolate over a selection; insert and delete lines.

Transpose refuses rather than clamps: a note pushed past C-0 or G-9 raises
EditError naming it, and nothing moves. Clamping would squash notes onto the
edge, and transposing back would not give the music back.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace

from tracker.errors import EditError
from tracker.song.edit.base import Edit, Swap, check_line, find_pattern
from tracker.song.edit.cells import fit_effects
from tracker.song.edit.selection import (
    CCLaneClip,
    Clipboard,
    Lane,
    NoteColumnClip,
    Selection,
    lanes_from,
    track_lanes,
)
from tracker.song.model import HIGHEST_NOTE, LOWEST_NOTE, Cell, Effect, Song, is_pitch
from tracker.song.notation import format_note


def _lines(count: int) -> str:
    return f"{count} line{'s' if count != 1 else ''}"


@dataclass
class ClearSelection(Edit):
    """Empty every selected cell and CC value."""

    selection: Selection

    @property
    def label(self) -> str:
        return f"Clear {_lines(self.selection.line_count)}"

    def plan(self, song: Song) -> list[Swap]:
        swaps = []
        for ln in self.selection.lanes(song):
            items = ln.items()
            swaps += [
                Swap(items, i, ln.empty()) for i in self.selection.lines if items[i] != ln.empty()
            ]
        return swaps


@dataclass
class Cut(ClearSelection):
    """Clear, under the name the musician used; take `copy_selection` first."""

    @property
    def label(self) -> str:
        return f"Cut {_lines(self.selection.line_count)}"


def mix(under: Cell, over: Cell) -> Cell:
    """Mix-paste: the fields of `under` that are empty take the ones from `over`."""
    return Cell(
        note=under.note if under.note is not None else over.note,
        instrument=under.instrument if under.instrument is not None else over.instrument,
        volume=under.volume if under.volume is not None else over.volume,
        effects=tuple(
            u if u is not None else o for u, o in zip(under.effects, over.effects, strict=True)
        ),
    )


@dataclass
class Paste(Edit):
    """Paste a clipboard with its top-left corner at the cursor.

    Lines past the pattern's end and columns past the song's last track are
    dropped. A copied note column only lands on a note column and a CC lane on
    a CC lane; where they differ, that column is skipped. Effects are fitted to
    the receiving track (extra slots dropped, missing ones empty). With `mix`,
    only empty fields are written, so existing notes stay.
    """

    pattern: str
    line: int
    track: int
    column: int
    clipboard: Clipboard
    mix: bool = False

    @property
    def label(self) -> str:
        return f"{'Mix-paste' if self.mix else 'Paste'} {_lines(self.clipboard.lines)}"

    def plan(self, song: Song) -> list[Swap]:
        found = find_pattern(song, self.pattern)
        check_line(self.pattern, found, self.line)
        if not self.clipboard.columns or self.clipboard.lines == 0:
            raise EditError("the clipboard is empty: copy a selection first")
        targets = lanes_from(song, found, self.track, self.column)
        rows = range(self.line, min(self.line + self.clipboard.lines, found.lines))
        swaps: list[Swap] = []
        for ln, clip in zip(targets, self.clipboard.columns, strict=False):
            if isinstance(clip, NoteColumnClip) and ln.is_notes:
                for row in rows:
                    cell = fit_effects(clip.cells[row - self.line], ln.track, strict=False)
                    swaps.append(
                        Swap(ln.cells, row, mix(ln.cells[row], cell) if self.mix else cell)
                    )
            elif isinstance(clip, CCLaneClip) and not ln.is_notes:
                for row in rows:
                    value = clip.values[row - self.line]
                    if self.mix and ln.values[row] is not None:
                        value = ln.values[row]
                    swaps.append(Swap(ln.values, row, value))
        return swaps


@dataclass
class Transpose(Edit):
    """Move every note in the selection by `semitones`; note-offs, cuts and empties stay."""

    selection: Selection
    semitones: int

    @classmethod
    def octaves(cls, selection: Selection, octaves: int) -> Transpose:
        return cls(selection, 12 * octaves)

    @property
    def label(self) -> str:
        if self.semitones and self.semitones % 12 == 0:
            count = abs(self.semitones) // 12
            return f"Transpose {self.semitones // 12:+d} octave{'s' if count != 1 else ''}"
        return f"Transpose {self.semitones:+d}"

    def plan(self, song: Song) -> list[Swap]:
        if self.semitones == 0:
            raise EditError("transpose by 0 semitones changes nothing")
        return transposed(song, self.selection, self.label, lambda note: note + self.semitones)


def transposed(
    song: Song, selection: Selection, label: str, move: Callable[[int], int]
) -> list[Swap]:
    """Each note of the selection moved by `move` (chromatic or by scale degrees);
    note-offs, cuts and empties stay. A note moved past C-0..G-9 refuses the whole edit."""
    swaps = []
    for ln in selection.lanes(song):
        if not ln.is_notes:
            continue
        for i in selection.lines:
            cell = ln.cells[i]
            if cell.note is None or not is_pitch(cell.note):
                continue
            note = move(cell.note)
            if not LOWEST_NOTE <= note <= HIGHEST_NOTE:
                edge = "below C-0" if note < LOWEST_NOTE else "above G-9"
                raise EditError(
                    f"{label} would take {format_note(cell.note)} on line {i} "
                    f'of track "{ln.track.name}" {edge}'
                )
            swaps.append(Swap(ln.cells, i, replace(cell, note=note)))
    if not swaps:
        raise EditError("there are no notes to transpose in the selection")
    return swaps


def _ramp(first: int, last: int, steps: int) -> list[int]:
    """`steps` values from first to last in a straight line, rounded half up."""
    return [
        (2 * first * (steps - 1) + 2 * (last - first) * i + steps - 1) // (2 * (steps - 1))
        for i in range(steps)
    ]


def _ends(first: int | None, last: int | None, steps: int) -> list[int] | None:
    """The ramp between two values, or None when either end is empty."""
    if first is None or last is None or steps < 2:
        return None
    return _ramp(first, last, steps)


def _cell_ramps(ln: Lane, lines: range) -> list[Cell] | None:
    """A note column's cells with volume and like effects ramped, or None if nothing ramps."""
    top, bottom = ln.cells[lines[0]], ln.cells[lines[-1]]
    volumes = _ends(top.volume, bottom.volume, len(lines))
    effects: list[tuple[str, list[int]] | None] = []
    for a, b in zip(top.effects, bottom.effects, strict=True):
        if a is not None and b is not None and a.command == b.command:
            effects.append((a.command, _ramp(a.value, b.value, len(lines))))
        else:
            effects.append(None)
    if volumes is None and all(e is None for e in effects):
        return None
    cells = []
    for step, line in enumerate(lines):
        cell = ln.cells[line]
        slots = tuple(
            Effect(ramp[0], ramp[1][step]) if ramp else old
            for old, ramp in zip(cell.effects, effects, strict=True)
        )
        volume = cell.volume if volumes is None else volumes[step]
        cells.append(replace(cell, volume=volume, effects=slots))
    return cells


@dataclass
class Interpolate(Edit):
    """Fill each selected column with a straight line from its first value to its last.

    Note columns ramp their volume, and each effect slot whose first and last
    lines hold the same effect letter (V10 ... V7F); CC lanes ramp their value.
    What has no value on both the first and the last line is left alone.
    """

    selection: Selection

    @property
    def label(self) -> str:
        return f"Interpolate {_lines(self.selection.line_count)}"

    def plan(self, song: Song) -> list[Swap]:
        lines = self.selection.lines
        swaps: list[Swap] = []
        for ln in self.selection.lanes(song):
            if ln.is_notes:
                cells = _cell_ramps(ln, lines) if len(lines) > 1 else None
                swaps += [Swap(ln.cells, i, c) for i, c in zip(lines, cells or [], strict=False)]
            else:
                values = _ends(ln.values[lines[0]], ln.values[lines[-1]], len(lines))
                swaps += [Swap(ln.values, i, v) for i, v in zip(lines, values or [], strict=False)]
        if not swaps:
            raise EditError(
                "interpolate needs a volume, an effect or a CC value on both the first and "
                "the last line of the selection"
            )
        return swaps


@dataclass
class _LineShift(Edit):
    """Shared by insert and delete: rebuild the affected lanes, keeping the pattern length."""

    pattern: str
    line: int
    track: int | None = None
    """The track to shift, or None for every track of the pattern."""

    def plan(self, song: Song) -> list[Swap]:
        found = find_pattern(song, self.pattern)
        check_line(self.pattern, found, self.line)
        tracks = range(len(song.tracks)) if self.track is None else [self.track]
        swaps = []
        for t in tracks:
            for ln in track_lanes(song, found, t):
                swaps.append(ln.replace_all(self.shifted(ln.items(), ln.empty())))
        return swaps

    @abstractmethod
    def shifted(self, items: list[Cell] | list[int | None], empty: Cell | None) -> list[object]:
        """The lane's new contents."""


@dataclass
class InsertLine(_LineShift):
    """Push the lines from `line` down by one; the last line falls off the end."""

    @property
    def label(self) -> str:
        return "Insert line"

    def shifted(self, items: list[Cell] | list[int | None], empty: Cell | None) -> list[object]:
        return [*items[: self.line], empty, *items[self.line : -1]]


@dataclass
class DeleteLine(_LineShift):
    """Remove `line` and pull the lines below up; an empty line comes in at the end."""

    @property
    def label(self) -> str:
        return "Delete line"

    def shifted(self, items: list[Cell] | list[int | None], empty: Cell | None) -> list[object]:
        return [*items[: self.line], *items[self.line + 1 :], empty]
