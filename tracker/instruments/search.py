"""Where instrument files live: the folders searched for gm.toml and devices/*.toml.

First match wins: each folder in `$TRACKER_INSTRUMENTS`, then the musician's own
devices folder, then the files shipped inside this package (data/), so an
installed tracker finds them wherever it runs from.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker.paths import config_dir, expand_user

SHIPPED_DIR = Path(__file__).resolve().parent / "data"
"""The shipped gm.toml and devices/, inside the package (so a wheel carries them)."""

GENERIC = "generic"
"""The device whose CC names apply when an instrument has no device of its own."""

GM_FILE = "gm.toml"
DEVICES_DIR = "devices"


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
