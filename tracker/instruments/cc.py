"""CC lanes by name: "cutoff" through the instrument's device map, then the General MIDI names."""

from __future__ import annotations

import re

from tracker.errors import InstrumentError
from tracker.instruments.devices import load_device
from tracker.instruments.model import Device, InstrumentLike
from tracker.instruments.search import GENERIC
from tracker.instruments.toml_file import did_you_mean, shown
from tracker.lanes import (
    WIDE_NAME_RULE,
    is_wide,
    lane_kind,
    lane_reference,
    numeric_reference,
    pack,
)


def normalise_cc_name(name: str) -> str:
    """ "Amp Attack", "amp-attack" and "amp_attack" all name the same lane."""
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


def resolve_cc_lane(name: str, device: Device | None) -> int:
    """A track's CC lane as a controller number: "74" is 74; "cutoff" is looked up.

    The instrument's device map is tried first, then the generic MIDI names, so
    "cutoff" is 43 on a minilogue xd and 74 on a General MIDI synth.
    """
    text = name.strip()
    if is_wide(text):
        return _resolve_wide(text, device)
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
    files = " or ".join(shown(d.path) for d in (device, generic) if d is not None and d.path)
    raise InstrumentError(
        f'unknown CC lane "{name}"{owner}{did_you_mean(key, choices)}: '
        f"write a controller number 0-127, or a name from {files}"
    )


def _resolve_wide(name: str, device: Device | None) -> int:
    """`nrpn:0:20`, `cc14:16`, or a name from the device file's [nrpn] / [cc14] table,
    packed with the device's running_values (tracker/lanes.py)."""
    kind = lane_kind(name)
    reference = lane_reference(name)
    running = device is not None and device.extras.running_values
    number = numeric_reference(kind, reference)
    if number is not None:
        return pack(kind, number, running=running)
    table = {} if device is None else (device.extras.nrpn if kind == "nrpn" else device.extras.cc14)
    key = normalise_cc_name(reference)
    if key in table:
        return pack(kind, table[key], running=running)
    if device is None:
        raise InstrumentError(
            f'14-bit lane "{name}" names a parameter, but its instrument has no device file: '
            f"write {WIDE_NAME_RULE}"
        )
    where = f" in {shown(device.path)}" if device.path else ""
    raise InstrumentError(
        f'the {device.title} has no {kind} parameter "{reference}"{where}'
        f"{did_you_mean(key, table)} (known: {', '.join(table) or 'none'})"
    )


def cc_lane_for(name: str, instrument: InstrumentLike) -> int:
    """The engine's CcResolver for real songs: lane names through the instrument's
    device map, then the General MIDI names. Every compile the musician hears,
    renders or exports passes this one, so they agree on every controller."""
    device = load_device(instrument.device) if instrument.device else None
    return resolve_cc_lane(name, device)
