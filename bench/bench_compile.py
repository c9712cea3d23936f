"""The compile time per song length, in-process (#16): `compile_song` on generated
64-track songs of 1, 5 and 20 minutes (and 60 with `--full`), to show that it stays
linear as a song grows, beside `song_length`, what `check` runs instead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.measure import full_run, timed
from bench.song_sizes import sized_song


def compile_curve(sizes: Sequence[tuple[int, float]]) -> dict[str, dict[str, Any]]:
    """compile_song on 64-track songs of growing length: time per 1,000 lines stays flat
    when the compile is linear. Beside it `song_length`, the same voices counting notes
    without building events: what `check` runs."""
    from tracker.engine.timeline import compile_song, song_length
    from tracker.instruments import cc_lane_for

    rows: dict[str, dict[str, Any]] = {}
    for tracks, minutes in sizes:
        song = sized_song(tracks, minutes)
        lines = sum(song.patterns[name].lines for name in song.order)
        best = min(timed(lambda: compile_song(song, cc_resolver=cc_lane_for)) for _ in range(2))  # noqa: B023 - run here, in this turn of the loop
        counted = min(timed(lambda: song_length(song, cc_resolver=cc_lane_for)) for _ in range(2))  # noqa: B023 - run here, in this turn of the loop
        rows[f"{tracks}x{minutes:g}"] = {
            "lines": lines,
            "compile s": round(best, 2),
            "ms per 1000 lines": round(best * 1e6 / lines, 1),
            "song_length s (check)": round(counted, 2),
            "song_length ms per 1000 lines": round(counted * 1e6 / lines, 1),
        }
    return rows


def run() -> dict[str, Any]:
    """Compile time against song length (64 tracks)."""
    minutes = [1.0, 5.0, 20.0] + ([60.0] if full_run() else [])
    return {
        "note": "compile_song on generated 64-track songs: flat ms per 1,000 lines is linear.",
        **compile_curve([(64, m) for m in minutes]),
    }
