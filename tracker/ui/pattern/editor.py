"""The pattern editor: what keys do to the pattern on screen, and what it tells the app.

Typing (piano keys on the note field, hex digits and effect letters elsewhere),
block edits on the selection, the entry settings (octave, step, instrument),
track edits and MIDI recording, each key run in the order it came. Every change
goes through the session as a tracker.song.edit command; the widget redraws only
what it touched. Drawing, moving, the pattern shown and the playhead are the PatternView's
(tracker.ui.pattern.view); the rules of what a key writes are pure functions
in tracker.ui.pattern.entry and tracker.ui.pattern.recording.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from textual import events
from textual.message import Message

from tracker.errors import EditError, TrackerError
from tracker.instruments import load_device
from tracker.instruments.model import Device
from tracker.song.edit import (
    ClearSelection,
    Command,
    Cut,
    DeleteLine,
    InsertLine,
    Interpolate,
    Paste,
    Transpose,
    copy_selection,
)
from tracker.song.effects import SAID_IN_DECIMAL, effect_meaning
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
from tracker.ui.pattern.tracks import TrackActions, TrackDialog
from tracker.ui.session import Session


class PatternEditor(TrackActions):
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
        self.key_actions = keymap.key_actions(("pattern", "app"))
        """Every key this editor answers, run in on_key in the order keys come."""
        self.octave = 4
        self.step = 1
        self.instrument: int | None = min(session.song.instruments, default=None)
        self._take_track_instrument()
        self.chords = Chords()
        """Keys held on the MIDI keyboard, for recording (record_note)."""
        self.cc = CcRecorder()
        """MIDI learn and CC recording (take_control)."""

    # The instrument follows the track

    def _take_track_instrument(self) -> bool:
        """Take up the instrument the cursor's track remembers (Track.instrument), if it
        still exists; True when the current instrument changed."""
        tracks = self.song.tracks
        track = self.cursor.track
        remembered = tracks[track].instrument if track < len(tracks) else None
        if remembered is None or remembered not in self.song.instruments:
            return False
        changed, self.instrument = remembered != self.instrument, remembered
        return changed

    def _go(self, cursor: Cursor, *, extend: bool = False) -> None:
        track = self.cursor.track
        super()._go(cursor, extend=extend)
        if self.cursor.track != track and self._take_track_instrument():
            self.post_message(self.SettingsChanged())

    def song_reshaped(self) -> None:
        super().song_reshaped()
        if self._take_track_instrument():
            self.post_message(self.SettingsChanged())

    def use_keys(self, overrides: Mapping[str, str]) -> None:
        """The musician's keys by binding id (keymap.load_overrides), as the app sets them."""
        self.key_actions = keymap.key_actions(("pattern", "app"), overrides)

    def _shown_pattern_changed(self) -> None:
        self.post_message(self.SettingsChanged())

    # Editing

    def _edit(
        self, command: Command, lines: range | None = None, spot: Cursor | None = None
    ) -> bool:
        """Apply through the session; redraw the touched spot, lines, or everything (the
        grid's kept rows of the other lines stay: rows.RowCache.lines_changed)."""
        before = self.session.revision
        done = self.session.do(command)
        if done:
            if spot is not None:
                self.rows.lines_changed(before, self.session.revision, (spot.line,))
                self._refresh_spot(spot)
            elif lines is None:
                self.refresh()
            else:
                self.rows.lines_changed(before, self.session.revision, lines)
                self.refresh_lines(lines.start + 1, len(lines))
            self.post_message(self.Edited())
        else:
            self.post_message(self.SettingsChanged())
        return done

    def _advance(self) -> None:
        if self.step:
            self._go(Cursor(self.cursor.line + self.step, self.cursor.track, self.cursor.field))

    async def on_key(self, event: events.Key) -> None:
        """Keys of the key map (run here, in the order keys come: see keymap.key_actions),
        then typing: piano keys on the note field, hex digits and effect letters elsewhere."""
        bound = self.key_actions.get(event.key)
        if bound is not None:
            event.stop()
            event.prevent_default()
            scope, action = bound
            await (self.app if scope == "app" else self).run_action(action)
            return
        character = event.character
        if character is None or not character.isprintable() or len(character) != 1:
            return
        if "ctrl+" in event.key or "alt+" in event.key:
            return  # Alt+Q is transpose, not a note, even where the terminal sends the letter
        kind = self.field.kind
        handled = False
        if kind is Kind.NOTE:
            note = self.piano_note(character.lower())
            if note is not None:
                self.enter_note(note)
                handled = True
        elif kind is Kind.EFFECT_LETTER:
            if character.isalpha():
                self.enter_effect_letter(character)
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

    def settings_changed(self) -> None:
        self.post_message(self.SettingsChanged())

    def enter_effect_letter(self, letter: str) -> None:
        """The effect letter starts the effect field: the cursor moves on to its value, and
        the edit step waits for the value's last digit (`r 8 3` at step 2 is `R83`)."""
        if self._try(lambda: effect_letter_command(self.song, self.spot, letter), advance=False):
            self.action_move_field(1)

    def enter_hex(self, nibble: int) -> None:
        """A hex digit. A field is complete only when its last digit is typed (FT2 and
        Renoise habits): the high digit moves on to the low one; the low one goes back to
        the field's start (the effect letter for an effect) and steps down."""
        field = self.field
        if not self._try(lambda: hex_command(self.song, self.spot, nibble), advance=False):
            return
        if field.digit == 0:
            self.action_move_field(1)
            return
        start = self.cursor.field - 1
        if field.kind is Kind.EFFECT_VALUE:
            start -= 1  # the effect letter before the value's two digits
            spot = self.spot
            effect = self.song.cell(spot.pattern, spot.track, field.column, spot.line).effects[
                field.slot
            ]
            if effect is not None and effect.command.upper() in SAID_IN_DECIMAL:
                self.say(effect_meaning(effect))  # "T78 = 120 bpm": hex is not how bpm is thought
        self._go(Cursor(self.cursor.line, self.cursor.track, start))
        self._advance()

    def action_cc_lanes(self) -> None:
        target = self.model.cc_lane_on()
        if target is None:
            self.say("This track has no CC lanes: add them in the track settings (Alt+E)")
            return
        self._go(target)

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

    def _tell_muted(self, track: int, muted: bool) -> None:
        self.post_message(self.Muted(track, muted))

    def _tell_edited(self) -> None:
        self.post_message(self.Edited())

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
        screen = self.app.screen
        if isinstance(screen, TrackDialog) and screen.learner is not None:
            screen.take_control(moved[1], moved[2])  # learned in the track settings
            return
        device = self.learn_device()
        device_cc = device.cc if device is not None else None
        command = self.cc.control(self.song, moved, at, device_cc, recording)
        if command is not None:
            self._reshape(command)

    def learn_device(self) -> Device | None:
        """The device map of the current instrument (its CC, NRPN and 14-bit names)."""
        instrument = self.song.instruments.get(self.instrument or -1)
        if instrument is not None and instrument.device:
            with contextlib.suppress(TrackerError):  # a missing device file: numbers then
                return load_device(instrument.device)
        return None

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
