"""The Textual App: lays out the panels, wires their messages, runs the transport and the file.

Widgets own their actions (the pattern editor edits, the order list arranges);
the app keeps what spans them: undo, transport, files, help, the status bar.
Timers poll the player at the display rate, autosave, and watch the file on disk.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Keymap
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tracker.errors import TrackerError
from tracker.player.link import LinkConfig
from tracker.song.edit import Command
from tracker.song.model import Song
from tracker.ui import keymap
from tracker.ui.files.song_file import SongFile
from tracker.ui.meters import MeterDisplay
from tracker.ui.panels.instruments_panel import InstrumentsPanel
from tracker.ui.panels.list_panel import ListPanel
from tracker.ui.panels.mixer_panel import MixerPanel
from tracker.ui.panels.order_list import OrderList
from tracker.ui.panels.pattern_list import PatternList
from tracker.ui.panels.side import SideColumn
from tracker.ui.panels.transport_bar import BarState, TransportBar
from tracker.ui.pattern.editor import PatternEditor
from tracker.ui.player_link import NoPlayer, PlayerLink, Transport
from tracker.ui.preferences import load_preferences
from tracker.ui.screens.dialogs import FormDialog
from tracker.ui.screens.forms import SETTINGS_CHOICES, settings_fields, settings_parser
from tracker.ui.screens.help_screen import HelpScreen
from tracker.ui.screens.message_log import MessageLog
from tracker.ui.session import Session
from tracker.ui.transport_actions import STARTING, TransportActions

HANG_UP_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
"""Signals that end the editor the way a hang-up does (FileActions.hang_up). SIGINT comes
from outside only (`kill -INT`): in the UI, Ctrl+C is the copy key, not a signal."""
FRAME_RATE = 30
AUTOSAVE_SECONDS = 5.0
DISK_CHECK_SECONDS = 2.0


class TrackerApp(TransportActions):
    CSS_PATH = "tracker.tcss"
    BINDINGS = keymap.bindings("app")
    TITLE = "tracker"

    def __init__(
        self,
        song: Song,
        path: Path | None,
        player: PlayerLink | None = None,
        start_player: Callable[[], PlayerLink] | None = None,
        keys: dict[str, str] | None = None,
    ) -> None:
        """`player` is used as it is; `start_player` is called in a thread after the screen shows.
        `keys` overrides bindings by id (keymap.load_overrides)."""
        super().__init__(ansi_color=True)  # the terminal's own 16 colours, short escape codes
        self.session = Session(song, path)
        self.file = SongFile(self.session)
        self.transport = Transport(
            player or NoPlayer("no player"),
            "" if player else "No player",
            song_dir=lambda: self.session.path.parent if self.session.path else None,
            revision=lambda: self.session.revision,
        )
        self.start_player = start_player
        self._play_when_ready: Callable[[Song], None] | None = None
        """A play asked for before the player process was up."""
        self.editor = PatternEditor(self.session, id="pattern")
        self.orders = OrderList(self.session, id="orders")
        self.patterns = PatternList(self.session, id="patterns")
        self.instruments = InstrumentsPanel(self.session, id="instruments")
        self.mixer = MixerPanel(self.session, id="mixer")
        self.side = SideColumn(self.orders, self.patterns, self.instruments, id="side")
        self.bar = TransportBar(id="transport")
        self.meters = MeterDisplay(self.editor, self.bar)
        self.user_keys = keys or {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield self.editor
            yield self.mixer
            yield self.side
        yield self.bar

    def on_mount(self) -> None:
        if self.user_keys:
            self.set_keymap(self.user_keys)
        if load_preferences().link:  # told to the player when it is ready
            self.transport.link_config = LinkConfig()
        self.editor.focus()
        self.side.fit(self.size.width)
        self.instruments.set_current(self.editor.instrument)
        self.update_bar()
        self.set_interval(1 / FRAME_RATE, self.poll_player)
        self.set_interval(AUTOSAVE_SECONDS, self.autosave_in_background)
        self.set_interval(DISK_CHECK_SECONDS, self.check_disk)
        if self.start_player is not None:
            self.transport.status = STARTING
            self.run_worker(self.start_player, thread=True, name="player", exit_on_error=False)
        self.start_file()
        loop = asyncio.get_running_loop()
        for signal_number in HANG_UP_SIGNALS:
            loop.add_signal_handler(signal_number, self.hang_up, signal_number)

    def set_keymap(self, keymap: Keymap) -> None:
        """Textual's bindings take the overrides, and so does the editor, which runs its
        keys itself (keymap.key_actions)."""
        super().set_keymap(keymap)
        self.user_keys = dict(keymap)
        self.editor.use_keys(self.user_keys)

    def update_keymap(self, keymap: Keymap) -> None:
        super().update_keymap(keymap)
        self.user_keys = {**self.user_keys, **keymap}
        self.editor.use_keys(self.user_keys)

    def on_unmount(self) -> None:
        self.close_file()
        loop = asyncio.get_running_loop()
        for signal_number in HANG_UP_SIGNALS:
            loop.remove_signal_handler(signal_number)

    # Status

    def update_bar(self) -> None:
        editor, transport, song = self.editor, self.transport, self.session.song
        # While stopped the position is the order entry only: the grid shows the cursor's
        # line, and a bar that changed on every cursor move would cost bytes per keystroke.
        if transport.playing and editor.playhead is not None:
            position = f"{editor.playhead_order:02X}/{editor.playhead:02X}"
        else:
            position = f"{editor.order:02X}"
        self.bar.show(
            BarState(
                playing=transport.playing,
                bpm=transport.bpm if transport.playing and transport.bpm else song.bpm,
                position=position,
                pattern=editor.pattern_name,
                octave=editor.octave,
                step=editor.step,
                instrument=editor.instrument,
                key=editor.key_name(),
                lock=editor.scale_lock,
                chord=editor.chord_name(),
                loop=transport.loop,
                follow=editor.follow,
                record=transport.record,
                dirty=self.session.dirty,
                title=self.session.path.name if self.session.path else song.title,
                message=self.session.message,
                status=transport.status,
                link=transport.link_config is not None,
            )
        )

    def say(self, text: str) -> None:
        self.session.message = text
        self.update_bar()

    # Messages from the panels

    def on_pattern_editor_settings_changed(self, _: PatternEditor.SettingsChanged) -> None:
        self.instruments.set_current(self.editor.instrument)
        self.update_bar()

    def on_pattern_editor_edited(self, _: PatternEditor.Edited) -> None:
        """A note or block edit: the side panels do not show cells, so only the bar may change."""
        self.update_bar()

    def on_pattern_editor_preview(self, message: PatternEditor.Preview) -> None:
        self.transport.preview(
            self.session.song, message.track, message.note, message.instrument, message.velocity
        )

    def on_pattern_editor_muted(self, message: PatternEditor.Muted) -> None:
        self.transport.mute(message.track, message.muted)
        self.update_bar()

    def on_resize(self, event: events.Resize) -> None:
        self.side.fit(event.size.width)

    def on_list_panel_edited(self, _: ListPanel.Edited) -> None:
        self._after_history()

    def on_list_panel_back(self, _: ListPanel.Back) -> None:
        self.show_mixer(False)
        self.editor.focus()

    def on_mixer_panel_muted(self, message: MixerPanel.Muted) -> None:
        for track in range(len(self.session.song.tracks)):
            self.transport.mute(track, track not in message.heard)
        self.update_bar()

    def on_order_list_chosen(self, message: OrderList.Chosen) -> None:
        song = self.session.song
        if 0 <= message.order < len(song.order):
            self.editor.show_pattern(song.order[message.order], message.order)

    def on_pattern_list_chosen(self, message: PatternList.Chosen) -> None:
        song = self.session.song
        order = song.order.index(message.name) if message.name in song.order else None
        self.editor.show_pattern(message.name, order)

    def on_instruments_panel_chosen(self, message: InstrumentsPanel.Chosen) -> None:
        self.editor.instrument = message.number
        self.instruments.set_current(message.number)
        self.update_bar()

    def on_instruments_panel_audition(self, message: InstrumentsPanel.Audition) -> None:
        self.transport.preview(self.session.song, self.editor.cursor.track, 60, message.number)

    # The player

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "player":
            return
        if event.state is WorkerState.SUCCESS and event.worker.result is not None:
            self.transport.connected(event.worker.result)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            self.transport.unavailable(
                error.message if isinstance(error, TrackerError) else str(error)
            )
        else:
            return
        if self.session.message.startswith(STARTING):
            self.session.message = ""
        waiting, self._play_when_ready = self._play_when_ready, None
        if waiting is not None and self.transport.available:
            waiting(self.session.song)  # Space pressed while the player was starting
            self.transport.song_edited(self.session.song, self.session.revision)
        self.update_bar()

    def poll_player(self) -> None:
        """At the display rate: hand over edits, then show what the player said."""
        transport = self.transport
        transport.song_edited(self.session.song, self.session.revision)
        heard = transport.poll()
        if heard.playhead is not None:
            self.editor.set_playhead(
                heard.playhead.pattern, heard.playhead.line, heard.playhead.order
            )
            self.orders.set_playing(heard.playhead.order)
        elif not transport.playing and self.editor.playhead is not None:
            self.editor.set_playhead(None, None, None)
            self.orders.set_playing(None)
        for note in heard.recorded:
            self.editor.record_note(note.note, note.velocity, note.order, note.line)
        recording = transport.record and transport.playing
        for moved in heard.controls:
            at = (moved.order, moved.line)
            self.editor.take_control((moved.channel, moved.controller, moved.value), at, recording)
        if not recording:
            self.editor.finish_cc_take()  # a take ends when recording or playback does
        transport.thru_to(self.session.song, self.editor.instrument)
        self.meters.show(transport.playing, heard.levels)
        if heard.playhead is not None or heard.status_changed:
            self.update_bar()

    # Editing across panels

    def _after_history(self) -> None:
        self.editor.song_reshaped()
        self.side.fit(self.size.width)
        for panel in (self.orders, self.patterns, self.instruments, self.mixer):
            panel.refresh()
        self.update_bar()

    def action_undo(self) -> None:
        self.session.undo()
        self._after_history()

    def action_redo(self) -> None:
        self.session.redo()
        self._after_history()

    def action_settings(self) -> None:
        song, path = self.session.song, self.session.path
        parse = settings_parser(song, path.parent if path else None)
        dialog = FormDialog("Song settings", settings_fields(song), parse, SETTINGS_CHOICES)

        def done(command: Command | None) -> None:
            if command is not None:
                self.session.do(command)
                self._after_history()

        self.push_screen(dialog, done)

    def action_next_panel(self) -> None:
        """The next panel on screen (a hidden side column is skipped)."""
        panels: list[Widget] = [self.editor]
        if self.side.display:
            panels += [self.orders, self.patterns, self.instruments]
        panels.append(self.mixer)
        current = next((i for i, p in enumerate(panels) if p.has_focus), -1)
        following = panels[(current + 1) % len(panels)]
        self.show_mixer(following is self.mixer)
        following.focus()

    def action_mixer(self) -> None:
        """The mixer in the pattern's place, or the pattern back."""
        showing = not self.mixer.has_focus
        self.show_mixer(showing)
        (self.mixer if showing else self.editor).focus()

    def show_mixer(self, shown: bool) -> None:
        """The mixer and the pattern editor share the main area: one shows at a time."""
        self.mixer.display = shown
        self.editor.display = not shown

    def action_side_panel(self) -> None:
        """Full, compact, hidden: the keys never stay in a panel that is not on screen."""
        if self.side.next_mode(self.size.width) == "hidden":
            self.editor.focus()

    def action_redraw(self) -> None:
        self.screen.refresh(repaint=True)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_message_log(self) -> None:
        if not isinstance(self.screen, MessageLog):
            self.push_screen(MessageLog(self.bar.messages))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette (Ctrl+P) finds every action of the key map."""
        yield from super().get_system_commands(screen)
        targets = {
            "app": self,
            "pattern": self.editor,
            "orders": self.orders,
            "patterns": self.patterns,
            "instruments": self.instruments,
            "mixer": self.mixer,
        }
        for key in keymap.KEYMAP:
            help_text = f"{key.group}: {keymap.key_display(key.keys)}"
            yield SystemCommand(
                key.description,
                help_text,
                partial(self.call_later, self.run_action, key.action, targets[key.scope]),
            )
