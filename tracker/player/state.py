"""The transport's state, in one place: what each seam of it (sends, reporting,
inputs, edits: one module each, tracker/player/transport.py joins them) reads and
writes. The seams share one object, not collaborators passing state around: the
send loop reads these attributes directly, with nothing in between.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.engine.clock import Anchor, Clock, SystemClock
from tracker.engine.events import LineMark, Timeline
from tracker.midi import sync
from tracker.midi.names import PortState
from tracker.midi.notes import SoundingNotes
from tracker.midi.ports import ManagedInput, ManagedOutput
from tracker.player.ahead import CompileJob, CpuShare, Leftovers, RangeKey
from tracker.player.counts import SendCounts
from tracker.player.inbox import Inbox
from tracker.player.meters import Meters
from tracker.player.previews import Previews
from tracker.player.protocol import Message, Notice, Play, PlayerConfig
from tracker.player.stream import DEFAULT_PORT, Item, Prefetched
from tracker.player.wiring import Wiring
from tracker.song.model import Song

if TYPE_CHECKING:
    from tracker.audio.live import LiveOutput
    from tracker.player.edits import SwapReady

THRU_TRACK = -2
"""The owner of notes echoed from the MIDI input, for the sounding-note tracker."""
COMPILE_NS_PER_EVENT = 2_000.0
"""A first guess at a compile in steps, wall time per event, before one is measured."""


class TransportState:
    """The whole player state. Separate from the process glue so it can be driven in
    tests."""

    def __init__(
        self, config: PlayerConfig, emit: Callable[[Message], None], clock: Clock | None = None
    ) -> None:
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.quit = False
        # what plays (transport.py)
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
        self.cue: int | None = None
        self.muted: set[int] = set()
        self.song_dir: Path | None = None
        self.inbox = Inbox(self.clock.now_ns)
        # where it goes and what sounds (wiring.py, sends.py)
        self.notes = SoundingNotes()
        self.errors: list[Notice] = []
        self.wiring = Wiring(config, self.errors)
        self.counts = SendCounts(keep_log=config.record_sends)
        self.unaccounted: list[tuple[str, int, list[int], list[bytes]]] = []
        """Bursts sent at this instant, counted once it is over: (port, deadline,
        when each message left, its bytes)."""
        self._deadline_time = -1.0
        self._deadline_port = ""
        self._deadline_anchor: Anchor | None = None
        self._deadline = 0
        """deadline_of's last answer, for the burst that shares it."""
        self.previews = Previews(self.wiring, self.notes, self.counts.record)
        # reporting to the UI (reporting.py)
        self._emit = emit
        self.outgoing: list[Message] = []
        """Messages for the UI, handed on between deadlines (`hand_over`): handing one
        on wakes the outbox thread, which would take the GIL in the middle of a burst
        (measured: a 50-60 us gap after every line mark's playhead)."""
        self.outgoing_since = 0
        self.playhead_due: LineMark | None = None
        """A line reached whose Playhead message is not built yet."""
        self.next_port_poll = 0
        self.next_status = 0
        self.port_state: tuple[tuple[str, PortState], ...] = ()
        self.meters = Meters()
        """The track meters: fed by the sends, reported in the gaps (meters.py)."""
        # MIDI input (inputs.py)
        self.thru: tuple[str, int] = (DEFAULT_PORT, 0)
        self.follower = sync.ClockFollower()
        self.follow_bpm: float | None = None
        # edits and compiling ahead (edits.py)
        self.received: Song | None = None
        """The song the UI last sent (Play, UpdateSong, SongChanges): what its next
        SongChanges are changes to."""
        self.pending_song: Song | None = None
        self.pending_line: tuple[int, int] | None = None
        """(order, line) the pending edit was compiled for: where it swaps in."""
        self.job: CompileJob | None = None
        self.leftovers = Leftovers()
        self.swap_ready: SwapReady | None = None
        """The compile under way in the gaps (prepare_ahead)."""
        self.compile_share = CpuShare()
        """How much of the loop's time compiles in the gaps may take (ahead.py)."""
        self.compile_ns_per_event = COMPILE_NS_PER_EVENT
        """How long the last compile in steps took, per event: how far ahead an edit lands."""
        self.keep_at_swap = True
        """Held notes ring on through the next edit swap (not when routes changed)."""
        self.loops = 0
        """How many times the range has looped since Play or a cue: each loop plays
        its patterns' next passes (engine/variation.py)."""
        self.cache: dict[RangeKey, Timeline] = {}
        self.pending_cache: dict[RangeKey, Timeline] = {}

    # properties: the wiring's parts the transport plays through

    @property
    def ports(self) -> dict[str, ManagedOutput]:
        return self.wiring.ports

    @property
    def synth(self) -> LiveOutput | None:
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
