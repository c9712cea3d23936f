"""The UI's side of the player: transport commands out, playhead and status back.

The UI never keeps time. It sends commands to the player process
(tracker.player.PlayerHandle) and polls it at the display rate for the playhead
and the status line. `PlayerLink` is the small interface the UI needs from a
player; tests pass a recording object with the same methods, and `NoPlayer`
stands in when no player could start (the editor keeps working, silently).
A player that stops under the editor is restarted in the background. What the
player says for the screen (the status line, the playhead and meters shown as
late as a listener hears them) is kept in tracker.ui.player_news.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol, runtime_checkable

from tracker.engine.routing import assign_channels
from tracker.errors import TrackerError
from tracker.files import open_log
from tracker.player.handle import player_log_path
from tracker.player.link import LinkConfig
from tracker.player.protocol import (
    CaptureAudio,
    ChangeFinder,
    Command,
    ControlIn,
    Levels,
    Message,
    Panic,
    Play,
    PlayerFailed,
    Playhead,
    Preview,
    Ready,
    Recorded,
    Refused,
    SetLink,
    SetMute,
    SetThru,
    Status,
    Stop,
    Stopped,
    play_pattern,
)
from tracker.song.model import Song
from tracker.ui.player_news import Heard, PlayerNews
from tracker.ui.player_status import short_note

PREVIEW_SECONDS = 0.5
"""A typed note sounds this long, or until the next one in its track."""


class PlayerLink(Protocol):
    def send(self, command: Command) -> None: ...

    def poll(self) -> Sequence[Message]: ...


@runtime_checkable
class Restartable(Protocol):
    """A player link that can start a new process in place of one that stopped
    (tracker.player.PlayerHandle)."""

    def restart(self) -> Ready: ...


class NoPlayer:
    """The player that is not there: commands go nowhere, the status says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def send(self, command: Command) -> None:
        return None

    def poll(self) -> Sequence[Message]:
        return ()


class Transport:
    """Play, stop, loop, follow the song's edits; and what the player last said."""

    def __init__(
        self,
        link: PlayerLink,
        status: str = "",
        clock: Callable[[], float] = time.monotonic,
        song_dir: Callable[[], Path | None] = lambda: None,
        revision: Callable[[], int] = lambda: -1,
    ) -> None:
        self.link = link
        self.song_dir = song_dir
        """The open song's folder: soundfont paths in the song are relative to it."""
        self.revision = revision
        """The open song's revision (Session.revision): a Play carries the song as it
        is, so `song_edited` must not send that same revision again. Re-sent, it was
        swapped in a line after the start: the programs went out again mid-note and
        a vibrato's bend was never reset (issue 12, case 10)."""
        self.playing = False
        self.loop = False
        self.record = False
        self.link_config: LinkConfig | None = None
        self.news = PlayerNews(status, clock)
        """What the player said, as the screen shows it (the status line, the playhead)."""
        self._sent_revision = -1
        self._player_sound: tuple[object, object] | None = None
        """(instruments, soundfont) of the song the player last got: previews need them."""
        self._changes = ChangeFinder()
        """The song the player last got, pattern by pattern: an edit sends what changed."""
        self.capturing = False
        """An audio capture was asked for and not yet ended (toggle_capture)."""
        self._restarting: _Restart | None = None
        self._thru: tuple[int | None, int] | None = None
        """(instrument, channel) the player echoes MIDI input to, as last told."""

    @property
    def status(self) -> str:
        """The status line's text (PlayerNews.status)."""
        return self.news.status

    @status.setter
    def status(self, text: str) -> None:
        self.news.status = text

    @property
    def bpm(self) -> float | None:
        """The tempo the player last reported."""
        return self.news.bpm

    # The player coming and going

    def set_link(self, config: LinkConfig | None) -> None:
        """The Ableton Link preference, told to the player now and at every (re)start."""
        self.link_config = config
        self._send(SetLink(config))

    def connected(self, link: PlayerLink) -> None:
        """The player process started: say where MIDI and audio go."""
        self.link = link
        audio_out = getattr(getattr(link, "config", None), "audio_out", None)
        self.news.delay_s = getattr(audio_out, "delay_ms", 0.0) / 1000
        if self.link_config is not None:
            self._send(SetLink(self.link_config))
        ready = getattr(link, "ready", None)
        self.news.ready(ready if isinstance(ready, Ready) else None)

    def unavailable(self, reason: str) -> None:
        """No player could start: the editor works on, silently; the log has the details."""
        self.link = NoPlayer(reason)
        self.status = f"No player: {short_note(reason)} (editing works)"
        log_line(f"the player did not start: {reason}")

    def lost(self, reason: str) -> None:
        """The player process stopped under us (killed, crashed): say so, log it, and
        start a new one in the background when the link can (the editor goes on)."""
        log_line(reason)
        self.playing = False
        link = self.link
        self._sent_revision = -1  # the new process has no song yet
        self._thru = None
        self._player_sound = None
        self._changes.forget()
        if isinstance(link, Restartable) and self._restarting is None:
            self._restarting = _Restart(link, link.restart, reason)
            self.link = NoPlayer(reason)
            self.news.tell(f"The player stopped ({short_note(reason)}); restarting it")
        else:
            self.unavailable(reason)

    def _restart_done(self) -> bool:
        """A restart that finished: the new player takes over (or it stays off)."""
        restart = self._restarting
        if restart is None or restart.running:
            return False
        self._restarting = None
        if restart.error is not None:
            self.unavailable(f"{restart.reason}; it did not start again: {restart.error}")
            return True
        self.connected(restart.link)
        self.news.tell(f"The player stopped ({short_note(restart.reason)}) and was restarted")
        return True

    def _send(self, command: Command) -> bool:
        """The one guarded send: a player that has gone is restarted, never a traceback.
        False when the command went nowhere."""
        try:
            self.link.send(command)
        except TrackerError as error:
            self.lost(error.message)
            return False
        return True

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
        revision = self.revision()
        if not self._send(replace(command, song_dir=self.song_dir())):
            return
        self.playing = True
        self._sent_revision = revision
        if command.song is not None:
            self._player_sound = _sound_of(command.song)
            self._changes.sent_whole(command.song)
        else:
            self._changes.forget()

    def stop(self) -> None:
        self._send(Stop())
        self.playing = False

    def preview(
        self,
        song: Song,
        track: int,
        note: int,
        instrument: int | None,
        velocity: int | None = None,
        seconds: float = PREVIEW_SECONDS,
    ) -> None:
        """Sound a typed note on its instrument, routed as the song plays it. The player
        hears of a changed instrument list first, so the note goes where the song would."""
        if not self.available:
            return
        if _sound_of(song) != self._player_sound:
            if not self._send(self._changes.update(song)):
                return
            self._player_sound = _sound_of(song)
        self._send(Preview(track, instrument, note, velocity, seconds))

    def panic(self) -> None:
        """Stop, then all notes off and all sound off everywhere: for a note left hanging."""
        if self._send(Stop()):
            self._send(Panic())
        self.playing = False

    def mute(self, track: int, muted: bool) -> None:
        self._send(SetMute(track, muted))

    def thru_to(self, song: Song, instrument: int | None) -> None:
        """While recording, notes played on the MIDI keyboard sound on the selected
        instrument's channel (and its own port, when it has one), not on the keyboard's:
        told to the player when that changes."""
        if not (self.record and self.available):
            return
        try:
            channel = assign_channels(song).get(instrument, 0) if instrument is not None else 0
        except TrackerError:
            channel = 0  # a channel out of range: the song will not play either; it says why
        if (instrument, channel) != self._thru and self._send(SetThru(channel, instrument)):
            self._thru = (instrument, channel)

    def toggle_capture(self, song_path: Path | None) -> None:
        """The capture key: the mix as it plays into a new .wav beside the song (named
        after it and the time), or that file finished. The player says how it went."""
        if self.capturing:
            self.capturing = not self._send(CaptureAudio(None))
            return
        folder = song_path.parent if song_path is not None else Path.cwd()
        stem = song_path.stem if song_path is not None else "tracker"
        path = folder.absolute() / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}.wav"
        self.capturing = self._send(CaptureAudio(path))

    def song_edited(self, song: Song, revision: int) -> None:
        """While playing, hand the edited song over (at most once per revision)."""
        if self.playing and revision != self._sent_revision:
            if not self._send(self._changes.update(song)):
                return
            self._sent_revision = revision
            self._player_sound = _sound_of(song)

    def poll(self) -> Heard:
        heard = Heard()
        heard.status_changed = self._restart_done()
        news = self.news
        for message in self.link.poll():
            if isinstance(message, Playhead):
                news.playhead(message)
            elif isinstance(message, Status):
                was_playing, self.playing = self.playing, message.playing
                changed = news.status_report(message)
                heard.status_changed |= changed or was_playing != message.playing
            elif isinstance(message, Stopped):
                self.playing = False
                news.stopped()
                heard.status_changed = True
            elif isinstance(message, PlayerFailed):
                self.lost(message.message)
                heard.status_changed = True
            elif isinstance(message, Refused):
                self.playing = False
                self.news.tell(short_note(message.message))
                heard.status_changed = True
                log_line(message.message)
            elif isinstance(message, Recorded) and self.record:
                heard.recorded.append(message)
            elif isinstance(message, ControlIn):
                heard.controls.append(message)
            elif isinstance(message, Levels):
                news.levels(message)
        news.due(heard)
        return heard


class _Restart:
    """A new player process starting on a thread of its own (it takes a moment:
    ports, the synth); the UI thread leaves the link alone until it is done."""

    def __init__(self, link: PlayerLink, restart: Callable[[], object], reason: str) -> None:
        self.link = link
        self._restart = restart
        self.reason = reason
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, name="player-restart", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._restart()
        except TrackerError as error:
            self.error = error.message


def _sound_of(song: Song) -> tuple[object, object]:
    """What decides where a song's notes go: its instruments and its soundfont."""
    return (dict(song.instruments), song.soundfont)


def log_line(text: str) -> None:
    """Add a line to the player log, for the whole story behind a short status line
    (the player process writes its own stderr there too, appending)."""
    with contextlib.suppress(OSError):
        path = player_log_path()
        if path is None:  # no home folder: no log (tracker/paths.py)
            return
        with open(open_log(path), "a", encoding="utf-8") as log:
            log.write(f"{time.strftime('%H:%M:%S')} {text}\n")
