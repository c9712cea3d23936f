"""What the instrument files describe: the General MIDI names, a MIDI device, and what an
instrument of a song offers to them."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from tracker.errors import InstrumentError
from tracker.instruments.extras import DeviceExtras

DRUM_CHANNEL = 9
"""Channel 10 as musicians count (0-based here, as sent): General MIDI's drum channel."""
DRUM_BANK = 128
"""The bank a soundfont keeps its drum kits in (the SoundFont 2 convention)."""

_WILDCARDS = frozenset("*?[")


@dataclass(frozen=True)
class GeneralMidi:
    """The General MIDI Level 1 sound set: program names and the drum key map."""

    programs: tuple[str, ...]
    """Index = program number, 0-based as sent in a program change."""
    drums: Mapping[int, str]
    """MIDI note -> drum name, for channel 10 / bank 128."""
    source: str = ""
    kits: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    """Program -> drum kit name, on bank 128 (the GS kits GM soundfonts carry)."""

    def program_name(self, program: int) -> str:
        if not 0 <= program < len(self.programs):
            raise InstrumentError(f"program {program} is out of range (0-127)")
        return self.programs[program]

    def drum_name(self, note: int) -> str | None:
        return self.drums.get(note)


@dataclass(frozen=True)
class Sound:
    """One named sound of a General MIDI soundfont: what an instrument dialog offers."""

    program: int
    bank: int
    name: str

    @property
    def shown(self) -> str:
        """ "11 Vibraphone", "25 TR-808 drum kit (bank 128)": as the dialog's fields say it."""
        bank = f" (bank {self.bank})" if self.bank else ""
        return f"{self.program} {self.name}{bank}"


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
    extras: DeviceExtras = field(default_factory=DeviceExtras)
    """NRPN and 14-bit parameters, patch names (instruments/extras.py)."""

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
