"""The player process dies under the editor (kill -9, a crash): the editor lives on.

The next transport key finds the player gone; the editor starts a new one and
says on its status line that the player stopped and was restarted; the next play
sounds at the synth. Nothing reaches the terminal but the editor's own screen.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

import tracker.ui.app
from tests.support.jack import Receiver
from tests.support.tmux import Terminal, start_tracker
from tracker.song.model import Song
from tracker.ui import EditorCrashed, run_guarded
from tracker.ui.app import TrackerApp

SONG = '''format = 1
title = "Beat"
bpm = 240.0
lpb = 4
tpl = 6
swing = 0.0
order = ["a"]

[instruments.01]
name = "Synth"
device = "generic"

[[tracks]]
name = "Beat"
notes = 1

[patterns.a]
lines = 4
rows = """
C-4 01 64 ...
OFF .. .. ...
--- .. .. ...
--- .. .. ...
"""
'''
C4_ON = bytes((0x90, 60, 0x64))


def player_of(editor: int, timeout: float = 15.0) -> int:
    """The pid of the editor's player process, once it runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for task in Path(f"/proc/{editor}/task").iterdir():
            for child in (task / "children").read_text().split():
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
                if b"tracker.player.process" in cmdline:
                    return int(child)
        time.sleep(0.05)
    raise AssertionError("the editor started no player process")


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.jack
def test_a_killed_player_is_restarted_said_so_and_the_next_play_sounds(
    terminal: Terminal, tmp_path: Path, receiver: Receiver
) -> None:
    song = tmp_path / "beat.toml"
    song.write_text(SONG)
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    editor = start_tracker(terminal, str(song), "--port", receiver.name, env=env)
    terminal.wait_for(receiver.client)  # the status line names the player's port: it is up
    first = player_of(editor)

    os.kill(first, signal.SIGKILL)
    while running(first):
        time.sleep(0.01)
    terminal.keys("Space")  # the transport key that used to end the editor
    screen = terminal.wait_for("restarted")
    assert "player stopped" in screen.lower(), screen
    assert running(editor) and "__EXIT__" not in terminal.screen()
    second = player_of(editor)
    assert second != first

    terminal.wait_for(lambda screen: "starting" not in screen.lower())
    assert C4_ON not in receiver.data()  # the Space that found it dead played nothing
    terminal.keys("Space")
    assert C4_ON in receiver.wait_for(lambda got: C4_ON in got, timeout=5.0)
    assert "Traceback" not in terminal.screen()

    terminal.keys("C-q")
    assert terminal.exit_code() == 0


class _BuggyApp(TrackerApp):
    """The editor with a bug planted in a key: what any uncaught exception does."""

    CSS_PATH = str(Path(tracker.ui.app.__file__).with_name("tracker.tcss"))

    def on_mount(self) -> None:
        super().on_mount()
        self.call_later(self.action_explode)

    def action_explode(self) -> None:
        raise RuntimeError("a planted bug")


def test_a_bug_in_the_editor_exits_non_zero_with_one_line_and_the_traceback_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    app = _BuggyApp(Song.new(title="Bug"), None)
    with pytest.raises(EditorCrashed) as crashed:
        run_guarded(app, headless=True)
    assert app.return_code == 1
    assert "RuntimeError: a planted bug" in crashed.value.message
    assert str(tmp_path / "cache" / "tracker" / "player.log") in crashed.value.message
    log = (tmp_path / "cache" / "tracker" / "player.log").read_text()
    assert "Traceback" in log and "action_explode" in log
    shown = capfd.readouterr()
    assert "Traceback" not in shown.out + shown.err
    assert "a planted bug" not in shown.out + shown.err  # the CLI prints the one line
