"""Instrument data: the General MIDI names and the hardware synths tracker knows.

Everything here is plain data read from TOML with the standard library, so the
engine can resolve "cutoff" to a controller number without touching MIDI ports.

Where the files come from, first match wins (a user's own file overrides the
shipped one of the same name):

1. each folder in `$TRACKER_INSTRUMENTS` (separated like PATH), laid out like
   the shipped folder: `gm.toml` and `devices/*.toml`;
2. `~/.config/tracker/devices/*.toml` (or `$XDG_CONFIG_HOME/tracker/devices`);
3. the repository's own `instruments/` folder, found beside the package.

A song names a device by its file name without `.toml` (`device = "minilogue-xd"`).
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from tracker.errors import InstrumentError
from tracker.files import NotAFileError, check_target, read_regular, reason
from tracker.paths import config_dir, expand_user

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "instruments"
"""The repository's instruments/ folder (an editable install runs from the checkout)."""

GENERIC = "generic"
"""The device whose CC names apply when an instrument has no device of its own."""

GM_FILE = "gm.toml"
DEVICES_DIR = "devices"

_CC_NAME = re.compile(r"[a-z][a-z0-9_]*")
_WILDCARDS = frozenset("*?[")


# --- where the files live -----------------------------------------------------


def instrument_dirs() -> list[Path]:
    """Folders laid out like the shipped instruments/, in the order they are searched."""
    env = os.environ.get("TRACKER_INSTRUMENTS", "")
    dirs = [expand_user(p) for p in env.split(os.pathsep) if p.strip()]
    dirs.append(SHIPPED_DIR)
    return dirs


def user_devices_dir() -> Path | None:
    """Where a musician keeps device files of their own (None without a home folder)."""
    config = config_dir()
    return None if config is None else config / DEVICES_DIR


def device_dirs() -> list[Path]:
    """Folders of device files, in the order they are searched (first match wins)."""
    *extra, shipped = instrument_dirs()
    user = user_devices_dir()
    return [d / DEVICES_DIR for d in extra] + ([user] if user else []) + [shipped / DEVICES_DIR]


# --- the data -------------------------------------------------------------------


@dataclass(frozen=True)
class GeneralMidi:
    """The General MIDI Level 1 sound set: program names and the drum key map."""

    programs: tuple[str, ...]
    """Index = program number, 0-based as sent in a program change."""
    drums: Mapping[int, str]
    """MIDI note -> drum name, for channel 10 / bank 128."""
    source: str = ""

    def program_name(self, program: int) -> str:
        if not 0 <= program < len(self.programs):
            raise InstrumentError(f"program {program} is out of range (0-127)")
        return self.programs[program]

    def drum_name(self, note: int) -> str | None:
        return self.drums.get(note)


@dataclass(frozen=True)
class Device:
    """A hardware (or software) synth reached over MIDI, as its file describes it."""

    key: str
    """The file name without .toml: what a song's `device = "..."` names."""
    name: str
    manufacturer: str = ""
    ports: tuple[str, ...] = ()
    """Port name patterns: a glob (`*`, `?`, `[...]`) or a plain substring; case ignored."""
    channel: int = 1
    """Default MIDI channel, 1-16."""
    latency_ms: float = 0.0
    """How late the synth sounds: positive means send this much early."""
    cc: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Named controllers, lowercase snake_case -> CC number."""
    ranges: Mapping[str, tuple[int, int]] = field(default_factory=lambda: MappingProxyType({}))
    """Controllers that only take some values: name -> (lowest, highest)."""
    fallback_program: int | None = None
    """GM program that stands in for this synth when rendering offline; None: the instrument's own."""
    fallback_bank: int = 0
    source: str = ""
    """Where the CC numbers come from (the maker's MIDI implementation chart)."""
    path: Path | None = None

    @property
    def title(self) -> str:
        """What a musician calls it: "Korg minilogue xd"."""
        return f"{self.manufacturer} {self.name}".strip()

    @property
    def matches_any_port(self) -> bool:
        return any(p.strip() in ("", "*") for p in self.ports)

    def matches(self, port_name: str) -> bool:
        """True when one of the device's patterns fits this MIDI port name."""
        return self._match_strength(port_name) is not None

    def _match_strength(self, port_name: str) -> int | None:
        """Length of the longest pattern that fits (0 for a catch-all); None when none does."""
        name = port_name.casefold()
        best: int | None = None
        for raw in self.ports:
            pattern = raw.strip().casefold()
            if pattern in ("", "*"):
                fits, strength = True, 0
            elif _WILDCARDS & set(pattern):
                fits, strength = fnmatch.fnmatchcase(name, pattern), len(pattern)
            else:
                fits, strength = pattern in name, len(pattern)
            if fits and (best is None or strength > best):
                best = strength
        return best

    def cc_range(self, name: str) -> tuple[int, int]:
        return self.ranges.get(name, (0, 127))

    def offline_program(self, program: int, bank: int) -> tuple[int, int]:
        """(program, bank) to render with a soundfont, given the instrument's own."""
        if self.fallback_program is None:
            return program, bank
        return self.fallback_program, self.fallback_bank


def device_for_port(port_name: str, devices: Iterable[Device]) -> Device | None:
    """The device that best fits a port: the longest matching pattern wins, catch-alls last."""
    best: tuple[int, Device] | None = None
    for device in devices:
        strength = device._match_strength(port_name)
        if strength is not None and (best is None or strength > best[0]):
            best = (strength, device)
    return best[1] if best else None


# --- reading files ------------------------------------------------------------------


def _shown(path: Path) -> str:
    """A path as a musician would type it: relative to the current folder when inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


_TOML_REASONS = {
    "Cannot overwrite a value": "this name is given a value twice",
    "Cannot declare ('cc',) twice": "there are two [cc] tables",
}
"""tomllib's wording where a musician's would be clearer."""


class _TomlFile:
    """One TOML file with what it takes to point at a line in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.text = read_regular(path).decode("utf-8")
        except UnicodeDecodeError as error:
            raise InstrumentError(f"{_shown(path)}: not a text file ({error.reason})") from None
        except OSError as error:
            raise InstrumentError(f"{_shown(path)}: cannot read it ({reason(error)})") from None
        try:
            self.data: dict[str, Any] = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            raise self._toml_error(str(error)) from None
        except RecursionError:
            raise InstrumentError(
                f"{_shown(path)}: lists or tables are nested too deeply"
            ) from None
        except ValueError:  # Python refuses to read a whole number of 4,300 digits or more
            raise InstrumentError(f"{_shown(path)}: a number has too many digits") from None

    def _toml_error(self, message: str) -> InstrumentError:
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if found:
            line, column = int(found.group(1)), int(found.group(2))
            reason = message[: found.start()]
        else:  # "(at end of document)": point just past the last character
            lines = self.text.split("\n")
            line, column = len(lines), len(lines[-1]) + 1
            reason = re.sub(r"\s*\(at end of document\)$", " at the end of the file", message)
        reason = _TOML_REASONS.get(reason, reason[:1].lower() + reason[1:])
        return InstrumentError(f"{_shown(self.path)}:{line}:{column}: not valid TOML: {reason}")

    def locate(self, table: str | None, key: str, *, at_value: bool) -> tuple[int, int] | None:
        """Line and column of `key = ...` inside `[table]` (None: top level), 1-based."""
        current: str | None = None
        assignment = re.compile(r'(\s*)("?)' + re.escape(key) + r"\2\s*=\s*")
        for number, line in enumerate(self.text.splitlines(), start=1):
            header = re.match(r"\s*\[\s*([^\[\]]+?)\s*\]", line)
            if header:
                current = header.group(1).strip('"')
                continue
            if current != table:
                continue
            found = assignment.match(line)
            if found:
                column = found.end() if at_value else len(found.group(1))
                return number, column + 1
        return None

    def error(
        self,
        message: str,
        table: str | None = None,
        key: str | None = None,
        *,
        at_value: bool = True,
    ) -> InstrumentError:
        where = _shown(self.path)
        if key is not None:
            place = self.locate(table, key, at_value=at_value)
            if place:
                where = f"{where}:{place[0]}:{place[1]}"
        return InstrumentError(f"{where}: {message}")

    def refuse_unknown(self, table: Mapping[str, Any], name: str | None, known: set[str]) -> None:
        for key in table:
            if key not in known:
                hint = _did_you_mean(key, known)
                place = f"[{name}]" if name else "the file"
                raise self.error(
                    f'unknown key "{key}" in {place}{hint} (known: {", ".join(sorted(known))})',
                    name,
                    key,
                    at_value=False,
                )

    def table(self, key: str, *, required: bool) -> dict[str, Any]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(f"missing [{key}] table")
            return {}
        if not isinstance(value, dict):
            raise self.error(f'"{key}" must be a table ([{key}])', None, key)
        return value

    def string(
        self, table: Mapping[str, Any], name: str | None, key: str, *, default: str | None = None
    ) -> str:
        value = table.get(key, default)
        if value is None:
            raise self.error(f'missing "{key}" (a quoted text)', name)
        if not isinstance(value, str):
            raise self.error(f'"{key}" must be a quoted text', name, key)
        return value

    def integer(
        self,
        table: Mapping[str, Any],
        name: str | None,
        key: str,
        low: int,
        high: int,
        *,
        default: int | None = None,
    ) -> int:
        value = table.get(key, default)
        if value is None:
            raise self.error(f'missing "{key}" (a whole number {low}-{high})', name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(f'"{key}" must be a whole number {low}-{high}', name, key)
        if not low <= value <= high:
            raise self.error(f'"{key}" = {value} is out of range ({low}-{high})', name, key)
        return value


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


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
        raise InstrumentError(f"{_shown(path)}: not a device file: {reason(error)}") from None
    except OSError:
        raise InstrumentError(f"{_shown(path)}: no such device file") from None
    return _parse_device_cached(path.absolute(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _parse_device_cached(path: Path, mtime_ns: int, size: int) -> Device:
    """Cached by modification time, so lanes resolve fast yet an edited file is re-read."""
    del mtime_ns, size  # part of the cache key only
    f = _TomlFile(path)
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
                f'range for "{name}", which is not in [cc]{_did_you_mean(name, cc)}',
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
    looked = ", ".join(_shown(d) for d in device_dirs())
    known = ", ".join(sorted(files)) or "none"
    raise InstrumentError(
        f'unknown device "{name}"{_did_you_mean(key, files)}: no {key}.toml in {looked} '
        f"(known devices: {known})"
    )


def load_devices() -> dict[str, Device]:
    """Every device on the search path, by name."""
    return {key: parse_device_file(path) for key, path in _device_files().items()}


def load_gm() -> GeneralMidi:
    """The General MIDI names (from the first gm.toml on the search path)."""
    for folder in instrument_dirs():
        path = folder / GM_FILE
        if path.is_file():
            stat = path.stat()
            return _parse_gm_cached(path.resolve(), stat.st_mtime_ns, stat.st_size)
    looked = ", ".join(_shown(d) for d in instrument_dirs())
    raise InstrumentError(f"no {GM_FILE} found (looked in {looked})")


@functools.lru_cache(maxsize=4)
def _parse_gm_cached(path: Path, mtime_ns: int, size: int) -> GeneralMidi:
    del mtime_ns, size  # part of the cache key only
    f = _TomlFile(path)
    f.refuse_unknown(f.data, None, {"source", "programs", "drums"})
    programs = _numbered_names(f, "programs")
    missing = [n for n in range(128) if n not in programs]
    if missing:
        shown = ", ".join(str(n) for n in missing[:8]) + (" ..." if len(missing) > 8 else "")
        raise f.error(f"[programs] must name all 128 programs 0-127; missing {shown}")
    return GeneralMidi(
        programs=tuple(programs[n] for n in range(128)),
        drums=MappingProxyType(_numbered_names(f, "drums")),
        source=f.string(f.data, None, "source", default=""),
    )


def _numbered_names(f: _TomlFile, table_name: str) -> dict[int, str]:
    names: dict[int, str] = {}
    for key, value in f.table(table_name, required=True).items():
        if not key.isdecimal() or not 0 <= int(key) <= 127:
            raise f.error(
                f'"{key}" in [{table_name}] must be a number 0-127', table_name, key, at_value=False
            )
        if not isinstance(value, str) or not value.strip():
            raise f.error(f"[{table_name}] {key} must be a quoted name", table_name, key)
        names[int(key)] = value
    return names


# --- what songs ask of this data ------------------------------------------------------


def normalise_cc_name(name: str) -> str:
    """ "Amp Attack", "amp-attack" and "amp_attack" all name the same lane."""
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


def resolve_cc_lane(name: str, device: Device | None) -> int:
    """A track's CC lane as a controller number: "74" is 74; "cutoff" is looked up.

    The instrument's device map is tried first, then the generic MIDI names, so
    "cutoff" is 43 on a minilogue xd and 74 on a General MIDI synth.
    """
    text = name.strip()
    if re.fullmatch(r"[0-9]+", text):
        number = int(text)
        if number > 127:
            raise InstrumentError(f'CC lane "{name}": controller numbers run 0-127')
        return number
    key = normalise_cc_name(text)
    if device is not None and key in device.cc:
        return device.cc[key]
    generic = load_device(GENERIC)
    if key in generic.cc:
        return generic.cc[key]
    choices = {*generic.cc, *(device.cc if device else ())}
    owner = f" for the {device.title}" if device else ""
    files = " or ".join(_shown(d.path) for d in (device, generic) if d is not None and d.path)
    raise InstrumentError(
        f'unknown CC lane "{name}"{owner}{_did_you_mean(key, choices)}: '
        f"write a controller number 0-127, or a name from {files}"
    )


def cc_lane_for(name: str, instrument: InstrumentLike) -> int:
    """The engine's CcResolver for real songs: lane names through the instrument's
    device map, then the General MIDI names. Every compile the musician hears,
    renders or exports passes this one, so they agree on every controller."""
    device = load_device(instrument.device) if instrument.device else None
    return resolve_cc_lane(name, device)


class InstrumentLike(Protocol):
    """What describe_instrument reads: the fields of tracker.song.model.Instrument.

    A protocol rather than an import: instruments and song/ sit side by side in
    the layer map and may not import each other.
    """

    soundfont: str | None
    program: int
    bank: int
    device: str | None
    channel: int | None


def _program_text(program: int, bank: int, gm: GeneralMidi | None) -> str:
    if bank == 128:
        return f"drum kit {program} (bank 128)"
    text = f"program {program}"
    if gm is not None:
        text += f" {gm.program_name(program)}"
    return text + (f", bank {bank}" if bank else "")


def describe_instrument(instrument: InstrumentLike) -> str:
    """One line for `tracker check`: what will sound, and where.

    "soundfont default, program 33 Electric Bass (finger)" or
    "device minilogue-xd (Korg minilogue xd), channel 2, fallback program 81 Lead 2 (sawtooth)".
    Raises InstrumentError when the named device does not exist.
    """
    gm = load_gm()
    if instrument.device:
        device = load_device(instrument.device)
        channel = instrument.channel if instrument.channel is not None else device.channel
        program, bank = device.offline_program(instrument.program, instrument.bank)
        parts = [
            f"device {device.key} ({device.title})",
            f"channel {channel}",
            f"fallback {_program_text(program, bank, gm)}",
        ]
        if device.latency_ms:
            parts.append(f"latency {device.latency_ms:g} ms")
        return ", ".join(parts)
    font = instrument.soundfont or "default"
    drums = instrument.bank == 128 or instrument.channel == 10
    if drums:
        what = f"drum kit {instrument.program}" + (" (bank 128)" if instrument.bank == 128 else "")
    else:
        # Program names are only known for the General MIDI font.
        what = _program_text(instrument.program, instrument.bank, gm if font == "default" else None)
    parts = [f"soundfont {font}", what]
    if instrument.channel is not None:
        parts.append(f"channel {instrument.channel}")
    return ", ".join(parts)
