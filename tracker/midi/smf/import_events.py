"""MIDI import, first pass: the file's events merged in time, notes paired, programs followed.

The Collector turns a read file (read.py) into the Events a song is built from
(import_song.py), in ticks; everything it cannot use is counted in the report
by kind. The rules are in import_.py's docstring.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

from tracker.errors import MidiFileError
from tracker.instruments.model import DRUM_BANK, DRUM_CHANNEL
from tracker.midi.encode import BANK_LSB, BANK_MSB, BEND_CENTRE
from tracker.midi.smf.import_read import (
    NOTE_SHIFT,
    POSITION_BITS,
    POSITION_MASK,
    TICK_SHIFT,
    TRACK_MASK,
    PackedTrack,
    pack_key,
)
from tracker.midi.smf.import_report import ImportReport
from tracker.midi.smf.import_wide import NrpnReader, join_pairs
from tracker.midi.smf.read import NOTE_KINDS, MidiData, TimedMessage
from tracker.song.model import LOWEST_NOTE

TracksBy = Literal["channel", "track"]

NOT_LANES: dict[int, str] = {
    **{
        c: "parameter number or data entry (e.g. the bend range)"
        for c in (6, 38, 96, 97, 98, 99, 100, 101)
    },
    **{c: f"channel mode message (control change {c})" for c in range(120, 128)},
}
"""Controllers that are not a value to follow line by line: every other one becomes a
CC lane (sustain, modulation, volume, pan, expression, cutoff, ...)."""


class Note(NamedTuple):
    """One paired note, in ticks. A tuple: a big file makes a million of them, and a
    frozen dataclass is built several times slower."""

    group: int
    channel: int
    pitch: int
    velocity: int
    start: int
    end: int
    instrument: int


@dataclass
class Events:
    """Everything the song is built from, in ticks."""

    notes: dict[int, list[Note]]
    """Each group's notes, in the order they were paired (those with no note-off last)."""
    controls: list[tuple[int, int, int, int]]
    """(group, controller, tick, value) for the CC lanes; 14-bit ones packed (tracker/lanes.py)."""
    bends: list[tuple[int, int, int, int]]
    """(group, channel, tick, value 0-16383, 8192 the centre), in file order."""
    meters: list[tuple[int, int, int]]
    """(tick, numerator, denominator) of each time signature, in order."""
    tempos: list[tuple[int, float]]
    """(tick, bpm), one per tick, in order."""
    instruments: dict[tuple[int, int, int], int]
    """(channel, bank, program) -> instrument number."""
    groups: dict[int, str]
    """Tracker tracks to make: group key -> name, in track order."""
    end_tick: int


class Collector:
    """One pass over the merged events: pairs notes, follows programs, counts the rest."""

    def __init__(self, midi: MidiData, tracks_by: TracksBy, path: str | Path, report: ImportReport):
        self.midi = midi
        self.by_channel = tracks_by == "channel"
        self.path = path
        self.report = report
        self.dropped: Counter[str] = Counter()
        self.program = [0] * 16
        self._current: list[int | None] = [None] * 16
        """Each channel's instrument number until its program or bank changes."""
        self.bank = [[0, 0] for _ in range(16)]
        self.open: dict[int, deque[tuple[int, int, int]]] = defaultdict(deque)
        """Notes struck and not yet ended, (start, velocity, instrument), by group << 11 |
        channel << 7 | pitch: one integer (no tuple made a note) that sorts as the three."""
        self.notes: defaultdict[int, list[Note]] = defaultdict(list)
        """Each group's notes (kept apart here: a million notes are not sorted out later)."""
        self.controls: list[tuple[int, int, int, int]] = []
        self.nrpn = NrpnReader()
        self.bends: list[tuple[int, int, int, int]] = []
        self.meters: dict[int, tuple[int, int]] = {}
        self.tempos: dict[int, float] = {}
        self.instruments: dict[tuple[int, int, int], int] = {}
        self.channels_of_track: dict[int, set[int]] = defaultdict(set)
        self.note_tracks_of_channel: dict[int, set[int]] = defaultdict(set)

    def run(self) -> Events:
        # At one tick, notes after the rest (a program or bank change first); then in
        # track and file order: the order of a TimedMessage's own fields, packed into
        # one integer a message (import_read.pack_key), which sort alone.
        keys: list[int] = []
        messages: list[Sequence[Any]] = []
        for track in self.midi.tracks:
            if isinstance(track, PackedTrack):
                keys += track.keys
                messages.append(track.messages)
            else:  # read by mido
                keys += (pack_key(t.tick, t.is_note, t.track, t.position) for t in track)
                messages.append([t.message for t in track])
        keys.sort()
        self._run(keys, messages)
        del keys
        end_tick = self.midi.end_tick
        for key, waiting in sorted(self.open.items()):
            group, channel, pitch = key >> 11, key >> 7 & 0x0F, key & 0x7F
            for start, velocity, instrument in waiting:
                self.notes[group].append(
                    Note(group, channel, pitch, velocity, start, end_tick, instrument)
                )
                self.report.notes_unended += 1
        self.report.dropped = dict(self.dropped)
        return Events(
            notes=self.notes,
            controls=join_pairs(self.controls),
            bends=self.bends,
            meters=[(tick, num, den) for tick, (num, den) in sorted(self.meters.items())],
            tempos=sorted(self.tempos.items()),
            instruments=self.instruments,
            groups=self._groups(),
            end_tick=end_tick,
        )

    def _run(self, keys: list[int], messages: list[Sequence[Any]]) -> None:
        """Pair the notes (most of a file: here, in one loop), the rest in `_take`."""
        opened, dropped, notes = self.open, self.dropped, self.notes
        channels_of_track, note_tracks = self.channels_of_track, self.note_tracks_of_channel
        by_channel, current = self.by_channel, self._current
        for key in keys:
            track = key >> POSITION_BITS & TRACK_MASK
            message = messages[track][key & POSITION_MASK]
            tick = key >> TICK_SHIFT
            if not key >> NOTE_SHIFT & 1:
                self._take(tick, track, message)
                continue
            channel: int = message.channel
            channels_of_track[track].add(channel)
            group = channel if by_channel else track
            note: int = message.note
            struck = message.type == "note_on" and message.velocity > 0
            if note < LOWEST_NOTE:
                if struck:
                    dropped["note below C-0 (MIDI notes 0-11 cannot be written)"] += 1
                continue
            held = group << 11 | channel << 7 | note  # a key of `open`
            if struck:
                note_tracks[channel].add(track)
                instrument = current[channel]
                if instrument is None:
                    instrument = self._instrument(channel)
                opened[held].append((tick, message.velocity, instrument))
                continue
            waiting = opened.get(held)
            if not waiting:
                dropped["note-off without a note"] += 1
                continue
            start, velocity, instrument = waiting.popleft()
            # tuple.__new__ straight: a NamedTuple's own __new__ is a Python call a note
            notes[group].append(
                _new_note(Note, (group, channel, note, velocity, start, tick, instrument))
            )

    def _take(self, tick: int, track: int, message: Any) -> None:
        """Every message but a note (`_run` pairs those)."""
        kind: str = message.type
        if message.is_meta:
            self._meta(tick, track, message)
            return
        if not hasattr(message, "channel"):
            self.dropped["system exclusive" if kind == "sysex" else kind] += 1
            return
        channel: int = message.channel
        self.channels_of_track[track].add(channel)
        group = channel if self.by_channel else track
        if kind == "program_change":
            self.program[channel] = message.program
            self._current[channel] = None
        elif kind == "control_change":
            self._control(group, channel, tick, message.control, message.value)
        elif kind == "pitchwheel":
            self.bends.append((group, channel, tick, message.pitch + BEND_CENTRE))
        else:
            self.dropped[_CHANNEL_KIND_NAMES.get(kind, kind)] += 1

    def _control(self, group: int, channel: int, tick: int, control: int, value: int) -> None:
        if control == BANK_MSB:
            self.bank[channel][0] = value
            self._current[channel] = None
        elif control == BANK_LSB:
            self.bank[channel][1] = value
            self._current[channel] = None
        elif self.nrpn.take(group, channel, tick, control, value, self.controls):
            pass
        elif control in NOT_LANES:
            self.dropped[NOT_LANES[control]] += 1
        else:
            self.controls.append((group, control, tick, value))

    def _meta(self, tick: int, track: int, message: Any) -> None:
        if message.type == "set_tempo":
            if message.tempo <= 0:
                raise MidiFileError(
                    f"{self.path}: not a readable MIDI file: track {track + 1} sets a tempo"
                    f" of {message.tempo} microseconds per beat at tick {tick}"
                )
            self.tempos[tick] = 60_000_000 / message.tempo
        elif message.type == "time_signature":
            self.meters[tick] = (message.numerator, message.denominator)
        elif message.type not in ("end_of_track", "track_name", "sequence_number"):
            self.dropped[message.type.replace("_", " ")] += 1

    def _instrument(self, channel: int) -> int:
        number = self._current[channel]
        if number is not None:
            return number
        msb, lsb = self.bank[channel]
        bank = DRUM_BANK if channel == DRUM_CHANNEL else msb * 128 + lsb
        key = (channel, bank, self.program[channel])
        number = self._current[channel] = self.instruments.setdefault(
            key, len(self.instruments) + 1
        )
        return number

    def _groups(self) -> dict[int, str]:
        names = {number: _track_name(track) for number, track in enumerate(self.midi.tracks)}
        groups: dict[int, str] = {}
        if self.by_channel:
            heard = {group for group, notes in self.notes.items() if notes}  # group: the channel
            heard |= {c[0] for c in self.controls}
            for channel in sorted(heard | {b[1] for b in self.bends}):
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


_new_note = tuple.__new__


_CHANNEL_KIND_NAMES = {
    "aftertouch": "channel aftertouch",
    "polytouch": "poly aftertouch",
}


def _is_note(message: Any) -> bool:
    return message.type in NOTE_KINDS


def _messages(track: Sequence[TimedMessage]) -> Sequence[Any]:
    """A track's messages alone, in file order (without a TimedMessage made for each)."""
    if isinstance(track, PackedTrack):
        return track.messages
    return [timed.message for timed in track]


def _track_name(track: Sequence[TimedMessage]) -> str:
    for message in _messages(track):
        if message.type == "track_name":
            return _decoded(str(message.name)).strip()
    return ""


def _decoded(text: str) -> str:
    """mido reads names as Latin-1, which never fails; names written as UTF-8 (most
    files today, ours included) are decoded again as such."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


_GENERIC_NAME = re.compile(
    r"(conductor|tempo( track)?|(midi )?track ?\d*|sequence ?\d*|untitled|global|system|master)",
    re.IGNORECASE,
)
"""Names sequencers give a track by themselves: not a title."""


def title(midi: MidiData, path: str | Path) -> str:
    """The song's title: the first track name (or, without one, text at the start) of
    the file's conductor (a type 0 file's only track, or a type 1 file's first track
    when it plays no notes) that is not a generic name; else the file's name.

    A type 1 file's first track that plays notes names its part, not the song."""
    if midi.tracks:
        first = midi.tracks[0]
        messages = _messages(first)
        if midi.format == 0 or not any(_is_note(message) for message in messages):
            for kind in ("track_name", "text"):
                for index, message in enumerate(messages):
                    if message.type != kind or (kind == "text" and first[index].tick > 0):
                        continue
                    text = _decoded(str(message.name if kind == "track_name" else message.text))
                    text = text.strip()
                    if text and not _GENERIC_NAME.fullmatch(text):
                        return text
    return Path(path).stem or "Imported"
