"""14-bit lanes played on a real JACK port: a synth at the other end receives each value
as the NRPN sequence (99, 98, 6, 38) or the MSB/LSB pair, in order, at its line."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import Play, PortSpec, Stopped
from tracker.song.model import Track

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}

SWEEP = """
    C-3 01 64 ... 0180 2000
    --- .. .. ... 0181 3FFF
    OFF .. .. ... .... ....
"""


def cc(controller: int, value: int) -> bytes:
    return bytes((0xB0, controller, value))


def test_nrpn_and_14_bit_lanes_reach_the_synth_as_their_message_sequences(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = build_song(SWEEP, tracks=[Track("Bass", cc=["nrpn:0:72", "cc14:16"])], bpm=240)
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=song))
    assert player.wait_for(Stopped).reason == "end"
    got = receiver.wait_for(lambda got: bytes((0xB0, 123, 0)) in got)
    controls = [m for m in got if m[0] == 0xB0 and m[1] != 123]
    assert controls == [
        cc(7, 100), cc(10, 64),  # the track's mixer strip opens the song
        cc(99, 0), cc(98, 72), cc(6, 3), cc(38, 0), cc(16, 0x40), cc(48, 0),
        cc(99, 0), cc(98, 72), cc(6, 3), cc(38, 1), cc(16, 0x7F), cc(48, 0x7F),
    ]  # fmt: skip
    note_on = got.index(bytes((0x90, 48, 0x64)))
    assert got.index(cc(48, 0)) < note_on  # the controls of a line go before its note
