"""Signals from outside, the way they really come: the SSH connection drops (SIGHUP,
also for real: `tmux kill-session` hangs up the pane's terminal), the system shuts
down (SIGTERM), someone runs `kill -INT` (in the editor Ctrl+C is the copy key, so
SIGINT only comes from outside).

Editing, each signal keeps the latest edits in the recovery file, leaves the song
file alone, exits with 128 + the signal's number (129 SIGHUP, 130 SIGINT, 143
SIGTERM: the shell's convention, so a script tells a hang-up from a quit) and gives
the terminal back: no alternate screen, no mouse reporting, the cursor shown.
Playing, every note-on heard at a JACK port gets its note-off and CC 123, and
nothing arrives once the program has gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.soak_measure import channels_without_all_notes_off, note_keys, stuck_notes
from tests.support.builders import first_notes
from tests.support.command import TRACKER as TRACKER_COMMAND
from tests.support.command import new_song
from tests.support.jack import Receiver
from tests.support.tmux import Terminal, start_tracker
from tracker.song.recovery import recovery_path
from tracker.song.storage import load_song

SIGNALS = [signal.SIGHUP, signal.SIGTERM, signal.SIGINT]

HELD = '''format = 1
title = "Held"
bpm = 60.0
lpb = 1
tpl = 6
swing = 0.0
order = ["a"]

[instruments.01]
name = "Synth"
device = "generic"
channel = 1

[[tracks]]
name = "Pad"
notes = 2

[patterns.a]
lines = 4
rows = """
C-4 01 64 ... E-4 01 64 ...
--- .. .. ... --- .. .. ...
--- .. .. ... --- .. .. ...
OFF .. .. ... OFF .. .. ...
"""
'''
"""A C and an E held for three seconds of every four, on the generic MIDI device (so
the editor's player sends them to its MIDI port too, not to the soundfont)."""

C4_ON, E4_ON = bytes((0x90, 60, 0x64)), bytes((0x90, 64, 0x64))


# ---------------------------------------------------------------- helpers


def pane_modes(terminal: Terminal) -> dict[str, str]:
    """The terminal modes tmux sees in the pane: what a program left switched on."""
    names = ["alternate_on", "mouse_any_flag", "mouse_all_flag", "mouse_sgr_flag", "cursor_flag"]
    shown = subprocess.run(
        [
            "tmux",
            "-L",
            terminal.socket,
            "display-message",
            "-p",
            " ".join(f"#{{{n}}}" for n in names),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout.split()
    return dict(zip(names, shown, strict=True))


def gone(pid: int, timeout: float = 10.0) -> bool:
    """True once no process has this pid (or it is a zombie nobody reaped yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for task in tasks.iterdir() for c in (task / "children").read_text().split()]


# ---------------------------------------------------------------- editing


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_a_signal_while_editing_keeps_the_edits_and_gives_the_terminal_back(
    terminal: Terminal, tmp_path: Path, sig: signal.Signals
) -> None:
    song = new_song(tmp_path / "edit.toml")
    before = song.read_bytes()
    pid = start_tracker(terminal, str(song))
    terminal.wait_for("edit.toml")
    running = pane_modes(terminal)
    assert running["alternate_on"] == "1" and running["mouse_any_flag"] == "1", running

    terminal.type_slowly("zxc")  # C-4 D-4 E-4
    terminal.wait_for("E-4")
    os.kill(pid, sig)

    assert terminal.exit_code() == 128 + sig
    assert first_notes(load_song(recovery_path(song)), 4) == ["C-4", "D-4", "E-4", "---"]
    assert song.read_bytes() == before
    # The terminal is the shell's again: the line it printed after the exit is on a
    # plain screen, and none of the modes the editor switched on is left on.
    screen = terminal.screen()
    assert screen.lstrip().startswith(f"__EXIT__{128 + sig}"), screen
    assert "edit.toml" not in screen
    modes = pane_modes(terminal)
    assert modes == {
        "alternate_on": "0",
        "mouse_any_flag": "0",
        "mouse_all_flag": "0",
        "mouse_sgr_flag": "0",
        "cursor_flag": "1",
    }


def test_the_terminal_closing_under_the_editor_keeps_the_edits_and_ends_it(
    terminal: Terminal, tmp_path: Path
) -> None:
    """The real hang-up: tmux kills the session, the pane's terminal goes away and the
    kernel sends SIGHUP. Nobody is left to see an exit code: the recovery file and a
    process that really ended are what count."""
    song = new_song(tmp_path / "dropped.toml")
    before = song.read_bytes()
    pid = start_tracker(terminal, str(song))
    terminal.wait_for("dropped.toml")
    terminal.type_slowly("zx")
    terminal.wait_for("D-4")
    helpers = children(pid)
    subprocess.run(["tmux", "-L", terminal.socket, "kill-session"], check=True, timeout=10)

    assert gone(pid), "the editor is still running with no terminal"
    assert all(gone(child) for child in helpers), "the player outlived the editor"
    assert first_notes(load_song(recovery_path(song)), 3) == ["C-4", "D-4", "---"]
    assert song.read_bytes() == before


# ---------------------------------------------------------------- playing


def jack_ports() -> set[str]:
    listed = subprocess.run(["jack_lsp"], capture_output=True, text=True, check=True, timeout=10)
    return set(listed.stdout.split())


def assert_silenced_and_quiet(receiver: Receiver, exited: bool) -> None:
    """Every note-on answered, CC 123 on its channel, and nothing once the program left."""
    assert exited, "the program did not exit"
    heard = receiver.wait_for(lambda got: bytes((0xB0, 123, 0)) in got, timeout=3)
    count = len(receiver.snapshot())
    time.sleep(0.5)
    assert len(receiver.snapshot()) == count, "MIDI arrived after the program had gone"
    assert C4_ON in heard and E4_ON in heard
    assert note_keys(heard) == (set(), 0), [m.hex() for m in heard]
    assert not channels_without_all_notes_off(heard), [m.hex() for m in heard]


def mid_note(receiver: Receiver) -> None:
    """Wait until both notes sound, and check they still do (their OFF is 3 s away)."""
    heard = receiver.wait_for(lambda got: C4_ON in got and E4_ON in got, timeout=15)
    assert C4_ON in heard and E4_ON in heard, [m.hex() for m in heard]
    time.sleep(0.3)
    assert stuck_notes(receiver.data()) == {(0, 60), (0, 64)}, "the notes ended before the signal"


def start_headless(terminal: Terminal, song: Path, receiver: Receiver) -> int:
    song.write_text(HELD)
    return start_tracker(terminal, "play", str(song), "--loop", "--port", receiver.name)


@pytest.mark.jack
def test_a_hang_up_while_playing_headless_ends_every_note(
    terminal: Terminal, tmp_path: Path, receiver: Receiver
) -> None:
    """`kill -HUP` to `tracker play`. (SIGINT and SIGTERM: tests/cli/test_play.py.)
    A clean stop, by that signal: "stopped", exit 128 + SIGHUP."""
    pid = start_headless(terminal, tmp_path / "held.toml", receiver)
    mid_note(receiver)
    os.kill(pid, signal.SIGHUP)
    assert terminal.exit_code() == 128 + signal.SIGHUP
    assert "stopped" in terminal.screen()
    assert_silenced_and_quiet(receiver, gone(pid))


@pytest.mark.jack
def test_the_terminal_closing_under_headless_play_ends_every_note(
    terminal: Terminal, tmp_path: Path, receiver: Receiver
) -> None:
    pid = start_headless(terminal, tmp_path / "held.toml", receiver)
    mid_note(receiver)
    subprocess.run(["tmux", "-L", terminal.socket, "kill-session"], check=True, timeout=10)
    assert_silenced_and_quiet(receiver, gone(pid))


def start_editor_playing(terminal: Terminal, song: Path, receiver: Receiver) -> int:
    """Open the editor, connect its player's own MIDI port (`tracker:out`, the only
    output the editor has) to the receiver, press Space."""
    song.write_text(HELD)
    before = jack_ports()
    pid = start_tracker(terminal, str(song))
    terminal.wait_for("held.toml")
    deadline = time.monotonic() + 20
    while not (outputs := [p for p in jack_ports() - before if p.endswith(":out")]):
        assert time.monotonic() < deadline, "the editor's player opened no MIDI port"
        time.sleep(0.1)
    assert len(outputs) == 1 and outputs[0].startswith("tracker"), outputs
    terminal.wait_for(lambda screen: "Starting the player" not in screen)  # it said it is ready
    subprocess.run(["jack_connect", outputs[0], receiver.name], check=True, timeout=10)
    terminal.keys("Space")
    mid_note(receiver)
    return pid


@pytest.mark.jack
@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_a_signal_while_the_editor_plays_ends_every_note(
    terminal: Terminal, tmp_path: Path, receiver: Receiver, sig: signal.Signals
) -> None:
    pid = start_editor_playing(terminal, tmp_path / "held.toml", receiver)
    os.kill(pid, sig)
    assert terminal.exit_code() == 128 + sig
    assert_silenced_and_quiet(receiver, gone(pid))


@pytest.mark.jack
def test_the_terminal_closing_while_the_editor_plays_ends_every_note(
    terminal: Terminal, tmp_path: Path, receiver: Receiver
) -> None:
    pid = start_editor_playing(terminal, tmp_path / "held.toml", receiver)
    subprocess.run(["tmux", "-L", terminal.socket, "kill-session"], check=True, timeout=10)
    assert_silenced_and_quiet(receiver, gone(pid))


def test_a_hang_up_ends_the_editor_even_when_its_terminal_no_longer_takes_output(
    tmp_path: Path,
) -> None:
    """A dropped SSH connection can leave the terminal's writes blocked: Textual's
    writer thread then waits forever and the exit waits for it. Editors were found
    alive hours later, holding their song's lock. The recovery file is written
    first and the editor ends anyway, with 129."""
    import fcntl
    import pty
    import struct
    import termios

    song = tmp_path / "song.toml"
    subprocess.run([*TRACKER_COMMAND, "new", str(song)], check=True, capture_output=True)
    master, slave = pty.openpty()
    # A big screen, and nobody reading it: the first paint fills the terminal's buffer.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 200, 400, 0, 0))
    editor = subprocess.Popen(
        [*TRACKER_COMMAND, str(song)],
        stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    try:
        time.sleep(3.0)  # the editor starts and blocks on its own output: nothing shows it
        assert editor.poll() is None
        editor.send_signal(signal.SIGHUP)
        assert editor.wait(timeout=20) == 128 + signal.SIGHUP
    finally:
        if editor.poll() is None:
            editor.kill()
            editor.wait()
        os.close(master)


def test_a_hung_up_editor_whose_exit_is_stuck_leaves_after_the_grace() -> None:
    """The last resort behind every hang-up: whatever holds the orderly exit (seen:
    Textual waiting on its output thread for a terminal that is gone), the process
    ends with 128 + the signal once the grace has passed."""
    stuck = (
        "import threading\n"
        "from tracker.ui.files.actions import _leave_anyway_after\n"
        "_leave_anyway_after(0.2, 129)\n"
        "threading.Event().wait()  # an exit that never finishes\n"
    )
    result = subprocess.run([sys.executable, "-c", stuck], timeout=20)
    assert result.returncode == 129
