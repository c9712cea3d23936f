"""The player process outlives bad input, and a crash is never silent.

A MIDI keyboard or cable can deliver a message cut short (`90`, `90 3C`) or
garbled; a song can name a CC lane nobody knows. The player used to die on both
(an IndexError in the echo, a TrackerError out of the compile) and the editor
with it. Now the first is dropped and the second refused with its reason, and the
same process plays the next song. When the process does end on a bug, it says so
and exits non-zero, its traceback in its log (stderr).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.midi.ports import open_virtual_output
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    Play,
    PlayerConfig,
    PlayerFailed,
    PortSpec,
    Ready,
    Refused,
    RequestLog,
    SendLog,
    Stopped,
)
from tracker.song.model import Track

NOTE = "C-4 01 64 ...\nOFF .. .. ..."


PLAYER_DEFAULTS = {"synth": None}
"""What every player in these tests starts with (tests/player/conftest.py)."""


def answers(player: PlayerHandle) -> bool:
    player.send(RequestLog())
    return isinstance(player.wait_for(SendLog, timeout=3.0), SendLog)


@pytest.mark.jack
@pytest.mark.parametrize(
    "broken",
    [b"\x90", b"\x90\x3c", b"\x3c\x40", b"\x90\x3c\xff", b"\xc0", b"\xe0\x00"],
    ids=[
        "status-only",
        "note-on-without-velocity",
        "no-status",
        "data-over-7f",
        "program-cut",
        "bend-cut",
    ],
)
def test_a_message_cut_short_from_the_keyboard_is_dropped_and_the_next_note_echoes(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], broken: bytes
) -> None:
    with open_virtual_output("keys", client="trkbroken") as keyboard:
        player = start_player(output=PortSpec(receiver.name), midi_in="trkbroken")
        keyboard.send(broken)
        keyboard.send(bytes((0x90, 62, 80)))
        keyboard.send(bytes((0x80, 62, 0)))
        got = receiver.wait_for(lambda got: len(got) >= 2)
        assert got == [bytes((0x90, 62, 80)), bytes((0x80, 62, 0))]
        assert answers(player)
        assert not any(isinstance(m, PlayerFailed) for m in player.poll())


@pytest.mark.jack
def test_a_song_with_an_unknown_cc_lane_is_refused_with_its_name_and_the_next_song_plays(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    bad = build_song("C-4 01 64 ... 40", tracks=[Track("Lead", cc=["wobble"])], bpm=240)
    player.send(Play(song=bad))
    refused = player.wait_for(Refused)
    assert "wobble" in refused.message
    assert answers(player)  # the same process, still there

    player.send(Play(song=build_song(NOTE, bpm=240)))
    player.wait_for(Stopped, timeout=5.0)
    got = receiver.wait_for(lambda got: bytes((0x80, 60, 0)) in got)
    assert bytes((0x90, 60, 0x64)) in got


@pytest.mark.jack
def test_a_player_that_crashes_says_why_logs_its_traceback_and_exits_non_zero(
    jack_server: str,
) -> None:
    """A command the process cannot even decode stands for any bug inside it."""
    command_read, command_write = os.pipe()
    message_read, message_write = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker.player.process", str(command_read), str(message_write)],
        pass_fds=(command_read, message_write),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(command_read)
    os.close(message_write)
    commands = Connection(command_write, readable=False)
    messages = Connection(message_read, writable=False)
    try:
        commands.send(PlayerConfig(synth=None))
        assert messages.poll(15) and isinstance(messages.recv(), Ready)
        commands.send_bytes(b"not a pickle" * 10)
        heard = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and messages.poll(deadline - time.monotonic()):
            try:
                heard.append(messages.recv())
            except EOFError:
                break
        _, stderr = process.communicate(timeout=10)
    finally:
        commands.close()
        messages.close()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1
    failed = [m for m in heard if isinstance(m, PlayerFailed)]
    assert failed and "unexpected error" in failed[0].message, heard
    assert b"Traceback" in stderr and pickle.UnpicklingError.__name__.encode() in stderr
