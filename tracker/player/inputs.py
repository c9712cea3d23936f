"""MIDI input: notes echoed (thru) and recorded at the nearest line, and an outside
MIDI clock followed (start, stop, continue and its tempo).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from operator import attrgetter
from typing import TYPE_CHECKING

from tracker.engine.clock import NS_PER_S
from tracker.midi.encode import CONTROL_CHANGE, NOTE_OFF, NOTE_ON, is_channel_message
from tracker.player.protocol import ControlIn, Recorded
from tracker.player.reporting import Reporting
from tracker.player.state import THRU_TRACK

if TYPE_CHECKING:
    from tracker.player.protocol import Play, StopReason


class Inputs(Reporting):
    if TYPE_CHECKING:  # the transport's own moves, which an outside clock drives

        def play(self, command: Play) -> None: ...
        def stop(self, reason: StopReason) -> None: ...
        def resume(self) -> None: ...
        def set_tempo(self, bpm: float) -> None: ...

    def keys_down(self) -> set[tuple[int, int, int]]:
        """Notes held on the MIDI keyboard, echoed (thru): a loop wrap, an edit swapped
        in (every recorded note is one) or a jump does not end them; their key does."""
        return self.notes.owned_by(THRU_TRACK)

    def position(self, wall_ns: int) -> tuple[int | None, int | None, float]:
        """Nearest line to a moment while playing: (order, line, offset in lines)."""
        if not self.playing or self.mark is None:
            return None, None, 0.0
        mark = self.mark
        song_s = self.anchor.song_ns_at(wall_ns) / NS_PER_S
        line_s = 60.0 / (mark.bpm * mark.lpb)
        lines = (song_s - mark.time) / line_s
        nearest = round(lines)
        # The nearest line may be in the next pattern (the second half of a pattern's
        # last line), or past the end: the lines played say which, not arithmetic.
        marks = self.timeline.lines if self.timeline is not None else []
        here = bisect_left(marks, mark.time, key=attrgetter("time"))
        if here >= len(marks) or marks[here] is not mark:
            return mark.order, mark.line, lines  # not ours to walk: keep the line it is in
        there = here + nearest
        if 0 <= there < len(marks):
            return marks[there].order, marks[there].line, lines - nearest
        if there >= len(marks) and self.range.loop:
            return self.range.start_order, self.range.start_line, lines - nearest
        return mark.order, mark.line, lines  # before the first line or after the last

    def poll_inputs(self) -> None:
        if self.midi_in is not None:
            for arrival, data in self.midi_in.poll():
                self.on_input(arrival, data)
        if self.clock_in is not None:
            for arrival, data in self.clock_in.poll():
                self.follower.feed(arrival, data)
            self.follow_clock()

    def on_input(self, arrival: int, data: bytes) -> None:
        if not is_channel_message(data):
            return  # system messages, and anything cut short or garbled on the way
        status = data[0] & 0xF0
        key, channel = self.thru
        echoed = bytes((status | channel, *data[1:]))
        if self.notes.observe(key, echoed, THRU_TRACK) or status not in (NOTE_OFF, NOTE_ON):
            self.send_now(key, echoed)
        if status in (NOTE_OFF, NOTE_ON) and len(data) >= 3:
            velocity = data[2] if status == NOTE_ON else 0
            order, line, offset = self.position(arrival)
            self.emit(Recorded(data[1], velocity, data[0] & 0x0F, order, line, offset))
        elif status == CONTROL_CHANGE:
            order, line, _ = self.position(arrival)
            self.emit(ControlIn(data[1], data[2], data[0] & 0x0F, order, line))

    def follow_clock(self) -> None:
        for event in self.follower.take_events():
            if event == "start" and (self.range.song or self.range.timeline):
                self.play(replace(self.range, wait_for_clock=False))
            elif event == "stop":
                self.stop("clock")
            elif event == "continue":
                self.resume()
        bpm = self.follower.bpm()
        if (
            bpm is not None
            and self.playing
            and (self.follow_bpm is None or abs(bpm - self.follow_bpm) > 0.3)
        ):
            self.follow_bpm = bpm
            self.set_tempo(bpm)
