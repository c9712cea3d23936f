"""The song's instruments: choose the one notes are written with, edit, add, audition."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tracker.song.edit import Edit
from tracker.song.model import Instrument
from tracker.ui import keymap
from tracker.ui.panels.list_panel import ListPanel
from tracker.ui.screens.dialogs import FormDialog
from tracker.ui.screens.forms import INSTRUMENT_CHOICES, instrument_fields, instrument_parser


class InstrumentsPanel(ListPanel):
    BINDINGS = keymap.bindings("instruments")
    title = "Instruments"
    current: int | None = None
    """The instrument new notes are written with (the pattern editor's)."""

    @dataclass
    class Chosen(Message):
        number: int

    @dataclass
    class Audition(Message):
        number: int

    def numbers(self) -> list[int]:
        return sorted(self.session.song.instruments)

    def rows(self) -> list[str]:
        instruments = self.session.song.instruments
        return [f"{n:02X} {instruments[n].name}" for n in self.numbers()]

    def marked(self, row: int) -> bool:
        numbers = self.numbers()
        return row < len(numbers) and numbers[row] == self.current

    def set_current(self, number: int | None) -> None:
        self.current = number
        if number in self.numbers():
            self.index = self.numbers().index(number)
        self.refresh()

    def _selected(self) -> int | None:
        numbers = self.numbers()
        return numbers[self.index] if numbers else None

    def action_choose(self) -> None:
        number = self._selected()
        if number is not None:
            self.post_message(self.Chosen(number))

    def action_audition(self) -> None:
        number = self._selected()
        if number is not None:
            self.post_message(self.Audition(number))

    def action_edit(self) -> None:
        number = self._selected()
        if number is not None:
            self._form(f"Instrument {number:02X}", self.session.song.instruments[number], number)

    def action_new(self) -> None:
        self._form("New instrument", Instrument(name="New"), None)

    def _form(self, title: str, instrument: Instrument, number: int | None) -> None:
        song = self.session.song
        dialog = FormDialog(
            title,
            instrument_fields(instrument),
            instrument_parser(song, number),
            INSTRUMENT_CHOICES,
        )

        def done(command: Edit | None) -> None:
            if command is not None:
                self.apply(command)

        self.app.push_screen(dialog, done)
