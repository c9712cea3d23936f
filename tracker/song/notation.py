"""Tracker notation: one cell, one track row, one pattern row <-> text.

    C#4 01 64 A37      note, instrument, volume, effect
    OFF .. .. ...      note-off; `^^^` cuts; `---` is an empty note
    C-4 01 64 ... E-4 01 .. ... 40 | C-2 02 7F ...

Within a track, each note column is `note inst vol` plus its effect slots, then
one value per CC lane: two hex digits, four (0000-3FFF) on a 14-bit lane (an
NRPN or a controller pair, see tracker/lanes.py). Tracks are separated by `|`. C-4 is MIDI 60.

Parsing errors carry the 1-based column within the text they were given; the
file reader adds the path and line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tracker.errors import SongFormatError
from tracker.lanes import WIDE_MAX, is_wide
from tracker.song.effects import EFFECTS
from tracker.song.model import (
    HIGHEST_NOTE,
    LOWEST_NOTE,
    NOTE_CUT,
    NOTE_OFF,
    Cell,
    Effect,
    Track,
)

NOTE_NAMES = ("C-", "C#", "D-", "D#", "E-", "F-", "F#", "G-", "G#", "A-", "A#", "B-")
_NOTE_INDEX = {name: i for i, name in enumerate(NOTE_NAMES)}
_FLATS = {"DB": "C#", "EB": "D#", "GB": "F#", "AB": "G#", "BB": "A#"}
# ASCII only: str.isdigit() also accepts "²" and "٣", which int() then rejects or misreads.
_DIGITS = "0123456789"
_HEX_DIGITS = "0123456789abcdefABCDEF"

EMPTY_NOTE = "---"
OFF_TEXT = "OFF"
CUT_TEXT = "^^^"
EMPTY_BYTE = ".."
EMPTY_EFFECT = "..."
EMPTY_WIDE = "...."
TRACK_SEPARATOR = "|"

Token = tuple[str, int]
"""A word of a row and the 1-based column where it starts."""


def format_note(note: int | None) -> str:
    if note is None:
        return EMPTY_NOTE
    if note == NOTE_OFF:
        return OFF_TEXT
    if note == NOTE_CUT:
        return CUT_TEXT
    octave, step = divmod(note, 12)
    return f"{NOTE_NAMES[step]}{octave - 1}"


def parse_note(text: str, column: int = 1) -> int | None:
    """`C#4` -> 61; also `---`, `OFF`, `^^^`. Lower case and flats (`Db4`) are accepted."""
    upper = text.upper()
    if upper == EMPTY_NOTE:
        return None
    if upper == OFF_TEXT:
        return NOTE_OFF
    if upper == CUT_TEXT:
        return NOTE_CUT
    if len(upper) != 3 or upper[2] not in _DIGITS:
        raise SongFormatError(
            f'unknown note "{text}" (expected a note like C-4 or C#4, "---", "OFF" or "^^^")',
            column=column,
        )
    name = _FLATS.get(upper[:2], upper[:2])
    if name not in _NOTE_INDEX:
        raise SongFormatError(
            f'unknown note "{text}" (expected C..B with - or #, e.g. C#4)', column=column
        )
    note = (int(upper[2]) + 1) * 12 + _NOTE_INDEX[name]
    if not LOWEST_NOTE <= note <= HIGHEST_NOTE:
        raise SongFormatError(f'note "{text}" is out of range (C-0 to G-9)', column=column)
    return note


def format_byte(value: int | None) -> str:
    return EMPTY_BYTE if value is None else f"{value:02X}"


def parse_byte(text: str, what: str, column: int = 1, maximum: int = 0xFF) -> int | None:
    """Two hex digits or `..`; `what` names the field in the error."""
    return _parse_hex(text, 2, what, column, maximum)


_DIGIT_COUNT = {2: "two", 4: "four"}


def _parse_hex(text: str, digits: int, what: str, column: int, maximum: int) -> int | None:
    """`digits` hex digits up to `maximum`, or as many dots (empty)."""
    if text == "." * digits:
        return None
    if len(text) != digits or any(ch not in _HEX_DIGITS for ch in text):
        raise SongFormatError(
            f'bad {what} "{text}" (expected {_DIGIT_COUNT[digits]} hex digits '
            f'{0:0{digits}X}-{maximum:0{digits}X}, or "{"." * digits}")',
            column=column,
        )
    value = int(text, 16)
    if value > maximum:
        raise SongFormatError(
            f"{what} {text.upper()} is out of range ({0:0{digits}X}-{maximum:0{digits}X})",
            column=column,
        )
    return value


def format_effect(effect: Effect | None) -> str:
    return EMPTY_EFFECT if effect is None else f"{effect.command}{effect.value:02X}"


def parse_effect(text: str, column: int = 1) -> Effect | None:
    if text == EMPTY_EFFECT:
        return None
    letter = text[:1].upper()
    if len(text) != 3 or letter not in EFFECTS:
        known = "".join(EFFECTS)
        raise SongFormatError(
            f'bad effect "{text}" (expected a letter of {known} and two hex digits, e.g. A37, or "...")',
            column=column,
        )
    value = parse_byte(text[1:], "effect value", column + 1)
    if value is None:
        raise SongFormatError(
            f'effect "{text}" has no value (expected two hex digits after {letter}, e.g. {letter}00)',
            column=column + 1,
        )
    return Effect(letter, value)


def format_cell(cell: Cell) -> str:
    words = [format_note(cell.note), format_byte(cell.instrument), format_byte(cell.volume)]
    words += [format_effect(e) for e in cell.effects]
    return " ".join(words)


def cell_width(effect_columns: int) -> int:
    """Words in one note column."""
    return 3 + effect_columns


def track_row_width(track: Track) -> int:
    """Words in one track's part of a row."""
    return track.notes * cell_width(track.effects) + len(track.cc)


_CELL_CACHE: dict[tuple[str, ...], Cell] = {}
"""Cells read before, by their words: songs repeat the same few cells (empty ones most)."""
_CELL_CACHE_SIZE = 4096


def parse_cell(tokens: Sequence[Token], effect_columns: int) -> Cell:
    words = tuple(text for text, _col in tokens[: 3 + effect_columns])
    cached = _CELL_CACHE.get(words)
    if cached is not None:
        return cached
    (note_text, note_col), (inst_text, inst_col), (vol_text, vol_col) = tokens[:3]
    cell = Cell(
        note=parse_note(note_text, note_col),
        instrument=parse_byte(inst_text, "instrument", inst_col),
        volume=parse_byte(vol_text, "volume", vol_col, maximum=0x7F),
        effects=tuple(parse_effect(text, col) for text, col in tokens[3 : 3 + effect_columns]),
    )
    if len(_CELL_CACHE) < _CELL_CACHE_SIZE:
        _CELL_CACHE[words] = cell  # Cell is frozen, so sharing it is safe
    return cell


def format_lane_value(value: int | None, wide: bool) -> str:
    """A CC lane's value: two hex digits, or four on a 14-bit lane."""
    if not wide:
        return format_byte(value)
    return EMPTY_WIDE if value is None else f"{value:04X}"


def parse_lane_value(text: str, column: int, wide: bool) -> int | None:
    if not wide:
        return parse_byte(text, "CC value", column, maximum=0x7F)
    return _parse_hex(text, 4, "14-bit CC value", column, WIDE_MAX)


def lane_widths(track: Track) -> list[bool]:
    """Which of a track's CC lanes hold 14-bit values."""
    return [is_wide(name) for name in track.cc]


def format_track_row(track: Track, cells: Sequence[Cell], cc: Sequence[int | None]) -> str:
    lanes = [format_lane_value(v, w) for v, w in zip(cc, lane_widths(track), strict=False)]
    return " ".join([format_cell(c) for c in cells] + lanes)


def parse_track_row(
    track: Track, tokens: Sequence[Token], end_column: int
) -> tuple[list[Cell], list[int | None]]:
    """One track's words -> its cells and CC values. `end_column` places a 'too few' error."""
    expected = track_row_width(track)
    if len(tokens) != expected:
        where = tokens[expected][1] if len(tokens) > expected else end_column
        layout = _layout(track)
        raise SongFormatError(
            f'track "{track.name}" has {len(tokens)} fields here, expected {expected} ({layout})',
            column=where,
        )
    width = cell_width(track.effects)
    cells = [
        parse_cell(tokens[i * width : (i + 1) * width], track.effects) for i in range(track.notes)
    ]
    cc = [
        parse_lane_value(text, col, wide)
        for (text, col), wide in zip(tokens[track.notes * width :], lane_widths(track), strict=True)
    ]
    return cells, cc


def _layout(track: Track) -> str:
    parts = [f"{track.notes} note column{'s' if track.notes != 1 else ''}"]
    parts.append(f"{track.effects} effect{'s' if track.effects != 1 else ''} each")
    if track.cc:
        parts.append(f"{len(track.cc)} CC lane{'s' if len(track.cc) != 1 else ''}")
    return ", ".join(parts)


_WORD = re.compile(r"\S+")
"""Python's \\s is exactly str.isspace(), Unicode spaces included."""


def tokenize(text: str) -> list[Token]:
    """Split on white space, remembering where each word starts (1-based)."""
    return [(match.group(), match.start() + 1) for match in _WORD.finditer(text)]


def split_tracks(text: str) -> list[tuple[str, int]]:
    """A row -> each track's text and the 0-based offset where it starts."""
    parts: list[tuple[str, int]] = []
    offset = 0
    for part in text.split(TRACK_SEPARATOR):
        parts.append((part, offset))
        offset += len(part) + 1
    return parts


def parse_row(tracks: Sequence[Track], text: str) -> list[tuple[list[Cell], list[int | None]]]:
    """A whole pattern row -> per track, its cells and CC values."""
    parts = split_tracks(text)
    if len(parts) != len(tracks):
        raise SongFormatError(
            f'row has {len(parts)} track{"s" if len(parts) != 1 else ""} separated by "|", '
            f"expected {len(tracks)}",
            column=len(text.rstrip()) + 1
            if len(parts) < len(tracks)
            else _nth_bar(text, len(tracks)),
        )
    result = []
    for track, (part, offset) in zip(tracks, parts, strict=True):
        tokens = [(word, col + offset) for word, col in tokenize(part)]
        result.append(parse_track_row(track, tokens, offset + len(part.rstrip()) + 1))
    return result


def _nth_bar(text: str, n: int) -> int:
    """1-based column of the n-th `|` (1-based n)."""
    index = -1
    for _ in range(n):
        index = text.index(TRACK_SEPARATOR, index + 1)
    return index + 1


def format_row(
    tracks: Sequence[Track], parts: Sequence[tuple[Sequence[Cell], Sequence[int | None]]]
) -> str:
    return f" {TRACK_SEPARATOR} ".join(
        format_track_row(track, cells, cc) for track, (cells, cc) in zip(tracks, parts, strict=True)
    )
