"""Terminal escape injection in the editor: names from a hostile song are drawn as
data, never as control, and its dialogs offer them spelled out.

A crafted song used to clear the screen, retitle the window and write the clipboard
(OSC 52) when opened in the editor. Everything tmux receives from the editor is
recorded with `pipe-pane`; it must hold none of the payload's sequences
(tests/support/hostile_text.py), and the escaped form (`\\x1b`) must be what is shown.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.hostile_text import (
    CONTROL,
    DISTINCTIVE,
    PATTERN_NAME,
    SHORT_PAYLOAD,
    TRACKER,
    World,
)
from tests.support.tmux import Terminal


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
