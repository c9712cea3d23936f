"""Grooves and humanise in the compile: how late each track's line sounds, and the
seeded spread humanise puts on each note.

Grooves come from song/grooves.py (the song's `groove`, a track's own, or the
song's `swing` as the simplest one); their delays are taken as the decimals the
musician wrote, as swing always was, so the tempo map places them exactly.
"""

from __future__ import annotations

from fractions import Fraction

from tracker.engine.tempo import TempoMap, exact, swing_delay
from tracker.engine.variation import draw
from tracker.song.grooves import named
from tracker.song.limits import GROOVE_DELAY_RANGE
from tracker.song.model import Humanise, Song

ExactGroove = tuple[Fraction, ...]

MAX_DELAY = exact(GROOVE_DELAY_RANGE[1])
HUMANISE_STEPS = 1024
"""A humanised start lands on one of this many places between its tick and the next."""


def exact_grooves(song: Song) -> list[ExactGroove | None]:
    """Each track's groove as exact fractions of a line (None: straight). Tracks that
    follow the song's groove share one tuple, so `LineShifts` can tell a line all tracks
    agree on."""
    default: ExactGroove | None = None
    if song.groove is not None:
        default = _exact(song, song.groove)
    elif song.swing:
        default = (Fraction(0), swing_delay(song.swing))
    return [
        _exact(song, track.groove) if track.groove is not None else default for track in song.tracks
    ]


def _exact(song: Song, name: str) -> ExactGroove | None:
    """A groove's delays as written, in lines; never past MAX_DELAY (a tick groove
    from before `tpl` was lowered), where a line's ticks would run out of room."""
    groove = named(song, name)
    if groove is None:
        return None
    per = song.tpl if groove.in_ticks else 1
    return tuple(min(exact(d) / per, MAX_DELAY) for d in groove.delays)


def all_delays(grooves: list[ExactGroove | None]) -> set[Fraction]:
    return {d for groove in grooves if groove is not None for d in groove}


class LineShifts:
    """Per line, the shift (sub-ticks) of every track: one for all when they agree."""

    def __init__(self, grooves: list[ExactGroove | None], tempo: TempoMap) -> None:
        self._tables = [None if g is None else tuple(tempo.shift(d) for d in g) for g in grooves]
        self._uniform = len({id(g) for g in grooves}) <= 1
        self._straight = all(g is None for g in grooves)

    def at(self, line: int) -> tuple[int, list[int] | None]:
        """(shift for every track, or per track: None when they all share the first)."""
        tables = self._tables
        if self._straight:
            return 0, None
        if self._uniform:
            table = tables[0]
            return (0 if table is None else table[line % len(table)]), None
        per_track = [0 if t is None else t[line % len(t)] for t in tables]
        return 0, per_track


class Humaniser:
    """Seeded spread on each struck note: velocity either way, a start a little late."""

    def __init__(self, seed: int, humanise: Humanise) -> None:
        self.seed = seed
        self.spread = humanise.velocity
        self.late = exact(humanise.timing)

    def velocity(self, velocity: int, where: tuple[object, ...]) -> int:
        if not self.spread:
            return velocity
        change = round((2 * draw(self.seed, "velocity", *where) - 1) * self.spread)
        return max(1, min(127, velocity + change))

    def nudge(self, where: tuple[object, ...]) -> Fraction:
        """How far towards the next tick the note starts (0 to `timing`, under one tick)."""
        if not self.late:
            return Fraction(0)
        step = int(draw(self.seed, "timing", *where) * HUMANISE_STEPS)
        return min(
            self.late * Fraction(step, HUMANISE_STEPS), Fraction(HUMANISE_STEPS - 1, HUMANISE_STEPS)
        )
