"""The General MIDI names (gm.toml): the 128 program names, the drum kits and the drum
key map; `find_sounds` looks a sound up by part of its name or by its number."""

from __future__ import annotations

import functools
from pathlib import Path
from types import MappingProxyType

from tracker.errors import InstrumentError
from tracker.instruments.model import DRUM_BANK, GeneralMidi, Sound
from tracker.instruments.search import GM_FILE, instrument_dirs
from tracker.instruments.toml_file import InstrumentFile, shown
from tracker.tomlfile import describe


def load_gm() -> GeneralMidi:
    """The General MIDI names (from the first gm.toml on the search path)."""
    for folder in instrument_dirs():
        path = folder / GM_FILE
        if path.is_file():
            stat = path.stat()
            return _parse_gm_cached(path.resolve(), stat.st_mtime_ns, stat.st_size)
    looked = ", ".join(shown(d) for d in instrument_dirs())
    raise InstrumentError(f"no {GM_FILE} found (looked in {looked})")


@functools.lru_cache(maxsize=4)
def _parse_gm_cached(path: Path, mtime_ns: int, size: int) -> GeneralMidi:
    del mtime_ns, size  # part of the cache key only
    f = InstrumentFile.load(path, "General MIDI file")
    f.check_keys(f.data, ("drums", "kits", "programs", "source"), (), "the file")
    programs = _numbered_names(f, "programs")
    missing = [n for n in range(128) if n not in programs]
    if missing:
        shown = ", ".join(str(n) for n in missing[:8]) + (" ..." if len(missing) > 8 else "")
        raise f.error(f"[programs] should name all 128 programs 0 to 127; missing {shown}")
    return GeneralMidi(
        programs=tuple(programs[n] for n in range(128)),
        drums=MappingProxyType(_numbered_names(f, "drums")),
        kits=MappingProxyType(_numbered_names(f, "kits") if "kits" in f.data else {}),
        source=f.string(f.data, (), "source", ""),
    )


def _numbered_names(f: InstrumentFile, table_name: str) -> dict[int, str]:
    names: dict[int, str] = {}
    for key, value in f.table(f.data, (), table_name, required=True).items():
        if not key.isdecimal() or not 0 <= int(key) <= 127:
            raise f.at_key(
                (table_name, key), f'"{key}" in [{table_name}] should be a number 0 to 127'
            )
        if not isinstance(value, str) or not value.strip():
            raise f.at_value(
                (table_name, key),
                f"[{table_name}] {key} should be a name in quotes, not {describe(value)}",
            )
        names[int(key)] = value
    return names


def gm_sounds(gm: GeneralMidi) -> list[Sound]:
    """Every named sound: the 128 programs on bank 0, then the drum kits on bank 128."""
    return [Sound(n, 0, name) for n, name in enumerate(gm.programs)] + [
        Sound(n, DRUM_BANK, f"{name} drum kit") for n, name in sorted(gm.kits.items())
    ]


def find_sounds(gm: GeneralMidi, text: str) -> list[Sound]:
    """The sounds a typed text names: a number gives that program (and the kit of that
    number, then names holding the digits); words give every sound whose name holds each of them, case ignored
    ("elec pi" finds Electric Piano 1 and 2), names that start so first."""
    typed = text.strip().casefold()
    sounds = gm_sounds(gm)
    if not typed:
        return sounds
    words = typed.split()
    if typed.isdecimal():  # a program number, or a name with a number in it (TR-808)
        numbered = [s for s in sounds if s.program == int(typed)]
        return numbered + [s for s in sounds if typed in s.name and s not in numbered]
    found = [s for s in sounds if all(w in s.name.casefold() for w in words)]
    return sorted(found, key=lambda s: not s.name.casefold().startswith(words[0]))
