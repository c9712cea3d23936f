"""Recording from a MIDI keyboard while the song plays, on real JACK ports (issue 12,
cases 8 and 11): an rtmidi output is the keyboard, a receiver the synth.

A key held down sounds (thru) until it is let go, through loop wraps and the
edits recording makes; a note played late in a pattern's last line lands on the
next pattern's first line, not on a line that does not exist.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.midi.ports import open_virtual_output
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    Play,
    Playhead,
    PortSpec,
    Recorded,
    UpdateSong,
    play_pattern,
)
from tracker.song.model import Instrument, Track
from tracker.ui.app import TrackerApp

pytestmark = pytest.mark.jack

EMPTY = "--- .. .. ...\n" * 4


PLAYER_DEFAULTS = {"synth": None}
"""What every player in these tests starts with (tests/player/conftest.py)."""


def wait_for_line(player: PlayerHandle, order: int, line: int) -> None:
    deadline = time.monotonic() + 5
    while True:
        assert time.monotonic() < deadline, f"the playhead never reached {order}/{line}"
        if any(
            isinstance(m, Playhead) and (m.order, m.line) == (order, line) for m in player.poll()
        ):
            return
        time.sleep(0.002)


def test_a_held_key_sounds_through_loop_wraps_and_edits_until_it_is_let_go(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    with open_virtual_output("keys", client="trkhold") as keyboard:
        player = start_player(output=PortSpec(receiver.name), midi_in="trkhold")
        song = build_song(EMPTY, bpm=240)  # a pattern every 250 ms, looped
        player.send(play_pattern(song, 0))
        keyboard.send(bytes((0x90, 67, 90)))
        receiver.wait_for(lambda got: bytes((0x90, 67, 90)) in got)
        for _ in range(3):  # what recording does: an edit for every note played
            time.sleep(0.1)
            player.send(UpdateSong(build_song(EMPTY, bpm=240)))
        time.sleep(0.5)  # two more loop wraps
        assert bytes((0x80, 67, 0)) not in receiver.data(), [m.hex() for m in receiver.data()]
        keyboard.send(bytes((0x80, 67, 0)))
        assert bytes((0x80, 67, 0)) in receiver.wait_for(lambda got: bytes((0x80, 67, 0)) in got)
        player.stop()


def test_a_note_late_in_a_patterns_last_line_lands_on_the_next_patterns_first_line(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    with open_virtual_output("keys", client="trklate") as keyboard:
        player = start_player(output=PortSpec(receiver.name), midi_in="trklate")
        player.send(Play(song=build_song(EMPTY, EMPTY, bpm=60)))  # 250 ms lines
        wait_for_line(player, 0, 3)
        time.sleep(0.25 * 0.75)  # three quarters into the last line of pattern 00
        keyboard.send(bytes((0x90, 72, 100)))
        late = player.wait_for(Recorded)
        assert (late.note, late.velocity, late.order, late.line) == (72, 100, 1, 0)
        assert -0.5 <= late.offset <= 0
        player.stop()


# A track with three note columns; the selected instrument 02 plays on channel 6.
THREE_COLUMNS = "--- .. .. ... --- .. .. ... --- .. .. ...\n" * 4


def test_a_chord_recorded_in_the_editor_lands_across_the_columns_with_its_velocities_and_sounds_on_the_instruments_channel(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = build_song(
        THREE_COLUMNS,
        tracks=[Track("Keys", notes=3)],
        instruments={1: Instrument("Piano"), 2: Instrument("Strings", channel=6)},
    )
    with open_virtual_output("keys", client="trkchord") as keyboard:
        player = start_player(output=PortSpec(receiver.name), midi_in="trkchord")

        async def play_a_chord() -> TrackerApp:
            app = TrackerApp(song, None, player=player)
            async with app.run_test(size=(100, 24)) as pilot:
                app.editor.instrument = 2
                await pilot.press("ctrl+r")  # record on; stopped: step record at the cursor
                await asyncio.sleep(0.2)  # the player hears which instrument is selected
                for note, velocity in ((60, 90), (64, 70), (67, 50)):
                    keyboard.send(bytes((0x90, note, velocity)))
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.3)  # held: the echoes still sound
                assert not [m for m in receiver.data() if m[0] & 0xF0 == 0x80]
                for note in (60, 64, 67):
                    keyboard.send(bytes((0x80, note, 0)))
                await asyncio.sleep(0.3)
            return app

        app = asyncio.run(play_a_chord())
    chord = [app.session.song.cell("00", 0, column, 0) for column in range(3)]
    assert [(c.note, c.volume, c.instrument) for c in chord] == [
        (60, 90, 2),
        (64, 70, 2),
        (67, 50, 2),
    ]
    assert all(app.session.song.cell("00", 0, c, 1).note is None for c in range(3))
    assert app.editor.cursor.line == 1  # one step for the whole chord
    echoed = receiver.wait_for(lambda got: len(got) >= 6)
    assert echoed[:3] == [bytes((0x95, 60, 90)), bytes((0x95, 64, 70)), bytes((0x95, 67, 50))]
    assert sorted(echoed[3:6]) == sorted(bytes((0x85, n, 0)) for n in (60, 64, 67))
