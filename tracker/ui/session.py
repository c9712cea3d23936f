"""The song being edited, its undo history and where it lives: the UI's one shared state.

Every change to the song goes through `Session.do`, which applies a
tracker.song.edit command through the History and turns an EditError into a
message the UI shows. No Textual here: widgets hold the session and refresh
themselves after calling it.
"""

from __future__ import annotations

from pathlib import Path

from tracker.errors import EditError
from tracker.song.edit import Clipboard, Command, History
from tracker.song.edit.history import ReplaceSong
from tracker.song.model import Song
from tracker.ui.collector import settle


class Session:
    def __init__(self, song: Song, path: Path | None = None) -> None:
        self.history = History(song)
        self.path = path
        self.clipboard: Clipboard | None = None
        self.message = ""
        """The last thing worth telling the musician (an edit refused, an undo done)."""
        self.recovered = False
        """The song came from a recovery file: it differs from the file on disk."""
        settle()  # the song's objects out of the garbage collector's walks (collector.py)

    @property
    def song(self) -> Song:
        return self.history.song

    @property
    def dirty(self) -> bool:
        return self.recovered or self.history.dirty

    @property
    def revision(self) -> int:
        """Moves on with every change: the autosave and the player compare it."""
        return self.history.revision

    def do(self, command: Command) -> bool:
        """Apply an edit; on refusal keep the song unchanged and say why."""
        try:
            self.history.do(command)
        except EditError as error:
            self.message = error.message
            return False
        self.message = ""
        return True

    def undo(self) -> bool:
        label = self.history.undo()
        self.message = f"Undo: {label}" if label else "Nothing to undo"
        return label is not None

    def redo(self) -> bool:
        label = self.history.redo()
        self.message = f"Redo: {label}" if label else "Nothing to redo"
        return label is not None

    def mark_saved(self, path: Path) -> None:
        self.path = path
        self.recovered = False
        self.history.mark_saved()

    def replace_song(self, song: Song, path: Path | None, *, recovered: bool = False) -> None:
        """A song loaded from disk (open, reload, recovery): a fresh history."""
        self.history = History(song)
        self.path = path
        self.recovered = recovered
        settle()

    def reload(self, song: Song) -> Command:
        """The song as read again from its file, as one undo step (undo brings back the
        edits it replaced); the result is clean. Returns the step."""
        command = ReplaceSong(song)
        self.history.do(command)
        self.history.mark_saved()
        self.recovered = False
        settle()
        return command
