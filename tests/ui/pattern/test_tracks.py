"""MIDI learn in the track settings (Alt+E): Learn, or Alt+Shift+M, waits for the next
control moved on the MIDI input and adds the lane it names to the CC lanes, by the
device map's names. The knob is a real JACK output port and the player a real process
reading it, as a controller keyboard would be."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.midi.ports import OutputPort, open_virtual_output
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import PlayerConfig, PortSpec
from tracker.song.model import Instrument, Track
from tracker.ui.app import TrackerApp
from tracker.ui.pattern.tracks import TrackDialog

pytestmark = pytest.mark.jack

KNOB = "trklearn"
ROWS = "\n".join(["C-3 01 64 ... .."] + ["--- .. .. ... .."] * 7)


@pytest.fixture
def knob(jack_server: str) -> Iterator[OutputPort]:
    """A controller's knobs: a JACK output port of its own."""
    with open_virtual_output("knob", client=KNOB) as port:
        yield port


@pytest.fixture
def player(receiver: Receiver, knob: OutputPort) -> Iterator[PlayerHandle]:
    """A real player process whose MIDI input reads the knob's port."""
    handle = PlayerHandle(PlayerConfig(output=PortSpec(receiver.name), midi_in=KNOB, synth=None))
    handle.start()
    try:
        yield handle
    finally:
        handle.close()


async def lanes_once_learned(dialog: TrackDialog, count: int) -> list[str]:
    """The CC lanes field once it lists `count` lanes (or after 5 s)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lanes = [lane.strip() for lane in dialog.values()["cc"].split(",")]
        if len(lanes) >= count:
            return lanes
        await asyncio.sleep(0.02)
    return lanes


async def test_the_track_dialog_learns_a_plain_an_nrpn_and_a_14_bit_lane_from_a_knob(
    knob: OutputPort, player: PlayerHandle
) -> None:
    song = build_song(
        ROWS,
        tracks=[Track("Lead", cc=["74"])],
        instruments={1: Instrument("Peak", soundfont=None, device="peak")},
    )
    app = TrackerApp(song, None, player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await asyncio.sleep(0.5)  # the player connects to the knob
        await pilot.press("alt+e")  # the track settings
        dialog = app.screen
        assert isinstance(dialog, TrackDialog)

        await pilot.press("alt+shift+m")
        knob.send(bytes((0xB0, 33, 64)))  # Novation's chart: CC 33 is osc 1's LFO shape
        assert await lanes_once_learned(dialog, 2) == ["74", "osc1_lfo_shape"]

        await pilot.press("alt+shift+m")
        for controller, value in [(99, 0), (98, 2), (6, 1), (38, 0)]:
            knob.send(bytes((0xB0, controller, value)))  # NRPN 0:2, the voice mode
        assert (await lanes_once_learned(dialog, 3))[2] == "nrpn:voice_mode"

        await pilot.press("alt+shift+m")
        knob.send(bytes((0xB0, 15, 70)))  # osc 1 fine, MSB then LSB (CC 47)
        knob.send(bytes((0xB0, 47, 3)))
        assert (await lanes_once_learned(dialog, 4))[3] == "cc14:osc1_fine"

        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.session.song.tracks[0].cc == [
            "74",
            "osc1_lfo_shape",
            "nrpn:voice_mode",
            "cc14:osc1_fine",
        ]
