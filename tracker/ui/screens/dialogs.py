"""Small modal dialogs, all driven from the keyboard: forms of text fields (questions
that can lose work: tracker.ui.screens.confirm).

A form hands its values to a `parse` function that either returns the result or
raises TrackerError; the error is shown in the dialog and the musician fixes
the field, so a typo never closes the dialog or reaches a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tracker.errors import TrackerError
from tracker.text import visible

T = TypeVar("T")


_EDITING_KEYS: dict[str, str] = {
    key.strip(): binding.action
    for binding in Input.BINDINGS
    if isinstance(binding, Binding)
    for key in binding.key.split(",")
}
"""Input's own keys (Backspace, arrows, Home, Enter ...) -> the action each runs."""


class FormField(Input):
    """A dialog's text field: keys act in the order typed, and focus selects nothing.

    Textual's Input selects all on focus, so the first Backspace after Tab wiped the
    whole field (a track's CC lanes went that way, with their data on Enter); here
    focus puts the cursor after the text.

    Input's editing keys are bindings, and a binding runs only once its key has
    bubbled up to the app, while a typed character is inserted at once: in a burst,
    "Backspace 0" came out as "0 Backspace". Each editing key runs here as it arrives.
    """

    def __init__(self, value: str, *, id: str) -> None:
        super().__init__(value, id=id, select_on_focus=False)

    def on_focus(self) -> None:
        self.cursor_position = len(self.value)

    async def on_key(self, event: events.Key) -> None:
        action = _EDITING_KEYS.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(action)


class FormDialog(ModalScreen[T | None], Generic[T]):
    """Labelled text fields; Enter checks them with `parse`, Escape cancels.

    Tab and Shift+Tab are priority bindings of the dialog: the app runs them as the
    key arrives, before it routes the next key. As ordinary bindings they ran only
    once Tab had bubbled up from the field, so keys typed right after it (within
    ~150 ms in a real terminal) still went to the field being left.
    """

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    def __init__(
        self, title: str, fields: list[tuple[str, str, str]], parse: Callable[[dict[str, str]], T]
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        """(key, label, initial text) per field."""
        self.parse = parse

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Titles and errors quote names from the song: plain text, never markup.
            yield Static(visible(self.title_text), classes="dialog-question", markup=False)
            for key, label, value in self.fields:
                yield Label(label)
                yield FormField(value, id=f"field-{key}")
            yield Static("Enter: OK   Esc: cancel   Tab: next field", classes="dialog-keys")
            yield Static("", id="dialog-error", classes="dialog-error", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        values = {key: self.query_one(f"#field-{key}", Input).value for key, _, _ in self.fields}
        try:
            result = self.parse(values)
        except TrackerError as error:
            self.query_one("#dialog-error", Static).update(visible(error.message))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
