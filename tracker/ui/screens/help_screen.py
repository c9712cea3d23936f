"""F1: every key from the key map, by group, and the effect table; Esc closes.

Cells are Text, never markup: key names hold brackets (`[`, `]`), and a key map
may one day come from the musician's keys.toml.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tracker.song.effects import EFFECTS
from tracker.ui.keymap import (
    DIALOG_KEYS,
    GROUPS,
    KEYMAP,
    PIANO_LOWER,
    PIANO_UPPER,
    key_display,
)


def key_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for group in GROUPS:
        table.add_row(Text(group, style="underline"), "")
        for key in KEYMAP:
            if key.group == group:
                table.add_row(Text(key_display(key.keys)), Text(key.description))
    table.add_row(Text("Piano", style="underline"), "")
    table.add_row(PIANO_LOWER, "one octave from the base octave: C C# D ... B")
    table.add_row(PIANO_UPPER, "the next octave and a bit: C C# D ... E")
    table.add_row("0-9 a-f", "hex digits in instrument, volume, effect and CC fields")
    table.add_row(
        "", "a field steps down only after its last digit (effect: letter, then 2 digits)"
    )
    table.add_row(Text("Dialogs", style="underline"), "")
    for keys, what in DIALOG_KEYS:
        table.add_row(Text(keys), Text(what))
    return table


def effect_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    table.add_row(Text("Effects", style="underline"), "", "")
    for spec in EFFECTS.values():
        table.add_row(Text(spec.letter), Text(spec.name), Text(spec.help))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [  # noqa: RUF012
        Binding("escape,f1,question_mark,q", "dismiss", "Close help", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static("tracker - keys (Esc closes, arrows scroll)", id="help-title")
            yield Static(key_table())
            yield Static(effect_table())

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
