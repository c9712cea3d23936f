"""The app with the real player process on real JACK ports: keys in, MIDI out, playhead back.

No seam here: tracker.player.PlayerHandle runs its own process against the test
session's `jackd -d dummy`, a Receiver stands in for the synth.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.builders import build_song
from tests.conftest import Receiver
from tracker.player import PlayerConfig, PlayerHandle, PortSpec
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
        for _ in range(60):
            await asyncio.sleep(0.02)
            if app.editor.playhead is not None:
                seen_lines.add(app.editor.playhead)
        await pilot.press("space")  # stop
        await asyncio.sleep(0.3)
    notes_on = [m[1] for m in receiver.data() if m[0] & 0xF0 == 0x90 and m[2] > 0]
    assert notes_on[:3] == [60, 64, 67]
    assert len(seen_lines) >= 4  # the grid showed the playhead on many lines, from the player
