"""Keep the developer's machine out of the tests: a temporary home and XDG folders,
and no TRACKER_* variable from the outside (tests/conftest.py applies it to every
test; a test that needs a TRACKER_* variable sets it itself).

Subprocesses, the player process and the tmux driver inherit os.environ, so they
run in the same isolated environment. What the outside looked like is recorded once,
when this module is first imported (while pytest collects, before any test changes
the environment): `OUTSIDE_HOME` for the test that proves the real home is left
alone, and `OUTSIDE_UV_CACHE` for the one build that must run offline from uv's cache.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

XDG_FOLDERS = {
    "XDG_CONFIG_HOME": ".config",
    "XDG_CACHE_HOME": ".cache",
    "XDG_DATA_HOME": ".local/share",
    "XDG_STATE_HOME": ".local/state",
}
"""Each XDG base directory and where it sits under the (temporary) home."""


def _outside_home() -> Path | None:
    value = os.environ.get("HOME", "")
    return Path(value) if os.path.isabs(value) else None


OUTSIDE_HOME = _outside_home()
"""The real home folder, never written by a test."""
OUTSIDE_CACHE = (
    Path(os.environ["XDG_CACHE_HOME"])
    if os.path.isabs(os.environ.get("XDG_CACHE_HOME", ""))
    else None
    if OUTSIDE_HOME is None
    else OUTSIDE_HOME / ".cache"
)
"""The real cache folder (where ~/.cache/tracker/player.log lives)."""
OUTSIDE_UV_CACHE = os.environ.get("UV_CACHE_DIR") or (
    str(OUTSIDE_CACHE / "uv") if OUTSIDE_CACHE is not None else ""
)
"""uv's real cache: `uv build --offline` finds the build backend only there."""


def isolated_environment(home: Path) -> dict[str, str]:
    """The variables that put home and every XDG folder under `home` (made here)."""
    changes = {"HOME": str(home)}
    for variable, under in XDG_FOLDERS.items():
        folder = home / under
        folder.mkdir(parents=True, exist_ok=True)
        changes[variable] = str(folder)
    return changes


def outside_variables(environment: Mapping[str, str]) -> list[str]:
    """The TRACKER_* variables in `environment`: settings of the developer's own."""
    return [name for name in environment if name.startswith("TRACKER_")]
