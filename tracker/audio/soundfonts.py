"""Find the soundfont a song plays through, and make sure it really is one.

The order, most specific first:

1. the song's own `soundfont = "..."` (a path, relative to the song file's folder);
2. `$TRACKER_SOUNDFONT`;
3. a `*.sf2` shipped in an instruments/ folder (none are shipped yet);
4. the system's General MIDI fonts, then the usual soundfont folders.

A font the musician named (1 or 2) must be there and be a soundfont: we say so
rather than quietly play another. A font we merely came across (3 or 4) that
turns out not to be one is skipped, and mentioned if nothing else is found.

The check reads the RIFF header only, so it costs microseconds and needs no
FluidSynth: a WAV or MIDI file given by mistake is named for what it is.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker.errors import SoundfontError
from tracker.files import NotAFileError, open_regular
from tracker.instruments import instrument_dirs
from tracker.paths import data_home, expand_user

SYSTEM_FONTS: tuple[Path, ...] = (
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    Path("/usr/share/sounds/sf2/TimGM6mb.sf2"),
    Path("/usr/share/sounds/sf2/default-GM.sf2"),
)
"""Debian and Ubuntu's General MIDI fonts (fluid-soundfont-gm, timgm6mb-soundfont), best first."""

SYSTEM_FOLDERS: tuple[Path, ...] = (Path("/usr/share/soundfonts"),)
"""Where other distributions (Arch, Fedora) put soundfonts."""

FONT_SUFFIXES = (".sf2", ".sf3")
DEFAULT = "default"
"""The song setting that means "whatever font the search finds"."""

_FIX = (
    "To fix: run `make setup` (it installs a General MIDI soundfont), "
    "or set TRACKER_SOUNDFONT=/path/to/font.sf2, "
    'or give the song its own font (soundfont = "fonts/my.sf2" in the song file).'
)


def user_folder() -> Path | None:
    """$XDG_DATA_HOME/soundfonts; None without a home folder (tracker/paths.py)."""
    data = data_home()
    return None if data is None else data / "soundfonts"


def _user_folders() -> list[Path]:
    folder = user_folder()
    return [] if folder is None else [folder]


def _env_font() -> Path | None:
    value = os.environ.get("TRACKER_SOUNDFONT", "").strip()
    return expand_user(value) if value else None


def search_paths() -> list[Path]:
    """Every file or folder looked at when the song names no font, in order."""
    env = _env_font()
    return [
        *([env] if env else []),
        *instrument_dirs(),
        *SYSTEM_FONTS,
        *SYSTEM_FOLDERS,
        *_user_folders(),
    ]


def check_soundfont(path: Path) -> Path:
    """The path, if it holds a soundfont (RIFF ... sfbk); else a SoundfontError saying what it is."""
    try:
        with open_regular(path) as file:  # a pipe would wait forever for a writer
            head = file.read(12)
            size = os.fstat(file.fileno()).st_size
    except NotAFileError as error:
        if error.kind == "a folder":
            raise SoundfontError(f"soundfont {path} is a folder, not a .sf2 file") from None
        raise SoundfontError(
            f"soundfont {path} is a pipe or a device ({error.kind}), not a .sf2 file"
        ) from None
    except FileNotFoundError:
        raise SoundfontError(f"soundfont {path} does not exist") from None
    except OSError as error:
        raise SoundfontError(f"cannot read soundfont {path}: {error.strerror}") from None
    if len(head) == 12 and head[:4] == b"RIFF" and head[8:12] == b"sfbk":
        declared = int.from_bytes(head[4:8], "little") + 8
        if declared > size:
            raise SoundfontError(
                f"{path} is a damaged soundfont: it says it holds {declared} bytes "
                f"but the file has {size} (cut short while copying or downloading?)"
            )
        return path
    raise SoundfontError(f"{path} is not a soundfont: {_what_it_is(head)}")


def _what_it_is(head: bytes) -> str:
    """A musician's name for a file that should have been a soundfont."""
    if not head:
        return "the file is empty"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "it is a WAV audio file"
    if head[:4] == b"MThd":
        return "it is a MIDI file"
    if head[:4] in (b"OggS", b"fLaC") or head[:3] == b"ID3":
        return "it is a compressed audio file"
    if head[:4] == b"PK\x03\x04":
        return "it is a zip archive (unpack the .sf2 from it)"
    return "it does not start with a soundfont header (RIFF ... sfbk)"


def _fonts_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES and p.is_file())


def _named_font(setting: str, song_dir: Path | None, what: str) -> Path:
    path = expand_user(setting)
    if not path.is_absolute() and song_dir is not None:
        path = song_dir / path
    try:
        return check_soundfont(path)
    except SoundfontError as error:
        raise SoundfontError(f"{what}: {error.message}") from None


def found_soundfonts() -> list[Path]:
    """The font files the search comes across (3 and 4 above), in its order: what a song
    plays when it names none and $TRACKER_SOUNDFONT is not set is the first real one.
    The song settings dialog offers them."""
    candidates: list[Path] = []
    for folder in instrument_dirs():
        candidates += _fonts_in(folder)
    candidates += [p for p in SYSTEM_FONTS if p.exists()]
    for folder in (*SYSTEM_FOLDERS, *_user_folders()):
        candidates += _fonts_in(folder)
    return candidates


def find_soundfont(song_setting: str | None, song_dir: Path | None) -> Path:
    """The soundfont a song plays through (see the module docstring for the order)."""
    if song_setting and song_setting.strip() != DEFAULT:
        return _named_font(song_setting.strip(), song_dir, "the song's soundfont setting")
    env = _env_font()
    if env is not None:
        return _named_font(str(env), None, "TRACKER_SOUNDFONT")

    skipped: list[str] = []
    for candidate in found_soundfonts():
        try:
            return check_soundfont(candidate)
        except SoundfontError as error:
            skipped.append(error.message)

    looked = "\n".join(f"  {p}" for p in search_paths())
    notes = "".join(f"\nSkipped: {s}" for s in skipped)
    raise SoundfontError(
        "No General MIDI soundfont found. Looked in:\n"
        f"  $TRACKER_SOUNDFONT (not set)\n{looked}{notes}\n{_FIX}"
    )
