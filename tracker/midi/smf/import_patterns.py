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
from typing import Any

from tracker.midi.smf.import_report import ImportReport, MeterChange
from tracker.midi.smf.import_tempo import Grid
from tracker.song.model import MAX_LINES, Cell, Pattern, Song, Track

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


def split(
    song: Song,
    cells: dict[tuple[int, int, int], Cell],
    cc: dict[tuple[int, int, int], int],
    length: int,
    starts: list[int],
) -> None:
    """Cut the placed content ((track, column or lane, line) keys) into patterns
    starting at `starts`; identical patterns are written once."""
    contents: list[dict[str, dict[tuple[int, int, int], Any]]] = [
        {"cells": {}, "cc": {}} for _ in starts
    ]
    for (track, column, line), cell in cells.items():
        i = bisect.bisect_right(starts, line) - 1
        contents[i]["cells"][(track, column, line - starts[i])] = cell
    for (track, lane, line), value in cc.items():
        i = bisect.bisect_right(starts, line) - 1
        contents[i]["cc"][(track, lane, line - starts[i])] = value
    ends = [*starts[1:], length]
    names: dict[tuple[Any, ...], str] = {}
    for index, content in enumerate(contents):
        lines = ends[index] - starts[index]
        key = (
            lines,
            tuple(sorted(content["cells"].items())),
            tuple(sorted(content["cc"].items())),
        )
        if key not in names:
            name = f"{len(names):02X}"
            names[key] = name
            song.patterns[name] = _pattern(song.tracks, lines, content)
        song.order.append(names[key])


def _pattern(
    tracks: list[Track], lines: int, content: dict[str, dict[tuple[int, int, int], Any]]
) -> Pattern:
    pattern = Pattern.empty(tracks, lines)
    for (track, column, line), cell in content["cells"].items():
        pattern.tracks[track].columns[column][line] = cell
    for (track, lane, line), value in content["cc"].items():
        pattern.tracks[track].cc[lane][line] = value
    return pattern
