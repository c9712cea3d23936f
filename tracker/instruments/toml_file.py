"""One instrument or device file read as TOML, with what it takes to point at a line in it.

Every problem is an InstrumentError naming `file:line:col`. The song reader has its own
(song/toml_reader.py); the two are to become one reader with one wording.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tracker.errors import InstrumentError
from tracker.files import read_regular, reason


def shown(path: Path) -> str:
    """A path as a musician would type it: relative to the current folder when inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


_TOML_REASONS = {
    "Cannot overwrite a value": "this name is given a value twice",
    "Cannot declare ('cc',) twice": "there are two [cc] tables",
}
"""tomllib's wording where a musician's would be clearer."""


class TomlFile:
    """One TOML file with what it takes to point at a line in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.text = read_regular(path).decode("utf-8")
        except UnicodeDecodeError as error:
            raise InstrumentError(f"{shown(path)}: not a text file ({error.reason})") from None
        except OSError as error:
            raise InstrumentError(f"{shown(path)}: cannot read it ({reason(error)})") from None
        try:
            self.data: dict[str, Any] = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            raise self._toml_error(str(error)) from None
        except RecursionError:
            raise InstrumentError(f"{shown(path)}: lists or tables are nested too deeply") from None
        except ValueError:  # Python refuses to read a whole number of 4,300 digits or more
            raise InstrumentError(f"{shown(path)}: a number has too many digits") from None

    def _toml_error(self, message: str) -> InstrumentError:
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if found:
            line, column = int(found.group(1)), int(found.group(2))
            reason = message[: found.start()]
        else:  # "(at end of document)": point just past the last character
            lines = self.text.split("\n")
            line, column = len(lines), len(lines[-1]) + 1
            reason = re.sub(r"\s*\(at end of document\)$", " at the end of the file", message)
        reason = _TOML_REASONS.get(reason, reason[:1].lower() + reason[1:])
        return InstrumentError(f"{shown(self.path)}:{line}:{column}: not valid TOML: {reason}")

    def locate(self, table: str | None, key: str, *, at_value: bool) -> tuple[int, int] | None:
        """Line and column of `key = ...` inside `[table]` (None: top level), 1-based."""
        current: str | None = None
        assignment = re.compile(r'(\s*)("?)' + re.escape(key) + r"\2\s*=\s*")
        for number, line in enumerate(self.text.splitlines(), start=1):
            header = re.match(r"\s*\[\s*([^\[\]]+?)\s*\]", line)
            if header:
                current = header.group(1).strip('"')
                continue
            if current != table:
                continue
            found = assignment.match(line)
            if found:
                column = found.end() if at_value else len(found.group(1))
                return number, column + 1
        return None

    def error(
        self,
        message: str,
        table: str | None = None,
        key: str | None = None,
        *,
        at_value: bool = True,
    ) -> InstrumentError:
        where = shown(self.path)
        if key is not None:
            place = self.locate(table, key, at_value=at_value)
            if place:
                where = f"{where}:{place[0]}:{place[1]}"
        return InstrumentError(f"{where}: {message}")

    def refuse_unknown(self, table: Mapping[str, Any], name: str | None, known: set[str]) -> None:
        for key in table:
            if key not in known:
                hint = did_you_mean(key, known)
                place = f"[{name}]" if name else "the file"
                raise self.error(
                    f'unknown key "{key}" in {place}{hint} (known: {", ".join(sorted(known))})',
                    name,
                    key,
                    at_value=False,
                )

    def table(self, key: str, *, required: bool) -> dict[str, Any]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(f"missing [{key}] table")
            return {}
        if not isinstance(value, dict):
            raise self.error(f'"{key}" must be a table ([{key}])', None, key)
        return value

    def string(
        self, table: Mapping[str, Any], name: str | None, key: str, *, default: str | None = None
    ) -> str:
        value = table.get(key, default)
        if value is None:
            raise self.error(f'missing "{key}" (a quoted text)', name)
        if not isinstance(value, str):
            raise self.error(f'"{key}" must be a quoted text', name, key)
        return value

    def integer(
        self,
        table: Mapping[str, Any],
        name: str | None,
        key: str,
        low: int,
        high: int,
        *,
        default: int | None = None,
    ) -> int:
        value = table.get(key, default)
        if value is None:
            raise self.error(f'missing "{key}" (a whole number {low}-{high})', name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(f'"{key}" must be a whole number {low}-{high}', name, key)
        if not low <= value <= high:
            raise self.error(f'"{key}" = {value} is out of range ({low}-{high})', name, key)
        return value


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""
