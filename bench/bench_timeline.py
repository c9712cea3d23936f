"""How long compile_song takes on a generated 5-minute, 16-track song.

The issue's target: well under 100 ms. The song is busy on purpose: drums on
every line, bass and chords every other line, leads with slides, vibrato,
arpeggios, retriggers and delays, and a CC lane; 125 bpm, 4 lines per beat,
6 ticks per line, 40 order entries of 64 lines (2,560 lines, 307 s).
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from tracker.engine.timeline import compile_song
from tracker.song.model import Cell, Effect, Instrument, Pattern, PatternTrack, Song, Track

TRACKS = 16
LINES = 64
PATTERNS = 8
ORDER_ENTRIES = 40
RUNS = 7
LEAD_EFFECTS = ("A37", "U04", "D02", "V46", "Q03", "R02", "C03", "G10", "W90", "P05")


def _effect(text: str) -> Effect:
    return Effect(text[0], int(text[1:], 16))


def _cell(rng: random.Random, track: int, line: int) -> Cell:
    """Drums (tracks 0-3) hit on the beat grid; others play every few lines."""
    if track < 4:
        hit = line % (1 + track) == 0
        return Cell(note=36 + track, instrument=1, volume=rng.randint(60, 127)) if hit else Cell()
    if line % 2:
        return Cell(note=128) if rng.random() < 0.2 else Cell()
    effects: tuple[Effect | None, ...] = (None,)
    if track >= 10 and rng.random() < 0.4:
        effects = (_effect(rng.choice(LEAD_EFFECTS)),)
    return Cell(note=rng.randint(36, 84), instrument=2 + track % 6, effects=effects)


def make_song(seed: int = 1) -> Song:
    rng = random.Random(seed)
    tracks = [Track(name=f"T{i + 1}", cc=["cutoff"] if i == 12 else []) for i in range(TRACKS)]
    patterns: dict[str, Pattern] = {}
    for p in range(PATTERNS):
        parts = []
        for t, track in enumerate(tracks):
            column = [_cell(rng, t, line) for line in range(LINES)]
            cc = [[rng.randint(0, 127) if line % 4 == 0 else None for line in range(LINES)]]
            parts.append(PatternTrack(columns=[column], cc=cc if track.cc else []))
        patterns[f"{p:02X}"] = Pattern(lines=LINES, tracks=parts)
    instruments = {1: Instrument("Drums", bank=128)}
    instruments.update({n: Instrument(f"Synth {n}", program=n * 8) for n in range(2, 8)})
    return Song(
        title="Bench",
        bpm=125.0,
        lpb=4,
        tpl=6,
        order=[f"{i % PATTERNS:02X}" for i in range(ORDER_ENTRIES)],
        instruments=instruments,
        tracks=tracks,
        patterns=patterns,
    )


def run() -> dict[str, Any]:
    song = make_song()
    timings = []
    timeline = compile_song(song)
    for _ in range(RUNS):
        start = time.perf_counter()
        timeline = compile_song(song)
        timings.append((time.perf_counter() - start) * 1000)
    return {
        "note": "compile_song on a generated 5-minute 16-track song (target: well under 100 ms)",
        "song length (s)": round(timeline.duration, 1),
        "lines": len(timeline.lines),
        "events": len(timeline.events),
        "compile median (ms)": statistics.median(timings),
        "compile min (ms)": min(timings),
        "compile max (ms)": max(timings),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
