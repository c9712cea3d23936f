"""A device file's optional tables beyond plain CCs: 14-bit parameters and patch names.

    running_values = true        # the synth keeps the selected NRPN and the data MSB
    [nrpn]
    osc1_wave = [0, 72]          # NRPN MSB (CC 99), LSB (CC 98)
    [cc14]
    cutoff = 16                  # CC 16 (MSB) with CC 48 (LSB)
    [patches.0]                  # bank 0 (MSB * 128 + LSB)
    0 = "Init Program"           # program number (0-127, as sent) = name

A song reaches the first two as `nrpn:osc1_wave` and `cc14:cutoff` (tracker/lanes.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from tracker.instruments.toml_file import InstrumentFile
from tracker.lanes import CC14_LAST
from tracker.tomlfile import Raw, describe

EXTRA_KEYS = ("nrpn", "cc14", "running_values", "patches")
"""The top-level keys this module reads, for the device file's key check."""

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_NUMBER = re.compile(r"[0-9]{1,5}")
MAX_BANK = 16383


@dataclass(frozen=True)
class DeviceExtras:
    nrpn: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Named NRPN parameters -> MSB * 128 + LSB."""
    cc14: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Named 14-bit controller pairs -> the MSB controller (0-31)."""
    running_values: bool = False
    """Send only the parts of an NRPN / 14-bit message that changed."""
    patches: Mapping[int, Mapping[int, str]] = field(default_factory=lambda: MappingProxyType({}))
    """Bank -> program -> patch name."""


def parse_extras(f: InstrumentFile, data: Raw) -> DeviceExtras:
    """The optional tables of one device file, every problem placed at its line."""
    nrpn: dict[str, int] = {}
    for name, value in f.table(data, (), "nrpn").items():
        _check_name(f, "nrpn", name)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not all(0 <= v <= 127 for v in value)
        ):
            raise f.at_value(
                ("nrpn", name),
                f'NRPN "{name}" should be [MSB, LSB], each 0 to 127 (CC 99 and CC 98), '
                f"not {describe(value)}",
            )
        nrpn[name] = value[0] * 128 + value[1]
    cc14_table = f.table(data, (), "cc14")
    cc14: dict[str, int] = {}
    for name in cc14_table:
        _check_name(f, "cc14", name)
        cc14[name] = f.integer(cc14_table, ("cc14",), name, (0, CC14_LAST))
    return DeviceExtras(
        nrpn=MappingProxyType(nrpn),
        cc14=MappingProxyType(cc14),
        running_values=f.boolean(data, (), "running_values"),
        patches=MappingProxyType(_patches(f, data)),
    )


def _check_name(f: InstrumentFile, table: str, name: str) -> None:
    if not _NAME.fullmatch(name):
        raise f.at_key(
            (table, name),
            f'{table} name "{name}" should be lowercase words joined by "_" (e.g. "osc1_wave")',
        )


def _patches(f: InstrumentFile, data: Raw) -> dict[int, Mapping[int, str]]:
    banks: dict[int, Mapping[int, str]] = {}
    for bank_key, table in f.table(data, (), "patches").items():
        if not _NUMBER.fullmatch(bank_key) or int(bank_key) > MAX_BANK:
            raise f.at_key(
                ("patches", bank_key),
                f'bank "{bank_key}" should be a bank number 0 to {MAX_BANK} (MSB * 128 + LSB)',
            )
        if not isinstance(table, dict):
            raise f.at_value(
                ("patches", bank_key),
                f"[patches.{bank_key}] should be a table of program = name, not {describe(table)}",
            )
        names: dict[int, str] = {}
        for program_key in table:
            if not _NUMBER.fullmatch(program_key) or int(program_key) > 127:
                raise f.at_key(
                    ("patches", bank_key, program_key),
                    f'program "{program_key}" should be a program number 0 to 127 (as sent)',
                )
            name = f.string(table, ("patches", bank_key), program_key)
            if not name.strip() or any(not ch.isprintable() for ch in name):
                raise f.at_value(
                    ("patches", bank_key, program_key),
                    f"patch {program_key} needs a name of printable text",
                )
            names[int(program_key)] = name
        banks[int(bank_key)] = MappingProxyType(dict(sorted(names.items())))
    return dict(sorted(banks.items()))
