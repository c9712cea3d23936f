"""Edits of what is written in a pattern: one cell, one field, one CC value.

Block edits over a selection live in block.py; both write cells through
`Swap`s on the lane lists, so undo puts the old frozen Cell objects back.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, replace
from typing import Literal

from tracker.errors import EditError
from tracker.lanes import WIDE_MAX, is_wide
from tracker.song.edit.base import (
    Edit,
    Swap,
    check_line,
    check_range,
    find_pattern,
    find_track,
)
from tracker.song.edit.selection import Lane, lane
from tracker.song.effects import EFFECTS
from tracker.song.model import (
    HIGHEST_NOTE,
    LOWEST_NOTE,
    NOTE_CUT,
    NOTE_OFF,
    Cell,
    Effect,
    Song,
    Track,
)
from tracker.song.notation import format_byte, format_effect, format_lane_value, format_note

CellField = Literal["note", "instrument", "volume"]


def check_note(note: int | None) -> None:
    if note is not None and note not in (NOTE_OFF, NOTE_CUT):
        check_range("a note", note, LOWEST_NOTE, HIGHEST_NOTE)


def check_effect(effect: Effect | None) -> None:
    if effect is None:
        return
    if effect.command not in EFFECTS:
        raise EditError(f'unknown effect "{effect.command}" (known: {"".join(EFFECTS)})')
    check_range(f"effect {effect.command}'s value", effect.value, 0, 0xFF)


def check_cell(cell: Cell) -> None:
    check_note(cell.note)
    if cell.instrument is not None:
        check_range("the instrument number", cell.instrument, 0, 0xFF)
    if cell.volume is not None:
        check_range("the volume", cell.volume, 0, 0x7F)
    for effect in cell.effects:
        check_effect(effect)


def check_cc(value: int | None, wide: bool = False) -> None:
    if value is not None:
        if wide:
            check_range("a 14-bit CC value", value, 0, WIDE_MAX)
        else:
            check_range("a CC value", value, 0, 0x7F)


def fit_effects(cell: Cell, track: Track, *, strict: bool = True) -> Cell:
    """The cell with exactly the track's number of effect slots.

    Missing slots are filled with empties. With `strict`, an effect that has no
    slot to go to is refused; otherwise it is dropped (pasting into a narrower track).
    """
    slots = track.effects
    if len(cell.effects) == slots:
        return cell
    extra = cell.effects[slots:]
    if strict and any(e is not None for e in extra):
        raise EditError(
            f'track "{track.name}" has {slots} effect column{"s" if slots != 1 else ""}, '
            f"so it has no room for {format_effect(next(e for e in extra if e is not None))}"
        )
    padding = (None,) * max(0, slots - len(cell.effects))
    return replace(cell, effects=cell.effects[:slots] + padding)


def note_lane(song: Song, pattern: str, line: int, track: int, column: int) -> Lane:
    """The note column at a spot, checking that it exists."""
    found = find_pattern(song, pattern)
    check_line(pattern, found, line)
    target = lane(song, found, track, column)
    if not target.is_notes:
        raise EditError(f'column {column + 1} of track "{target.track.name}" is a CC lane')
    return target


@dataclass
class _CellWrite(Edit):
    """Shared by every edit that rewrites one cell from the cell that is there."""

    pattern: str
    line: int
    track: int
    column: int

    @abstractmethod
    def new_cell(self, old: Cell, track: Track) -> Cell: ...

    def plan(self, song: Song) -> list[Swap]:
        target = note_lane(song, self.pattern, self.line, self.track, self.column)
        cell = fit_effects(self.new_cell(target.cells[self.line], target.track), target.track)
        check_cell(cell)
        return [Swap(target.cells, self.line, cell)]


@dataclass
class SetCell(_CellWrite):
    """Write a whole cell (e.g. a typed note with the current instrument and volume)."""

    cell: Cell

    @property
    def label(self) -> str:
        if self.cell.is_empty:
            return "Clear cell"
        return "Set cell" if self.cell.note is None else f"Note {format_note(self.cell.note)}"

    def new_cell(self, old: Cell, track: Track) -> Cell:
        return self.cell


@dataclass
class SetCellField(_CellWrite):
    """Write one field of a cell (note, instrument or volume), keeping the others."""

    field: CellField
    value: int | None

    @property
    def label(self) -> str:
        if self.field == "note":
            return "Clear note" if self.value is None else f"Note {format_note(self.value)}"
        return f"{self.field.capitalize()} {format_byte(self.value)}"

    def new_cell(self, old: Cell, track: Track) -> Cell:
        if self.field == "note":
            return replace(old, note=self.value)
        if self.field == "instrument":
            return replace(old, instrument=self.value)
        return replace(old, volume=self.value)


@dataclass
class SetEffect(_CellWrite):
    """Write one effect slot of a cell; None empties it."""

    slot: int
    effect: Effect | None

    @property
    def label(self) -> str:
        return f"Effect {format_effect(self.effect)}"

    def new_cell(self, old: Cell, track: Track) -> Cell:
        if not 0 <= self.slot < track.effects:
            raise EditError(
                f'track "{track.name}" has no effect column {self.slot + 1} '
                f"(it has {track.effects})"
            )
        effects = list(old.effects)
        effects[self.slot] = self.effect
        return replace(old, effects=tuple(effects))


@dataclass
class SetCC(Edit):
    """Write one automation value; `lane` counts the track's CC lanes from 0."""

    pattern: str
    line: int
    track: int
    lane: int
    value: int | None

    @property
    def label(self) -> str:
        return f"CC {format_lane_value(self.value, self.value is not None and self.value > 0x7F)}"

    def plan(self, song: Song) -> list[Swap]:
        found = find_pattern(song, self.pattern)
        check_line(self.pattern, found, self.line)
        track = find_track(song, self.track)
        if not 0 <= self.lane < len(track.cc):
            raise EditError(
                f'track "{track.name}" has no CC lane {self.lane + 1} (it has {len(track.cc)})'
            )
        target = lane(song, found, self.track, track.notes + self.lane)
        check_cc(self.value, is_wide(track.cc[self.lane]))
        return [Swap(target.values, self.line, self.value)]
