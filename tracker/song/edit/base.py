"""The mechanics every edit shares: plan first, then write, remembering what was replaced.

An edit never changes a value in place without keeping the old one. Every write
is a `Swap`: put a new value at `target[key]` (a list slot) or `target.key` (an
attribute), and get back the swap that puts the old value back. Cells are frozen
and whole lists or dicts are replaced rather than edited, so the old objects
stay untouched while the new ones live in the song; undo puts the very same
objects back, which is why undo restores a song exactly.

`Edit.plan` checks the edit against the song and lists its swaps without
changing anything, so an impossible edit raises `EditError` before any write:
no half-applied edits.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from tracker.errors import EditError
from tracker.song.model import Pattern, Song, Track


class Command(Protocol):
    """What the History needs from an edit."""

    @property
    def label(self) -> str:
        """A short name for the undo menu and status line, e.g. "Transpose +1"."""
        ...

    def apply(self, song: Song) -> None:
        """Change the song, or raise EditError having changed nothing."""
        ...

    def revert(self, song: Song) -> None:
        """Undo the last apply exactly."""
        ...


@dataclass(frozen=True)
class Swap:
    """One write: `value` goes to `target[key]` (a list) or `target.key` (an object)."""

    target: object
    key: str | int
    value: object

    def write(self) -> Swap:
        """Put the value in place; return the swap that puts the old one back."""
        target, key = self.target, self.key
        if isinstance(target, list):
            assert isinstance(key, int)
            old = target[key]
            target[key] = self.value
        else:
            assert isinstance(key, str)
            old = getattr(target, key)
            setattr(target, key, self.value)
        return Swap(target, key, old)


class Edit(ABC):
    """An edit described by its parameters; it recomputes its writes on every apply.

    Redo is just apply again: after undo the song is as it was, so the plan comes
    out the same. Subclasses are small dataclasses holding only their parameters.
    """

    _undo: tuple[Swap, ...] = ()

    @property
    @abstractmethod
    def label(self) -> str: ...

    @abstractmethod
    def plan(self, song: Song) -> list[Swap]:
        """Check the edit against the song and list its writes, changing nothing."""

    def apply(self, song: Song) -> None:
        swaps = self.plan(song)
        self._undo = tuple(reversed([swap.write() for swap in swaps]))

    def revert(self, song: Song) -> None:
        for swap in self._undo:
            swap.write()
        self._undo = ()


@dataclass
class Batch:
    """Several edits as one undo step (e.g. "new pattern" plus "put it in the order").

    Later edits see the song as the earlier ones left it. If one fails, the ones
    already applied are reverted before the error goes on: all or nothing.
    """

    commands: Sequence[Command]
    name: str
    _applied: list[Command] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def label(self) -> str:
        return self.name

    def apply(self, song: Song) -> None:
        applied: list[Command] = []
        try:
            for command in self.commands:
                command.apply(song)
                applied.append(command)
        except EditError:
            for command in reversed(applied):
                command.revert(song)
            raise
        self._applied = applied

    def revert(self, song: Song) -> None:
        for command in reversed(self._applied):
            command.revert(song)
        self._applied = []


# Finding things, with errors a musician can act on.


def find_pattern(song: Song, name: str) -> Pattern:
    try:
        return song.patterns[name]
    except KeyError:
        raise EditError(f'there is no pattern "{name}"') from None


def find_track(song: Song, index: int) -> Track:
    if not 0 <= index < len(song.tracks):
        raise EditError(f"there is no track {index + 1} (the song has {len(song.tracks)})")
    return song.tracks[index]


def check_line(name: str, pattern: Pattern, line: int) -> None:
    if not 0 <= line < pattern.lines:
        raise EditError(f'line {line} is outside pattern "{name}" (lines 0-{pattern.lines - 1})')


def check_range(what: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise EditError(f"{what} must be {low}-{high}, not {value}")


T = TypeVar("T")


def moved(items: list[T], index: int, to: int) -> list[T]:
    """A copy of `items` with the item at `index` moved to position `to`."""
    result = list(items)
    result.insert(to, result.pop(index))
    return result
