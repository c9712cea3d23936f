"""Ableton Link with a real second peer: another process on the other Python binding
(aalink; the player runs LinkPython-extern), on this machine, with the player's notes
landing at a real JACK port.

The beat grid is the peer's: each note-on's instant is turned into the peer's beat
(from a sample of its timeline while its tempo holds), and its distance to the
nearest whole beat is the phase error. The player's own send instants are held to
1 ms at p99; arrivals at the port carry JACK's period on top (64 frames at 48 kHz,
1.33 ms: DESIGN.md section 5) and the receiving thread's wake-up on a shared machine,
so their median is held to 1 ms plus a period (bench/link.py measures p50/p99/max).
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable, Iterator

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.link_peer import LinkPeer, Sample
from tracker.player.handle import PlayerHandle
from tracker.player.link import LinkConfig, raw_offset_ns
from tracker.player.protocol import (
    Play,
    PortSpec,
    RequestLog,
    SendLog,
    SetLink,
    Status,
    Stopped,
)

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}
JACK_PERIOD_MS = 64 / 48_000 * 1000

# a note on every beat (4 lines per beat), half a beat long; looped
BEATS = "\n".join(["C-4 01 64 ...", "--- .. .. ...", "OFF .. .. ...", "--- .. .. ..."] * 4)


@pytest.fixture
def peer() -> Iterator[LinkPeer]:
    process = LinkPeer(100.0)
    try:
        yield process
    finally:
        process.close()


def note_ons(entries: list[tuple[int, bytes]]) -> list[int]:
    return [t for t, data in entries if data[0] & 0xF0 == 0x90 and data[2] > 0]


def phase_errors_ms(instants_ns: list[int], sample: Sample) -> list[float]:
    """Each instant's distance to the peer's nearest whole beat, in milliseconds."""
    offset = raw_offset_ns()
    errors = []
    for t in instants_ns:
        beat = sample.beat_at_raw((t - offset) / 1e9)
        errors.append(abs(beat - round(beat)) * 60_000 / sample.tempo)
    return errors


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.99 * len(values)) - 1)]


def sends(player: PlayerHandle) -> list[tuple[int, bytes]]:
    player.send(RequestLog())
    log: SendLog = player.wait_for(SendLog)
    return [(sent, data) for sent, _deadline, _port, data in log.entries]


def test_the_player_follows_a_link_peers_tempo_and_beat_and_stops_with_it(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], peer: LinkPeer
) -> None:
    peer.say("play")
    player = start_player(
        output=PortSpec(receiver.name), link=LinkConfig(quantum=4, start_stop=True)
    )
    player.send(Play(song=build_song(BEATS, bpm=120), loop=True))  # the song says 120: Link wins
    peer.wait_for_peers()
    peer.say("tempo 100")  # whichever tempo the joined session kept, the peer now sets 100
    time.sleep(2.0)  # on the session's timeline
    settled_ns = time.perf_counter_ns()
    time.sleep(3.0)  # five beats at 100 bpm
    sample = peer.sample()
    assert (sample.tempo, sample.peers) == (100.0, 1)

    arrived = [t for t in note_ons(receiver.snapshot()) if t > settled_ns]
    sent = [t for t in note_ons(sends(player)) if t > settled_ns]
    assert len(arrived) >= 4
    gaps = [(b - a) / 1e6 for a, b in itertools.pairwise(arrived)]
    assert statistics.median(gaps) == pytest.approx(600.0, abs=JACK_PERIOD_MS + 0.5)  # 100 bpm
    assert p99(phase_errors_ms(sent, sample)) < 1.0
    at_port = phase_errors_ms(arrived, sample)
    assert statistics.median(at_port) < 1.0 + JACK_PERIOD_MS
    assert max(at_port) < 10.0  # a loaded 2-core machine wakes the receiving thread late

    # the peer jumps to 140 bpm: within one beat we are on its new grid
    peer.say("tempo 140")
    jumped_ns = time.perf_counter_ns()
    time.sleep(2.5)
    fast = peer.sample()
    assert fast.tempo == 140.0
    one_beat_ns = round(60 / 140 * 1e9)
    after = [t for t in note_ons(receiver.snapshot()) if t > jumped_ns + one_beat_ns]
    sent_after = [t for t in note_ons(sends(player)) if t > jumped_ns + one_beat_ns]
    assert len(after) >= 3
    assert p99(phase_errors_ms(sent_after, fast)) < 1.0
    at_port = phase_errors_ms(after, fast)
    assert statistics.median(at_port) < 1.0 + JACK_PERIOD_MS
    assert max(at_port) < 10.0
    time.sleep(0.3)
    status = [m for m in player.poll() if isinstance(m, Status)][-1]  # the latest one
    assert status.link is not None and (status.link.peers, status.link.bpm) == (1, 140.0)

    # start/stop sync: the peer stops the session, we stop with every note ended
    peer.say("stop")
    assert player.wait_for(Stopped, timeout=2.0).reason == "clock"
    got = receiver.wait_for(lambda got: bytes((0xB0, 123, 0)) in got[-3:])
    sounding: set[int] = set()
    for data in got:
        if data[0] == 0x90 and data[2] > 0:
            sounding.add(data[1])
        elif data[0] in (0x80, 0x90):
            sounding.discard(data[1])
    assert sounding == set()


def test_the_editors_toggle_joins_from_the_next_start_and_leaves_again(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(SetLink(LinkConfig(quantum=4)))
    player.send(Play(song=build_song(BEATS, bpm=240)))
    status = player.wait_for(Status)
    while status.link is None and status.playing:
        status = player.wait_for(Status)
    assert status.link is not None  # in the session, alone: 0 peers
    assert player.wait_for(Stopped, timeout=10).reason == "end"
    player.send(SetLink(None))
    player.send(Play(song=build_song(BEATS, bpm=240)))
    time.sleep(0.5)
    latest = [m for m in player.poll() if isinstance(m, Status)]
    assert latest and latest[-1].link is None


def test_a_peer_jumping_from_60_to_240_bpm_then_leaving_never_stops_the_song(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    peer = LinkPeer(60.0)
    try:
        player = start_player(output=PortSpec(receiver.name), link=LinkConfig(quantum=4))
        player.send(Play(song=build_song(BEATS, bpm=120), loop=True))
        peer.wait_for_peers()
        peer.say("tempo 60")
        time.sleep(2.5)
        peer.say("tempo 240")
        jumped_ns = time.perf_counter_ns()
        time.sleep(1.5)
        fast = peer.sample()
        assert fast.tempo == 240.0
        one_beat_ns = round(60 / 240 * 1e9)
        sent = [t for t in note_ons(sends(player)) if t > jumped_ns + one_beat_ns]
        assert len(sent) >= 4  # a note every 250 ms now
        assert p99(phase_errors_ms(sent, fast)) < 1.0
    finally:
        peer.close()  # the peer leaves: we play on, alone, at the tempo it left
    left_ns = time.perf_counter_ns()
    time.sleep(1.0)
    after = [t for t in note_ons(receiver.snapshot()) if t > left_ns]
    assert len(after) >= 3
    gaps_ms = [(b - a) / 1e6 for a, b in itertools.pairwise(after)]
    assert statistics.median(gaps_ms) == pytest.approx(250.0, abs=JACK_PERIOD_MS + 0.5)
    assert not [m for m in player.poll() if isinstance(m, Stopped)]
