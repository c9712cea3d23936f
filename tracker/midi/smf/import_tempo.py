"""MIDI import: ticks on lines, and the file's tempo as the song's bpm and Txx effects.

SongBuilder (import_song.py) places notes, bends and CCs; this module holds what turns
the file's time into the song's: `Grid` (ticks <-> lines), `TempoMap` (beats ->
seconds), `place_tempo`, which writes the Txx effects that keep every line as long as
the file's, and `measure`, which reports how far each note start moved in lines and
in milliseconds. It is apart because it is one piece of arithmetic with its own
tolerance and ranges, independent of how notes are spread over columns and tracks.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence

from tracker.midi.smf.import_report import ImportReport, TempoChange
from tracker.song.limits import BPM_RANGE, TEMPO_EFFECT_RANGE

DEFAULT_TEMPO_BPM = 120.0
TEMPO_TOLERANCE = 0.1
"""Lines the song's time may run ahead of or behind the file's before a Txx corrects it:
a Txx says whole bpm, so a tempo between two is written as each in turn."""


class Grid:
    """Ticks <-> lines."""

    def is_line(self, tick: int) -> bool:
        return (tick * self.lpb) % self.tpb == 0

    def __init__(self, ticks_per_beat: int, lpb: int):
        self.tpb = ticks_per_beat
        self.lpb = lpb

    def line(self, tick: int) -> int:
        """The nearest line; exactly half-way rounds later."""
        return (2 * tick * self.lpb + self.tpb) // (2 * self.tpb)

    def exact(self, tick: int) -> float:
        return tick * self.lpb / self.tpb


class TempoMap:
    """Beats -> seconds through a list of (beat, bpm) changes."""

    def __init__(self, first_bpm: float, changes: list[tuple[float, float]]):
        self.beats = [0.0]
        self.bpms = [first_bpm]
        self.seconds = [0.0]
        for beat, bpm in changes:
            if beat <= self.beats[-1]:
                self.bpms[-1] = bpm
                continue
            self.seconds.append(self.at(beat))
            self.beats.append(beat)
            self.bpms.append(bpm)

    def at(self, beat: float) -> float:
        i = bisect.bisect_right(self.beats, beat) - 1
        return self.seconds[i] + (beat - self.beats[i]) * 60.0 / self.bpms[i]


def _file_map(tempos: list[tuple[int, float]], tpb: int) -> tuple[float, TempoMap]:
    """The file's first bpm and its tempo map."""
    file_first = tempos[0][1] if tempos and tempos[0][0] == 0 else DEFAULT_TEMPO_BPM
    return file_first, TempoMap(file_first, [(tick / tpb, bpm) for tick, bpm in tempos])


def place_tempo(
    tempos: list[tuple[int, float]],
    grid: Grid,
    length: int,
    report: ImportReport,
    mark: Callable[[int], None],
    effect: Callable[[tuple[int, int, int], str, int], None],
) -> tuple[float, list[tuple[float, float]]]:
    """The song's bpm and Txx effects, line by line: each line plays at the file's
    mean tempo over it, in whole bpm, corrected whenever the song's time strays more
    than TEMPO_TOLERANCE lines from the file's. Each Txx's line is passed to `mark`
    and the effect to `effect`; returns the song's bpm and the changes as (beat, bpm)."""
    lpb = grid.lpb
    file_first, file_map = _file_map(tempos, grid.tpb)
    report.tempo_changes_in_file = sum(1 for tick, _ in tempos if tick > 0)
    at = [file_map.at(line / lpb) for line in range(length + 1)]
    changed = {grid.line(tick): bpm for tick, bpm in tempos if tick > 0}
    """Each line's last tempo change, when the file has one there."""
    low, high = TEMPO_EFFECT_RANGE

    def whole(bpm: int) -> int:
        return min(max(bpm, low), high)

    first = min(max(round(file_first, 2), BPM_RANGE[0]), BPM_RANGE[1])
    report.tempo.append(TempoChange(0, file_first, first, clamped=abs(first - file_first) > 0.005))
    current: float = first
    song_time = 60 / (lpb * current)
    changes: list[tuple[float, float]] = []
    for line in range(1, length):
        span = at[line + 1] - at[line]
        mean = 60 / (lpb * span)

        def drift(
            bpm: float, now: float = song_time, end: float = at[line + 1], span: float = span
        ) -> float:
            return (now + 60 / (lpb * bpm) - end) / span

        near = {whole(math.floor(mean)), whole(math.ceil(mean))}
        if line in changed or abs(drift(current)) > TEMPO_TOLERANCE:
            # The file's own tempo where it keeps the time; else the whole bpm nearest
            # the line's mean that brings the song's time back closest to the file's.
            best = whole(round(changed.get(line, mean)))
            if abs(drift(best)) > TEMPO_TOLERANCE:
                best = min(near, key=lambda bpm: (abs(drift(bpm)), abs(bpm - mean)))
            if abs(drift(best)) > TEMPO_TOLERANCE and low <= mean <= high:
                wider = near | {whole(min(near) - 1), whole(max(near) + 1)}
                best = min(wider, key=lambda bpm: (abs(drift(bpm)), abs(bpm - mean)))
            # Out of a Txx's reach, and the song's tempo is already nearer: keep it.
            nearer = not low <= mean <= high and abs(current - mean) <= abs(best - mean)
            if best != current and not nearer:
                current = best
                clamped = not low <= mean <= high + 1
                report.tempo.append(TempoChange(line, mean, best, clamped=clamped))
                mark(line)
                effect((0, 0, line), "T", best)
                changes.append((line / lpb, float(best)))
        song_time += 60 / (lpb * current)
    return first, changes


def measure(
    start_lines: Sequence[int],
    start_ticks: Sequence[int],
    tempos: list[tuple[int, float]],
    grid: Grid,
    first_bpm: float,
    changes: list[tuple[float, float]],
    report: ImportReport,
) -> None:
    """How far each note start (its line and its tick, in two sequences) moved, in lines
    and in seconds (file tempo vs song tempo)."""
    if not start_lines:
        return
    tpb = grid.tpb
    _, file_map = _file_map(tempos, tpb)
    song_map = TempoMap(first_bpm, changes)
    lpb = grid.lpb
    # A million notes start on a few ten thousand lines and ticks, and a start's line
    # is its tick's (Grid.line): each tick is measured once, each note looks it up.
    moved: dict[int, float] = {}
    off: dict[int, float] = {}
    song_at: dict[int, float] = {}
    for tick, line in dict(zip(start_ticks, start_lines, strict=True)).items():
        moved[tick] = abs(line - tick * lpb / tpb)  # grid.exact, inlined
        if line not in song_at:
            song_at[line] = song_map.at(line / lpb)
        off[tick] = abs(song_at[line] - file_map.at(tick / tpb))
    lines = list(map(moved.__getitem__, start_ticks))
    seconds = list(map(off.__getitem__, start_ticks))
    report.max_shift_lines = max(lines)
    report.mean_shift_lines = sum(lines) / len(lines)
    report.max_shift_ms = max(seconds) * 1000
    report.mean_shift_ms = sum(seconds) * 1000 / len(seconds)
