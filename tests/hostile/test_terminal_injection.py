"""Terminal escape injection: text from a song, a file name, a device file or a
port name reaches the terminal as data, never as control.

A crafted song used to clear the screen, retitle the window and write the
clipboard (OSC 52) when run through `tracker check` or opened in the editor.
Each field and each message path below carries one hostile string; the bytes
the real program writes (stdout and stderr of the command, or everything tmux
receives from the editor, recorded with `pipe-pane`) must hold none of its
control characters, and the escaped form (`\\x1b`) must be what is shown.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.audio import GM_FONT
from tests.support.jack import Receiver
from tests.support.tmux import Terminal

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


@pytest.fixture
def world(tmp_path: Path) -> World:
    instruments = tmp_path / "instruments"
    (instruments / "devices").mkdir(parents=True)
    (instruments / "devices" / f"D{FILE_PAYLOAD}.toml").write_text(device_file(), encoding="utf-8")
    (tmp_path / f"F{FILE_PAYLOAD}.sf2").symlink_to(GM_FONT)
    song = tmp_path / f"song{FILE_PAYLOAD}.toml"
    song.write_text(hostile_song(), encoding="utf-8")
    env = {
        **os.environ,
        "TRACKER_INSTRUMENTS": str(instruments),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }
    return World(tmp_path, song, env)


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


# -- the command line -------------------------------------------------------------------


def test_check_shows_every_field_of_a_hostile_song_escaped(world: World) -> None:
    result = run(world, "check", world.song)
    text = assert_inert(result, "T\\x1b[2J\\x1b]0;pwned\\x07", SHOWN, "\\x9b2J")
    assert result.returncode == 0, text
    for mark in ("T\\x1b", "K\\x1b", "I\\x1b", "S\\x1b", "D\\x1b", "N\\x1b", "F\\x1b"):
        assert mark in text, (mark, text)  # title, track, instruments, device, soundfont
    assert "song\\x1b[2J" in text  # the file name
    assert PATTERN_NAME in text  # markup means nothing on the command line: shown as written


@pytest.mark.parametrize(
    ("what", "rows"),
    [
        ("an unknown note quoting the bad text", f"C{SHORT_PAYLOAD} 01 64 ..."),
        ("a bad hex digit", f"C-4 0{SHORT_PAYLOAD} 64 ..."),
    ],
)
def test_a_song_error_quoting_hostile_text_shows_it_escaped(
    world: World, what: str, rows: str
) -> None:
    song = world.folder / f"bad{FILE_PAYLOAD}.toml"
    good_rows = "C-4 01 64 ...\n--- .. .. ...\nC-4 02 64 ...\n--- .. .. ..."
    song.write_text(
        hostile_song().replace(
            good_rows, toml_text(rows)[1:-1] + "\n--- .. .. ...\n--- .. .. ...\n--- .. .. ..."
        ),
        encoding="utf-8",
    )
    result = run(world, "check", song)
    assert result.returncode == 1, what
    text = assert_inert(result, "bad\\x1b[2J")
    assert len(text.rstrip("\n").split("\n")) == 1, text  # still one line


def test_a_pattern_name_holding_control_characters_is_refused_and_shown_escaped(
    world: World,
) -> None:
    song = world.folder / "pattern.toml"
    song.write_text(
        hostile_song().replace(toml_text(PATTERN_NAME), toml_text("p" + SHORT_PAYLOAD)),
        encoding="utf-8",
    )
    result = run(world, "check", song)
    assert result.returncode == 1
    assert_inert(result, 'pattern name "p\\x1b]0;pwned', SHOWN)


def test_a_missing_soundfont_named_by_hostile_text_is_shown_escaped(world: World) -> None:
    (world.folder / f"F{FILE_PAYLOAD}.sf2").unlink()
    result = run(world, "check", world.song)  # an error, or "not found" in the summary
    assert_inert(result, "F\\x1b[2J")


def test_an_unknown_device_named_by_hostile_text_is_shown_escaped(world: World) -> None:
    song = world.folder / "device.toml"
    song.write_text(
        hostile_song().replace(toml_text("D" + FILE_PAYLOAD), toml_text("X" + PAYLOAD)),
        encoding="utf-8",
    )
    result = run(world, "check", song)
    assert result.returncode == 1
    assert_inert(result, 'unknown device "X\\x1b[2J', SHOWN)


@pytest.mark.parametrize("command", ["check", "export-midi", "render", "play"])
def test_a_missing_file_with_a_hostile_name_is_named_escaped(world: World, command: str) -> None:
    missing = world.folder / f"gone{FILE_PAYLOAD}.toml"
    extra = {"export-midi": ["-o", "out.mid"], "render": ["-o", "out"]}.get(command, [])
    result = run(world, command, missing, *extra)
    assert result.returncode != 0
    assert_inert(result, "gone\\x1b[2J")


def test_a_hostile_word_on_the_command_line_is_echoed_escaped(world: World) -> None:
    result = run(world, f"frob{FILE_PAYLOAD}")
    assert result.returncode == 2
    assert_inert(result, 'unknown command "frob\\x1b[2J')


def test_new_and_export_name_hostile_files_escaped(world: World) -> None:
    song = world.folder / f"new{FILE_PAYLOAD}.toml"
    created = run(world, "new", song, "--title", "t" + PAYLOAD)
    assert created.returncode == 0, created.stderr
    assert_inert(created, "created ", "new\\x1b[2J")
    exported = run(world, "export-midi", world.song, "-o", world.folder / f"out{FILE_PAYLOAD}.mid")
    assert exported.returncode == 0, exported.stderr
    assert_inert(exported, "wrote ", "out\\x1b[2J")


def test_render_names_its_hostile_output_escaped(world: World, soundfont: Path) -> None:
    song = world.folder / "plain.toml"
    song.write_text(
        hostile_song()
        .replace(f"device = {toml_text('D' + FILE_PAYLOAD)}\n", "")
        .replace(toml_text("F" + FILE_PAYLOAD + ".sf2"), toml_text(str(soundfont))),
        encoding="utf-8",
    )
    result = run(world, "render", song, "-o", world.folder / f"out{FILE_PAYLOAD}", "--tail", "0")
    assert result.returncode == 0, result.stderr
    assert_inert(result, "out\\x1b[2J")


def test_import_midi_names_hostile_tracks_escaped(world: World) -> None:
    import mido

    midi = mido.MidiFile(type=1, ticks_per_beat=96)
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="m" + PAYLOAD, time=0)])
    track.append(mido.Message("note_on", note=60, velocity=90, time=0))
    track.append(mido.Message("note_on", note=60, velocity=0, time=96))
    midi.tracks.append(track)
    path = world.folder / f"in{FILE_PAYLOAD}.mid"
    midi.save(path)
    result = run(world, "import-midi", path, "-o", world.folder / f"imported{FILE_PAYLOAD}.toml")
    assert result.returncode == 0, result.stderr
    assert_inert(result, "imported\\x1b[2J")


@pytest.fixture
def hostile_port(jack_server: str) -> Iterator[Receiver]:
    """A real JACK MIDI input whose client name is the payload."""
    with Receiver(f"rx{uuid.uuid4().hex[:4]}{SHORT_PAYLOAD}") as port:
        yield port


def test_ports_and_panic_name_a_hostile_port_escaped(world: World, hostile_port: Receiver) -> None:
    result = run(world, "ports")
    assert result.returncode == 0, result.stderr
    assert_inert(result, "\\x1b]0;pwned\\x07", SHOWN, "\\x9b2J")
    silenced = run(world, "panic", "--port", hostile_port.client)
    assert silenced.returncode == 0, silenced.stderr
    assert_inert(silenced, "silenced rx", SHOWN)


def test_play_names_a_hostile_port_escaped(world: World, hostile_port: Receiver) -> None:
    song = world.folder / "plain.toml"
    song.write_text(hostile_song().replace("device = ", "# device = "), encoding="utf-8")
    result = run(world, "play", song, "--port", hostile_port.name)
    assert result.returncode == 0, result.stderr
    assert_inert(result, "end of song", "\\x1b]0;pwned\\x07", own="\r")
    missing = run(world, "play", song, "--port", "nowhere" + PAYLOAD)
    assert missing.returncode == 1
    assert_inert(missing, "nowhere\\x1b[2J")


# -- the editor -------------------------------------------------------------------------


class Recorded:
    """The editor in tmux, with every byte it writes to the terminal recorded
    (`pipe-pane` is attached before the program starts, so nothing is missed)."""

    def __init__(self, terminal: Terminal, world: World, song: Path) -> None:
        self.terminal = terminal
        self.bytes_file = world.folder / "terminal.bytes"
        self.bytes_file.write_bytes(b"")
        go = world.folder / "go"
        terminal.start(
            [
                "sh",
                "-c",
                f'while [ ! -e "$1" ]; do sleep 0.05; done; exec {TRACKER} "$2"',
                "sh",
                str(go),
                str(song),
            ],
            env=world.env,
        )
        terminal._tmux("pipe-pane", "-o", f"cat >> '{self.bytes_file}'")
        go.touch()

    def wire(self) -> bytes:
        return self.bytes_file.read_bytes()

    def assert_inert(self) -> None:
        wire = self.wire()
        for sequence in DISTINCTIVE:
            assert sequence not in wire, f"{sequence!r} reached the terminal"
        # Textual sets the mouse pointer's shape with OSC 22, ended by a BEL of its own.
        assert b"\x07" not in re.sub(rb"\x1b\]22;[a-z-]*\x07", b"", wire), "a BEL from the song"


@pytest.fixture
def recorded(world: World) -> Iterator[Recorded]:
    terminal = Terminal(world.folder, width=160, height=30)
    try:
        yield Recorded(terminal, world, world.song)
    finally:
        terminal.close()


def test_the_editor_draws_hostile_names_escaped(recorded: Recorded) -> None:
    terminal = recorded.terminal
    terminal.wait_for(lambda s: "Instruments" in s and "Pos 00" in s)
    terminal.wait_for("MIDI:")  # the player started and says where MIDI goes
    terminal.keys("F6")  # play: the player says it cannot find the device's port
    time.sleep(1.0)
    terminal.keys("F8")
    time.sleep(0.3)
    recorded.assert_inert()
    screen = terminal.screen()
    assert "K\\x1b[2J" in screen, screen  # the track header
    assert "I\\x1b[2J" in screen, screen  # the instruments panel
    bar, message = screen.rstrip("\n").split("\n")[-2:]
    assert "song\\x1b[2J" in bar, screen  # the file name, cut to the bar's width
    assert "MIDI:" in message, screen  # the status line is not pushed off by a long name
    assert PATTERN_NAME in screen, screen  # pattern list and order list: markup shown as written


def _line_after(screen: str, label: str) -> str:
    lines = screen.splitlines()
    found = [i for i, line in enumerate(lines) if label in line]
    return lines[found[0] + 1] if found and found[0] + 1 < len(lines) else ""


def test_song_settings_show_the_hostile_title_escaped(recorded: Recorded) -> None:
    terminal = recorded.terminal
    terminal.wait_for("Instruments")
    terminal.keys("F2")
    terminal.wait_for("Song settings")
    # The title field, spelled out, on the line under its label.
    terminal.wait_for(lambda screen: "\\x9b2J" in _line_after(screen, "│ Title "))
    recorded.assert_inert()
    terminal.keys("Escape")


def test_a_dialog_title_naming_a_pattern_shows_its_markup_as_written(recorded: Recorded) -> None:
    terminal = recorded.terminal
    terminal.wait_for("Instruments")
    time.sleep(1.0)  # keys typed before the app listens are lost
    for key in ("F4", "F4", "r"):  # the order list, the pattern list, rename the pattern
        terminal.keys(key)
        time.sleep(0.2)
    screen = terminal.wait_for("Rename pattern")
    assert f'Rename pattern "{PATTERN_NAME}"' in screen, screen
    terminal.keys("Escape")


def test_a_dialog_left_as_offered_keeps_the_names_it_spelled_out() -> None:
    """Names are offered spelled out; confirming without touching them changes nothing,
    and a right-to-left mark in a Hebrew title is not rewritten as `\\u200f`."""
    from tracker.errors import EditError
    from tracker.song.model import Song
    from tracker.ui.screens.forms import (
        settings_fields,
        settings_parser,
        track_fields,
        track_parser,
    )

    title = "שיר\u200f" + SHORT_PAYLOAD
    song = Song.new(title=title, tracks=1, lines=4)
    song.tracks[0].name = "K" + SHORT_PAYLOAD
    offered = {key: text for key, _, text in settings_fields(song)}
    assert CONTROL.search(offered["title"]) is None and "\\u200f" in offered["title"]
    settings_parser(song, None)(offered).apply(song)
    assert song.title == title
    offered["title"] = "typed \\x1b"
    settings_parser(song, None)(offered).apply(song)
    assert song.title == "typed \\x1b"  # what the musician typed is taken as typed
    track = {key: text for key, _, text in track_fields(song.tracks[0])}
    with pytest.raises(EditError, match="nothing changed"):  # not a rename to the spelling
        track_parser(song, 0)(track)
