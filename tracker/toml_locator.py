"""Where a key or value sits in TOML text, so errors can say `file:line:col` (tomlfile.py).

tomllib returns plain dicts with no positions. This scanner walks the raw text
once and records where each key and its value start: table headers, array of
tables (`[[tracks]]` -> ("tracks", 0), ("tracks", 1), ...), dotted and quoted
keys, multi-line strings and arrays. It expects text that tomllib has already
accepted, and is good enough for our canonical layout and for hand edits; keys
inside inline tables are not recorded (lookups then fall back to the nearest
enclosing key or table).
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right

KeyPath = tuple[str | int, ...]
"""Keys from the document root; array-of-tables entries are numbered from 0."""

_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class TomlLocator:
    """Positions (1-based line and column) of the keys and values of one TOML document."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._keys: dict[KeyPath, tuple[int, int]] = {}
        """Key path -> (offset of the key, offset of its value)."""
        self._tables: dict[KeyPath, int] = {}
        """Table path -> offset of its header."""
        self._array_tables: dict[tuple[str | int, ...], int] = {}
        """Array-of-tables path -> how many entries seen so far."""
        self._scan()

    # ---- queries -------------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def key(self, path: KeyPath) -> tuple[int, int] | None:
        """Where the key (or table header) at `path` starts; else its nearest known ancestor."""
        offset = self._key_offset(path)
        return None if offset is None else self.position(offset)

    def value(self, path: KeyPath) -> tuple[int, int] | None:
        """Where the value of `path` starts; falls back like `key`."""
        offset = self.value_offset(path)
        return self.position(offset) if offset is not None else self.key(path)

    def value_offset(self, path: KeyPath) -> int | None:
        found = self._keys.get(path)
        return found[1] if found is not None else None

    def item(self, path: KeyPath, index: int) -> tuple[int, int] | None:
        """Where element `index` of the array at `path` starts; falls back to the array."""
        start = self.value_offset(path)
        if start is None or start >= len(self._text) or self._text[start] != "[":
            return self.value(path)
        pos = start + 1
        for _ in range(index):
            pos = self._skip_value(self._skip_blank(pos), inline=True)
            pos = self._skip_blank(pos)
            if pos >= len(self._text) or self._text[pos] != ",":
                return self.value(path)
            pos += 1
        return self.position(self._skip_blank(pos))

    def _key_offset(self, path: KeyPath) -> int | None:
        for end in range(len(path), 0, -1):
            prefix = path[:end]
            if prefix in self._keys:
                return self._keys[prefix][0]
            if prefix in self._tables:
                return self._tables[prefix]
            # No line of its own: the first table or dotted key inside it ([[tracks]], a.b.c = 1).
            for table, offset in self._tables.items():
                if table[:end] == prefix:
                    return offset
            for key, (offset, _value) in self._keys.items():
                if key[:end] == prefix:
                    return offset
        return None

    # ---- the scanner -----------------------------------------------------------

    def _scan(self) -> None:
        text = self._text
        pos = 0
        table: KeyPath = ()
        while True:
            pos = self._skip_blank(pos)
            if pos >= len(text):
                return
            start = pos
            if text.startswith("[[", pos):
                keys, pos = self._read_key(pos + 2)
                index = self._array_tables.get(keys, 0)
                self._array_tables[keys] = index + 1
                table = (*self._resolve(keys[:-1]), keys[-1], index)
                self._tables[table] = start
                pos = text.find("]]", pos) + 2
            elif text[pos] == "[":
                keys, pos = self._read_key(pos + 1)
                table = self._resolve(keys)
                self._tables[table] = start
                pos = text.find("]", pos) + 1
            else:
                keys, pos = self._read_key(pos)
                pos = self._skip_spaces(pos + 1)  # past "="
                self._keys[(*table, *keys)] = (start, pos)
                pos = self._skip_value(pos, inline=False)
            pos = self._end_of_line(pos)

    def _resolve(self, keys: KeyPath) -> KeyPath:
        """[tracks.sub] inside an array of tables means the latest [[tracks]] entry."""
        resolved: list[str | int] = []
        for key in keys:
            resolved.append(key)
            count = self._array_tables.get(tuple(resolved))
            if count:
                resolved.append(count - 1)
        return tuple(resolved)

    def _read_key(self, pos: int) -> tuple[KeyPath, int]:
        """A dotted key -> its parts and the offset just after it (before `=` or `]`)."""
        text = self._text
        parts: list[str | int] = []
        while True:
            pos = self._skip_spaces(pos)
            if pos >= len(text):
                break
            if text[pos] in "\"'":
                end = self._skip_value(pos, inline=True)
                parts.append(_string_value(text[pos:end]))
                pos = end
            else:
                end = pos
                while end < len(text) and text[end] in _BARE_KEY_CHARS:
                    end += 1
                parts.append(text[pos:end])
                pos = end
            pos = self._skip_spaces(pos)
            if pos < len(text) and text[pos] == ".":
                pos += 1
                continue
            break
        return tuple(parts), pos

    def _skip_value(self, pos: int, *, inline: bool) -> int:
        """Offset just past the value starting at `pos` (strings, arrays and tables nest)."""
        text = self._text
        if pos >= len(text):
            return pos
        for quotes in ('"""', "'''"):
            if text.startswith(quotes, pos):
                end = close = self._find_closing(pos + 3, quotes)
                while end < len(text) and text[end] == quotes[0] and end - close < 2:
                    end += 1  # `a"""""`: up to two quotes of content just before the closing three
                return end
        ch = text[pos]
        if ch in "\"'":
            return self._find_closing(pos + 1, ch)
        if ch in "[{":
            return self._skip_bracketed(pos)
        end = pos
        stops = ",]}#\n" if inline else "#\n"
        while end < len(text) and text[end] not in stops and not (inline and text[end] in " \t"):
            end += 1
        return end

    def _find_closing(self, pos: int, quotes: str) -> int:
        """Offset just past the closing quotes; backslash escapes count only in basic strings."""
        text = self._text
        while True:
            found = text.find(quotes, pos)
            if found < 0:
                return len(text)
            backslashes = 0
            while quotes[0] == '"' and text[found - 1 - backslashes] == "\\":
                backslashes += 1
            if backslashes % 2 == 0:
                return found + len(quotes)
            pos = found + 1  # an escaped quote: \" inside the text

    def _skip_bracketed(self, pos: int) -> int:
        """Past a whole [array] or {inline table}, however nested and split over lines."""
        text = self._text
        depth = 0
        while pos < len(text):
            ch = text[pos]
            if ch in "[{":
                depth += 1
                pos += 1
            elif ch in "]}":
                depth -= 1
                pos += 1
                if depth == 0:
                    return pos
            elif ch in "\"'":
                pos = self._skip_value(pos, inline=True)
            elif ch == "#":
                pos = self._end_of_line(pos)
            else:
                pos += 1
        return pos

    def _skip_spaces(self, pos: int) -> int:
        text = self._text
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        return pos

    def _skip_blank(self, pos: int) -> int:
        """Past spaces, newlines and comments."""
        text = self._text
        while pos < len(text):
            ch = text[pos]
            if ch in " \t\r\n":
                pos += 1
            elif ch == "#":
                pos = self._end_of_line(pos)
            else:
                break
        return pos

    def _end_of_line(self, pos: int) -> int:
        end = self._text.find("\n", pos)
        return len(self._text) if end < 0 else end


def _string_value(quoted: str) -> str:
    """The text of a quoted TOML key: let tomllib undo the escapes."""
    try:
        value = tomllib.loads(f"k = {quoted}")["k"]
    except tomllib.TOMLDecodeError:
        return quoted
    return value if isinstance(value, str) else quoted
