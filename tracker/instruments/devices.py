"""Device files (devices/NAME.toml): read, checked, cached, and found by name on the search path."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from types import MappingProxyType

from tracker.errors import InstrumentError
from tracker.files import NotAFileError, check_target, reason
from tracker.instruments.model import Device
from tracker.instruments.search import device_dirs
from tracker.instruments.toml_file import TomlFile, did_you_mean, shown

_CC_NAME = re.compile(r"[a-z][a-z0-9_]*")

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
}


def parse_device_file(path: Path) -> Device:
    """Read and check one device file; every problem is an InstrumentError naming file:line:col."""
    try:
        check_target(path)  # a pipe or a device in devices/ is not read
        stat = path.stat()
    except NotAFileError as error:
        raise InstrumentError(f"{shown(path)}: not a device file: {reason(error)}") from None
    except OSError:
        raise InstrumentError(f"{shown(path)}: no such device file") from None
    return _parse_device_cached(path.absolute(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _parse_device_cached(path: Path, mtime_ns: int, size: int) -> Device:
    """Cached by modification time, so lanes resolve fast yet an edited file is re-read."""
    del mtime_ns, size  # part of the cache key only
    f = TomlFile(path)
    f.refuse_unknown(f.data, None, _DEVICE_KEYS)

    ports_value = f.data.get("ports")
    if ports_value is None:
        raise f.error('missing "ports" (a list of port names to match, e.g. ["minilogue xd"])')
    if not isinstance(ports_value, list) or not all(isinstance(p, str) for p in ports_value):
        raise f.error(
            '"ports" must be a list of quoted port names, e.g. ["minilogue xd"]', None, "ports"
        )
    if not ports_value:
        raise f.error(
            '"ports" is empty: list at least one port name, or "*" for any port', None, "ports"
        )

    latency = f.data.get("latency_ms", 0.0)
    if isinstance(latency, bool) or not isinstance(latency, int | float):
        raise f.error('"latency_ms" must be a number of milliseconds', None, "latency_ms")
    if not -1000.0 <= latency <= 1000.0:
        raise f.error(
            f'"latency_ms" = {latency} is out of range (-1000 to 1000)', None, "latency_ms"
        )

    cc_table = f.table("cc", required=True)
    cc: dict[str, int] = {}
    for name in cc_table:
        if not _CC_NAME.fullmatch(name):
            raise f.error(
                f'CC name "{name}" must be lowercase words joined by "_" (e.g. "amp_attack")',
                "cc",
                name,
                at_value=False,
            )
        cc[name] = f.integer(cc_table, "cc", name, 0, 127)

    ranges: dict[str, tuple[int, int]] = {}
    for name, value in f.table("ranges", required=False).items():
        if name not in cc:
            raise f.error(
                f'range for "{name}", which is not in [cc]{did_you_mean(name, cc)}',
                "ranges",
                name,
                at_value=False,
            )
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not 0 <= value[0] <= value[1] <= 127
        ):
            raise f.error(
                f'range for "{name}" must be [lowest, highest] within 0-127', "ranges", name
            )
        ranges[name] = (value[0], value[1])

    fallback = f.table("fallback", required=False)
    f.refuse_unknown(fallback, "fallback", {"program", "bank"})
    program = f.integer(fallback, "fallback", "program", 0, 127) if "fallback" in f.data else None

    return Device(
        key=path.stem,
        name=f.string(f.data, None, "name"),
        manufacturer=f.string(f.data, None, "manufacturer", default=""),
        ports=tuple(ports_value),
        channel=f.integer(f.data, None, "channel", 1, 16, default=1),
        latency_ms=float(latency),
        cc=MappingProxyType(cc),
        ranges=MappingProxyType(ranges),
        fallback_program=program,
        fallback_bank=f.integer(fallback, "fallback", "bank", 0, 128, default=0),
        source=f.string(f.data, None, "source", default=""),
        path=path,
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
    looked = ", ".join(shown(d) for d in device_dirs())
    known = ", ".join(sorted(files)) or "none"
    raise InstrumentError(
        f'unknown device "{name}"{did_you_mean(key, files)}: no {key}.toml in {looked} '
        f"(known devices: {known})"
    )


def load_devices() -> dict[str, Device]:
    """Every device on the search path, by name."""
    return {key: parse_device_file(path) for key, path in _device_files().items()}
