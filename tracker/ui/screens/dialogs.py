"""Small modal dialogs, all driven from the keyboard: forms of text fields (questions
that can lose work: tracker.ui.screens.confirm).

A form hands its values to a `parse` function that either returns the result or
raises TrackerError; the error is shown in the dialog and the musician fixes
the field, so a typo never closes the dialog or reaches a traceback.

A field may offer choices (General MIDI names under a program, the soundfonts
found under a soundfont): while it has the focus they are listed under it,
narrowed by what is typed; Up and Down pick one, and Enter writes it into the
fields it fills (a second Enter confirms the form).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tracker.errors import TrackerError
from tracker.text import visible
from tracker.ui.screens.forms import Choice, ChoiceSource

SHOWN_CHOICES = 5
"""Choices listed at once: a dialog of six fields still fits 80x24."""

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
    "Backspace 0" came out as "0 Backspace". Each editing key runs here as it arrives,
    and so do the dialog's own keys given as `keys` (Enter, Up, Down...): in the
    field's queue, after the characters typed before them. (A priority binding would
    run before them: "vibra Enter" sent at once took the field as "".)
    """

    def __init__(
        self, value: str, *, id: str, keys: Mapping[str, Callable[[], object]] | None = None
    ) -> None:
        super().__init__(value, id=id, select_on_focus=False)
        self.own_keys = dict(keys or {})

    def on_focus(self) -> None:
        self.cursor_position = len(self.value)

    async def on_key(self, event: events.Key) -> None:
        own = self.own_keys.get(event.key)
        action = _EDITING_KEYS.get(event.key)
        if own is None and action is None:
            return
        event.stop()
        event.prevent_default()
        if own is not None:
            own()
        elif action is not None:
            await self.run_action(action)


class FormDialog(ModalScreen[T | None], Generic[T]):
    """Labelled text fields; Enter checks them with `parse`, Escape cancels.

    Tab and Shift+Tab are priority bindings of the dialog: the app runs them as the
    key arrives, before it routes the next key. As ordinary bindings they ran only
    once Tab had bubbled up from the field, so keys typed right after it (within
    ~150 ms in a real terminal) still went to the field being left. Enter, Up and
    Down act in the field, after what was typed before them (FormField).
    """

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    EXTRA_KEYS = ""
    """A dialog's own keys, after the form's in the keys line."""

    def __init__(
        self,
        title: str,
        fields: list[tuple[str, str, str]],
        parse: Callable[[dict[str, str]], T],
        choices: Mapping[str, ChoiceSource] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        """(key, label, initial text) per field."""
        self.parse = parse
        self.choices = dict(choices or {})
        """Field key -> what it offers for the text typed (and the other fields' values)."""
        self.offered: list[Choice] = []
        self.picked: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Titles and errors quote names from the song: plain text, never markup.
            yield Static(visible(self.title_text), classes="dialog-question", markup=False)
            for key, label, value in self.fields:
                yield Label(label)
                yield FormField(value, id=f"field-{key}", keys=self.field_keys)
                if key in self.choices:
                    choices = Static("", id=f"choices-{key}", classes="dialog-choices")
                    choices.display = False  # listed while its field has the focus
                    yield choices
            yield from self.compose_extra()
            keys = "Enter: OK   Esc: cancel   Tab: next field"
            if self.choices:
                keys = "Enter: OK  Esc: cancel  Tab: next field  Up/Down: pick"
            yield Static(keys + self.EXTRA_KEYS, classes="dialog-keys")
            yield Static("", id="dialog-error", classes="dialog-error", markup=False)

    def compose_extra(self) -> ComposeResult:
        """Widgets a dialog adds under its fields (the track dialog's Learn button)."""
        yield from ()

    @property
    def field_keys(self) -> dict[str, Callable[[], object]]:
        return {
            "enter": self.action_submit_form,
            "down": lambda: self.action_pick(1),
            "up": lambda: self.action_pick(-1),
        }

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#field-{key}", Input).value for key, _, _ in self.fields}

    # Choices

    def _focused_key(self) -> str | None:
        focused = self.focused
        if isinstance(focused, FormField) and focused.id:
            return focused.id.removeprefix("field-")
        return None

    def _offer(self) -> None:
        """List the focused field's choices under it; every other list empties."""
        key = self._focused_key()
        source = self.choices.get(key) if key else None
        self.offered = (
            [] if source is None or key is None else source(self.values()[key], self.values())
        )
        self.picked = None
        self._show_choices()

    def _show_choices(self) -> None:
        key = self._focused_key()
        for other in self.choices:
            if other != key:
                self.query_one(f"#choices-{other}", Static).display = False
        if key not in self.choices:
            return
        first = 0 if self.picked is None else max(0, self.picked - SHOWN_CHOICES + 1)
        rows = [
            Text(
                f"{'>' if index == self.picked else ' '} {visible(choice.shown)}",
                style="reverse" if index == self.picked else "",
                no_wrap=True,
                overflow="ellipsis",
            )
            for index, choice in enumerate(self.offered[first : first + SHOWN_CHOICES], start=first)
        ]
        rest = len(self.offered) - first - SHOWN_CHOICES
        if rest > 0:
            rows.append(Text(f"  … {rest} more: type to narrow", style="italic"))
        if not self.offered:
            rows = [Text("  (nothing by that name)", style="italic")]
        shown = self.query_one(f"#choices-{key}", Static)
        shown.update(Text("\n").join(rows))
        shown.display = True

    def on_descendant_focus(self) -> None:
        if self.choices:
            self._offer()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.choices and event.input is self.focused:
            self._offer()

    def action_pick(self, delta: int) -> None:
        if not self.offered:
            return
        start = -1 if self.picked is None and delta > 0 else (self.picked or 0)
        self.picked = max(0, min(len(self.offered) - 1, start + delta))
        self._show_choices()

    # Confirming

    def action_submit_form(self) -> None:
        if self.picked is not None:
            choice = self.offered[self.picked]
            for key, text in choice.fills.items():
                field = self.query_one(f"#field-{key}", Input)
                field.value = text
                field.cursor_position = len(text)
            self._offer()
            return
        try:
            result = self.parse(self.values())
        except TrackerError as error:
            self.query_one("#dialog-error", Static).update(visible(error.message))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
