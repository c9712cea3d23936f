"""A set of output files (a render's mix, stems and MIDI files) that appears all
together or not at all.

Every file is written into a hidden staging folder inside the output folder,
`.tracker-render-PID@HOST-XXXXXXXX`, and moved into place only when all are
written: on the same disk, so each move is a rename. Before the first move every
final name is checked (absent or a regular file), so an output that cannot be
replaced (a folder, a pipe, a device in its place) stops the set before any of
it lands, and the old files stay as they were.

A render killed while writing (kill -9, SIGTERM, a dropped SSH session) cannot
clean up after itself; its staging folder carries its process id and host, so
the next render into the same folder removes it once that process is gone. The
`.NAME.PID.part` files older versions left are swept the same way.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from tracker.errors import AudioError
from tracker.files import NotAFileError, check_target, fsync_folder, reason

PREFIX = ".tracker-render-"


def _host() -> str:
    """This machine's name as it may appear in a file name (short, no separators)."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", os.uname().nodename)[:64] or "host"


_STAGING = re.compile(re.escape(PREFIX) + r"(?P<pid>\d+)@(?P<host>[A-Za-z0-9.-]+)-[^/]*")
_OLD_PART = re.compile(r"\..+\.(?P<pid>\d+)\.part")
"""A temporary file of the versions before staging folders: `.mix.wav.PID.part`."""


class Staging:
    """Write files with `temp_for(final)`, then `commit()`; leaving the `with`
    block without a commit (an error) removes everything written, and the
    output folders this staging made."""

    def __init__(self, folder: Path, finals: Iterable[Path] = ()) -> None:
        self.folder = folder
        self.finals = list(finals)
        """Every file the set will hold: checked before the render, and at the commit."""
        self.made: list[Path] = []
        """Folders made for the output, deepest first: removed again when the bounce fails."""
        self.path: Path | None = None
        self.moves: list[tuple[Path, Path]] = []

    def check(self) -> None:
        """Refuse, naming it, a final name held by anything but a regular file."""
        for final in self.finals:
            try:
                check_target(final)
            except NotAFileError as error:
                raise AudioError(
                    f"cannot write {final}: {reason(error)}; nothing was written"
                ) from None
            except OSError as error:
                raise AudioError(f"cannot write {final}: {reason(error)}") from None

    def temp_for(self, final: Path) -> Path:
        """Where `final` is written until the commit."""
        assert self.path is not None, "temp_for() outside the with block"
        temp = self.path / final.name
        self.moves.append((temp, final))
        return temp

    def scratch(self, name: str) -> Path:
        """A working file that goes with the staging folder (never moved into place)."""
        assert self.path is not None, "scratch() outside the with block"
        return self.path / f".{name}"

    def commit(self) -> None:
        """Move every file into place (checked first, so none moves when one cannot)."""
        assert self.path is not None, "commit() outside the with block"
        self.finals = [final for _, final in self.moves]
        self.check()
        fsync_folder(self.path)
        for temp, final in self.moves:
            try:
                os.replace(temp, final)
            except OSError as error:
                raise AudioError(f"cannot write {final}: {reason(error)}") from None
        self.moves = []
        fsync_folder(self.folder)

    def __enter__(self) -> Staging:
        missing = [p for p in (self.folder, *self.folder.parents) if not os.path.exists(p)]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise AudioError(
                f"cannot create the output folder {self.folder}: {reason(error)}"
            ) from None
        self.made = missing
        try:
            sweep(self.folder)
            self.path = Path(
                tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}@{_host()}-", dir=self.folder)
            )
        except OSError as error:
            self._clean_up(failed=True)
            raise AudioError(f"cannot write into {self.folder}: {reason(error)}") from None
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._clean_up(failed=exc is not None)
        if isinstance(exc, OSError):
            raise AudioError(f"cannot write the bounce: {reason(exc)}") from exc

    def _clean_up(self, *, failed: bool) -> None:
        """Remove the staging folder; after a failure, the output folders made for it too."""
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            self.path = None
        if failed:
            for folder in self.made:
                with contextlib.suppress(OSError):  # not empty: someone else wrote there
                    folder.rmdir()


def sweep(folder: Path) -> list[str]:
    """Remove what dead renders on this machine left in `folder`; returns the names removed."""
    removed: list[str] = []
    host = _host()
    for entry in os.scandir(folder):
        staging = _STAGING.fullmatch(entry.name)
        old = _OLD_PART.fullmatch(entry.name)
        if staging and staging["host"] == host and not _alive(int(staging["pid"])):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(entry.name)
        elif old and not _alive(int(old["pid"])) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(entry.name)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this id runs here (ours counts: it is writing now)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
