"""Where each field of the pattern grid sits on screen: pure geometry, no Textual.

A track is drawn as its note columns side by side (`C-4 01 64 A37`), then one
value per CC lane (two hex digits, four on a 14-bit lane), and a `│` before it. The cursor stops on every
editable field: the note, each hex digit, each effect letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tracker.lanes import is_wide
from tracker.song.model import Track

SEPARATOR = "│"
CONTINUED = "‹"
"""Drawn after the line numbers when the view starts inside a track: more to the left."""


class Kind(Enum):
    """What a cursor stop edits."""

    NOTE = "note"
    INSTRUMENT = "instrument"
    VOLUME = "volume"
    EFFECT_LETTER = "effect letter"
    EFFECT_VALUE = "effect value"
    CC = "cc"


@dataclass(frozen=True)
class Field:
    """One cursor stop within a track.

    `column` is the note column (or the CC lane for CC), `slot` the effect slot,
    `digit` 0 for the high nibble, 1 for the low one (0-3 on a 14-bit CC lane); `x` is the offset within
    the track's text and `width` how many cells the cursor covers.
    """

    kind: Kind
    column: int
    x: int
    width: int = 1
    slot: int = 0
    digit: int = 0
    digits: int = 2
    """Hex digits in the field's value: 4 on a 14-bit CC lane."""

    @property
    def is_hex(self) -> bool:
        return self.kind in (Kind.INSTRUMENT, Kind.VOLUME, Kind.EFFECT_VALUE, Kind.CC)


def note_column_width(track: Track) -> int:
    """`C-4 01 64` plus ` A37` per effect slot."""
    return 9 + 4 * track.effects


def lane_digits(name: str) -> int:
    """Hex digits a CC lane shows: 4 on a 14-bit lane (tracker/lanes.py), else 2."""
    return 4 if is_wide(name) else 2


def lane_width(name: str) -> int:
    """A CC lane's value and the space before it: 3 cells, 5 on a 14-bit lane."""
    return 1 + lane_digits(name)


def track_text_width(track: Track) -> int:
    columns = track.notes * note_column_width(track) + (track.notes - 1)
    return columns + sum(lane_width(name) for name in track.cc)


def track_fields(track: Track) -> list[Field]:
    """Every cursor stop of a track, left to right."""
    fields: list[Field] = []
    width = note_column_width(track)
    for column in range(track.notes):
        x = column * (width + 1)
        fields.append(Field(Kind.NOTE, column, x, width=3))
        for digit in (0, 1):
            fields.append(Field(Kind.INSTRUMENT, column, x + 4 + digit, digit=digit))
        for digit in (0, 1):
            fields.append(Field(Kind.VOLUME, column, x + 7 + digit, digit=digit))
        for slot in range(track.effects):
            ex = x + 10 + 4 * slot
            fields.append(Field(Kind.EFFECT_LETTER, column, ex, slot=slot))
            for digit in (0, 1):
                fields.append(
                    Field(Kind.EFFECT_VALUE, column, ex + 1 + digit, slot=slot, digit=digit)
                )
    cc_x = track.notes * (width + 1)
    for lane, name in enumerate(track.cc):
        digits = lane_digits(name)
        for digit in range(digits):
            fields.append(Field(Kind.CC, lane, cc_x + digit, digit=digit, digits=digits))
        cc_x += digits + 1
    return fields


def lane_starts(fields: tuple[Field, ...]) -> tuple[int, ...]:
    """Where each note column and CC lane of a track begins: the index of its first field."""
    starts = []
    for index, field in enumerate(fields):
        previous = fields[index - 1] if index else None
        if previous is None or (previous.kind is Kind.CC, previous.column) != (
            field.kind is Kind.CC,
            field.column,
        ):
            starts.append(index)
    return tuple(starts)


@dataclass(frozen=True)
class GridLayout:
    """The horizontal layout of a whole song's tracks.

    `starts[t]` is where track t's separator sits in the scrollable body; its
    text begins one cell later.
    """

    starts: tuple[int, ...]
    widths: tuple[int, ...]
    fields: tuple[tuple[Field, ...], ...]

    @classmethod
    def of(cls, tracks: list[Track]) -> GridLayout:
        starts: list[int] = []
        widths: list[int] = []
        x = 0
        for track in tracks:
            starts.append(x)
            width = track_text_width(track)
            widths.append(width)
            x += width + 1
        return cls(tuple(starts), tuple(widths), tuple(tuple(track_fields(t)) for t in tracks))

    @property
    def body_width(self) -> int:
        """All tracks plus a closing separator."""
        return (self.starts[-1] + self.widths[-1] + 2) if self.starts else 1

    def field_x(self, track: int, field: int) -> int:
        """Body x of a cursor stop."""
        return self.starts[track] + 1 + self.fields[track][field].x

    def scroll_for(self, track: int, field: int, scroll_x: int, view_width: int) -> int:
        """The horizontal scroll that shows the field's whole track (or at least the field),
        moving by whole tracks when it can."""
        left = self.starts[track]
        right = self.field_x(track, field) + self.fields[track][field].width
        if self.widths[track] + 2 <= view_width:
            right = left + self.widths[track] + 2
        if left < scroll_x or view_width <= 0:
            return left
        if right <= scroll_x + view_width:
            return scroll_x
        for start in self.starts:
            if start <= left and right - start <= view_width:
                return start
        return max(0, right - view_width)


def gutter_width(lines: int) -> int:
    """Line numbers in hex: two digits up to FF, three up to 1FF."""
    return max(2, len(f"{lines - 1:X}"))
