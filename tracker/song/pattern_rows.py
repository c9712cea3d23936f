"""Reading a song's patterns: names, lines and rows, each error in a cell at its line and column.

A pattern's rows are one multi-line string in the file, so an error in a cell
is placed by counting rows from the string's opening quotes (`_row_place`) and
columns within the row (notation.py's tokens).

Speed (#16): a song repeats the same few track parts of a row ("--- .. .. ..."
above all) thousands of times, so each distinct part is parsed once per load and
its cells shared (they are frozen). A row whose parts were all seen before is
valid as it stands (a part's meaning does not depend on where it sits); any other
row is read in full by notation.parse_row, which places its errors exactly as it
always did. Nothing positional is computed until an error needs it.
"""

from __future__ import annotations

from tracker.errors import SongFormatError
from tracker.lanes import is_wide
from tracker.song.feel_format import FeelReader
from tracker.song.limits import LINES_RANGE, MAX_NAME_LENGTH
from tracker.song.model import Cell, Instrument, Pattern, PatternTrack, Track
from tracker.song.notation import (
    EMPTY_BYTE,
    TRACK_SEPARATOR,
    cell_width,
    parse_cell,
    parse_lane_value,
    parse_row,
    split_tracks,
    tokenize,
)
from tracker.toml_locator import KeyPath
from tracker.tomlfile import Raw, describe

PATTERN_KEYS = ("lines", "key", "scale", "loops", "rows")
REQUIRED_KEYS = ("lines", "rows")

Part = tuple[tuple[Cell, ...], tuple[int | None, ...]]
"""One track's part of a row, read: its cells and its CC values."""
MAX_KNOWN_PARTS = 1 << 16
"""Distinct parts remembered per track while loading: a song of unique parts stops
sharing rather than growing a table as large as itself."""
Seen = tuple[list[dict[str, Part]], dict[tuple[str, ...], Cell]]
"""What a file's patterns have shown so far: per track its parts, and the cells by their words."""


class PatternReader(FeelReader):
    """The patterns table of a song file, read against the song's tracks and instruments."""

    error_class = SongFormatError

    def _patterns(
        self, raw: Raw, tracks: list[Track], instruments: dict[int, Instrument]
    ) -> dict[str, Pattern]:
        table = self.named_tables(raw, (), "patterns")
        patterns: dict[str, Pattern] = {}
        # Per track, the parts read so far: the tracks are fixed while the patterns are
        # read, so a part means the same in every pattern.
        known: list[dict[str, Part]] = [{} for _ in tracks]
        cells: dict[tuple[str, ...], Cell] = {}
        for name, value in table.items():
            keys: KeyPath = ("patterns", name)
            problem = _name_problem(name)
            if problem:
                raise self.at_key(keys, f'pattern name "{name}" {problem}')
            if not isinstance(value, dict):
                raise self.at_value(
                    keys,
                    f'pattern "{name}" should be a table with lines and rows, not '
                    f"{describe(value)}",
                )
            patterns[name] = self._pattern(value, keys, tracks, instruments, (known, cells))
        return patterns

    def _pattern(
        self,
        table: Raw,
        keys: KeyPath,
        tracks: list[Track],
        instruments: dict[int, Instrument],
        seen: Seen,
    ) -> Pattern:
        name = keys[-1]
        self.check_keys(table, PATTERN_KEYS, keys, f'pattern "{name}"')
        for key in REQUIRED_KEYS:
            if key not in table:
                raise self.at_key(keys, f'pattern "{name}" has no {key}')
        lines = self.integer(table, keys, "lines", LINES_RANGE)
        rows_text = table["rows"]
        if not isinstance(rows_text, str):
            raise self.at_value(
                (*keys, "rows"),
                f'rows should be text in triple quotes (rows = """ ... """), '
                f"not {describe(rows_text)}",
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
        parts = self._parts(tracks, instruments, rows, (*keys, "rows"), seen)
        pattern_tracks = []
        for t, track in enumerate(tracks):
            by_line = [row[t] for row in parts]
            columns = [
                list(column) for column in zip(*[cells for cells, _ in by_line], strict=True)
            ]
            cc = [list(lane) for lane in zip(*[values for _, values in by_line], strict=True)]
            pattern_tracks.append(
                PatternTrack(
                    columns=columns or [[] for _ in range(track.notes)],
                    cc=cc or [[] for _ in track.cc],
                )
            )
        for index, loop in self._loops(table, keys, len(tracks), lines).items():
            pattern_tracks[index].loop = loop
        tonic, scale = self.key_and_scale(table, keys)
        return Pattern(lines=lines, tracks=pattern_tracks, key=tonic, scale=scale)

    def _loops(self, table: Raw, keys: KeyPath, tracks: int, lines: int) -> dict[int, int]:
        """`loops = { 3 = 12 }`: track 3 (counting from 1) plays its first 12 lines over
        and over through the pattern (polymeter)."""
        found = self.table(table, keys, "loops")
        result: dict[int, int] = {}
        for key, value in found.items():
            place: KeyPath = (*keys, "loops", key)
            if not key.isdigit() or not 1 <= int(key) <= tracks:
                raise self.at_key(place, f'loops: "{key}" should be a track number, 1 to {tracks}')
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= lines:
                raise self.at_value(
                    place,
                    f"loops: track {key} should loop 1 to {lines} lines (the pattern's "
                    f"length), not {describe(value)}",
                )
            result[int(key) - 1] = value
        return result

    def _parts(
        self,
        tracks: list[Track],
        instruments: dict[int, Instrument],
        rows: list[str],
        keys: KeyPath,
        seen: Seen,
    ) -> list[list[Part]]:
        """Each row's track parts, read; a part seen before in this file is not read again."""
        known, cells = seen
        count = len(tracks)
        result: list[list[Part]] = []
        for index, row in enumerate(rows):
            texts = row.split(TRACK_SEPARATOR)
            if len(texts) != count:
                self._row(tracks, instruments, row, keys, index)  # raises, placed
            found: list[Part] = []
            for track, parts, text in zip(tracks, known, texts, strict=True):
                part = parts.get(text)
                if part is None:
                    part = _read_part(track, instruments, text, cells)
                    if part is None:  # a problem: read the row as ever, for its first error's place
                        self._row(tracks, instruments, row, keys, index)
                        raise AssertionError("a part that failed alone passed in its row")
                    if len(parts) < MAX_KNOWN_PARTS:
                        parts[text] = part
                found.append(part)
            result.append(found)
        return result

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


def _read_part(
    track: Track, instruments: dict[int, Instrument], text: str, cells: dict[tuple[str, ...], Cell]
) -> Part | None:
    """One track's part of a row, or None when it has a problem (undefined instruments too).
    `cells` holds the cells read so far in this file, by their words."""
    words = text.split()  # str.split and notation's tokens agree on what white space is
    width = cell_width(track.effects)
    if len(words) != track.notes * width + len(track.cc):
        return None
    read: list[Cell] = []
    for start in range(0, track.notes * width, width):
        key = tuple(words[start : start + width])
        cell = cells.get(key)
        if cell is None:
            try:
                cell = parse_cell([(word, 1) for word in key], track.effects)
            except SongFormatError:
                return None
            if cell.instrument is not None and cell.instrument not in instruments:
                return None
            cells[key] = cell
        read.append(cell)
    values: list[int | None] = []
    for name, word in zip(track.cc, words[track.notes * width :], strict=True):
        if is_wide(name):  # a 14-bit lane: four hex digits, read by notation's rule
            try:
                values.append(parse_lane_value(word, 1, wide=True))
            except SongFormatError:
                return None
        elif word in _CC_VALUES:
            values.append(_CC_VALUES[word])
        else:
            return None
    return tuple(read), tuple(values)


_CC_VALUES: dict[str, int | None] = {
    EMPTY_BYTE: None,
    **{f"{v:02X}": v for v in range(0x80)},
    **{f"{v:02x}": v for v in range(0x80)},
}
"""Every way a CC value can be written (notation.parse_byte's rule, up to 7F)."""


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
