"""Reading a song's patterns: names, lines and rows, each error in a cell at its line and column.

A pattern's rows are one multi-line string in the file, so an error in a cell
is placed by counting rows from the string's opening quotes (`_row_place`) and
columns within the row (notation.py's tokens).
"""

from __future__ import annotations

from tracker.errors import SongFormatError
from tracker.song.feel_format import FeelReader
from tracker.song.limits import LINES_RANGE, MAX_NAME_LENGTH
from tracker.song.model import Cell, Instrument, Pattern, PatternTrack, Track
from tracker.song.notation import cell_width, parse_row, split_tracks, tokenize
from tracker.toml_locator import KeyPath
from tracker.tomlfile import Raw, describe

PATTERN_KEYS = ("lines", "key", "scale", "loops", "rows")
REQUIRED_KEYS = ("lines", "rows")


class PatternReader(FeelReader):
    """The patterns table of a song file, read against the song's tracks and instruments."""

    error_class = SongFormatError

    def _patterns(
        self, raw: Raw, tracks: list[Track], instruments: dict[int, Instrument]
    ) -> dict[str, Pattern]:
        table = self.named_tables(raw, (), "patterns")
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
                    f"{describe(value)}",
                )
            patterns[name] = self._pattern(value, keys, tracks, instruments)
        return patterns

    def _pattern(
        self, table: Raw, keys: KeyPath, tracks: list[Track], instruments: dict[int, Instrument]
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
