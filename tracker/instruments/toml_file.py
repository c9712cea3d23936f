"""Instrument and device files, read through the one TOML reader (tracker/tomlfile.py).

Every problem is an InstrumentError naming `file:line:col` in the words a song's
errors use; the file is named as a musician would type it (`shown`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from tracker.errors import InstrumentError
from tracker.paths import home
from tracker.tomlfile import Raw, TomlFile
from tracker.tomlfile import did_you_mean as closest


class InstrumentFile(TomlFile):
    """One instrument or device file, parsed: `data` is its top-level table."""

    error_class = InstrumentError

    def __init__(self, text: str, path: str | Path | None) -> None:
        super().__init__(text, path)
        self.data: Raw = self.parse()

    @classmethod
    def load(cls, path: Path, what: str) -> InstrumentFile:
        """The file at `path` (`what` it is, for errors), named as the musician would type it."""
        return cls.read(path, what, shown=shown(path))


def shown(path: Path) -> str:
    """A path as a musician would type it: relative to the current folder when inside
    it, else `~/...` when inside the home folder."""
    absolute = path.absolute()
    with contextlib.suppress(ValueError, OSError):
        return str(absolute.relative_to(Path.cwd()))
    folder = home()
    if folder is not None:
        with contextlib.suppress(ValueError):
            return str(Path("~") / absolute.relative_to(folder))
    return str(path)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' when a choice is close to `word`, else nothing."""
    close = closest(word, choices)
    return f' (did you mean "{close}"?)' if close else ""
