"""Patch recall on a real JACK port: an instrument's `.syx` reaches its synth before the
first note, paced, and again when the synth's port comes back after an unplug."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import Play, PortSpec, Status, Stopped
from tracker.song.model import Instrument

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True, "port_poll_s": 0.1}
PATCH = bytes([0xF0, 0x00, 0x20, 0x29, 0x01, 0x11, 0x00]) + bytes(range(64)) + bytes([0xF7])
GLOBAL = bytes([0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7])
NOTE_ON = bytes((0x90, 60, 0x64))


def song_with_syx(folder: Path, data: bytes, rows: str) -> Play:
    (folder / "setup.syx").write_bytes(data)
    song = build_song(rows, bpm=240, instruments={1: Instrument("Synth", sysex="setup.syx")})
    return Play(song=song, song_dir=folder)


def test_the_syx_arrives_paced_before_the_first_note(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(song_with_syx(tmp_path, PATCH + GLOBAL, "C-4 01 64 ...\nOFF .. .. ..."))
    assert player.wait_for(Stopped).reason == "end"
    got = receiver.wait_for(lambda got: bytes((0x80, 60, 0)) in got)
    stamps = dict((data, t) for t, data in receiver.snapshot())
    assert got.index(PATCH) < got.index(GLOBAL) < got.index(NOTE_ON)
    wire_ms = len(PATCH) / 3125 * 1000  # 72 bytes at MIDI's 31250 baud: 23 ms
    assert (stamps[GLOBAL] - stamps[PATCH]) / 1e6 >= wire_ms


def test_a_malformed_syx_is_said_with_its_byte_and_the_song_plays_without_it(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(song_with_syx(tmp_path, bytes([0xF0, 0x01, 0x90, 0xF7]), "C-4 01 64 ..."))
    assert player.wait_for(Stopped).reason == "end"
    notices = [n for m in player.poll() if isinstance(m, Status) for n in m.errors]
    assert any(n.kind == "sysex" and "byte 2 is 90" in n.text for n in notices)
    got = receiver.wait_for(lambda got: NOTE_ON in got)
    assert NOTE_ON in got and not any(m[0] == 0xF0 for m in got)


def test_the_syx_is_sent_again_when_the_synth_comes_back(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    rows = "C-4 01 64 ...\n" + "--- .. .. ...\n" * 47  # three seconds at 240 bpm
    player.send(song_with_syx(tmp_path, GLOBAL, rows))
    receiver.wait_for(lambda got: NOTE_ON in got)
    receiver.close_port()  # unplugged
    time.sleep(0.5)
    receiver.open()  # plugged back in
    got = receiver.wait_for(lambda got: got.count(GLOBAL) == 2, timeout=5)
    assert got.count(GLOBAL) == 2
