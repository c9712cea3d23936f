"""The song's arrangement: which pattern plays at each order entry, and edits of that list."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tracker.errors import EditError
from tracker.song.edit import (
    AddPattern,
    Batch,
    ClonePattern,
    DeleteOrder,
    DuplicateOrder,
    InsertOrder,
    MoveOrder,
    SetOrder,
    free_pattern_name,
)
from tracker.ui import keymap
from tracker.ui.panels.list_panel import ListPanel


class OrderList(ListPanel):
    BINDINGS = keymap.bindings("orders")
    title = "Order"

    @dataclass
    class Chosen(Message):
        """Edit the pattern of this order entry."""

        order: int

    playing: int | None = None
    """The entry the player is in, marked in the list."""

    def rows(self) -> list[str]:
        return [f"{i:02X} {name}" for i, name in enumerate(self.session.song.order)]

    def marked(self, row: int) -> bool:
        return row == self.playing

    def set_playing(self, order: int | None) -> None:
        if order != self.playing:
            self.playing = order
            self.refresh()

    def _has_entries(self) -> bool:
        if self.session.song.order:
            return True
        self.session.message = "The order list is empty: add a pattern from the pattern list (n)"
        self.post_message(self.Edited())
        return False

    def action_edit(self) -> None:
        if self._has_entries():
            self.post_message(self.Chosen(self.index))

    def action_repeat(self) -> None:
        self.apply(DuplicateOrder(self.index))

    def action_remove(self) -> None:
        self.apply(DeleteOrder(self.index))

    def _insert_new(self, make: AddPattern | ClonePattern, label: str) -> None:
        try:
            name = free_pattern_name(self.session.song)
        except EditError as error:
            self.session.message = error.message
            self.post_message(self.Edited())
            return
        make.name = name
        if self.apply(Batch([make, InsertOrder(self.index + 1, name)], label)):
            self.index += 1
            self.post_message(self.Chosen(self.index))

    def action_new_pattern(self) -> None:
        song = self.session.song
        lines = song.patterns[song.order[self.index]].lines if song.order else 64
        self._insert_new(AddPattern(lines=lines), "New pattern")

    def action_clone_pattern(self) -> None:
        if not self._has_entries():
            return
        self._insert_new(ClonePattern(self.session.song.order[self.index]), "Clone pattern")

    def action_move(self, delta: int) -> None:
        to = self.index + delta
        if 0 <= to < len(self.session.song.order) and self.apply(MoveOrder(self.index, to)):
            self.index = to
            self.refresh()

    def action_choose(self, delta: int) -> None:
        """Make the entry play the next (or previous) pattern by name."""
        song = self.session.song
        if not self._has_entries():
            return
        names = list(song.patterns)
        current = names.index(song.order[self.index])
        self.apply(SetOrder(self.index, names[(current + delta) % len(names)]))
        self.post_message(self.Chosen(self.index))
