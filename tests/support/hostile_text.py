"""A hostile string and what carries it to the terminal, for the terminal-injection
tests (tests/hostile/test_terminal_injection_*.py): the payload in its forms, a song
and a device file holding it in every field, the real `tracker` command run on them,
and the check that what the command wrote is inert (data, never control).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TRACKER = str(Path(sys.executable).parent / "tracker")

PAYLOAD = (
    "\x1b[2J"  # clear the screen
    "\x1b]0;pwned\x07"  # retitle the window
    "\x1b]52;c;cHduZWQ=\x07"  # write "pwned" to the clipboard
    "\x9b2J"  # clear the screen with a raw C1 CSI
    "\x07"  # ring the bell
    "[reverse]x[/][@click=app.quit]q[/]"  # Rich / Textual markup
)
"""Every hostile field holds this."""
FILE_PAYLOAD = PAYLOAD.replace("/", "")
"""The same for a file name (no folder separators)."""
SHORT_PAYLOAD = "\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x9b2J"
"""For names with a length limit: pattern names (32 characters), JACK client names."""
PATTERN_NAME = "[@click=app.quit]q[/]"
"""Pattern names must be printable (the file format refuses control characters),
so a pattern name carries markup only."""

SHOWN = "\\x1b]52;c;cHduZWQ=\\x07"
"""What the clipboard write looks like once made visible."""
DISTINCTIVE = (b"\x1b]52;", b"\x1b]0;pwned", b"\xc2\x9b", b"cHduZWQ=\x07", b"\x1b[2J")
"""Sequences from the payload, as bytes on the wire (U+009B is C2 9B in UTF-8)."""
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
"""What the command line may never print: every C0 control but the newline, DEL, every C1."""


def toml_text(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text)


@dataclass(frozen=True)
class World:
    """A folder holding a hostile song (title, track, instrument, device and
    soundfont), the device file it names, and the environment that finds it."""

    folder: Path
    song: Path
    env: dict[str, str]


def hostile_song(instrument_extra: str = "") -> str:
    return f"""\
format = 1
title = {toml_text("T" + PAYLOAD)}
bpm = 120.0
lpb = 4
tpl = 6
swing = 0.0
order = [{toml_text(PATTERN_NAME)}]

[instruments.01]
name = {toml_text("I" + PAYLOAD)}
device = {toml_text("D" + FILE_PAYLOAD)}
channel = 1
program = 0

[instruments.02]
name = {toml_text("S" + PAYLOAD)}
soundfont = {toml_text("F" + FILE_PAYLOAD + ".sf2")}
program = 0
{instrument_extra}
[[tracks]]
name = {toml_text("K" + PAYLOAD)}
notes = 1
effects = 1

[patterns.{toml_text(PATTERN_NAME)}]
lines = 4
rows = \"\"\"
C-4 01 64 ...
--- .. .. ...
C-4 02 64 ...
--- .. .. ...
\"\"\"
"""


def device_file() -> str:
    return f"""\
name = {toml_text("N" + PAYLOAD)}
manufacturer = {toml_text("M" + PAYLOAD)}
ports = [{toml_text("P" + PAYLOAD)}]
channel = 1

[cc]
cutoff = 74
"""


def run(world: World, *args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """The real `tracker` command, its output kept as the raw bytes a terminal would get."""
    return subprocess.run(
        [TRACKER, *map(str, args)],
        capture_output=True,
        cwd=world.folder,
        env=world.env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def assert_inert(result: subprocess.CompletedProcess[bytes], *shown: str, own: str = "") -> str:
    """No control character in what the command wrote (but those in `own`, the program's
    own: `tracker play` returns the carriage to redraw its status line); each of `shown`
    appears in it (the escaped form: the musician still sees what the file holds).
    Returns the text."""
    raw = result.stdout + result.stderr
    text = raw.decode("utf-8", errors="strict")
    found = CONTROL.search(text.translate({ord(c): None for c in own}))
    assert found is None, f"control character {found.group()!r} reached the terminal: {text!r}"
    assert "Traceback" not in text, text
    for part in shown:
        assert part in text, (part, text)
    return text
