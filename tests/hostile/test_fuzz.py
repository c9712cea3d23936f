"""Fuzzing the two readers of outside files (tests/support/fuzz.py): whatever the
bytes, only our own error escapes and whatever is accepted saves and reads back
unchanged. Here each runs a few seconds; bench/bench_fuzz.py runs them for minutes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.support.fuzz import SONG_BASES, bounded, fuzz_midi, fuzz_songs, mutate
from tracker.errors import SongFormatError
from tracker.song.fileformat import load_bytes


def test_mutated_song_files_give_a_song_or_our_error() -> None:
    bounded(150)(fuzz_songs())()  # 3-10 s: the shipped demo is 60 kB


def test_mutated_midi_files_give_a_song_or_our_error() -> None:
    with tempfile.TemporaryDirectory() as folder:
        bounded(1000)(fuzz_midi(Path(folder)))()


def test_the_mutations_reach_both_outcomes() -> None:
    """Guard against a fuzzer that only ever breaks the file (or never does): over a
    fixed set of edits, some mutated files still read and some are refused."""
    outcomes = {"read": 0, "refused": 0}
    for position in range(0, len(SONG_BASES[0]), 7):
        data = mutate(SONG_BASES[0], [("flip", position, b"\x01")])
        try:
            load_bytes(data, "x.toml")
            outcomes["read"] += 1
        except SongFormatError:
            outcomes["refused"] += 1
    assert outcomes["read"] > 0 and outcomes["refused"] > 0, outcomes
