"""Autosave recovery files: where they go, which are worth offering, and removing them.

Autosave writes a recovery file beside the song, never the song itself:
`.NAME.toml.autosave` for the editor holding the song's lock (tracker.song.lock),
`.NAME.toml.HOST-PID.autosave` (or `...HOST-PID-nN.autosave`) for any other, so
two editors on one song never write, or remove, each other's file.

A recovery file is worth offering when its content differs from the song file
(not when its time is newer: a `touch`, a copy or a clock step moves times, and
a recovery file older than its song still holds edits). One whose content equals
the song carries nothing and may go. A file named after a live editor on this
host is that editor's and is left alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import SaveError, SongFormatError
from tracker.files import reason, write_atomically
from tracker.song.lock import Editor
from tracker.song.model import Song
from tracker.song.storage import checked_bytes, load_song, real_path

RECOVERY_SUFFIX = ".autosave"
_TAG = re.compile(r"(?P<host>.+)-(?P<pid>\d+)(?:-n\d+)?")
"""The middle of a personal recovery file's name: `HOST-PID`, `HOST-PID-n2`."""


_ROOM_FOR_TAG = 100
"""Bytes of a file name kept free for the dots, `HOST-PID-nN` and `.autosave`
(a host name has at most 64); the longest name a file system takes is 255."""
_LONGEST_NAME = 255


def _stem(song: Path) -> str:
    """The song's name as recovery files carry it: the name itself, or for a name
    too long to carry a tag too, its start and a digest of the whole (a 250-byte
    song name left no room for `.autosave`, so its edits could not be autosaved)."""
    encoded = os.fsencode(song.name)
    keep = _LONGEST_NAME - _ROOM_FOR_TAG
    if len(encoded) <= keep:
        return song.name
    digest = hashlib.sha1(encoded).hexdigest()[:8]
    start = encoded[: keep - len(digest) - 1].decode("utf-8", "ignore")
    return f"{start}~{digest}"


def recovery_path(song: str | Path, tag: str | None = None) -> Path:
    """`songs/x.toml` -> `songs/.x.toml.autosave`; with a tag, `songs/.x.toml.TAG.autosave`."""
    song = Path(song)
    middle = f".{tag}" if tag else ""
    return song.with_name(f".{_stem(song)}{middle}{RECOVERY_SUFFIX}")


def personal_recovery_path(song: str | Path, me: Editor) -> Path:
    """A recovery file of this editor's own that no file holds yet (never over another's)."""
    for number in range(1, 1000):
        tag = me.tag() if number == 1 else f"{me.tag()}-n{number}"
        path = recovery_path(song, tag)
        if not _exists(path):
            return path
    raise SaveError(f"could not autosave {song}: too many recovery files beside it")


def owner_of(recovery: Path, song: str | Path) -> Editor | None:
    """The editor a personal recovery file is named after; None for the shared one."""
    prefix, suffix = f".{_stem(Path(song))}.", RECOVERY_SUFFIX
    name = recovery.name
    if not (name.startswith(prefix) and name.endswith(suffix)):
        return None
    match = _TAG.fullmatch(name[len(prefix) : -len(suffix)])
    return Editor(int(match["pid"]), match["host"]) if match else None


def recovery_files(song: str | Path, *, shared: bool) -> list[Path]:
    """Every recovery file of the song that no live editor is writing, oldest first.

    `shared`: include `.NAME.toml.autosave` (true when this editor holds the lock,
    so the one who wrote it is gone).
    """
    song = Path(song)
    folder = song.parent
    prefix = f".{_stem(song)}."
    found: list[tuple[int, Path]] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        path = folder / name
        if not name.endswith(RECOVERY_SUFFIX) or not name.startswith(prefix):
            continue
        if path == recovery_path(song):
            if not shared:
                continue
        else:
            owner = owner_of(path, song)
            if owner is None or owner.alive():
                continue
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found.append((info.st_mtime_ns, path))
    return [path for _, path in sorted(found)]


def write_recovery(song: Song | bytes, path: str | Path, target: Path | None = None) -> Path:
    """Autosave the song to `target` (its shared recovery file by default), atomically,
    never the song itself; returns the file written. The song may come as its
    `checked_bytes`, made already (the editor makes them in a process of its own)."""
    target = target or recovery_path(real_path(path))
    data = song if isinstance(song, bytes) else checked_bytes(song, path)
    write_atomically(target, data, path, what="the autosave")
    return target


@dataclass(frozen=True)
class Recovery:
    """A recovery file whose song differs from the song file."""

    path: Path
    song: Song


def worth_offering(recovery: Path, saved: Song | None) -> Recovery | None:
    """The recovery file's song when it differs from `saved` (the song file's, None when
    there is none), else None. Raises SongFormatError when the file cannot be read."""
    song = load_song(recovery)
    return Recovery(recovery, song) if song != saved else None


def read_recovery(path: str | Path) -> Song | None:
    """The song in the shared recovery file when it differs from the song file's.

    A recovery file that cannot be read raises SongFormatError naming it.
    """
    target = real_path(path)
    recovery = recovery_path(target)
    if not _exists(recovery):
        return None
    try:
        saved: Song | None = load_song(target)
    except SongFormatError:
        saved = None  # missing or broken: whatever the autosave holds is worth more
    found = worth_offering(recovery, saved)
    return found.song if found else None


def remove_recovery(recovery: Path) -> None:
    """Remove one recovery file, only a regular file (a folder or a device in its place is
    not ours); raises SaveError naming it and the cause."""
    try:
        if not stat.S_ISREG(recovery.lstat().st_mode):
            raise SaveError(f"could not remove the autosave {recovery}: it is not a regular file")
        recovery.unlink()
    except FileNotFoundError:
        return
    except OSError as error:
        raise SaveError(f"could not remove the autosave {recovery}: {reason(error)}") from None


def discard_recovery(path: str | Path) -> None:
    """Remove the song's shared recovery file (the musician declined it)."""
    remove_recovery(recovery_path(real_path(path)))


def _exists(path: Path) -> bool:
    with contextlib.suppress(OSError):
        path.lstat()
        return True
    return False
