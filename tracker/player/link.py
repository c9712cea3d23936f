"""Ableton Link in the player: the session's beat timeline gives the deadlines.

Song beats are the invariant. While Link is on, song beat `b` sounds when the
session reaches beat `b + offset`; `offset` is chosen at the start so the song's
bar lines fall on the session's (quantum = beats per bar), and kept through loop
wraps and edits. The player's deadline machinery stays as it is: an `Anchor`
(wall time, song time, scale) is recomputed from Link every few milliseconds and
at each line, at the next thing to send, so that item is exactly on Link's
timeline and MIDI, the soundfont and clock out all follow the session's tempo.

Our tempo changes lead: a song's Txx (a line whose tempo differs from the last)
and the tempo control propose the new tempo to the session. With start/stop sync,
the session stopping stops us (every note ended).

Link's clock is CLOCK_MONOTONIC_RAW in microseconds; the player's is
`perf_counter_ns` (CLOCK_MONOTONIC). Their offset is measured at every poll, so
the two never drift apart. The binding is LinkPython-extern (`import link`),
imported only when Link is asked for.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from tracker.engine.clock import NS_PER_S, Anchor
from tracker.engine.events import LineMark
from tracker.engine.tempo import BEATS_PER_BAR
from tracker.errors import TrackerError

LINK_POLL_NS = 5_000_000
"""How often a playing player reads the session: a tempo jump is followed within this."""


@dataclass(frozen=True)
class LinkConfig:
    quantum: int | None = None
    """Beats per bar the session lines up on; None: the song's meter. A song has no
    time signature of its own: a beat is `lpb` lines and a bar is BEATS_PER_BAR beats,
    the bar the editor's PgUp/PgDn move by, the MIDI export writes and a DAW handover
    counts, so Link lines up on that bar too (an Lxx change shortens lines, not beats)."""
    start_stop: bool = False
    """Start/stop sync: the session stopping stops us, our start starts it."""


@dataclass(frozen=True)
class LinkState:
    """What the status line shows."""

    peers: int
    bpm: float


def raw_offset_ns() -> int:
    """perf_counter_ns - CLOCK_MONOTONIC_RAW, read back to back (the shorter pair of two)."""
    best: tuple[int, int] | None = None
    for _ in range(2):
        a = time.perf_counter_ns()
        raw = time.clock_gettime_ns(time.CLOCK_MONOTONIC_RAW)
        b = time.perf_counter_ns()
        if best is None or b - a < best[0]:
            best = (b - a, (a + b) // 2 - raw)
    assert best is not None
    return best[1]


class LinkSession:
    """The player's seat in a Link session (one `link.Link`), in the player's clock."""

    def __init__(self, bpm: float, config: LinkConfig) -> None:
        try:
            import link  # LinkPython-extern: a compiled module, loaded only for --link
        except ImportError as error:  # pragma: no cover - a broken install
            raise TrackerError(f"Ableton Link is not available here: {error}") from None
        self.config = config
        self._link: Any = link.Link(float(bpm))
        self._link.startStopSyncEnabled = config.start_stop
        self._link.enabled = True
        self._offset = raw_offset_ns()
        self.quantum = float(config.quantum or BEATS_PER_BAR)
        self.seen_playing = False

    def close(self) -> None:
        self._link.enabled = False

    # -- time ---------------------------------------------------------------------------

    def refresh_offset(self) -> None:
        self._offset = raw_offset_ns()

    def _micros(self, wall_ns: int) -> int:
        return (wall_ns - self._offset) // 1000

    def _wall(self, micros: int) -> int:
        return micros * 1000 + self._offset

    def beat_at(self, wall_ns: int) -> float:
        state = self._link.captureAppSessionState()
        return float(state.beatAtTime(self._micros(wall_ns), self.quantum))

    def wall_at_beat(self, beat: float) -> int:
        state = self._link.captureAppSessionState()
        return self._wall(int(state.timeAtBeat(beat, self.quantum)))

    def tempo(self) -> float:
        return float(self._link.captureAppSessionState().tempo())

    def state(self) -> LinkState:
        return LinkState(int(self._link.numPeers()), round(self.tempo(), 2))

    def is_playing(self) -> bool:
        return bool(self._link.captureAppSessionState().isPlaying())

    # -- leading ------------------------------------------------------------------------

    def propose_tempo(self, bpm: float, wall_ns: int) -> None:
        state = self._link.captureAppSessionState()
        state.setTempo(float(bpm), self._micros(wall_ns))
        self._link.commitAppSessionState(state)

    def set_playing(self, playing: bool, wall_ns: int) -> None:
        if not self.config.start_stop:
            return
        state = self._link.captureAppSessionState()
        state.setIsPlaying(playing, self._micros(wall_ns))
        self._link.commitAppSessionState(state)

    # -- the start ------------------------------------------------------------------------

    def aligned_start(self, earliest_ns: int, song_beat: float) -> tuple[int, float]:
        """The first wall time at or after `earliest_ns` where the session's phase equals
        the song's phase at `song_beat`, and the beat offset (session beat - song beat)."""
        beat = self.beat_at(earliest_ns)
        phase = song_beat % self.quantum
        bar = (beat - phase) // self.quantum
        target = bar * self.quantum + phase
        if target < beat:
            target += self.quantum
        return self.wall_at_beat(target), target - song_beat


class SongBeats:
    """Song seconds <-> song beats through a timeline's line marks (its tempo map)."""

    def __init__(self, marks: list[LineMark]) -> None:
        points: list[tuple[float, float, float]] = []
        for mark in marks:
            if not points or mark.bpm != points[-1][2]:
                points.append((mark.time, mark.beat, mark.bpm))
        self._points = points or [(0.0, 0.0, 120.0)]
        self._times = [p[0] for p in self._points]

    def beat_at(self, song_s: float) -> float:
        time_s, beat, bpm = self._points[max(0, bisect_right(self._times, song_s) - 1)]
        return beat + (song_s - time_s) * bpm / 60.0

    def bpm_at(self, song_s: float) -> float:
        return self._points[max(0, bisect_right(self._times, song_s) - 1)][2]


def link_anchor(session: LinkSession, beats: SongBeats, song_s: float, offset: float) -> Anchor:
    """The anchor that puts `song_s` where the session's timeline has it, running at the
    session's tempo against the song's tempo there (exact until either changes)."""
    wall = session.wall_at_beat(beats.beat_at(song_s) + offset)
    scale = beats.bpm_at(song_s) / session.tempo()
    return Anchor(wall, round(song_s * NS_PER_S), scale)
