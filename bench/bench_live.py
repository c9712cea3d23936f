"""Live playback under load: a dense song (16 tracks of sixteenth notes at 180 bpm,
a CC lane each, MIDI clock out) played by the player process for N seconds while
this process keeps a thread busy (a stand-in for the UI re-rendering).

Figures: the player's send lateness (its own clock, at the moment it calls the
port), arrival lateness at a receiving JACK port (in a separate process, so the
busy thread here does not distort it; JACK delivers at the next 1.3 ms period),
clock-out interval jitter, drift at the end, and, as the reference in the same
run, a naive loop that paces the same messages with `time.sleep` of each gap (how
simple Python sequencers pace), inside this busy process.

`python -m bench.bench_live [SECONDS]` runs it alone; `run()` is what `make bench` calls.
"""

from __future__ import annotations

import itertools
import math
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from tracker.engine.timeline import compile_song
from tracker.midi.encode import event_messages
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    Play,
    PlayerConfig,
    PortSpec,
    RequestLog,
    SendLog,
    Stop,
    Stopped,
    UpdateSong,
)
from tracker.song.model import Cell, Instrument, Pattern, PatternTrack, Song, Track

EDIT_NOTES = (100, 101, 102, 103, 104, 105, 106, 107, 108, 109)
"""Pitches the dense song never plays (it stays within 48-83): each marks one edit."""
BPM = 180.0
TRACKS = 16
LINES = 64
NOTE_PORT = "bench-notes"
CLOCK_RX = "bench-clock"


def dense_song(seconds: float) -> Song:
    """16 tracks, a note on every line (each ends the one before), a CC on every line."""
    tracks = [Track(name=f"T{i + 1}", cc=["74"]) for i in range(TRACKS)]
    pattern_tracks = []
    for t in range(TRACKS):
        column = [
            Cell(note=48 + (t * 3 + line * 5) % 36, instrument=t + 1, volume=0x40 + line % 0x3F)
            for line in range(LINES)
        ]
        cc: list[int | None] = [(line * 2 + t) % 128 for line in range(LINES)]
        pattern_tracks.append(PatternTrack(columns=[column], cc=[cc]))
    pattern_s = LINES * 60.0 / BPM / 4
    return Song(
        title="bench",
        bpm=BPM,
        lpb=4,
        order=["00"] * max(1, math.ceil(seconds / pattern_s)),
        instruments={i + 1: Instrument(f"I{i + 1}", channel=i + 1) for i in range(TRACKS)},
        tracks=tracks,
        patterns={"00": Pattern(lines=LINES, tracks=pattern_tracks)},
    )


def busy(stop: threading.Event) -> None:
    """Pure-Python CPU work that holds the GIL in long stretches, like a re-render."""
    while not stop.is_set():
        total = 0
        for i in range(200_000):
            total += i * i


def percentiles_us(values_ns: list[int]) -> dict[str, float]:
    ordered = sorted(values_ns)
    n = len(ordered)

    def at(q: float) -> float:
        return ordered[min(n - 1, int(q * n))] / 1000

    return {"p50": at(0.5), "p99": at(0.99), "p99.9": at(0.999), "max": ordered[-1] / 1000}


def receive(client: str, out_path: str, seconds: float) -> None:
    """Receiver process: records (arrival ns, hex) of every message to a file, until
    SIGTERM or `seconds`."""
    import signal

    import rtmidi

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: done.set())

    port = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, client)
    port.ignore_types(sysex=False, timing=False, active_sense=False)
    port.open_virtual_port("in")
    got: list[tuple[int, bytes]] = []
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end and not done.is_set():
        message = port.get_message()
        if message is None:
            time.sleep(0.0001)
            continue
        got.append((time.perf_counter_ns(), bytes(message[0])))
    Path(out_path).write_text("\n".join(f"{t} {m.hex()}" for t, m in got))


def naive_reference(song: Song, seconds: float) -> dict[str, float]:
    """Relative `time.sleep` pacing of the same messages, lateness against the ideal."""
    timeline = compile_song(song)
    times = [e.time for e in timeline.events for _ in event_messages(e) if e.time < seconds]
    start = time.perf_counter_ns()
    lateness: list[int] = []
    previous = 0.0
    for when in times:
        gap = when - previous
        if gap > 0:
            time.sleep(gap)
        previous = when
        lateness.append(time.perf_counter_ns() - (start + round(when * 1e9)))
    return {**percentiles_us(lateness), "drift_ms": lateness[-1] / 1e6}


def edited(song: Song, number: int) -> Song:
    """The song with track 1's notes all set to one pitch, marked by `number`, so the
    first note-on of it shows when the edit was heard."""
    pattern = song.patterns["00"]
    first = pattern.tracks[0]
    column = [replace(cell, note=EDIT_NOTES[number % len(EDIT_NOTES)]) for cell in first.columns[0]]
    tracks = [replace(first, columns=[column]), *pattern.tracks[1:]]
    return replace(song, patterns={"00": replace(pattern, tracks=tracks)})


def edits_while_playing(seconds: float, every_s: float = 2.0) -> dict[str, Any]:
    """The dense song with clock out again, edited every `every_s` while it plays
    (inside run's JACK server and busy thread): send lateness, and how long each edit
    took from the UI's send to its first note leaving."""
    import rtmidi

    sink = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, "bench-edits")
    sink.open_virtual_port("in")
    sink.set_callback(lambda message, data: None)
    song = dense_song(seconds + 10)
    config = PlayerConfig(
        output=PortSpec("bench-edits:in"),
        clock_out=PortSpec("bench-edits:in"),
        record_sends=True,
        synth=None,
    )
    sent_at: list[tuple[int, int]] = []
    try:
        with PlayerHandle(config) as player:
            player.send(Play(song=song, end_order=None))
            time.sleep(1.0)
            for number in range(int(seconds / every_s)):
                sent_at.append((EDIT_NOTES[number % len(EDIT_NOTES)], time.perf_counter_ns()))
                player.send(UpdateSong(edited(song, number)))
                time.sleep(every_s)
            player.send(Stop())
            player.wait_for(Stopped, timeout=30)
            player.send(RequestLog())
            log: SendLog = player.wait_for(SendLog, timeout=30)
    finally:
        sink.delete()
    heard = []
    for note, at in sent_at:
        first = next(
            (
                s
                for s, _, port, data in log.entries
                if port == "out" and data[0] & 0xF0 == 0x90 and data[1] == note and s > at
            ),
            None,
        )
        if first is not None:
            heard.append((first - at) / 1e6)
    return {
        "send lateness": percentiles_us(list(log.lateness_ns)),
        "edits": len(sent_at),
        "edits heard": len(heard),
        "edit heard after, median (ms)": statistics.median(heard) if heard else float("nan"),
        "edit heard after, max (ms)": max(heard) if heard else float("nan"),
    }


def run(seconds: float = 60.0) -> dict[str, Any]:
    from tests.support.jack import dummy_jack

    song = dense_song(seconds)
    with dummy_jack(f"tracker-bench-{time.time_ns()}"), TemporaryDirectory() as tmp:
        notes_file, clock_file = f"{tmp}/notes.txt", f"{tmp}/clock.txt"
        receivers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.bench_live",
                    "--receive",
                    name,
                    path,
                    str(seconds + 8),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for name, path in ((NOTE_PORT, notes_file), (CLOCK_RX, clock_file))
        ]
        for r in receivers:
            assert r.stdout is not None and r.stdout.readline().strip() == "ready"
        config = PlayerConfig(
            output=PortSpec(f"{NOTE_PORT}:in"),
            clock_out=PortSpec(f"{CLOCK_RX}:in"),
            record_sends=True,
            synth=None,  # every track to the MIDI port: this measures the wire
        )
        stop_busy = threading.Event()
        burner = threading.Thread(target=busy, args=(stop_busy,), daemon=True)
        burner.start()
        try:
            with PlayerHandle(config) as player:
                realtime = player.ready.realtime if player.ready else False
                player.send(Play(song=song, end_order=None))
                player.wait_for(Stopped, timeout=seconds * 2 + 30)
                player.send(RequestLog())
                log: SendLog = player.wait_for(SendLog, timeout=30)
            naive = naive_reference(song, min(seconds, 20.0))
            editing = edits_while_playing(min(seconds, 20.0))
        finally:
            stop_busy.set()
            burner.join()
        time.sleep(0.1)  # the last messages cross JACK
        for r in receivers:
            r.terminate()
            r.wait(30)
        arrivals = [
            (int(t), bytes.fromhex(h))
            for t, h in (line.split() for line in Path(notes_file).read_text().splitlines())
        ]
    note_sends = [(d, data) for _, d, port, data in log.entries if port == "out"]
    arrival_late = [
        t - d for (t, got), (d, sent) in zip(arrivals, note_sends, strict=False) if got == sent
    ]
    clock = [s for s, _, port, data in log.entries if port == "clock" and data == b"\xf8"]
    ideal_ns = 60e9 / BPM / 24
    jitter = [abs((b - a) - ideal_ns) for a, b in itertools.pairwise(clock)]
    clock_deadlines = [d for _, d, port, data in log.entries if port == "clock" and data == b"\xf8"]
    drift_us = ((clock[-1] - clock[0]) - (len(clock) - 1) * ideal_ns) / 1000
    first_of_instant: dict[int, int] = {}
    for sent, deadline, _, _ in log.entries:
        first_of_instant.setdefault(deadline, sent - deadline)
    return {
        "note": (
            f"{seconds:g} s of 16 tracks x sixteenths at {BPM:g} bpm with a CC lane each and "
            f"clock out ({len(log.entries)} messages), a busy Python thread in the parent; "
            f"player {'SCHED_FIFO' if realtime else 'normal priority'}. Lateness in µs. "
            "Arrival is at a JACK port in another process (JACK snaps it to the 1.3 ms period). "
            "Up to 48 messages share an instant and leave one after another, so later ones "
            "in a burst are later; 'first of each instant' shows the wait itself. "
            "Naive: relative time.sleep pacing in the busy parent, first 20 s. "
            "Edited: the same song again for 20 s, track 1 rewritten every 2 s (the whole "
            "song sent each time, as the editor does); 'heard after' runs from the UI's "
            "send to the edit's first note leaving."
        ),
        "player send": percentiles_us(list(log.lateness_ns)),
        "player send, first of each instant": percentiles_us(list(first_of_instant.values())),
        "arrival at JACK port": percentiles_us(arrival_late)
        | {"matched": float(len(arrival_late))},
        "naive time.sleep loop": naive,
        "player send, edited every 2 s": editing["send lateness"],
        "edits heard (of sent)": f"{editing['edits heard']} of {editing['edits']}",
        "edit heard after, median / max (ms)": (
            f"{editing['edit heard after, median (ms)']:.0f} / "
            f"{editing['edit heard after, max (ms)']:.0f}"
        ),
        "clock interval jitter p99 (µs)": sorted(jitter)[int(0.99 * len(jitter))] / 1000,
        "clock interval jitter max (µs)": max(jitter) / 1000,
        "clock: last pulse sent vs first, minus ideal (µs)": drift_us,
        "clock deadline drift (ns)": (
            (clock_deadlines[-1] - clock_deadlines[0]) - (len(clock_deadlines) - 1) * ideal_ns
        ),
        "late sends (> 1 ms)": sum(1 for x in log.lateness_ns if x > 1_000_000),
        "median send lateness (µs)": statistics.median(log.lateness_ns) / 1000,
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--receive":
        receive(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        for key, value in run(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0).items():
            print(f"{key}: {value}")
