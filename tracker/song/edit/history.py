"""Undo and redo: the History of edits applied to one song.

Each edit is one step (each typed note too, as in Renoise). A new edit clears
the redo list. `dirty` says whether the song differs from the last save, by
where the history stands relative to the saved point, so undoing back to the
saved point makes the song clean again.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from tracker.errors import EditError
from tracker.song.edit.base import Command, Edit, Swap
from tracker.song.model import Song

DEFAULT_DEPTH = 1000


class History:
    """The song and the edits applied to it, with undo and redo."""

    def __init__(self, song: Song, depth: int = DEFAULT_DEPTH) -> None:
        if depth < 1:
            raise EditError("the undo history needs room for at least one step")
        self.song = song
        self.depth = depth
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._saved_at: int | None = 0
        """len(_undo) when last saved; None when that state can no longer be reached."""
        self.revision = 0
        """Counts every change (do, undo, redo): compare it to see that the song moved on."""

    def do(self, command: Command) -> None:
        """Apply an edit and make it the next undo step. On EditError nothing changes."""
        command.apply(self.song)
        if self._saved_at is not None and self._saved_at > len(self._undo):
            self._saved_at = None  # the saved state was in the redo list, now gone
        self._redo.clear()
        self._undo.append(command)
        if len(self._undo) > self.depth:
            del self._undo[0]
            self._saved_at = None if not self._saved_at else self._saved_at - 1
        self.revision += 1

    def undo(self) -> str | None:
        """Undo the last edit; its label, or None when there is nothing to undo."""
        if not self._undo:
            return None
        command = self._undo.pop()
        command.revert(self.song)
        self._redo.append(command)
        self.revision += 1
        return command.label

    def redo(self) -> str | None:
        """Apply the last undone edit again; its label, or None when there is nothing to redo."""
        if not self._redo:
            return None
        command = self._redo[-1]
        command.apply(self.song)
        self._redo.pop()
        self._undo.append(command)
        self.revision += 1
        return command.label

    def applied(self, command: Command) -> bool:
        """True while `command` is in effect: done (or redone) and not undone since."""
        return any(step is command for step in self._undo)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    @property
    def dirty(self) -> bool:
        """True when the song differs from what was last saved (or loaded)."""
        return self._saved_at != len(self._undo)

    def mark_saved(self) -> None:
        """The song as it stands is what is on disk."""
        self._saved_at = len(self._undo)

    def clear(self) -> None:
        """Forget every step (e.g. after loading another song into the same History)."""
        self._undo.clear()
        self._redo.clear()
        self._saved_at = 0
        self.revision += 1


@dataclass
class ReplaceSong(Edit):
    """Every part of the song replaced by another song's (a reload from disk), as one
    undo step, so the edits it replaced come back with undo."""

    song: Song
    name: str = "Reload from disk"

    @property
    def label(self) -> str:
        return self.name

    def plan(self, song: Song) -> list[Swap]:
        return [Swap(song, part.name, getattr(self.song, part.name)) for part in fields(Song)]
