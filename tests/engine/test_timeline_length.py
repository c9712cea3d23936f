"""`song_length`, what `tracker check` reports: the compiled timeline's duration and its
note-ons, played by the same voices without building the events."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.engine.test_timeline_properties import songs
from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song, song_length
from tracker.instruments import cc_lane_for
from tracker.song.model import Cell, Effect, Instrument, Pattern, PatternTrack, Song, Track
from tracker.song.storage import load_song

SONGS = sorted((Path(__file__).parents[2] / "songs").glob("*.toml"))


def compiled_length(song: Song) -> tuple[float, int]:
    timeline = compile_song(song, cc_resolver=cc_lane_for)
    return timeline.duration, sum(1 for e in timeline.events if e.kind is Kind.NOTE_ON)


@pytest.mark.parametrize("path", SONGS, ids=lambda p: p.stem)
def test_each_shipped_song_is_as_long_as_its_timeline(path: Path) -> None:
    song = load_song(path)
    assert song_length(song, cc_resolver=cc_lane_for) == compiled_length(song)


def test_a_note_cut_where_it_starts_is_not_counted() -> None:
    # The arpeggio ends on line 1, whose first tick goes back to the written note (a
    # new note-on), and C00 cuts it on that very tick: the compile takes that note-on
    # back (Emitter.unstrike), and so must the count.
    lead = [
        Cell(note=60, effects=(Effect("A", 0x37),)),
        Cell(effects=(Effect("C", 0x00),)),
        Cell(note=64),
    ]
    song = Song(
        tpl=6,
        order=["00"],
        instruments={1: Instrument("Piano")},
        tracks=[Track("Lead")],
        patterns={"00": Pattern(lines=3, tracks=[PatternTrack(columns=[lead])])},
    )
    timeline = compile_song(song)
    struck = [e.a for e in timeline.events if e.kind is Kind.NOTE_ON]
    assert struck == [60, 63, 67, 60, 63, 67, 64]
    assert song_length(song) == (timeline.duration, 7)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(songs())
def test_any_song_is_as_long_as_its_timeline(song: Song) -> None:
    assert song_length(song, cc_resolver=cc_lane_for) == compiled_length(song)
