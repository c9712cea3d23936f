"""The transport inside the player process: timeline + clock -> MIDI ports, on time.

One loop: read commands, poll MIDI input, and wait for the next deadline (sleep,
then spin: engine/clock.py); a burst's bytes are made before its deadline. Line
marks drive the playhead; edits, cues and loop wraps happen on them, and every one
of those sends the owed note-offs first (midi/notes.py). Around it: where sound
goes (player_wiring.py), the stream of what to send (player_stream.py), compiling
in the gaps (player_ahead.py), commands decoded in the gaps (player_inbox.py) and
notes typed in the editor (player_previews.py).
"""

from __future__ import annotations

import contextlib
import sys
import time
from array import array
from bisect import bisect_left, insort
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.engine.clock import NS_PER_S, SPIN_NS, Anchor, Clock, SystemClock, wait_until
from tracker.engine.events import Event, Kind, LineMark, Timeline
from tracker.engine.routing import audible_tracks
from tracker.midi import sync
from tracker.midi.notes import SoundingNotes, is_channel_message, panic_messages
from tracker.midi.ports import ManagedInput, ManagedOutput
from tracker.player import (
    Continue,
    Cue,
    Jump,
    Message,
    Panic,
    Pause,
    Play,
    PlayerConfig,
    Playhead,
    Preview,
    Quit,
    Recorded,
    Refused,
    RequestLog,
    SendLog,
    SetMute,
    SetTempo,
    SetThru,
    Status,
    Stop,
    Stopped,
    UpdateSong,
)
from tracker.player_ahead import (
    AHEAD,
    AHEAD_OF_EDIT,
    EDIT,
    CompileJob,
    Leftovers,
    RangeKey,
    compile_steps,
)
from tracker.player_inbox import Inbox
from tracker.player_previews import Previews
from tracker.player_stream import (
    CLOCK_PORT,
    DEFAULT_PORT,
    PRIO_END,
    PRIO_MARK,
    SYNTH_PORT,
    Burst,
    Item,
    Prefetched,
    build_stream,
    compile_range,
    event_messages,
    song_beat,
)
from tracker.player_wiring import Wiring
from tracker.song.model import Song

if TYPE_CHECKING:
    from tracker.audio.live import LiveSynth

LATE_NS = 1_000_000
THRU_TRACK = -2
"""The owner of notes echoed from the MIDI input, for the sounding-note tracker."""
MAX_LATENESS_SAMPLES = 2_000_000
IDLE_SLEEP_NS = 2_000_000
POLL_SLEEP_NS = 1_000_000
HOUSEKEEPING_GAP_NS = 5_000_000
"""Port-list refreshes only run when the next deadline is at least this far away."""
LANDING_LEAD_MIN_NS = 5_000_000
COMPILE_NS_PER_EVENT = 2_000.0
"""A first guess at a compile in steps, wall time per event, before one is measured."""
HAND_OVER_ROOM_NS = SPIN_NS + 2_000_000
"""The outbox thread needs the GIL for a moment: hand over only when the wait ahead
sleeps (releasing it) long enough, never into the spin before a deadline."""
HAND_OVER_MAX_WAIT_NS = 50_000_000
PREFETCH_ITEMS = 4
"""Items (each a whole burst) made ready ahead: after a burst, the next one at the
same instant (the clock's, another port's) is a pop, not a build."""


def with_held_offs(timeline: Timeline) -> Timeline:
    """The timeline with the note-offs of the notes it found held at its start: for
    an edit swapped in mid-note, whose held notes ring on until the song ends them."""
    events = list(timeline.events)
    for off in timeline.held_offs:  # a few, into tens of thousands: insert, not sort
        insort(events, off, key=attrgetter("sort_key"))
    return replace(timeline, events=events, held_offs=[])


def muted_tracks(song: Song) -> set[int]:
    return set(range(len(song.tracks))) - audible_tracks(song)


@dataclass
class SwapReady:
    """A compiled edit made ready to swap in (Transport.ready_to_swap)."""

    compiled: Timeline
    kept: bool
    """Notes held at its line ring on: `timeline` has their offs."""
    timeline: Timeline
    stream: Prefetched


class Transport:
    """The whole player state; `run` is its loop. Separate from the process glue so
    it can be driven in tests."""

    def __init__(
        self, config: PlayerConfig, emit: Callable[[Message], None], clock: Clock | None = None
    ) -> None:
        self.config = config
        self._emit = emit
        self.outgoing: list[Message] = []
        """Messages for the UI, handed on between deadlines (`hand_over`): handing one
        on wakes the outbox thread, which would take the GIL in the middle of a burst
        (measured: a 50-60 us gap after every line mark's playhead)."""
        self.outgoing_since = 0
        self.playhead_due: LineMark | None = None
        """A line reached whose Playhead message is not built yet."""
        self.clock: Clock = clock or SystemClock()
        self.inbox = Inbox(self.clock.now_ns)
        self.notes = SoundingNotes()
        self.quit = False
        self.playing = False
        self.paused = False
        self.song: Song | None = None
        self.timeline: Timeline | None = None
        self.range = Play()
        self.anchor = Anchor(0, 0)
        self.scale = 1.0
        self.stream: Prefetched | None = None
        self.next_item: Item | None = None
        self.generation = 0
        self.mark: LineMark | None = None
        self.pending_song: Song | None = None
        self.pending_line: tuple[int, int] | None = None
        """(order, line) the pending edit was compiled for: where it swaps in."""
        self.job: CompileJob | None = None
        self.leftovers = Leftovers()
        self.swap_ready: SwapReady | None = None
        """The compile under way in the gaps (prepare_ahead)."""
        self.compile_ns_per_event = COMPILE_NS_PER_EVENT
        """How long the last compile in steps took, per event: how far ahead an edit lands."""
        self._deadline_time = -1.0
        self._deadline_port = ""
        self._deadline_anchor: Anchor | None = None
        self._deadline = 0
        """deadline_of's last answer, for the burst that shares it."""
        self.keep_at_swap = True
        """Held notes ring on through the next edit swap (not when routes changed)."""
        self.cache: dict[RangeKey, Timeline] = {}
        self.pending_cache: dict[RangeKey, Timeline] = {}
        self.cue: int | None = None
        self.muted: set[int] = set()
        self.thru: tuple[str, int] = (DEFAULT_PORT, 0)
        self.follower = sync.ClockFollower()
        self.follow_bpm: float | None = None
        self.lateness = array("q")
        self.log: list[tuple[int, int, str, bytes]] = []
        self.sent = self.late = 0
        self.max_late_ns = 0
        self.unaccounted: list[tuple[str, int, list[int], list[bytes]]] = []
        """Bursts sent at this instant, counted once it is over: (port, deadline,
        when each message left, its bytes)."""
        self.errors: list[str] = []
        self.wiring = Wiring(config, self.errors)
        self.next_port_poll = 0
        self.next_status = 0
        self.port_state: tuple[tuple[str, str], ...] = ()
        self.song_dir: Path | None = None
        self.previews = Previews(self.wiring, self.notes, self.record)

    # ------------------------------------------------------------ ports

    def open_ports(self) -> None:
        self.wiring.open()
        self.port_state = self.describe_ports()

    def describe_ports(self) -> tuple[tuple[str, str], ...]:
        return self.wiring.describe()

    def refresh_ports(self) -> None:
        lost, keyboard_lost = self.wiring.refresh()
        for key in lost:
            self.notes.forget_port(key)
        if keyboard_lost:
            self.flush(THRU_TRACK)  # its note-offs will never come

    # properties: the wiring's parts the transport plays through

    @property
    def ports(self) -> dict[str, ManagedOutput]:
        return self.wiring.ports

    @property
    def synth(self) -> LiveSynth | None:
        return self.wiring.synth

    @property
    def midi_in(self) -> ManagedInput | None:
        return self.wiring.midi_in

    @property
    def clock_in(self) -> ManagedInput | None:
        return self.wiring.clock_in

    @property
    def audio(self) -> str:
        return self.wiring.audio

    # ------------------------------------------------------------ sending

    def send_now(self, key: str, data: bytes) -> None:
        self.wiring.send_now(key, data)

    def record(self, now: int, key: str, data: bytes) -> None:
        """A message sent at once (a preview's), for the send log when kept."""
        if self.config.record_sends:
            self.log.append((now, now, key, data))

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

    def account(self) -> None:
        """Count the sends of the bursts just sent, and their lateness."""
        for key, deadline, stamps, sent in self.unaccounted:
            self.sent += len(stamps)
            self.max_late_ns = max(self.max_late_ns, stamps[-1] - deadline)
            self.late += sum(1 for stamp in stamps if stamp - deadline > LATE_NS)
            if len(self.lateness) < MAX_LATENESS_SAMPLES:
                self.lateness.extend(stamp - deadline for stamp in stamps)
            if self.config.record_sends:
                self.log.extend(
                    (stamp, deadline, key, data) for stamp, data in zip(stamps, sent, strict=True)
                )
        self.unaccounted.clear()

    def play_synth(self, event: Event, deadline: int, track: int) -> None:
        """Hand one soundfont event to FluidSynth's sequencer, ahead of its deadline."""
        if self.synth is None or (track in self.muted and event.kind != Kind.NOTE_OFF):
            return
        due = deadline + self.wiring.lookahead_ns()
        self.synth.play(due, event)
        if self.config.record_sends:
            for data in event_messages(event):
                self.log.append((self.clock.now_ns(), due, SYNTH_PORT, data))

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

    # ------------------------------------------------------------ transport

    def begin(
        self,
        timeline: Timeline,
        from_time: float,
        wall_ns: int | None,
        intro: str | None,
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
        self.anchor = Anchor(wall, round(from_time * NS_PER_S), self.scale)
        self.playing = True
        self.paused = False

    def make_stream(
        self, timeline: Timeline, from_time: float, intro: str | None, position_beat: float | None
    ) -> Prefetched:
        latency_s = {k: p.latency_ms / 1000 for k, p in self.ports.items()}
        latency_s[SYNTH_PORT] = self.wiring.lookahead_ns() / NS_PER_S
        # A loop wrap, an edit swapped in or a cue carry the pulse train on, bare.
        clock_intro = (intro or "none") if CLOCK_PORT in self.ports else None
        return build_stream(
            timeline,
            from_time,
            port_for=self.wiring.port_for,
            latency_s=latency_s,
            clock_intro=clock_intro,
            position_beat=position_beat,
        )

    def preroll(self) -> int:
        ahead = max(
            [self.wiring.lookahead_ns() / 1e6] + [p.latency_ms for p in self.ports.values()]
        )
        return self.clock.now_ns() + round((self.config.preroll_ms + ahead) * 1_000_000)

    def start_at(
        self,
        order: int,
        line: int,
        wall_ns: int | None,
        intro: str | None,
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

    def keys_down(self) -> set[tuple[int, int, int]]:
        """Notes held on the MIDI keyboard, echoed (thru): a loop wrap, an edit swapped
        in (every recorded note is one) or a jump does not end them; their key does."""
        return self.notes.owned_by(THRU_TRACK)

    def compiled(self, order: int, line: int) -> Timeline:
        """The song compiled from (order, line), cached until the song changes, so a
        loop wrap or a cue does not compile at its deadline."""
        assert self.song is not None
        key = (order, line, self.range.end_order)
        if key not in self.cache:
            job = self.job
            if job is not None and job.purpose == AHEAD and job.key == key:
                self.job = None
                self.cache[key] = job.finish()  # begun ahead, not done yet: the rest now
            else:
                self.cache[key] = compile_range(self.song, *key)
        return self.cache[key]

    def play(self, command: Play) -> None:
        self.stop_sound()
        self.drop_job()
        self.swap_ready = None
        self.previews.programs.clear()
        self.cache = {}
        self.mark = None
        self.range = command
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
            self.start_at(command.start_order, command.start_line, None, "auto")

    def stop_sound(self) -> None:
        """Note-offs for everything sounding; Stop to clock followers if we ran."""
        self.flush()
        if self.playing and CLOCK_PORT in self.ports:
            self.send_now(CLOCK_PORT, sync.STOP)

    def stop(self, reason: str) -> None:
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
        print(time.strftime("%H:%M:%S"), message, file=sys.stderr, flush=True)

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

    def set_tempo(self, bpm: float) -> None:
        base = self.mark.bpm if self.mark is not None else self._song_bpm()
        if bpm <= 0 or base <= 0:
            return
        self.scale = base / bpm
        if self.playing:
            self.anchor = self.anchor.rescaled(self.clock.now_ns(), self.scale)

    def _song_bpm(self) -> float:
        if self.timeline is not None and self.timeline.lines:
            return self.timeline.lines[0].bpm
        return self.song.bpm if self.song is not None else 120.0

    def update_song(self, song: Song) -> None:
        muted = muted_tracks(song)
        for track in muted - self.muted:
            self.flush(track)
        self.muted = muted
        self.keep_at_swap = True
        if self.needs_route(song):
            self.wiring.route(song, self.song_dir)  # fonts load now, not at the swap's deadline
            self.previews.programs.clear()
            self.keep_at_swap = False  # held notes' offs would go to the new routes
        if self.playing and self.song is not None:
            # Compiled later, in a gap between events (prepare_ahead), and swapped in at
            # the line it was compiled for: a compile now could make the next notes late.
            self.pending_song = song
            self.pending_cache = {}
            self.pending_line = None
            self.swap_ready = None
            self.drop_job()
        else:
            self.song = song
            self.cache = {}

    def prepare_ahead(self, now: int) -> None:
        """Compile, a step at a time in the gaps (player_ahead.py), what a coming line
        will need: a pending edit (from a line far enough ahead, where it then lands),
        else the loop's start or the cued entry; free what the last edit replaced."""
        if self.leftovers:
            self.leftovers.release(self.clock.now_ns, self.next_deadline())
        if self.job is None:
            self.job = self.next_job(now)
            if self.job is None:
                return
        job = self.job
        timeline = job.run(self.clock.now_ns, self.next_deadline())
        if timeline is None:
            return
        self.job = None
        done = self.clock.now_ns()
        self.compile_ns_per_event = (done - job.started_ns) / max(1, len(timeline.events))
        if job.purpose == AHEAD:
            self.cache[job.key] = timeline
        elif job.purpose == AHEAD_OF_EDIT:
            self.pending_cache[job.key] = timeline
        else:
            self.pending_cache[job.key] = timeline
            self.pending_line = job.key[:2]
            self.swap_ready = self.ready_to_swap(timeline)

    def ready_to_swap(self, compiled: Timeline) -> SwapReady:
        """What the swap to a compiled edit needs, made now, in a gap, not at the
        swap's deadline: the held notes' offs added, the stream built and primed."""
        kept = self.keep_at_swap and bool(compiled.held)
        timeline = with_held_offs(compiled) if kept else compiled
        start = timeline.lines[0].time if timeline.lines else 0.0
        stream = self.make_stream(timeline, start, None, None)
        stream.prefetch(PREFETCH_ITEMS)
        return SwapReady(compiled, kept, timeline, stream)

    def next_job(self, now: int) -> CompileJob | None:
        if self.pending_song is not None:
            if self.pending_line is None:
                mark = self.landing_mark(now)
                if mark is None:
                    return None
                key = (mark.order, mark.line, self.range.end_order)
                return CompileJob(key, EDIT, now, compile_steps(self.pending_song, key))
            # Compiled, waiting for its line: what the edited song needs after it lands.
            return self.range_job(self.pending_song, self.pending_cache, AHEAD_OF_EDIT, now)
        if not self.playing or self.song is None:
            return None
        return self.range_job(self.song, self.cache, AHEAD, now)

    def range_job(
        self, song: Song, cache: dict[RangeKey, Timeline], purpose: str, now: int
    ) -> CompileJob | None:
        """A compile of the loop's start or the cued entry, when `cache` lacks it."""
        wanted = []
        if self.cue is not None:
            wanted.append((self.cue, 0, self.range_after_cue(self.cue).end_order))
        if self.range.loop:
            wanted.append((self.range.start_order, self.range.start_line, self.range.end_order))
        needed = next((k for k in wanted if k not in cache), None)
        if needed is None:
            return None
        return CompileJob(needed, purpose, now, compile_steps(song, needed))

    def landing_mark(self, now: int) -> LineMark | None:
        """Where an edit will land: the first line far enough ahead for its compile,
        going by how long the last one took."""
        if self.timeline is None or not self.playing:
            return None
        expected = self.compile_ns_per_event * len(self.timeline.events)
        lead = max(LANDING_LEAD_MIN_NS, round(2 * expected))
        soon = self.anchor.song_ns_at(now + lead) / NS_PER_S
        return next((m for m in self.timeline.lines if m.time >= soon), None)

    def drop_job(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None

    def edit_lands_at(self, mark: LineMark) -> bool:
        """True at the line the pending edit was compiled for. A compile that is
        still running when its line comes has missed it: it starts again, for a
        line further ahead (the estimate doubled)."""
        here = (mark.order, mark.line)
        job = self.job
        if job is not None and job.purpose == EDIT and job.key[:2] == here:
            self.drop_job()
            self.compile_ns_per_event *= 2
        return self.pending_line == here

    def needs_route(self, song: Song) -> bool:
        """An edit that changes where instruments play; or, stopped, the first song we
        hear of (previews need its routes before any Play)."""
        if self.song is None:
            return not self.playing
        return (song.instruments, song.soundfont) != (self.song.instruments, self.song.soundfont)

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
                        self.send_now(CLOCK_PORT, sync.STOP)
                    self.start_at(order, line, None, "continue")
            case SetTempo(bpm=bpm):
                self.set_tempo(bpm)
            case UpdateSong(song=song):
                self.update_song(song)
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
            case RequestLog():
                self.emit(SendLog(tuple(self.lateness), tuple(self.log)))
            case Quit():
                self.quit = True

    # ------------------------------------------------------------ the line and the end

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
        self.mark = self.playhead_due = mark
        return False

    def range_after_cue(self, order: int) -> Play:
        """What plays once the cued entry starts: a looped pattern or range moves its
        loop there."""
        r = self.range
        if r.loop and r.end_order is not None:
            span = r.end_order - r.start_order
            return replace(r, start_order=order, start_line=0, end_order=order + span)
        return r

    def go_to_cue(self, deadline: int) -> None:
        """The cued pattern starts."""
        assert self.cue is not None
        order, self.cue = self.cue, None
        self.range = self.range_after_cue(order)
        self.start_at(order, 0, deadline, None)

    def on_end(self, deadline: int) -> None:
        if self.cue is not None and self.song is not None:
            self.go_to_cue(deadline)
        elif self.range.loop:
            self.start_at(
                self.range.start_order,
                self.range.start_line,
                deadline,
                None,
                recompile=self.song is not None,
            )
        else:
            self.stop("end")

    def dispatch(self, item: Item, deadline: int) -> bool:
        """Act on one item; True when the stream was replaced."""
        if item.prio == PRIO_MARK:
            assert item.mark is not None
            return self.on_mark(item.mark, deadline)
        if item.prio == PRIO_END:
            self.on_end(deadline)
            return True
        assert item.event is not None
        self.play_synth(item.event, deadline, item.track)
        return False

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

    # ------------------------------------------------------------ input

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
        if self.notes.observe(key, echoed, THRU_TRACK) or status not in (0x80, 0x90):
            self.send_now(key, echoed)
        if status in (0x80, 0x90) and len(data) >= 3:
            velocity = data[2] if status == 0x90 else 0
            order, line, offset = self.position(arrival)
            self.emit(Recorded(data[1], velocity, data[0] & 0x0F, order, line, offset))

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

    # ------------------------------------------------------------ the loop

    def emit_status(self) -> None:
        dropped = sum(p.dropped for p in self.ports.values())
        errors = tuple(self.errors)
        for port in self.ports.values():
            errors += tuple(port.errors)
            port.errors.clear()
        self.errors.clear()
        for error in errors:  # the whole story, for ~/.cache/tracker/player.log
            print(time.strftime("%H:%M:%S"), error, file=sys.stderr, flush=True)
        self.emit(
            Status(
                self.playing,
                self.paused,
                self.describe_ports(),
                self.sent,
                self.late,
                self.max_late_ns / 1000,
                dropped,
                errors,
                self.audio,
            )
        )

    def housekeeping(self, now: int) -> None:
        if (
            self.next_item is not None
            and self.deadline_of(self.next_item) - now < HOUSEKEEPING_GAP_NS
        ):
            return
        if now >= self.next_port_poll:
            self.next_port_poll = now + round(self.config.port_poll_s * NS_PER_S)
            self.refresh_ports()
        state = self.describe_ports()
        told = self.errors or any(p.errors for p in self.ports.values())
        if now >= self.next_status and (self.playing or state != self.port_state or told):
            self.next_status = now + round(self.config.status_interval_s * NS_PER_S)
            self.port_state = state
            self.emit_status()

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
        self.wiring.close()
