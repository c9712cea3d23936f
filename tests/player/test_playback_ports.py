"""The ports around the player while it plays, on real JACK ports: an output unplugged
is reported and used again when it returns; a keyboard's notes are echoed and recorded,
and one unplugged mid-note is released and heard again when it returns; the status
reports the ports and how late the sends were.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.midi_bytes import notes_left_on, off, on
from tests.support.playback import ARPEGGIO, LONG_NOTES
from tracker.midi.ports import open_virtual_output
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import Play, Playhead, PortSpec, Recorded, SetThru, Status, Stopped
from tracker.song.model import Instrument, Song

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}
"""What every player in these tests starts with (tests/player/conftest.py)."""


def test_a_port_unplugged_mid_song_is_reported_and_used_again_when_it_returns(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    notes = "\n".join(["C-4 01 64 ...", "OFF .. .. ..."] * 40)  # 5 s of staccato
    player = start_player(output=PortSpec(receiver.name), port_poll_s=0.2)
    player.send(Play(song=build_song(notes, bpm=240)))
    receiver.wait_for(lambda got: on(60, 0x64) in got)
    receiver.close_port()
    lost = None
    deadline = time.monotonic() + 5
    while lost is None:
        assert time.monotonic() < deadline, "the player never reported the port lost"
        for m in player.poll():
            if isinstance(m, Status) and ("lost" in dict(m.ports).values()):
                lost = m
        time.sleep(0.02)
    assert any(e.kind == "port_lost" and "vanished" in e.text for e in lost.errors)
    receiver.clear()
    receiver.open()
    got = receiver.wait_for(lambda got: got.count(on(60, 0x64)) >= 2, timeout=3)
    assert got.count(on(60, 0x64)) >= 2  # playback went on and reached the synth again
    player.stop()
    assert player.wait_for(Stopped).reason == "stop"


def test_midi_input_is_echoed_to_the_instrument_and_recorded_on_the_nearest_line(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    with open_virtual_output("keys", client="trkkeys") as keyboard:
        player = start_player(output=PortSpec(receiver.name), midi_in="trkkeys")
        player.send(SetThru(channel=3))
        keyboard.send(on(72, 99))  # stopped: step record, echoed on channel 4
        keyboard.send(off(72))
        got = receiver.wait_for(lambda got: len(got) >= 2)
        assert got == [on(72, 99, channel=3), off(72, channel=3)]
        step = player.wait_for(Recorded)
        assert (step.note, step.velocity, step.order, step.line) == (72, 99, None, None)
        player.wait_for(Recorded)  # its release

        player.send(Play(song=build_song(LONG_NOTES, bpm=120)))  # 125 ms lines
        heads: list[Playhead] = []
        deadline = time.monotonic() + 5
        while not any(h.line == 4 for h in heads):
            assert time.monotonic() < deadline
            heads += [m for m in player.poll() if isinstance(m, Playhead)]
            time.sleep(0.002)
        time.sleep(0.125 / 4)  # a quarter of the way through line 4
        keyboard.send(on(74, 90))
        live = player.wait_for(Recorded)
        assert (live.note, live.order, live.line) == (74, 0, 4)
        assert -0.5 <= live.offset <= 0.5
        player.stop()


def wait_for_port_status(player: PlayerHandle, name: str, status: str) -> Status:
    """The first report of a port whose label contains `name` being `status`."""
    deadline = time.monotonic() + 5
    while True:
        assert time.monotonic() < deadline, f"the player never reported {name} {status}"
        for m in player.poll():
            if isinstance(m, Status) and any(
                name in label and now == status for label, now in m.ports
            ):
                return m
        time.sleep(0.02)


def test_a_keyboard_unplugged_mid_note_is_released_and_heard_again_when_it_returns(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    keyboard = open_virtual_output("keys", client="trkplug")
    player = start_player(output=PortSpec(receiver.name), midi_in="trkplug", port_poll_s=0.2)
    player.send(Play(song=build_song("\n".join(["--- .. .. ..."] * 64), bpm=60)))
    keyboard.send(on(72, 99))  # held down as the cable comes out
    receiver.wait_for(lambda got: on(72, 99) in got)
    keyboard.close()
    lost = wait_for_port_status(player, "trkplug", "lost")
    assert any(e.kind == "input_lost" and "vanished" in e.text for e in lost.errors)
    got = receiver.wait_for(lambda got: off(72) in got)
    assert notes_left_on(got) == set()  # its note-off would never have come
    with open_virtual_output("keys", client="trkplug") as keyboard:
        back = wait_for_port_status(player, "trkplug", "open")
        assert any(e.kind == "input_back" and "is back" in e.text for e in back.errors)
        keyboard.send(on(74, 80))
        receiver.wait_for(lambda got: on(74, 80) in got)
    player.stop()


def song_for_status(receiver: Receiver) -> Song:
    return build_song(ARPEGGIO, bpm=240, instruments={1: Instrument("Piano")})


def test_status_reports_ports_and_lateness_while_playing(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name), status_interval_s=0.05)
    assert player.ready is not None and dict(player.ready.ports) == {receiver.name: "open"}
    player.send(Play(song=song_for_status(receiver)))
    player.wait_for(Stopped)
    statuses: list[Status] = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not (statuses and not statuses[-1].playing):
        statuses += [m for m in player.poll() if isinstance(m, Status)]
        time.sleep(0.01)
    assert any(s.playing for s in statuses)  # reported while it played, every 50 ms
    final = statuses[-1]
    assert not final.playing and final.sent == 9 and final.dropped == 0  # 7 notes, 2 strip CCs
    assert final.max_late_us < 20_000
