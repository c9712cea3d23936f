"""A TrackerApp for Pilot tests, a recording player, and the status line's second line.

`RecordingPlayer` is a seam standing in for tracker.player.PlayerHandle (whose
process needs MIDI ports): it implements the same two methods the UI uses,
keeps every command the app sent, and hands back messages a test queues, the
way the player process would report its playhead and status.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from tracker.player.protocol import Command, Message
from tracker.song.model import Song
from tracker.ui.app import TrackerApp


class RecordingPlayer:
    def __init__(self) -> None:
        self.sent: list[Command] = []
        self.replies: list[Message] = []

    def send(self, command: Command) -> None:
        self.sent.append(command)

    def poll(self) -> Sequence[Message]:
        replies, self.replies = self.replies, []
        return replies

    def sent_of(self, kind: type) -> list[Command]:
        return [c for c in self.sent if isinstance(c, kind)]


def make_app(
    song: Song, path: Path | None = None, player: RecordingPlayer | None = None
) -> TrackerApp:
    return TrackerApp(song, path, player=player or RecordingPlayer())


def shown_rows(widget: Widget) -> list[str]:
    """The text a widget shows on screen now, row by row (as a terminal would show it)."""
    width, height = widget.size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


def second_line(app: TrackerApp) -> str:
    return app.bar.render().plain.split("\n")[1]


async def written(pilot: Pilot[int]) -> None:
    """Wait until the saves and autosaves under way are on disk and the app has heard
    (they are written on worker threads)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
