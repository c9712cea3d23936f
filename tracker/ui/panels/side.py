"""The side column beside the grid (order list, patterns, instruments): full, compact or hidden.

The grid is what a musician works in, so the side column takes only what its
names need, and never more than a quarter of the screen: at 80 columns the grid
keeps at least 60, and at 40 columns the side column is 10 wide, not half the
screen. Compact shows the numbers and the first letters of each name; hidden
gives the grid the whole width (F4 then skips the hidden panels).
"""

from __future__ import annotations

from typing import Literal

from rich.cells import cell_len
from textual.containers import Vertical

from tracker.text import visible
from tracker.ui.panels.list_panel import ListPanel

Mode = Literal["full", "compact", "hidden"]
MODES: tuple[Mode, ...] = ("full", "compact", "hidden")
COMPACT_WIDTH = 9
"""The border, the row marker and seven cells: `>00 intr`."""
CHROME = 2
"""Cells a row needs beside its text: the border and the row marker."""


def side_width(mode: Mode, screen_width: int, longest_row: int) -> int:
    """How wide the side column is: 0 when hidden; else what its longest row needs, at least
    compact and at most a quarter of the screen."""
    if mode == "hidden":
        return 0
    if mode == "compact":
        return COMPACT_WIDTH
    return max(COMPACT_WIDTH, min(longest_row + CHROME, screen_width // 4))


class SideColumn(Vertical):
    """Holds the list panels and sizes itself to the screen and to their rows."""

    def __init__(self, *panels: ListPanel, id: str | None = None) -> None:
        super().__init__(*panels, id=id)
        self.panels = panels
        self.mode: Mode = "full"

    def fit(self, screen_width: int) -> None:
        """Size for the screen and the rows as they are now (after a resize, an edit of names,
        a change of mode)."""
        longest = max(
            (
                cell_len(visible(row))
                for panel in self.panels
                for row in [panel.title, *panel.rows()]
            ),
            default=0,
        )
        width = side_width(self.mode, screen_width, longest)
        self.display = width > 0
        if width:
            self.styles.width = width

    def next_mode(self, screen_width: int) -> Mode:
        """Full, then compact, then hidden, then full again."""
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self.fit(screen_width)
        return self.mode
