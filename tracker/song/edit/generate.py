"""Generators over a selection: a Euclidean rhythm, thinning, doubling; and a new seed.

Each works on the selected note columns and is one undo step. `euclid` is
Bjorklund's algorithm, which spreads k hits over n steps as evenly as they go
and gives the traditional rhythms Toussaint found in it (E(3,8) is the Cuban
tresillo, x..x..x.); the editor repeats it down the selection.

Thin and double are each other's undo in music, not just in the history:
doubling puts a copy of every note halfway to the next one, thinning keeps
every other note, so thinning a doubled line gives the line back.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.errors import EditError
from tracker.song.edit.base import Edit, Swap, check_range
from tracker.song.edit.cells import fit_effects
from tracker.song.edit.selection import Lane, Selection
from tracker.song.limits import SEED_RANGE
from tracker.song.model import Cell, Song, empty_cell, is_pitch
from tracker.song.notation import format_note


def euclid(hits: int, steps: int, rotation: int = 0) -> tuple[bool, ...]:
    """E(hits, steps, rotation): `hits` onsets spread evenly over `steps` (Bjorklund), read
    from step `rotation` on (E(3,8,2) is .x..x.x., the tresillo started two steps in)."""
    if steps < 1:
        raise EditError(f"a Euclidean rhythm needs at least one step, not {steps}")
    check_range("the hits of a Euclidean rhythm", hits, 0, steps)
    groups: list[list[bool]] = [[True] for _ in range(hits)]
    rest: list[list[bool]] = [[False] for _ in range(steps - hits)]
    while len(rest) > 1 and groups:
        paired = min(len(groups), len(rest))
        merged = [groups[i] + rest[i] for i in range(paired)]
        rest = groups[paired:] if len(groups) > paired else rest[paired:]
        groups = merged
    pattern = [step for group in groups + rest for step in group]
    shift = rotation % steps
    return tuple(pattern[shift:] + pattern[:shift])


def _note_lanes(song: Song, selection: Selection) -> list[Lane]:
    lanes = [ln for ln in selection.lanes(song) if ln.is_notes]
    if not lanes:
        raise EditError("select note columns: CC lanes have no notes")
    return lanes


def _notes(ln: Lane, lines: range) -> list[int]:
    """The lines of a lane, within `lines`, that start a note."""
    return [i for i in lines if is_pitch(ln.cells[i].note)]


@dataclass
class EuclidFill(Edit):
    """Fill each selected note column with E(hits, steps, rotation) of `cell` (a note with
    its instrument, volume and effects), repeated down the selection; the lines between
    the hits are emptied."""

    selection: Selection
    cell: Cell
    hits: int
    steps: int
    rotation: int = 0

    @property
    def label(self) -> str:
        return f"Euclid E({self.hits},{self.steps},{self.rotation}) {format_note(self.cell.note)}"

    def plan(self, song: Song) -> list[Swap]:
        if not is_pitch(self.cell.note):
            raise EditError("put the cursor on a note: the rhythm repeats the note under it")
        rhythm = euclid(self.hits, self.steps, self.rotation)
        swaps = []
        for ln in _note_lanes(song, self.selection):
            hit = fit_effects(self.cell, ln.track, strict=False)
            rest = empty_cell(ln.track.effects)
            for offset, line in enumerate(self.selection.lines):
                new = hit if rhythm[offset % self.steps] else rest
                if ln.cells[line] != new:
                    swaps.append(Swap(ln.cells, line, new))
        return swaps


@dataclass
class Thin(Edit):
    """Keep every other note of each selected note column (the first, third ...): the
    others are emptied."""

    selection: Selection

    @property
    def label(self) -> str:
        return "Thin"

    def plan(self, song: Song) -> list[Swap]:
        swaps = []
        for ln in _note_lanes(song, self.selection):
            for line in _notes(ln, self.selection.lines)[1::2]:
                swaps.append(Swap(ln.cells, line, empty_cell(ln.track.effects)))
        if not swaps:
            raise EditError("there is nothing to thin: the selection needs two notes in a column")
        return swaps


@dataclass
class Double(Edit):
    """Put a copy of each note of the selected note columns halfway to the next note (or
    to the end of the selection), where that line is empty."""

    selection: Selection

    @property
    def label(self) -> str:
        return "Double"

    def plan(self, song: Song) -> list[Swap]:
        swaps = []
        end = self.selection.end_line + 1
        for ln in _note_lanes(song, self.selection):
            starts = _notes(ln, self.selection.lines)
            for line, following in zip(starts, [*starts[1:], end], strict=True):
                middle = line + (following - line) // 2
                if following - line >= 2 and ln.cells[middle].is_empty:
                    swaps.append(Swap(ln.cells, middle, ln.cells[line]))
        if not swaps:
            raise EditError(
                "there is no room to double: a note needs an empty line halfway to the next"
            )
        return swaps


@dataclass
class SetSeed(Edit):
    """A new seed for everything left to chance (the UI rolls it; redo gives the same)."""

    seed: int

    @property
    def label(self) -> str:
        return f"Seed {self.seed}"

    def plan(self, song: Song) -> list[Swap]:
        check_range("the seed", self.seed, *SEED_RANGE)
        return [Swap(song, "seed", self.seed)]
