"""The musician's own settings that belong to the machine, not to a song: Ableton Link
on or off. Kept in `~/.config/tracker/preferences.toml` (one `link = true` line), read
at start and written when changed; a file that cannot be read counts as defaults."""

from __future__ import annotations

import contextlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import TrackerError
from tracker.files import write_atomically
from tracker.paths import config_dir

FILE_NAME = "preferences.toml"


@dataclass
class Preferences:
    link: bool = False
    """Join the Ableton Link session when playing."""


def preferences_path() -> Path | None:
    folder = config_dir()
    return None if folder is None else folder / FILE_NAME


def load_preferences() -> Preferences:
    path = preferences_path()
    if path is None:
        return Preferences()
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Preferences(link=data.get("link") is True)
    return Preferences()


def save_preferences(preferences: Preferences) -> str | None:
    """Write them; None when saved, else why not (said on the status line)."""
    path = preferences_path()
    if path is None:
        return "no home folder: the preference holds until you quit"
    text = f"link = {'true' if preferences.link else 'false'}\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text.encode(), path, what="preferences")
    except (OSError, TrackerError) as error:
        return f"preferences not saved: {error}"
    return None
