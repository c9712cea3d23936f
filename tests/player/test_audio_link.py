"""The player with its audio process: soundfont events go down a pipe to it, MIDI
keeps its deadlines, and a listener that connects and never reads costs the player
nothing (the stream drops its pages, not the player's time)."""

from __future__ import annotations

import socket
import statistics
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.listen.address import ListenAddress
from tracker.player.audio_out import AudioOut
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    Play,
    PortSpec,
    RequestLog,
    SendLog,
    Stopped,
    SynthConfig,
)
from tracker.song.model import Instrument, Song, Track

# A piano on the soundfont beside a MIDI part on the receiver, 16ths at 180 bpm.
DUET = (
    "C-4 01 64 ... | C-3 02 64 ...\n"
    "--- .. .. ... | OFF .. .. ...\n"
    "E-4 01 64 ... | E-3 02 64 ...\n"
    "OFF .. .. ... | OFF .. .. ...\n"
) * 8


def duet() -> Song:
    return build_song(
        DUET,
        tracks=[Track("Piano"), Track("Synth")],
        instruments={1: Instrument("Piano"), 2: Instrument("Hardware", device="generic")},
        bpm=180,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def midi_lateness_us(player: PlayerHandle) -> list[float]:
    player.send(RequestLog())
    log: SendLog = player.wait_for(SendLog)
    return [(sent - deadline) / 1000 for sent, deadline, port, _ in log.entries if port != "synth"]


def stalled_listener(port: int) -> socket.socket:
    """Asks for the stream, then never reads a byte."""
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", port))
    stalled.sendall(b"GET /stream.ogg HTTP/1.1\r\nHost: x\r\n\r\n")
    return stalled


def test_a_stalled_listener_leaves_the_midi_sends_on_time_and_others_listening(
    receiver: Receiver, start_player: Callable[..., PlayerHandle], tmp_path: Path
) -> None:
    port = free_port()
    player = start_player(
        output=PortSpec(receiver.name),
        synth=SynthConfig(),
        record_sends=True,
        audio_out=AudioOut(listen=ListenAddress("127.0.0.1", port), title="Duet"),
    )
    assert player.ready is not None and player.ready.listen_url == f"http://127.0.0.1:{port}/"
    stalled = stalled_listener(port)
    heard: list[tuple[float, int]] = []

    def listen() -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/stream.ogg", timeout=10) as s:
            while data := s.read1(4096):
                heard.append((time.monotonic(), len(data)))

    reader = threading.Thread(target=listen, daemon=True)
    reader.start()
    try:
        started = time.monotonic()
        player.send(Play(song=duet()))
        assert player.wait_for(Stopped, timeout=20).reason == "end"
        ended = time.monotonic()
        lateness = midi_lateness_us(player)
    finally:
        stalled.close()

    notes = [b for b in receiver.data() if b[0] & 0xF0 == 0x90]
    assert len(notes) == 16, "every MIDI note left"
    assert statistics.median(lateness) < 1000
    assert max(lateness) < 20_000  # a loaded 2-core machine: spikes, never drift
    # The reading listener heard the stream all along the song.
    during = [t for t, _ in heard if started <= t <= ended]
    assert during and max(b - a for a, b in zip([started, *during], during, strict=False)) < 1.0
