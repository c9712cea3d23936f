"""Every error tracker raises on purpose, with a message written for a musician.

Errors are raised deep inside and caught once at the edge (the CLI, the UI),
which shows `str(error)` and nothing else: no traceback ever reaches the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self


class TrackerError(Exception):
    """Root of every error we raise on purpose."""

    title = "Error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LocatedError(TrackerError):
    """An error in a file the musician wrote, placed in it: `songs/x.toml:14:9: unknown note ...`.

    Each file kind has its own subclass (songs, instruments and devices); the key map
    raises this one. `reason` is the message without its place.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.reason = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(self._located(message))

    def _located(self, message: str) -> str:
        where = [p for p in (self.path, self.line, self.column) if p is not None]
        if not where:
            return message
        return ":".join(str(p) for p in where) + ": " + message

    def at(
        self, *, path: str | Path | None = None, line: int | None = None, column: int | None = None
    ) -> Self:
        """A copy placed in a file: notation errors learn their line and column from the caller."""
        return type(self)(
            self.reason,
            path=path if path is not None else self.path,
            line=line if line is not None else self.line,
            column=column if column is not None else self.column,
        )


class SongFormatError(LocatedError):
    """A song file (or a piece of tracker notation) that we cannot read."""

    title = "Song file error"


class EditError(TrackerError):
    """An edit that cannot apply to the song as it stands (e.g. deleting the last track)."""

    title = "Cannot edit"


class InstrumentError(LocatedError):
    """An instrument or device definition that is missing or malformed (placed in its file
    when it comes from one)."""

    title = "Instrument error"


class SoundfontError(TrackerError):
    """A soundfont that cannot be found or loaded."""

    title = "Soundfont error"


class MidiFileError(TrackerError):
    """A Standard MIDI File that is corrupt, truncated or unsupported."""

    title = "MIDI file error"


class MidiPortError(TrackerError):
    """A MIDI port that cannot be opened, or vanished."""

    title = "MIDI port error"


class PlayerGone(TrackerError):
    """The player process stopped (killed, crashed): the editor starts a new one."""

    title = "Player stopped"


class AudioError(TrackerError):
    """Audio output or rendering failed (no device, disk full, ...)."""

    title = "Audio error"


class ListenError(TrackerError):
    """The listening server could not start (the port is taken, the host is not ours)."""

    title = "Listen"


class SaveError(TrackerError):
    """A song could not be written; the file on disk is left as it was."""

    title = "Save failed"


class UsageError(TrackerError):
    """The command line was wrong: exit code 2."""

    title = "Usage"
