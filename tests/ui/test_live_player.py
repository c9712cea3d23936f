"""The app with the real player process on real JACK ports: keys in, MIDI out, playhead back.

No seam here: tracker.player.PlayerHandle runs its own process against the test
session's `jackd -d dummy`, a Receiver stands in for the synth.
"""

from __future__ import annotations

import asyncio
import socket
import time
import urllib.request
from collections.abc import Iterator

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.listen.address import ListenAddress
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import PlayerConfig, PortSpec
from tracker.ui import editor_player_config
from tracker.ui.app import TrackerApp

pytestmark = pytest.mark.jack

# 240 bpm, 4 lines per beat: a line every 62.5 ms, the pattern in half a second
RIFF = """
    C-4 01 64 ...
    --- .. .. ...
    E-4 01 64 ...
    --- .. .. ...
    G-4 01 64 ...
    --- .. .. ...
    OFF .. .. ...
    --- .. .. ...
"""


@pytest.fixture
def player(receiver: Receiver) -> Iterator[PlayerHandle]:
    handle = PlayerHandle(PlayerConfig(output=PortSpec(receiver.name)))
    handle.start()
    try:
        yield handle
    finally:
        handle.close()


async def test_space_plays_the_pattern_to_the_synth_and_the_playhead_walks_the_grid(
    player: PlayerHandle, receiver: Receiver
) -> None:
    app = TrackerApp(build_song(RIFF, bpm=240), None, player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        seen_lines: set[int] = set()
        await pilot.press("enter")  # loop the pattern
        deadline = time.monotonic() + 5
        while len(seen_lines) < 4 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)  # a poll: the playhead comes from the player process
            if app.editor.playhead is not None:
                seen_lines.add(app.editor.playhead)
        await pilot.press("space")  # stop
        await asyncio.sleep(0.3)
    notes_on = [m[1] for m in receiver.data() if m[0] & 0xF0 == 0x90 and m[2] > 0]
    assert notes_on[:3] == [60, 64, 67]
    assert len(seen_lines) >= 4  # the grid showed the playhead on many lines, from the player


async def test_a_typed_note_sounds_at_the_synth_and_ends(
    player: PlayerHandle, receiver: Receiver
) -> None:
    app = TrackerApp(build_song(RIFF, bpm=240), None, player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "x")  # D-4 on the empty second line
        await pilot.pause()
        assert app.session.song.cell("00", 0, 0, 1).note == 62
    got = receiver.wait_for(lambda got: bytes((0x80, 62, 0)) in got)
    # instrument 01's program and the track's mixer strip (0 dB, centre), then the note at
    # its own volume, then its note-off
    strip = [bytes((0xB0, 7, 100)), bytes((0xB0, 10, 64))]
    assert got == [bytes((0xC0, 0)), *strip, bytes((0x90, 62, 100)), bytes((0x80, 62, 0))]


async def test_the_panic_key_silences_every_channel_at_the_synth(
    player: PlayerHandle, receiver: Receiver
) -> None:
    app = TrackerApp(build_song(RIFF, bpm=240), None, player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # loop the pattern
        receiver.wait_for(lambda got: any(m[0] == 0x90 for m in got))
        await pilot.press("f12")
        got = receiver.wait_for(lambda got: sum(m[:2] == bytes((m[0], 120)) for m in got) >= 16)
        await asyncio.sleep(0.3)
        assert not app.transport.playing
    assert receiver.data() == got  # nothing played after the panic
    # last of all: all notes off (123) and all sound off (120) on all 16 channels
    panic = [(m[0] & 0xF0, m[0] & 0x0F, m[1]) for m in got[-32:]]
    assert sorted(panic) == sorted((0xB0, ch, cc) for ch in range(16) for cc in (123, 120))
    sounding: set[int] = set()
    for m in got[:-32]:  # and before it, the stop ended the song's note
        if m[0] == 0x90:
            sounding.add(m[1])
        elif m[0] == 0x80 or (m[0] == 0xB0 and m[1] == 123):
            sounding = set() if m[0] == 0xB0 else sounding - {m[1]}
    assert sounding == set()


async def test_with_listen_the_status_line_shows_where_the_mix_is_served(
    jack_server: str,
) -> None:
    """`tracker SONG --listen 127.0.0.1:PORT`: the editor's player serves the soundfont
    mix, and the status line says where."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = editor_player_config(listen=ListenAddress("127.0.0.1", port), title="Riff")
    assert config is not None and config.audio_out is not None
    handle = PlayerHandle(config)
    handle.start()
    try:
        # As run_app starts it: the player is connected once the screen shows.
        app = TrackerApp(build_song(RIFF, bpm=240), None, start_player=lambda: handle)
        async with app.run_test(size=(80, 24)):
            deadline = time.monotonic() + 5
            status = ""
            while f"http://127.0.0.1:{port}/" not in status and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                status = app.bar.render().plain.split("\n")[1]
            assert f"http://127.0.0.1:{port}/" in status
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/state.json", timeout=5) as r:
                assert b'"title": "Riff"' in r.read()
    finally:
        handle.close()


def test_away_from_loopback_the_editors_stream_gets_a_token() -> None:
    config = editor_player_config(listen=ListenAddress("0.0.0.0", 8765))
    assert config is not None and config.audio_out is not None
    assert config.audio_out.token is not None and len(config.audio_out.token) == 16
    assert config.live_synth is not None  # the stream is the soundfont mix
