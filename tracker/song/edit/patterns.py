"""Edits of the song's patterns: resize, add, remove, rename, clone.

Patterns live in `song.patterns` (a dict whose order is the order the file lists
them in) and are named by the order list. Each edit builds a new dict or list
and swaps it in, so undo restores names, positions and contents exactly.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace

from tracker.errors import EditError
from tracker.song.edit.base import Edit, Swap, check_range, find_pattern
from tracker.song.limits import LINES_RANGE, MAX_NAME_LENGTH
from tracker.song.model import Pattern, PatternTrack, Song, empty_cell

_NAME = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_NAME_LENGTH}}}")


def check_pattern_name(song: Song, name: str) -> None:
    if not _NAME.fullmatch(name):
        raise EditError(
            f'"{name}" cannot name a pattern: use up to {MAX_NAME_LENGTH} letters, digits, "-" and "_" '
            '(e.g. "verse" or "0A")'
        )
    if name in song.patterns:
        raise EditError(f'there is already a pattern "{name}"')


def free_pattern_name(song: Song) -> str:
    """The first of "00", "01", ... "FF" that no pattern uses."""
    for n in range(256):
        if f"{n:02X}" not in song.patterns:
            return f"{n:02X}"
    raise EditError("every pattern name 00-FF is taken: name the new pattern yourself")


def _resized(part: PatternTrack, effects: int, old: int, new: int) -> PatternTrack:
    grow = max(0, new - old)
    return replace(
        part,
        columns=[col[:new] + [empty_cell(effects)] * grow for col in part.columns],
        cc=[lane[:new] + [None] * grow for lane in part.cc],
        loop=part.loop if part.loop is None or part.loop < new else None,
    )


@dataclass
class ResizePattern(Edit):
    """Give a pattern `lines` lines: new lines are empty, dropped ones come back on undo."""

    pattern: str
    lines: int

    @property
    def label(self) -> str:
        return f'Pattern "{self.pattern}" to {self.lines} lines'

    def plan(self, song: Song) -> list[Swap]:
        found = find_pattern(song, self.pattern)
        check_range("a pattern's length in lines", self.lines, *LINES_RANGE)
        parts = [
            _resized(part, track.effects, found.lines, self.lines)
            for part, track in zip(found.tracks, song.tracks, strict=True)
        ]
        return [Swap(found, "lines", self.lines), Swap(found, "tracks", parts)]


@dataclass
class AddPattern(Edit):
    """Add an empty pattern (named "00", "01", ... unless given) after the others."""

    name: str | None = None
    lines: int = 64

    @property
    def label(self) -> str:
        return "New pattern" if self.name is None else f'New pattern "{self.name}"'

    def plan(self, song: Song) -> list[Swap]:
        name = free_pattern_name(song) if self.name is None else self.name
        check_pattern_name(song, name)
        check_range("a pattern's length in lines", self.lines, *LINES_RANGE)
        patterns = {**song.patterns, name: Pattern.empty(song.tracks, self.lines)}
        return [Swap(song, "patterns", patterns)]


@dataclass
class ClonePattern(Edit):
    """Copy a pattern under a new name, placed right after it."""

    pattern: str
    name: str | None = None

    @property
    def label(self) -> str:
        return f'Clone pattern "{self.pattern}"'

    def plan(self, song: Song) -> list[Swap]:
        source = find_pattern(song, self.pattern)
        name = free_pattern_name(song) if self.name is None else self.name
        check_pattern_name(song, name)
        patterns: dict[str, Pattern] = {}
        for key, value in song.patterns.items():
            patterns[key] = value
            if key == self.pattern:
                patterns[name] = copy.deepcopy(source)
        return [Swap(song, "patterns", patterns)]


@dataclass
class RenamePattern(Edit):
    """Rename a pattern where it stands, and every order entry that plays it."""

    pattern: str
    name: str

    @property
    def label(self) -> str:
        return f'Rename pattern "{self.pattern}" to "{self.name}"'

    def plan(self, song: Song) -> list[Swap]:
        find_pattern(song, self.pattern)
        check_pattern_name(song, self.name)
        patterns = {
            (self.name if key == self.pattern else key): value
            for key, value in song.patterns.items()
        }
        order = [self.name if entry == self.pattern else entry for entry in song.order]
        return [Swap(song, "patterns", patterns), Swap(song, "order", order)]


@dataclass
class RemovePattern(Edit):
    """Remove a pattern and the order entries that play it.

    Refused for the last pattern, and when the order list would be left empty.
    """

    pattern: str

    @property
    def label(self) -> str:
        return f'Remove pattern "{self.pattern}"'

    def plan(self, song: Song) -> list[Swap]:
        find_pattern(song, self.pattern)
        if len(song.patterns) == 1:
            raise EditError(f'"{self.pattern}" is the only pattern; a song needs at least one')
        order = [entry for entry in song.order if entry != self.pattern]
        if song.order and not order:
            raise EditError(
                f'the order list plays only "{self.pattern}"; '
                "put another pattern in the order list first"
            )
        patterns = {key: value for key, value in song.patterns.items() if key != self.pattern}
        return [Swap(song, "patterns", patterns), Swap(song, "order", order)]
