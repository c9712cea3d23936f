"""MIDI import, second pass: the collected events placed on lines, columns and patterns.

Each part's notes spread over note columns (import_columns.py, and over several tracks
when they need more columns than a track may have), CCs into lanes, pitch bends into Wxx effects;
ticks become lines through `Grid`, and the tempo becomes the song's bpm and Txx
effects (both in import_tempo.py); time signatures become pattern lengths and the
content is cut into patterns (import_patterns.py); the report learns how far each
note moved. The rules are in import_.py's docstring.
"""

from __future__ import annotations

import bisect
import heapq
from array import array
from collections import Counter, defaultdict
from dataclasses import replace
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from tracker.engine.mixer import (
    CENTRE,
    CHORUS_CC,
    MIXER_CONTROLLERS,
    PAN_CC,
    REVERB_CC,
    VOLUME_CC,
    volume_db_of,
)
from tracker.errors import InstrumentError, MidiFileError
from tracker.instruments import load_gm
from tracker.instruments.model import DRUM_BANK
from tracker.lanes import lane_name_of
from tracker.midi.encode import BEND_CENTRE
from tracker.midi.smf.import_columns import Placed, fill, spread
from tracker.midi.smf.import_events import Events, Note
from tracker.midi.smf.import_patterns import pattern_starts, patterns_of, song_length, split
from tracker.midi.smf.import_report import ImportReport
from tracker.midi.smf.import_tempo import Grid, measure, place_tempo
from tracker.song.model import (
    MAX_CC_LANES,
    MAX_EFFECT_COLUMNS,
    MAX_INSTRUMENTS,
    MAX_NOTE_COLUMNS,
    MAX_TRACKS,
    Cell,
    Effect,
    Instrument,
    Song,
    Track,
)

MAX_IMPORT_LINES = 100_000
_START = itemgetter(4)
"""A Note's start tick."""
BEND_STEP = 64
"""A Wxx step in 14-bit pitch-bend units (W80 is the centre, 8192)."""


def instrument_name(program: int, *, drums: bool) -> str:
    """The General MIDI name of a program; GM 1 names no drum kits, so they are numbered."""
    if drums:
        return "Drum kit" if program == 0 else f"Drum kit {program}"
    try:
        return load_gm().program_name(program)
    except InstrumentError:  # no gm.toml installed: the number still says what to load
        return f"Program {program}"


class _PlacedNote(NamedTuple):
    """A note at its track, column and lines (a tuple: a million of them, built fast)."""

    note: Note
    track: int
    column: int
    start: int
    end: int


class SongBuilder:
    def __init__(
        self,
        events: Events,
        grid: Grid,
        report: ImportReport,
        title: str,
        path: str | Path,
        max_columns: int | None = None,
    ):
        self.path = path
        self.events = events
        self.grid = grid
        self.report = report
        self.title = title
        self.max_columns = max_columns or MAX_NOTE_COLUMNS
        self.placed = Placed()
        self.starts: tuple[array[int], array[int]] = (array("q"), array("q"))
        """Each kept note's start line and tick, in the order notes are placed."""
        self.first_note: dict[int, tuple[int, int]] = {}
        """track -> (line, instrument) of its first note (the first column's at a tie)."""
        self.strips: set[tuple[int, int]] = set()
        """(group, controller) pairs taken as the part's mixer strip, not as lanes."""
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

    def build(self, pattern_lines: int | None) -> Song:
        groups = self.events.groups or {0: "Track 1"}
        notes_of = self.events.notes
        self.events.notes = {}  # each part's notes go once they are placed
        first_of = {group: min(map(_START, notes)) for group, notes in notes_of.items()}
        tracks: list[Track] = []
        tracks_of: dict[int, list[int]] = {}
        placed_notes: list[_PlacedNote] | None = [] if self.events.bends else None
        for group, name in groups.items():
            tracks_of[group] = self._place_part(tracks, name, notes_of.pop(group, []), placed_notes)
        self.report.notes_imported = len(self.starts[0])
        if placed_notes is not None:
            self._place_bends(placed_notes, tracks_of)
        self._take_strips(tracks, tracks_of, first_of)
        self._place_controls(tracks, tracks_of)
        self._route_early_lanes()
        for tick, _ in self.events.tempos:  # the song lasts until the file's last tempo change
            self._mark(self.grid.line(tick))
        events, grid, report = self.events, self.grid, self.report
        stretches = patterns_of(events.meters, grid, pattern_lines, report)
        length = song_length(self.last_line, events.end_tick, grid, stretches[0][1], report)
        first_bpm, tempo_changes = place_tempo(
            events.tempos, grid, length, report, self._mark, self.placed.effect
        )
        measure(*self.starts, events.tempos, grid, first_bpm, tempo_changes, report)
        self._effect_columns(tracks)
        self.report.dropped = dict(self.dropped)
        song = Song(
            title=self.title,
            bpm=first_bpm,
            lpb=self.grid.lpb,
            instruments=self._instruments(),
            tracks=tracks,
        )
        split(song, self.placed, length, pattern_starts(stretches, length))
        return song

    def _mark(self, line: int) -> None:
        if line >= MAX_IMPORT_LINES:
            raise MidiFileError(
                f"{self.path}: the music runs past line {MAX_IMPORT_LINES} at {self.grid.lpb} lines per beat,"
                " longer than a song can be; is the file damaged?"
            )
        self.last_line = max(self.last_line, line)

    # -- notes --------------------------------------------------------------

    def _place_part(
        self,
        tracks: list[Track],
        name: str,
        notes: list[Note],
        placed_notes: list[_PlacedNote] | None,
    ) -> list[int]:
        """Spread one part's notes over note columns, `max_columns` to a track and as
        many tracks as that takes ("Piano", "Piano 2", ...); returns the part's tracks.
        The notes kept go onto `placed_notes` when it is a list (for the bends)."""
        columns, lengthened = spread(notes, self.grid)
        self.report.notes_lengthened += lengthened
        width = self.max_columns
        chunks = [columns[i : i + width] for i in range(0, len(columns), width)] or [[]]
        part: list[int] = []
        shared: dict[tuple[int, int, int], Cell] = {}
        for number, chunk in enumerate(chunks):
            if len(tracks) == MAX_TRACKS:
                left = sum(len(c) for rest in chunks[number:] for c in rest)
                self.dropped[f"note (no room for another track: a song holds {MAX_TRACKS})"] += left
                break
            track = len(tracks)
            part.append(track)
            tracks.append(
                Track(
                    name=name if number == 0 else f"{name} {number + 1}", notes=max(1, len(chunk))
                )
            )
            for c, column_notes in enumerate(chunk):
                if not column_notes:
                    continue
                self._mark(column_notes[-1][1])  # ends rise along a column
                fill(self.placed, track, c, column_notes, shared, self.starts)
                start, _, note = column_notes[0]
                if track not in self.first_note or start < self.first_note[track][0]:
                    self.first_note[track] = (start, note.instrument)
                if placed_notes is not None:
                    placed_notes += (_PlacedNote(n, track, c, s, e) for s, e, n in column_notes)
        return part

    # -- pitch bends and CC lanes ---------------------------------------------

    def _place_bends(self, notes: list[_PlacedNote], tracks_of: dict[int, list[int]]) -> None:
        """Each line's last bend becomes a Wxx; every note that starts while its channel
        is bent says the bend again (a new note recentres the bend unless its line sets W)."""
        if not self.events.bends:  # most files: no need to index a million notes
            return
        by_line: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
        for group, channel, tick, value in self.events.bends:
            lines = by_line[(group, channel)]
            line = self.grid.line(tick)
            if line in lines:
                self.dropped["pitch bend (several on one line: the last is kept)"] += 1
            lines[line] = min(255, max(0, round(value / BEND_STEP)))
        starts: dict[tuple[int, int, int], list[_PlacedNote]] = defaultdict(list)
        of_channel: dict[tuple[int, int], list[_PlacedNote]] = defaultdict(list)
        for placed in notes:
            starts[(placed.note.group, placed.note.channel, placed.start)].append(placed)
            of_channel[(placed.note.group, placed.note.channel)].append(placed)
        for (group, channel), lines in by_line.items():
            if group not in tracks_of or not tracks_of[group]:
                continue
            order = sorted(lines)
            playing = of_channel.get((group, channel), [])
            sounding_at = _first_sounding(playing, order)
            for line in order:
                self._mark(line)
                here = starts.get((group, channel, line))
                if here:
                    continue  # said on the notes below
                sounding = sounding_at[line]
                if sounding is not None:
                    key = (sounding.track, sounding.column, line)
                else:
                    key = (tracks_of[group][0], 0, line)
                self.placed.effect(key, "W", lines[line])
            for placed in playing:
                i = bisect.bisect_right(order, placed.start) - 1
                value = lines[order[i]] if i >= 0 else BEND_CENTRE // BEND_STEP
                if i >= 0 and (value != BEND_CENTRE // BEND_STEP or order[i] == placed.start):
                    self.placed.effect((placed.track, placed.column, placed.start), "W", value)

    def _take_strips(
        self,
        tracks: list[Track],
        tracks_of: dict[int, list[int]],
        first_of: dict[int, int],
    ) -> None:
        """A volume, pan or send a part sets once, at or before its first note, is its
        mixer strip (what our own export writes where a song starts), not a CC lane."""
        events: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for group, control, tick, value in self.events.controls:
            if control in MIXER_CONTROLLERS:
                events[(group, control)].append((tick, value))
        for (group, control), moves in events.items():
            first, parts = first_of.get(group), tracks_of.get(group)
            if not parts or first is None or len({v for _, v in moves}) != 1:
                continue
            if max(t for t, _ in moves) > first:
                continue
            value = moves[0][1]
            for index in parts:
                _set_strip(tracks[index], control, value)
            self.strips.add((group, control))

    def _place_controls(self, tracks: list[Track], tracks_of: dict[int, list[int]]) -> None:
        lanes: dict[tuple[int, int], int] = {}
        controls = [c for c in self.events.controls if (c[0], c[1]) not in self.strips]
        for group, control, _, _ in sorted(controls):
            if (group, control) in lanes or group not in tracks_of or not tracks_of[group]:
                continue
            track = tracks[tracks_of[group][0]]
            if len(track.cc) == MAX_CC_LANES:
                lanes[(group, control)] = -1
                continue
            lanes[(group, control)] = len(track.cc)
            track.cc.append(lane_name_of(control))
        for group, control, tick, value in sorted(controls, key=lambda c: c[2]):
            lane = lanes.get((group, control), -1)
            if lane < 0:
                self.dropped[
                    f"control change {lane_name_of(control)} (a track holds {MAX_CC_LANES} CC lanes)"
                ] += 1
                continue
            key = (tracks_of[group][0], lane, self.grid.line(tick))
            self._mark(key[2])
            if key in self.placed.cc:
                self.dropped[f"control change {lane_name_of(control)} (several on one line)"] += 1
            self.placed.cc[key] = value

    def _route_early_lanes(self) -> None:
        """A CC lane or a bend before a track's first note would go to the channel of the
        song's first instrument: the track's first instrument is written on that line."""
        earliest: dict[int, int] = {}
        for track, _, line in list(self.placed.cc) + list(self.placed.effects):
            earliest[track] = min(earliest.get(track, line), line)
        for track, line in earliest.items():
            first = self.first_note.get(track)
            if first is None or line >= first[0]:
                continue
            key = (track, 0, line)
            cell = self.placed.get(key) or Cell()
            self.placed.cells[key] = replace(cell, instrument=first[1])

    def _effect_columns(self, tracks: list[Track]) -> None:
        """Each track gets as many effect columns as its busiest cell needs; the effects
        go into the cells."""
        for (track, column, line), effects in sorted(self.placed.effects.items()):
            if len(effects) > MAX_EFFECT_COLUMNS:
                effects = dict(list(effects.items())[:MAX_EFFECT_COLUMNS])
            tracks[track].effects = max(tracks[track].effects, len(effects))
            self.placed.effects[(track, column, line)] = effects
        for key, effects in self.placed.effects.items():
            cell = self.placed.get(key) or Cell()
            width = tracks[key[0]].effects
            slots = [Effect(letter, value) for letter, value in effects.items()]
            self.placed.cells[key] = replace(
                cell, effects=(*slots, *([None] * (width - len(slots))))
            )
        self.placed.pad_effects([track.effects for track in tracks])

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


def _set_strip(track: Track, control: int, value: int) -> None:
    if control == VOLUME_CC:
        track.volume_db = volume_db_of(value)
    elif control == PAN_CC:
        track.pan = value - CENTRE
    elif control == REVERB_CC:
        track.reverb = value
    elif control == CHORUS_CC:
        track.chorus = value


def _first_sounding(notes: list[_PlacedNote], lines: list[int]) -> dict[int, _PlacedNote | None]:
    """For each of the sorted `lines`, the first of `notes` (in their order) sounding there
    (start <= line < end), or None: one sweep, where asking each line of every note was
    quadratic on a file full of bends."""
    by_start = sorted(range(len(notes)), key=lambda i: notes[i].start)
    started: list[tuple[int, int]] = []
    """(position in `notes`, end) of the notes started so far: the first one on top."""
    found: dict[int, _PlacedNote | None] = {}
    next_start = 0
    for line in lines:
        while next_start < len(by_start) and notes[by_start[next_start]].start <= line:
            index = by_start[next_start]
            heapq.heappush(started, (index, notes[index].end))
            next_start += 1
        while started and started[0][1] <= line:
            heapq.heappop(started)  # ended: lines only grow, so it never sounds again
        found[line] = notes[started[0][0]] if started else None
    return found
