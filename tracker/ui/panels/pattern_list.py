"""Every pattern of the song, in the order or not: edit, rename, resize, clone, remove."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tracker.song.edit import (
    AddPattern,
    ClonePattern,
    Edit,
    RemovePattern,
    RenamePattern,
    ResizePattern,
)
from tracker.ui import keymap
from tracker.ui.panels.list_panel import ListPanel
from tracker.ui.screens.dialogs import FormDialog
from tracker.ui.screens.forms import parse_number, pattern_key_fields, pattern_key_parser


class PatternList(ListPanel):
    BINDINGS = keymap.bindings("patterns")
    title = "Patterns"

    @dataclass
    class Chosen(Message):
        """Edit this pattern."""

        name: str

    def names(self) -> list[str]:
        return list(self.session.song.patterns)

    def rows(self) -> list[str]:
        patterns = self.session.song.patterns
        width = max((len(name) for name in patterns), default=0)
        return [f"{name:<{width}} {patterns[name].lines:>3}" for name in self.names()]

    def _current(self) -> str:
        return self.names()[self.index]

    def action_edit(self) -> None:
        self.post_message(self.Chosen(self._current()))

    def action_new(self) -> None:
        if self.apply(AddPattern(lines=self.session.song.patterns[self._current()].lines)):
            self.index = len(self.names()) - 1
            self.refresh()

    def action_clone(self) -> None:
        if self.apply(ClonePattern(self._current())):
            self.index += 1
            self.refresh()

    def action_remove(self) -> None:
        self.apply(RemovePattern(self._current()))

    def action_rename(self) -> None:
        name = self._current()
        song = self.session.song

        def parse(values: dict[str, str]) -> Edit:
            command = RenamePattern(name, values["name"].strip())
            command.plan(song)
            return command

        self._ask(FormDialog(f'Rename pattern "{name}"', [("name", "New name", name)], parse))

    def action_length(self) -> None:
        name = self._current()
        song = self.session.song
        lines = str(song.patterns[name].lines)

        def parse(values: dict[str, str]) -> Edit:
            command = ResizePattern(name, int(parse_number(values, "lines", "the length", int)))
            command.plan(song)
            return command

        self._ask(FormDialog(f'Length of "{name}"', [("lines", "Lines (1-512)", lines)], parse))

    def action_key(self) -> None:
        name = self._current()
        song = self.session.song
        fields = pattern_key_fields(song, name)
        self._ask(FormDialog(f'Key of "{name}"', fields, pattern_key_parser(song, name)))

    def _ask(self, dialog: FormDialog[Edit]) -> None:
        def done(command: Edit | None) -> None:
            if command is not None:
                self.apply(command)

        self.app.push_screen(dialog, done)
