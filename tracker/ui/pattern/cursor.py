"""Where the pattern editor is: the pattern shown, the cursor, the selection, and where each key moves them.

Pure: no Textual. The PatternEditor widget holds one `PatternCursor`, asks it
where a key takes the cursor, moves it there with `go` and redraws the lines
that changed; tests drive it directly, without an app. A cursor stops on every
editable field of a track (tracker.ui.pattern.layout); the selection runs from
the anchor (`mark`) to the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.engine.tempo import BEATS_PER_BAR
from tracker.song.edit import Selection
from tracker.song.model import Pattern, Song
from tracker.ui.pattern.entry import Spot, lane_of
from tracker.ui.pattern.layout import Field, GridLayout, Kind, lane_starts
from tracker.ui.session import Session


@dataclass(frozen=True)
class Cursor:
    line: int = 0
    track: int = 0
    field: int = 0


class PatternCursor:
    """The cursor and the selection's anchor over one pattern of the session's song."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.order = 0
        self.pattern_name = (
            session.song.order[0] if session.song.order else next(iter(session.song.patterns))
        )
        self.cursor = Cursor()
        self.mark: Cursor | None = None
        self.grid = GridLayout.of(session.song.tracks)

    # What the cursor is on

    @property
    def song(self) -> Song:
        return self.session.song

    @property
    def pattern(self) -> Pattern:
        return self.song.patterns[self.pattern_name]

    @property
    def field(self) -> Field:
        return self.grid.fields[self.cursor.track][self.cursor.field]

    @property
    def spot(self) -> Spot:
        return Spot(self.pattern_name, self.cursor.line, self.cursor.track, self.field)

    @property
    def selection(self) -> Selection | None:
        if self.mark is None:
            return None
        a, c = self.mark, self.cursor
        a_field = self.grid.fields[a.track][a.field]
        return Selection(
            self.pattern_name,
            a.line,
            c.line,
            a.track,
            lane_of(self.song, a.track, a_field),
            c.track,
            lane_of(self.song, c.track, self.field),
        )

    def block(self) -> Selection:
        """The selection, or the cursor's own cell when nothing is selected."""
        if self.selection is not None:
            return self.selection
        lane = lane_of(self.song, self.cursor.track, self.field)
        line = self.cursor.line
        return Selection(
            self.pattern_name, line, line, self.cursor.track, lane, self.cursor.track, lane
        )

    # Switching what is shown

    def show_pattern(self, name: str, order: int | None = None) -> None:
        """Another pattern (from the order list, or stepping through the order): the
        selection goes, the cursor stays on a line the pattern has."""
        self.pattern_name = name
        if order is not None:
            self.order = order
        self.mark = None
        last = self.pattern.lines - 1
        if self.cursor.line > last:
            self.cursor = Cursor(last, self.cursor.track, self.cursor.field)

    def follow_to(self, name: str, order: int | None) -> None:
        """The playhead went to another pattern and the view goes with it: the selection goes."""
        self.pattern_name = name
        if order is not None:
            self.order = order
        self.mark = None

    def reshape(self) -> None:
        """Tracks or patterns changed shape (load, reload, undo of a track edit): the layout
        is worked out again and the cursor kept inside it; the selection goes."""
        self.grid = GridLayout.of(self.song.tracks)
        if self.pattern_name not in self.song.patterns:
            self.order = min(self.order, len(self.song.order) - 1)
            self.pattern_name = (
                self.song.order[self.order] if self.song.order else next(iter(self.song.patterns))
            )
        track = min(self.cursor.track, len(self.song.tracks) - 1)
        field = min(self.cursor.field, len(self.grid.fields[track]) - 1)
        self.cursor = Cursor(min(self.cursor.line, self.pattern.lines - 1), track, field)
        self.mark = None

    # Moving

    def go(self, cursor: Cursor, *, extend: bool = False) -> tuple[Cursor, Cursor | None]:
        """Put the cursor there (kept on the pattern's lines). `extend` grows the selection
        (anchored where the cursor was), a plain move drops it. Returns the cursor and
        the anchor from before, for the widget to redraw what changed."""
        old, old_anchor = self.cursor, self.mark
        lines = self.pattern.lines
        cursor = Cursor(max(0, min(lines - 1, cursor.line)), cursor.track, cursor.field)
        if extend and self.mark is None:
            self.mark = old
        elif not extend:
            self.mark = None
        self.cursor = cursor
        return old, old_anchor

    # Where the keys take the cursor (`go` moves it there)

    def lines_on(self, delta: int) -> Cursor:
        """`delta` lines down (up when negative), same field."""
        return Cursor(self.cursor.line + delta, self.cursor.track, self.cursor.field)

    def beats_on(self, beats: int) -> Cursor:
        """A beat is the song's lines per beat (at least one line)."""
        return self.lines_on(beats * max(1, self.song.lpb))

    def bars_on(self, bars: int) -> Cursor:
        return self.beats_on(bars * BEATS_PER_BAR)

    def line_at(self, line: int) -> Cursor:
        """Line `line` of the pattern; a negative one is the last line."""
        target = self.pattern.lines - 1 if line < 0 else line
        return Cursor(target, self.cursor.track, self.cursor.field)

    def field_on(self, delta: int) -> Cursor:
        """The next (previous) field, from a track's last field into the next track's
        first, and from the last track round to the first."""
        track, field = self.cursor.track, self.cursor.field + delta
        if field < 0:
            track = (track - 1) % len(self.song.tracks)
            field = len(self.grid.fields[track]) - 1
        elif field >= len(self.grid.fields[track]):
            track, field = (track + 1) % len(self.song.tracks), 0
        return Cursor(self.cursor.line, track, field)

    def track_on(self, delta: int) -> Cursor:
        """The note field of the next (previous) track, round from the last to the first."""
        track = (self.cursor.track + delta) % len(self.song.tracks)
        return Cursor(self.cursor.line, track, 0)

    def lane_on(self, delta: int) -> Cursor:
        """The start of the next (previous) note column or CC lane: after a track's last
        lane the next track's first, round from the last track to the first."""
        track = self.cursor.track
        starts = lane_starts(self.grid.fields[track])
        here = max(i for i, start in enumerate(starts) if start <= self.cursor.field)
        lane = here + delta
        if lane >= len(starts):
            track, lane = (track + 1) % len(self.song.tracks), 0
        elif lane < 0:
            track = (track - 1) % len(self.song.tracks)
            lane = len(lane_starts(self.grid.fields[track])) - 1
        return Cursor(self.cursor.line, track, lane_starts(self.grid.fields[track])[lane])

    def cc_lane_on(self) -> Cursor | None:
        """From a note column to the track's first CC lane, then lane by lane, and from the
        last lane back to the first note column; None when the track has no CC lanes."""
        fields = self.grid.fields[self.cursor.track]
        lanes = [i for i in lane_starts(fields) if fields[i].kind is Kind.CC]
        if not lanes:
            return None
        if self.field.kind is not Kind.CC:
            return Cursor(self.cursor.line, self.cursor.track, lanes[0])
        later = [i for i in lanes if i > self.cursor.field]
        return Cursor(self.cursor.line, self.cursor.track, later[0] if later else 0)

    def column_on(self, delta: int) -> Cursor | None:
        """The first field of the next note column or CC lane (the last of the previous
        one), across tracks; None at either end of the song."""
        fields = self.grid.fields[self.cursor.track]
        here = (self.field.kind is Kind.CC, self.field.column)
        track, index = self.cursor.track, self.cursor.field
        step = 1 if delta > 0 else -1
        while True:
            index += step
            if index < 0:
                if track == 0:
                    return None
                track, index = track - 1, len(self.grid.fields[track - 1]) - 1
            elif index >= len(self.grid.fields[track]):
                if track == len(self.song.tracks) - 1:
                    return None
                track, index = track + 1, 0
            fields = self.grid.fields[track]
            if (
                track != self.cursor.track
                or (fields[index].kind is Kind.CC, fields[index].column) != here
            ):
                break
        return Cursor(self.cursor.line, track, index)

    def order_on(self, delta: int) -> tuple[str, int] | None:
        """The pattern and order entry `delta` entries on (held at the ends); None
        when the song has no order."""
        if not self.song.order:
            return None
        order = max(0, min(len(self.song.order) - 1, self.order + delta))
        return self.song.order[order], order

    # Selecting

    def whole_track(self) -> Selection:
        return Selection.whole_track(self.song, self.pattern_name, self.cursor.track)

    def whole_pattern(self) -> Selection:
        return Selection.whole_pattern(self.song, self.pattern_name)

    def select(self, selection: Selection) -> None:
        """Anchor at the selection's start, cursor at its end."""
        first = self.grid.fields[selection.start_track]
        last = self.grid.fields[selection.end_track]
        self.mark = Cursor(
            selection.start_line,
            selection.start_track,
            self._field_index(first, selection.start_track, selection.start_column),
        )
        self.cursor = Cursor(
            selection.end_line,
            selection.end_track,
            self._field_index(last, selection.end_track, selection.end_column),
        )

    def _field_index(self, fields: tuple[Field, ...], track: int, lane: int) -> int:
        return next(i for i, f in enumerate(fields) if lane_of(self.song, track, f) == lane)
