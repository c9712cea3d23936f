"""Who else edits this song: a lock file beside it naming the editor's process and host.

Two editors on one song shared one autosave file, so one's save deleted the
other's recovery file. The first editor writes `.NAME.toml.lock` holding its pid
and host; a second one finds it, warns the musician, and autosaves to a file of
its own. A lock left by an editor that died (kill -9, a power cut) is stale when
it names this host and a process that no longer exists; it is taken over. A lock
from another host cannot be checked, so it counts as held.

The lock is advice, not a barrier: nothing refuses to open a locked song.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
from dataclasses import dataclass
from pathlib import Path

from tracker.files import entry_exists, read_regular

LOCK_SUFFIX = ".lock"
_MAX_LOCK_BYTES = 4096
"""A lock holds one short line; anything longer is not ours to read."""


@dataclass(frozen=True)
class Editor:
    """One running editor: its process id on its host."""

    pid: int
    host: str

    @staticmethod
    def this() -> Editor:
        return Editor(os.getpid(), socket.gethostname())

    def alive(self) -> bool:
        """False only when certainly gone: this host, and no such process."""
        if self.host != socket.gethostname():
            return True
        if self.pid <= 0:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # someone else's process, but it exists
        return True

    def tag(self) -> str:
        """A file-name-safe name for this editor, e.g. `studio-4711`."""
        host = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.host)[:40]
        return f"{host or 'host'}-{self.pid}"


def lock_path(song: str | Path) -> Path:
    """`songs/x.toml` -> `songs/.x.toml.lock`."""
    song = Path(song)
    return song.with_name(f".{song.name}{LOCK_SUFFIX}")


def read_lock(song: str | Path) -> Editor | None:
    """The editor named in the song's lock, or None when there is no readable lock.

    Only a small regular file is read: a FIFO in the lock's place would wait forever.
    """
    try:
        data = read_regular(lock_path(song), _MAX_LOCK_BYTES)
    except OSError:
        return None
    words = data.decode("utf-8", errors="replace").split()
    if len(words) != 2 or not words[0].isdigit():
        return None
    return Editor(int(words[0]), words[1])


@dataclass
class SongLock:
    """The result of trying to lock a song: ours, or held by `holder`."""

    song: Path
    me: Editor
    holder: Editor | None
    """The other live editor holding the lock; None when the lock is ours (or could not be
    written at all, e.g. a read-only folder: then nobody can autosave beside it anyway)."""

    @property
    def ours(self) -> bool:
        return self.holder is None

    def release(self) -> None:
        """Remove the lock, only when it still names this editor."""
        if self.holder is None and read_lock(self.song) == self.me:
            with contextlib.suppress(OSError):
                lock_path(self.song).unlink()


def acquire(song: str | Path, me: Editor | None = None) -> SongLock:
    """Lock the song for this editor, taking over a stale lock; never raises for a lock."""
    song = Path(song)
    me = me or Editor.this()
    path = lock_path(song)
    for _ in range(3):  # a stale lock removed, or a race with another editor starting
        holder = read_lock(song)
        if holder is not None and holder != me and holder.alive():
            return SongLock(song, me, holder)
        if holder is not None or entry_exists(path):
            # Stale, ours from before, or unreadable debris: replace it (only a regular file).
            if not _is_regular(path):
                return SongLock(song, me, None)
            with contextlib.suppress(OSError):
                path.unlink()
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        except FileExistsError:
            continue
        except OSError:
            return SongLock(song, me, None)  # a read-only folder: no lock, nobody else either
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(f"{me.pid} {me.host}\n")
        return SongLock(song, me, None)
    return SongLock(song, me, read_lock(song))


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return True  # gone meanwhile: nothing in the way
