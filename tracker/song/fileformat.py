"""Song files (songs/*.toml) <-> Song.

Reading is strict: every problem is a SongFormatError that names the file, the
line and the column and says what was expected (a bad note inside a pattern
points at the note itself). Unknown keys are refused, with a did-you-mean when
one is close, so a typo never silently drops a setting. Nothing but
SongFormatError leaves `loads`.

Writing is canonical (song/canonical.py, re-exported here as `dumps`): a
save of an unchanged song is byte-identical. Comments and hand layout do not
survive a save: the file is rewritten from the song, not patched.

Versions: the file says `format = N`. A file newer than FORMAT_VERSION is
refused; an older one is brought up to date by MIGRATIONS, one step per
version, before it is read. Format 0 never shipped: it is the pre-release draft
layout (`tempo` for `bpm`, `columns` for a track's `notes`), kept so the
migration path is exercised by a real file. To add format 2: bump
model.FORMAT_VERSION, add `MIGRATIONS[1]` turning a format-1 dict into a
format-2 one, teach the reader and writer the new layout, and add a format-1
fixture to the tests.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from tracker.errors import SongFormatError
from tracker.song.canonical import dumps
from tracker.song.limits import (
    BANK_RANGE,
    BPM_RANGE,
    CC_NAME_RULE,
    CHANNEL_RANGE,
    EFFECT_COLUMNS_RANGE,
    INSTRUMENT_NUMBER_RANGE,
    LINES_RANGE,
    LPB_RANGE,
    MAX_CC_LANES,
    MAX_NAME_LENGTH,
    MAX_TRACKS,
    NOTE_COLUMNS_RANGE,
    PROGRAM_RANGE,
    SWING_RANGE,
    TPL_RANGE,
    VOLUME_RANGE,
    cc_lane_name,
)
from tracker.song.model import (
    FORMAT_VERSION,
    Cell,
    Instrument,
    Pattern,
    PatternTrack,
    Song,
    Track,
)
from tracker.song.notation import (
    cell_width,
    parse_row,
    split_tracks,
    tokenize,
)
from tracker.song.toml_locator import KeyPath, TomlLocator

__all__ = [
    "BPM_RANGE",
    "LPB_RANGE",
    "MIGRATIONS",
    "decode",
    "dumps",
    "load_bytes",
    "loads",
]

Raw = dict[str, Any]
Migration = Callable[[Raw], Raw]

SONG_KEYS = (
    "format",
    "title",
    "bpm",
    "lpb",
    "tpl",
    "swing",
    "soundfont",
    "order",
    "instruments",
    "tracks",
    "patterns",
)
INSTRUMENT_KEYS = ("name", "soundfont", "program", "bank", "device", "channel", "volume")
TRACK_KEYS = ("name", "notes", "effects", "cc", "mute", "solo")
PATTERN_KEYS = ("lines", "rows")

_DEFAULT_INSTRUMENT = Instrument(name="")
_HEX_KEY = re.compile(r"[0-9A-Fa-f]{2}")
MAX_QUOTED = 40
"""Longest piece of the file an error message quotes in full."""
_LONG_QUOTE = re.compile(rf'"([^"\s]{{{MAX_QUOTED + 1},}})"')
_LONG_NUMBER = re.compile(r"[0-9][0-9_]{4000,}")
_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


# ---- migrations ------------------------------------------------------------------


def _from_format_0(raw: Raw) -> Raw:
    """Format 0 (pre-release draft) -> 1: `tempo` became `bpm`, a track's `columns` became `notes`.

    Runs before validation, so it leaves anything it does not recognise for the
    reader to report.
    """
    if "tempo" in raw and "bpm" not in raw:
        raw["bpm"] = raw.pop("tempo")
    tracks = raw.get("tracks")
    if isinstance(tracks, list):
        for track in tracks:
            if isinstance(track, dict) and "columns" in track and "notes" not in track:
                track["notes"] = track.pop("columns")
    return raw


MIGRATIONS: dict[int, Migration] = {0: _from_format_0}
"""Format N -> a function turning the raw dict of a format-N file into format N+1."""


# ---- reading ---------------------------------------------------------------------


def load_bytes(data: bytes, path: str | Path | None = None) -> Song:
    """A song from the raw bytes of a file (UTF-8 is checked here, with the bad byte's place)."""
    return loads(decode(data, path), path)


def decode(data: bytes, path: str | Path | None = None) -> str:
    """UTF-8 bytes -> text; a leading byte-order mark is dropped."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8")) + 1
        raise SongFormatError(
            f"this file is not UTF-8 text (byte {data[error.start]:#04x} cannot appear here); "
            "save it as UTF-8",
            path=path,
            line=before.count(b"\n") + 1,
            column=column,
        ) from None
    return text.removeprefix("\ufeff")


def loads(text: str, path: str | Path | None = None) -> Song:
    """Parse and check a whole song file; every problem raises SongFormatError with its place."""
    return _Reader(text, path).song()


class _Reader:
    """One pass over one file: the parsed dict, and the raw text for error positions."""

    def __init__(self, text: str, path: str | Path | None) -> None:
        self.text = text
        self.path = path

    @cached_property
    def where(self) -> TomlLocator:
        """Built only when an error needs a position (or a pattern's rows do)."""
        return TomlLocator(self.text)

    # ---- errors --------------------------------------------------------------

    def error(self, message: str, place: tuple[int, int] | None) -> SongFormatError:
        line, column = place if place is not None else (None, None)
        return SongFormatError(_shortened(message), path=self.path, line=line, column=column)

    def at_key(self, keys: KeyPath, message: str) -> SongFormatError:
        return self.error(message, self.where.key(keys))

    def at_value(self, keys: KeyPath, message: str) -> SongFormatError:
        return self.error(message, self.where.value(keys))

    # ---- the song ----------------------------------------------------------------

    def song(self) -> Song:
        if not self.text.strip():
            raise self.error(
                f"the file is empty (expected a song, starting with format = {FORMAT_VERSION})",
                (1, 1),
            )
        self._check_unicode()
        raw = self._migrate(self._parse())
        self._check_keys(raw, SONG_KEYS, (), "the song")
        song = Song(
            title=self._text(raw, (), "title", "Untitled"),
            bpm=self._number(raw, (), "bpm", BPM_RANGE, 120.0),
            lpb=self._int(raw, (), "lpb", LPB_RANGE, 4),
            tpl=self._int(raw, (), "tpl", TPL_RANGE, 6),
            swing=self._number(raw, (), "swing", SWING_RANGE, 0.0),
            soundfont=self._optional_text(raw, (), "soundfont"),
            instruments=self._instruments(raw),
            tracks=self._tracks(raw),
            format=FORMAT_VERSION,
        )
        song.patterns = self._patterns(raw, song.tracks, song.instruments)
        song.order = self._order(raw, song.patterns)
        return song

    def _check_unicode(self) -> None:
        """Text handed in as str may hold lone surrogates, which no file can."""
        try:
            self.text.encode("utf-8")
        except UnicodeEncodeError as error:
            before = self.text[: error.start]
            line = before.count("\n") + 1
            column = error.start - (before.rfind("\n") + 1) + 1
            raise self.error(
                "this text holds a character that is not valid Unicode", (line, column)
            ) from None

    def _parse(self) -> Raw:
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            raise self._toml_error(str(error)) from None
        except RecursionError:
            raise self.error("lists or tables are nested too deeply", None) from None
        except ValueError:  # Python refuses to read a whole number of 4,300 digits or more
            found = _LONG_NUMBER.search(self.text)
            place = self.where.position(found.start()) if found else None
            raise self.error("this number has too many digits", place) from None

    def _toml_error(self, message: str) -> SongFormatError:
        """tomllib's 'Invalid value (at line 3, column 5)' -> our place and a plainer reason."""
        match = _TOML_POSITION.search(message)
        reason = message[: match.start()] if match else message
        if match and match.group(1):
            line, column = int(match.group(1)), int(match.group(2))
        else:  # at end of document
            line = self.text.count("\n") + 1
            column = len(self.text) - (self.text.rfind("\n") + 1) + 1
        if reason == "Cannot overwrite a value" or reason.startswith("Cannot declare"):
            # tomllib points past the value: point at the start of the repeated line instead.
            text_line = self.text.split("\n")[line - 1]
            column = len(text_line) - len(text_line.lstrip()) + 1
        return self.error(_plain_toml_reason(reason), (line, column))

    def _migrate(self, raw: Raw) -> Raw:
        if "format" not in raw:
            raise self.error(
                f'missing "format" (expected format = {FORMAT_VERSION} at the top of the file)',
                (1, 1),
            )
        version = raw["format"]
        if isinstance(version, bool) or not isinstance(version, int):
            raise self.at_value(
                ("format",),
                f"format should be a whole number (this version writes format = {FORMAT_VERSION}), "
                f"not {_describe(version)}",
            )
        if version > FORMAT_VERSION:
            raise self.at_value(
                ("format",),
                f"this song was written by a newer tracker (format {version}); "
                f"this version reads format {FORMAT_VERSION}",
            )
        oldest = min([*MIGRATIONS, FORMAT_VERSION])
        if version < oldest:
            raise self.at_value(
                ("format",),
                f"format {version} is not a song format this tracker knows "
                f"(it reads formats {oldest} to {FORMAT_VERSION})",
            )
        while version < FORMAT_VERSION:
            raw = MIGRATIONS[version](raw)
            version += 1
            raw["format"] = version
        return raw

    # ---- instruments ---------------------------------------------------------------

    def _instruments(self, raw: Raw) -> dict[int, Instrument]:
        table = self._table(raw, (), "instruments")
        instruments: dict[int, Instrument] = {}
        for key, value in table.items():
            keys: KeyPath = ("instruments", key)
            low, high = INSTRUMENT_NUMBER_RANGE
            if not _HEX_KEY.fullmatch(key) or not low <= int(key, 16) <= high:
                raise self.at_key(
                    keys,
                    f'instrument number "{key}" should be two hex digits, {low:02X} to {high:02X}',
                )
            number = int(key, 16)
            if number in instruments:
                raise self.at_key(keys, f"instrument {number:02X} is defined twice")
            if not isinstance(value, dict):
                raise self.at_value(
                    keys, f"instrument {key} should be a table of settings, not {_describe(value)}"
                )
            instruments[number] = self._instrument(value, keys)
        return instruments

    def _instrument(self, table: Raw, keys: KeyPath) -> Instrument:
        self._check_keys(table, INSTRUMENT_KEYS, keys, f"instrument {keys[-1]}")
        if "name" not in table:
            raise self.at_key(keys, f'instrument {keys[-1]} has no name (expected name = "...")')
        device = self._optional_text(table, keys, "device")
        soundfont = self._optional_text(table, keys, "soundfont")
        if soundfont is None and device is None:
            soundfont = _DEFAULT_INSTRUMENT.soundfont
        channel = table.get("channel")
        return Instrument(
            name=self._text(table, keys, "name", ""),
            soundfont=soundfont,
            program=self._int(table, keys, "program", PROGRAM_RANGE, _DEFAULT_INSTRUMENT.program),
            bank=self._int(table, keys, "bank", BANK_RANGE, _DEFAULT_INSTRUMENT.bank),
            device=device,
            channel=None if channel is None else self._int(table, keys, "channel", CHANNEL_RANGE),
            volume=self._int(table, keys, "volume", VOLUME_RANGE, _DEFAULT_INSTRUMENT.volume),
        )

    # ---- tracks ----------------------------------------------------------------------

    def _tracks(self, raw: Raw) -> list[Track]:
        if "tracks" not in raw:
            raise self.error(
                'the song has no tracks (expected at least one [[tracks]] with a name = "...")',
                None,
            )
        entries = raw["tracks"]
        if not isinstance(entries, list) or not all(isinstance(t, dict) for t in entries):
            raise self.at_value(
                ("tracks",), "tracks should be written as [[tracks]] tables, one per track"
            )
        if not 1 <= len(entries) <= MAX_TRACKS:
            raise self.at_key(
                ("tracks",), f"the song has {len(entries)} tracks (expected 1 to {MAX_TRACKS})"
            )
        return [self._track(entry, ("tracks", i)) for i, entry in enumerate(entries)]

    def _track(self, table: Raw, keys: KeyPath) -> Track:
        number = int(keys[-1]) + 1
        self._check_keys(table, TRACK_KEYS, keys, f"track {number}")
        if "name" not in table:
            raise self.at_key(keys, f'track {number} has no name (expected name = "...")')
        return Track(
            name=self._text(table, keys, "name", ""),
            notes=self._int(table, keys, "notes", NOTE_COLUMNS_RANGE, 1),
            effects=self._int(table, keys, "effects", EFFECT_COLUMNS_RANGE, 1),
            cc=self._cc_lanes(table, keys),
            mute=self._bool(table, keys, "mute"),
            solo=self._bool(table, keys, "solo"),
        )

    def _cc_lanes(self, table: Raw, keys: KeyPath) -> list[str]:
        lanes = self._list(table, keys, "cc")
        path = (*keys, "cc")
        if len(lanes) > MAX_CC_LANES:
            raise self.at_value(
                path, f"a track has at most {MAX_CC_LANES} CC lanes, this one has {len(lanes)}"
            )
        result: list[str] = []
        for index, lane in enumerate(lanes):
            name = cc_lane_name(lane)
            if name is None:
                raise self.error(
                    f"CC lane {_describe(lane)} should be {CC_NAME_RULE}",
                    self.where.item(path, index),
                )
            if name in result:
                raise self.error(f"CC lane {name} appears twice", self.where.item(path, index))
            result.append(name)
        return result

    # ---- patterns --------------------------------------------------------------------

    def _patterns(
        self, raw: Raw, tracks: list[Track], instruments: dict[int, Instrument]
    ) -> dict[str, Pattern]:
        table = self._table(raw, (), "patterns")
        patterns: dict[str, Pattern] = {}
        for name, value in table.items():
            keys: KeyPath = ("patterns", name)
            problem = _name_problem(name)
            if problem:
                raise self.at_key(keys, f'pattern name "{name}" {problem}')
            if not isinstance(value, dict):
                raise self.at_value(
                    keys,
                    f'pattern "{name}" should be a table with lines and rows, not '
                    f"{_describe(value)}",
                )
            patterns[name] = self._pattern(value, keys, tracks, instruments)
        return patterns

    def _pattern(
        self, table: Raw, keys: KeyPath, tracks: list[Track], instruments: dict[int, Instrument]
    ) -> Pattern:
        name = keys[-1]
        self._check_keys(table, PATTERN_KEYS, keys, f'pattern "{name}"')
        for key in PATTERN_KEYS:
            if key not in table:
                raise self.at_key(keys, f'pattern "{name}" has no {key}')
        lines = self._int(table, keys, "lines", LINES_RANGE)
        rows_text = table["rows"]
        if not isinstance(rows_text, str):
            raise self.at_value(
                (*keys, "rows"),
                f'rows should be text in triple quotes (rows = """ ... """), '
                f"not {_describe(rows_text)}",
            )
        rows = rows_text.split("\n")
        if len(rows) > 1 and not rows[-1].strip():
            rows.pop()  # the line holding the closing quotes
        if len(rows) != lines:
            missing_at = min(len(rows), lines)
            raise self.error(
                f'pattern "{name}" has {len(rows)} rows but lines = {lines}',
                self._row_place((*keys, "rows"), missing_at, 1),
            )
        parsed = [
            self._row(tracks, instruments, row, (*keys, "rows"), index)
            for index, row in enumerate(rows)
        ]
        pattern_tracks = []
        for t, track in enumerate(tracks):
            columns = [[parsed[line][t][0][c] for line in range(lines)] for c in range(track.notes)]
            cc = [
                [parsed[line][t][1][lane] for line in range(lines)] for lane in range(len(track.cc))
            ]
            pattern_tracks.append(PatternTrack(columns=columns, cc=cc))
        return Pattern(lines=lines, tracks=pattern_tracks)

    def _row(
        self,
        tracks: list[Track],
        instruments: dict[int, Instrument],
        row: str,
        keys: KeyPath,
        index: int,
    ) -> list[tuple[list[Cell], list[int | None]]]:
        try:
            parsed = parse_row(tracks, row)
        except SongFormatError as error:
            place = self._row_place(keys, index, error.column or 1)
            raise self.error(error.reason, place) from None
        for t, (cells, _cc) in enumerate(parsed):
            for c, cell in enumerate(cells):
                if cell.instrument is not None and cell.instrument not in instruments:
                    known = ", ".join(f"{n:02X}" for n in sorted(instruments)) or "none yet"
                    column = _instrument_column(tracks[t], row, t, c)
                    raise self.error(
                        f"instrument {cell.instrument:02X} is not defined "
                        f"(add [instruments.{cell.instrument:02X}]; defined: {known})",
                        self._row_place(keys, index, column),
                    )
        return parsed

    def _row_place(self, keys: KeyPath, index: int, column: int) -> tuple[int, int] | None:
        """Line and column of a place in row `index`: rows are laid out line by line in the file."""
        start = self.where.value_offset(keys)
        if start is None or not self.text.startswith(('"""', "'''"), start):
            return self.where.value(keys)
        start += 3
        line, first_column = self.where.position(start)
        if self.text.startswith(("\n", "\r\n"), start):
            return line + 1 + index, column
        return line + index, column + (first_column - 1 if index == 0 else 0)

    # ---- order -----------------------------------------------------------------------

    def _order(self, raw: Raw, patterns: dict[str, Pattern]) -> list[str]:
        entries = self._list(raw, (), "order")
        for index, entry in enumerate(entries):
            if not isinstance(entry, str):
                raise self.error(
                    f"order entries should be pattern names in quotes, not {_describe(entry)}",
                    self.where.item(("order",), index),
                )
            if entry not in patterns:
                close = difflib.get_close_matches(entry, list(patterns), n=1)
                hint = f'did you mean "{close[0]}"?' if close else _known(patterns, "patterns")
                raise self.error(
                    f'order entry {index + 1}: no pattern "{entry}" ({hint})',
                    self.where.item(("order",), index),
                )
        return list(entries)

    # ---- typed values ------------------------------------------------------------------

    def _check_keys(self, table: Raw, allowed: Sequence[str], keys: KeyPath, owner: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f'did you mean "{close[0]}"?' if close else "expected " + ", ".join(allowed)
                raise self.at_key((*keys, key), f'unknown key "{key}" in {owner} ({hint})')

    def _int(
        self,
        table: Raw,
        keys: KeyPath,
        key: str,
        limits: tuple[int, int],
        default: int | None = None,
    ) -> int:
        low, high = limits
        if key not in table and default is not None:
            return default
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.at_value(
                (*keys, key),
                f"{key} should be a whole number {low} to {high}, not {_describe(value)}",
            )
        if not low <= value <= high:
            raise self.at_value(
                (*keys, key), f"{key} = {value} is out of range (expected {low} to {high})"
            )
        return value

    def _number(
        self, table: Raw, keys: KeyPath, key: str, limits: tuple[int, int], default: float
    ) -> float:
        low, high = limits
        if key not in table:
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.at_value(
                (*keys, key), f"{key} should be a number {low} to {high}, not {_describe(value)}"
            )
        if not (math.isfinite(value) and low <= value <= high):
            raise self.at_value(
                (*keys, key), f"{key} = {value} is out of range (expected {low} to {high})"
            )
        return float(value)

    def _text(self, table: Raw, keys: KeyPath, key: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            raise self.at_value(
                (*keys, key), f'{key} should be text in quotes ("..."), not {_describe(value)}'
            )
        return value

    def _optional_text(self, table: Raw, keys: KeyPath, key: str) -> str | None:
        if key not in table:
            return None
        value = self._text(table, keys, key, "")
        if not value:
            raise self.at_value((*keys, key), f"{key} is empty (leave the line out instead)")
        return value

    def _bool(self, table: Raw, keys: KeyPath, key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.at_value(
                (*keys, key), f"{key} should be true or false, not {_describe(value)}"
            )
        return value

    def _list(self, table: Raw, keys: KeyPath, key: str) -> list[Any]:
        value = table.get(key, [])
        if not isinstance(value, list):
            raise self.at_value((*keys, key), f"{key} should be a [list], not {_describe(value)}")
        return value

    def _table(self, table: Raw, keys: KeyPath, key: str) -> Raw:
        value = table.get(key, {})
        if not isinstance(value, dict):
            raise self.at_value(
                (*keys, key),
                f"{key} should be written as [{key}.NAME] tables, not {_describe(value)}",
            )
        return value


def _instrument_column(track: Track, row: str, track_index: int, column_index: int) -> int:
    """1-based column of a note column's instrument field in a pattern row."""
    part, offset = split_tracks(row)[track_index]
    word = column_index * cell_width(track.effects) + 1
    return tokenize(part)[word][1] + offset


def _name_problem(name: str) -> str | None:
    """Why a pattern name cannot be used, or None."""
    if not name.strip():
        return "is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"is longer than {MAX_NAME_LENGTH} characters"
    if not name.isprintable():
        return "holds a character that cannot be shown"
    return None


def _shortened(message: str) -> str:
    """A message quoting a huge piece of the file ("unknown note "XXXX...") shows its start only:
    an error has to fit on the musician's screen."""
    return _LONG_QUOTE.sub(lambda quoted: f'"{quoted.group(1)[: MAX_QUOTED - 3]}..."', message)


def _known(names: dict[str, Any], what: str) -> str:
    listed = ", ".join(f'"{n}"' for n in list(names)[:8])
    return f"{what}: {listed}" if listed else f"the song has no {what}"


def _describe(value: object) -> str:
    """A value as a musician would read it in an error."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 24 else value[:21] + "..."
        return f'"{shown}"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if value is None:
        return "nothing"
    return "a date or time"


_PLAIN_TOML_REASONS = {
    "Invalid value": 'expected a value here (a number, true/false, "text" in quotes, or a [list])',
    "Invalid statement": "expected key = value, or a [table] header",
    "Expected newline or end of document after a statement": (
        "expected the end of the line here (one key = value per line; comments start with #)"
    ),
    "Expected '=' after a key in a key/value pair": "expected = after the key",
    "Unterminated string": "this text has no closing quote",
    "Unclosed array": "this list has no closing ]",
    "Unclosed inline table": "this table has no closing }",
    "Cannot overwrite a value": "this key is already set above (each key may appear once)",
}


def _plain_toml_reason(reason: str) -> str:
    if reason in _PLAIN_TOML_REASONS:
        return _PLAIN_TOML_REASONS[reason]
    if reason.startswith("Cannot declare"):
        return "this table header appears twice (each [table] may appear once)"
    return f"not valid TOML: {reason[:1].lower()}{reason[1:]}"
