"""Standard MIDI File -> Song: notes quantised to lines, voices spread over note
columns so that none is lost or cut short, and a report of what moved or was left out.

The rules, in the order they apply:
- Time: a tick becomes a line at `lpb` lines per beat, rounded to the nearest
  line (half-way rounds later). Tempo never moves a note: lines count beats.
- Notes: each note-on pairs with the first still-open note-on of its pitch on
  its channel (first in, first out), so a retriggered or overlapping pitch keeps
  both notes. A note starts on its rounded start line and ends with OFF on its
  rounded end line; a note that rounds to nothing keeps one line.
- Columns: within a tracker track, a note takes the leftmost column that is
  free by its start line, so overlapping notes sit side by side and none cuts
  another short. A note whose column's next note starts on its end line needs no
  OFF: the next note ends it.
- Instruments: one per (channel, bank, program) in order of first use, on that
  channel; channel 10 is always a GM drum kit (bank 128).
- Tempo: the tempo at the first tick becomes the song's bpm (two decimals,
  20-999); each later change becomes a Txx effect on its line in the first
  track's first column (whole bpm, 32-255); the report lists every rounding.
- CCs 1, 7, 10, 11 and 74 become CC lanes (one value a line: the last wins);
  bank select (CC 0/32) picks instruments. Every other event, and any note the
  song cannot hold (below C-0, a 13th voice at once), is counted in the report
  as left out, by kind.
- Length: patterns of `pattern_lines` lines, identical ones written once;
  silence after the last event is kept up to one pattern's length.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from tracker.errors import InstrumentError, MidiFileError, UsageError
from tracker.instruments import load_gm
from tracker.midi.smf_read import MidiData, TimedMessage, read_midi
from tracker.song.fileformat import BPM_RANGE, LPB_RANGE
from tracker.song.model import (
    LOWEST_NOTE,
    MAX_INSTRUMENTS,
    MAX_LINES,
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

TracksBy = Literal["channel", "track"]

DRUM_CHANNEL = 9
"""Channel 10, counted from 0."""
DRUM_BANK = 128
CC_LANES = frozenset({1, 7, 10, 11, 74})
"""Modulation, volume, pan, expression, cutoff: the controllers worth a lane."""
BANK_MSB, BANK_LSB = 0, 32
DEFAULT_TEMPO_BPM = 120.0
TEMPO_EFFECT_RANGE = (0x20, 0xFF)
"""What a Txx effect can say."""
MAX_IMPORT_LINES = 100_000


@dataclass(frozen=True)
class TempoChange:
    """A tempo of the file and what the song says instead."""

    line: int
    file_bpm: float
    song_bpm: float

    @property
    def rounded(self) -> bool:
        """Changed by more than the file's own precision (a microsecond per beat)."""
        return abs(self.file_bpm - self.song_bpm) > 0.005


@dataclass
class ImportReport:
    """What the import kept, moved and left out: shown to the musician after an import."""

    notes_imported: int = 0
    max_shift_ms: float = 0.0
    mean_shift_ms: float = 0.0
    max_shift_lines: float = 0.0
    mean_shift_lines: float = 0.0
    notes_lengthened: int = 0
    """Notes shorter than a line after rounding, kept one line long."""
    notes_unended: int = 0
    """Notes with no note-off, ended at the end of the file."""
    dropped: dict[str, int] = field(default_factory=dict)
    """Events left out, by kind."""
    tempo: list[TempoChange] = field(default_factory=list)
    """The song's tempo at line 0 and every later change, with its rounding."""
    trimmed_lines: int = 0
    """Silent lines after the last event that were not kept."""

    def summary(self) -> list[str]:
        """Lines for the terminal."""
        lines = [
            f"{self.notes_imported} note{'s' if self.notes_imported != 1 else ''} imported; timing moved by at most "
            f"{self.max_shift_ms:.1f} ms ({self.max_shift_lines:.2f} lines), "
            f"{self.mean_shift_ms:.1f} ms on average"
        ]
        if self.notes_lengthened:
            lines.append(f"{self.notes_lengthened} very short notes kept one line long")
        if self.notes_unended:
            lines.append(f"{self.notes_unended} notes without a note-off end with the file")
        for change in self.tempo:
            if change.rounded:
                lines.append(
                    f"tempo {change.file_bpm:.3f} bpm at line {change.line} "
                    f"written as {change.song_bpm:g}"
                )
        for kind, count in sorted(self.dropped.items()):
            lines.append(f"left out: {count} x {kind}")
        if self.trimmed_lines:
            lines.append(f"{self.trimmed_lines} silent lines at the end left out")
        return lines


def import_midi(
    path: str | Path,
    *,
    lpb: int = 4,
    tracks_by: TracksBy = "channel",
    pattern_lines: int = 64,
) -> tuple[Song, ImportReport]:
    """Read a type 0 or type 1 MIDI file into a new song.

    `tracks_by="channel"` makes a tracker track per MIDI channel; `"track"` one
    per MIDI track (the tempo-only first track of a type 1 file is skipped).
    """
    if not LPB_RANGE[0] <= lpb <= LPB_RANGE[1]:
        raise UsageError(f"lines per beat must be {LPB_RANGE[0]} to {LPB_RANGE[1]}, not {lpb}")
    if tracks_by not in ("channel", "track"):
        raise UsageError(f'tracks by "{tracks_by}"? Expected "channel" or "track"')
    if not 1 <= pattern_lines <= MAX_LINES:
        raise UsageError(f"pattern length must be between 1 and {MAX_LINES} lines")
    midi = read_midi(path)
    report = ImportReport()
    grid = _Grid(midi.ticks_per_beat, lpb)
    events = _Collector(midi, tracks_by, path, report).run()
    builder = _SongBuilder(events, grid, report, title=_title(midi, path), path=path)
    song = builder.build(pattern_lines)
    return song, report


# --- reading the events --------------------------------------------------------------------


@dataclass(frozen=True)
class _Note:
    group: int
    channel: int
    pitch: int
    velocity: int
    start: int
    end: int
    instrument: int


@dataclass
class _Events:
    """Everything the song is built from, in ticks."""

    notes: list[_Note]
    controls: list[tuple[int, int, int, int]]
    """(group, controller, tick, value) for the CC lanes."""
    tempos: list[tuple[int, float]]
    """(tick, bpm), one per tick, in order."""
    instruments: dict[tuple[int, int, int], int]
    """(channel, bank, program) -> instrument number."""
    groups: dict[int, str]
    """Tracker tracks to make: group key -> name, in track order."""
    end_tick: int


class _Collector:
    """One pass over the merged events: pairs notes, follows programs, counts the rest."""

    def __init__(self, midi: MidiData, tracks_by: TracksBy, path: str | Path, report: ImportReport):
        self.midi = midi
        self.by_channel = tracks_by == "channel"
        self.path = path
        self.report = report
        self.dropped: Counter[str] = Counter()
        self.program = [0] * 16
        self.bank = [[0, 0] for _ in range(16)]
        self.open: dict[tuple[int, int, int], deque[tuple[int, int, int]]] = defaultdict(deque)
        self.notes: list[_Note] = []
        self.controls: list[tuple[int, int, int, int]] = []
        self.tempos: dict[int, float] = {}
        self.instruments: dict[tuple[int, int, int], int] = {}
        self.channels_of_track: dict[int, set[int]] = defaultdict(set)
        self.note_tracks_of_channel: dict[int, set[int]] = defaultdict(set)

    def run(self) -> _Events:
        merged = sorted(
            (m for track in self.midi.tracks for m in track),
            key=lambda m: (m.tick, 1 if _is_note(m.message) else 0, m.track, m.index),
        )
        for timed in merged:
            self._take(timed)
        end_tick = self.midi.end_tick
        for (group, channel, pitch), waiting in sorted(self.open.items()):
            for start, velocity, instrument in waiting:
                self.notes.append(
                    _Note(group, channel, pitch, velocity, start, end_tick, instrument)
                )
                self.report.notes_unended += 1
        self.report.dropped = dict(self.dropped)
        return _Events(
            notes=self.notes,
            controls=self.controls,
            tempos=sorted(self.tempos.items()),
            instruments=self.instruments,
            groups=self._groups(),
            end_tick=end_tick,
        )

    def _take(self, timed: TimedMessage) -> None:
        message = timed.message
        kind: str = message.type
        if message.is_meta:
            self._meta(timed)
            return
        if not hasattr(message, "channel"):
            self.dropped["system exclusive" if kind == "sysex" else kind] += 1
            return
        channel: int = message.channel
        self.channels_of_track[timed.track].add(channel)
        group = channel if self.by_channel else timed.track
        if _is_note(message) and message.note < LOWEST_NOTE:
            if kind == "note_on" and message.velocity > 0:
                self.dropped["note below C-0 (MIDI notes 0-11 cannot be written)"] += 1
            return
        if kind == "note_on" and message.velocity > 0:
            self.note_tracks_of_channel[channel].add(timed.track)
            instrument = self._instrument(channel)
            self.open[(group, channel, message.note)].append(
                (timed.tick, message.velocity, instrument)
            )
        elif kind in ("note_on", "note_off"):
            waiting = self.open.get((group, channel, message.note))
            if not waiting:
                self.dropped["note-off without a note"] += 1
                return
            start, velocity, instrument = waiting.popleft()
            self.notes.append(
                _Note(group, channel, message.note, velocity, start, timed.tick, instrument)
            )
        elif kind == "program_change":
            self.program[channel] = message.program
        elif kind == "control_change":
            self._control(group, channel, timed.tick, message.control, message.value)
        else:
            self.dropped[_CHANNEL_KIND_NAMES.get(kind, kind)] += 1

    def _control(self, group: int, channel: int, tick: int, control: int, value: int) -> None:
        if control == BANK_MSB:
            self.bank[channel][0] = value
        elif control == BANK_LSB:
            self.bank[channel][1] = value
        elif control in CC_LANES:
            self.controls.append((group, control, tick, value))
        else:
            self.dropped[f"control change {control}"] += 1

    def _meta(self, timed: TimedMessage) -> None:
        message = timed.message
        if message.type == "set_tempo":
            if message.tempo <= 0:
                raise MidiFileError(
                    f"{self.path}: not a readable MIDI file: track {timed.track + 1} sets a tempo"
                    f" of {message.tempo} microseconds per beat at tick {timed.tick}"
                )
            self.tempos[timed.tick] = 60_000_000 / message.tempo
        elif message.type == "time_signature":
            if (message.numerator, message.denominator) != (4, 4):  # 4/4 loses nothing
                self.dropped[f"time signature {message.numerator}/{message.denominator}"] += 1
        elif message.type not in ("end_of_track", "track_name", "sequence_number"):
            self.dropped[message.type.replace("_", " ")] += 1

    def _instrument(self, channel: int) -> int:
        msb, lsb = self.bank[channel]
        bank = DRUM_BANK if channel == DRUM_CHANNEL else msb * 128 + lsb
        key = (channel, bank, self.program[channel])
        return self.instruments.setdefault(key, len(self.instruments) + 1)

    def _groups(self) -> dict[int, str]:
        names = {number: _track_name(track) for number, track in enumerate(self.midi.tracks)}
        groups: dict[int, str] = {}
        if self.by_channel:
            for channel in sorted({n.channel for n in self.notes} | {c[0] for c in self.controls}):
                # A channel played by one MIDI track that plays nothing else takes its name.
                homes = self.note_tracks_of_channel[channel]
                home = min(homes) if len(homes) == 1 else -1
                if names.get(home) and self.channels_of_track[home] == {channel}:
                    groups[channel] = names[home]
                elif channel == DRUM_CHANNEL:
                    groups[channel] = "Drums"
                else:
                    groups[channel] = f"Channel {channel + 1}"
            return groups
        conductor = self.midi.format == 1 and len(self.midi.tracks) > 1
        for number in names:
            used = bool(self.channels_of_track.get(number))
            if used or (names[number] and not (conductor and number == 0)):
                groups[number] = names[number] or f"Track {number + 1}"
        return groups


_CHANNEL_KIND_NAMES = {
    "pitchwheel": "pitch bend",
    "aftertouch": "channel aftertouch",
    "polytouch": "poly aftertouch",
}


def instrument_name(program: int, *, drums: bool) -> str:
    """The General MIDI name of a program; GM 1 names no drum kits, so they are numbered."""
    if drums:
        return "Drum kit" if program == 0 else f"Drum kit {program}"
    try:
        return load_gm().program_name(program)
    except InstrumentError:  # no gm.toml installed: the number still says what to load
        return f"Program {program}"


def _is_note(message: Any) -> bool:
    return message.type in ("note_on", "note_off")


def _track_name(track: list[TimedMessage]) -> str:
    for timed in track:
        if timed.message.type == "track_name":
            return _decoded(str(timed.message.name)).strip()
    return ""


def _decoded(text: str) -> str:
    """mido reads names as Latin-1, which never fails; names written as UTF-8 (most
    files today, ours included) are decoded again as such."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _title(midi: MidiData, path: str | Path) -> str:
    if midi.tracks:
        name = _track_name(midi.tracks[0])
        if name:
            return name
    return Path(path).stem or "Imported"


# --- building the song -----------------------------------------------------------------------


class _Grid:
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


class _SongBuilder:
    def __init__(
        self, events: _Events, grid: _Grid, report: ImportReport, title: str, path: str | Path
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
        notes_by_track: dict[int, list[_Note]] = defaultdict(list)
        for note in self.events.notes:
            notes_by_track[index_of[note.group]].append(note)
        placed_notes: list[tuple[_Note, int]] = []
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

    def _place_notes(self, track: int, notes: list[_Note]) -> tuple[int, list[tuple[_Note, int]]]:
        """Spread one track's notes over note columns; returns the column count and the
        notes kept with their start lines."""
        column_ends: list[int] = []
        columns: list[list[tuple[int, int, _Note]]] = []
        kept: list[tuple[_Note, int]] = []
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
        placed: list[tuple[_Note, int]],
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
