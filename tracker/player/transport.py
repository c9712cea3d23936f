"""The transport inside the player process: timeline + clock -> MIDI ports, on time.

One loop: read commands, poll MIDI input, and wait for the next deadline (sleep,
then spin: engine/clock.py); a burst's bytes are made before its deadline. Line
marks drive the playhead; edits, cues and loop wraps happen on them, and every one
of those sends the owed note-offs first (midi/notes.py). Here: the moves (play,
stop, pause, jump, cue, the loop's end) and the loop; around them, one module per
seam (state.py holds what they share): sending (sends.py), reporting to the UI
(reporting.py), MIDI input and clock follow (inputs.py), edits and compiling ahead
(edits.py); where sound goes (wiring.py), what to send (stream.py), commands
decoded in the gaps (inbox.py), notes typed in the editor (previews.py)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from tracker.engine.clock import NS_PER_S, Anchor, wait_until
from tracker.engine.events import LineMark, Timeline
from tracker.midi.encode import STOP, panic_messages
from tracker.midi.sync import ClockIntro
from tracker.player.ahead import AHEAD, AHEAD_OF_EDIT
from tracker.player.edits import Edits, muted_tracks, with_held_offs
from tracker.player.link_follow import LinkFollow
from tracker.player.protocol import (
    CaptureAudio,
    Continue,
    Cue,
    Jump,
    Panic,
    Pause,
    Play,
    Preview,
    Quit,
    Refused,
    RequestLog,
    SendLog,
    SetLink,
    SetMute,
    SetTempo,
    SetThru,
    SongChanges,
    Stop,
    Stopped,
    StopReason,
    UpdateSong,
)
from tracker.player.recall import Recall
from tracker.player.sends import PREFETCH_ITEMS
from tracker.player.stream import (
    CLOCK_PORT,
    DEFAULT_PORT,
    PRIO_END,
    PRIO_MARK,
    TURN_PORT,
    Item,
    Prefetched,
    song_beat,
)

IDLE_SLEEP_NS = 2_000_000
POLL_SLEEP_NS = 1_000_000

log = logging.getLogger(__name__)


class Transport(Edits, LinkFollow, Recall):
    """The whole player state (state.py) and its moves; `step` is one turn of its loop."""

    def begin(
        self,
        timeline: Timeline,
        from_time: float,
        wall_ns: int | None,
        intro: ClockIntro | None,
        position_beat: float | None = None,
        stream: Prefetched | None = None,
    ) -> None:
        """Play `timeline` from `from_time`, which happens at `wall_ns` (None: after
        the preroll, counted from now, once the compiling is done); `stream`: its
        stream, made ahead."""
        self.timeline = timeline
        self.stream = stream or self.make_stream(timeline, from_time, intro, position_beat)
        self.generation += 1
        self.next_item = next(self.stream, None)
        wall = wall_ns if wall_ns is not None else self.preroll()
        if wall_ns is None and self.synth is not None:
            self.synth.resync_if_drifted(self.clock.now_ns())
            self.synth.started(wall)  # the live mix places what follows from here
        self.anchor = Anchor(wall, round(from_time * NS_PER_S), self.scale)
        self.link_begin(timeline, from_time, wall, fresh=wall_ns is None)
        self.playing = True
        self.paused = False

    def preroll(self) -> int:
        ahead = max([self.wiring.lookahead_ns() / 1e6] + [p.lead_ms for p in self.ports.values()])
        return self.clock.now_ns() + round((self.config.preroll_ms + ahead) * 1_000_000)

    def start_at(
        self,
        order: int,
        line: int,
        wall_ns: int | None,
        intro: ClockIntro | None,
        *,
        recompile: bool = True,
        keep_held: bool = False,
    ) -> None:
        """Play from (order, line): compiled from there when we have the song, else
        found in the timeline we were given. `keep_held`: notes the song still holds
        at that line ring on (an edit swapped in), the rest end."""
        clocked = intro is not None and CLOCK_PORT in self.ports
        position: float | None = None
        stream = None
        if self.song is not None and (recompile or self.timeline is None):
            timeline = self.compiled(order, line)
            ready = self.swap_ready
            if ready is not None and ready.compiled is timeline:
                self.swap_ready = None  # used now; a loop wrap before the edit lands keeps it
            else:
                ready = None
            keep = keep_held and bool(timeline.held)
            if keep:
                held = {(t, channel, note) for t, _, channel, note in timeline.held}
                self.flush(at_ns=wall_ns, keep=held | self.keys_down())
            else:
                self.flush(at_ns=wall_ns, keep=self.keys_down())
            if ready is not None and ready.kept == keep:
                timeline, stream = ready.timeline, ready.stream
            elif keep:
                timeline = with_held_offs(timeline)
            start = timeline.lines[0].time if timeline.lines else 0.0
            if clocked:
                position = song_beat(self.song, order, line)
        else:
            self.flush(at_ns=wall_ns, keep=self.keys_down())
            assert self.timeline is not None
            timeline = self.timeline
            mark = next((m for m in timeline.lines if (m.order, m.line) == (order, line)), None)
            mark = mark or (timeline.lines[0] if timeline.lines else None)
            start = mark.time if mark is not None else 0.0
            position = mark.beat if mark is not None else 0.0
        self.begin(timeline, start, wall_ns, intro, position, stream)

    def play(self, command: Play) -> None:
        self.stop_sound()
        self.drop_job()
        self.swap_ready = None
        self.previews.forget()
        self.cache = {}
        self.mark = None
        self.range = command
        self.loops = 0
        if command.wait_for_clock:
            self.song = command.song
            self.timeline = command.timeline
            self.playing = False
            self.stream = self.next_item = None
            return
        self.cue = None
        self.pending_song = None
        if command.timeline is not None:
            self.song = None
            self.timeline = command.timeline
            self.muted = set()
            self.start_at(command.start_order, command.start_line, None, "auto", recompile=False)
        elif command.song is not None:
            self.song = command.song
            self.song_dir = command.song_dir
            self.wiring.route(command.song, command.song_dir)
            self.muted = muted_tracks(command.song)
            wall = self.recall_start(command.song, command.song_dir, self.preroll)
            self.start_at(command.start_order, command.start_line, wall, "auto")

    def stop_sound(self) -> None:
        """Note-offs for everything sounding; Stop to clock followers if we ran."""
        self.flush()
        if self.playing and CLOCK_PORT in self.ports:
            self.send_now(CLOCK_PORT, STOP)

    def stop(self, reason: StopReason) -> None:
        self.link_stop(reason)
        self.stop_sound()
        self.drop_job()
        was_playing = self.playing
        self.playing = False
        self.stream = None
        self.next_item = None
        self.generation += 1
        if was_playing or reason != "stop":
            self.emit(Stopped(reason))
        self.emit_status()

    def refuse(self, message: str) -> None:
        """A command that could not be carried out (a song that does not compile, at
        Play or at an edit's compile): stop, with every note ended, and say why; the
        player waits for the next command."""
        self.pending_song = None
        self.pending_line = None
        self.swap_ready = None
        self.cue = None
        self.stop("error")
        self.emit(Refused(message))
        log.warning("%s", message)

    def pause(self) -> None:
        if self.playing:
            self.stop("pause")
            self.paused = True

    def resume(self) -> None:
        if not self.paused or self.mark is None or self.timeline is None:
            return
        self.start_at(
            self.mark.order,
            self.mark.line,
            None,
            "continue",
            recompile=self.song is not None,
        )

    def set_mute(self, track: int, muted: bool) -> None:
        if muted:
            self.muted.add(track)
            self.flush(track)
        else:
            self.muted.discard(track)

    def panic(self) -> None:
        self.notes.flush()
        self.previews.held.clear()
        if self.synth is not None:
            self.synth.panic()
        for port in self.ports.values():
            for data in panic_messages():
                port.send(data)

    def handle(self, command: object) -> None:
        match command:
            case Play():
                self.received = command.song
                self.play(command)
            case Stop():
                self.paused = False
                self.stop("stop")
            case Pause():
                self.pause()
            case Continue():
                self.resume()
            case Cue(order=order):
                self.cue = order  # compiled ahead in a gap (prepare_ahead)
            case Jump(order=order, line=line):
                if self.playing:
                    # Followers relocate on Stop, Song Position Pointer, Continue.
                    if CLOCK_PORT in self.ports:
                        self.send_now(CLOCK_PORT, STOP)
                    self.start_at(order, line, None, "continue")
            case SetTempo(bpm=bpm):
                self.set_tempo(bpm)
            case SetLink(config=config):
                self.link_set(config)
            case UpdateSong(song=song):
                self.update_song(song)
            case SongChanges():
                if not self.song_changes(command):  # never, unless the UI lost track
                    self.refuse("an edit did not fit the song this player has: play again")
            case SetMute(track=track, muted=muted):
                self.set_mute(track, muted)
            case SetThru(channel=channel, instrument=instrument):
                key = f"inst{instrument:02X}" if instrument is not None else DEFAULT_PORT
                self.thru = (key if key in self.ports else DEFAULT_PORT, channel & 0x0F)
            case Preview():
                now = self.clock.now_ns()
                self.previews.start(command, now, self.song, self.playing)
            case Panic():
                self.panic()
            case CaptureAudio(path=path):
                self.wiring.capture(path)
            case RequestLog():
                self.emit(SendLog(tuple(self.counts.lateness), tuple(self.counts.log)))
            case Quit():
                self.quit = True

    def on_mark(self, mark: LineMark, deadline: int) -> bool:
        """A line starts: cue, edit or playhead. True when the stream was replaced."""
        if self.cue is not None and self.mark is not None and mark.order != self.mark.order:
            self.go_to_cue(deadline)
            return True
        if self.pending_song is not None and self.edit_lands_at(mark):
            self.leftovers.add([self.timeline, *self.cache.values()])
            self.song, self.pending_song = self.pending_song, None
            self.cache, self.pending_cache = self.pending_cache, {}
            if self.job is not None and self.job.purpose == AHEAD:
                self.drop_job()  # for the song just replaced
            elif self.job is not None and self.job.purpose == AHEAD_OF_EDIT:
                self.job.purpose = AHEAD  # for the edited song, playing from now
            self.start_at(mark.order, mark.line, deadline, None, keep_held=self.keep_at_swap)
            return True
        self.link_mark(mark, deadline)
        self.mark = self.playhead_due = mark
        return False

    def go_to_cue(self, deadline: int) -> None:
        """The cued pattern starts."""
        assert self.cue is not None
        order, self.cue = self.cue, None
        self.range = self.range_after_cue(order)
        self.loops = 0
        self.start_at(order, 0, deadline, None)

    def on_end(self, deadline: int) -> None:
        if self.cue is not None and self.song is not None:
            self.go_to_cue(deadline)
        elif self.range.loop:
            self.loops += 1
            self.start_at(
                self.range.start_order,
                self.range.start_line,
                deadline,
                None,
                recompile=self.song is not None,
            )
        else:
            # Reached ahead by the turning points' lead: the stop (and a capture's end)
            # comes at the last line's end itself, where the synth releases, as a bounce.
            wait_until(deadline, self.clock)
            self.flush(at_ns=deadline)
            self.stop("end")

    def dispatch(self, item: Item, deadline: int) -> bool:
        """Act on one item; True when the stream was replaced. A turning point acts at
        its lead (stream.py: TURN_PORT) for the line's own instant."""
        if item.prio == PRIO_MARK:
            assert item.mark is not None
            return self.on_mark(item.mark, deadline + self.wiring.latency_ns(TURN_PORT))
        if item.prio == PRIO_END:
            self.on_end(deadline + self.wiring.latency_ns(TURN_PORT))
            return True
        assert item.event is not None
        self.play_synth(item.event, deadline, item.track)
        return False

    def play_due(self) -> None:
        """Send everything whose deadline has come, then count it."""
        try:
            self.send_due()
        finally:
            self.account()

    def send_due(self) -> None:
        due = None  # a deadline already found due: what shares it is due too
        while self.next_item is not None and self.stream is not None:
            item = self.next_item
            deadline = self.deadline_of(item)
            if deadline != due and deadline > self.clock.now_ns():
                return
            due = deadline
            stream = self.stream
            self.next_item = None
            if item.burst:
                self.send_burst(item.port, item.burst, deadline)
                ready = stream.ready
                self.next_item = ready.popleft() if ready else next(stream, None)
                continue
            self.account()  # a mark or the end may stop or report: count what left first
            if not self.dispatch(item, deadline) and self.stream is stream:
                self.next_item = next(stream, None)

    def step(self, commands: Callable[[], list[bytes]]) -> None:
        """One turn of the loop: `commands` gives what the UI sent since, pickled."""
        if self.playhead_due is not None:
            self.queue_playhead()
        if self.outgoing:
            self.hand_over(self.clock.now_ns())
        self.inbox.add(commands())
        if self.inbox:
            for command in self.inbox.take(self.next_deadline()):
                self.handle(command)
        self.poll_inputs()
        now = self.clock.now_ns()
        if self.previews:
            self.previews.end_due(now)
        self.housekeeping(now)
        self.link_follow(now)
        self.prepare_ahead(now)
        if self.next_item is None:
            self.clock.sleep_ns(POLL_SLEEP_NS if self.midi_in or self.clock_in else IDLE_SLEEP_NS)
            return
        if self.stream is not None:
            self.stream.prefetch(PREFETCH_ITEMS)  # while we wait, not between a burst's sends
        if wait_until(self.deadline_of(self.next_item), self.clock, max_sleep_ns=POLL_SLEEP_NS):
            self.play_due()

    def shutdown(self) -> None:
        with contextlib.suppress(Exception):
            self.stop_sound()
        self.hand_over()
        self.link_close()
        self.wiring.close()
