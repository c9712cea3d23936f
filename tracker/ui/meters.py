"""The meters as the editor draws them (issue #14): a level byte as cells of eighth
blocks (▏▎▍▌▋▊▉█, 8 steps a cell, full at 0 dBFS on tracker.audio.levels' scale),
the master's with its CLIP held a second, and where the player's Levels go (the
grid's track meters: tracker.ui.pattern.meters; the status bar's master). Pure:
levels that change no cell redraw nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from tracker.audio.levels import FULL_SCALE
from tracker.player.protocol import Levels

METER_CELLS = 3
"""Cells of a track's meter."""
MASTER_CELLS = 6
"""Cells of the master's meter in the status bar."""
EIGHTHS = " ▏▎▍▌▋▊▉█"
CLIP = "CLIP"
CLIP_HOLD_S = 1.0
"""The status bar shows CLIP this long after the mix last reached full scale."""


def meter_text(level: int, cells: int = METER_CELLS) -> str:
    """A level byte as a bar of `cells` cells (spaces where it does not reach), full
    at full scale."""
    eighths = -(-max(0, min(FULL_SCALE, level)) * cells * 8 // FULL_SCALE)
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part and full < cells else "")
    return text.ljust(cells)


def master_text(level: int, clip: bool) -> str:
    """The status bar's master: ` ██████▍ CLIP` (MASTER_TEXT cells)."""
    return f" {meter_text(level, MASTER_CELLS)} {CLIP if clip else ' ' * len(CLIP)}"


MASTER_TEXT = len(master_text(0, False))


class TrackMeters(Protocol):
    def set_levels(self, levels: bytes | None) -> None: ...


class MasterMeter(Protocol):
    def show_master(self, master: tuple[int, bool] | None) -> None: ...


class MeterDisplay:
    """What the editor shows of the player's Levels: the tracks' meters in the grid,
    the master's and CLIP (held CLIP_HOLD_S) in the status bar, all gone at the stop."""

    def __init__(
        self, tracks: TrackMeters, master: MasterMeter, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.tracks = tracks
        self.master = master
        self.clock = clock
        self.level: int | None = None
        self.clip_until = -1.0

    def show(self, playing: bool, levels: Levels | None) -> None:
        """At each poll of the player: the latest Levels, if any came."""
        if not playing:
            self.level, self.clip_until = None, -1.0
            self.tracks.set_levels(None)
            self.master.show_master(None)
            return
        now = self.clock()
        if levels is not None:
            self.tracks.set_levels(levels.tracks)
            self.level = levels.master
            if levels.clip:
                self.clip_until = now + CLIP_HOLD_S
        if self.level is not None:
            self.master.show_master((self.level, now < self.clip_until))
