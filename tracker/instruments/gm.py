"""The General MIDI names (gm.toml): the 128 program names and the drum key map."""

from __future__ import annotations

import functools
from pathlib import Path
from types import MappingProxyType

from tracker.errors import InstrumentError
from tracker.instruments.model import GeneralMidi
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
    f.check_keys(f.data, ("drums", "programs", "source"), (), "the file")
    programs = _numbered_names(f, "programs")
    missing = [n for n in range(128) if n not in programs]
    if missing:
        shown = ", ".join(str(n) for n in missing[:8]) + (" ..." if len(missing) > 8 else "")
        raise f.error(f"[programs] should name all 128 programs 0 to 127; missing {shown}")
    return GeneralMidi(
        programs=tuple(programs[n] for n in range(128)),
        drums=MappingProxyType(_numbered_names(f, "drums")),
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
