"""A knob on the MIDI input (a JACK output port standing in for a controller): learn
takes the controller it moves, and a sweep while playing is recorded into the learned
lane, a value per line, as one undo step."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.instruments import load_device
from tracker.midi.ports import open_virtual_output
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import ControlIn, Play, Playhead, PortSpec
from tracker.song.edit import History
from tracker.song.model import Instrument, Track
from tracker.ui.pattern.cc_takes import CcTake, learned_lane

pytestmark = pytest.mark.jack

ROWS = "\n".join(["C-3 01 64 ... .."] + ["--- .. .. ... .."] * 15)


def test_a_knob_is_learned_then_its_sweep_is_recorded_into_the_lane(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    with open_virtual_output("knob", client="trkknob") as knob:
        player = start_player(output=PortSpec(receiver.name), midi_in="trkknob")
        time.sleep(0.3)  # the player connects to the knob's port
        knob.send(bytes((0xB0, 43, 10)))  # learn: stopped, the musician turns the cutoff
        moved = player.wait_for(ControlIn)
        assert (moved.controller, moved.value, moved.line) == (43, 10, None)
        lane = learned_lane(moved.controller, load_device("minilogue-xd").cc)
        assert lane == "cutoff"

        song = build_song(
            ROWS,
            tracks=[Track("Lead", cc=[lane])],
            bpm=120,
            instruments={1: Instrument("xd", soundfont=None, device="minilogue-xd")},
        )
        take = CcTake(learned={(moved.channel, moved.controller): (0, 0)})
        player.send(Play(song=song))  # 125 ms lines
        heads: list[Playhead] = []
        deadline = time.monotonic() + 5
        while not any(h.line == 2 for h in heads):
            assert time.monotonic() < deadline
            heads += [m for m in player.poll() if isinstance(m, Playhead)]
            time.sleep(0.002)
        for value in range(20, 100, 2):  # a sweep over about five lines
            knob.send(bytes((0xB0, 43, value)))
            time.sleep(0.015)
        player.stop()
        end = time.monotonic() + 2
        while time.monotonic() < end:
            for m in player.poll():
                if isinstance(m, ControlIn) and m.line is not None:
                    take.move(song.order[m.order or 0], m.line, m.channel, m.controller, m.value)
            time.sleep(0.01)
    history = History(song)
    command = take.command(song)
    assert command is not None
    history.do(command)
    written = [(line, v) for line, v in enumerate(song.patterns["00"].tracks[0].cc[0]) if v]
    assert 3 <= len(written) <= 7  # a value on each line the sweep crossed, not 40
    assert [v for _, v in written] == sorted(v for _, v in written)  # it rose
    assert written[-1][1] == 98  # the last value of the sweep
    history.undo()
    assert not any(song.patterns["00"].tracks[0].cc[0])
