"""The pattern grid's drawn rows, kept while nothing they show has changed (issue #16).

A key that scrolls the view makes Textual ask for every visible row again, and
drawing a row is the grid's costly part (a few hundred Rich segments, cropped and
simplified). Most of those rows are the same lines as before, one row up or down:
kept here, a one-line scroll draws one new row (two when the cursor moves with it:
the line it left loses its mark).

What a row shows depends on two kinds of things, and they make its key:

- the frame, shared by every row: the song (which history, and its revision, which
  every edit, undo and redo moves on), the pattern shown, the scale in force, the
  column layout, the horizontal scroll, the width, the gutter and the styles (theme
  and colours). When any of it changes every row is dropped, with one exception:
  an edit that says which lines it changed (`lines_changed`, the same lines it has
  Textual repaint) drops only those rows and the header, so typing a note at the
  bottom edge, which scrolls, draws two rows, not the screen.
- the row's own marks: its line, and on that line only the cursor (where, and
  whether the grid has the keys), the selected columns, the playhead. A row whose
  marks change gets a new key; the others stay.

A frame is compared whole (`!=`), never hashed: the styles are a dict of Rich
styles, and comparing once per render pass costs less than drawing one row.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from textual.strip import Strip

from tracker.song.edit import Selection
from tracker.ui.pattern.cursor import Cursor
from tracker.ui.pattern.painter import Looks

HEADER = "header"
"""First in the header row's marks (the meters as they are follow): the track names."""

LIMIT = 512
"""Rows kept at most: a dozen screens of the tallest terminal; the oldest used go first."""


@dataclass(frozen=True)
class Frame:
    """What every row of one render pass shares: the styles and the scale in force,
    worked out once a pass, and `key`, everything that must not change for a kept row
    to stay true."""

    looks: Looks
    scale: tuple[int, str] | None
    key: tuple[Any, ...]


def line_marks(
    line: int,
    cursor: Cursor,
    focused: bool,
    selection: Selection | None,
    playhead: int | None,
) -> Hashable:
    """What is drawn over one line: the cursor's place on it, its selected columns,
    the playhead on it (each None where the line has none)."""
    here = (cursor.track, cursor.field, focused) if cursor.line == line else None
    selected = (
        (selection.start_track, selection.start_column, selection.end_track, selection.end_column)
        if selection is not None and selection.start_line <= line <= selection.end_line
        else None
    )
    return (line, here, selected, line == playhead)


class RowCache:
    """Drawn rows by their marks, for one frame at a time."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._frame: tuple[Any, ...] | None = None
        self._revision: int | None = None
        self._rows: dict[Hashable, Strip] = {}
        self.drawn = 0
        """Rows drawn (not found here) so far: what a scroll cost, for tests and benches."""

    def __len__(self) -> int:
        return len(self._rows)

    def start(self, frame: Frame, revision: int) -> None:
        """A render pass begins: rows of another frame or another revision are dropped."""
        if frame.key != self._frame or revision != self._revision:
            self._rows.clear()
            self._frame, self._revision = frame.key, revision

    def lines_changed(self, before: int, after: int, lines: Iterable[int]) -> None:
        """An edit took the song from revision `before` to `after` and changed only these
        lines of the pattern shown (and perhaps a track's name or marks): their rows and
        the header go, the others stay true for `after`."""
        if self._revision != before:
            return  # kept from an older song: all of them go at the next pass
        gone = {*lines, HEADER}
        for marks in [m for m in self._rows if isinstance(m, tuple) and m[0] in gone]:
            del self._rows[marks]
        self._revision = after

    def clear(self) -> None:
        """Forget every row (the next pass draws them all)."""
        self._rows.clear()
        self._frame = self._revision = None

    def get(self, marks: Hashable) -> Strip | None:
        strip = self._rows.pop(marks, None)
        if strip is not None:
            self._rows[marks] = strip  # the most recently used goes last
        return strip

    def put(self, marks: Hashable, strip: Strip) -> None:
        self.drawn += 1
        if _is_header(marks):
            # one header at a time: the meters redraw it 15 times a second while playing,
            # and the lines kept must not make room for headers that are gone
            for old in [m for m in self._rows if _is_header(m)]:
                del self._rows[old]
        self._rows[marks] = strip
        if len(self._rows) > self.limit:
            del self._rows[next(iter(self._rows))]


def _is_header(marks: Hashable) -> bool:
    return isinstance(marks, tuple) and marks[0] == HEADER
