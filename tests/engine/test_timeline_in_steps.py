"""The compile in steps (the player's, for edits while playing) gives exactly what
compile_song gives, in many small steps; and the quick walk that finds a line's beat
(for Song Position Pointer) agrees with the compile."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from bench.bench_timeline import make_song
from tracker.engine.emitter import FINISH_CHUNK
from tracker.engine.events import Timeline
from tracker.engine.timeline import beat_of_line, compile_in_steps, compile_song
from tracker.instruments import cc_lane_for
from tracker.song.model import Song
from tracker.song.storage import load_song

SONGS = sorted(Path(__file__).parents[2].joinpath("songs").glob("*.toml"))


def run_steps(song: Song, start_order: int = 0, start_line: int = 0) -> tuple[Timeline, int]:
    steps = compile_in_steps(
        song, start_order=start_order, start_line=start_line, cc_resolver=cc_lane_for
    )
    count = 0
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value, count
        count += 1


@pytest.mark.parametrize("path", SONGS, ids=lambda p: p.stem)
def test_each_demo_song_compiles_the_same_in_steps(path: Path) -> None:
    song = load_song(path)
    whole = compile_song(song, cc_resolver=cc_lane_for)
    stepped, count = run_steps(song)
    assert stepped == whole
    assert count >= len(whole.lines)  # a step a line at least


def test_a_dense_song_from_its_middle_compiles_the_same_in_steps() -> None:
    song = make_song()  # 16 tracks, every effect, 54,777 events
    whole = compile_song(song, start_order=20, start_line=10, cc_resolver=cc_lane_for)
    stepped, count = run_steps(song, start_order=20, start_line=10)
    assert stepped.held and stepped == whole  # notes held at the start, and their offs
    assert len(whole.events) > 4 * FINISH_CHUNK  # the sort was cut into steps and merged
    assert count >= len(whole.lines) + len(whole.events) // FINISH_CHUNK


def test_a_compile_given_up_halfway_leaves_the_garbage_collector_running() -> None:
    steps = compile_in_steps(make_song())
    for _ in range(50):
        next(steps)
    assert not gc.isenabled()
    steps.close()
    assert gc.isenabled()


@pytest.mark.parametrize("path", SONGS, ids=lambda p: p.stem)
def test_the_beat_of_every_line_is_the_one_the_compile_gives(path: Path) -> None:
    song = load_song(path)
    whole = compile_song(song)
    first_seen: dict[tuple[int, int], float] = {}
    for mark in whole.lines:
        first_seen.setdefault((mark.order, mark.line), mark.beat)
    for (order, line), beat in first_seen.items():
        assert beat_of_line(song, order, line) == pytest.approx(beat, abs=1e-9)
    assert beat_of_line(song, len(song.order), 0) is None  # past the end: never played
