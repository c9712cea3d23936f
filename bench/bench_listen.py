"""Hearing it over SSH (issue #14): the player with its audio process and two
listeners, one reading the stream and one stalled, beside a busy Python thread in
this process (a stand-in for the UI).

Figures: the player's MIDI send lateness with the audio process and the listeners,
beside the same song through today's path (FluidSynth's own driver, on the JACK
dummy server) without them; the audio process's dropouts (turns that found the
audio further behind the wall clock than a sound card's buffer), late events and
CPU as a fraction of one core; key (a note preview) to the first loud audio on the
stream socket, decoded by PyAV as it arrives.

`python -m bench.bench_listen [SECONDS]` runs it alone; `run()` is what `make bench` calls.
"""

from __future__ import annotations

import re
import socket
import sys
import threading
import time
from dataclasses import replace
from typing import Any

import numpy as np

from bench.bench_live import busy, dense_song, percentiles_us
from tracker.listen.address import ListenAddress
from tracker.player.audio_out import AudioOut
from tracker.player.handle import PlayerHandle, player_log_path
from tracker.player.protocol import (
    Play,
    PlayerConfig,
    Preview,
    RequestLog,
    SendLog,
    Stopped,
    SynthConfig,
)
from tracker.song.model import Instrument, Song

PREVIEWS = 30
LOUD = 10 ** (-50 / 20)


def half_on_the_soundfont(seconds: float) -> Song:
    """bench_live's dense song (16 tracks of sixteenths, 180 bpm), odd tracks on
    hardware (MIDI out), even tracks on the soundfont (the audio process)."""
    song = dense_song(seconds)
    instruments = {
        n: replace(i, device="generic") if n % 2 else Instrument(i.name, program=n % 8 * 8)
        for n, i in song.instruments.items()
    }
    return replace(song, instruments=instruments)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Reader:
    """A listener that decodes the stream as it arrives and notes when each loud
    frame's bytes came in."""

    def __init__(self, port: int) -> None:
        import urllib.request

        self.response = urllib.request.urlopen(f"http://127.0.0.1:{port}/stream.ogg", timeout=30)
        self.arrived = 0
        self.loud_at: list[int] = []
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.response.read1(size if size > 0 else 65536)
        self.arrived = time.perf_counter_ns()
        return data

    def run(self) -> None:
        import av

        with av.open(self, mode="r", format="ogg") as container:
            for frame in container.decode(audio=0):
                if self.stop:
                    return
                level = float(np.max(np.abs(frame.to_ndarray()))) if frame.samples else 0.0
                if level >= LOUD:
                    self.loud_at.append(self.arrived)


def stalled(port: int) -> socket.socket:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /stream.ogg HTTP/1.1\r\nHost: bench\r\n\r\n")
    return s


def play_once(config: PlayerConfig, song: Song, seconds: float) -> tuple[PlayerHandle, SendLog]:
    player = PlayerHandle(config)
    player.start()
    player.send(Play(song=song))
    player.wait_for(Stopped, timeout=seconds * 2 + 30)
    player.send(RequestLog())
    log: SendLog = player.wait_for(SendLog, timeout=30)
    return player, log


def midi_lateness(log: SendLog) -> list[int]:
    return [sent - deadline for sent, deadline, port, _ in log.entries if port != "synth"]


def first_of_each_instant(log: SendLog) -> list[int]:
    """The wait itself: the first MIDI message of each instant (a burst's later ones
    wait for those before them)."""
    first: dict[int, int] = {}
    for sent, deadline, port, _ in log.entries:
        if port != "synth":
            first.setdefault(deadline, sent - deadline)
    return list(first.values())


def key_to_stream(player: PlayerHandle, reader: Reader) -> dict[str, float]:
    """Previews while stopped: from the command's send to the first loud frame's bytes."""
    delays: list[int] = []
    for i in range(PREVIEWS):
        time.sleep(0.6)  # the previous note has rung out (0.1 s note, short release)
        before = len(reader.loud_at)
        sent = time.perf_counter_ns()
        player.send(Preview(track=0, instrument=2, note=60 + i % 12, seconds=0.1))
        deadline = time.monotonic() + 2
        while len(reader.loud_at) == before and time.monotonic() < deadline:
            time.sleep(0.001)
        if len(reader.loud_at) > before:
            delays.append(reader.loud_at[before] - sent)
    ordered = sorted(delays)
    n = len(ordered)
    return {
        "p50": ordered[n // 2] / 1e6,
        "p99": ordered[min(n - 1, int(0.99 * n))] / 1e6,
        "max": ordered[-1] / 1e6,
        "heard": float(n),
    }


def audio_log() -> dict[str, float]:
    """The audio process's last line in the player log: seconds, dropouts, late, CPU."""
    path = player_log_path()
    text = path.read_text(errors="replace") if path is not None and path.exists() else ""
    found = re.findall(
        r"rendered ([\d.]+) s: (\d+) dropouts, (\d+) late events, ([\d.]+) s of CPU", text
    )
    if not found:
        return {}
    seconds, dropouts, late, cpu = found[-1]
    return {
        "audio seconds": float(seconds),
        "dropouts": float(dropouts),
        "late events": float(late),
        "CPU (fraction of one core)": float(cpu) / max(float(seconds), 1e-9),
    }


def run(seconds: float = 60.0) -> dict[str, Any]:
    from tests.support.jack import dummy_jack

    song = half_on_the_soundfont(seconds)
    stop_busy = threading.Event()
    burner = threading.Thread(target=busy, args=(stop_busy,), daemon=True)
    with dummy_jack(f"tracker-bench-listen-{time.time_ns()}"):
        burner.start()
        try:
            base = PlayerConfig(record_sends=True, synth=SynthConfig())
            player, without = play_once(base, song, seconds)
            player.close()

            port = free_port()
            out = AudioOut(listen=ListenAddress("127.0.0.1", port), title="bench")
            player = PlayerHandle(replace(base, audio_out=out))
            player.start()
            reader, stuck = Reader(port), stalled(port)
            player.send(Play(song=song))
            player.wait_for(Stopped, timeout=seconds * 2 + 30)
            player.send(RequestLog())
            log: SendLog = player.wait_for(SendLog, timeout=30)
            keys = key_to_stream(player, reader)
            reader.stop = True
            player.close()
            stuck.close()
            audio = audio_log()
        finally:
            stop_busy.set()
            burner.join()
    return {
        "note": (
            f"{seconds:g} s of bench_live's dense song, 8 tracks on MIDI out and 8 on the "
            "soundfont, a busy Python thread in the parent. 'With': the audio process "
            "(the live mix rendered by the bounce's block renderer), one listener decoding "
            "the stream and one stalled; 'without': the same song through FluidSynth's own "
            "driver on the JACK dummy server (the path without --listen). Lateness in µs. "
            f"Key to stream: {PREVIEWS} previews while stopped, from the command to the "
            "first loud (-50 dBFS) frame's bytes on the listener's socket, in ms (the mix "
            "runs 5 ms behind the wall clock; Opus frames and pages are 10 ms)."
        ),
        "MIDI send, with audio process + 2 listeners": percentiles_us(midi_lateness(log)),
        "MIDI send, without (FluidSynth driver)": percentiles_us(midi_lateness(without)),
        "first of each instant, with": percentiles_us(first_of_each_instant(log)),
        "first of each instant, without": percentiles_us(first_of_each_instant(without)),
        "key to first audio on the stream (ms)": keys,
        "audio process": audio,
    }


if __name__ == "__main__":
    result = run(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)
    for key, value in result.items():
        print(f"{key}: {value}")
