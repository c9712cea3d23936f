"""The song read once into per-line work lists, so playing a line touches only
what is written on it (most cells of a pattern are empty).

Song-wide effects are gathered per line here: T (tempo), L (lines per beat),
B (jump) and K (break). When several are written on one line, the last one
in track and column order wins.

A track that loops (polymeter: `loop = N` in the pattern) is expanded here:
pattern line `n` plays its line `n % N`, so every reader of the score (live
play, the bounce, the export) hears the same expansion.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from tracker.errors import SongFormatError
from tracker.song.limits import TEMPO_EFFECT_RANGE
from tracker.song.model import Cell, Pattern, Song

T = TypeVar("T")

MIN_TEMPO = TEMPO_EFFECT_RANGE[0]
"""A Txx below the song's slowest tempo (T00-T03) is ignored, as the effect table says."""

Step = tuple[int, int, Cell, dict[str, int]]
"""One written cell: track, note column, the cell, its effects letter -> value."""
Control = tuple[int, int, int]
"""One CC lane value: track, lane, value."""


@dataclass(frozen=True, slots=True)
class LineData:
    cells: tuple[Step, ...] = ()
    controls: tuple[Control, ...] = ()
    tempo: int | None = None
    lpb: int | None = None
    jump: int | None = None
    break_to: int | None = None
    gated: bool = False
    """A cell holds Y (chance) or I (condition): which cells play depends on the pass."""


EMPTY_LINE = LineData()


class Score:
    """Every pattern the order list names, indexed line by line."""

    def __init__(self, song: Song, *, later: bool = False) -> None:
        """Indexes every pattern now, or with `later` in `index_in_steps`."""
        self._song = song
        self._patterns: dict[str, list[LineData]] = {}
        self._read = _CellReader(song)
        if not later:
            for _ in self.index_in_steps():
                pass

    def index_in_steps(self) -> Iterator[None]:
        """Index the patterns one per step."""
        song = self._song
        for entry, name in enumerate(song.order):
            if name not in self._patterns:
                pattern = song.patterns.get(name)
                if pattern is None:
                    raise SongFormatError(
                        f'order entry {entry} names pattern "{name}", which does not exist'
                    )
                self._patterns[name] = index_pattern(song, name, pattern, self._read)
                yield

    def lines(self, name: str) -> list[LineData]:
        return self._patterns[name]

    def release(self) -> list[list[LineData]]:
        """Give up the index, each pattern's lines apart, for the caller to drop a
        piece at a time: a big song's index dropped at once (64 tracks x 200
        patterns) held the player 20 ms."""
        released = list(self._patterns.values())
        self._patterns.clear()
        self._read = _CellReader(self._song)
        return released

    @property
    def gated(self) -> bool:
        """Some line holds a Y or I: what plays depends on the pass."""
        return any(line.gated for lines in self._patterns.values() for line in lines)


def index_pattern(
    song: Song, name: str, pattern: Pattern, read: _CellReader | None = None
) -> list[LineData]:
    count = pattern.lines
    steps: list[list[Step]] = [[] for _ in range(count)]
    controls: list[list[Control]] = [[] for _ in range(count)]
    globals_: dict[int, dict[str, int]] = {}
    gated: set[int] = set()
    read = read or _CellReader(song)
    known = read.known
    for t, part in enumerate(pattern.tracks):
        for c, column in enumerate(part.columns):
            for line, cell in _expanded(column, count, part.loop):
                seen = known.get(id(cell), _UNSEEN)
                if seen is _UNSEEN:
                    seen = read(cell)
                if seen is None:
                    continue
                effects, flags = seen
                if flags & _UNDEFINED:
                    track = song.tracks[t].name if t < len(song.tracks) else str(t + 1)
                    raise SongFormatError(
                        f'pattern "{name}", track "{track}", line {line}: instrument '
                        f"{cell.instrument:02X} is not defined in the song"
                    )
                steps[line].append((t, c, cell, effects))
                if flags & _GATED:
                    gated.add(line)
                if flags & _GLOBAL:
                    for letter in "TLBK":
                        if letter in effects:
                            globals_.setdefault(line, {})[letter] = effects[letter]
        for lane, values in enumerate(part.cc):
            for line, value in _expanded(values, count, part.loop):
                if value is not None:
                    controls[line].append((t, lane, value))
    result: list[LineData] = []
    for line in range(count):
        found = globals_.get(line, {})
        if not steps[line] and not controls[line] and not found:
            result.append(EMPTY_LINE)
            continue
        tempo = found.get("T")
        lpb = found.get("L")
        result.append(
            LineData(
                cells=tuple(steps[line]),
                controls=tuple(controls[line]),
                tempo=tempo if tempo is not None and tempo >= MIN_TEMPO else None,
                lpb=lpb or None,
                jump=found.get("B"),
                break_to=found.get("K"),
                gated=line in gated,
            )
        )
    return result


_GATED, _GLOBAL, _UNDEFINED = 1, 2, 4
_UNSEEN: tuple[dict[str, int], int] = ({}, -1)
"""What `_CellReader.known` gives for a cell not read yet (compared by identity)."""


class _CellReader:
    """A cell's effects (letter -> value) and what they mean for its line, worked out once
    per cell object: a loaded song shares its equal cells (song/pattern_rows.py), so a
    big song's millions of cells are a few thousand objects. None for an empty cell.
    The effects dict is shared by every step of that cell: its readers only read it."""

    def __init__(self, song: Song) -> None:
        self._instruments = song.instruments
        self.known: dict[int, tuple[dict[str, int], int] | None] = {}
        """id(cell) -> what `read` found: index_pattern looks here first (a call per cell
        cost a tenth of the compile)."""
        self._cells: list[Cell] = []
        """Keeps each cell seen alive, so its id stays its own while this reader is."""

    def __call__(self, cell: Cell) -> tuple[dict[str, int], int] | None:
        key = id(cell)
        if key in self.known:
            return self.known[key]
        self._cells.append(cell)
        found = self.known[key] = self._read(cell)
        return found

    def _read(self, cell: Cell) -> tuple[dict[str, int], int] | None:
        if cell.is_empty:
            return None
        effects = {e.command.upper(): e.value for e in cell.effects if e is not None}
        flags = 0
        if cell.instrument is not None and cell.instrument not in self._instruments:
            flags |= _UNDEFINED
        if "Y" in effects or "I" in effects:
            flags |= _GATED
        if any(letter in effects for letter in "TLBK"):
            flags |= _GLOBAL
        return effects, flags


def _expanded(values: list[T], count: int, loop: int | None) -> Iterator[tuple[int, T]]:
    """(pattern line, what plays there): a looping track's first `loop` lines over and over."""
    if loop is None or loop >= count:
        return enumerate(values[:count])
    return ((line, values[line % loop]) for line in range(count))
