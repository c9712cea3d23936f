"""The first Play after opening sounds exactly like the second (issue 12, case 10).

The editor used to hand the player the song it had just sent with Play again, as
an edit: the player swapped it in a line after the start, sending the programs
again mid-note and dropping the lead's vibrato state, so the bend's return to
centre never came and every later lead note played ~0.46 semitone sharp.

Checked at a real JACK port, through the editor's own keys, and at the timeline:
a song compiled from a line where a vibrato stops (an edit swapped in there, or
play from the cursor) returns the bend to centre too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.engine.events import Event, Kind
from tracker.engine.timeline import compile_song
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import PortSpec
from tracker.ui.app import TrackerApp

# 240 bpm: a line is 62.5 ms. The lead's vibrato is on its first line only; the
# line after it returns the bend to centre, before the E-4.
LEAD = """
    C-4 01 64 V48
    --- .. .. ...
    --- .. .. ...
    E-4 01 64 ...
    --- .. .. ...
    OFF .. .. ...
"""
CENTRE = bytes((0xE0, 0x00, 0x40))
E4_ON = bytes((0x90, 64, 0x64))


@pytest.fixture
def player(receiver: Receiver, start_player: Callable[..., PlayerHandle]) -> PlayerHandle:
    return start_player(output=PortSpec(receiver.name))


def bend_at(messages: list[bytes], note_on: bytes) -> bytes | None:
    """The last pitch bend sent before `note_on`: where the note sounds."""
    before = messages[: messages.index(note_on)]
    bends = [m for m in before if m[0] & 0xF0 == 0xE0]
    return bends[-1] if bends else None


@pytest.mark.jack
def test_the_first_play_after_opening_sends_what_the_second_sends(
    player: PlayerHandle, receiver: Receiver
) -> None:
    async def two_plays() -> list[list[bytes]]:
        app = TrackerApp(build_song(LEAD, bpm=240), None, player=player)
        plays = []
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(2):
                receiver.clear()
                await pilot.press("space")
                deadline = time.monotonic() + 5
                await asyncio.sleep(0.1)
                while app.transport.playing:  # until the player says the song ended
                    assert time.monotonic() < deadline
                    await asyncio.sleep(0.02)
                got = receiver.wait_for(lambda got: bytes((0xB0, 123, 0)) in got, timeout=2)
                plays.append(got)
        return plays

    first, second = asyncio.run(two_plays())
    assert first == second, [m.hex() for m in first]
    assert first.count(bytes((0xC0, 0))) == 1  # the program once, at the start
    assert bend_at(first, E4_ON) == CENTRE  # the E-4 in tune


def test_a_song_compiled_from_the_line_where_a_vibrato_stops_returns_the_bend_to_centre() -> None:
    song = build_song(LEAD, bpm=240)
    from_top = compile_song(song)
    from_line_1 = compile_song(song, start_order=0, start_line=1)

    def bends(events: Sequence[Event]) -> list[int]:
        return [e.a for e in events if e.kind == Kind.PITCH_BEND]

    assert bends(from_top.events)[-1] == 0
    # the bend the vibrato left, set at the start, then its return to centre on line 1
    assert bends(from_line_1.events) == [bends(from_top.events)[-2], 0]


def test_a_bend_set_before_the_start_line_is_set_at_the_start() -> None:
    song = build_song("C-4 01 64 W40\n--- .. .. ...\n--- .. .. ...", bpm=240)
    from_line_2 = compile_song(song, start_order=0, start_line=2)
    bends = [e for e in from_line_2.events if e.kind == Kind.PITCH_BEND]
    assert [(e.time, e.a) for e in bends] == [(0.0, (0x40 - 0x80) * 64)]
