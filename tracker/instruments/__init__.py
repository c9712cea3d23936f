"""Instrument data: the General MIDI names and the hardware synths tracker knows.

Everything here is plain data read from TOML with the standard library, so the
engine can resolve "cutoff" to a controller number without touching MIDI ports.
The package is laid out as: model.py (GeneralMidi, Device, what a song's
instrument offers), search.py (where the files live), toml_file.py (reading one
file with its errors placed), devices.py and gm.py (the two kinds of file),
cc.py (CC lanes by name) and describe.py (a line for `tracker check`).

Where the files come from, first match wins (a user's own file overrides the
shipped one of the same name):

1. each folder in `$TRACKER_INSTRUMENTS` (separated like PATH), laid out like
   the shipped folder: `gm.toml` and `devices/*.toml`;
2. `~/.config/tracker/devices/*.toml` (or `$XDG_CONFIG_HOME/tracker/devices`);
3. the files shipped inside this package, in `tracker/instruments/data/`
   (a wheel carries them, so an installed tracker finds them from any folder).

A song names a device by its file name without `.toml` (`device = "minilogue-xd"`).
"""

from __future__ import annotations

from tracker.instruments.cc import cc_lane_for, normalise_cc_name, resolve_cc_lane
from tracker.instruments.describe import describe_instrument
from tracker.instruments.devices import load_device, load_devices, parse_device_file
from tracker.instruments.gm import find_sounds, gm_sounds, load_gm
from tracker.instruments.model import (
    Device,
    GeneralMidi,
    InstrumentLike,
    Sound,
    device_for_port,
)
from tracker.instruments.search import (
    DEVICES_DIR,
    GENERIC,
    GM_FILE,
    SHIPPED_DIR,
    device_dirs,
    instrument_dirs,
    user_devices_dir,
)

__all__ = [
    "DEVICES_DIR",
    "GENERIC",
    "GM_FILE",
    "SHIPPED_DIR",
    "Device",
    "GeneralMidi",
    "InstrumentLike",
    "Sound",
    "cc_lane_for",
    "describe_instrument",
    "device_dirs",
    "device_for_port",
    "find_sounds",
    "gm_sounds",
    "instrument_dirs",
    "load_device",
    "load_devices",
    "load_gm",
    "normalise_cc_name",
    "parse_device_file",
    "resolve_cc_lane",
    "user_devices_dir",
]
