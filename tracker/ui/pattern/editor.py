"""The pattern grid: tracks side by side, a cursor per field, typing, selecting, playhead.

A Line API widget: `render_line` draws only the rows on screen, so a 512-line,
32-track pattern scrolls as fast as a small one. Row 0 is the track header and
the line numbers on the left stay put; the rest scrolls. A cursor move, a typed
note or a playhead step refreshes only the rows it touches, so a keystroke over
SSH costs a few cells, not the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rich.segment import Segment
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tracker.errors import EditError
from tracker.song.edit import (
    AddTrack,
    ClearSelection,
    Command,
    Cut,
    DeleteLine,
    InsertLine,
    Interpolate,
    Paste,
    RemoveTrack,
    Selection,
    ToggleTrackFlag,
    Transpose,
    copy_selection,
)
from tracker.song.model import (
    HIGHEST_NOTE,
    LOWEST_NOTE,
    NOTE_CUT,
    NOTE_OFF,
    Pattern,
    Song,
    is_pitch,
)
from tracker.ui import keymap
from tracker.ui.dialogs import FormDialog
from tracker.ui.forms import track_fields, track_parser
from tracker.ui.pattern.entry import (
    HEX_DIGITS,
    Spot,
    clear_command,
    effect_letter_command,
    hex_command,
    lane_of,
    note_command,
)
from tracker.ui.pattern.layout import Field, GridLayout, Kind, gutter_width
from tracker.ui.pattern.painter import (
    COMPONENT_CLASSES,
    Looks,
    Marks,
    header_segments,
    line_segments,
)
from tracker.ui.pattern.recording import Chords, recorded_note
from tracker.ui.session import Session


@dataclass(frozen=True)
class Cursor:
    line: int = 0
    track: int = 0
    field: int = 0


class PatternEditor(ScrollView, can_focus=True):
    """Edits one pattern of the session's song; the app tells it which and where the playhead is."""

    BINDINGS = keymap.bindings("pattern")
    COMPONENT_CLASSES = COMPONENT_CLASSES

    class Edited(Message):
        """The song changed here: other panels may need to redraw."""

    class SettingsChanged(Message):
        """Octave, edit step, instrument, pattern or a message changed: the status bar redraws."""

    @dataclass
    class Preview(Message):
        """A note was typed: let the musician hear it."""

        track: int
        note: int
        instrument: int | None
        velocity: int | None = None
        """The cell's volume; None: the instrument's own."""

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.order = 0
        self.pattern_name = (
            session.song.order[0] if session.song.order else next(iter(session.song.patterns))
        )
        self.cursor = Cursor()
        self.mark: Cursor | None = None
        self.playhead: int | None = None
        self.follow = True
        self.octave = 4
        self.step = 1
        self.instrument: int | None = min(session.song.instruments, default=None)
        self.grid = GridLayout.of(session.song.tracks)
        self.chords = Chords()
        """Keys held on the MIDI keyboard, for recording (record_note)."""
        self._update_virtual_size()

    # The model as this widget sees it

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

    def _block(self) -> Selection:
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
        """Edit another pattern (from the order list, or following the playhead)."""
        self.pattern_name = name
        if order is not None:
            self.order = order
        self.mark = None
        last = self.pattern.lines - 1
        if self.cursor.line > last:
            self.cursor = Cursor(last, self.cursor.track, self.cursor.field)
        self._update_virtual_size()
        self.refresh()
        self.post_message(self.SettingsChanged())

    def song_reshaped(self) -> None:
        """Tracks or patterns changed shape (load, reload, undo of a track edit): relayout."""
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
        self._update_virtual_size()
        self.refresh()

    def _update_virtual_size(self) -> None:
        self.gutter_cells = gutter_width(self.pattern.lines)
        self.virtual_size = Size(self.gutter_cells + self.grid.body_width, self.pattern.lines + 1)

    # Drawing

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        view = max(0, width - self.gutter_cells)
        looks = Looks.of(self)
        if y == 0:
            gutter = [Segment(" " * self.gutter_cells, looks.base + looks["header"])]
            body = header_segments(self.song, self.grid, looks)
        else:
            line = scroll_y + y - 1
            if line >= self.pattern.lines:
                return Strip.blank(width, self.rich_style)
            c = self.cursor
            marks = Marks(c.line, c.track, c.field, self.selection, self.playhead)
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

    # Moving

    def _go(self, cursor: Cursor, *, extend: bool = False) -> None:
        """Put the cursor somewhere, redrawing only the lines that change."""
        old, old_anchor = self.cursor, self.mark
        lines = self.pattern.lines
        cursor = Cursor(max(0, min(lines - 1, cursor.line)), cursor.track, cursor.field)
        if extend and self.mark is None:
            self.mark = old
        elif not extend:
            self.mark = None
        self.cursor = cursor
        if old_anchor is not None or self.mark is not None:
            self._refresh_selection_change(old, old_anchor)
        self._refresh_spot(old)
        self._refresh_spot(cursor)
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

    def action_move_lines(self, delta: int) -> None:
        self._go(Cursor(self.cursor.line + delta, self.cursor.track, self.cursor.field))

    def action_move_bars(self, delta: int) -> None:
        self.action_move_lines(delta * 4 * max(1, self.song.lpb))

    def action_move_to_line(self, line: int) -> None:
        target = self.pattern.lines - 1 if line < 0 else line
        self._go(Cursor(target, self.cursor.track, self.cursor.field))

    def action_move_field(self, delta: int) -> None:
        track, field = self.cursor.track, self.cursor.field + delta
        if field < 0:
            track = (track - 1) % len(self.song.tracks)
            field = len(self.grid.fields[track]) - 1
        elif field >= len(self.grid.fields[track]):
            track, field = (track + 1) % len(self.song.tracks), 0
        self._go(Cursor(self.cursor.line, track, field))

    def action_move_track(self, delta: int) -> None:
        track = (self.cursor.track + delta) % len(self.song.tracks)
        self._go(Cursor(self.cursor.line, track, 0))

    def action_step_order(self, delta: int) -> None:
        if not self.song.order:
            return
        order = max(0, min(len(self.song.order) - 1, self.order + delta))
        self.show_pattern(self.song.order[order], order)

    # Selecting

    def action_select_lines(self, delta: int) -> None:
        self._go(
            Cursor(self.cursor.line + delta, self.cursor.track, self.cursor.field), extend=True
        )

    def action_select_columns(self, delta: int) -> None:
        """Extend the selection by a whole note column or CC lane."""
        fields = self.grid.fields[self.cursor.track]
        here = (self.field.kind is Kind.CC, self.field.column)
        track, index = self.cursor.track, self.cursor.field
        step = 1 if delta > 0 else -1
        while True:
            index += step
            if index < 0:
                if track == 0:
                    return
                track, index = track - 1, len(self.grid.fields[track - 1]) - 1
            elif index >= len(self.grid.fields[track]):
                if track == len(self.song.tracks) - 1:
                    return
                track, index = track + 1, 0
            fields = self.grid.fields[track]
            if (
                track != self.cursor.track
                or (fields[index].kind is Kind.CC, fields[index].column) != here
            ):
                break
        self._go(Cursor(self.cursor.line, track, index), extend=True)

    def _select(self, selection: Selection) -> None:
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
        self.refresh()
        self._scroll_to_cursor()

    def _field_index(self, fields: tuple[Field, ...], track: int, lane: int) -> int:
        return next(i for i, f in enumerate(fields) if lane_of(self.song, track, f) == lane)

    def action_select_track(self) -> None:
        self._select(Selection.whole_track(self.song, self.pattern_name, self.cursor.track))

    def action_select_pattern(self) -> None:
        self._select(Selection.whole_pattern(self.song, self.pattern_name))

    def action_clear_selection(self) -> None:
        if self.mark is not None:
            self._go(self.cursor)

    # Editing

    def _edit(
        self, command: Command, lines: range | None = None, spot: Cursor | None = None
    ) -> bool:
        """Apply through the session; redraw the touched spot, lines, or everything."""
        done = self.session.do(command)
        if done:
            if spot is not None:
                self._refresh_spot(spot)
            elif lines is None:
                self.refresh()
            else:
                self.refresh_lines(lines.start + 1, len(lines))
            self.post_message(self.Edited())
        else:
            self.post_message(self.SettingsChanged())
        return done

    def _advance(self) -> None:
        if self.step:
            self._go(Cursor(self.cursor.line + self.step, self.cursor.track, self.cursor.field))

    def on_key(self, event: events.Key) -> None:
        """Typing: piano keys on the note field, hex digits and effect letters elsewhere."""
        character = event.character
        if character is None or not character.isprintable() or len(character) != 1:
            return
        if "ctrl+" in event.key or "alt+" in event.key:
            return  # Alt+Q is transpose, not a note, even where the terminal sends the letter
        kind = self.field.kind
        handled = False
        if kind is Kind.NOTE:
            offset = keymap.piano_offset(character.lower())
            if offset is not None:
                self.enter_note((self.octave + 1) * 12 + offset)
                handled = True
        elif kind is Kind.EFFECT_LETTER:
            if character.isalpha():
                self._try(
                    lambda: effect_letter_command(self.song, self.spot, character), advance=True
                )
                handled = True
        elif character.lower() in HEX_DIGITS:
            self.enter_hex(HEX_DIGITS.index(character.lower()))
            handled = True
        if handled:
            event.stop()
            event.prevent_default()

    def _try(self, make: Callable[[], Command], *, advance: bool) -> bool:
        """Build an edit (which may be refused before it exists) and apply it."""
        try:
            command = make()
        except EditError as error:
            self.say(error.message)
            return False
        done = self._edit(command, spot=self.cursor)
        if done and advance:
            self._advance()
        return done

    def enter_note(self, note: int, *, preview: bool = True) -> None:
        """A note typed at the cursor: written with the current instrument, heard, then step.
        A note from MIDI input is not previewed: the player echoes it already (thru)."""
        if note not in (NOTE_OFF, NOTE_CUT) and not LOWEST_NOTE <= note <= HIGHEST_NOTE:
            self.say("That note is out of range (C-0 to G-9): change the base octave with * and /")
            return
        if self._try(
            lambda: note_command(self.song, self.spot, note, self.instrument), advance=False
        ):
            if preview and is_pitch(note):
                spot = self.spot
                volume = self.song.cell(
                    spot.pattern, spot.track, spot.field.column, spot.line
                ).volume
                self.post_message(self.Preview(spot.track, note, self.instrument, volume))
            self._advance()

    def say(self, text: str) -> None:
        """Put a message on the status line."""
        self.session.message = text
        self.post_message(self.SettingsChanged())

    def enter_hex(self, nibble: int) -> None:
        """A hex digit: the high digit moves on to the low one, the low one steps down."""
        field = self.field
        if not self._try(lambda: hex_command(self.song, self.spot, nibble), advance=False):
            return
        if field.digit == 0:
            self.action_move_field(1)
        else:
            self._go(Cursor(self.cursor.line, self.cursor.track, self.cursor.field - 1))
            self._advance()

    def action_note_off(self) -> None:
        if self.field.kind is Kind.NOTE:
            self.enter_note(NOTE_OFF)

    def action_note_cut(self) -> None:
        if self.field.kind is Kind.NOTE:
            self.enter_note(NOTE_CUT)

    def action_clear(self) -> None:
        selection = self.selection
        if selection is not None:
            self._edit(ClearSelection(selection), selection.lines)
            return
        self._try(lambda: clear_command(self.song, self.spot), advance=True)

    def action_insert_line(self) -> None:
        self._edit(InsertLine(self.pattern_name, self.cursor.line, self.cursor.track))

    def action_delete_line(self) -> None:
        self._edit(DeleteLine(self.pattern_name, self.cursor.line, self.cursor.track))

    def action_copy(self) -> None:
        self.session.clipboard = copy_selection(self.song, self._block())
        self.say(f"Copied {self.session.clipboard.lines} line(s)")

    def action_cut(self) -> None:
        block = self._block()
        self.session.clipboard = copy_selection(self.song, block)
        self._edit(Cut(block), block.lines)

    def action_paste(self) -> None:
        clipboard = self.session.clipboard
        if clipboard is None:
            self.say("The clipboard is empty: select (Shift+arrows) and copy (Ctrl+C) first")
            return
        lane = lane_of(self.song, self.cursor.track, self.field)
        line = self.cursor.line
        command = Paste(self.pattern_name, line, self.cursor.track, lane, clipboard)
        self._edit(command, range(line, min(self.pattern.lines, line + clipboard.lines)))

    def action_transpose(self, semitones: int) -> None:
        block = self._block()
        self._edit(Transpose(block, semitones), block.lines)

    def action_interpolate(self) -> None:
        block = self._block()
        self._edit(Interpolate(block), block.lines)

    # Settings of the entry

    def action_base_octave(self, delta: int) -> None:
        self.octave = max(0, min(8, self.octave + delta))
        self.post_message(self.SettingsChanged())

    def action_edit_step(self, delta: int) -> None:
        self.step = max(0, min(16, self.step + delta))
        self.post_message(self.SettingsChanged())

    def action_instrument(self, delta: int) -> None:
        numbers = sorted(self.song.instruments)
        if not numbers:
            return
        if self.instrument not in numbers:
            self.instrument = numbers[0]
        else:
            index = numbers.index(self.instrument)
            self.instrument = numbers[max(0, min(len(numbers) - 1, index + delta))]
        self.post_message(self.SettingsChanged())

    # Tracks

    @dataclass
    class Muted(Message):
        """A track was muted or unmuted: the player hears it at once."""

        track: int
        muted: bool

    def action_mute(self) -> None:
        self._toggle("mute")

    def action_solo(self) -> None:
        self._toggle("solo")

    def _toggle(self, flag: Literal["mute", "solo"]) -> None:
        track = self.cursor.track
        if self._edit(ToggleTrackFlag(track, flag), range(0)):
            self.refresh_line(0)
            song_tracks = self.song.tracks
            for index, t in enumerate(song_tracks):
                self.post_message(
                    self.Muted(index, t.mute or (any(o.solo for o in song_tracks) and not t.solo))
                )

    def action_track_settings(self) -> None:
        index = self.cursor.track
        song = self.song
        dialog = FormDialog(
            f"Track {index + 1}", track_fields(song.tracks[index]), track_parser(song, index)
        )

        def done(command: Command | None) -> None:
            if command is not None:
                self._reshape(command)

        self.app.push_screen(dialog, done)

    def action_add_track(self) -> None:
        self._reshape(AddTrack(self.cursor.track + 1))

    def action_remove_track(self) -> None:
        self._reshape(RemoveTrack(self.cursor.track))

    def _reshape(self, command: Command) -> None:
        """An edit that changes the tracks' shape: the layout is worked out again."""
        if self.session.do(command):
            self.song_reshaped()
            self.post_message(self.Edited())
        else:
            self.say(self.session.message)

    # Recording

    def record_note(self, note: int, velocity: int, order: int | None, line: int | None) -> None:
        """A note from MIDI input (velocity 0: its key let go), with its velocity: at the
        player's line while playing, else at the cursor, stepping on once per chord. Each
        key held takes the next note column (tracker/ui/pattern/recording.py)."""
        if velocity == 0:
            self.chords.release(note)
            return
        first_of_chord = not self.chords.chord_open
        if order is None or line is None:  # stopped: step record
            if self.field.kind is not Kind.NOTE:
                return
            if first_of_chord or self.chords.line is None:
                self.chords.line = self.cursor.line
            pattern, line = self.pattern_name, self.chords.line
        elif 0 <= order < len(self.song.order):
            pattern = self.song.order[order]
        else:
            return
        track = self.cursor.track
        first = self.field.column if self.field.kind is not Kind.CC else 0
        column = self.chords.press(note, first, self.song.tracks[track].notes)
        if column is None:
            return
        place = (pattern, line, track, column)
        command = recorded_note(self.song, place, note, velocity, self.instrument)
        if command is None:
            return
        self._edit(command, range(line, line + 1) if pattern == self.pattern_name else range(0))
        if order is None and first_of_chord:
            self._advance()

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
            self.pattern_name = pattern
            if order is not None:
                self.order = order
            self.mark = None
            self._update_virtual_size()
            self.playhead = line
            self.refresh()
            self.post_message(self.SettingsChanged())
        elif pattern is not None and order is not None and self.follow:
            self.order = order
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
