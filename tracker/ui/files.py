"""The song's file: save, autosave to the recovery file, notice changes made on disk.

No Textual: the app asks and shows; this module does the file work and turns
every failure into a TrackerError whose message the status line can show.
"""

from __future__ import annotations

from pathlib import Path

from tracker.song.model import Song
from tracker.song.storage import discard_recovery, load_song, save_song, write_recovery
from tracker.ui.session import Session


def _mtime(path: Path | None) -> int | None:
    if path is None:
        return None
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


class SongFile:
    """Keeps the session and its file in step."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known_mtime = _mtime(session.path)
        self.autosaved_revision = session.revision

    def save(self, path: Path | None = None) -> Path:
        """Save to `path` (or the song's own path); raises SaveError, the song on disk intact."""
        target = path or self.session.path
        assert target is not None, "save_as asks for a path first"
        save_song(self.session.song, target)
        self.session.mark_saved(target)
        self.known_mtime = _mtime(target)
        discard_recovery(target)
        return target

    def autosave(self) -> bool:
        """Write the recovery file when there are edits since the last autosave."""
        path = self.session.path
        revision = self.session.revision
        if path is None or not self.session.dirty or revision == self.autosaved_revision:
            return False
        write_recovery(self.session.song, path)
        self.autosaved_revision = revision
        return True

    def changed_on_disk(self) -> bool:
        """True once when the file's modification time moved since we last read or wrote it."""
        now = _mtime(self.session.path)
        if now is None or now == self.known_mtime:
            return False
        self.known_mtime = now
        return True

    def reload(self) -> Song:
        """Read the song again from its file (raises SongFormatError)."""
        assert self.session.path is not None
        song = load_song(self.session.path)
        self.session.replace_song(song, self.session.path)
        self.known_mtime = _mtime(self.session.path)
        self.autosaved_revision = self.session.revision
        return song

    def open(self, path: Path) -> Song:
        song = load_song(path)
        self.session.replace_song(song, path)
        self.known_mtime = _mtime(path)
        self.autosaved_revision = self.session.revision
        return song
