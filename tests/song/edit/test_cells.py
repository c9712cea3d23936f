"""Writing single cells, fields and CC values, and refusing what cannot be written."""

from __future__ import annotations

import re

import pytest

from tests.support.builders import build_song, pattern_rows
from tracker.errors import EditError
from tracker.song.edit import History, SetCC, SetCell, SetCellField, SetEffect
from tracker.song.model import NOTE_OFF, Cell, Effect, Track
from tracker.song.notation import parse_note


def two_tracks() -> History:
    return History(
        build_song(
            """
            C-4 01 64 ... | --- .. .. ... ..
            --- .. .. ... | --- .. .. ... ..
            """,
            tracks=[Track("Lead"), Track("Bass", cc=["cutoff"])],
        )
    )


def test_a_typed_note_with_instrument_lands_in_its_cell() -> None:
    history = two_tracks()
    history.do(SetCell("00", 1, 1, 0, Cell(note=parse_note("E-2"), instrument=2)))
    assert pattern_rows(history.song) == [
        "C-4 01 64 ... | --- .. .. ... ..",
        "--- .. .. ... | E-2 02 .. ... ..",
    ]
    assert history.undo_label == "Note E-2"


def test_setting_the_note_keeps_instrument_and_volume() -> None:
    history = two_tracks()
    history.do(SetCellField("00", 0, 0, 0, "note", parse_note("G-4")))
    history.do(SetCellField("00", 1, 0, 0, "note", NOTE_OFF))
    assert pattern_rows(history.song)[0] == "G-4 01 64 ... | --- .. .. ... .."
    assert pattern_rows(history.song)[1] == "OFF .. .. ... | --- .. .. ... .."


def test_volume_and_instrument_fields_change_alone() -> None:
    history = two_tracks()
    history.do(SetCellField("00", 0, 0, 0, "volume", 0x20))
    history.do(SetCellField("00", 0, 0, 0, "instrument", None))
    assert pattern_rows(history.song)[0] == "C-4 .. 20 ... | --- .. .. ... .."
    assert history.undo_label == "Instrument .."


def test_an_effect_and_a_cc_value_are_written_in_their_slots() -> None:
    history = two_tracks()
    history.do(SetEffect("00", 0, 0, 0, 0, Effect("A", 0x37)))
    history.do(SetCC("00", 1, 1, 0, 0x40))
    assert pattern_rows(history.song) == [
        "C-4 01 64 A37 | --- .. .. ... ..",
        "--- .. .. ... | --- .. .. ... 40",
    ]


def test_a_cell_with_fewer_effect_slots_than_the_track_is_padded() -> None:
    history = History(build_song("--- .. .. ... ...", tracks=[Track("FX", effects=2)]))
    history.do(SetCell("00", 0, 0, 0, Cell(note=60, effects=(Effect("V", 0x44),))))
    assert pattern_rows(history.song) == ["C-4 .. .. V44 ..."]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (SetCell("00", 2, 0, 0, Cell(note=60)), 'line 2 is outside pattern "00" (lines 0-1)'),
        (SetCell("07", 0, 0, 0, Cell(note=60)), 'there is no pattern "07"'),
        (SetCell("00", 0, 5, 0, Cell(note=60)), "there is no track 6 (the song has 2)"),
        (SetCell("00", 0, 1, 1, Cell(note=60)), 'column 2 of track "Bass" is a CC lane'),
        (SetCellField("00", 0, 0, 0, "volume", 0x80), "the volume must be 0-127, not 128"),
        (SetCellField("00", 0, 0, 0, "note", 5), "a note must be 12-127, not 5"),
        (SetEffect("00", 0, 0, 0, 1, Effect("A", 1)), 'track "Lead" has no effect column 2'),
        (SetEffect("00", 0, 0, 0, 0, Effect("Z", 1)), 'unknown effect "Z"'),
        (SetCC("00", 0, 0, 0, 0x10), 'track "Lead" has no CC lane 1 (it has 0)'),
        (SetCC("00", 0, 1, 0, 0x80), "a CC value must be 0-127, not 128"),
        (
            SetCell("00", 0, 0, 0, Cell(note=60, effects=(None, Effect("A", 1)))),
            'track "Lead" has 1 effect column, so it has no room for A01',
        ),
    ],
)
def test_impossible_cell_edits_are_refused_and_change_nothing(
    command: SetCell, message: str
) -> None:
    history = two_tracks()
    before = pattern_rows(history.song)
    with pytest.raises(EditError, match=re.escape(message)):
        history.do(command)
    assert pattern_rows(history.song) == before
    assert not history.can_undo
