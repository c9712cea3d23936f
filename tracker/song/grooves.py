"""Grooves: how late each line's notes sound, as a template that repeats down a pattern.

A groove is a tuple of delays, one per line, each a fraction of a line (0 is on
the grid, 0.5 half a line late) or, written `{ ticks = [...] }`, a number of ticks,
repeating: line `n` of a pattern is delayed by `delays[n % len(delays)]`. A delayed line keeps its boundaries on the grid; its
ticks squeeze into what is left (engine/tempo.py), so effects stay in the line.

The song's `swing` is the simplest groove, (0, swing / 2): every second line half
a swing late. The presets below are MPC-style swing percentages over two lines
(50 % straight, 66 % a triplet feel, 75 % the heaviest: the second 16th sits at
that share of the 8th) and two 16-line templates. A song may add its own in its
`[grooves]` table; the song's `groove` picks one for every track, a track's own
`groove` overrides it.
"""

from __future__ import annotations

from tracker.song.limits import GROOVE_DELAY_RANGE, GROOVE_LINES_RANGE, TPL_RANGE
from tracker.song.model import Groove, Song


def _mpc(percent: int) -> Groove:
    """An MPC swing percentage as a 2-line groove: the second line at percent/100 of the pair."""
    return Groove((0.0, round((2 * percent - 100) / 100, 2)))


PRESETS: dict[str, Groove] = {
    "straight": Groove((0.0,)),
    **{f"swing-{p}": _mpc(p) for p in (54, 58, 62, 66, 71, 75)},
    "shuffle-16": Groove(
        (
            0.0,
            0.3,
            0.0,
            0.22,
            0.0,
            0.3,
            0.0,
            0.16,
            0.0,
            0.3,
            0.0,
            0.22,
            0.0,
            0.34,
            0.06,
            0.2,
        )
    ),
    "lazy-16": Groove(
        (
            0.0,
            0.12,
            0.08,
            0.16,
            0.04,
            0.12,
            0.1,
            0.2,
            0.0,
            0.14,
            0.06,
            0.16,
            0.04,
            0.1,
            0.12,
            0.22,
        )
    ),
}
"""The named grooves every song can use."""


def groove_problem(groove: Groove) -> str | None:
    """Why a groove is not one, or None. Delays in ticks are checked against the most
    ticks a line can have, not the song's `tpl`, so lowering `tpl` never makes a song
    unreadable: the engine holds any delay to 0.9 of a line (engine/feel.py)."""
    low, high = GROOVE_LINES_RANGE
    if not low <= len(groove.delays) <= high:
        return f"a groove has {low} to {high} delays, this one has {len(groove.delays)}"
    first, last = GROOVE_DELAY_RANGE
    if groove.in_ticks:
        first, last = 0, TPL_RANGE[1] - 1
    for index, delay in enumerate(groove.delays):
        if not first <= delay <= last:
            unit = "ticks" if groove.in_ticks else "a fraction of a line"
            return f"delay {index + 1} is {delay:g} (expected {unit}, {first:g} to {last:g})"
    return None


def named(song: Song, name: str) -> Groove | None:
    """The groove called `name`: the song's own first, then the presets."""
    return song.grooves.get(name, PRESETS.get(name))


def known_names(song: Song) -> list[str]:
    return [*song.grooves, *(p for p in PRESETS if p not in song.grooves)]
