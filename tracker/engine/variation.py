"""Variation that renders the same every time: chance (Yxx), conditions (Ixy),
humanise, and the pass counts they go by.

Every random draw is a hash of the song's seed and where it is drawn: pattern,
track, note column, line, pass and what for. Nothing is drawn in sequence, so
an edit elsewhere in the song (a note added, a pattern inserted) never changes
any other draw, and the same song and seed give the same notes in live play,
the bounce and the MIDI export, which all play this one compile.

A pattern's pass number counts how many times it has been played so far,
from 1: in song order each order entry playing it (or a jump back into it) is
one pass; a looping player counts each loop of its range as more passes
(`repeat` in engine/timeline.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from hashlib import blake2b

from tracker.engine.score import LineData, Score
from tracker.engine.sequence import Position, walk
from tracker.song.model import Song

_SCALE = float(2**64)


def draw(seed: int, *where: object) -> float:
    """A number in [0, 1) fixed by the seed and the place it is drawn for."""
    key = ":".join(str(part) for part in (seed, *where)).encode()
    return int.from_bytes(blake2b(key, digest_size=8).digest(), "big") / _SCALE


def chance_plays(value: int, seed: int, where: tuple[object, ...]) -> bool:
    """Yxx: plays with probability xx/FF (Y00 never, YFF always)."""
    return draw(seed, "Y", *where) * 0xFF < value


def condition_plays(value: int, pass_number: int) -> bool:
    """Ixy: pass x of every y (I14: 1, 5, 9 ...); I0y: every pass but the y-th of each y.
    y = 0 has no cycle: the note always plays."""
    x, y = value >> 4, value & 0x0F
    if y == 0:
        return True
    place = (pass_number - 1) % y + 1
    return place != y if x == 0 else place == x


@dataclass
class Passes:
    """Pass numbers per pattern, counted as play walks the song."""

    counts: dict[str, int] = field(default_factory=dict)
    last: tuple[int, int] | None = None
    """(order entry, line) of the line played before: a new entry, or a jump back
    inside one, starts a new pass."""

    def enter(self, position: Position) -> int:
        """The pass of the pattern this line is in."""
        name = position.pattern
        last = self.last
        if last is None or last[0] != position.order or position.line <= last[1]:
            self.counts[name] = self.counts.get(name, 0) + 1
        self.last = (position.order, position.line)
        return self.counts[name]

    def shifted(self, runs: int, per_run: dict[str, int]) -> Passes:
        """These counts `runs` more runs of a range on, each adding `per_run` passes."""
        counts = dict(self.counts)
        for name, count in per_run.items():
            counts[name] = counts.get(name, 0) + runs * count
        return Passes(counts, self.last)


def passes_per_run(
    song: Song, score: Score, start_order: int, start_line: int, end_order: int | None
) -> dict[str, int]:
    """How many passes each pattern gets in one run of a range (a looping player's)."""
    passes = Passes()
    for position in walk(song, score, start_order, start_line, end_order):
        passes.enter(position)
    return passes.counts


def gated(data: LineData, seed: int, pattern: str, line: int, pass_number: int) -> LineData:
    """The line as this pass plays it: cells whose Y or I says no are left out."""
    cells = tuple(
        step
        for step in data.cells
        if _plays(step[3], seed, (pattern, step[0], step[1], line, pass_number), pass_number)
    )
    return data if len(cells) == len(data.cells) else replace(data, cells=cells)


def _plays(effects: dict[str, int], seed: int, where: tuple[object, ...], pass_number: int) -> bool:
    chance = effects.get("Y")
    if chance is not None and not chance_plays(chance, seed, where):
        return False
    condition = effects.get("I")
    return condition is None or condition_plays(condition, pass_number)
