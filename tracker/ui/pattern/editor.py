"""The pattern editor: what keys do to the pattern on screen, and what it tells the app.

Typing (piano keys on the note field, hex digits and effect letters elsewhere),
block edits on the selection, the entry settings (octave, step, instrument),
track edits, MIDI recording and following the playhead. Every change goes
through the session as a tracker.song.edit command; the widget redraws only
what it touched. Drawing, scrolling and moving the cursor are the PatternView's
(tracker.ui.pattern.view); the rules of what a key writes are pure functions
in tracker.ui.pattern.entry and tracker.ui.pattern.recording.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from textual import events
from textual.message import Message

from tracker.errors import EditError, TrackerError
from tracker.instruments import load_device
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
    ToggleTrackFlag,
    Transpose,
    copy_selection,
)
from tracker.song.model import HIGHEST_NOTE, LOWEST_NOTE, NOTE_CUT, NOTE_OFF, is_pitch
from tracker.ui import keymap
from tracker.ui.pattern.cc_takes import CcRecorder
from tracker.ui.pattern.cursor import Cursor
from tracker.ui.pattern.entry import (
    HEX_DIGITS,
    clear_command,
    effect_letter_command,
    hex_command,
    lane_of,
    note_command,
)
from tracker.ui.pattern.layout import Kind
from tracker.ui.pattern.recording import Chords, recorded_note
from tracker.ui.pattern.view import PatternView
from tracker.ui.screens.dialogs import FormDialog
from tracker.ui.screens.forms import track_fields, track_parser
from tracker.ui.session import Session


class PatternEditor(PatternView):
    """Edits one pattern of the session's song; the app tells it which and where the playhead is."""

    BINDINGS = keymap.bindings("pattern")

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
        super().__init__(session, id=id)
        self.octave = 4
        self.step = 1
        self.instrument: int | None = min(session.song.instruments, default=None)
        self.chords = Chords()
        """Keys held on the MIDI keyboard, for recording (record_note)."""
        self.cc = CcRecorder()
        """MIDI learn and CC recording (take_control)."""

    # Switching what is shown

    def show_pattern(self, name: str, order: int | None = None) -> None:
        """Edit another pattern (from the order list, or following the playhead)."""
        self.model.show_pattern(name, order)
        self._update_virtual_size()
        self.refresh()
        self.post_message(self.SettingsChanged())

    def action_step_order(self, delta: int) -> None:
        target = self.model.order_on(delta)
        if target is not None:
            self.show_pattern(*target)

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
        self.session.clipboard = copy_selection(self.song, self.model.block())
        self.say(f"Copied {self.session.clipboard.lines} line(s)")

    def action_cut(self) -> None:
        block = self.model.block()
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
        block = self.model.block()
        self._edit(Transpose(block, semitones), block.lines)

    def action_interpolate(self) -> None:
        block = self.model.block()
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

    def action_learn_cc(self) -> None:
        if self.field.kind is not Kind.CC:
            self.say("Put the cursor on a CC lane to learn it from a MIDI control")
            return
        self.cc.arm(self.cursor.track, self.field.column)
        self.say("Learning: move a control on the MIDI input")

    def take_control(
        self, moved: tuple[int, int, int], at: tuple[int | None, int | None], recording: bool
    ) -> None:
        """A control moved on the MIDI input (channel, controller, value) at (order, line)."""
        device_cc = None
        instrument = self.song.instruments.get(self.instrument or -1)
        if instrument is not None and instrument.device:
            with contextlib.suppress(TrackerError):  # a missing device file: numbers then
                device_cc = load_device(instrument.device).cc
        command = self.cc.control(self.song, moved, at, device_cc, recording)
        if command is not None:
            self._reshape(command)

    def finish_cc_take(self) -> None:
        command = self.cc.finish(self.song)
        if command is not None:
            self._edit(command)

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
            self.model.follow_to(pattern, order)
            self._update_virtual_size()
            self.playhead = line
            self.refresh()
            self.post_message(self.SettingsChanged())
        elif pattern is not None and order is not None and self.follow:
            self.model.order = order
        self._move_playhead(line)
