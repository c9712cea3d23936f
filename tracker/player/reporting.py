"""Reporting to the UI: messages wait for a gap before they leave (hand_over), the
playhead is built after its line's sends, and the status (ports, counts, errors)
goes out at its interval or on a change; the ports are looked at in the same gaps.
"""

from __future__ import annotations

import logging

from tracker.engine.clock import NS_PER_S, SPIN_NS
from tracker.midi.names import PortState
from tracker.midi.ports import ManagedOutput
from tracker.player.link import LinkState
from tracker.player.protocol import Message, Notice, Playhead, Status
from tracker.player.sends import Sends
from tracker.player.state import THRU_TRACK

HOUSEKEEPING_GAP_NS = 5_000_000
"""Port-list refreshes only run when the next deadline is at least this far away."""
HAND_OVER_ROOM_NS = SPIN_NS + 2_000_000
"""The outbox thread needs the GIL for a moment: hand over only when the wait ahead
sleeps (releasing it) long enough, never into the spin before a deadline."""
HAND_OVER_MAX_WAIT_NS = 50_000_000

log = logging.getLogger(__name__)


class Reporting(Sends):
    """What the UI hears: the ports, the status, the playhead, each message in a gap."""

    def open_ports(self) -> None:
        self.wiring.open()
        self.port_state = self.describe_ports()

    def describe_ports(self) -> tuple[tuple[str, PortState], ...]:
        return self.wiring.describe()

    def refresh_ports(self) -> None:
        lost, keyboard_lost = self.wiring.refresh()
        for key in lost:
            self.notes.forget_port(key)
        if keyboard_lost:
            self.flush(THRU_TRACK)  # its note-offs will never come

    def emit_status(self) -> None:
        dropped = sum(p.dropped for p in self.ports.values())
        errors = tuple(self.errors)
        for port in self.ports.values():
            errors += tuple(self.port_notice(port, text) for text in port.errors)
            port.errors.clear()
        self.errors.clear()
        for error in errors:  # the whole story, for ~/.cache/tracker/player.log
            log.warning("%s", error.text)
        self.emit(
            Status(
                self.playing,
                self.paused,
                self.describe_ports(),
                self.counts.sent,
                self.counts.late,
                self.counts.max_late_ns / 1000,
                dropped,
                errors,
                self.audio,
                self.link_state(),
            )
        )

    def port_notice(self, port: ManagedOutput, text: str) -> Notice:
        """What an output's error is about, going by the port and the MIDI system."""
        if self.wiring.no_midi_system:
            return Notice("no_midi_system", text, port=port.label)
        if port.status == "missing":
            return Notice("output_missing", text, port=port.label)
        return Notice("port_error", text, port=port.label)

    def housekeeping(self, now: int) -> None:
        if (
            self.next_item is not None
            and self.deadline_of(self.next_item) - now < HOUSEKEEPING_GAP_NS
        ):
            return
        if now >= self.next_port_poll:
            self.next_port_poll = now + round(self.config.port_poll_s * NS_PER_S)
            self.refresh_ports()
        self.report_levels(now)
        state = self.describe_ports()
        told = self.errors or any(p.errors for p in self.ports.values())
        if now >= self.next_status and (self.playing or state != self.port_state or told):
            self.next_status = now + round(self.config.status_interval_s * NS_PER_S)
            self.port_state = state
            self.emit_status()

    def report_levels(self, now: int) -> None:
        """The meters' frame, while playing (meters.py); stopped, they start afresh
        (the editor clears its own at Stopped)."""
        meters = self.meters
        if not self.playing or self.song is None:
            if meters.at_ns is not None:
                meters.clear()
            return
        if not meters.due(now):
            return
        link = self.wiring.link
        audio = link.take_levels() if link is not None and self.synth is link else None
        levels = meters.frame(now, len(self.song.tracks), self.muted, audio)
        if levels is not None:
            self.emit(levels)

    def link_state(self) -> LinkState | None:
        """The Link session for the status line (player/link_follow.py); None without."""
        return None

    def emit(self, message: Message) -> None:
        if self.playhead_due is not None:
            self.queue_playhead()
        if not self.outgoing:
            self.outgoing_since = self.clock.now_ns()
        self.outgoing.append(message)

    def queue_playhead(self) -> None:
        """The line reached (built here, not at the line mark: the mark's instant is
        for sending)."""
        mark, self.playhead_due = self.playhead_due, None
        if mark is not None:
            self.emit(Playhead(mark.order, mark.line, mark.pattern, mark.bpm / self.scale))

    def hand_over(self, now: int | None = None) -> None:
        """Pass the waiting messages to the UI when the next deadline leaves room for
        the outbox thread's turn (or, at `now=None`, at once)."""
        if not self.outgoing:
            return
        deadline = self.next_deadline()
        if now is not None and deadline is not None:
            room = deadline - now
            if room < HAND_OVER_ROOM_NS and now - self.outgoing_since < HAND_OVER_MAX_WAIT_NS:
                return
        for message in self.outgoing:
            self._emit(message)
        self.outgoing.clear()
