"""`check` and `export-midi` of the issue's big song (#16: 64 tracks x 256 lines x 200
patterns, 53 MB), each a child process beside Python's TOML parse of the same file: the
issue's own case, a benchmark of its own apart from the sized songs of bench_commands."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.measure import Child, add_figures, toml_reference
from bench.song_sizes import write_song
from tests.support.command import TRACKER


def big_song_check() -> dict[str, Any]:
    """The issue's big song (64 tracks x 256 lines x 200 patterns): `check` and
    `export-midi` beside Python's TOML parse of the same file."""
    from bench.song_sizes import big_song

    with tempfile.TemporaryDirectory(prefix="bench-check-") as folder:
        work = Path(folder)
        path = write_song(big_song(), work / "big.toml")
        toml = toml_reference(path, work)
        row: dict[str, Any] = {
            "file MB": round(path.stat().st_size / 1e6, 1),
            "TOML parse s (reference)": round(toml.seconds, 2),
        }
        add_figures(row, "check", Child([*TRACKER, "check", str(path)], work), toml)
        export = Child([*TRACKER, "export-midi", str(path), "-o", str(work / "big.mid")], work)
        add_figures(row, "export-midi", export, toml)
        return row


def run() -> dict[str, Any]:
    return {
        "note": (
            "check and export-midi of the issue's 53 MB song (bench/song_sizes.py --big), as "
            "child processes beside Python's TOML parse of the same file run just before."
        ),
        "64 tracks x 256 lines x 200 patterns": big_song_check(),
    }
