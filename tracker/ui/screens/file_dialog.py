"""Open and Save as: a name field over the folder's songs and subfolders.

Typing filters the list (names starting with what is typed), Tab completes the
name as far as the matches agree (a single folder with its slash, so the next
Tab lists inside it), Up and Down pick an entry, Enter opens the picked or typed
entry: a folder is entered (its path goes into the field), a song is chosen.
Save as adds `.toml` to a name without an extension.

The field keeps the focus throughout and the list takes no keys of its own, so
no key typed here is lost or sent elsewhere. Enter, Tab, Up and Down act in the
field's own queue, in the order typed (tracker.ui.screens.dialogs.FormField): "sk
Tab take Enter" sent at once completes "sk" to "sketches/" and saves
"sketches/take.toml", however fast the terminal delivers it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tracker.text import visible
from tracker.ui.screens.dialogs import FormField
from tracker.ui.screens.folder import Listing, complete, enter, listing, resolve, with_suffix

Purpose = Literal["open", "save"]
SHOWN = 10
"""Entries on screen at once: the dialog fits 80x24 with room for its other lines."""


class FileDialog(ModalScreen[Path | None]):
    DEFAULT_CSS = """
    FileDialog #file-list { height: 10; color: ansi_white; }
    FileDialog #file-folder { color: ansi_bright_black; }
    """

    BINDINGS = [  # noqa: RUF012
        Binding("escape", "cancel", "Cancel", show=False),
    ]

    def __init__(self, purpose: Purpose, base: Path, text: str = "") -> None:
        """`base`: the folder names are typed relative to; `text`: the name offered."""
        super().__init__()
        self.purpose = purpose
        self.base = base
        self.initial = text
        self.picked: int | None = None
        """The entry Up/Down chose; None: Enter takes the typed name."""
        self.shown: Listing = listing(base, text)

    def compose(self) -> ComposeResult:
        title = "Open a song" if self.purpose == "open" else "Save as"
        with Vertical(classes="dialog"):
            yield Static(title, classes="dialog-question", markup=False)
            yield Label("File")
            yield FormField(
                self.initial,
                id="field-path",
                keys={
                    "enter": self.action_choose,
                    "tab": self.action_complete,
                    "down": lambda: self.action_pick(1),
                    "up": lambda: self.action_pick(-1),
                },
            )
            yield Static("", id="file-folder", markup=False)
            yield Static("", id="file-list", markup=False)
            yield Static(
                "Type to filter  Tab: complete  Up/Down: pick  Enter: open  Esc: cancel",
                classes="dialog-keys",
            )
            yield Static("", id="dialog-error", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        self._show()

    @property
    def field(self) -> Input:
        return self.query_one("#field-path", Input)

    def on_input_changed(self, event: Input.Changed) -> None:
        del event  # its value may be older than the field's: read the field
        self.picked = None
        self.shown = listing(self.base, self.field.value)
        self._show()

    def _show(self) -> None:
        shown = self.shown
        self.query_one("#file-folder", Static).update(
            visible(f"in {shown.folder}" + (f": {shown.problem}" if shown.problem else ""))
        )
        entries = shown.entries
        first = 0 if self.picked is None else max(0, self.picked - SHOWN + 1)
        lines = Text()
        for index, entry in enumerate(entries[first : first + SHOWN], start=first):
            mark = ">" if index == self.picked else " "
            style = "reverse" if index == self.picked else ("bold" if entry.folder else "")
            lines.append(f"{mark}{visible(entry.shown)}\n", style=style)
        if not entries and not shown.problem:
            lines.append(" (no songs or folders here start so)", style="italic")
        elif len(entries) > first + SHOWN:
            lines.append(f"  … {len(entries) - first - SHOWN} more: type to narrow")
        self.query_one("#file-list", Static).update(lines)

    def say(self, text: str) -> None:
        self.query_one("#dialog-error", Static).update(visible(text))

    # Keys

    def action_pick(self, delta: int) -> None:
        count = len(self.shown.entries)
        if not count:
            return
        start = -1 if self.picked is None and delta > 0 else (self.picked or 0)
        self.picked = max(0, min(count - 1, start + delta))
        self._show()

    def action_complete(self) -> None:
        self._set_text(complete(self.base, self.field.value))

    def action_choose(self) -> None:
        text = self.field.value
        if self.picked is not None:
            entry = self.shown.entries[self.picked]
            if entry.folder or self.purpose == "save":
                self._set_text(enter(text, entry))  # a song picked in Save as: Enter again
                return
            self.dismiss(self.shown.folder / entry.name)
            return
        name = text.strip()
        if not name:
            self.say("type a file name, e.g. mysong (Tab completes, Up/Down pick)")
            return
        path = resolve(self.base, name)
        if path.is_dir():
            self._set_text(name.rstrip("/") + "/")
            return
        if self.purpose == "save":
            if name.endswith("/"):
                self.say(f"there is no folder {path}")
                return
            self.dismiss(with_suffix(path))
            return
        if not path.exists() and with_suffix(path).is_file():
            path = with_suffix(path)
        if not path.exists():
            self.say(f"there is no song {path} (Tab completes a name)")
            return
        self.dismiss(path)

    def _set_text(self, text: str) -> None:
        field = self.field
        if text != field.value:
            field.value = text  # Input.Changed lists the new folder
        field.cursor_position = len(text)
        self.picked = None
        self.shown = listing(self.base, text)
        self._show()
        self.say("")

    def action_cancel(self) -> None:
        self.dismiss(None)
