"""A question that stray keys cannot answer: the confirm dialog for choices that can lose work.

Some dialogs appear unasked while the musician is typing notes (the song changed
on disk, a recovery file at start). With one-letter answers, the piano key `r`
reloaded over unsaved edits and `d` discarded a recovery. So here:

- every answer but the safe one needs a modifier (Ctrl+D, Ctrl+S...), never a
  piano key or a plain letter, and its key is shown beside it;
- Enter and Escape take the safe answer (keep things as they are);
- keys pressed in the first half second after the dialog appears answer nothing
  (they were typed before the musician could read it);
- every other key is swallowed: it reaches neither an answer nor the editor below.

The clock is passed in so tests need no sleeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tracker.text import visible
from tracker.ui.keymap import key_display

GRACE_SECONDS = 0.5
"""Keys typed this soon after the dialog appears are not answers."""

_MODIFIERS = ("ctrl+", "alt+")


@dataclass(frozen=True)
class Answer:
    """One answer: what the dialog returns, what the musician reads, the key that gives it."""

    name: str
    label: str
    key: str
    """A Textual key name with Ctrl or Alt, e.g. "ctrl+d"."""

    def __post_init__(self) -> None:
        if not self.key.startswith(_MODIFIERS):
            raise ValueError(f"answer {self.name!r} needs a key with Ctrl or Alt, not {self.key!r}")


class ConfirmDialog(ModalScreen[str | None]):
    """A question with answers on modified keys; Enter or Escape gives None, the safe answer."""

    def __init__(
        self,
        question: str,
        answers: Sequence[Answer],
        safe: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`question` may hold file names and other text from outside: it is shown with
        control characters spelled out and never read as markup. `safe` labels what
        Enter and Escape do, e.g. "Keep my edits"."""
        super().__init__()
        self.question = question
        self.answers = tuple(answers)
        self.safe = safe
        self.clock = clock
        self.shown_at: float | None = None

    def compose(self) -> ComposeResult:
        keys = Text()
        for answer in self.answers:
            keys.append(f"{key_display(answer.key):>10}", style="bold")
            keys.append(f"  {answer.label}\n")
        keys.append(f"{'Enter/Esc':>10}", style="bold")
        keys.append(f"  {self.safe}")
        with Vertical(classes="dialog"):
            yield Static(Text(visible(self.question, newlines=True)), classes="dialog-question")
            yield Static(keys, classes="dialog-answers")
            yield Static(Text("Other keys do nothing here."), classes="dialog-keys")

    def on_mount(self) -> None:
        self.shown_at = self.clock()

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if self.shown_at is None or self.clock() - self.shown_at < GRACE_SECONDS:
            return
        if event.key in ("enter", "escape"):
            self.dismiss(None)
            return
        for answer in self.answers:
            if event.key == answer.key:
                self.dismiss(answer.name)
                return
