"""Alt+Shift+L: the last messages the status line showed, oldest first, each in full; Esc closes.

The status line wraps a long message, but a message that went by while the
musician looked away, or one longer than a third of the screen, is read here.
Messages are Text, never markup: they quote file names and the player's words.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class MessageLog(ModalScreen[None]):
    BINDINGS = [  # noqa: RUF012
        Binding("escape,alt+shift+l,q", "dismiss", "Close the message log", show=False),
    ]

    def __init__(self, messages: Iterable[str]) -> None:
        super().__init__()
        self.messages = list(messages)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="message-log"):
            yield Static("Messages, newest last (Esc closes, arrows scroll)", id="help-title")
            if not self.messages:
                yield Static(Text("No messages yet."))
            for message in self.messages:
                yield Static(Text(f"• {message}"), classes="logged")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).scroll_end(animate=False)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
