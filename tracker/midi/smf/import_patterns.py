"""MIDI import: the placed song cut into patterns.

SongBuilder (import_song.py) places everything at absolute lines; this module decides
where patterns start and how long the song is, and cuts the content there: `patterns_of`
turns time signatures into whole-bar pattern lengths (and reports the ones that cannot
be), `song_length` keeps silence after the last event up to a pattern's length,
`pattern_starts` lays the patterns end to end, and `split` writes them into the song,
identical ones once. It is apart because it reads only lines and the time signatures,
not how the notes, bends, CCs or tempo got onto those lines.
"""

from __future__ import annotations

import bisect
from operator import attrgetter

from tracker.midi.smf.import_columns import Placed
from tracker.midi.smf.import_report import ImportReport, MeterChange
from tracker.midi.smf.import_tempo import Grid
from tracker.song.model import MAX_LINES, Pattern, Song

DEFAULT_PATTERN_LINES = 64
"""Without a time signature, or a pattern length asked for, patterns are this many lines."""


def patterns_of(
    meters: list[tuple[int, int, int]],
    grid: Grid,
    pattern_lines: int | None,
    report: ImportReport,
) -> list[tuple[int, int]]:
    """(first line, pattern length) from each time signature on: a whole number of
    bars where the bar is a whole number of lines; the report says where it is not."""
    default = pattern_lines or DEFAULT_PATTERN_LINES
    stretches = [(0, default)]
    lpb = grid.lpb
    for tick, numerator, denominator in meters:
        line = grid.line(tick)
        bar = numerator * 4 * lpb / denominator
        whole = bar == int(bar) and bar > 0 and grid.is_line(tick)
        length = None
        if whole and pattern_lines is None:
            bars = 1
            while bar * bars * 2 <= max(DEFAULT_PATTERN_LINES, bar) and bar * bars * 2 <= MAX_LINES:
                bars *= 2
            length = min(int(bar) * bars, MAX_LINES) if bar <= MAX_LINES else None
        report.meters.append(MeterChange(line, numerator, denominator, bar, length))
        if length is None:
            continue
        if line == 0:
            stretches[0] = (0, length)
        elif line > stretches[-1][0]:
            stretches.append((line, length))
        else:
            stretches[-1] = (line, length)
    return stretches


def pattern_starts(stretches: list[tuple[int, int]], length: int) -> list[int]:
    """Each pattern's first line, the `stretches` of `patterns_of` laid over `length` lines."""
    starts: list[int] = []
    for i, (first, size) in enumerate(stretches):
        stop = stretches[i + 1][0] if i + 1 < len(stretches) else length
        starts += list(range(first, min(stop, length), size))
    return starts or [0]


def song_length(
    last_line: int, end_tick: int, grid: Grid, pattern_lines: int, report: ImportReport
) -> int:
    """The song's lines: to the file's end, unless that is more than `pattern_lines` of
    silence after the last line with content (then the report says what was trimmed)."""
    content = last_line + 1
    end = grid.line(end_tick)
    if end > content + pattern_lines:
        report.trimmed_lines = end - content
        return content
    return max(content, end)


def split(song: Song, placed: Placed, length: int, starts: list[int]) -> None:
    """Cut the placed content into patterns starting at `starts`; identical patterns
    are written once.

    Each cell goes straight into its pattern, and identical patterns are found by a
    hash of their content, then compared in full: a big file's content is never held
    twice (a key of every pattern's items was as large as the song itself)."""
    ends = [*starts[1:], length]
    patterns = [
        Pattern.empty(song.tracks, end - start) for start, end in zip(starts, ends, strict=True)
    ]
    for i, track, column, lines, cells, first in placed.lines_of(starts):
        target = patterns[i].tracks[track].columns[column]
        for line, cell in zip(lines, cells, strict=True):
            target[line - first] = cell
    for (track, column, line), cell in placed.cells.items():  # over the notes' cells
        i = bisect.bisect_right(starts, line) - 1
        patterns[i].tracks[track].columns[column][line - starts[i]] = cell
    for (track, lane, line), value in placed.cc.items():
        i = bisect.bisect_right(starts, line) - 1
        patterns[i].tracks[track].cc[lane][line - starts[i]] = value
    seen: dict[int, list[str]] = {}
    for pattern in patterns:
        alike = seen.setdefault(_content_hash(pattern), [])
        name = next((n for n in alike if song.patterns[n] == pattern), None)
        if name is None:
            name = f"{len(song.patterns):02X}"
            alike.append(name)
            song.patterns[name] = pattern
        song.order.append(name)


_NOTE_OF = attrgetter("note")


def _content_hash(pattern: Pattern) -> int:
    """A hash of the pattern's lines, notes and CC values: equal patterns hash alike, and
    the rare ones alike in these alone are told apart by the full comparison after. The
    cells' own hashes cost a Python call each (a fifth of a big import, measured)."""
    return hash(
        (
            pattern.lines,
            tuple(
                tuple(map(_NOTE_OF, column)) for part in pattern.tracks for column in part.columns
            ),
            tuple(tuple(lane) for part in pattern.tracks for lane in part.cc),
        )
    )
