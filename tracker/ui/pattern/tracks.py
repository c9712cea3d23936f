"""Track edits from the pattern editor: mute and solo, the track settings dialog (with
the track's loop in the pattern shown), adding and removing tracks. Each reshapes the
grid, so the layout is worked out again after it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Input, Static

from tracker.instruments.model import Device
from tracker.song.edit import AddTrack, Command, RemoveTrack, ToggleTrackFlag
from tracker.text import visible
from tracker.ui.pattern.cc_takes import LaneLearner
from tracker.ui.pattern.composing import ComposingView
from tracker.ui.screens.dialogs import FormDialog
from tracker.ui.screens.forms import track_fields, track_parser

SETTLE_S = 0.15
"""How long a controller 0-31 waits for its LSB partner before it is a plain lane."""


class TrackDialog(FormDialog[Command]):
    """The track settings with MIDI learn: Learn (or Alt+Shift+M) waits for the next
    control moved on the MIDI input and adds the lane it names to the CC lanes, by the
    device map's name where the instrument's device has one; an NRPN or a 14-bit pair
    makes a wide lane (cc_takes.LaneLearner)."""

    BINDINGS = [  # noqa: RUF012
        Binding("alt+shift+m", "learn", "Learn a CC lane", show=False, priority=True),
    ]
    EXTRA_KEYS = "\nAlt+Shift+M: learn a CC lane from the MIDI input"

    def __init__(
        self,
        title: str,
        fields: list[tuple[str, str, str]],
        parse: Callable[[dict[str, str]], Command],
        device: Device | None,
    ) -> None:
        super().__init__(title, fields, parse)
        self.device = device
        self.learner: LaneLearner | None = None

    def compose_extra(self) -> ComposeResult:
        yield Button("Learn a CC lane", id="learn-cc", compact=True, action="screen.learn")
        yield Static("", id="learn-state", markup=False)

    def action_learn(self) -> None:
        self.learner = LaneLearner(self.device)
        self.query_one("#learn-state", Static).update("Learning: move a control on the MIDI input")

    def take_control(self, controller: int, value: int) -> None:
        """A control moved on the MIDI input (while learning)."""
        if self.learner is None:
            return
        lane = self.learner.feed(controller, value)
        if lane is not None:
            self._learned(lane)
        elif self.learner.pending is not None:
            self.set_timer(SETTLE_S, self._settle)

    def _settle(self) -> None:
        lane = self.learner.settle() if self.learner is not None else None
        if lane is not None:
            self._learned(lane)

    def _learned(self, lane: str) -> None:
        self.learner = None
        field = self.query_one("#field-cc", Input)
        lanes = [name.strip() for name in field.value.split(",") if name.strip()]
        if lane not in lanes:
            field.value = ", ".join([*lanes, lane])
        self.query_one("#learn-state", Static).update(visible(f"Learned: {lane}"))


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
            if flag == "mute":
                self.refresh()  # a muted track's notes are greyed on every line, not only named
            else:
                self.refresh_line(0)
            song_tracks = self.song.tracks
            for index, t in enumerate(song_tracks):
                self._tell_muted(index, t.mute or (any(o.solo for o in song_tracks) and not t.solo))

    def action_track_settings(self) -> None:
        index = self.cursor.track
        song = self.song
        part = self.pattern.tracks[index]
        dialog = TrackDialog(
            f"Track {index + 1} (loop: in pattern {self.pattern_name})",
            track_fields(song.tracks[index], part),
            track_parser(song, index, self.pattern_name),
            self.learn_device(),
        )

        def done(command: Command | None) -> None:
            if command is not None:
                self._reshape(command)

        self.app.push_screen(dialog, done)

    def learn_device(self) -> Device | None:
        raise NotImplementedError  # the editor's: the current instrument's device

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
