"""Composing from the keyboard: chords by name, the scale lock, diatonic transpose, generators.

The PatternEditor builds on this view; what is here needs nothing of its typing
but the hooks it declares (`_edit`, `_reshape`, `say`, `settings_changed`),
which the editor provides. The music is in tracker.song.chords and
tracker.song.scales, the edits in tracker.song.edit.chords, .keys and .generate;
this module asks the questions (a chord symbol, a rhythm, room for a chord)
and names the chord under the cursor for the status line.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import replace

from tracker.errors import EditError
from tracker.song.chords import invert, name_notes, next_voicing, parse_chord
from tracker.song.edit import Command, Selection
from tracker.song.edit.chords import Revoice, WriteChord, chord_at, chord_with_room, columns_needed
from tracker.song.edit.generate import Double, EuclidFill, SetSeed, Thin
from tracker.song.edit.keys import DiatonicTranspose, key_label
from tracker.song.limits import SEED_RANGE
from tracker.song.model import Cell, is_pitch
from tracker.song.scales import scale_of
from tracker.ui.keymap import piano_note
from tracker.ui.pattern.cursor import Cursor
from tracker.ui.pattern.layout import Kind
from tracker.ui.pattern.view import PatternView
from tracker.ui.screens.confirm import Answer, ConfirmDialog
from tracker.ui.screens.dialogs import FormDialog
from tracker.ui.screens.forms import euclid_fields, euclid_parser


class ComposingView(PatternView):
    """Chord entry, inversions and voicings, scale lock, generators, seed."""

    octave: int
    instrument: int | None
    scale_lock = False
    """Piano keys enter scale notes only (an editor setting, not the song's)."""
    last_chord = "C"
    """Offered in the chord dialog: the last symbol typed."""
    last_rhythm = ("3", "8", "0")
    """Offered in the rhythm dialog: hits, steps, rotation."""
    clock: Callable[[], float] = time.monotonic
    """For the growth question's first half second (tests pass a fake clock)."""

    # Hooks the PatternEditor fills in

    def _edit(
        self, command: Command, lines: range | None = None, spot: Cursor | None = None
    ) -> bool:
        raise NotImplementedError

    def _reshape(self, command: Command) -> None:
        raise NotImplementedError

    def say(self, text: str) -> None:
        raise NotImplementedError

    def settings_changed(self) -> None:
        raise NotImplementedError

    # What the status line shows

    def chord_name(self) -> str:
        """The chord on the cursor's line of its track, read back from its notes."""
        c = self.cursor
        notes = [n for _, n in chord_at(self.song, self.pattern_name, c.line, c.track)]
        found = name_notes(notes)
        return "" if found is None else found.name

    def key_name(self) -> str:
        """ "C minor" when a scale is in force here, else ""."""
        return key_label(self.song, self.pattern_name)

    def _go(self, cursor: Cursor, *, extend: bool = False) -> None:
        """A move that lands on another chord (or off one) tells the status line."""
        before = self.chord_name()
        super()._go(cursor, extend=extend)
        if self.chord_name() != before:
            self.settings_changed()

    # Piano keys under the scale lock

    def piano_note(self, character: str) -> int | None:
        """The note a piano key enters: as on a piano, or with the lock on, the scale's
        degrees on the letter rows and other keys snapped into the scale."""
        scale = scale_of(self.song, self.pattern_name) if self.scale_lock else None
        return piano_note(character, self.octave, scale)

    def action_scale_lock(self) -> None:
        self.scale_lock = not self.scale_lock
        if self.scale_lock and not self.key_name():
            self.say("Scale lock on, but no scale is set: F2 sets the song's key and scale")
        else:
            self.settings_changed()

    def action_transpose_degrees(self, steps: int) -> None:
        block = self.model.block()
        self._edit(DiatonicTranspose(block, steps), block.lines)

    # Chords

    def _chord_column(self) -> int | None:
        return None if self.field.kind is Kind.CC else self.field.column

    def action_chord(self) -> None:
        if self._chord_column() is None:
            self.say("Put the cursor on a note column to enter a chord")
            return
        dialog: FormDialog[str] = FormDialog(
            "Chord",
            [("chord", "Chord symbol (Cm7, F#maj9/A, Gsus4, Bdim ...)", self.last_chord)],
            lambda values: values["chord"].strip(),
        )
        self.app.push_screen(dialog, self._write_chord)

    def _write_chord(self, symbol: str | None) -> None:
        first = self._chord_column()
        if not symbol or first is None:
            return
        self.last_chord = symbol
        c = self.cursor
        track = self.song.tracks[c.track]
        volume = self.song.cell(self.pattern_name, c.track, first, c.line).volume
        try:
            chord = parse_chord(symbol)
            notes = chord.notes((self.octave + 1) * 12 + chord.root)
            needed = columns_needed(self.song, c.track, first, len(notes))
        except EditError as error:
            self.say(error.message)
            return
        place = (self.pattern_name, c.line, c.track, first)
        command = WriteChord(*place, tuple(notes), self.instrument, volume, f"Chord {chord.name}")
        if needed == track.notes:
            self._edit(command, spot=c)
            return
        grow = needed - track.notes
        question = (
            f'{chord.name} needs {needed} note columns from column {first + 1}; track "{track.name}" '
            f"has {track.notes}. Add {grow}?"
        )
        answer = Answer("grow", f"Add {grow} note column{'s' if grow != 1 else ''}", "ctrl+g")

        def answered(choice: str | None) -> None:
            if choice == "grow":
                self._reshape(chord_with_room(self.song, command))

        self.app.push_screen(
            ConfirmDialog(question, [answer], "Leave the track as it is", clock=self.clock),
            answered,
        )

    def _revoice(self, make: Callable[[list[int]], tuple[str, list[int]]]) -> None:
        c = self.cursor
        notes = [n for _, n in chord_at(self.song, self.pattern_name, c.line, c.track)]
        try:
            label, voiced = make(notes)
        except EditError as error:
            self.say(error.message)
            return
        if self._edit(Revoice(self.pattern_name, c.line, c.track, tuple(voiced), label), spot=c):
            self.say(label)

    def action_invert(self, direction: int) -> None:
        word = "up" if direction > 0 else "down"
        self._revoice(lambda notes: (f"Inversion {word}", invert(notes, direction)))

    def action_voicing(self) -> None:
        def voiced(notes: list[int]) -> tuple[str, list[int]]:
            name, result = next_voicing(notes)
            return f"Voicing: {name}", result

        self._revoice(voiced)

    # Generators

    def _repeated_cell(self, block: Selection) -> Cell | None:
        """The note the rhythm repeats: under the cursor, else the first in its column."""
        column = self._chord_column()
        if column is None:
            return None
        cells: list[Cell] = self.pattern.tracks[self.cursor.track].columns[column]
        lines: list[int] = [self.cursor.line, *block.lines]
        for line in lines:
            if is_pitch(cells[line].note):
                return cells[line]
        return None

    def action_euclid(self) -> None:
        selection = self.selection
        cell = self._repeated_cell(selection or self.model.block())
        if cell is None:
            self.say("Put the cursor on a note: the rhythm repeats it (select where it goes)")
            return
        fields = euclid_fields(*self.last_rhythm)

        def parse(values: dict[str, str]) -> EuclidFill:
            hits, steps, rotation = euclid_parser(values)
            block = selection or self._cycle_from_cursor(steps)
            command = EuclidFill(block, cell, hits, steps, rotation)
            command.plan(self.song)  # refused inside the dialog
            self.last_rhythm = (values["hits"], values["steps"], values["rotation"])
            return command

        def done(command: EuclidFill | None) -> None:
            if command is not None:
                self._edit(command, command.selection.lines)

        self.app.push_screen(FormDialog("Euclidean rhythm E(k, n, r)", fields, parse), done)

    def _cycle_from_cursor(self, steps: int) -> Selection:
        """Without a selection, the rhythm fills one cycle of the cursor's column."""
        block = self.model.block()
        last = min(self.pattern.lines, block.start_line + steps) - 1
        return replace(block, end_line=last)

    def action_thin(self) -> None:
        block = self.selection or self.model.whole_track()
        self._edit(Thin(block), block.lines)

    def action_double(self) -> None:
        block = self.selection or self.model.whole_track()
        self._edit(Double(block), block.lines)

    def action_new_seed(self) -> None:
        seed = secrets.randbelow(SEED_RANGE[1] + 1)
        if self._edit(SetSeed(seed), range(0)):
            self.say(f"Seed {seed}: chance and humanise roll again (Ctrl+Z: the old seed)")
