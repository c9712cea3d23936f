"""The song's file: save, autosave to a recovery file, notice changes made on disk.

No Textual: the app asks and shows; this module does the file work and turns
every failure into a TrackerError whose message the status line can show.

Saves and autosaves are written in three steps, so the editor never waits on a
big song: `*_job` starts making the song's bytes as it stands, on the UI thread (with
`apart`, in a forked process: apart.py; the editor goes on changing its song),
`write_*` takes those bytes and writes them on any thread, and `saved` / `autosaved`
bring the result back on the UI thread.
Writes are atomic (tracker.files), one at a time, and an older snapshot never
replaces a newer one nor brings back a recovery file a save has since removed.

Recovery files are removed exactly when their edits are saved or discarded, and
only the ones whose edits this editor holds: the one it autosaves to, one it
recovered from, and one a reload kept while that reload is undone. Another
editor's recovery file is never touched (tracker.song.lock tells the editors apart).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import SongFormatError, TrackerError
from tracker.files import entry_exists, read_regular
from tracker.song.edit import Command
from tracker.song.lock import Editor, SongLock, acquire
from tracker.song.model import Song
from tracker.song.recovery import (
    Recovery,
    personal_recovery_path,
    recovery_files,
    recovery_path,
    remove_recovery,
    worth_offering,
    write_recovery,
)
from tracker.song.storage import load_song, save_song
from tracker.text import visible
from tracker.ui.files.apart import SongBytes
from tracker.ui.session import Session


def _contents(path: Path | None) -> bytes | None:
    """The file's bytes, or None when there is no file to read (regular files only)."""
    if path is None:
        return None
    try:
        return read_regular(path)
    except OSError:
        return None


def _mtime(path: Path | None) -> int | None:
    if path is None:
        return None
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _resolved(path: Path | None) -> Path | None:
    return Path(os.path.realpath(path)) if path is not None else None


@dataclass(frozen=True)
class Kept:
    """A recovery file holding the edits a reload replaced, and that reload."""

    path: Path
    reload: Command


@dataclass(frozen=True)
class Job:
    """One write of the song as it stood when it was asked for: a save or an autosave."""

    number: int
    """Counts the jobs of this SongFile: a later one holds newer edits."""
    text: SongBytes
    """The song's bytes as it stood when the job was made."""
    shown: Path
    """The song's path, as messages name it."""
    target: Path
    """Where it is written: the song file, or a recovery file."""
    revision: int
    held: tuple[Path, ...] = ()
    """For a save: the recovery files whose edits it holds (they go once it is written)."""


@dataclass(frozen=True)
class Written:
    """What a save wrote: the bytes and the file's time, for changed_on_disk."""

    data: bytes
    mtime: int | None


class SongFile:
    """Keeps the session and its file in step."""

    def __init__(self, session: Session, me: Editor | None = None) -> None:
        """No file work here: `claim` locks the song and picks the autosave file."""
        self.session = session
        self.me = me or Editor.this()
        self.known_mtime: int | None = None
        self.known_bytes: bytes | None = None
        self._note_disk(session.path)
        self.autosaved_revision = session.revision
        self.resolved = _resolved(session.path)
        """Where the song's path led when it was opened or saved (a symlink's target)."""
        self.lock: SongLock | None = None
        self.own: Path | None = None
        """The recovery file this editor autosaves to."""
        self.wrote_own = False
        self.adopted: list[Path] = []
        """Recovery files whose edits the musician recovered into this session."""
        self.kept: list[Kept] = []
        self.deferred: set[Path] = set()
        """Recovery files the musician chose to decide on later (offered again next start)."""
        self._jobs = 0
        self._void_up_to = 0
        """Autosave jobs numbered up to this hold edits since saved or discarded: not written."""
        self._writing = threading.Lock()
        """One write at a time (a worker's and the hang-up's), so the newest is the last."""
        self._written: dict[Path, int] = {}
        """The newest job written to each recovery file."""

    # Locking and recovery files

    def claim(self) -> str | None:
        """Lock the song and pick this editor's autosave file; a warning when another
        editor has the song open."""
        self.release()
        path = self.session.path
        if path is None:
            return None
        real = _resolved(path)
        assert real is not None
        self.lock = acquire(real, self.me)
        shared = recovery_path(real)
        if self.lock.ours and not entry_exists(shared):
            self.own = shared
        else:
            self.own = personal_recovery_path(real, self.me)
        holder = self.lock.holder
        if holder is None:
            return None
        return (
            f"Another editor (process {holder.pid} on {visible(holder.host)}) has "
            f"{visible(path.name)} open: a save there or here replaces the other's; "
            "this one autosaves to its own file"
        )

    def release(self) -> None:
        """Let go of the song's lock (quitting, or opening another song)."""
        if self.lock is not None:
            self.lock.release()
        self.lock = None
        self.own = None
        self.wrote_own = False
        self.adopted = []
        self.kept = []
        self.deferred = set()

    def pending_recoveries(self) -> list[Path]:
        """Recovery files of this song left by editors that are gone, not yet decided on."""
        path = self.session.path
        if path is None or self.lock is None:
            return []
        mine = {self.own, *self.adopted, *(kept.path for kept in self.kept), *self.deferred}
        files = recovery_files(_resolved(path) or path, shared=self.lock.ours)
        return [file for file in files if file not in mine]

    def worth_offering(self, recovery: Path) -> Recovery | None:
        """The recovery when its song differs from the song file's; one that holds the
        same song carries nothing and is removed. Raises TrackerError naming the file."""
        assert self.session.path is not None
        try:
            saved: Song | None = load_song(self.session.path)
        except SongFormatError:
            saved = None
        found = worth_offering(recovery, saved)
        if found is None:
            remove_recovery(recovery)
        return found

    def recover(self, recovery: Recovery) -> None:
        """Take a recovery file's song into the session; its file is ours from now on."""
        assert self.session.path is not None
        self.session.replace_song(recovery.song, self.session.path, recovered=True)
        self.autosaved_revision = self.session.revision
        if not self.wrote_own:
            self.own, self.wrote_own = recovery.path, True  # overwritten by the next autosave
        else:
            self.adopted.append(recovery.path)

    def discard(self, recovery: Path) -> None:
        """The musician declined a recovery file: remove it."""
        remove_recovery(recovery)

    def _held_edits(self) -> list[Path]:
        """Recovery files whose edits are in this session (and so go when it is saved or
        its edits are discarded)."""
        held = [self.own] if self.own is not None and self.wrote_own else []
        held += self.adopted
        held += [k.path for k in self.kept if not self.session.history.applied(k.reload)]
        return held

    def drop_edits(self) -> str | None:
        """The session's unsaved edits are discarded: remove the recovery files holding
        them. A problem removing one is returned for the status line."""
        return self._tidy(self._held_edits())

    def _tidy(self, files: list[Path]) -> str | None:
        self._void_up_to = self._jobs  # an autosave under way holds edits these files hold
        problems: list[str] = []
        for file in files:
            try:
                remove_recovery(file)
            except TrackerError as error:
                problems.append(error.message)
        self.wrote_own = self.wrote_own and self.own not in files
        self.adopted = [file for file in self.adopted if file not in files]
        self.kept = [k for k in self.kept if k.path not in files]
        return "; ".join(problems) or None

    # Saving

    def moved(self) -> Path | None:
        """Where the song's path leads now, when that is not where it led when the song
        was opened or last saved (it became a symlink to somewhere else)."""
        now = _resolved(self.session.path)
        return now if now is not None and now != self.resolved else None

    def save(self, path: Path | None = None) -> tuple[Path, str | None]:
        """Save to `path` (or the song's own path), here and now; raises SaveError, the song
        on disk intact. Returns the file and a problem tidying recovery files up, if any."""
        job = self.save_job(path)
        return self.saved(job, self.write_save(job))

    def save_job(self, path: Path | None = None, *, apart: bool = False) -> Job:
        """A save of the song as it stands to `path` (or the song's own path): UI thread.
        `apart`: its bytes are made in a process of their own (SongBytes)."""
        target = path or self.session.path
        assert target is not None, "save_as asks for a path first"
        return self._job(target, target, apart, held=tuple(self._held_edits()))

    def write_save(self, job: Job) -> Written:
        """Write a save once its bytes are made: any thread. Raises SaveError."""
        data = save_song(job.text.result(), job.target)
        return Written(data, _mtime(job.target))

    def saved(self, job: Job, written: Written) -> tuple[Path, str | None]:
        """A save is on disk: the song is clean unless it changed meanwhile (UI thread)."""
        target = job.target
        new_place = self.session.path is None or _resolved(target) != _resolved(self.session.path)
        if self.session.revision == job.revision:
            self.session.mark_saved(target)
        else:
            self.session.path = target  # edits made while it was written are still unsaved
        self.known_mtime, self.known_bytes = written.mtime, written.data
        self.resolved = _resolved(target)
        problem = self._tidy(list(job.held))
        if new_place:
            notice = self.claim()
            problem = "; ".join(p for p in (problem, notice) if p) or None
        return target, problem

    def autosave(self) -> bool:
        """Write this editor's recovery file when there are edits since the last autosave,
        here and now (a hang-up has no time for a worker)."""
        job = self.autosave_job()
        if job is None:
            return False
        self.autosaved(job, self.write_autosave(job))
        return True

    def autosave_due(self) -> bool:
        """There are edits since the last autosave, and a file to autosave beside."""
        return (
            self.session.path is not None
            and self.session.dirty
            and self.session.revision != self.autosaved_revision
        )

    def autosave_job(self, *, apart: bool = False) -> Job | None:
        """An autosave of the song as it stands, when there are edits since the last one
        (UI thread). `apart`: its bytes are made in a process of their own (SongBytes)."""
        path = self.session.path
        if path is None or not self.autosave_due():
            return None
        if self.own is None:
            self.claim()
        assert self.own is not None
        return self._job(path, self.own, apart)

    def write_autosave(self, job: Job) -> bool:
        """Write an autosave (any thread); False when newer edits were written or saved
        meanwhile and it is left out. Raises SaveError."""
        data = job.text.result()  # not under the lock: a hang-up's autosave never waits on it
        with self._writing:
            if job.number <= self._void_up_to or job.number < self._written.get(job.target, 0):
                return False
            write_recovery(data, job.shown, job.target)
            self._written[job.target] = job.number
        if job.number <= self._void_up_to:  # saved or discarded while it was written
            remove_recovery(job.target)
            return False
        return True

    def autosaved(self, job: Job, written: bool) -> None:
        """An autosave is done (UI thread)."""
        if job.target != self.own:
            return  # another song was opened meanwhile
        self.wrote_own = self.wrote_own or written
        self.autosaved_revision = job.revision

    def _job(self, shown: Path, target: Path, apart: bool, held: tuple[Path, ...] = ()) -> Job:
        self._jobs += 1
        text = SongBytes(self.session.song, shown, apart=apart)
        return Job(self._jobs, text, shown, target, self.session.revision, held)

    # The file on disk

    def _note_disk(self, path: Path | None) -> None:
        """Remember the file as we last read or wrote it: its time, and its bytes."""
        self.known_mtime = _mtime(path)
        self.known_bytes = _contents(path)

    def changed_on_disk(self) -> bool:
        """True once when the file changed since we last read or wrote it. Its time moving
        is not enough: a `touch`, a copy or a backup tool moves times without a change,
        and asked (or reloaded, with no edits) for nothing."""
        now = _mtime(self.session.path)
        if now is None or now == self.known_mtime:
            return False
        self.known_mtime = now
        contents = _contents(self.session.path)
        if contents is not None and contents == self.known_bytes:
            return False
        self.known_bytes = contents
        return True

    def reload(self) -> Path | None:
        """Read the song again from its file, as one undo step. Unsaved edits are first
        written to a recovery file of their own (returned), so they survive even when
        the reload is never undone; when that write fails nothing is reloaded.
        Raises TrackerError."""
        path = self.session.path
        assert path is not None
        song = load_song(path)
        kept: Path | None = None
        if self.session.dirty:
            kept = personal_recovery_path(_resolved(path) or path, self.me)
            write_recovery(self.session.song, path, kept)
            if self.wrote_own and self.own is not None:
                self._tidy([self.own])  # its edits are all in the kept file
        command = self.session.reload(song)
        if kept is not None:
            self.kept.append(Kept(kept, command))
        self._note_disk(path)
        self.resolved = _resolved(path)
        self.autosaved_revision = self.session.revision
        return kept

    def open(self, path: Path) -> Song:
        song = load_song(path)
        self.release()
        self.session.replace_song(song, path)
        self._note_disk(path)
        self.resolved = _resolved(path)
        self.autosaved_revision = self.session.revision
        return song
