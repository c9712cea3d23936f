"""What the Open and Save as dialogs list and complete: a folder's songs and subfolders.

Pure (no Textual): the dialog's text is a path typed relative to a base folder
(the song's own, or the working folder); its folder part says which folder is
listed, its last part filters the list by prefix and is what Tab completes. So
the state is the text alone: Enter on a folder writes "folder/" into the field,
and Backspace walks back out of it the way it came in.

Hidden files (autosaves `.NAME.toml.autosave`, locks, backups `NAME.toml~`) are
not songs to open and are never listed; they can still be typed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SONG_SUFFIX = ".toml"
UP = ".."
MAX_ENTRIES = 500
"""A folder of thousands of files lists the first ones; typing narrows it."""


@dataclass(frozen=True)
class Entry:
    name: str
    folder: bool

    @property
    def shown(self) -> str:
        return self.name + "/" if self.folder else self.name


@dataclass(frozen=True)
class Listing:
    folder: Path
    """The folder listed (the typed folder part, resolved against the base)."""
    entries: tuple[Entry, ...]
    """Subfolders (with `..` first), then songs, each sorted; only those the typed
    name starts with (case ignored)."""
    problem: str = ""
    """Why the folder could not be listed (missing, not a folder, not readable)."""


def split(text: str) -> tuple[str, str]:
    """The typed text as (folder part with its trailing slash, name part)."""
    cut = text.rfind("/") + 1
    return text[:cut], text[cut:]


def resolve(base: Path, text: str) -> Path:
    """The typed text as a path: `~` expanded, relative to the base folder."""
    typed = Path(os.path.expanduser(text)) if text.startswith("~") else Path(text)
    return typed if typed.is_absolute() else base / typed


def listing(base: Path, text: str) -> Listing:
    """The folder the text is in, and its entries the typed name starts with."""
    folder_part, name = split(text)
    folder = resolve(base, folder_part) if folder_part else base
    try:
        with os.scandir(folder) as found:
            items = [(item.name, _is_folder(item)) for item in found]
    except FileNotFoundError:
        return Listing(folder, (), f"no folder {folder}")
    except NotADirectoryError:
        return Listing(folder, (), f"{folder} is not a folder")
    except OSError as error:
        return Listing(folder, (), f"cannot list {folder}: {error.strerror}")
    wanted = name.casefold()
    folders = sorted(n for n, is_folder in items if is_folder and not n.startswith("."))
    songs = sorted(
        n
        for n, is_folder in items
        if not is_folder and not n.startswith(".") and n.lower().endswith(SONG_SUFFIX)
    )
    up = [UP] if folder.resolve() != folder.resolve().parent else []
    entries = [Entry(n, True) for n in up + folders] + [Entry(n, False) for n in songs]
    matching = tuple(e for e in entries if e.name.casefold().startswith(wanted))
    if wanted and not wanted.startswith("."):
        matching = tuple(e for e in matching if e.name != UP)
    return Listing(folder, matching[:MAX_ENTRIES])


def _is_folder(item: os.DirEntry[str]) -> bool:
    try:
        return item.is_dir()  # follows links: a link to a folder is entered like one
    except OSError:
        return False


def complete(base: Path, text: str) -> str:
    """Tab: the name part grown to what every matching entry shares; a single match
    is taken whole (a folder with its slash, so the next Tab lists inside it)."""
    folder_part, name = split(text)
    entries = [e for e in listing(base, text).entries if e.name != UP or name]
    if not entries:
        return text
    if len(entries) == 1:
        return folder_part + entries[0].shown
    shared = _shared_start([e.name.casefold() for e in entries])
    if len(shared) <= len(name):
        return text
    # What was typed stays as typed; the rest comes from the first match.
    return folder_part + name + entries[0].name[len(name) : len(shared)]


def _shared_start(names: list[str]) -> str:
    """The characters every name starts with (names, not paths: no component split)."""
    first, last = min(names), max(names)
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), None)
    return first[: len(first) if size is None else size]


def enter(text: str, entry: Entry) -> str:
    """The text after choosing a listed folder: its path with a slash, ready to list."""
    folder_part, _ = split(text)
    last = folder_part.rstrip("/").rpartition("/")[2]
    if entry.name == UP and last not in ("", UP, "~", "."):
        head, slash, _ = folder_part.rstrip("/").rpartition("/")
        return head + slash  # "a/b/" -> "a/", "sub/" -> "", "/x/" -> "/"
    return folder_part + entry.shown


def with_suffix(path: Path) -> Path:
    """Save as: a name without an extension gets `.toml` (`mysong` -> `mysong.toml`)."""
    return path if path.suffix else path.with_name(path.name + SONG_SUFFIX)
