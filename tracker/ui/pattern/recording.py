"""Where notes from a MIDI keyboard are written: one column per key held, so a
chord lands across the track's note columns on one line (not down one column on
several lines), each note with the velocity it was played at.

No Textual here: the pattern editor asks `Chords` where each note goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tracker.song.edit import Command, SetCell
from tracker.song.model import HIGHEST_NOTE, LOWEST_NOTE, Song


@dataclass
class Chords:
    """The keys held down now, each on the note column it was written in."""

    held: dict[int, int] = field(default_factory=dict)
    """MIDI note -> note column."""
    line: int | None = None
    """Step record (stopped): the line the chord being played is written on."""

    def press(self, note: int, first_column: int, columns: int) -> int | None:
        """The column for a key pressed now: the first free one from the cursor's
        column on (None when every column is taken: the note is not written)."""
        taken = set(self.held.values())
        for column in range(first_column, columns):
            if column not in taken:
                self.held[note] = column
                return column
        return None

    def release(self, note: int) -> None:
        self.held.pop(note, None)
        if not self.held:
            self.line = None

    @property
    def chord_open(self) -> bool:
        """A key is still down: the next note belongs to the same chord."""
        return bool(self.held)


def recorded_note(
    song: Song,
    place: tuple[str, int, int, int],
    note: int,
    velocity: int,
    instrument: int | None,
) -> Command | None:
    """The edit writing a played note at (pattern, line, track, column) with the
    current instrument and the velocity it was played at as its volume; None where
    the song has no such place any more (edited since the note was played)."""
    pattern_name, line, track, column = place
    pattern = song.patterns.get(pattern_name)
    if pattern is None or not 0 <= line < pattern.lines or track >= len(song.tracks):
        return None
    if not 0 <= column < song.tracks[track].notes or not LOWEST_NOTE <= note <= HIGHEST_NOTE:
        return None
    old = song.cell(pattern_name, track, column, line)
    cell = replace(old, note=note, instrument=instrument, volume=max(1, min(0x7F, velocity)))
    return SetCell(pattern_name, line, track, column, cell)
