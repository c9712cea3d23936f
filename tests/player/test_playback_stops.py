"""The ways sound stops while the player plays, on real JACK ports: stop ends every
sounding note and then sends all-notes-off, mute ends one track's note and lets the
other ring, panic silences every channel.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.midi_bytes import all_notes_off, notes_left_on, off, on
from tests.support.playback import LONG_NOTES, settled
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import Panic, Play, PortSpec, SetMute, Stopped

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}
"""What every player in these tests starts with (tests/player/conftest.py)."""


def test_stopping_mid_note_ends_every_sounding_note_then_all_notes_off(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(LONG_NOTES, bpm=240)))
    receiver.wait_for(lambda got: on(48, 0x64) in got)
    player.stop()
    got = receiver.wait_for(lambda got: all_notes_off() in got)
    tail = got[got.index(on(48, 0x64)) + 1 :]
    assert sorted(tail[:2]) == sorted([off(60), off(48)])
    assert tail[2:] == [all_notes_off()]
    assert player.wait_for(Stopped).reason == "stop"


def test_muting_a_track_ends_its_note_and_keeps_the_other_playing(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(LONG_NOTES, bpm=240)))
    receiver.wait_for(lambda got: on(48, 0x64) in got)
    player.send(SetMute(track=1, muted=True))
    got = receiver.wait_for(lambda got: off(48) in got)
    assert off(60) not in got  # track 1 (C-3) silenced, track 0 (C-4) still sounding
    player.wait_for(Stopped)
    assert notes_left_on(settled(receiver)) == set()


def test_panic_sends_all_notes_off_and_all_sound_off_on_every_channel(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Panic())
    got = receiver.wait_for(lambda got: len(got) >= 32)
    assert sorted((m[0] & 0x0F, m[1]) for m in got) == sorted(
        (ch, cc) for ch in range(16) for cc in (123, 120)
    )
