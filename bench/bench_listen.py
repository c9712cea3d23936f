"""Hearing it over SSH (issue #14): the player with its audio process and two
listeners, one reading the stream and one stalled, beside a busy Python thread in
this process (a stand-in for the UI).

Figures: the player's MIDI send lateness with the audio process and the listeners,
beside the same song through today's path (FluidSynth's own driver, on the JACK
dummy server) without them; the audio process's dropouts (turns that found the
audio further behind the wall clock than a sound card's buffer), late events and
CPU as a fraction of one core; key (a note preview) to the first loud audio on the
stream socket of a listener in a process of its own (bench/listen_probe.py); a note's
song time to the same; `tracker play --listen` from its start to the first audio.

`python -m bench.bench_listen [SECONDS]` runs it alone; `run()` is what `make bench` calls.
"""

from __future__ import annotations

import re
import socket
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.bench_live import busy, dense_song, percentiles_us
from bench.listen_probe import Probe, delays_ms, first_audio_s, onsets, spread
from tests.support.builders import build_song
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
from tracker.song.storage import save_song

PREVIEWS = 30
SPARSE_NOTES = 30
SETTLE_S = 2.0
"""Before the first key: the player has just pickled the song's whole send log (a
benchmark's request, never the editor's) and the bench process unpickled it."""
STARTS = 5


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


def key_to_stream(player: PlayerHandle, probe: Probe) -> list[float]:
    """Previews while stopped: from the command's send to the first loud page's
    arrival on the listener's socket, in ms."""
    sent = []
    time.sleep(SETTLE_S)
    for i in range(PREVIEWS):
        time.sleep(0.6)  # the previous note has rung out (0.1 s note, short release)
        sent.append(time.perf_counter_ns())
        player.send(Preview(track=0, instrument=2, note=60 + i % 12, seconds=0.1))
    time.sleep(0.6)
    return delays_ms(sent, onsets(probe.finish()))


def sparse_song(notes: int) -> Song:
    """A note every 0.75 s (one line of a 120 bpm organ, six lines apart): each onset
    on the stream follows silence, so it is matched to its song time."""
    rows = "C-4 01 64 ...\nOFF .. .. ...\n" + "--- .. .. ...\n" * 4
    return build_song(rows * notes, instruments={1: Instrument("Organ", program=16)})


def song_to_stream(config: PlayerConfig, port: int, notes: int) -> list[float]:
    """Each note-on's song time (its deadline on the wall clock, from the player's send
    log) to the first loud page after it on the listener's socket, in ms."""
    player = PlayerHandle(config)
    player.start()
    probe = Probe(port)
    try:
        player.send(Play(song=sparse_song(notes)))
        player.wait_for(Stopped, timeout=notes + 30)
        time.sleep(0.3)
        player.send(RequestLog())
        log: SendLog = player.wait_for(SendLog, timeout=30)
    finally:
        heard = probe.finish()
        player.close()
    due = [d for _, d, key, data in log.entries if key == "synth" and data[0] & 0xF0 == 0x90]
    return delays_ms(due, onsets(heard))


def first_audio(runs: int) -> list[float]:
    """`tracker play SONG --listen PORT`, started `runs` times: seconds to the first
    audio page on a listener's socket."""
    with tempfile.TemporaryDirectory() as folder:
        song = Path(folder) / "song.toml"
        save_song(sparse_song(8), song)
        starts = []
        for _ in range(runs):
            starts.append(first_audio_s(song, free_port()))
            time.sleep(1.0)  # the JACK server has seen the last one's client go
        return starts


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
        started = first_audio(STARTS)  # before the busy thread: a command run alone
        burner.start()
        try:
            base = PlayerConfig(record_sends=True, synth=SynthConfig())
            player, without = play_once(base, song, seconds)
            player.close()

            port = free_port()
            out = AudioOut(listen=ListenAddress("127.0.0.1", port), title="bench")
            listening = replace(base, audio_out=out)
            player = PlayerHandle(listening)
            player.start()
            probe, stuck = Probe(port), stalled(port)
            player.send(Play(song=song))
            player.wait_for(Stopped, timeout=seconds * 2 + 30)
            player.send(RequestLog())
            log: SendLog = player.wait_for(SendLog, timeout=30)
            keys = key_to_stream(player, probe)
            player.close()
            stuck.close()
            audio = audio_log()
            port = free_port()
            out = replace(out, listen=ListenAddress("127.0.0.1", port))
            song_times = song_to_stream(replace(base, audio_out=out), port, SPARSE_NOTES)
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
            "arrival of the first loud (-50 dBFS) page on the socket of a listener in a "
            f"process of its own, in ms. Song to stream: {SPARSE_NOTES} notes 0.75 s apart, "
            "from each note's song time (its deadline) to the same, in ms. First audio: "
            f"`tracker play SONG --listen PORT` run {STARTS} times alone, from its start "
            "to the first audio page on a listener's socket, in s (the mix runs 5 ms behind "
            "the wall clock; each 10 ms Opus frame leaves on its own page once encoded)."
        ),
        "MIDI send, with audio process + 2 listeners": percentiles_us(midi_lateness(log)),
        "MIDI send, without (FluidSynth driver)": percentiles_us(midi_lateness(without)),
        "first of each instant, with": percentiles_us(first_of_each_instant(log)),
        "first of each instant, without": percentiles_us(first_of_each_instant(without)),
        "key to first audio on the stream (ms)": spread(keys),
        "song time to the stream (ms)": spread(song_times),
        "command start to first audio (s)": {
            "p50": round(sorted(started)[len(started) // 2], 2),
            "max": round(max(started), 2),
        },
        "audio process": audio,
    }


if __name__ == "__main__":
    result = run(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)
    for key, value in result.items():
        print(f"{key}: {value}")
