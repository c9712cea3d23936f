"""What the player says, turned into what the screen shows: the status line with
its news, and the playhead and meters held back as long as a listener's stream is
late (`--listen-delay`).

The Transport (tracker.ui.player_link) reads the player's messages and hands the
ones for the screen here; what one poll brought is gathered in a `Heard`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from tracker.midi.names import PortState
from tracker.player.protocol import ControlIn, Levels, Playhead, Ready, Recorded, Status
from tracker.ui.player_status import QUIET_KINDS, short_notice, status_line

NOTE_SECONDS = 6.0
"""How long news from the player (a port unplugged, a font that failed) leads the status line."""


@dataclass
class Heard:
    """What one poll brought back, already reduced to what the screen needs."""

    playhead: Playhead | None = None
    """The latest playhead only: a burst of them collapses to the last."""
    status_changed: bool = False
    recorded: list[Recorded] = field(default_factory=list)
    controls: list[ControlIn] = field(default_factory=list)
    """Controls moved on the MIDI input: for learn, and for recording into learned lanes."""
    levels: Levels | None = None
    """The meters' latest levels, if any came (a burst collapses to the last)."""


class PlayerNews:
    """The status line (ports, audio, a passing note) and the playhead and meters,
    each shown when it is due."""

    def __init__(self, status: str = "", clock: Callable[[], float] = time.monotonic) -> None:
        self.status = status
        self.bpm: float | None = None
        """The tempo the latest playhead reported (at once, not delayed)."""
        self.delay_s = 0.0
        """`--listen-delay`: playheads are shown this much later, with the sound a
        listener at the end of the stream hears (read from the player's config)."""
        self._clock = clock
        self._heads: deque[tuple[float, Playhead]] = deque()
        self._levels: deque[tuple[float, Levels]] = deque()
        """The meters' levels, shown as late as the playheads (what the listener hears)."""
        self._ports: tuple[tuple[str, PortState], ...] = ()
        self._audio = ""
        self._no_midi_system = False
        self._note = ""
        self._note_until = 0.0

    def ready(self, ready: Ready | None) -> None:
        """A player started: its ports and audio make the line, when it said them."""
        if ready is not None:
            self._ports, self._audio = ready.ports, ready.audio
            self.status = self._line()
        else:
            self.status = "Player ready"

    def tell(self, note: str) -> None:
        """News that leads the status line for a while."""
        self._note, self._note_until = note, self._clock() + NOTE_SECONDS
        self._show()

    def playhead(self, head: Playhead) -> None:
        self._heads.append((self._clock() + self.delay_s, head))
        self.bpm = head.bpm

    def levels(self, levels: Levels) -> None:
        self._levels.append((self._clock() + self.delay_s, levels))

    def stopped(self) -> None:
        """Playback stopped: levels still on their way are not shown."""
        self._levels.clear()

    def status_report(self, status: Status) -> bool:
        """Take the player's Status; True when the line changed."""
        self._ports, self._audio = status.ports, status.audio
        if any(notice.kind == "no_midi_system" for notice in status.errors):
            self._no_midi_system = True
        elif any(state == "open" for _, state in status.ports):
            self._no_midi_system = False
        news = [short_notice(n) for n in status.errors if n.kind not in QUIET_KINDS]
        if news:  # the audio state and a missing MIDI system are on the line already
            self._note = news[-1]
            self._note_until = self._clock() + NOTE_SECONDS
        return self._show()

    def due(self, heard: Heard) -> None:
        """Into `heard`: the latest playhead and levels now due, and whether the line
        changed as a note ran out."""
        while self._heads and self._heads[0][0] <= self._clock():
            heard.playhead = self._heads.popleft()[1]
        while self._levels and self._levels[0][0] <= self._clock():
            heard.levels = self._levels.popleft()[1]
        if self._note and self._clock() >= self._note_until:
            self._note = ""
            heard.status_changed |= self._show()

    def _line(self) -> str:
        return status_line(
            self._ports, self._audio, no_midi_system=self._no_midi_system, note=self._note
        )

    def _show(self) -> bool:
        text = self._line()
        changed, self.status = text != self.status, text
        return changed
