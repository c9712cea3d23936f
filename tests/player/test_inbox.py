"""Commands wait for a gap only when decoding them could make a deadline late."""

from __future__ import annotations

import pickle

from tests.support.builders import build_song
from tracker.player.inbox import MAX_WAIT_NS, SMALL_BYTES, Inbox
from tracker.player.protocol import Stop, UpdateSong

NOTES = ["C-", "C#", "D-", "D#", "E-", "F-", "F#", "G-", "G#", "A-", "A#", "B-"]
BIG_SONG = "\n".join(
    " | ".join(f"{NOTES[(line + t) % 12]}{3 + t} 01 {line + 16:02X} A{line:02X}" for t in range(4))
    for line in range(64)
)
"""Four tracks of 64 different lines: a song too large to decode at just any moment."""


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000_000

    def now_ns(self) -> int:
        return self.t


def payloads(*commands: object) -> list[bytes]:
    return [pickle.dumps(c, protocol=pickle.HIGHEST_PROTOCOL) for c in commands]


def test_a_small_command_is_decoded_at_once_even_just_before_a_deadline() -> None:
    clock = Clock()
    inbox = Inbox(clock.now_ns)
    inbox.add(payloads(Stop()))
    assert inbox.take(deadline=clock.t + 1000) == [Stop()]


def test_the_song_here_is_a_large_command() -> None:
    assert len(payloads(UpdateSong(build_song(BIG_SONG)))[0]) > SMALL_BYTES


def test_a_song_waits_for_a_gap_and_what_follows_waits_behind_it() -> None:
    clock = Clock()
    inbox = Inbox(clock.now_ns)
    update = UpdateSong(build_song(BIG_SONG))
    inbox.add(payloads(update, Stop()))
    assert inbox.take(deadline=clock.t + 100_000) == []  # 0.1 ms to the next send
    assert len(inbox) == 2
    assert inbox.take(deadline=clock.t + 1_000_000_000) == [update, Stop()]


def test_a_song_that_never_finds_a_gap_is_decoded_after_the_longest_wait() -> None:
    clock = Clock()
    inbox = Inbox(clock.now_ns)
    update = UpdateSong(build_song(BIG_SONG))
    inbox.add(payloads(update))
    clock.t += MAX_WAIT_NS - 1
    assert inbox.take(deadline=clock.t + 100_000) == []
    clock.t += 1
    assert inbox.take(deadline=clock.t + 100_000) == [update]


def test_with_nothing_scheduled_everything_is_decoded() -> None:
    clock = Clock()
    inbox = Inbox(clock.now_ns)
    update = UpdateSong(build_song(BIG_SONG))
    inbox.add(payloads(update))
    assert inbox.take(deadline=None) == [update]
