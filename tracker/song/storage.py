"""Songs on disk: load, and save atomically with one backup.

A save never leaves a partial song: the text goes to a temporary file in the
same folder, is flushed to the disk (fsync), and only then renamed over the
song (os.replace is atomic), after which the folder itself is fsynced so the
rename survives a power cut. The previous version is kept as `NAME.toml~`
(the editor convention: `songs/*.toml` globs and most .gitignore files skip
it). When anything fails, SaveError says why and the song on disk is as it was.
The writing itself, and the refusal to read or replace anything but a regular
file (a device, a pipe, a socket, a folder), live in tracker.files.

Before writing, the text is read back and compared with the song, so a song
that could not be loaded again is refused instead of written. A song built by a
program rather than edited (an import) may be checked by its cells instead: each
distinct cell and lane value is written and read back, and the song's outline (all
but its rows) round-trips as text; the rows are those cells joined by the writer, so
nothing is left unchecked but the joining, and the 10 MB import saves in a fifth of
the time (reading 49 MB of rows back was a third of the whole import).

Autosave recovery files live in tracker.song.recovery.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Generator
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Literal

from tracker.errors import SaveError, SongFormatError
from tracker.files import (
    NotAFileError,
    check_target,
    name_max,
    read_regular,
    reason,
    write_atomically,
)
from tracker.lanes import WIDE_MAX, is_wide
from tracker.song.fileformat import dumps, load_bytes
from tracker.song.limits import LINES_RANGE
from tracker.song.model import Cell, Effect, Pattern, Song
from tracker.song.notation import (
    format_byte,
    format_effect,
    format_lane_value,
    format_note,
    parse_byte,
    parse_effect,
    parse_lane_value,
    parse_note,
)
from tracker.steps import run_to_end
from tracker.tomlfile import read_bytes

BACKUP_SUFFIX = "~"

Check = Literal["text", "cells"]
"""How a save checks the song reads back: "text", all of it read back; "cells", the
outline read back and each distinct cell and lane value on its own (module docstring)."""


def load_song(path: str | Path) -> Song:
    """Read a song file; every problem is a SongFormatError naming the file.

    Only a regular file is read: a pipe would wait forever for a writer, a
    device may never end."""
    return load_bytes(read_bytes(path, "song file", SongFormatError), path)


def save_song(song: Song | bytes, path: str | Path, *, check: Check = "text") -> bytes:
    """Write the song atomically, keeping the previous version as NAME.toml~; returns
    the bytes written (the editor remembers them to tell its own writes from others').
    The song may come as its `checked_bytes`, made already (the editor makes them in a
    process of its own, so a big song's serialising never holds up its keys).

    The song and its backup are only ever regular files: a path naming a device,
    a pipe, a socket or a folder is refused before anything is read or written.
    """
    target = real_path(path)
    _check_name_fits(target, path)
    data = song if isinstance(song, bytes) else checked_bytes(song, path, check=check)
    try:
        check_target(backup_path(target))
        previous = _current(target)
    except NotAFileError as error:
        raise SaveError(
            f"could not save {path}: {error.filename} is {error.kind}, not a file, "
            "and is left as it is"
        ) from None
    except OSError as error:
        raise SaveError(
            f"could not save {path}: cannot read the current file to back it up: {reason(error)}"
        ) from None
    if previous is not None:
        write_atomically(backup_path(target), previous, path, what="the backup")
    write_atomically(target, data, path, what="the song")
    return data


def snapshot(song: Song) -> Song:
    """A copy of the song as it stands, for a save written on another thread while the
    editor goes on changing the song: every list and table the edits change is copied,
    the cells and effects (frozen) are shared, and fields added later come along (replace).
    A 13 MB song takes 15-45 ms: the editor forks instead (ui/files/apart.py), and copies
    only when no fork is to be had."""
    return run_to_end(snapshot_in_steps(song))


def snapshot_in_steps(song: Song) -> Generator[None, None, Song]:
    """`snapshot`, yielding after each pattern (a fraction of a millisecond): the caller
    may let other work run between steps, and must start again if the song changed."""
    patterns: dict[str, Pattern] = {}
    for name, pattern in song.patterns.items():
        collecting = gc.isenabled()
        gc.disable()  # many new lists, none of them garbage: no collection is due
        try:
            patterns[name] = replace(
                pattern,
                tracks=[
                    replace(
                        part,
                        columns=[column.copy() for column in part.columns],
                        cc=[lane.copy() for lane in part.cc],
                    )
                    for part in pattern.tracks
                ],
            )
        finally:
            if collecting:
                gc.enable()
        yield
    return replace(
        song,
        order=list(song.order),
        instruments={n: replace(i) for n, i in song.instruments.items()},
        tracks=[replace(track, cc=list(track.cc)) for track in song.tracks],
        patterns=patterns,
    )


def backup_path(path: str | Path) -> Path:
    """Where the previous version of a song is kept: `NAME.toml~`."""
    path = Path(path)
    return path.with_name(path.name + BACKUP_SUFFIX)


def _current(target: Path) -> bytes | None:
    """The song file as it is on disk (to back it up), or None when there is none yet."""
    try:
        return read_regular(target)
    except FileNotFoundError:
        return None


def _check_name_fits(target: Path, shown: str | Path) -> None:
    """Refuse a name too long to keep its backup beside it, before anything is written
    (rather than save it once and never again)."""
    longest = name_max(target.parent)
    if len(os.fsencode(backup_path(target).name)) > longest:
        raise SaveError(
            f"could not save {shown}: the file name is too long to keep the backup "
            f"(NAME{BACKUP_SUFFIX}) beside it; use a name of at most {longest - 1} bytes"
        )


def real_path(path: str | Path) -> Path:
    """Save through a symlink to the file it points at, rather than replacing the link."""
    return Path(os.path.realpath(path))


def checked_bytes(song: Song, target: str | Path, *, check: Check = "text") -> bytes:
    """The song's text, refused when reading it back would not give the same song."""
    try:
        text = dumps(song)
        if check == "cells":
            _check_cells(song)
            song = _outline(song)
            again = load_bytes(dumps(song).encode("utf-8"))
        else:
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


def _outline(song: Song) -> Song:
    """The song with each pattern one empty line long (rows checked by `_check_cells`),
    or whole where a track loops (a loop is only written when shorter than its pattern)."""
    patterns: dict[str, Pattern] = {}
    for name, pattern in song.patterns.items():
        if any(part.loop is not None for part in pattern.tracks):
            patterns[name] = pattern
        else:
            empty = Pattern.empty(song.tracks, 1)
            patterns[name] = replace(empty, key=pattern.key, scale=pattern.scale)
    return replace(song, patterns=patterns)


def _check_cells(song: Song) -> None:
    """Refuse (as the text check would) a pattern length out of range, or a cell or a lane
    value whose text does not read back as itself; each distinct one is tried once."""
    cells: dict[int, dict[int, Cell]] = {}
    """Effect columns -> id -> cell (the song holds them all while this runs)."""
    lanes: set[tuple[bool, int | None]] = set()
    for name, pattern in song.patterns.items():
        if not LINES_RANGE[0] <= pattern.lines <= LINES_RANGE[1]:
            raise SongFormatError(f'pattern "{name}" has {pattern.lines} lines')
        for track, part in zip(song.tracks, pattern.tracks, strict=True):
            known = cells.setdefault(track.effects, {})
            for column in part.columns:
                known.update(
                    zip(map(id, column), column, strict=True)
                )  # a million cells: no Python loop
            for lane_name, lane in zip(track.cc, part.cc, strict=True):
                wide = is_wide(lane_name)
                lanes.update((wide, value) for value in set(lane))
    # A cell's text is its fields' texts joined by spaces (notation.format_cell), and
    # reads back field by field: each distinct field value is tried once, as one word.
    notes: set[int | None] = set()
    instruments: set[int | None] = set()
    volumes: set[int | None] = set()
    effects: set[Effect | None] = set()
    for known in cells.values():
        for cell in known.values():
            notes.add(cell.note)
            instruments.add(cell.instrument)
            volumes.add(cell.volume)
            effects.update(cell.effects)
    trials: list[tuple[object, str, object]] = []
    trials += ((n, text, parse_note(text)) for n in notes for text in [format_note(n)])
    for values, what, top in ((instruments, "instrument", 0xFF), (volumes, "volume", 0x7F)):
        trials += (
            (v, t, parse_byte(t, what, maximum=top)) for v in values for t in [format_byte(v)]
        )
    trials += ((e, text, parse_effect(text)) for e in effects for text in [format_effect(e)])
    undefined = {n for n in instruments if n is not None} - song.instruments.keys()
    if undefined:  # the row reader refuses these (pattern_rows._read_part)
        raise SongFormatError(
            f"a cell plays instrument {min(undefined):02X}, which the song does not define"
        )
    for value, text, again in trials:
        if again != value or text.split() != [text]:
            raise SongFormatError(
                f'a cell holds {value!r}, written "{text}": it reads back otherwise'
            )
    for wide, value in lanes:
        if value is not None and not 0 <= value <= (WIDE_MAX if wide else 0x7F):
            raise SongFormatError(f"a CC value of {value} is out of range")
        if parse_lane_value(format_lane_value(value, wide), 1, wide) != value:
            raise SongFormatError(f"a CC value of {value} reads back otherwise")


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
