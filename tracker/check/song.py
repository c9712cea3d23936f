"""What a song points at outside itself, checked before it is played: `tracker check`
and the dialogs ask here.

Loading a song checks the file itself (song/fileformat.py) but cannot know the
names and files it refers to: a CC lane name means something only in the device
map of the instrument playing it, a soundfont path only on this machine. Render
and play found these out too late, after `check` had said ok: a lane "cutof"
stopped the player at its first value, a soundfont that was not there ended the
render. Here each is resolved the way the player will (the same resolver,
`instruments.cc_lane_for`, and the same soundfont sniffing,
`audio.soundfonts.check_soundfont`), and each problem is placed at
`file:line:col`.

Cheap on purpose: only TOML files and the first bytes of each soundfont are
read; no FluidSynth, no numpy, no MIDI ports.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from tracker.audio.soundfonts import DEFAULT, check_soundfont
from tracker.errors import SongFormatError, TrackerError
from tracker.instruments import load_device, resolve_cc_lane
from tracker.paths import expand_user
from tracker.song.fileformat import decode
from tracker.song.limits import SOUNDFONT_BANK_RANGE
from tracker.song.model import Instrument, Song
from tracker.song.storage import load_song
from tracker.toml_locator import KeyPath, TomlLocator

Place = tuple[int, int] | None
Found = tuple[KeyPath, str]
"""A problem: where in the file (a key path, or a CC lane as (..., "cc", index)), and why."""


def song_problems(path: Path) -> list[SongFormatError]:
    """Load the song at `path` (its own errors raise SongFormatError as always) and
    list what it points at that is not there, each placed in the file."""
    return checked_song(path)[1]


def checked_song(path: Path) -> tuple[Song, list[SongFormatError]]:
    """The song at `path` and its problems (as `song_problems`): `tracker check` goes on
    to describe the song it loaded here, rather than reading a big file twice."""
    song = load_song(path)
    found = list(_problems(song, path.parent))
    if not found:
        return song, []
    where = TomlLocator(decode(path.read_bytes(), path))
    problems = []
    for keys, message in found:
        line, column = _place(where, keys) or (None, None)
        problems.append(SongFormatError(message, path=path, line=line, column=column))
    return song, problems


def track_instruments(song: Song, track: int) -> list[Instrument | None]:
    """The instruments a track's CC lanes are sent with: each one its cells name,
    else the song's first (the player's rule: a lane follows the track's current
    instrument). [None] in a song with no instruments: General MIDI names only."""
    numbers = {
        cell.instrument
        for pattern in song.patterns.values()
        for column in pattern.tracks[track].columns
        for cell in column
        if cell.instrument in song.instruments
    }
    if not numbers and song.instruments:
        numbers = {min(song.instruments)}
    return [song.instruments[n] for n in sorted(n for n in numbers if n is not None)] or [None]


def check_cc_lane(song: Song, track: int, name: str) -> None:
    """Raise InstrumentError when lane `name` of `track` would not resolve for an
    instrument the track plays (the message lists the names that would)."""
    for instrument in track_instruments(song, track):
        device = load_device(instrument.device) if instrument and instrument.device else None
        resolve_cc_lane(name, device)


def _problems(song: Song, song_dir: Path) -> Iterator[Found]:
    broken_devices: set[str] = set()
    for number, instrument in song.instruments.items():
        keys: KeyPath = ("instruments", f"{number:02X}")
        who = f'instrument {number:02X} "{instrument.name}"'
        if instrument.device:
            try:
                load_device(instrument.device)
            except TrackerError as error:
                broken_devices.add(instrument.device)
                yield (*keys, "device"), error.message  # long already: it lists the devices
        elif instrument.soundfont and instrument.soundfont.strip() != DEFAULT:
            problem = _soundfont_problem(instrument.soundfont, song_dir)
            if problem:
                yield (*keys, "soundfont"), f"{who}: {problem}"
        low, high = SOUNDFONT_BANK_RANGE
        if not instrument.device and not low <= instrument.bank <= high:
            yield (
                (*keys, "bank"),
                f"{who}: bank {instrument.bank} is not a soundfont bank "
                f"({low}-{high - 1}, {high} for drum kits; larger banks are for devices)",
            )
    if song.soundfont and song.soundfont.strip() != DEFAULT:
        problem = _soundfont_problem(song.soundfont, song_dir)
        if problem:
            yield ("soundfont",), f"the song's soundfont: {problem}"
    for t, track in enumerate(song.tracks):
        playing = track_instruments(song, t)
        if any(i is not None and i.device in broken_devices for i in playing):
            continue  # said above, once
        for lane, name in enumerate(track.cc):
            try:
                check_cc_lane(song, t, name)
            except TrackerError as error:
                yield ("tracks", t, "cc", lane), f'track "{track.name}": {error.message}'


def _soundfont_problem(setting: str, song_dir: Path) -> str | None:
    """Why a soundfont setting (a path, relative to the song's folder) cannot play, or None."""
    path = expand_user(setting.strip())
    if not path.is_absolute():
        path = song_dir / path
    try:
        check_soundfont(path)
    except TrackerError as error:
        return error.message
    return None


def _place(where: TomlLocator, keys: KeyPath) -> Place:
    """Line and column of a problem; an instrument's table may be written in lower case."""
    if len(keys) == 4 and keys[2] == "cc" and isinstance(keys[3], int):
        return where.item(keys[:3], keys[3])
    if keys[0] == "instruments" and isinstance(keys[1], str):
        for spelled in (keys[1], keys[1].lower()):
            candidate = ("instruments", spelled, *keys[2:])
            if where.value_offset(candidate) is not None:
                return where.value(candidate)
        return where.key(("instruments",))
    return where.value(keys)
