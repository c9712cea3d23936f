"""Where tracker keeps a musician's own files: configuration, cache and data folders.

One home for these places (the XDG base directories): `$XDG_CONFIG_HOME`,
`$XDG_CACHE_HOME` and `$XDG_DATA_HOME` when set to an absolute path (the XDG
rule: a relative one is ignored), else `~/.config`, `~/.cache` and
`~/.local/share`.

The home folder may be unknown: HOME unset and no passwd entry for the user
(`env -i` under a uid the system does not list, as in many containers). Then
`Path.home()` raises RuntimeError, which used to end every command, even
`tracker check`. Here that is simply "no user folder": each function returns
None and its caller goes on without the user's own files (no keys.toml, no
device files of their own, no player log) instead of crashing.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "tracker"
"""The folder name under each base directory."""


def home() -> Path | None:
    """The user's home folder, or None when the system cannot say (see above)."""
    value = os.environ.get("HOME")
    if value is not None:
        return Path(value) if os.path.isabs(value) else None
    try:
        return Path.home()  # no HOME: the passwd entry, if there is one
    except (RuntimeError, KeyError, OSError):
        return None


def _base(variable: str, *under_home: str) -> Path | None:
    value = os.environ.get(variable, "")
    if os.path.isabs(value):
        return Path(value)
    found = home()
    return None if found is None else found.joinpath(*under_home)


def config_home() -> Path | None:
    """$XDG_CONFIG_HOME, else ~/.config; None without a home folder."""
    return _base("XDG_CONFIG_HOME", ".config")


def cache_home() -> Path | None:
    """$XDG_CACHE_HOME, else ~/.cache; None without a home folder."""
    return _base("XDG_CACHE_HOME", ".cache")


def data_home() -> Path | None:
    """$XDG_DATA_HOME, else ~/.local/share; None without a home folder."""
    return _base("XDG_DATA_HOME", ".local", "share")


def config_dir() -> Path | None:
    """tracker's own configuration folder (keys.toml, devices/)."""
    base = config_home()
    return None if base is None else base / APP


def cache_dir() -> Path | None:
    """tracker's own cache folder (the player log)."""
    base = cache_home()
    return None if base is None else base / APP


def expand_user(text: str) -> Path:
    """`~/fonts/x.sf2` with the home folder filled in, like Path.expanduser, except
    that an unknown home folder leaves the text as it is (the file is then simply
    not found, and named) instead of raising RuntimeError."""
    path = Path(text)
    try:
        return path.expanduser()
    except RuntimeError:
        return path
