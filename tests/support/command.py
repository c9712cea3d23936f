"""The real `tracker` command in a subprocess, met the way a user meets it, and the
shape every refusal must have: a non-zero exit (1 for bad input, 2 for usage), stderr
made of one or a few short lines that start with `tracker: ` and name the thing that
is wrong, no traceback, and nothing written.

Every run inherits the test's environment (os.environ, which tests/conftest.py
gives a temporary HOME and XDG folders and no TRACKER_* variable), plus `env`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
"""The checkout."""
TRACKER = [sys.executable, "-m", "tracker"]
"""The command line that runs this checkout's tracker."""

MAX_ERROR_LINES = 6
"""Usage errors add argparse's usage text (up to four lines) under the reason."""
MAX_LINE_LENGTH = 300
"""An error quoting a megabyte of a file is no clearer than a traceback."""

BAD_INPUT = 1
USAGE = 2


def tracker(
    *args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real command with no terminal on stdin (a hang would be a bug too)."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [*TRACKER, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def assert_refused(result: subprocess.CompletedProcess[str], code: int, *words: str) -> list[str]:
    """The refusal shape (see the module docstring); `words` must all appear in the
    first line, the one that says what is wrong. Returns stderr's lines."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = result.stderr.rstrip("\n").split("\n")
    assert lines[0].startswith("tracker: "), result.stderr
    assert len(lines) <= MAX_ERROR_LINES, result.stderr
    assert all(len(line) <= MAX_LINE_LENGTH for line in lines), result.stderr[:500]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line holding `fragment`."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if fragment in line)


def place(text: str, fragment: str) -> str:
    """`line:col` of `fragment`, as an error message writes it."""
    line = line_of(text, fragment)
    return f"{line}:{text.split(chr(10))[line - 1].index(fragment) + 1}"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` with a digest of its bytes: compare before
    and after to prove a refused command wrote nothing and left no temporary file."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            found[name] = "special"
        elif path.is_dir():
            found[name] = "folder"
        else:
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def new_song(path: Path, tracks: int = 2, lines: int = 16) -> Path:
    """`tracker new PATH` with a few tracks and lines; the path."""
    subprocess.run(
        [*TRACKER, "new", str(path), "--tracks", str(tracks), "--lines", str(lines)], check=True
    )
    return path
