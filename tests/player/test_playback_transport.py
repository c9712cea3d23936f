"""Moving through the song while it plays, on real JACK ports: a looped pattern wraps,
a jump plays from the new place, a cued pattern follows the looped one, play starts
from any line; each ends the notes it leaves behind, so none is left hanging.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.midi_bytes import all_notes_off, notes_left_on, off, on
from tests.support.playback import ARPEGGIO, OPENING, long_notes_then_arpeggio, settled
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import Cue, Jump, Play, Playhead, PortSpec, Stopped, play_pattern

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}
"""What every player in these tests starts with (tests/player/conftest.py)."""


def test_a_looped_pattern_ends_its_held_note_before_wrapping_and_leaves_nothing_on(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(play_pattern(build_song(ARPEGGIO, bpm=240), 0))
    got = receiver.wait_for(lambda got: got.count(on(60, 0x64)) >= 3, timeout=5)
    player.stop()
    got = receiver.wait_for(lambda got: got.count(all_notes_off()) >= 3)
    first_wrap = got.index(on(60, 0x64), got.index(on(60, 0x64)) + 1)
    # G-4 sounds to the end of the pattern: its off and CC 123 come before the pattern
    # starts again with its program change, the strip and C-4
    assert got[first_wrap - 5 : first_wrap] == [off(67), all_notes_off(), *OPENING]
    assert notes_left_on(got) == set()
    heads = [m for m in player.poll() if isinstance(m, Playhead)]
    assert [h.line for h in heads[:10]] == [0, 1, 2, 3, 4, 5, 6, 7, 0, 1]


def test_a_jump_ends_the_held_notes_and_plays_from_the_new_place(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = long_notes_then_arpeggio()
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=song))
    receiver.wait_for(lambda got: on(48, 0x64) in got)
    player.send(Jump(order=1, line=3))  # the E-4 of the arpeggio
    got = receiver.wait_for(lambda got: on(64, 0x50) in got)
    after = got[got.index(on(48, 0x64)) + 1 :]
    assert sorted(after[:2]) == sorted([off(60), off(48)])
    assert on(60, 0x64) not in after  # lines 0-2 of the arpeggio were skipped
    player.wait_for(Stopped)
    assert notes_left_on(settled(receiver)) == set()


def test_a_cued_pattern_follows_when_the_looped_one_ends(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = build_song(ARPEGGIO, "D-5 01 7F ...\n" + "--- .. .. ...\n" * 3, bpm=240)
    player = start_player(output=PortSpec(receiver.name))
    player.send(play_pattern(song, 0))
    receiver.wait_for(lambda got: on(64, 0x50) in got)
    player.send(Cue(1))
    got = receiver.wait_for(lambda got: got.count(on(74, 0x7F)) >= 2)
    assert got.count(on(60, 0x64)) == 1  # the arpeggio ran out once, then pattern 01 looped
    player.stop()


def test_play_from_a_line_starts_there_with_the_instrument_set_up(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(ARPEGGIO, bpm=240), start_order=0, start_line=3))
    player.wait_for(Stopped)
    got = settled(receiver)
    assert got[:5] == [*OPENING, on(64, 0x50), off(64)]  # from E-4; C-4 never sounds
    assert on(60, 0x64) not in got
