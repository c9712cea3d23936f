"""A song's checked bytes, made in a process of its own so the editor's keys never wait.

Serialising a big song and reading it back to check it is pure Python: 1 s for a 13 MB
song, 85 % of it the read-back. On a worker thread it shared the interpreter with the
keys (the GIL), and a keypress to repaint took up to 70 ms while it ran (bench
autosave, p99 under a parallel load). A forked child holds an interpreter of its own:
the fork takes under a millisecond, between two keys, and is itself the snapshot (the
child sees the song as it stood, however the editor changes its own copy afterwards),
so the song is not copied either. The child only makes the bytes and hands them back
through a pipe; the editor's worker writes them (the atomic write, the backup and the
bookkeeping of which autosave is newest stay in one process).

The child is plain: no signal handler of the editor's runs in it (a hang-up kills it,
and the editor autosaves itself), it holds none of the editor's files or pipes open
(the player sees its pipe close when the editor goes), it never prints, it ends with os._exit (no exit
handlers, no buffers of the editor's flushed twice), it leaves the garbage collector off
(a collection would walk, and so copy, every page it shares with the editor), and it
runs a little behind the editor's own threads on a busy machine (nice). The editor's
collector stays on meanwhile: the song is frozen out of its walks (tracker/ui/collector.py),
so its collections copy none of the song's pages either.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import weakref
from pathlib import Path
from typing import NoReturn

from tracker.errors import SaveError, TrackerError
from tracker.song.model import Song
from tracker.song.storage import checked_bytes, snapshot
from tracker.ui.collector import collector_off

CHILD_NICENESS = 10
"""How far the child steps back from the editor for the machine's cores (os.nice)."""
_MADE, _REFUSED = 0, 1
"""The child's exit status: the pipe held the bytes, or the reason they were refused."""
_READ_SIZE = 1 << 20


class SongBytes:
    """The checked bytes (storage.checked_bytes) of a song as it stood when this was made:
    `result` gives them, or raises the SaveError that refused them."""

    def __init__(self, song: Song, shown: str | Path, *, apart: bool = False) -> None:
        """`apart`: made by a forked child, from the UI thread (the thread that changes the
        song: the fork catches it between two edits); else made here and now."""
        self.shown = shown
        self._made: bytes | TrackerError | None = None
        self._child: _Child | None = None
        self._later: Song | None = None
        if not apart:
            self._made = _make(song, shown)
            return
        try:
            self._child = _Child(song, shown)
        except OSError:  # no fork to be had (memory, the process limit): as before, a
            self._later = snapshot(song)  # copy, made into bytes by whoever asks for them

    @property
    def child(self) -> int | None:
        """The process making the bytes, until they are waited for (None when made here)."""
        return self._child.pid if self._child is not None else None

    def result(self) -> bytes:
        """The bytes, waiting for the child if need be (any thread; the wait leaves the
        interpreter to the others). Raises SaveError."""
        if self._child is not None:
            try:
                self._made = self._child.wait()
            except TrackerError as error:
                self._made = error
            self._child = None
        elif self._later is not None:
            self._made, self._later = _make(self._later, self.shown), None
        if isinstance(self._made, TrackerError):
            raise self._made
        assert self._made is not None
        return self._made


def _make(song: Song, shown: str | Path) -> bytes | TrackerError:
    """The bytes made in this process: its read-back's million objects are no garbage,
    so no collection runs meanwhile (collector.py)."""
    try:
        with collector_off():
            return checked_bytes(song, shown)
    except TrackerError as error:
        return error


class _Child:
    def __init__(self, song: Song, shown: str | Path) -> None:
        self.shown = shown
        read, write = os.pipe()
        everything = signal.valid_signals()
        # No signal reaches the child before it drops the editor's handlers.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, everything)
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # pragma: no cover - the child: measured by the parent's tests
            _make_in_child(song, shown, write, blocked)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(write)
        self.pid, self.read = pid, read
        # A job never waited for: let the child end (its next write fails) and reap it.
        self._finalizer = weakref.finalize(self, _abandon, pid, read)

    def wait(self) -> bytes:
        self._finalizer.detach()
        chunks: list[bytes] = []
        try:
            while chunk := os.read(self.read, _READ_SIZE):
                chunks.append(chunk)
        finally:
            os.close(self.read)
            _, status = os.waitpid(self.pid, 0)
        data = b"".join(chunks)
        code = os.waitstatus_to_exitcode(status)
        if code == _MADE:
            return data
        if code == _REFUSED:
            raise SaveError(data.decode("utf-8", "replace"))
        how = f"signal {-code}" if code < 0 else f"status {code}"
        raise SaveError(f"could not save {self.shown}: the writing process ended ({how})")


def _make_in_child(
    song: Song, shown: str | Path, out: int, blocked: set[int | signal.Signals]
) -> NoReturn:
    """The child's whole life: make the bytes, send them (or the refusal), leave."""
    code = _REFUSED
    try:
        gc.disable()
        signal.set_wakeup_fd(-1)  # the editor's event loop hears of its own signals only
        for number in signal.valid_signals():
            if callable(signal.getsignal(number)):
                signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        # Only its own pipe stays open: a pipe the editor closes (the player's, on
        # quitting) must close at once, not when this child ends.
        os.closerange(3, out)
        os.closerange(out + 1, os.sysconf("SC_OPEN_MAX"))
        os.nice(CHILD_NICENESS)
        try:
            data, code = checked_bytes(song, shown), _MADE
        except TrackerError as error:
            data = error.message.encode("utf-8", "replace")
        except Exception as error:  # noqa: BLE001 - told to the editor, never printed here
            data = f"could not save {shown}: {type(error).__name__}: {error}".encode(
                "utf-8", "replace"
            )
        view = memoryview(data)
        while view:
            view = view[os.write(out, view) :]
    except BaseException:  # noqa: BLE001 - the editor hears of it from the exit status
        code = 2
    finally:
        os._exit(code)


def _abandon(pid: int, read: int) -> None:
    """A child nobody waits for: close its pipe (its next write fails, so it ends) and
    reap it if it has ended already."""
    os.close(read)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
