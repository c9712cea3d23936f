"""Sending: a port's burst back to back, the owed note-offs, the synth's events, and
the deadline each item leaves at; what was sent and how late is counted once an
instant is over (counts.py).
"""

from __future__ import annotations

from collections.abc import Collection

from tracker.engine.clock import NS_PER_S
from tracker.engine.events import Event, Kind, Timeline
from tracker.midi.encode import event_messages
from tracker.midi.sync import ClockIntro
from tracker.player.state import TransportState
from tracker.player.stream import (
    CLOCK_PORT,
    SYNTH_PORT,
    TURN_PORT,
    Burst,
    Item,
    Prefetched,
    build_stream,
)

LATE_NS = 1_000_000
MAX_LATENESS_SAMPLES = 2_000_000
PREFETCH_ITEMS = 4
"""Items (each a whole burst) made ready ahead: after a burst, the next one at the
same instant (the clock's, another port's) is a pop, not a build."""


class Sends(TransportState):
    """Sending, and the deadlines sends keep."""

    def send_now(self, key: str, data: bytes) -> None:
        self.wiring.send_now(key, data)

    def send_burst(self, key: str, burst: Burst, deadline: int) -> None:
        """Send one port's messages for one instant back to back: only what must
        happen per message (mute, note tracking, the send and its time stamp) runs
        between sends; the accounting waits until the instant is out (`account`)."""
        port = self.ports.get(key)
        if port is None:
            return
        muted, observe, send, now = self.muted, self.notes.observe, port.send, self.clock.now_ns
        stamps: list[int] = []
        sent: list[bytes] = []
        for data, track in burst:
            if (track not in muted or data[0] & 0xF0 == 0x80) and observe(key, data, track):
                stamps.append(now())
                send(data)
                sent.append(data)
        if stamps:
            self.unaccounted.append((key, deadline, stamps, sent))
        self.meters.heard.append(burst)  # read in a gap, not here (meters.py)

    def account(self) -> None:
        """Count the sends of the bursts just sent, and their lateness."""
        counts = self.counts
        for key, deadline, stamps, sent in self.unaccounted:
            counts.sent += len(stamps)
            counts.max_late_ns = max(counts.max_late_ns, stamps[-1] - deadline)
            counts.late += sum(1 for stamp in stamps if stamp - deadline > LATE_NS)
            if len(counts.lateness) < MAX_LATENESS_SAMPLES:
                counts.lateness.extend(stamp - deadline for stamp in stamps)
            if counts.keep_log:
                counts.log.extend(
                    (stamp, deadline, key, data) for stamp, data in zip(stamps, sent, strict=True)
                )
        self.unaccounted.clear()

    def play_synth(self, event: Event, deadline: int, track: int) -> None:
        """Hand one soundfont event to FluidSynth's sequencer, ahead of its deadline."""
        if self.synth is None or (track in self.muted and event.kind != Kind.NOTE_OFF):
            return
        due = deadline + self.wiring.lookahead_ns()
        self.synth.play(due, event)
        if event.kind is Kind.NOTE_ON:
            self.meters.synth_notes.append((track, event.b))
        if self.counts.keep_log:
            for data in event_messages(event):
                self.counts.log.append((self.clock.now_ns(), due, SYNTH_PORT, data))

    def flush(
        self,
        track: int | None = None,
        at_ns: int | None = None,
        keep: Collection[tuple[int, int, int]] = (),
    ) -> None:
        """The owed note-offs; the synth drops what it has queued and releases its
        notes (at `at_ns`, a deadline, when a stream swap happens there). Notes in
        `keep`, (track, channel, note), ring on: the new stream owes their offs."""
        for key, data in self.notes.flush(track=track, keep=keep):
            self.send_now(str(key), data)
        if track is None:
            self.previews.held.clear()  # their MIDI notes were just ended; the synth's below
        if self.synth is not None:
            if track is None:
                self.synth.release(at_ns, keep)
            else:
                self.synth.silence_track(track)

    def make_stream(
        self,
        timeline: Timeline,
        from_time: float,
        intro: ClockIntro | None,
        position_beat: float | None,
    ) -> Prefetched:
        latency_s = {k: p.lead_ms / 1000 for k, p in self.ports.items()}
        latency_s[SYNTH_PORT] = self.wiring.lookahead_ns() / NS_PER_S
        latency_s[TURN_PORT] = self.wiring.queue_lead_ms / 1000  # the same float as a port's
        # A loop wrap, an edit swapped in or a cue carry the pulse train on, bare.
        clock_intro = (intro or "none") if CLOCK_PORT in self.ports else None
        return build_stream(
            timeline,
            from_time,
            port_for=self.wiring.port_for,
            latency_s=latency_s,
            clock_intro=clock_intro,
            position_beat=position_beat,
            mirrors=self.wiring.mirrors,
        )

    def deadline_of(self, item: Item) -> int:
        # Asked by the wait and again by play_due, and items of one instant share it.
        anchor = self.anchor
        if (
            item.time != self._deadline_time
            or item.port != self._deadline_port
            or anchor is not self._deadline_anchor
        ):
            self._deadline_time, self._deadline_port = item.time, item.port
            self._deadline_anchor = anchor
            self._deadline = anchor.deadline_ns(item.time) - self.wiring.latency_ns(item.port)
        return self._deadline

    def next_deadline(self) -> int | None:
        return None if self.next_item is None else self.deadline_of(self.next_item)
