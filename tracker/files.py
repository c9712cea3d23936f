"""Files on disk: the one home of the primitives every reader and writer uses.

Songs, autosaves, backups, renders and MIDI exports are written here, and
songs, MIDI files, soundfonts, key maps and device files are read here, so
three rules hold everywhere at once:

- Only regular files are read or replaced. A path may name a device, a named
  pipe (FIFO), a socket or a folder: replacing `/dev/null` with a song once
  broke a machine; reading `/dev/zero` never ends; opening a pipe nobody
  writes to waits forever. Such a path is refused with `NotAFileError`, before
  anything is opened where possible and again on the open descriptor (fstat),
  so a file swapped for a pipe in between is refused too. Opening uses
  O_NONBLOCK, so even that check never waits on a pipe.
- A write is atomic: a temporary file in the same folder, fsync, rename over
  the target, fsync the folder. The disk holds the old file or the new one.
- Temporary names stay short (a fixed prefix, at most 40 characters of the
  target's name, a random suffix), so a file whose own name is near the file
  system's 255-byte limit can still be written.

Errors come out as `OSError` (its errno kept), so each caller turns them into
its own `TrackerError` with `reason(error)`, a cause written for a musician.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from tracker.errors import SaveError

NAME_MAX = 255
"""Bytes in one file name on Linux's usual file systems, when the system cannot say."""

_TEMP_STEM = 40
"""Characters of the target's name kept in a temporary name: enough to tell whose it is."""


class NotAFileError(OSError):
    """A path names something other than a regular file: never read it, never replace it."""

    def __init__(self, path: str | Path, kind: str) -> None:
        code = errno.EISDIR if kind == "a folder" else errno.EINVAL
        self.said = f"it is {kind}, not a file"
        super().__init__(code, self.said, str(path))
        self.kind = kind
        """What it is instead, for a sentence: "a folder", "a named pipe (FIFO)", ..."""

    def __str__(self) -> str:
        return self.said


def kind_of(mode: int) -> str | None:
    """What a stat mode names, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(path: str | Path) -> None:
    """Raise NotAFileError when `path` exists (through symlinks) and is not a regular file.

    A missing file (or a link to a missing one) is fine: it will be created.
    Other errors (permission, a file where a folder should be) are raised as they are.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    kind = kind_of(mode)
    if kind is not None:
        raise NotAFileError(path, kind)


@contextlib.contextmanager
def open_regular(path: str | Path) -> Iterator[BinaryIO]:
    """Open a regular file for reading, refusing anything else without waiting on it
    (see `_open_file_only`; opening a device can do things: a tape rewinds)."""
    descriptor = _open_file_only(path, os.O_RDONLY)
    try:
        file = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with file:
        yield file


def _open_file_only(path: str | Path, flags: int, mode: int = 0o666) -> int:
    """A blocking descriptor on `path` opened with `flags`, only when it is a regular
    file: checked before the open (opening a device can do things) and on the open
    descriptor after (it may have been swapped in between); O_NONBLOCK keeps the
    open of a pipe from waiting."""
    check_target(path)
    descriptor = os.open(path, flags | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC, mode)
    try:
        kind = kind_of(os.fstat(descriptor).st_mode)
        if kind is not None:
            raise NotAFileError(path, kind)
        os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_regular(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file (at most `limit` of them); see `open_regular`."""
    with open_regular(path) as file:
        return file.read() if limit is None else file.read(limit)


def open_log(path: Path, *, fresh: bool = False) -> int:
    """A descriptor appending to the log file `path` (emptied first when `fresh`),
    refusing anything but a regular file: a pipe there would block the open, a
    device would be written to. The folder is made when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = _open_file_only(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    if fresh:
        try:
            os.ftruncate(descriptor, 0)
        except BaseException:
            os.close(descriptor)
            raise
    return descriptor


def write_new(path: Path, data: bytes | bytearray | memoryview) -> None:
    """Create `path` (it must not exist), write all of `data` and fsync it.

    For files in a folder of our own that are moved into place later (a render's
    staging folder); errors keep their errno, so a full disk says so.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def name_max(folder: str | Path) -> int:
    """The longest file name, in bytes, the file system holding `folder` takes."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return NAME_MAX


def temporary_prefix(target: Path) -> str:
    """A hidden name that says whose temporary file it is, short whatever the target's name."""
    return f".{target.name[:_TEMP_STEM]}."


def write_atomically(target: Path, data: bytes, shown: str | Path, *, what: str) -> None:
    """Temporary file in the same folder, fsync, os.replace, fsync the folder.

    `target` must be absent or a regular file: anything else is refused with a
    SaveError naming it, and nothing is written.
    """
    folder = target.parent
    temporary: str | None = None
    try:
        check_target(target)
        handle, temporary = tempfile.mkstemp(
            prefix=temporary_prefix(target), suffix=".tmp", dir=folder
        )
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        install_temporary(temporary, target)
        temporary = None
    except NotAFileError as error:
        raise SaveError(
            f"could not save {shown}: {target} is {error.kind}, not a file, and is left as it is"
        ) from None
    except OSError as error:
        raise SaveError(f"could not save {shown}: writing {what} failed: {reason(error)}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):  # the target itself was not touched
                os.unlink(temporary)


def install_temporary(temporary: str | Path, target: Path) -> None:
    """The end of every atomic write: the written and fsynced temporary file (in the
    target's folder) takes the target's permissions and its place, and the rename is
    made to last. A file written in pieces (a capture) ends this way too."""
    os.chmod(temporary, mode_for(target))
    check_target(target)  # again: the write took time, and a rename cannot refuse
    os.replace(temporary, target)
    fsync_folder(target.parent)


def mode_for(target: Path) -> int:
    """Keep the permissions of the file being replaced; a new file gets the usual 0666 - umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def fsync_folder(folder: Path) -> None:
    """Make renames in `folder` survive a power cut (where the system allows it)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return  # some systems cannot open folders; the rename itself is done
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(descriptor)


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file is larger than this system allows",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EISDIR: "the name belongs to a folder",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EIO: "the disk reported an input/output error",
}


def reason(error: OSError) -> str:
    """Why an operation on a file failed, in a musician's words."""
    if isinstance(error, NotAFileError):
        return error.said
    if error.errno in _REASONS:
        return _REASONS[error.errno]
    return error.strerror or str(error)


def entry_exists(path: Path) -> bool:
    """Whether anything is at `path`, a link to nothing too (Path.exists follows links
    and says no to one; a save or a lock must not write through it unasked)."""
    try:
        path.lstat()
    except OSError:
        return False
    return True
