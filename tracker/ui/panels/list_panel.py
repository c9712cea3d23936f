"""A short keyboard list (order entries, instruments): a titled column with a highlighted row.

Shared by the order list, the pattern list and the instruments panel, which say
what the rows are and what their keys do. Lists are short, so a change redraws the
panel. Rows hold names from the song file: they are drawn through `visible`, as
plain Text (never markup), so a crafted name is shown as written.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widget import Widget

from tracker.song.edit import Command
from tracker.text import visible
from tracker.ui.session import Session


class ListPanel(Widget, can_focus=True):
    COMPONENT_CLASSES = {  # noqa: RUF012
        "list-panel--title",
        "list-panel--focused",
        "list-panel--row",
        "list-panel--chosen",
        "list-panel--marked",
    }
    title = ""

    class Edited(Message):
        """The song changed through this panel."""

    class Back(Message):
        """The musician wants the pattern editor again."""

    def __init__(self, session: Session, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.index = 0

    def rows(self) -> list[str]:
        raise NotImplementedError

    def marked(self, row: int) -> bool:
        """A row drawn with a marker (the playing entry, the current instrument)."""
        return False

    def render(self) -> Text:
        rows = self.rows()
        self.index = max(0, min(self.index, len(rows) - 1))
        height = max(1, self.size.height - 1)
        top = max(0, min(self.index - height // 2, len(rows) - height))
        title_style = self.get_component_rich_style("list-panel--title", partial=True)
        title = self.title
        if self.has_focus:
            # The panel with the keys says so across its width: F4 never leaves them unseen.
            title_style = title_style + self.get_component_rich_style(
                "list-panel--focused", partial=True
            )
            title = title.ljust(self.size.width)
        text = Text(title[: self.size.width], style=title_style, end="")
        for row in range(top, min(len(rows), top + height)):
            style: Style = self.get_component_rich_style("list-panel--row", partial=True)
            if self.marked(row):
                style = style + self.get_component_rich_style("list-panel--marked", partial=True)
            if row == self.index and self.has_focus:
                style = style + self.get_component_rich_style("list-panel--chosen", partial=True)
            mark = ">" if row == self.index else " "
            text.append("\n")
            text.append(f"{mark}{visible(rows[row])}"[: self.size.width], style=style)
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self.index = max(0, min(len(self.rows()) - 1, self.index + delta))
        self.refresh()

    def action_back(self) -> None:
        self.post_message(self.Back())

    def apply(self, command: Command) -> bool:
        """Apply an edit through the session; the app redraws the rest on Edited."""
        done = self.session.do(command)
        self.refresh()
        self.post_message(self.Edited())
        return done
