"""Track edits from the pattern editor: mute and solo, the track settings dialog (with
the track's loop in the pattern shown), adding and removing tracks. Each reshapes the
grid, so the layout is worked out again after it."""

from __future__ import annotations

from typing import Literal

from tracker.song.edit import AddTrack, Command, RemoveTrack, ToggleTrackFlag
from tracker.ui.pattern.composing import ComposingView
from tracker.ui.screens.dialogs import FormDialog
from tracker.ui.screens.forms import track_fields, track_parser


class TrackActions(ComposingView):
    # Hooks the PatternEditor fills in (its messages to the app)

    def _tell_muted(self, track: int, muted: bool) -> None:
        raise NotImplementedError

    def _tell_edited(self) -> None:
        raise NotImplementedError

    def action_mute(self) -> None:
        self._toggle("mute")

    def action_solo(self) -> None:
        self._toggle("solo")

    def _toggle(self, flag: Literal["mute", "solo"]) -> None:
        track = self.cursor.track
        if self._edit(ToggleTrackFlag(track, flag), range(0)):
            self.refresh_line(0)
            song_tracks = self.song.tracks
            for index, t in enumerate(song_tracks):
                self._tell_muted(index, t.mute or (any(o.solo for o in song_tracks) and not t.solo))

    def action_track_settings(self) -> None:
        index = self.cursor.track
        song = self.song
        part = self.pattern.tracks[index]
        dialog = FormDialog(
            f"Track {index + 1} (loop: in pattern {self.pattern_name})",
            track_fields(song.tracks[index], part),
            track_parser(song, index, self.pattern_name),
        )

        def done(command: Command | None) -> None:
            if command is not None:
                self._reshape(command)

        self.app.push_screen(dialog, done)

    def action_add_track(self) -> None:
        self._reshape(AddTrack(self.cursor.track + 1))

    def action_remove_track(self) -> None:
        self._reshape(RemoveTrack(self.cursor.track))

    def _reshape(self, command: Command) -> None:
        """An edit that changes the tracks' shape: the layout is worked out again."""
        if self.session.do(command):
            self.song_reshaped()
            self._tell_edited()
        else:
            self.say(self.session.message)
