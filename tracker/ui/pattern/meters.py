"""Where the track meters sit in the pattern grid's header (issue #14): in the first
cells of each track's header, before its name, only while playing; which tracks'
cells a new frame of levels changes, so only those are redrawn. The cells' text is
tracker.ui.meters'.

Why first, not after the name: Textual writes a partly refreshed row from the
widget's left edge to the end of the refreshed cells (its ChopsUpdate crops only
on the right), so a meter further left costs fewer bytes at every frame.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.ui.meters import METER_CELLS, meter_text
from tracker.ui.pattern.layout import GridLayout, lane_width


def meter_texts(levels: bytes | None, tracks: int) -> tuple[str, ...] | None:
    """Every track's meter (None: not playing, no meters drawn)."""
    if levels is None:
        return None
    padded = levels[:tracks] + bytes(max(0, tracks - len(levels)))
    return tuple(meter_text(level) for level in padded)


def changed(old: tuple[str, ...] | None, new: tuple[str, ...] | None) -> list[int] | None:
    """The tracks whose meter cells differ; None when the meters appear or go (the
    whole header changes: names make room for them)."""
    if (old is None) != (new is None):
        return None
    if old is None or new is None:
        return []
    if len(old) != len(new):
        return None
    return [track for track, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]


def has_meter(width: int, lanes: int) -> bool:
    """A track's header holds a meter when it keeps a letter of its name beside it."""
    return width - lanes > METER_CELLS + 1


def meter_x(grid: GridLayout, track: int, cc: Sequence[str]) -> int | None:
    """The body x of a track's meter (its lanes named `cc`), None where it has none."""
    if not has_meter(grid.widths[track], sum(lane_width(name) for name in cc)):
        return None
    return grid.starts[track] + 1
