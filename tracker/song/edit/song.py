"""Edits of the song as a whole: the order list, the instruments, the song settings."""

from __future__ import annotations

import copy
from abc import abstractmethod
from dataclasses import dataclass

from tracker.errors import EditError
from tracker.song.edit.base import Edit, Swap, check_range, find_pattern, moved
from tracker.song.limits import (
    BPM_RANGE,
    CHANNEL_RANGE,
    INSTRUMENT_NUMBER_RANGE,
    LPB_RANGE,
    MAX_INSTRUMENTS,
    PROGRAM_RANGE,
    SWING_RANGE,
    TPL_RANGE,
    VOLUME_RANGE,
    bank_range,
)
from tracker.song.model import Instrument, Song

# The order list


def _check_entry(song: Song, index: int) -> None:
    if not 0 <= index < len(song.order):
        raise EditError(
            f"there is no order entry {index} (the order list has entries 0-{len(song.order) - 1})"
            if song.order
            else "the order list is empty"
        )


@dataclass
class _OrderEdit(Edit):
    """Shared by the order list edits: compute the new list, swap it in."""

    index: int

    def plan(self, song: Song) -> list[Swap]:
        return [Swap(song, "order", self.new_order(song))]

    @abstractmethod
    def new_order(self, song: Song) -> list[str]:
        """The order list after the edit (checks the edit's parameters)."""


@dataclass
class InsertOrder(_OrderEdit):
    """Put `pattern` in the order list at `index` (len(order) appends)."""

    pattern: str

    @property
    def label(self) -> str:
        return f'Insert "{self.pattern}" in order'

    def new_order(self, song: Song) -> list[str]:
        find_pattern(song, self.pattern)
        check_range("the order position", self.index, 0, len(song.order))
        return [*song.order[: self.index], self.pattern, *song.order[self.index :]]


@dataclass
class DeleteOrder(_OrderEdit):
    """Take an entry out of the order list (the pattern itself stays)."""

    @property
    def label(self) -> str:
        return "Delete order entry"

    def new_order(self, song: Song) -> list[str]:
        _check_entry(song, self.index)
        if len(song.order) == 1:
            raise EditError("the order list needs at least one entry")
        return song.order[: self.index] + song.order[self.index + 1 :]


@dataclass
class DuplicateOrder(_OrderEdit):
    """Play an entry's pattern twice: a copy of the entry goes right after it."""

    @property
    def label(self) -> str:
        return "Duplicate order entry"

    def new_order(self, song: Song) -> list[str]:
        _check_entry(song, self.index)
        i = self.index
        return [*song.order[: i + 1], song.order[i], *song.order[i + 1 :]]


@dataclass
class MoveOrder(_OrderEdit):
    """Move an order entry to position `to`."""

    to: int

    @property
    def label(self) -> str:
        return "Move order entry"

    def new_order(self, song: Song) -> list[str]:
        _check_entry(song, self.index)
        _check_entry(song, self.to)
        return moved(song.order, self.index, self.to)


@dataclass
class SetOrder(_OrderEdit):
    """Make an order entry play another pattern."""

    pattern: str

    @property
    def label(self) -> str:
        return f'Order entry plays "{self.pattern}"'

    def new_order(self, song: Song) -> list[str]:
        _check_entry(song, self.index)
        find_pattern(song, self.pattern)
        return [self.pattern if i == self.index else p for i, p in enumerate(song.order)]


# Instruments


def check_instrument(instrument: Instrument) -> None:
    if not instrument.name.strip():
        raise EditError("an instrument needs a name")
    check_range(f'the program of "{instrument.name}"', instrument.program, *PROGRAM_RANGE)
    banks = bank_range(instrument.device)
    bank_of = f'the bank of "{instrument.name}"' + ("" if instrument.device else " (a soundfont)")
    check_range(bank_of, instrument.bank, *banks)
    check_range(f'the volume of "{instrument.name}"', instrument.volume, *VOLUME_RANGE)
    if instrument.channel is not None:
        check_range(f'the MIDI channel of "{instrument.name}"', instrument.channel, *CHANNEL_RANGE)


def _check_number(number: int) -> None:
    check_range("an instrument number", number, *INSTRUMENT_NUMBER_RANGE)


def _find_instrument(song: Song, number: int) -> Instrument:
    try:
        return song.instruments[number]
    except KeyError:
        raise EditError(f"there is no instrument {number:02X}") from None


@dataclass
class AddInstrument(Edit):
    """Add an instrument as `number` (None: the lowest free number)."""

    instrument: Instrument
    number: int | None = None

    @property
    def label(self) -> str:
        return f'Add instrument "{self.instrument.name}"'

    def plan(self, song: Song) -> list[Swap]:
        number = self.number
        if number is None:
            free = (n for n in range(1, MAX_INSTRUMENTS + 1) if n not in song.instruments)
            number = next(free, None)
            if number is None:
                raise EditError(f"a song can have at most {MAX_INSTRUMENTS} instruments")
        _check_number(number)
        if number in song.instruments:
            taken = song.instruments[number].name
            raise EditError(f'instrument {number:02X} is already "{taken}"')
        check_instrument(self.instrument)
        instruments = {**song.instruments, number: copy.deepcopy(self.instrument)}
        return [Swap(song, "instruments", dict(sorted(instruments.items())))]


@dataclass
class RemoveInstrument(Edit):
    """Remove an instrument. Cells naming it keep the number (re-adding it brings them back)."""

    number: int

    @property
    def label(self) -> str:
        return f"Remove instrument {self.number:02X}"

    def plan(self, song: Song) -> list[Swap]:
        _find_instrument(song, self.number)
        instruments = {n: i for n, i in song.instruments.items() if n != self.number}
        return [Swap(song, "instruments", instruments)]


@dataclass
class EditInstrument(Edit):
    """Replace instrument `number` with a changed copy (`dataclasses.replace(old, program=5)`)."""

    number: int
    instrument: Instrument

    @property
    def label(self) -> str:
        return f"Edit instrument {self.number:02X}"

    def plan(self, song: Song) -> list[Swap]:
        _find_instrument(song, self.number)
        check_instrument(self.instrument)
        instruments = {**song.instruments, self.number: copy.deepcopy(self.instrument)}
        return [Swap(song, "instruments", instruments)]


# Song settings


@dataclass
class ChangeSettings(Edit):
    """Change any of the song's title, tempo, lines per beat, ticks per line, swing (None: keep)."""

    title: str | None = None
    bpm: float | None = None
    lpb: int | None = None
    tpl: int | None = None
    swing: float | None = None

    def _changes(self) -> dict[str, object]:
        fields = {
            "title": self.title,
            "bpm": None if self.bpm is None else float(self.bpm),
            "lpb": self.lpb,
            "tpl": self.tpl,
            "swing": None if self.swing is None else float(self.swing),
        }
        return {key: value for key, value in fields.items() if value is not None}

    @property
    def label(self) -> str:
        changes = self._changes()
        if len(changes) != 1:
            return "Song settings"
        names = {"title": "Title", "bpm": "Tempo", "lpb": "Lines per beat", "tpl": "Ticks per line"}
        key, value = next(iter(changes.items()))
        return f"{names.get(key, 'Swing')} {value}"

    def plan(self, song: Song) -> list[Swap]:
        if self.title is not None and not self.title.strip():
            raise EditError("the song needs a title")
        low, high = BPM_RANGE
        if self.bpm is not None and not low <= self.bpm <= high:
            raise EditError(f"the tempo must be {low}-{high} bpm, not {self.bpm:g}")
        if self.lpb is not None:
            check_range("lines per beat", self.lpb, *LPB_RANGE)
        if self.tpl is not None:
            check_range("ticks per line", self.tpl, *TPL_RANGE)
        low, high = SWING_RANGE
        if self.swing is not None and not low <= self.swing <= high:
            raise EditError(f"swing must be {low}-{high}, not {self.swing:g}")
        return [Swap(song, key, value) for key, value in self._changes().items()]


@dataclass
class SetSongSoundfont(Edit):
    """Give the song its own soundfont (a path), or None for the default one."""

    path: str | None

    @property
    def label(self) -> str:
        return "Default soundfont" if self.path is None else "Song soundfont"

    def plan(self, song: Song) -> list[Swap]:
        if self.path is not None and not self.path.strip():
            raise EditError("a soundfont needs a path")
        return [Swap(song, "soundfont", self.path)]
