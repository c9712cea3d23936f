"""Edits while a big song plays (#16 item 4): the 64-track, 200-pattern song played
by the player process to a JACK port, the UI's part played by this process sending
the edited song (UpdateSong, as the editor does at each revision) every few seconds.
The edited song goes as the editor sends it: the patterns that changed since the
song last sent (ChangeFinder, SongChanges). Each edit puts a marked note at the start of a pattern two or more ahead, on top of
the edits before, so every edit that lands in time is heard once.

The reference, in the same run, is the same song played with no edit at all: what the
player's sends look like on that song anyway (64 tracks start notes on the same line,
sent one after another). The player compiles an edited song in steps between its
deadlines (player/ahead.py); on this song a compile is 2.3 s of steps.

`python -m bench big-edits` runs it.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from bench.bench_live import percentiles_us
from bench.song_sizes import BPM, LINES, LPB, generated_song
from tracker.player.handle import PlayerHandle
from tracker.player.protocol import (
    ChangeFinder,
    Play,
    PlayerConfig,
    PortSpec,
    RequestLog,
    SendLog,
    Stop,
    Stopped,
)
from tracker.song.model import Cell, Song

SECONDS = 24.0
PATTERN_S = LINES * 60 / BPM / LPB
MARK = 127
"""The marked note: the generated songs never play it."""
CLIENT = "bench-big-edits"


def marked(song: Song, order: int) -> Song:
    """The song with the first note of the pattern at `order` (track 1) made MARK."""
    name = song.order[order]
    pattern = song.patterns[name]
    first = pattern.tracks[0]
    column = list(first.columns[0])
    column[0] = Cell(note=MARK, instrument=2, volume=0x40)
    tracks = [replace(first, columns=[column, *first.columns[1:]]), *pattern.tracks[1:]]
    return replace(song, patterns={**song.patterns, name: replace(pattern, tracks=tracks)})


def played(song: Song, every_s: float | None) -> dict[str, Any]:
    """Play the song for SECONDS, edited every `every_s` (None: never)."""
    import rtmidi

    sink = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, CLIENT)
    sink.open_virtual_port("in")
    sink.set_callback(lambda message, data: None)
    config = PlayerConfig(output=PortSpec(f"{CLIENT}:in"), record_sends=True, synth=None)
    targets: set[int] = set()
    finder = ChangeFinder()
    handing_ms: list[float] = []
    try:
        with PlayerHandle(config) as player:
            player.send(Play(song=song, end_order=None))
            finder.sent_whole(song)
            start = time.perf_counter()
            time.sleep(1.0)
            while every_s is not None and time.perf_counter() - start < SECONDS:
                order = int((time.perf_counter() - start) / PATTERN_S) + 2
                targets.add(order)
                song = marked(song, order)
                began = time.perf_counter()
                player.send(finder.update(song))
                handing_ms.append((time.perf_counter() - began) * 1000)
                time.sleep(every_s)
            time.sleep(max(0.0, SECONDS - (time.perf_counter() - start)) + 2 * PATTERN_S)
            player.send(Stop())
            player.wait_for(Stopped, timeout=60)
            player.send(RequestLog())
            log: SendLog = player.wait_for(SendLog, timeout=60)
    finally:
        sink.delete()
    lateness = list(log.lateness_ns)
    heard = sum(1 for _, _, _, data in log.entries if data[0] & 0xF0 == 0x90 and data[1] == MARK)
    figures = {f"send lateness {k} (us)": v for k, v in percentiles_us(lateness).items()}
    return {
        **figures,
        "sends over 1 ms": f"{sum(1 for x in lateness if x > 1_000_000)} of {len(lateness)}",
        "patterns marked by edits / their marks heard": f"{len(targets)} / {heard}",
        "handing an edit over, in the UI: max ms": round(max(handing_ms), 1) if handing_ms else "",
    }


def run() -> dict[str, Any]:
    from tests.support.jack import dummy_jack

    song = generated_song(64, 200, LINES)
    with dummy_jack(f"tracker-bench-{time.time_ns()}"):
        return {
            "note": (
                f"The 64-track, 200-pattern song ({PATTERN_S:.2f} s a pattern) played "
                f"for {SECONDS:.0f} s to a JACK port by the player, every track on MIDI, "
                "the edited song sent as the editor sends it; send lateness by the "
                "player's own clock."
            ),
            "no edits (reference)": played(song, None),
            "an edit every 2 s": played(song, 2.0),
            "an edit every 6 s": played(song, 6.0),
        }
