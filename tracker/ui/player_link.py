"""The UI's side of the player: transport commands out, playhead and status back.

The UI never keeps time. It sends commands to the player process
(tracker.player.PlayerHandle) and polls it at the display rate for the playhead
and the status line. `PlayerLink` is the small interface the UI needs from a
player; tests pass a recording object with the same methods, and `NoPlayer`
stands in when no player could start (the editor keeps working, silently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from tracker.player import (
    Command,
    Message,
    Play,
    PlayerFailed,
    Playhead,
    Recorded,
    SetMute,
    Status,
    Stop,
    Stopped,
    UpdateSong,
    play_pattern,
)
from tracker.song.model import Song


class PlayerLink(Protocol):
    def send(self, command: Command) -> None: ...

    def poll(self) -> Sequence[Message]: ...


class NoPlayer:
    """The player that is not there: commands go nowhere, the status says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def send(self, command: Command) -> None:
        return None

    def poll(self) -> Sequence[Message]:
        return ()


@dataclass
class Heard:
    """What one poll brought back, already reduced to what the screen needs."""

    playhead: Playhead | None = None
    """The latest playhead only: a burst of them collapses to the last."""
    status_changed: bool = False
    recorded: list[Recorded] = field(default_factory=list)


class Transport:
    """Play, stop, loop, follow the song's edits; and what the player last said."""

    def __init__(self, link: PlayerLink, status: str = "") -> None:
        self.link = link
        self.playing = False
        self.loop = False
        self.record = False
        self.status = status
        self.bpm: float | None = None
        self._sent_revision = -1
        self.previews: list[tuple[int, int, int | None]] = []

    def play_song(self, song: Song) -> None:
        self._play(Play(song=song, loop=self.loop))

    def play_pattern(self, song: Song, order: int) -> None:
        self._play(play_pattern(song, order))

    def play_from(self, song: Song, order: int, line: int) -> None:
        self._play(Play(song=song, start_order=order, start_line=line, loop=self.loop))

    @property
    def available(self) -> bool:
        return not isinstance(self.link, NoPlayer)

    def _play(self, command: Play) -> None:
        if not self.available:
            return  # nothing would sound; the status line says why
        self.link.send(command)
        self.playing = True

    def stop(self) -> None:
        self.link.send(Stop())
        self.playing = False

    def preview(self, track: int, note: int, instrument: int | None) -> None:
        """Sound a typed note. A seam: tracker.player has no single-note command yet,
        so this records the request (`previews`) and sends nothing."""
        self.previews.append((track, note, instrument))

    def mute(self, track: int, muted: bool) -> None:
        self.link.send(SetMute(track, muted))

    def song_edited(self, song: Song, revision: int) -> None:
        """While playing, hand the edited song over (at most once per revision)."""
        if self.playing and revision != self._sent_revision:
            self.link.send(UpdateSong(song))
            self._sent_revision = revision

    def poll(self) -> Heard:
        heard = Heard()
        for message in self.link.poll():
            if isinstance(message, Playhead):
                heard.playhead = message
                self.bpm = message.bpm
            elif isinstance(message, Status):
                heard.status_changed |= self._take_status(message)
            elif isinstance(message, Stopped):
                self.playing = False
                heard.status_changed = True
            elif isinstance(message, PlayerFailed):
                self.status = message.message
                heard.status_changed = True
            elif isinstance(message, Recorded) and self.record:
                heard.recorded.append(message)
        return heard

    def _take_status(self, status: Status) -> bool:
        ports = ", ".join(f"{name} {state}" for name, state in status.ports)
        text = "; ".join([ports or "no ports", *status.errors])
        changed = (text, status.playing) != (self.status, self.playing)
        self.status, self.playing = text, status.playing
        return changed
