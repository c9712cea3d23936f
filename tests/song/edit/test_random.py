"""Random runs of edits, good and impossible, then undo all: the song must come back exactly.

Impossible edits (out-of-range lines, missing patterns, removing the last track)
are drawn on purpose: each must raise EditError and leave the song untouched.
"""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.builders import build_song
from tracker.errors import EditError
from tracker.song.edit import (
    AddCCLane,
    AddPattern,
    AddTrack,
    ChangeSettings,
    ClearSelection,
    ClonePattern,
    Command,
    DeleteLine,
    DeleteOrder,
    DuplicateOrder,
    History,
    InsertLine,
    InsertOrder,
    Interpolate,
    MoveOrder,
    MoveTrack,
    Paste,
    RemoveCCLane,
    RemovePattern,
    RemoveTrack,
    RenamePattern,
    ResizePattern,
    Selection,
    SetCC,
    SetCell,
    SetCellField,
    SetTrackColumns,
    Transpose,
    column_count,
    copy_selection,
)
from tracker.song.model import Cell, Song, Track

START = """
C-4 01 40 ... E-4 .. .. ... 10 | C-2 02 7F ...
--- .. .. ... --- .. .. ... .. | --- .. .. ...
OFF .. 60 ... G-4 01 60 ... 7F | G-2 02 .. Q03
"""


def up_to(count: int) -> st.SearchStrategy[int]:
    """Mostly an index below `count`; now and then just outside, for an edit that must fail."""
    return st.sampled_from([*range(count)] * 4 + [-1, count])


def pattern_name(song: Song) -> st.SearchStrategy[str]:
    return st.sampled_from([*song.patterns] * 4 + ["nope"])


@st.composite
def selections(draw: st.DrawFn, song: Song) -> Selection:
    name = draw(pattern_name(song))
    lines = song.patterns[name].lines if name in song.patterns else 2
    tracks = [draw(up_to(len(song.tracks))) for _ in range(2)]
    columns = [column_count(song.tracks[t]) if 0 <= t < len(song.tracks) else 1 for t in tracks]
    return Selection(
        name,
        draw(up_to(lines)),
        draw(up_to(lines)),
        tracks[0],
        draw(up_to(columns[0])),
        tracks[1],
        draw(up_to(columns[1])),
    )


@st.composite
def commands(draw: st.DrawFn, song: Song) -> Command:
    name = draw(pattern_name(song))
    line = up_to(song.patterns[name].lines if name in song.patterns else 2)
    track_index = draw(up_to(len(song.tracks)))
    track = song.tracks[track_index] if 0 <= track_index < len(song.tracks) else Track("?")
    column = up_to(track.notes)
    small = up_to(len(song.tracks))
    kind = draw(st.integers(min_value=0, max_value=22))
    notes = st.integers(min_value=12, max_value=127) | st.just(5)
    if kind == 0:
        return SetCell(name, draw(line), track_index, draw(column), Cell(note=draw(notes)))
    if kind == 1:
        volume = draw(st.integers(0, 0x80))
        return SetCellField(name, draw(line), track_index, draw(column), "volume", volume)
    if kind == 2:
        value = draw(st.integers(0, 0x80))
        return SetCC(name, draw(line), track_index, draw(up_to(len(track.cc))), value)
    if kind == 3:
        return ClearSelection(draw(selections(song)))
    if kind == 4:
        return Transpose(draw(selections(song)), draw(st.integers(-30, 30)))
    if kind == 5:
        return Interpolate(draw(selections(song)))
    if kind == 6:
        try:
            clip = copy_selection(song, draw(selections(song)))
        except EditError:
            return RemovePattern("nope")
        spot = draw(line), track_index, draw(up_to(column_count(track)))
        return Paste(name, *spot, clip, mix=draw(st.booleans()))
    if kind == 7:
        return InsertLine(name, draw(line), draw(st.none() | small))
    if kind == 8:
        return DeleteLine(name, draw(line), draw(st.none() | small))
    if kind == 9:
        return ResizePattern(name, draw(st.integers(0, 6)))
    if kind == 10:
        return AddPattern(
            draw(st.none() | st.sampled_from(["00", "x", "y"])), lines=draw(st.integers(1, 4))
        )
    if kind == 11:
        return RemovePattern(name)
    if kind == 12:
        return RenamePattern(name, draw(st.sampled_from(["00", "01", "verse", "bad name"])))
    if kind == 13:
        return ClonePattern(name)
    if kind == 14:
        return AddTrack(
            index=draw(st.none() | small),
            track=draw(st.none() | st.just(Track("Pad", notes=2, cc=["1"]))),
        )
    if kind == 15:
        return RemoveTrack(draw(small))
    if kind == 16:
        return MoveTrack(draw(small), draw(small))
    if kind == 17:
        return SetTrackColumns(
            track_index, notes=draw(st.none() | up_to(4)), effects=draw(st.none() | up_to(4))
        )
    if kind == 18:
        cc = draw(st.sampled_from(["cutoff", "7", "74"]))
        return AddCCLane(track_index, cc, lane=draw(st.none() | up_to(len(track.cc) + 1)))
    if kind == 19:
        return RemoveCCLane(track_index, draw(up_to(len(track.cc))))
    if kind == 20:
        return InsertOrder(draw(up_to(len(song.order) + 1)), name)
    if kind == 21:
        return draw(st.sampled_from([DeleteOrder, DuplicateOrder]))(draw(up_to(len(song.order))))
    if draw(st.booleans()):
        return MoveOrder(draw(up_to(len(song.order))), draw(up_to(len(song.order))))
    return ChangeSettings(bpm=draw(st.none() | st.floats(0, 300)), lpb=draw(st.none() | up_to(8)))


def start() -> Song:
    return build_song(
        START,
        "A-4 01 .. ... --- .. .. ... .. | --- .. .. ...",
        tracks=[Track("Keys", notes=2, cc=["cutoff"]), Track("Bass")],
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_run_of_edits_undoes_back_to_the_start(data: st.DataObject) -> None:
    history = History(start())
    original = copy.deepcopy(history.song)
    applied = 0
    for _ in range(data.draw(st.integers(1, 12), label="steps")):
        before = copy.deepcopy(history.song)
        try:
            history.do(data.draw(commands(history.song)))
            applied += 1
        except EditError:
            assert history.song == before, "a refused edit changed the song"
    final = copy.deepcopy(history.song)
    for _ in range(applied):
        history.undo()
    assert history.song == original
    assert list(history.song.patterns) == list(original.patterns)
    assert not history.dirty
    while history.can_redo:
        history.redo()
    assert history.song == final
