"""CC lanes by name: "cutoff" through the instrument's device map, then the General MIDI names."""

from __future__ import annotations

import re

from tracker.errors import InstrumentError
from tracker.instruments.devices import load_device
from tracker.instruments.model import Device, InstrumentLike
from tracker.instruments.search import GENERIC
from tracker.instruments.toml_file import did_you_mean, shown


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
    files = " or ".join(shown(d.path) for d in (device, generic) if d is not None and d.path)
    raise InstrumentError(
        f'unknown CC lane "{name}"{owner}{did_you_mean(key, choices)}: '
        f"write a controller number 0-127, or a name from {files}"
    )


def cc_lane_for(name: str, instrument: InstrumentLike) -> int:
    """The engine's CcResolver for real songs: lane names through the instrument's
    device map, then the General MIDI names. Every compile the musician hears,
    renders or exports passes this one, so they agree on every controller."""
    device = load_device(instrument.device) if instrument.device else None
    return resolve_cc_lane(name, device)
