"""The player with its audio process: soundfont events go down a pipe to it, MIDI
keeps its deadlines, and a listener that connects and never reads costs the player
nothing (the stream drops its pages, not the player's time)."""

from __future__ import annotations

import contextlib
import socket
import statistics
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tests.support.builders import build_song
from tests.support.jack import Receiver
from tracker.listen.address import ListenAddress
from tracker.listen.ogg import PageSplitter
from tracker.player.audio_out import AudioOut
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    Play,
    PortSpec,
    Preview,
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


class StreamLevels:
    """Reads the stream on a thread; afterwards, the loudest sample of the pages that
    arrived after a moment (perf_counter_ns)."""

    def __init__(self, port: int) -> None:
        self.chunks: list[tuple[int, bytes]] = []
        self._stream = urllib.request.urlopen(f"http://127.0.0.1:{port}/stream.ogg", timeout=10)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while data := self._stream.read1(4096):
                self.chunks.append((time.perf_counter_ns(), data))

    def peak_after(self, moment: int) -> float:
        import av

        decoder = av.CodecContext.create("libopus", "r")
        decoder.sample_rate, decoder.layout = 48000, "stereo"
        splitter, peak = PageSplitter(), 0.0
        for arrived, data in list(self.chunks):
            for page in splitter.feed(data):
                for packet in [] if page.is_header else page.packets():
                    for frame in decoder.decode(av.Packet(packet)):
                        if arrived > moment:  # 16-bit samples
                            samples = np.abs(frame.to_ndarray())
                            peak = max(peak, float(samples.max()) / 32768)
        return peak


def hardware_key_on_the_stream(
    start_player: Callable[..., PlayerHandle], receiver: Receiver, fallback: bool
) -> float:
    """The duet played once, then a key on the hardware track while stopped: the
    stream's loudest sample from the key on."""
    port = free_port()
    out = AudioOut(listen=ListenAddress("127.0.0.1", port), fallback=fallback)
    player = start_player(output=PortSpec(receiver.name), synth=SynthConfig(), audio_out=out)
    levels = StreamLevels(port)
    player.send(Play(song=duet()))
    assert player.wait_for(Stopped, timeout=20).reason == "end"
    time.sleep(1.0)  # the song's tail has died away
    receiver.clear()
    key = time.perf_counter_ns()
    player.send(Preview(track=1, instrument=2, note=60, seconds=0.3))
    time.sleep(1.0)
    assert [m[1] for m in receiver.data() if m[0] & 0xF0 == 0x90], "the hardware plays it"
    return levels.peak_after(key)


def test_a_key_on_a_hardware_track_is_streamed_through_its_stand_in_only_with_the_flag(
    receiver: Receiver, start_player: Callable[..., PlayerHandle]
) -> None:
    mirrored = hardware_key_on_the_stream(start_player, receiver, fallback=True)
    plain = hardware_key_on_the_stream(start_player, receiver, fallback=False)
    assert mirrored > 0.01 and plain < 0.001, (mirrored, plain)
