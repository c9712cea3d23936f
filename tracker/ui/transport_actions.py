"""What the transport keys do in the editor: play the song, the pattern or from the
cursor (or as soon as a starting player is ready), stop, panic, and the loop, follow,
record, capture and Ableton Link switches."""

from __future__ import annotations

from collections.abc import Callable

from tracker.player.link import LinkConfig
from tracker.song.model import Song
from tracker.ui.files.actions import FileActions
from tracker.ui.pattern.editor import PatternEditor
from tracker.ui.player_link import Transport
from tracker.ui.preferences import Preferences, save_preferences

STARTING = "Starting the player…"
"""The status while a player starts: a play asked for then waits for it."""


class TransportActions(FileActions):
    transport: Transport
    editor: PatternEditor
    _play_when_ready: Callable[[Song], None] | None

    def update_bar(self) -> None:
        raise NotImplementedError

    def _play(self, start: Callable[[Song], None]) -> None:
        if not self.transport.available:
            if self.transport.status == STARTING:
                self._play_when_ready = start
                self.say(f"{STARTING} it plays as soon as it is ready")
                return
            self.say(self.transport.status or "No player: playback is off")
            return
        start(self.session.song)
        self.transport.song_edited(self.session.song, self.session.revision)
        self.update_bar()

    def action_play_stop(self) -> None:
        if self.transport.playing:
            self.action_stop()
        else:
            self.action_play_song()

    def action_play_song(self) -> None:
        self._play(self.transport.play_song)

    def action_play_pattern(self) -> None:
        self._play(lambda song: self.transport.play_pattern(song, self.editor.order))

    def action_play_from_cursor(self) -> None:
        order, line = self.editor.order, self.editor.cursor.line
        self._play(lambda song: self.transport.play_from(song, order, line))

    def action_stop(self) -> None:
        self._play_when_ready = None
        self.transport.stop()
        self.update_bar()

    def action_panic(self) -> None:
        self.transport.panic()
        self.say("Panic: all notes and sound off")

    def action_toggle_loop(self) -> None:
        self.transport.loop = not self.transport.loop
        self.update_bar()

    def action_toggle_follow(self) -> None:
        self.editor.follow = not self.editor.follow
        self.update_bar()

    def action_toggle_link(self) -> None:
        on = self.transport.link_config is None
        self.transport.set_link(LinkConfig() if on else None)
        problem = save_preferences(Preferences(link=on))
        said = "Ableton Link on: the next play joins the session" if on else "Ableton Link off"
        self.say(f"{said} ({problem})" if problem else said)
        self.update_bar()

    def action_toggle_record(self) -> None:
        self.transport.record = not self.transport.record
        self.update_bar()

    def action_toggle_capture(self) -> None:
        self.transport.toggle_capture(self.session.path)
        self.update_bar()
