"""The mixer: a strip per track (volume, pan, reverb and chorus sends, mute, solo), a row each.

Up and Down choose the track, Left and Right the setting; + and - move it a step,
PgUp and PgDn a big step, Enter types a value, Delete puts it back (0 dB, centre,
send off). Every change is one undo step through the session, and the player hears
it from the line it lands on (engine/mixer.py), so hardware follows the same mix.

The title line shows the song's master settings (gain, loudness target, true-peak
ceiling), which G edits in a dialog; the render applies them (audio/master.py).

The mixer takes the pattern editor's place while it has the keyboard: a strip
needs more room than the side column has. The right end of each row is kept for
a live level meter (`meter`), which needs the audio engine's levels first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual.message import Message

from tracker.engine.routing import audible_tracks
from tracker.song.edit import Edit, SetTrackMixer, ToggleTrackFlag
from tracker.song.edit.mixer import SETTINGS, Setting, describe, parse_setting, shown
from tracker.song.model import Track
from tracker.text import visible
from tracker.ui import keymap
from tracker.ui.panels.list_panel import ListPanel
from tracker.ui.screens.dialogs import FormDialog
from tracker.ui.screens.forms import master_fields, master_parser

Column = Setting | Literal["mute", "solo"]
COLUMNS: tuple[Column, ...] = (*SETTINGS, "mute", "solo")
STEP: dict[Setting, float] = {"volume_db": 1.0, "pan": 1, "reverb": 1, "chorus": 1}
"""What + and - move a setting by."""
BIG_STEP: dict[Setting, float] = {"volume_db": 6.0, "pan": 16, "reverb": 16, "chorus": 16}
"""What PgUp and PgDn move it by."""
NAME_WIDTH = 12
WIDTHS: dict[Column, int] = {
    "volume_db": 8,
    "pan": 4,
    "reverb": 4,
    "chorus": 4,
    "mute": 1,
    "solo": 1,
}
HEADINGS: dict[Column, str] = {
    "volume_db": "Volume",
    "pan": "Pan",
    "reverb": "Rev",
    "chorus": "Cho",
    "mute": "M",
    "solo": "S",
}
METER_WIDTH = 8
"""Room kept at the right of each strip for its level meter."""


class MixerPanel(ListPanel):
    BINDINGS = keymap.bindings("mixer")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *ListPanel.COMPONENT_CLASSES,
        "mixer-panel--heading",
        "mixer-panel--muted",
        "mixer-panel--field",
    }
    title = "Mixer"
    column = 0
    """Which of COLUMNS the keys change."""

    @dataclass
    class Muted(Message):
        """Mute or solo changed: which tracks are heard now (the player hears it at once)."""

        heard: set[int]

    def rows(self) -> list[str]:
        return [track.name for track in self.session.song.tracks]

    @property
    def track(self) -> int:
        return max(0, min(self.index, len(self.session.song.tracks) - 1))

    @property
    def setting(self) -> Setting | None:
        """The strip setting under the cursor; None on mute and solo."""
        return SETTINGS[self.column] if self.column < len(SETTINGS) else None

    @property
    def flag(self) -> Literal["mute", "solo"]:
        """On mute or solo: which."""
        return "mute" if self.column == len(SETTINGS) else "solo"

    # -- drawing --------------------------------------------------------------------

    def meter(self, track: int) -> str:
        """The track's live level, METER_WIDTH wide: blank until the audio engine
        reports levels per track (the mixer then draws them here)."""
        return " " * METER_WIDTH

    def master_line(self) -> str:
        """The song's master settings, beside the title (the render applies them)."""
        master = self.session.song.master
        target = "off" if master.loudness is None else f"{master.loudness:g} LUFS"
        gain = f"{master.gain_db:+.1f}" if master.gain_db else "0.0"
        return f"   Master {gain} dB  target {target}  ceiling {master.true_peak:g} dBTP"

    def render(self) -> Text:
        tracks = self.session.song.tracks
        self.index = self.track
        style = self.get_component_rich_style
        text = Text(self.title, style=style("list-panel--title", partial=True), end="")
        text.append(self.master_line()[: max(0, self.size.width - len(self.title))])
        heading = "    " + "Track".ljust(NAME_WIDTH)
        for column in COLUMNS:
            heading += " " + HEADINGS[column].rjust(WIDTHS[column])
        text.append("\n" + heading[: self.size.width], style=style("mixer-panel--heading"))
        height = max(1, self.size.height - 2)
        top = max(0, min(self.index - height // 2, len(tracks) - height))
        for row in range(top, min(len(tracks), top + height)):
            text.append("\n")
            text.append_text(self._strip(row, tracks[row]))
        return text

    def _strip(self, row: int, track: Track) -> Text:
        looks = self.get_component_rich_style
        base: Style = looks("list-panel--row", partial=True)
        if track.mute:
            base = base + looks("mixer-panel--muted", partial=True)
        current = row == self.index
        mark = ">" if current else " "
        line = Text(f"{mark}{row + 1:02d} {visible(track.name)[:NAME_WIDTH]:<{NAME_WIDTH}}", base)
        for index, column in enumerate(COLUMNS):
            cell = _cell(track, column).rjust(WIDTHS[column])
            style = base
            if current and index == self.column and self.has_focus:
                style = base + looks("mixer-panel--field", partial=True)
            line.append(" ")
            line.append(cell, style)
        line.append(" " + self.meter(row), base)
        line.truncate(self.size.width)
        return line

    # -- keys -----------------------------------------------------------------------

    def action_field(self, delta: int) -> None:
        self.column = max(0, min(len(COLUMNS) - 1, self.column + delta))
        self.refresh()

    def action_step(self, steps: int) -> None:
        self._move(steps, STEP)

    def action_big_step(self, steps: int) -> None:
        self._move(steps, BIG_STEP)

    def _move(self, steps: int, sizes: dict[Setting, float]) -> None:
        setting = self.setting
        if setting is None:
            self._toggle(self.flag)
            return
        track = self.session.song.tracks[self.track]
        value = getattr(track, setting)
        was = 0 if value is None else value
        self._set(setting, was + steps * sizes[setting])

    def action_reset(self) -> None:
        setting = self.setting
        if setting is None:
            if getattr(self.session.song.tracks[self.track], self.flag):
                self._toggle(self.flag)
            return
        self._set(setting, {"volume_db": 0.0, "pan": 0, "reverb": None, "chorus": None}[setting])

    def action_type_value(self) -> None:
        setting = self.setting
        if setting is None:
            self._toggle(self.flag)
            return
        index = self.track
        track = self.session.song.tracks[index]
        what = describe(setting).capitalize()
        hint = {
            "volume_db": "dB, -60 to 4",
            "pan": "L64 .. C .. R63",
            "reverb": "0-127, off",
            "chorus": "0-127, off",
        }[setting]
        value = getattr(track, setting)
        offered = "off" if value is None else shown(setting, value).removesuffix(" dB")

        def parse(values: dict[str, str]) -> Edit:
            return SetTrackMixer(index, setting, parse_setting(setting, values["value"]))

        def done(command: Edit | None) -> None:
            if command is not None:
                self.apply(command)

        title = f"{what}, track {index + 1} {visible(track.name)}"
        self.app.push_screen(
            FormDialog(title, [("value", f"{what} ({hint})", offered)], parse), done
        )

    def action_master(self) -> None:
        song = self.session.song

        def done(command: Edit | None) -> None:
            if command is not None:
                self.apply(command)

        dialog = FormDialog("Master", master_fields(song.master), master_parser(song))
        self.app.push_screen(dialog, done)

    def action_mute(self) -> None:
        self._toggle("mute")

    def action_solo(self) -> None:
        self._toggle("solo")

    def _set(self, setting: Setting, value: float | None) -> None:
        self.apply(SetTrackMixer(self.track, setting, value))

    def _toggle(self, flag: Literal["mute", "solo"]) -> None:
        if self.apply(ToggleTrackFlag(self.track, flag)):
            self.post_message(self.Muted(audible_tracks(self.session.song)))


def _cell(track: Track, column: Column) -> str:
    if column == "mute":
        return "M" if track.mute else "."
    if column == "solo":
        return "S" if track.solo else "."
    return shown(column, getattr(track, column))
