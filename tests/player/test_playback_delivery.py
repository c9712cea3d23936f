"""The player process on real JACK ports: what a synth on the other end receives, in
what order and when, from a song, a ready-made timeline, or through a port with latency
compensation, and that an outside client hears the same.

Songs run at 240 bpm with 4 lines per beat (tests/support/playback.py). Timing is judged
by the player's own send log (JACK delivers at the next 1.3 ms period, so arrival times
are snapped).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import time
from collections.abc import Callable

import pytest

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tests.support.midi_bytes import all_notes_off, off, on
from tests.support.playback import ARPEGGIO, OPENING, send_log, settled
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import Play, PortSpec, Stopped
from tracker.song.model import Instrument

pytestmark = pytest.mark.jack

PLAYER_DEFAULTS = {"record_sends": True}
"""What every player in these tests starts with (tests/player/conftest.py)."""


LINE_S = 0.0625


def test_a_song_arrives_message_for_message_in_order_and_on_time(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(song=build_song(ARPEGGIO, bpm=240)))
    assert player.wait_for(Stopped).reason == "end"
    expected = [*OPENING, on(60, 0x64), off(60), on(64, 0x50), off(64), on(67, 0x40), off(67)]
    got = receiver.wait_for(lambda got: len(got) >= len(expected) + 1)
    assert got == [*expected, all_notes_off()]  # stop at the end: the owed offs, then CC 123

    log = send_log(player)
    sends = [(sent, deadline) for sent, deadline, _, data in log.entries]
    first_deadline = sends[0][1]
    offsets_ms = [round((deadline - first_deadline) / 1e6, 3) for _, deadline in sends]
    # program, strip and C-4 at line 0, the OFF at line 2 (125 ms), E-4 at line 3, ...
    assert offsets_ms == [0.0, 0.0, 0.0, 0.0, 125.0, 187.5, 312.5, 375.0, 500.0]
    lateness_us = [(sent - deadline) / 1000 for sent, deadline in sends]
    assert statistics.median(lateness_us) < 1000
    assert max(lateness_us) < 20_000  # a loaded 2-core machine: spikes, never drift

    arrivals = [t for t, _ in receiver.snapshot()][: len(sends)]
    delays_ms = [(a - d) / 1e6 for a, (_, d) in zip(arrivals, sends, strict=True)]
    assert all(-0.1 < d < 30 for d in delays_ms), delays_ms


def test_an_outside_client_receives_the_song(
    jack_server: str, start_player: Callable[..., PlayerHandle]
) -> None:
    dump = subprocess.Popen(
        ["jack_midi_dump", "trkdump"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        deadline = time.monotonic() + 5
        while "trkdump:input" not in subprocess.run(
            ["jack_lsp"], capture_output=True, text=True
        ).stdout.split("\n"):
            assert time.monotonic() < deadline, "jack_midi_dump did not show up"
            time.sleep(0.05)
        player = start_player(output=PortSpec("trkdump"))
        player.send(Play(song=build_song(ARPEGGIO, bpm=240)))
        player.wait_for(Stopped)
        time.sleep(0.1)
    finally:
        dump.terminate()
        printed = dump.communicate(timeout=5)[0]
    # jack_midi_dump prints "   <frame>: 90 3c 64 note on  (channel  0): ..."
    words = [
        bytes.fromhex(m.group(1))
        for m in re.finditer(r"^\s*\d+: ((?:[0-9a-f]{2} ?)+)", printed, re.MULTILINE)
    ]
    assert words == [
        *OPENING,
        on(60, 0x64),
        off(60),
        on(64, 0x50),
        off(64),
        on(67, 0x40),
        off(67),
        all_notes_off(),
    ]


def test_a_ready_made_timeline_plays_as_given(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    """The bounce's and the export's timeline, played as is: a 14-bit bend and a CC."""
    from tracker.engine.events import Event, Kind, LineMark, Timeline

    marks = [LineMark(i * LINE_S, i / 4, i * 6, 0, "00", i, 240.0, 4) for i in range(4)]
    events = [
        Event(0.0, 0.0, 0, Kind.NOTE_ON, 0, 5, 62, 90),
        Event(LINE_S, 0.25, 6, Kind.PITCH_BEND, 0, 5, 4096),
        Event(2 * LINE_S, 0.5, 12, Kind.CONTROL, 0, 5, 74, 33),
        Event(3 * LINE_S, 0.75, 18, Kind.NOTE_OFF, 0, 5, 62),
    ]
    player = start_player(output=PortSpec(receiver.name))
    player.send(Play(timeline=Timeline(events, marks, 4 * LINE_S, 1.0, 24)))
    player.wait_for(Stopped)
    bend = 4096 + 8192
    assert settled(receiver)[:4] == [
        on(62, 90, channel=5),
        bytes((0xE5, bend & 0x7F, bend >> 7)),
        bytes((0xB5, 74, 33)),
        off(62, channel=5),
    ]


def test_latency_compensation_sends_a_slow_synth_its_notes_earlier(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    slow = Receiver("rxslow")
    try:
        song = build_song(
            "C-4 01 64 ... | C-4 02 64 ...\nOFF .. .. ... | OFF .. .. ...",
            bpm=240,
            instruments={1: Instrument("Fast"), 2: Instrument("Slow")},
        )
        player = start_player(
            output=PortSpec(receiver.name),
            instrument_ports={2: PortSpec(slow.name, latency_ms=30.0)},
        )
        player.send(Play(song=song))
        player.wait_for(Stopped)
        log = send_log(player)
        deadline = {
            (port, data[0]): d for _, d, port, data in log.entries if data[0] & 0xF0 == 0x90
        }
        fast, late = deadline[("out", 0x90)], deadline[("inst02", 0x91)]
        assert (fast - late) / 1e6 == pytest.approx(30.0, abs=0.01)
        assert on(60, 0x64, channel=1) in slow.wait_for(lambda got: on(60, 0x64, 1) in got)
        assert on(60, 0x64, channel=1) not in receiver.data()
    finally:
        slow.close()
