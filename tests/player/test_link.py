"""Ableton Link with a real second peer: another process on the other Python binding
(aalink; the player runs LinkPython-extern), on this machine, with the player's notes
landing at a real JACK port.

The beat grid is the peer's: each note-on's instant is turned into the peer's beat
(from a sample of its timeline while its tempo holds), and its distance to the
nearest line of that grid (a quarter of a beat, 4 lines per beat) is the phase error.

At the port the instant is the note's JACK frame (tests/support/jack_frames.py), the
one a synth plays it at, read on JACK's clock, which is Link's. python-rtmidi puts
every message at the first frame of the next cycle, so the player sends half a period
early (midi/jack_period.py) and a note lands within half a period either side of its
line. These tests run a server of their own at 32 frames (0.67 ms at 48 kHz, a
low-latency studio setting), where the notes land within 1 ms of the peer's grid at
p99 with the receiver's own wake-up (0.1-0.4 ms) and a loaded machine's hiccups in it.

A note whose JACK cycle came later than a period and half a millisecond after the
player sent it was held up by the machine, not the player: on a 2-core machine shared
with other work the dummy driver's cycles stall now and then (a reference sender through
the same server stalls alike: BENCHMARKS.md). Such notes are counted, at most 2 %
allowed, and the p99 is over the others.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable, Iterator

import pytest

from tests.support.builders import build_song
from tests.support.jack import dummy_jack
from tests.support.jack_frames import FrameReceiver
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
STUDIO_PERIOD = 32
"""Frames per JACK period for these tests (0.67 ms at 48 kHz)."""

LPB = 8
# a thirty-second on every line (8 lines per beat): C-6 on the bar line, C-5 on the
# other beats, G-4 between; a 4-beat pattern, looped
BEAT = ["G-4 01 50 ..."] * (LPB - 1)
BEATS = "\n".join(["C-6 01 64 ...", *BEAT] + ["C-5 01 64 ...", *BEAT] * 3)
ON_THE_BAR, ON_THE_BEAT = 84, 72


@pytest.fixture(scope="module")
def studio_jack(jack_server: str) -> Iterator[str]:
    """A JACK server at STUDIO_PERIOD frames for this module (after the session's, whose
    name comes back when the module ends)."""
    with dummy_jack(period=STUDIO_PERIOD) as name:
        yield name


@pytest.fixture
def port(studio_jack: str) -> Iterator[FrameReceiver]:
    with FrameReceiver(f"synth{time.time_ns() % 1_000_000}") as receiver:
        yield receiver


@pytest.fixture
def peer() -> Iterator[LinkPeer]:
    process = LinkPeer(100.0)
    try:
        yield process
    finally:
        process.close()


def raw_us() -> int:
    """Now on Link's and JACK's clock (CLOCK_MONOTONIC_RAW), in microseconds."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC_RAW) // 1000


def note_ons(entries: list[tuple[int, bytes]], *pitches: int) -> list[int]:
    return [
        t
        for t, data in entries
        if data[0] & 0xF0 == 0x90 and data[2] > 0 and (not pitches or data[1] in pitches)
    ]


def line_errors_ms(instants_us: list[int], sample: Sample, lpb: int = LPB) -> list[float]:
    """Each instant's distance to the peer's nearest line (1/lpb beat), in milliseconds."""
    errors = []
    for t in instants_us:
        line = sample.beat_at_raw(t / 1e6) * lpb
        errors.append(abs(line - round(line)) * 60_000 / sample.tempo / lpb)
    return errors


def sent_us(player: PlayerHandle, lead_us: float) -> list[tuple[int, bytes]]:
    """The player's own send instants, on Link's clock, each plus the half period it
    leaves early by: the instants the notes are meant to land at."""
    player.send(RequestLog())
    log: SendLog = player.wait_for(SendLog)
    offset = raw_offset_ns()
    return [
        (round((sent - offset) / 1000 + lead_us), data)
        for sent, _deadline, _port, data in log.entries
    ]


def delivered_in_time(
    arrived: list[int], sent: list[int], period_us: float
) -> tuple[list[int], list[int]]:
    """(notes JACK delivered within a period and 0.5 ms of their send, the others)."""
    on_time: list[int] = []
    held: list[int] = []
    for t in arrived:
        send = min(sent, key=lambda s: abs(t - s))
        (on_time if t - send <= period_us + 500 else held).append(t)
    return on_time, held


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.99 * len(values)) - 1)]


def test_the_player_follows_a_link_peers_tempo_and_beat_and_stops_with_it(
    port: FrameReceiver, start_player: Callable[..., PlayerHandle], peer: LinkPeer
) -> None:
    peer.say("play")
    player = start_player(output=PortSpec(port.name), link=LinkConfig(start_stop=True))
    player.send(
        Play(song=build_song(BEATS, lpb=LPB, bpm=120), loop=True)
    )  # the song says 120: Link wins
    peer.wait_for_peers()
    peer.say("tempo 100")  # whichever tempo the joined session kept, the peer now sets 100
    time.sleep(1.5)  # on the session's timeline
    settled = raw_us()
    time.sleep(12.0)  # 20 beats at 100 bpm: 160 notes
    sample = peer.sample()
    assert (sample.tempo, sample.peers) == (100.0, 1)

    arrived = [t for t in note_ons(port.snapshot()) if t > settled]
    assert len(arrived) >= 144  # 160, less a bar if the start waited for the bar line
    beats = [t for t in note_ons(port.snapshot(), ON_THE_BAR, ON_THE_BEAT) if t > settled]
    gaps_ms = [(b - a) / 1000 for a, b in itertools.pairwise(beats)]
    assert statistics.median(gaps_ms) == pytest.approx(600.0, abs=1.0)  # a beat at 100 bpm
    bars = [t for t in note_ons(port.snapshot(), ON_THE_BAR) if t > settled]
    assert len(bars) >= 4
    # the song's bar (4 beats: no quantum given) lines up on the session's bar
    assert {round(sample.beat_at_raw(t / 1e6)) % 4 for t in bars} == {0}
    sent = [t for t in note_ons(sent_us(player, port.period_us / 2)) if t > settled]
    assert p99(line_errors_ms(sent, sample)) <= 0.5
    on_time, held = delivered_in_time(arrived, sent, port.period_us)
    errors = line_errors_ms(on_time, sample)

    # the peer jumps to 140 bpm: within one beat we are on its new grid
    peer.say("tempo 140")
    one_beat_later = raw_us() + round(60 / 140 * 1e6)
    time.sleep(5.0)
    fast = peer.sample()
    assert fast.tempo == 140.0
    after = [t for t in note_ons(port.snapshot()) if t > one_beat_later]
    assert len(after) >= 80
    sent_after = [
        t for t in note_ons(sent_us(player, port.period_us / 2)) if t > one_beat_later - 100_000
    ]
    on_time, held_after = delivered_in_time(after, sent_after, port.period_us)
    errors += line_errors_ms(on_time, fast)
    held += held_after
    assert len(errors) + len(held) >= 224
    assert len(held) <= 0.02 * (len(errors) + len(held)), f"JACK held up {len(held)} notes"
    worst = sorted(errors)[-4:]
    assert p99(errors) <= 1.0, f"at the port, 160 at 100 bpm and 80 at 140: worst {worst}"
    time.sleep(0.3)
    status = [m for m in player.poll() if isinstance(m, Status)][-1]  # the latest one
    assert status.link is not None and (status.link.peers, status.link.bpm) == (1, 140.0)

    # start/stop sync: the peer stops the session, we stop with every note ended
    peer.say("stop")
    assert player.wait_for(Stopped, timeout=2.0).reason == "clock"
    got = port.wait_for(lambda got: bytes((0xB0, 123, 0)) in got[-3:])
    sounding: set[int] = set()
    for data in got:
        if data[0] == 0x90 and data[2] > 0:
            sounding.add(data[1])
        elif data[0] in (0x80, 0x90):
            sounding.discard(data[1])
    assert sounding == set()


def test_the_editors_toggle_joins_from_the_next_start_and_leaves_again(
    port: FrameReceiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(port.name))
    player.send(SetLink(LinkConfig(quantum=4)))
    player.send(Play(song=build_song(BEATS, lpb=LPB, bpm=240)))
    status = player.wait_for(Status)
    while status.link is None and status.playing:
        status = player.wait_for(Status)
    assert status.link is not None  # in the session, alone: 0 peers
    assert player.wait_for(Stopped, timeout=10).reason == "end"
    player.poll()  # what the first start said, up to its Stopped
    player.send(SetLink(None))
    player.send(Play(song=build_song(BEATS, lpb=LPB, bpm=240)))
    status = player.wait_for(Status)
    while not status.playing:
        status = player.wait_for(Status)
    assert status.link is None


def test_a_peer_jumping_from_60_to_240_bpm_then_leaving_never_stops_the_song(
    port: FrameReceiver, start_player: Callable[..., PlayerHandle]
) -> None:
    peer = LinkPeer(60.0)
    try:
        player = start_player(output=PortSpec(port.name), link=LinkConfig(quantum=4))
        player.send(Play(song=build_song(BEATS, lpb=LPB, bpm=120), loop=True))
        peer.wait_for_peers()
        peer.say("tempo 60")
        time.sleep(2.5)
        peer.say("tempo 240")
        one_beat_later = raw_us() + round(60 / 240 * 1e6)
        time.sleep(2.0)
        fast = peer.sample()
        assert fast.tempo == 240.0
        after = [t for t in note_ons(port.snapshot()) if t > one_beat_later]
        assert len(after) >= 48  # 32 notes a second now
        assert statistics.median(line_errors_ms(after, fast)) <= 1.0
        sent = [t for t in note_ons(sent_us(player, port.period_us / 2)) if t > one_beat_later]
        assert p99(line_errors_ms(sent, fast)) <= 0.5
    finally:
        peer.close()  # the peer leaves: we play on, alone, at the tempo it left
    left = raw_us()
    time.sleep(1.5)
    beats = [t for t in note_ons(port.snapshot(), ON_THE_BAR, ON_THE_BEAT) if t > left]
    assert len(beats) >= 4
    gaps_ms = [(b - a) / 1000 for a, b in itertools.pairwise(beats)]
    assert statistics.median(gaps_ms) == pytest.approx(250.0, abs=1.0)
    assert not [m for m in player.poll() if isinstance(m, Stopped)]
