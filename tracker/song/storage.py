"""Songs on disk: load, save atomically with one backup, and the autosave recovery file.

A save never leaves a partial song: the text goes to a temporary file in the
same folder, is flushed to the disk (fsync), and only then renamed over the
song (os.replace is atomic), after which the folder itself is fsynced so the
rename survives a power cut. The previous version is kept as `NAME.toml~`
(the editor convention: `songs/*.toml` globs and most .gitignore files skip
it). When anything fails, SaveError says why and the song on disk is as it was.

Before writing, the text is read back and compared with the song, so a song
that could not be loaded again is refused instead of written.

Autosave goes to `.NAME.toml.autosave` beside the song, never over it;
`read_recovery` offers it only when it is newer than the song.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from dataclasses import fields, is_dataclass
from pathlib import Path

from tracker.errors import SaveError, SongFormatError
from tracker.song.fileformat import dumps, load_bytes
from tracker.song.model import Song

BACKUP_SUFFIX = "~"
RECOVERY_SUFFIX = ".autosave"


def load_song(path: str | Path) -> Song:
    """Read a song file; every problem is a SongFormatError naming the file."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path):
            # A pipe would wait forever for a writer, a device may never end: read files only.
            raise SongFormatError("this is not a song file (a pipe or a device?)", path=path)
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SongFormatError("no such song file", path=path) from None
    except IsADirectoryError:
        raise SongFormatError("this is a folder, not a song file", path=path) from None
    except OSError as error:
        raise SongFormatError(f"cannot read the file: {_reason(error)}", path=path) from None
    return load_bytes(data, path)


def save_song(song: Song, path: str | Path) -> None:
    """Write the song atomically, keeping the previous version as NAME.toml~."""
    target = _real(path)
    data = _checked_text(song, path)
    try:
        previous = target.read_bytes() if target.exists() else None
    except OSError as error:
        raise SaveError(
            f"could not save {path}: cannot read the current file to back it up: {_reason(error)}"
        ) from None
    if previous is not None:
        write_atomically(backup_path(target), previous, path, what="the backup")
    write_atomically(target, data, path, what="the song")


def backup_path(path: str | Path) -> Path:
    """Where the previous version of a song is kept: `NAME.toml~`."""
    path = Path(path)
    return path.with_name(path.name + BACKUP_SUFFIX)


def recovery_path(path: str | Path) -> Path:
    """The autosave file beside a song: `songs/x.toml` -> `songs/.x.toml.autosave`."""
    path = Path(path)
    return path.with_name(f".{path.name}{RECOVERY_SUFFIX}")


def write_recovery(song: Song, path: str | Path) -> None:
    """Autosave: write the song's recovery file (atomically), never the song itself."""
    target = recovery_path(_real(path))
    write_atomically(target, _checked_text(song, path), path, what="the autosave")


def read_recovery(path: str | Path) -> Song | None:
    """The autosaved song, when its file is newer than the song's (or the song was never saved).

    A recovery file that cannot be read raises SongFormatError naming it.
    """
    target = _real(path)
    recovery = recovery_path(target)
    try:
        recovered_at = recovery.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    try:
        saved_at: int | None = target.stat().st_mtime_ns
    except FileNotFoundError:
        saved_at = None
    if saved_at is not None and recovered_at <= saved_at:
        return None
    return load_song(recovery)


def discard_recovery(path: str | Path) -> None:
    """Remove the recovery file (after a save, or when the user declines it)."""
    recovery_path(_real(path)).unlink(missing_ok=True)


def _real(path: str | Path) -> Path:
    """Save through a symlink to the file it points at, rather than replacing the link."""
    return Path(os.path.realpath(path))


def _checked_text(song: Song, target: str | Path) -> bytes:
    """The song's text, refused when reading it back would not give the same song."""
    try:
        text = dumps(song)
        again = load_bytes(text.encode("utf-8"))
    except SongFormatError as error:
        # Its place would be in text never written: the reason alone says what is wrong.
        raise SaveError(
            f"could not save {target}: the song has a problem: {error.reason}"
        ) from None
    except UnicodeEncodeError:
        raise SaveError(
            f"could not save {target}: a name or title holds a character that is not valid Unicode"
        ) from None
    if again != song:
        where = _first_difference(song, again, "song")
        raise SaveError(
            f"could not save {target}: {where} cannot be stored in the song file as it is"
        )
    return text.encode("utf-8")


def write_atomically(target: Path, data: bytes, shown: str | Path, *, what: str) -> None:
    """Temporary file in the same folder, fsync, os.replace, fsync the folder."""
    folder = target.parent
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
        temporary = None
        _fsync_folder(folder)
    except OSError as error:
        raise SaveError(
            f"could not save {shown}: writing {what} failed: {_reason(error)}"
        ) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):  # the song itself was not touched
                os.unlink(temporary)


def _mode_for(target: Path) -> int:
    """Keep the permissions of the file being replaced; a new file gets the usual 0666 - umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
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
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EISDIR: "the name belongs to a folder",
    errno.ENAMETOOLONG: "the file name is too long",
}


def _reason(error: OSError) -> str:
    if error.errno in _REASONS:
        return _REASONS[error.errno]
    return error.strerror or str(error)


def _first_difference(a: object, b: object, where: str) -> str:
    """The first part of two songs that differs, named like `tracks[0].cc` (for error messages)."""
    if type(a) is not type(b):
        return where
    if is_dataclass(a) and not isinstance(a, type):
        for field in fields(a):
            left, right = getattr(a, field.name), getattr(b, field.name)
            if left != right:
                return _first_difference(left, right, f"{where}.{field.name}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        for index, (left, right) in enumerate(zip(a, b, strict=True)):
            if left != right:
                return _first_difference(left, right, f"{where}[{index}]")
    elif isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for key in a:
            if a[key] != b[key]:
                return _first_difference(a[key], b[key], f"{where}[{key!r}]")
    return where
