"""Track edits: add, remove, rename, move, note and effect columns, CC lanes."""

from __future__ import annotations

import re

import pytest

from tests.support.builders import build_song, pattern_rows
from tracker.errors import EditError
from tracker.song.edit import (
    AddCCLane,
    AddTrack,
    History,
    MoveTrack,
    RemoveCCLane,
    RemoveTrack,
    RenameCCLane,
    RenameTrack,
    SetTrackColumns,
    ToggleTrackFlag,
)
from tracker.song.model import Track

VERSE = """
C-4 01 .. ... | C-2 02 .. ... 10
E-4 01 .. ... | --- .. .. ... 20
"""
CHORUS = """
G-4 01 .. ... | G-2 02 .. ... 7F
"""


def band() -> History:
    return History(build_song(VERSE, CHORUS, tracks=[Track("Lead"), Track("Bass", cc=["cutoff"])]))


def test_a_new_track_gets_an_empty_part_in_every_pattern() -> None:
    history = band()
    history.do(AddTrack(index=1))
    assert [t.name for t in history.song.tracks] == ["Lead", "Track 3", "Bass"]
    assert pattern_rows(history.song, "00") == [
        "C-4 01 .. ... | --- .. .. ... | C-2 02 .. ... 10",
        "E-4 01 .. ... | --- .. .. ... | --- .. .. ... 20",
    ]
    assert pattern_rows(history.song, "01") == ["G-4 01 .. ... | --- .. .. ... | G-2 02 .. ... 7F"]


def test_a_track_can_be_added_with_its_own_layout() -> None:
    history = band()
    history.do(AddTrack(track=Track("Pads", notes=2, effects=0)))
    assert pattern_rows(history.song, "01") == [
        "G-4 01 .. ... | G-2 02 .. ... 7F | --- .. .. --- .. .."
    ]
    assert history.undo_label == 'Add track "Pads"'


def test_removing_a_track_takes_its_notes_and_undo_brings_them_back() -> None:
    history = band()
    history.do(RemoveTrack(0))
    assert pattern_rows(history.song, "00") == ["C-2 02 .. ... 10", "--- .. .. ... 20"]
    history.undo()
    assert pattern_rows(history.song, "00") == pattern_rows(band().song, "00")


def test_the_last_track_cannot_be_removed() -> None:
    history = History(build_song("C-4 .. .. ..."))
    with pytest.raises(EditError, match='"T1" is the only track'):
        history.do(RemoveTrack(0))


def test_moving_a_track_moves_its_notes_in_every_pattern() -> None:
    history = band()
    history.do(MoveTrack(1, 0))
    assert [t.name for t in history.song.tracks] == ["Bass", "Lead"]
    assert pattern_rows(history.song, "01") == ["G-2 02 .. ... 7F | G-4 01 .. ..."]


def test_renaming_a_track_keeps_its_notes() -> None:
    history = band()
    history.do(RenameTrack(1, "Sub bass"))
    assert history.song.tracks[1].name == "Sub bass"
    assert pattern_rows(history.song, "00") == pattern_rows(band().song, "00")
    with pytest.raises(EditError, match="a track needs a name"):
        history.do(RenameTrack(1, "  "))


def test_a_second_note_column_appears_empty_and_shrinking_drops_it() -> None:
    history = band()
    history.do(SetTrackColumns(0, notes=2, effects=2))
    assert (
        pattern_rows(history.song, "00")[0]
        == "C-4 01 .. ... ... --- .. .. ... ... | C-2 02 .. ... 10"
    )
    assert history.undo_label == "2 note columns, 2 effect columns"
    history.do(SetTrackColumns(0, notes=1, effects=0))
    assert pattern_rows(history.song, "00")[0] == "C-4 01 .. | C-2 02 .. ... 10"


def test_dropped_effects_come_back_on_undo() -> None:
    history = History(build_song("C-4 01 .. A37 V44", tracks=[Track("Lead", effects=2)]))
    history.do(SetTrackColumns(0, effects=1))
    assert pattern_rows(history.song) == ["C-4 01 .. A37"]
    history.undo()
    assert pattern_rows(history.song) == ["C-4 01 .. A37 V44"]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (SetTrackColumns(0, notes=0), 'note columns of track "Lead" must be 1-12, not 0'),
        (SetTrackColumns(0, effects=5), 'effect columns of track "Lead" must be 0-4, not 5'),
        (AddCCLane(1, "cutoff"), 'track "Bass" already has a CC lane "cutoff"'),
        (AddCCLane(1, "200"), '"200" cannot name a CC lane: use a controller number 0 to 127'),
        (AddCCLane(1, "cut/off"), '"cut/off" cannot name a CC lane'),
        (RemoveCCLane(0, 0), 'track "Lead" has no CC lane 1 (it has 0)'),
        (MoveTrack(0, 2), "there is no track 3 (the song has 2)"),
    ],
)
def test_impossible_track_edits_are_refused(command: SetTrackColumns, message: str) -> None:
    history = band()
    with pytest.raises(EditError, match=re.escape(message)):
        history.do(command)


def test_cc_lanes_are_added_renamed_and_removed_with_their_values() -> None:
    history = band()
    history.do(AddCCLane(1, "74", lane=0))
    assert history.song.tracks[1].cc == ["74", "cutoff"]
    assert pattern_rows(history.song, "00")[0] == "C-4 01 .. ... | C-2 02 .. ... .. 10"
    history.do(RenameCCLane(1, 1, "resonance"))
    assert history.song.tracks[1].cc == ["74", "resonance"]
    assert pattern_rows(history.song, "01") == ["G-4 01 .. ... | G-2 02 .. ... .. 7F"]
    history.do(RemoveCCLane(1, 1))
    assert pattern_rows(history.song, "00") == [
        "C-4 01 .. ... | C-2 02 .. ... ..",
        "E-4 01 .. ... | --- .. .. ... ..",
    ]


def test_mute_and_solo_toggle_on_and_off_and_leave_the_notes_alone() -> None:
    history = band()
    history.do(ToggleTrackFlag(1, "mute"))
    assert [(t.mute, t.solo) for t in history.song.tracks] == [(False, False), (True, False)]
    assert history.undo_label == "Mute on/off, track 2"
    history.do(ToggleTrackFlag(0, "solo"))
    history.do(ToggleTrackFlag(1, "mute"))  # the second press lifts the mute
    assert [(t.mute, t.solo) for t in history.song.tracks] == [(False, True), (False, False)]
    assert pattern_rows(history.song, "00") == pattern_rows(band().song, "00")
    history.undo()
    history.undo()
    assert [(t.mute, t.solo) for t in history.song.tracks] == [(False, False), (True, False)]


def test_only_mute_and_solo_are_track_flags() -> None:
    history = band()
    with pytest.raises(EditError, match="there is no track 3"):
        history.do(ToggleTrackFlag(2, "mute"))
    with pytest.raises(EditError, match='not "arm"'):
        history.do(ToggleTrackFlag(0, "arm"))  # type: ignore[arg-type]


def test_a_track_whose_file_name_holds_a_control_character_still_takes_other_edits() -> None:
    """The file format keeps any text as a track's name (escaped in the file), while
    a typed name must be printable: a song from elsewhere with an ESC in a name
    still gets its columns and lanes changed, and a rename to such a name is refused."""
    history = History(
        build_song(VERSE, tracks=[Track("Lead\x1b[2J"), Track("Bass", cc=["cutoff"])])
    )
    history.do(SetTrackColumns(0, notes=2, effects=1))
    history.do(AddCCLane(0, "cutoff"))
    assert history.song.tracks[0].notes == 2 and history.song.tracks[0].cc == ["cutoff"]
    with pytest.raises(EditError, match="cannot be shown"):
        history.do(RenameTrack(1, "Bass\x07"))
