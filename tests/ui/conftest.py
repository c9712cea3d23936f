"""Pilot fixtures: a TrackerApp on a song written in tracker notation, and a recording player.

`RecordingPlayer` is a seam standing in for tracker.player.PlayerHandle (whose
process needs MIDI ports): it implements the same two methods the UI uses,
keeps every command the app sent, and hands back messages a test queues, the
way the player process would report its playhead and status.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Sequence
from pathlib import Path

import pytest

from tracker.player.protocol import Command, Message
from tracker.song.model import Song
from tracker.ui.app import TrackerApp


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests on a fresh event loop (Pilot is async; no plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    wanted = inspect.signature(pyfuncitem.obj).parameters
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in wanted}))
    return True


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


@pytest.fixture
def player() -> RecordingPlayer:
    return RecordingPlayer()


def make_app(
    song: Song, path: Path | None = None, player: RecordingPlayer | None = None
) -> TrackerApp:
    return TrackerApp(song, path, player=player or RecordingPlayer())
