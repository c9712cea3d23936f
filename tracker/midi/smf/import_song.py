"""MIDI import, second pass: the collected events placed on lines, columns and patterns.

Ticks become lines (`Grid`), each track's notes spread over note columns, CCs
into lanes and tempo changes into Txx effects; the report learns how far each
note moved. The rules are in import_.py's docstring.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tracker.errors import InstrumentError, MidiFileError
from tracker.instruments import load_gm
from tracker.midi.smf.import_events import DRUM_BANK, Events, Note
from tracker.midi.smf.import_report import ImportReport, TempoChange
from tracker.song.fileformat import BPM_RANGE
from tracker.song.model import (
    MAX_INSTRUMENTS,
    MAX_NOTE_COLUMNS,
    MAX_TRACKS,
    NOTE_OFF,
    Cell,
    Effect,
    Instrument,
    Pattern,
    Song,
    Track,
    empty_cell,
)

DEFAULT_TEMPO_BPM = 120.0
TEMPO_EFFECT_RANGE = (0x20, 0xFF)
"""What a Txx effect can say."""
MAX_IMPORT_LINES = 100_000


def instrument_name(program: int, *, drums: bool) -> str:
    """The General MIDI name of a program; GM 1 names no drum kits, so they are numbered."""
    if drums:
        return "Drum kit" if program == 0 else f"Drum kit {program}"
    try:
        return load_gm().program_name(program)
    except InstrumentError:  # no gm.toml installed: the number still says what to load
        return f"Program {program}"


class Grid:
    """Ticks <-> lines."""

    def __init__(self, ticks_per_beat: int, lpb: int):
        self.tpb = ticks_per_beat
        self.lpb = lpb

    def line(self, tick: int) -> int:
        """The nearest line; exactly half-way rounds later."""
        return (2 * tick * self.lpb + self.tpb) // (2 * self.tpb)

    def exact(self, tick: int) -> float:
        return tick * self.lpb / self.tpb


class _TempoMap:
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


@dataclass
class _Placed:
    """Sparse song content at absolute lines."""

    cells: dict[tuple[int, int, int], Cell] = field(default_factory=dict)
    """(track, column, line) -> cell."""
    cc: dict[tuple[int, int, int], int] = field(default_factory=dict)
    """(track, lane, line) -> value."""


class SongBuilder:
    def __init__(
        self, events: Events, grid: Grid, report: ImportReport, title: str, path: str | Path
    ):
        self.path = path
        self.events = events
        self.grid = grid
        self.report = report
        self.title = title
        self.placed = _Placed()
        if len(events.groups) > MAX_TRACKS:
            raise MidiFileError(
                f"{path}: the file has {len(events.groups)} tracks with notes; a song holds at most"
                f" {MAX_TRACKS} (try importing with tracks by channel)"
            )
        if len(events.instruments) > MAX_INSTRUMENTS:
            raise MidiFileError(
                f"{path}: the file uses {len(events.instruments)} different programs; a song holds at"
                f" most {MAX_INSTRUMENTS} instruments"
            )
        self.dropped: Counter[str] = Counter(report.dropped)
        self.last_line = 0

    def build(self, pattern_lines: int) -> Song:
        groups = self.events.groups or {0: "Track 1"}
        tracks = [Track(name=name) for name in groups.values()]
        index_of = {group: i for i, group in enumerate(groups)}
        notes_by_track: dict[int, list[Note]] = defaultdict(list)
        for note in self.events.notes:
            notes_by_track[index_of[note.group]].append(note)
        placed_notes: list[tuple[Note, int]] = []
        for t, track in enumerate(tracks):
            track.notes, kept = self._place_notes(t, notes_by_track[t])
            placed_notes += kept
        self._place_controls(tracks, index_of)
        first_bpm, tempo_changes = self._place_tempo()
        self._measure(placed_notes, first_bpm, tempo_changes)
        self.report.dropped = dict(self.dropped)
        length = self._length(pattern_lines)
        song = Song(
            title=self.title,
            bpm=first_bpm,
            lpb=self.grid.lpb,
            instruments=self._instruments(),
            tracks=tracks,
        )
        self._split(song, length, pattern_lines)
        return song

    def _mark(self, line: int) -> None:
        if line >= MAX_IMPORT_LINES:
            raise MidiFileError(
                f"{self.path}: the music runs past line {MAX_IMPORT_LINES} at {self.grid.lpb} lines per beat,"
                " longer than a song can be; is the file damaged?"
            )
        self.last_line = max(self.last_line, line)

    def _place_notes(self, track: int, notes: list[Note]) -> tuple[int, list[tuple[Note, int]]]:
        """Spread one track's notes over note columns; returns the column count and the
        notes kept with their start lines."""
        column_ends: list[int] = []
        columns: list[list[tuple[int, int, Note]]] = []
        kept: list[tuple[Note, int]] = []
        line = self.grid.line
        for note in sorted(notes, key=lambda n: (line(n.start), n.start, n.pitch, n.end)):
            start, end = line(note.start), line(note.end)
            if end <= start:
                end = start + 1
                self.report.notes_lengthened += 1
            column = next((c for c, free in enumerate(column_ends) if free <= start), None)
            if column is None:
                if len(columns) == MAX_NOTE_COLUMNS:
                    self.dropped[f"note (more than {MAX_NOTE_COLUMNS} at once on a track)"] += 1
                    continue
                column = len(columns)
                columns.append([])
                column_ends.append(0)
            column_ends[column] = end
            columns[column].append((start, end, note))
            kept.append((note, start))
        for c, column_notes in enumerate(columns):
            for i, (start, end, note) in enumerate(column_notes):
                self._mark(end)
                self.placed.cells[(track, c, start)] = Cell(
                    note=note.pitch, instrument=note.instrument, volume=note.velocity
                )
                followed = i + 1 < len(column_notes) and column_notes[i + 1][0] == end
                if not followed:
                    self.placed.cells[(track, c, end)] = Cell(note=NOTE_OFF)
        self.report.notes_imported += len(kept)
        return max(1, len(columns)), kept

    def _place_controls(self, tracks: list[Track], index_of: dict[int, int]) -> None:
        lanes: dict[tuple[int, int], int] = {}
        for group, control, _, _ in sorted(self.events.controls):
            track = tracks[index_of[group]]
            if (group, control) not in lanes:
                lanes[(group, control)] = len(track.cc)
                track.cc.append(str(control))
        for group, control, tick, value in sorted(self.events.controls, key=lambda c: c[2]):
            key = (index_of[group], lanes[(group, control)], self.grid.line(tick))
            self._mark(key[2])
            if key in self.placed.cc:
                self.dropped[f"control change {control} (several on one line)"] += 1
            self.placed.cc[key] = value

    def _place_tempo(self) -> tuple[float, list[tuple[float, float]]]:
        """Song bpm and Txx effects; returns the song's tempo changes as (beat, bpm)."""
        tempos = self.events.tempos
        file_first = tempos[0][1] if tempos and tempos[0][0] == 0 else DEFAULT_TEMPO_BPM
        first = min(max(round(file_first, 2), BPM_RANGE[0]), BPM_RANGE[1])
        self.report.tempo.append(TempoChange(0, file_first, first))
        by_line: dict[int, float] = {}
        for tick, bpm in tempos:
            if tick > 0:
                line = self.grid.line(tick)
                if line in by_line:
                    self.dropped["tempo change (several on one line)"] += 1
                by_line[line] = bpm
        changes: list[tuple[float, float]] = []
        for line, bpm in sorted(by_line.items()):
            low, high = TEMPO_EFFECT_RANGE
            written = min(max(math.floor(bpm + 0.5), low), high)
            self.report.tempo.append(TempoChange(line, bpm, float(written)))
            self._mark(line)
            key = (0, 0, line)
            cell = self.placed.cells.get(key, empty_cell())
            self.placed.cells[key] = replace(cell, effects=(Effect("T", written),))
            changes.append((line / self.grid.lpb, float(written)))
        return first, changes

    def _measure(
        self,
        placed: list[tuple[Note, int]],
        first_bpm: float,
        changes: list[tuple[float, float]],
    ) -> None:
        """How far each note start moved, in lines and in seconds (file tempo vs song tempo)."""
        if not placed:
            return
        tpb = self.grid.tpb
        tempos = self.events.tempos
        file_first = tempos[0][1] if tempos and tempos[0][0] == 0 else DEFAULT_TEMPO_BPM
        file_map = _TempoMap(file_first, [(tick / tpb, bpm) for tick, bpm in tempos])
        song_map = _TempoMap(first_bpm, changes)
        lines = [abs(start - self.grid.exact(note.start)) for note, start in placed]
        seconds = [
            abs(song_map.at(start / self.grid.lpb) - file_map.at(note.start / tpb))
            for note, start in placed
        ]
        self.report.max_shift_lines = max(lines)
        self.report.mean_shift_lines = sum(lines) / len(lines)
        self.report.max_shift_ms = max(seconds) * 1000
        self.report.mean_shift_ms = sum(seconds) * 1000 / len(seconds)

    def _length(self, pattern_lines: int) -> int:
        content = self.last_line + 1
        end = self.grid.line(self.events.end_tick)
        if end > content + pattern_lines:
            self.report.trimmed_lines = end - content
            return content
        return max(content, end)

    def _instruments(self) -> dict[int, Instrument]:
        instruments: dict[int, Instrument] = {}
        for (channel, bank, program), number in self.events.instruments.items():
            instruments[number] = Instrument(
                name=instrument_name(program, drums=bank == DRUM_BANK),
                soundfont="default",
                program=program,
                bank=bank,
                channel=channel + 1,
            )
        names = Counter(i.name for i in instruments.values())
        for number, instrument in instruments.items():
            if names[instrument.name] > 1:
                instruments[number] = replace(
                    instrument, name=f"{instrument.name} (ch {instrument.channel})"
                )
        return instruments

    def _split(self, song: Song, length: int, pattern_lines: int) -> None:
        """Cut the placed content into patterns; identical patterns are written once."""
        count = max(1, -(-length // pattern_lines))
        contents: list[dict[str, dict[tuple[int, int, int], Any]]] = [
            {"cells": {}, "cc": {}} for _ in range(count)
        ]
        for (track, column, line), cell in self.placed.cells.items():
            contents[line // pattern_lines]["cells"][(track, column, line % pattern_lines)] = cell
        for (track, lane, line), value in self.placed.cc.items():
            contents[line // pattern_lines]["cc"][(track, lane, line % pattern_lines)] = value
        names: dict[tuple[Any, ...], str] = {}
        for index, content in enumerate(contents):
            lines = min(pattern_lines, length - index * pattern_lines)
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
