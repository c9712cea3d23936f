"""Patch names an instrument can choose from, for the instrument dialog and `tracker check`.

A device file may list its synth's patches per bank (`[patches.BANK]`, program = name,
instruments/extras.py); a soundfont instrument on the General MIDI font has the GM
program names in bank 0. Everything else has none: the dialog then asks for numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from tracker.instruments.devices import load_device
from tracker.instruments.gm import load_gm
from tracker.instruments.model import DRUM_BANK, InstrumentLike

Banks = Mapping[int, Mapping[int, str]]
"""Bank -> program (0-127, as sent) -> name."""


def patch_names(instrument: InstrumentLike) -> Banks:
    """The names the dialog offers for this instrument's program (bank -> program -> name)."""
    if instrument.device:
        return load_device(instrument.device).extras.patches
    if (instrument.soundfont or "default") == "default" and instrument.bank != DRUM_BANK:
        programs = load_gm().programs
        return MappingProxyType({0: MappingProxyType(dict(enumerate(programs)))})
    return MappingProxyType({})


def patch_name(instrument: InstrumentLike) -> str | None:
    """The name of the patch the instrument selects, when it has one."""
    return patch_names(instrument).get(instrument.bank, {}).get(instrument.program)
