"""One set of limits: whatever the edit commands accept, the file format keeps.

The settings dialog once took 64 lines per beat while the file format refused
over 32, so such a song could never be saved. Here every edit the dialogs can
make is driven at and around its limits; an edit is either refused (EditError)
or leaves a song that saves and loads back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.builders import build_song
from tracker.errors import EditError
from tracker.song import limits
from tracker.song.edit import (
    AddCCLane,
    AddInstrument,
    AddPattern,
    AddTrack,
    ChangeSettings,
    Command,
    EditInstrument,
    RemoveCCLane,
    RenameCCLane,
    RenameTrack,
    ResizePattern,
    SetTrackColumns,
)
from tracker.song.fileformat import dumps, loads
from tracker.song.model import Instrument, Song, Track


def around(limit: tuple[int, int]) -> st.SearchStrategy[int]:
    """The limits themselves, one step past each, and anything between."""
    low, high = limit
    return st.sampled_from([low - 1, low, high, high + 1]) | st.integers(low, high)


def around_float(limit: tuple[int, int]) -> st.SearchStrategy[float]:
    low, high = limit
    edges = [low - 0.5, float(low), float(high), high + 0.5, float("nan"), float("inf")]
    return st.sampled_from(edges) | st.floats(low, high)


names = st.text(max_size=12)
lane_names = st.sampled_from(
    ["0", "074", "127", "128", "cutoff", "Amp Attack", "mod-wheel", "cut/off", " 7", "x" * 33]
) | st.from_regex(r"[A-Za-z0-9 _/-]{1,12}", fullmatch=True)
tracks = st.builds(
    Track,
    name=names,
    notes=around(limits.NOTE_COLUMNS_RANGE),
    effects=around(limits.EFFECT_COLUMNS_RANGE),
    cc=st.lists(lane_names, max_size=limits.MAX_CC_LANES + 1),
)
instruments = st.builds(
    Instrument,
    name=names,
    program=around(limits.PROGRAM_RANGE),
    bank=around(limits.SOUNDFONT_BANK_RANGE) | around(limits.BANK_RANGE),
    device=st.none() | st.just("generic"),
    channel=st.none() | around(limits.CHANNEL_RANGE),
    volume=around(limits.VOLUME_RANGE),
)
track_index = st.integers(0, 2)
edits: st.SearchStrategy[Command] = st.one_of(
    st.builds(
        ChangeSettings,
        title=st.none() | names,
        bpm=st.none() | around_float(limits.BPM_RANGE),
        lpb=st.none() | around(limits.LPB_RANGE),
        tpl=st.none() | around(limits.TPL_RANGE),
        swing=st.none() | around_float(limits.SWING_RANGE),
    ),
    st.builds(AddTrack, index=st.none(), track=tracks),
    st.builds(RenameTrack, track_index, names),
    st.builds(
        SetTrackColumns,
        track_index,
        st.none() | around(limits.NOTE_COLUMNS_RANGE),
        st.none() | around(limits.EFFECT_COLUMNS_RANGE),
    ),
    st.builds(AddCCLane, track_index, lane_names),
    st.builds(RenameCCLane, track_index, st.integers(0, 2), lane_names),
    st.builds(RemoveCCLane, track_index, st.integers(0, 2)),
    st.builds(AddInstrument, instruments, st.none() | around(limits.INSTRUMENT_NUMBER_RANGE)),
    st.builds(EditInstrument, st.just(1), instruments),
    st.builds(ResizePattern, st.just("00"), around(limits.LINES_RANGE)),
    st.builds(
        AddPattern, st.from_regex(r"[a-z0-9]{1,3}", fullmatch=True), around(limits.LINES_RANGE)
    ),
)
# RemoveInstrument is left out on purpose: it keeps the cells that name the removed
# instrument (re-adding it brings them back), and the file format refuses such cells.


def saved_and_loaded(song: Song) -> Song:
    return loads(dumps(song), "limits.toml")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edits, min_size=1, max_size=8))
def test_every_song_the_edit_commands_make_saves_and_loads_unchanged(
    commands: list[Command],
) -> None:
    song = build_song("C-4 01 40 ...\n--- .. .. ...")
    for command in commands:
        try:
            command.apply(song)
        except EditError:
            continue
        assert saved_and_loaded(song) == song, command


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (ChangeSettings(lpb=64), "lines per beat must be 1-32, not 64"),
        (ChangeSettings(tpl=33), "ticks per line must be 1-32, not 33"),
        (ChangeSettings(bpm=1000), "the tempo must be 4-999 bpm, not 1000"),
        (ChangeSettings(bpm=float("nan")), "the tempo must be 4-999 bpm, not nan"),
        (
            EditInstrument(1, Instrument("Piano", bank=12810)),
            'the bank of "Piano" (a soundfont) must be 0-128, not 12810',
        ),
        (AddCCLane(0, "cut/off"), '"cut/off" cannot name a CC lane'),
    ],
)
def test_values_past_the_limits_are_refused_by_the_edit(command: Command, message: str) -> None:
    song = build_song("C-4 01 40 ...")
    with pytest.raises(EditError, match=re.escape(message)):
        command.apply(song)


def test_a_device_takes_any_midi_bank_a_soundfont_only_its_own() -> None:
    song = build_song("C-4 01 40 ...")
    EditInstrument(1, Instrument("Synth", device="generic", bank=12810)).apply(song)
    assert saved_and_loaded(song).instruments[1].bank == 12810
    with pytest.raises(EditError, match="0-128"):
        EditInstrument(1, replace(song.instruments[1], device=None, soundfont="default")).apply(
            song
        )


def test_a_typed_controller_number_is_kept_the_way_the_file_writes_it() -> None:
    song = build_song("C-4 01 40 ...")
    AddCCLane(0, "074").apply(song)
    assert song.tracks[0].cc == ["74"]
    assert saved_and_loaded(song) == song
