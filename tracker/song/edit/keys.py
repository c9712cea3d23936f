"""The key a song (or a pattern) is in, moving notes by its scale steps, and track loops.

The scale theory is tracker.song.scales'; these are the edits that use it.
`DiatonicTranspose` reads the key in force in the selection's pattern, so the
same keys move a C-major verse and an A-minor bridge each within its own scale.
A note outside the scale is first taken to its nearest scale note, then moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.errors import EditError
from tracker.song.edit.base import Edit, Swap, check_range, find_pattern, find_track
from tracker.song.edit.block import transposed
from tracker.song.edit.selection import Selection
from tracker.song.model import Song
from tracker.song.scales import KEY_NAMES, check_scale, key_name, scale_of, step


def _checked_key(key: str) -> str:
    try:
        return key_name(key)
    except ValueError as error:
        raise EditError(str(error)) from None


def _checked_scale(scale: str) -> str:
    try:
        check_scale(scale)
    except ValueError as error:
        raise EditError(str(error)) from None
    return scale


@dataclass
class SetKey(Edit):
    """Set the key and scale of the song (`pattern` None) or of one pattern, where None
    for both means "the song's"."""

    key: str | None
    scale: str | None
    pattern: str | None = None

    @property
    def label(self) -> str:
        where = "Song" if self.pattern is None else f"Pattern {self.pattern}"
        if self.key is None and self.scale is None:
            return f"{where} key: the song's"
        return f"{where} key {self.key or ''} {self.scale or ''}".rstrip()

    def plan(self, song: Song) -> list[Swap]:
        key = None if self.key is None else _checked_key(self.key)
        scale = None if self.scale is None else _checked_scale(self.scale)
        if self.pattern is None:
            if key is None or scale is None:
                raise EditError("the song needs a key and a scale (chromatic: no scale)")
            return [Swap(song, "key", key), Swap(song, "scale", scale)]
        found = find_pattern(song, self.pattern)
        return [Swap(found, "key", key), Swap(found, "scale", scale)]


def key_label(song: Song, pattern: str | None) -> str:
    """ "C minor" for the status line; "" when no scale is in force (chromatic)."""
    tonic, scale = scale_of(song, pattern)
    return "" if scale == "chromatic" else f"{KEY_NAMES[tonic]} {scale}"


@dataclass
class DiatonicTranspose(Edit):
    """Move every note in the selection by `steps` degrees of the scale in force in its
    pattern (a semitone each in chromatic); note-offs, cuts and empties stay."""

    selection: Selection
    steps: int

    @property
    def label(self) -> str:
        return f"Transpose {self.steps:+d} degree{'s' if abs(self.steps) != 1 else ''}"

    def plan(self, song: Song) -> list[Swap]:
        if self.steps == 0:
            raise EditError("transpose by 0 degrees changes nothing")
        tonic, scale = scale_of(song, self.selection.pattern)
        return transposed(
            song, self.selection, self.label, lambda note: step(note, tonic, scale, self.steps)
        )


@dataclass
class SetTrackLoop(Edit):
    """Loop a track's first `loop` lines through a pattern (None: play it through once)."""

    pattern: str
    track: int
    loop: int | None

    @property
    def label(self) -> str:
        return "No loop" if self.loop is None else f"Loop {self.loop} lines"

    def plan(self, song: Song) -> list[Swap]:
        found = find_pattern(song, self.pattern)
        find_track(song, self.track)
        loop = self.loop
        if loop is not None:
            check_range("a loop length", loop, 1, found.lines)
            if loop == found.lines:
                loop = None  # the whole pattern: no loop at all
        return [Swap(found.tracks[self.track], "loop", loop)]
