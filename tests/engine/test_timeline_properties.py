"""Any song a musician could write compiles: events in order, times rising, no stuck notes."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine import assert_no_stuck_notes
from tracker.engine.events import Kind
from tracker.engine.timeline import compile_song
from tracker.song.effects import EFFECTS
from tracker.song.model import (
    NOTE_CUT,
    NOTE_OFF,
    Cell,
    Effect,
    Instrument,
    Pattern,
    PatternTrack,
    Song,
    Track,
)

INSTRUMENTS = {
    1: Instrument("Piano"),
    2: Instrument("Kit", bank=128),
    3: Instrument("Hardware", channel=4, volume=0),
}

effects = st.one_of(
    st.none(), st.builds(Effect, st.sampled_from(sorted(EFFECTS)), st.integers(0, 255))
)
notes = st.one_of(st.none(), st.integers(12, 127), st.sampled_from([NOTE_OFF, NOTE_CUT]))


def cells(effect_columns: int) -> st.SearchStrategy[Cell]:
    return st.builds(
        Cell,
        note=notes,
        instrument=st.one_of(st.none(), st.sampled_from(sorted(INSTRUMENTS))),
        volume=st.one_of(st.none(), st.integers(0, 127)),
        effects=st.tuples(*[effects] * effect_columns),
    )


@st.composite
def songs(draw: st.DrawFn) -> Song:
    tracks = [
        Track(
            f"T{i}",
            notes=draw(st.integers(1, 2)),
            effects=draw(st.integers(1, 2)),
            cc=draw(st.lists(st.sampled_from(["cutoff", "7", "pan"]), max_size=1)),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    patterns = {}
    for p in range(draw(st.integers(1, 3))):
        lines = draw(st.integers(1, 12))
        parts = [
            PatternTrack(
                columns=[
                    draw(st.lists(cells(t.effects), min_size=lines, max_size=lines))
                    for _ in range(t.notes)
                ],
                cc=[
                    draw(
                        st.lists(
                            st.one_of(st.none(), st.integers(0, 127)),
                            min_size=lines,
                            max_size=lines,
                        )
                    )
                    for _ in t.cc
                ],
            )
            for t in tracks
        ]
        patterns[f"{p:02X}"] = Pattern(lines=lines, tracks=parts)
    return Song(
        bpm=draw(st.floats(30, 300)),
        lpb=draw(st.integers(1, 8)),
        tpl=draw(st.integers(1, 12)),
        swing=draw(st.floats(0, 1)),
        order=draw(st.lists(st.sampled_from(sorted(patterns)), min_size=1, max_size=6)),
        instruments=dict(INSTRUMENTS),
        tracks=tracks,
        patterns=patterns,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(songs())
def test_any_song_compiles_to_a_sorted_timeline_without_stuck_notes(song: Song) -> None:
    timeline = compile_song(song)
    keys = [e.sort_key for e in timeline.events]
    assert keys == sorted(keys)
    times = [e.time for e in timeline.events]
    assert all(a <= b for a, b in itertools.pairwise(times))
    beats = [e.beat for e in timeline.events]
    assert all(a <= b for a, b in itertools.pairwise(beats))
    assert all(0.0 <= t <= timeline.duration for t in times)
    assert all(-8192 <= e.a <= 8191 for e in timeline.events if e.kind == Kind.PITCH_BEND)
    assert all(1 <= e.b <= 127 for e in timeline.events if e.kind == Kind.NOTE_ON)
    assert_no_stuck_notes(timeline)


@settings(max_examples=60, deadline=None)
@given(songs(), st.data())
def test_any_song_plays_from_any_cursor(song: Song, data: st.DataObject) -> None:
    order = data.draw(st.integers(0, len(song.order) - 1))
    line = data.draw(st.integers(0, song.patterns[song.order[order]].lines - 1))
    timeline = compile_song(song, start_order=order, start_line=line)
    assert (timeline.lines[0].order, timeline.lines[0].line) == (order, line)
    assert timeline.lines[0].time == 0.0
    assert_no_stuck_notes(timeline)
