"""Song files of older formats, brought up to date before they are read.

MIGRATIONS maps format N to a function turning the raw dict of a format-N file
into format N+1; fileformat.py runs them one step at a time (see its docstring
for how to add a format).
"""

from __future__ import annotations

from collections.abc import Callable

from tracker.tomlfile import Raw

Migration = Callable[[Raw], Raw]


def _from_format_0(raw: Raw) -> Raw:
    """Format 0 (pre-release draft) -> 1: `tempo` became `bpm`, a track's `columns` became `notes`.

    Runs before validation, so it leaves anything it does not recognise for the
    reader to report.
    """
    if "tempo" in raw and "bpm" not in raw:
        raw["bpm"] = raw.pop("tempo")
    tracks = raw.get("tracks")
    if isinstance(tracks, list):
        for track in tracks:
            if isinstance(track, dict) and "columns" in track and "notes" not in track:
                track["notes"] = track.pop("columns")
    return raw


MIGRATIONS: dict[int, Migration] = {0: _from_format_0}
"""Format N -> a function turning the raw dict of a format-N file into format N+1."""
