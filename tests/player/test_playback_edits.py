"""Changes made while the song plays, on real JACK ports: a new tempo holds from the
change on, an edited song is heard from the next line with no line lost or doubled
(sent whole, or as the patterns that changed), and a note held through the edit rings
on to its own note-off.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.midi_bytes import notes_left_on, on
from tests.support.playback import send_log, settled
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    ChangeFinder,
    Play,
    Playhead,
    PortSpec,
    Refused,
    SetTempo,
    SongChanges,
    Stopped,
    UpdateSong,
)
from tracker.song.edit.cells import SetCell
from tracker.song.edit.history import History
from tracker.song.model import Cell

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}
"""What every player in these tests starts with (tests/player/conftest.py)."""


def without_clock(messages: list[bytes]) -> list[bytes]:
    return [m for m in messages if m[0] < 0xF0]


def test_a_live_tempo_change_speeds_up_from_the_change_on(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    notes = "\n".join(["C-4 01 64 ..."] * 24)
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(notes, bpm=120)))  # a line every 125 ms
    receiver.wait_for(lambda got: got.count(on(60, 0x64)) >= 4)
    player.send(SetTempo(240.0))
    player.wait_for(Stopped, timeout=10)
    log = send_log(player)
    starts = [deadline for _, deadline, _, data in log.entries if data == on(60, 0x64)]
    gaps_ms = [round((b - a) / 1e6, 1) for a, b in itertools.pairwise(starts)]
    assert gaps_ms[:3] == [125.0, 125.0, 125.0]
    assert gaps_ms[-5:] == [62.5] * 5
    heads = [m for m in player.poll() if isinstance(m, Playhead)]
    assert heads[-1].bpm == pytest.approx(240.0)


def test_an_edit_is_heard_from_the_next_line(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    before = "\n".join(["C-4 01 64 ..."] * 16)
    after = "\n".join(["D-4 01 64 ..."] * 16)
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(before, bpm=240)))
    receiver.wait_for(lambda got: got.count(on(60, 0x64)) >= 3)
    player.send(UpdateSong(build_song(after, bpm=240)))
    player.wait_for(Stopped)
    got = without_clock(settled(receiver))
    starts = [m[1] for m in got if m[0] == 0x90]
    switched = starts.index(62)
    assert set(starts[:switched]) == {60} and set(starts[switched:]) == {62}, starts
    assert len(starts) == 16, starts  # no line lost or doubled at the swap
    assert notes_left_on(got) == set()


def test_an_edit_sent_as_the_pattern_it_changed_is_heard_from_the_next_line(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = build_song("\n".join(["C-4 01 64 ..."] * 16), bpm=240)
    finder = ChangeFinder()
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=song))
    finder.sent_whole(song)
    receiver.wait_for(lambda got: got.count(on(60, 0x64)) >= 3)
    history = History(song)
    for line in range(16):  # the editor's own edits, in place, one revision
        history.do(SetCell(song.order[0], line, 0, 0, Cell(note=62, instrument=1, volume=0x64)))
    changes = finder.update(song)
    assert isinstance(changes, SongChanges) and list(changes.changed) == [song.order[0]]
    player.send(changes)
    player.wait_for(Stopped)
    starts = [m[1] for m in without_clock(settled(receiver)) if m[0] == 0x90]
    switched = starts.index(62)
    assert set(starts[:switched]) == {60} and set(starts[switched:]) == {62}, starts
    assert len(starts) == 16, starts


def test_changes_to_a_song_the_player_never_got_are_refused_not_guessed(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    song = build_song("C-4 01 64 ...")
    player = start_player(output=PortSpec(receiver.name))
    player.send(SongChanges(song, {}, tuple(song.patterns)))  # its patterns: never sent
    refused = player.wait_for(Refused)
    assert "play again" in refused.message


def test_a_note_held_through_an_edit_rings_on_until_its_own_note_off(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    # A pad chord note held for the whole pattern; the musician edits the other track.
    pad = ["E-4 01 50 ..."] + ["--- .. .. ..."] * 14 + ["OFF .. .. ..."]
    beat = ["C-3 01 64 ..."] * 16
    before = "\n".join(f"{p} | {b}" for p, b in zip(pad, beat, strict=True))
    edited = "\n".join(f"{p} | {b.replace('C-3', 'D-3')}" for p, b in zip(pad, beat, strict=True))
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(before, bpm=240)))
    receiver.wait_for(lambda got: got.count(on(48, 0x64)) >= 4)
    player.send(UpdateSong(build_song(edited, bpm=240)))
    player.wait_for(Stopped)
    got = without_clock(settled(receiver))
    assert on(50, 0x64) in got  # the edit was heard
    held_off = [
        i
        for i, m in enumerate(got)
        if m[0] in (0x80, 0x90) and m[1] == 64 and (m[0] == 0x80 or m[2] == 0)
    ]
    assert len(held_off) == 1  # one note-off for the pad: its own OFF, not one at the swap
    # It ends at line 0F, with the last beat: every edited beat but that one came first.
    edited_beats = [i for i, m in enumerate(got) if m == on(50, 0x64)]
    assert sum(1 for i in edited_beats if i < held_off[0]) == len(edited_beats) - 1
    assert bytes((0xB0, 123, 0)) not in got[: held_off[0]]  # no all-notes-off cut it at the swap
    assert notes_left_on(got) == set()
