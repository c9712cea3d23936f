"""Device files (devices/NAME.toml): read, checked, cached, and found by name on the search path."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from types import MappingProxyType

from tracker.errors import InstrumentError
from tracker.files import NotAFileError, check_target, reason
from tracker.instruments.extras import EXTRA_KEYS, parse_extras
from tracker.instruments.model import Device
from tracker.instruments.search import device_dirs
from tracker.instruments.toml_file import InstrumentFile, did_you_mean, shown
from tracker.tomlfile import describe

_CC_NAME = re.compile(r"[a-z][a-z0-9_]*")

CHANNEL_RANGE = (1, 16)
MIDI_DATA_RANGE = (0, 127)
LATENCY_RANGE_MS = (-1000, 1000)
"""How far a device's sound may be moved against the others, in milliseconds."""

_DEVICE_KEYS = {
    "name",
    "manufacturer",
    "source",
    "ports",
    "channel",
    "latency_ms",
    "cc",
    "ranges",
    "fallback",
    *EXTRA_KEYS,
}


def parse_device_file(path: Path) -> Device:
    """Read and check one device file; every problem is an InstrumentError naming file:line:col."""
    try:
        check_target(path)  # a pipe or a device in devices/ is not read
        stat = path.stat()
    except NotAFileError as error:
        raise InstrumentError(
            f"this is not a device file: {reason(error)}", path=shown(path)
        ) from None
    except OSError:
        raise InstrumentError("no such device file", path=shown(path)) from None
    return _parse_device_cached(path.absolute(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _parse_device_cached(path: Path, mtime_ns: int, size: int) -> Device:
    """Cached by modification time, so lanes resolve fast yet an edited file is re-read."""
    del mtime_ns, size  # part of the cache key only
    f = InstrumentFile.load(path, "device file")
    data = f.data
    f.check_keys(data, sorted(_DEVICE_KEYS), (), "the file")

    ports_value = data.get("ports")
    if ports_value is None:
        raise f.error('missing "ports" (a list of port names to match, e.g. ["minilogue xd"])')
    if not isinstance(ports_value, list) or not all(isinstance(p, str) for p in ports_value):
        raise f.at_value(
            ("ports",),
            'ports should be a [list] of port names in quotes, e.g. ["minilogue xd"], '
            f"not {describe(ports_value)}",
        )
    if not ports_value:
        raise f.at_value(
            ("ports",), 'ports is empty: list at least one port name, or "*" for any port'
        )

    latency = f.number(data, (), "latency_ms", LATENCY_RANGE_MS, 0.0)

    cc_table = f.table(data, (), "cc", required=True)
    cc: dict[str, int] = {}
    for name in cc_table:
        if not _CC_NAME.fullmatch(name):
            raise f.at_key(
                ("cc", name),
                f'CC name "{name}" should be lowercase words joined by "_" (e.g. "amp_attack")',
            )
        cc[name] = f.integer(cc_table, ("cc",), name, MIDI_DATA_RANGE)

    ranges: dict[str, tuple[int, int]] = {}
    for name, value in f.table(data, (), "ranges").items():
        if name not in cc:
            raise f.at_key(
                ("ranges", name),
                f'range for "{name}", which is not in [cc]{did_you_mean(name, cc)}',
            )
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not 0 <= value[0] <= value[1] <= 127
        ):
            raise f.at_value(
                ("ranges", name),
                f'range for "{name}" should be [lowest, highest] within 0 to 127, '
                f"not {describe(value)}",
            )
        ranges[name] = (value[0], value[1])

    fallback = f.table(data, (), "fallback")
    f.check_keys(fallback, ("bank", "program"), ("fallback",), "[fallback]")
    program = (
        f.integer(fallback, ("fallback",), "program", MIDI_DATA_RANGE)
        if "fallback" in data
        else None
    )

    return Device(
        key=path.stem,
        name=f.string(data, (), "name"),
        manufacturer=f.string(data, (), "manufacturer", ""),
        ports=tuple(ports_value),
        channel=f.integer(data, (), "channel", CHANNEL_RANGE, 1),
        latency_ms=latency,
        cc=MappingProxyType(cc),
        ranges=MappingProxyType(ranges),
        fallback_program=program,
        fallback_bank=f.integer(fallback, ("fallback",), "bank", (0, 128), 0),
        source=f.string(data, (), "source", ""),
        path=path,
        extras=parse_extras(f, data),
    )


def _device_files() -> dict[str, Path]:
    """Every device file on the search path by name; earlier folders win."""
    files: dict[str, Path] = {}
    for folder in device_dirs():
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                files.setdefault(path.stem, path)
    return files


def load_device(name: str) -> Device:
    """The device a song names (`device = "minilogue-xd"`)."""
    key = name.strip()
    files = _device_files()
    if key in files:
        return parse_device_file(files[key])
    known = ", ".join(sorted(files)) or "none"
    suggestion = did_you_mean(key, files)
    if suggestion:  # most likely a typo: the name it meant says enough
        raise InstrumentError(f'unknown device "{name}"{suggestion} (known devices: {known})')
    looked = ", ".join(shown(d) for d in device_dirs())
    raise InstrumentError(
        f'unknown device "{name}": no {key}.toml in {looked} (known devices: {known})'
    )


def load_devices() -> dict[str, Device]:
    """Every device on the search path, by name."""
    return {key: parse_device_file(path) for key, path in _device_files().items()}
