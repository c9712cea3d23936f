"""The status bar: transport, position, entry settings on one line; messages and ports below.

It redraws only when its text changes, so a cursor move costs nothing here.
Every message the editor says (a file error quoting a name, a port the player
cannot find) is drawn here, so this is where outside text goes through `visible`:
once, for every message path. A message is never cut: a long one wraps and the
bar grows to hold it (up to a third of the screen), and the bar keeps the last
messages for the message log (Alt+Shift+L) in case even that is not enough.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.widget import Widget

from tracker.text import visible
from tracker.ui.meters import MASTER_TEXT, master_text

LOG_LENGTH = 50
"""Messages the log keeps."""
MORE = "… (Alt+Shift+L: all of it)"
"""Ends a message too long for a third of the screen."""
SHORTEST_TITLE = 8
"""A file name is shortened to no fewer cells than this; then the line is cut at the end."""


@dataclass(frozen=True)
class BarState:
    playing: bool
    bpm: float
    position: str
    """"03/3F": order entry and line of the playhead; the order entry alone when stopped."""
    pattern: str
    octave: int
    step: int
    instrument: int | None
    key: str
    """"C minor": the scale in force in the pattern ("" for none)."""
    lock: bool
    """Piano keys locked to the scale."""
    chord: str
    """The chord under the cursor, read back from its notes ("" for none)."""
    loop: bool
    follow: bool
    record: bool
    dirty: bool
    title: str
    message: str
    status: str
    link: bool = False
    """Ableton Link on (the editor's preference)."""


def shorten_middle(text: str, width: int) -> str:
    """`a-very-long-song-name.toml` -> `a-very-l…name.toml`: the start and the end (with
    the extension) stay, the middle gives way, so the line keeps one row."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return set_cell_size(text, head) + "…" + _last_cells(text, tail)


def _last_cells(text: str, width: int) -> str:
    out = ""
    for character in reversed(text):
        if cell_len(character + out) > width:
            break
        out = character + out
    return out


PLAY = "PLAY"


def _moved_only(old: BarState, new: BarState) -> bool:
    """Only the playhead's position changed, and by no change of its width."""
    return replace(old, position=new.position) == new and len(old.position) == len(new.position)


def _head(state: BarState, metered: bool) -> Text:
    """The bar's first cells, up to the end of the position (as render writes them)."""
    master = MASTER_TEXT if metered else 0
    return Text(" " * (len(PLAY) + master) + f" {state.bpm:g}bpm Pos {state.position}")


class TransportBar(Widget):
    COMPONENT_CLASSES = {"transport-bar--flag", "transport-bar--message"}  # noqa: RUF012

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state: BarState | None = None
        self.messages: deque[str] = deque(maxlen=LOG_LENGTH)
        """The last messages and player states, oldest first, for the message log."""
        self.master: tuple[int, bool] | None = None
        """The mix's level byte and CLIP while playing (None: no master meter)."""

    def show_master(self, master: tuple[int, bool] | None) -> None:
        """The master meter, right after PLAY: only the cells up to it are redrawn as it
        moves (the whole bar when it appears or goes)."""
        old, self.master = self.master, master
        if old == master:
            return
        if old is None or master is None:
            self.refresh()
        elif master_text(*old) != master_text(*master):
            self.refresh(Region(0, 0, len(PLAY) + MASTER_TEXT, 1))

    def show(self, state: BarState) -> None:
        if state == self.state:
            return
        old, self.state = self.state, state
        if old is not None and _moved_only(old, state):
            # The playhead's step: the cells up to the position, not the bar (Textual
            # writes a row's refreshed cells from the widget's left edge).
            self.refresh(Region(0, 0, _head(state, self.master is not None).cell_len, 1))
            return
        for text, before in (
            (state.message, old.message if old else ""),
            (state.status, old.status if old else ""),
        ):
            shown = visible(text)
            if text and text != before and (not self.messages or self.messages[-1] != shown):
                self.messages.append(shown)
        self._fit_height()
        self.refresh()

    def on_resize(self, _: events.Resize) -> None:
        self._fit_height()

    def _note(self) -> str:
        s = self.state
        return "" if s is None else visible(s.message or s.status)

    def _note_rows(self) -> list[str]:
        """The message wrapped to the width, at most a third of the screen; one that needs
        more ends its last row by pointing at the message log, where it is whole."""
        width, note = self.size.width, self._note()
        if width <= 0 or not note:
            return [note]
        rows = [line.plain for line in Text(note).wrap(self.app.console, width)]
        most = max(1, self.app.size.height // 3 - 1)
        if len(rows) > most:
            rows = rows[:most]
            rows[-1] = set_cell_size(rows[-1], max(0, width - len(MORE))) + MORE
        return rows

    def _fit_height(self) -> None:
        """One row for the transport, and as many as the message takes."""
        if self.size.width <= 0:
            return
        height = 1 + len(self._note_rows())
        if self.styles.height is None or self.styles.height.value != height:
            self.styles.height = height

    def render(self) -> Text:
        s = self.state
        if s is None:
            return Text("")
        flag = self.get_component_rich_style("transport-bar--flag", partial=True)
        instrument = "--" if s.instrument is None else f"{s.instrument:02X}"
        text = Text(end="")
        text.append(PLAY if s.playing else "STOP", style=flag if s.playing else "")
        if self.master is not None:
            text.append(master_text(*self.master), style=flag if self.master[1] else "")
        text.append(f" {s.bpm:g}bpm Pos {s.position} Pat {visible(s.pattern)}")
        text.append(f"  Oct {s.octave} Step {s.step} Ins {instrument} ")
        text.append(f"{s.key} " if s.key else "")
        text.append(f"{s.chord} " if s.chord else "")
        for on, name in (
            (s.lock, "LOCK"),
            (s.loop, "LOOP"),
            (s.follow, "FOLLOW"),
            (s.record, "REC"),
            (s.link, "LINK"),
        ):
            text.append(f" {name}" if on else "", style=flag)
        title = f"{'*' if s.dirty else ''}{visible(s.title)}"
        room = self.size.width - text.cell_len - 2
        text.append("  " + shorten_middle(title, max(room, SHORTEST_TITLE)))
        # The first line never wraps: a long file name must not push the message down.
        text.truncate(self.size.width, overflow="ellipsis")
        note = Text(
            "\n".join(self._note_rows()),
            style=self.get_component_rich_style("transport-bar--message", partial=True),
            end="",
        )
        return Text("\n", end="").join([text, note])
