"""The status bar: transport, position, entry settings on one line; messages and ports on the next.

It redraws only when its text changes, so a cursor move costs nothing here.
Every message the editor says (a file error quoting a name, a port the player
cannot find) is drawn here, so this is where outside text goes through `visible`:
once, for every message path.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from tracker.text import visible


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
    loop: bool
    follow: bool
    record: bool
    dirty: bool
    title: str
    message: str
    status: str
    link: bool = False
    """Ableton Link on (the editor's preference)."""


class TransportBar(Widget):
    COMPONENT_CLASSES = {"transport-bar--flag", "transport-bar--message"}  # noqa: RUF012

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state: BarState | None = None

    def show(self, state: BarState) -> None:
        if state != self.state:
            self.state = state
            self.refresh()

    def render(self) -> Text:
        s = self.state
        if s is None:
            return Text("")
        flag = self.get_component_rich_style("transport-bar--flag", partial=True)
        instrument = "--" if s.instrument is None else f"{s.instrument:02X}"
        text = Text(end="")
        text.append("PLAY" if s.playing else "STOP", style=flag if s.playing else "")
        text.append(f" {s.bpm:g}bpm Pos {s.position} Pat {visible(s.pattern)}")
        text.append(f"  Oct {s.octave} Step {s.step} Ins {instrument} ")
        flags = ((s.loop, "LOOP"), (s.follow, "FOLLOW"), (s.record, "REC"), (s.link, "LINK"))
        for on, name in flags:
            text.append(f" {name}" if on else "", style=flag)
        text.append(f"  {'*' if s.dirty else ''}{visible(s.title)}")
        second = Text(
            visible(s.message or s.status),
            style=self.get_component_rich_style("transport-bar--message", partial=True),
            end="",
        )
        # Each line is cut to the width itself: a long file name must not wrap onto the
        # second line and hide the message there.
        for line in (text, second):
            line.truncate(self.size.width, overflow="ellipsis")
        return Text("\n", end="").join([text, second])
