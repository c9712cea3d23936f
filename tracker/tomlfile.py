"""The one TOML reader: songs, instruments, devices and the key map.

`TomlFile` holds one file's text and what every strict reader of it needs: the file
read (regular files only, through tracker.files) and checked as UTF-8, tomllib's
complaints turned into plain words at their `file:line:col`, the place of any key or
value (through TomlLocator), and typed values checked against their limits in one
wording ("bpm = 0 is out of range (expected 20 to 999)"). Each kind of file raises
its own error class (SongFormatError, InstrumentError; the key map raises
LocatedError): the words are the same.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Self

from tracker.errors import LocatedError
from tracker.files import NotAFileError, read_regular, reason
from tracker.toml_locator import KeyPath, TomlLocator

Raw = dict[str, Any]
"""A table as tomllib returns it."""

MAX_QUOTED = 40
"""Longest piece of the file an error message quotes in full."""
_LONG_QUOTE = re.compile(rf'"([^"\s]{{{MAX_QUOTED + 1},}})"')
_LONG_NUMBER = re.compile(r"[0-9][0-9_]{4000,}")
_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


def read_bytes(
    path: str | Path,
    what: str,
    error: type[LocatedError] = LocatedError,
    shown: str | Path | None = None,
) -> bytes:
    """The bytes of the regular file `path` (a pipe or a device is never opened for
    reading); a problem is `error` naming `shown` (default: the path) and `what` it is."""
    where = path if shown is None else shown
    try:
        return read_regular(path)
    except FileNotFoundError:
        raise error(f"no such {what}", path=where) from None
    except OSError as problem:
        raise unreadable(problem, what, error, where) from None


def unreadable(
    problem: OSError, what: str, error: type[LocatedError], where: str | Path
) -> LocatedError:
    """Why a file that is there could not be read, as `error`."""
    if isinstance(problem, NotAFileError):
        if problem.kind == "a folder":
            return error(f"this is a folder, not a {what}", path=where)
        return error(f"this is not a {what}: {reason(problem)}", path=where)
    return error(f"cannot read the file: {reason(problem)}", path=where)


def decode(
    data: bytes, path: str | Path | None = None, error: type[LocatedError] = LocatedError
) -> str:
    """UTF-8 bytes -> text; a leading byte-order mark is dropped."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as problem:
        before = data[: problem.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8")) + 1
        raise error(
            f"this file is not UTF-8 text (byte {data[problem.start]:#04x} cannot appear here); "
            "save it as UTF-8",
            path=path,
            line=before.count(b"\n") + 1,
            column=column,
        ) from None
    return text.removeprefix("\ufeff")


class TomlFile:
    """One file's text, read strictly: its errors are `error_class`, placed at file:line:col."""

    error_class: ClassVar[type[LocatedError]] = LocatedError

    def __init__(self, text: str, path: str | Path | None) -> None:
        self.text = text
        self.path = path

    @classmethod
    def read(cls, path: str | Path, what: str, *, shown: str | Path | None = None) -> Self:
        """The file at `path` (`what` it is, for errors), its errors naming `shown`."""
        where = path if shown is None else shown
        return cls(
            decode(read_bytes(path, what, cls.error_class, where), where, cls.error_class), where
        )

    @classmethod
    def read_if_there(cls, path: str | Path, what: str) -> Self | None:
        """As `read`, but no file there (or a link to none) is None: a file that may be absent."""
        try:
            data = read_regular(path)
        except FileNotFoundError:
            return None
        except OSError as problem:
            raise unreadable(problem, what, cls.error_class, path) from None
        return cls(decode(data, path, cls.error_class), path)

    @cached_property
    def where(self) -> TomlLocator:
        """Built only when an error needs a position (or a pattern's rows do)."""
        return TomlLocator(self.text)

    # ---- errors --------------------------------------------------------------

    def error(self, message: str, place: tuple[int, int] | None = None) -> LocatedError:
        line, column = place if place is not None else (None, None)
        return self.error_class(shortened(message), path=self.path, line=line, column=column)

    def at_key(self, keys: KeyPath, message: str) -> LocatedError:
        return self.error(message, self.where.key(keys))

    def at_value(self, keys: KeyPath, message: str) -> LocatedError:
        return self.error(message, self.where.value(keys))

    # ---- parsing -------------------------------------------------------------

    def check_unicode(self) -> None:
        """Text handed in as str may hold lone surrogates, which no file can."""
        try:
            self.text.encode("utf-8")
        except UnicodeEncodeError as problem:
            before = self.text[: problem.start]
            line = before.count("\n") + 1
            column = problem.start - (before.rfind("\n") + 1) + 1
            raise self.error(
                "this text holds a character that is not valid Unicode", (line, column)
            ) from None

    def parse(self) -> Raw:
        """The whole document; anything tomllib refuses is told in plain words at its place."""
        self.check_unicode()
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as problem:
            raise self._toml_error(str(problem)) from None
        except RecursionError:
            raise self.error("lists or tables are nested too deeply") from None
        except ValueError:  # Python refuses to read a whole number of 4,300 digits or more
            found = _LONG_NUMBER.search(self.text)
            place = self.where.position(found.start()) if found else None
            raise self.error("this number has too many digits", place) from None

    def _toml_error(self, message: str) -> LocatedError:
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

    # ---- typed values ------------------------------------------------------------------

    def check_keys(self, table: Raw, allowed: Sequence[str], keys: KeyPath, owner: str) -> None:
        """Refuse a key not in `allowed`, naming the closest or listing them all."""
        for key in table:
            if key not in allowed:
                close = did_you_mean(key, allowed)
                hint = f'did you mean "{close}"?' if close else "expected " + ", ".join(allowed)
                raise self.at_key((*keys, key), f'unknown key "{key}" in {owner} ({hint})')

    def integer(
        self,
        table: Raw,
        keys: KeyPath,
        key: str,
        limits: tuple[int, int],
        default: int | None = None,
    ) -> int:
        low, high = limits
        if key not in table:
            if default is not None:
                return default
            raise self.at_key(keys, f'missing "{key}" (expected a whole number {low} to {high})')
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.at_value(
                (*keys, key),
                f"{key} should be a whole number {low} to {high}, not {describe(value)}",
            )
        if not low <= value <= high:
            raise self.at_value(
                (*keys, key), f"{key} = {value} is out of range (expected {low} to {high})"
            )
        return value

    def number(
        self, table: Raw, keys: KeyPath, key: str, limits: tuple[int, int], default: float
    ) -> float:
        low, high = limits
        if key not in table:
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.at_value(
                (*keys, key), f"{key} should be a number {low} to {high}, not {describe(value)}"
            )
        if not (math.isfinite(value) and low <= value <= high):
            raise self.at_value(
                (*keys, key), f"{key} = {value} is out of range (expected {low} to {high})"
            )
        return float(value)

    def string(self, table: Raw, keys: KeyPath, key: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if value is None:
            raise self.at_key(keys, f'missing "{key}" (expected text in quotes)')
        if not isinstance(value, str):
            raise self.at_value(
                (*keys, key), f'{key} should be text in quotes ("..."), not {describe(value)}'
            )
        return value

    def optional_string(self, table: Raw, keys: KeyPath, key: str) -> str | None:
        if key not in table:
            return None
        value = self.string(table, keys, key, "")
        if not value:
            raise self.at_value((*keys, key), f"{key} is empty (leave the line out instead)")
        return value

    def boolean(self, table: Raw, keys: KeyPath, key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.at_value(
                (*keys, key), f"{key} should be true or false, not {describe(value)}"
            )
        return value

    def array(self, table: Raw, keys: KeyPath, key: str) -> list[Any]:
        value = table.get(key, [])
        if not isinstance(value, list):
            raise self.at_value((*keys, key), f"{key} should be a [list], not {describe(value)}")
        return value

    def table(self, table: Raw, keys: KeyPath, key: str, *, required: bool = False) -> Raw:
        """The table `[key]` (or `key = {...}`); an empty one when it is left out and may be."""
        if key not in table:
            if required:
                raise self.at_key(keys, f"missing [{key}] table")
            return {}
        value = table[key]
        if not isinstance(value, dict):
            raise self.at_value(
                (*keys, key), f"{key} should be a [{key}] table, not {describe(value)}"
            )
        return value

    def named_tables(self, table: Raw, keys: KeyPath, key: str) -> Raw:
        """`[key.NAME]` tables (songs' instruments and patterns), by name."""
        value = table.get(key, {})
        if not isinstance(value, dict):
            raise self.at_value(
                (*keys, key),
                f"{key} should be written as [{key}.NAME] tables, not {describe(value)}",
            )
        return value


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a mistyped `word`, if one is close enough."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def shortened(message: str) -> str:
    """A message quoting a huge piece of the file ("unknown note "XXXX...") shows its start only:
    an error has to fit on the musician's screen."""
    return _LONG_QUOTE.sub(lambda quoted: f'"{quoted.group(1)[: MAX_QUOTED - 3]}..."', message)


def describe(value: object) -> str:
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
