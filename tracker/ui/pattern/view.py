"""The pattern grid on screen: tracks side by side, the cursor moving over them, the playhead.

A Line API widget: `render_line` draws only the rows on screen, so a 512-line,
32-track pattern scrolls as fast as a small one. Row 0 is the track header and
the line numbers on the left stay put; the rest scrolls. A cursor move, a typed
note or a playhead step refreshes only the rows it touches, so a keystroke over
SSH costs a few cells, not the screen; drawn rows are kept (tracker.ui.pattern.rows)
while nothing they show changes, so a scroll draws only the rows it brings in.

Where the cursor and the selection are, and where each key moves them, is the
pure PatternCursor's (tracker.ui.pattern.cursor); this widget moves it and
redraws; which pattern is shown, and the playhead, following it while playing.
What the keys write into the song is the PatternEditor's (tracker.ui.pattern.editor).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Self

from rich.segment import Segment
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tracker.song.edit import Selection
from tracker.song.model import Pattern, Song
from tracker.song.scales import scale_of
from tracker.ui.meters import METER_CELLS
from tracker.ui.pattern.cursor import Cursor, PatternCursor
from tracker.ui.pattern.entry import Spot
from tracker.ui.pattern.layout import CONTINUED, Field, GridLayout, gutter_width
from tracker.ui.pattern.meters import changed, meter_texts, meter_x
from tracker.ui.pattern.painter import (
    COMPONENT_CLASSES,
    Looks,
    Marks,
    header_segments,
    line_segments,
)
from tracker.ui.pattern.rows import HEADER, Frame, RowCache, line_marks
from tracker.ui.session import Session


class PatternView(ScrollView, can_focus=True):
    """Shows one pattern of the session's song and moves the cursor over it."""

    COMPONENT_CLASSES = COMPONENT_CLASSES

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        self.rows = RowCache()
        """Rows drawn, kept while nothing they show changes: a scroll draws only new rows."""
        super().__init__(id=id)
        self.session = session
        self.model = PatternCursor(session)
        """Pattern shown, cursor and selection."""
        self.playhead: int | None = None
        self.meters: tuple[str, ...] | None = None
        """Each track's meter cells while playing (None: stopped, no meters)."""
        self.follow = True
        self._frame: Frame | None = None
        """What the rows of the render pass under way share (None between passes)."""
        self._update_virtual_size()

    # The model as this widget sees it

    @property
    def song(self) -> Song:
        return self.session.song

    @property
    def pattern(self) -> Pattern:
        return self.model.pattern

    @property
    def pattern_name(self) -> str:
        return self.model.pattern_name

    @property
    def order(self) -> int:
        return self.model.order

    @property
    def cursor(self) -> Cursor:
        return self.model.cursor

    @property
    def mark(self) -> Cursor | None:
        """The selection's anchor (None: nothing selected)."""
        return self.model.mark

    @property
    def grid(self) -> GridLayout:
        return self.model.grid

    @property
    def field(self) -> Field:
        return self.model.field

    @property
    def spot(self) -> Spot:
        return self.model.spot

    @property
    def selection(self) -> Selection | None:
        return self.model.selection

    def song_reshaped(self) -> None:
        """Tracks or patterns changed shape (load, reload, undo of a track edit): relayout."""
        self.model.reshape()
        self._update_virtual_size()
        self.refresh()

    def _update_virtual_size(self) -> None:
        self.gutter_cells = gutter_width(self.pattern.lines)
        self.virtual_size = Size(self.gutter_cells + self.grid.body_width, self.pattern.lines + 1)

    # Switching what is shown

    def show_pattern(self, name: str, order: int | None = None) -> None:
        """Edit another pattern (from the order list, or following the playhead)."""
        self.model.show_pattern(name, order)
        self._update_virtual_size()
        self.refresh()
        self._shown_pattern_changed()

    def action_step_order(self, delta: int) -> None:
        target = self.model.order_on(delta)
        if target is not None:
            self.show_pattern(*target)

    def _shown_pattern_changed(self) -> None:
        """Another pattern is shown (the editor tells the status bar)."""

    # Drawing

    def render_lines(self, crop: Region) -> list[Strip]:
        """A render pass: what every row shares is worked out once (rows.Frame)."""
        self._frame = self._frame_of()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _frame_of(self) -> Frame:
        looks = Looks.of(self)
        tonic, scale = scale_of(self.song, self.pattern_name)
        in_force = None if scale == "chromatic" else (tonic, scale)
        key = (
            looks,
            in_force,
            self.session.history,  # by identity: a song loaded from disk comes with a new one
            self.pattern_name,
            self.grid,
            self.gutter_cells,
            round(self.scroll_offset.x),
            self.size.width,
        )
        return Frame(looks, in_force, key)

    def render_line(self, y: int) -> Strip:
        """Row y, from the rows kept (rows.RowCache) while nothing it shows has changed."""
        frame = self._frame or self._frame_of()
        self.rows.start(frame, self.session.revision)
        if y == 0:
            marks: Hashable = (HEADER, self.meters)
        else:
            line = round(self.scroll_offset.y) + y - 1
            if line >= self.pattern.lines:
                return Strip.blank(self.size.width, self.rich_style)
            marks = line_marks(line, self.cursor, self.has_focus, self.selection, self.playhead)
        strip = self.rows.get(marks)
        if strip is None:
            strip = self._draw_line(y, frame)
            self.rows.put(marks, strip)
        return strip

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        """A refresh of the whole widget says anything may have changed: every row is
        drawn again (a scroll refreshes a region, and keeps the rows)."""
        if repaint and not regions:
            self.rows.clear()
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _draw_line(self, y: int, frame: Frame) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        view = max(0, width - self.gutter_cells)
        looks = frame.looks
        edge = looks.base + looks["separator"]
        if y == 0:
            gutter = [Segment(" " * self.gutter_cells, looks.base + looks["header"])]
            body = header_segments(self.song, self.grid, looks, self.meters)
            edge = looks.base + looks["header"]
        else:
            line = scroll_y + y - 1
            c = self.cursor
            marks = Marks(
                c.line,
                c.track,
                c.field,
                self.selection,
                self.playhead,
                scale=frame.scale,
                focused=self.has_focus,
            )
            gutter, body = line_segments(
                self.song,
                self.pattern,
                self.grid,
                looks,
                marks,
                line,
                self.gutter_cells,
                (scroll_x, scroll_x + view),
            )
        strip = Strip(body).crop(scroll_x, scroll_x + view)
        if scroll_x > 0 and scroll_x not in self.grid.starts and view > 0:
            # The view starts inside a track: a mark, not the clipped cell, follows the line
            # number, so `0B` and a cut-off `2` never read as a three-digit line `0B2`.
            continued = Strip([Segment(CONTINUED, edge)])
            strip = Strip.join([continued, Strip(body).crop(scroll_x + 1, scroll_x + view)])
        # simplify(): runs of one style become one segment, so a line of hex digits
        # crosses the wire as one escape code per colour, not one per character.
        return (
            Strip.join([Strip(gutter), strip])
            .extend_cell_length(width, self.rich_style)
            .crop(0, width)
            .simplify()
        )

    def refresh_pattern_line(self, line: int) -> None:
        """Redraw one line of the pattern, if it is on screen."""
        self.refresh_line(line + 1)

    def set_levels(self, levels: bytes | None) -> None:
        """The tracks' meter levels (None: stopped): redraw only the meter cells that
        change, the whole header row only when the meters appear or go."""
        old, self.meters = self.meters, meter_texts(levels, len(self.song.tracks))
        tracks = changed(old, self.meters)
        if tracks is None:
            self.refresh(Region(0, 0, self.size.width, 1))  # the header row stays put
            return
        scroll_x = round(self.scroll_offset.x)
        spans = [
            self.gutter_cells + at - scroll_x
            for track in tracks
            if (at := meter_x(self.grid, track, self.song.tracks[track].cc)) is not None
        ]
        if not spans:
            return
        # One region from the first changed meter to the last: Textual writes each
        # region of a row from the widget's left edge, so two would cost twice.
        left = max(self.gutter_cells, min(spans))
        right = min(self.size.width, max(spans) + METER_CELLS)
        if right > left:
            self.refresh(Region(left, 0, right - left, 1))

    # Moving

    def _go(self, cursor: Cursor, *, extend: bool = False) -> None:
        """Put the cursor somewhere, redrawing only the lines that change."""
        old, old_anchor = self.model.go(cursor, extend=extend)
        if old_anchor is not None or self.mark is not None:
            self._refresh_selection_change(old, old_anchor)
        self._refresh_spot(old)
        self._refresh_spot(self.cursor)
        self._scroll_to_cursor()

    def _refresh_spot(self, cursor: Cursor) -> None:
        """Redraw a line's number and one track's cells on it: what a cursor move or a
        typed note changes. A few dozen cells, not the line."""
        y = cursor.line - round(self.scroll_offset.y) + 1
        if not 1 <= y < self.size.height:
            return
        self.refresh(Region(0, y, self.gutter_cells, 1))
        x = self.gutter_cells + self.grid.starts[cursor.track] - round(self.scroll_offset.x)
        left = max(self.gutter_cells, x)
        right = x + self.grid.widths[cursor.track] + 2
        if right > left:
            self.refresh(Region(left, y, right - left, 1))

    def _refresh_selection_change(self, old: Cursor, old_anchor: Cursor | None) -> None:
        rows = [old.line, self.cursor.line]
        rows += [c.line for c in (old_anchor, self.mark) if c is not None]
        low, high = min(rows), max(rows)
        self.refresh_lines(low + 1, high - low + 1)

    def _scroll_to_cursor(self) -> None:
        view_lines = max(1, self.size.height - 1)
        scroll_x, scroll_y = self.scroll_offset
        line = self.cursor.line
        y = scroll_y
        if line < scroll_y:
            y = line
        elif line >= scroll_y + view_lines:
            y = line - view_lines + 1
        x = self.grid.scroll_for(
            self.cursor.track, self.cursor.field, scroll_x, self.size.width - self.gutter_cells
        )
        if (x, y) != (scroll_x, scroll_y):
            self.scroll_to(x, y, animate=False, force=True, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self._refresh_spot(self.cursor)  # the cursor shows whether the grid has the keys

    def on_blur(self) -> None:
        self._refresh_spot(self.cursor)

    def action_move_lines(self, delta: int) -> None:
        self._go(self.model.lines_on(delta))

    def action_move_bars(self, delta: int) -> None:
        self._go(self.model.bars_on(delta))

    def action_move_to_line(self, line: int) -> None:
        self._go(self.model.line_at(line))

    def action_move_field(self, delta: int) -> None:
        self._go(self.model.field_on(delta))

    def action_move_track(self, delta: int) -> None:
        self._go(self.model.track_on(delta))

    def action_move_column(self, delta: int) -> None:
        self._go(self.model.lane_on(delta))

    # Selecting

    def action_select_lines(self, delta: int) -> None:
        self._go(self.model.lines_on(delta), extend=True)

    def action_select_columns(self, delta: int) -> None:
        """Extend the selection by a whole note column or CC lane."""
        target = self.model.column_on(delta)
        if target is not None:
            self._go(target, extend=True)

    def _select(self, selection: Selection) -> None:
        self.model.select(selection)
        self.refresh()
        self._scroll_to_cursor()

    def action_select_track(self) -> None:
        self._select(self.model.whole_track())

    def action_select_pattern(self) -> None:
        self._select(self.model.whole_pattern())

    def action_clear_selection(self) -> None:
        if self.mark is not None:
            self._go(self.cursor)

    # Playhead

    playhead_order = 0

    def set_playhead(self, pattern: str | None, line: int | None, order: int | None) -> None:
        """Show where the player is; with follow on, the view (and pattern) go with it."""
        if order is not None:
            self.playhead_order = order
        if pattern is not None and pattern != self.pattern_name:
            if not self.follow:
                self._move_playhead(None)
                return
            self.model.follow_to(pattern, order)
            self._update_virtual_size()
            self.playhead = line
            self.refresh()
            self._shown_pattern_changed()
        elif pattern is not None and order is not None and self.follow:
            self.model.order = order
        self._move_playhead(line)

    def _move_playhead(self, line: int | None) -> None:
        old, self.playhead = self.playhead, line
        if old == line:
            return
        if old is not None:
            self.refresh_pattern_line(old)
        if line is None:
            return
        self.refresh_pattern_line(line)
        if self.follow:
            view_lines = max(1, self.size.height - 1)
            top = self.scroll_offset.y
            if not top <= line < top + view_lines:
                self.scroll_to(y=line, animate=False, force=True, immediate=True)
