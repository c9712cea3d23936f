"""Pattern, order list, instrument and song setting edits."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from tests.support.builders import build_song, pattern_rows
from tracker.errors import EditError
from tracker.song.edit import (
    AddInstrument,
    AddPattern,
    ChangeSettings,
    ClonePattern,
    DeleteOrder,
    DuplicateOrder,
    EditInstrument,
    History,
    InsertOrder,
    MoveOrder,
    RemoveInstrument,
    RemovePattern,
    RenamePattern,
    ResizePattern,
    SetOrder,
    SetSongSoundfont,
)
from tracker.song.model import Instrument

INTRO = "C-4 01 .. ...\nE-4 01 .. ...\nG-4 01 .. ...\nOFF .. .. ..."
VERSE = "C-3 01 .. ..."


def song() -> History:
    """Intro (00) then the verse (01) twice."""
    return History(build_song(INTRO, VERSE, order=["00", "01", "01"]))


def test_shrinking_a_pattern_drops_lines_and_undo_brings_them_back() -> None:
    history = song()
    history.do(ResizePattern("00", 2))
    assert pattern_rows(history.song, "00") == ["C-4 01 .. ...", "E-4 01 .. ..."]
    history.undo()
    assert pattern_rows(history.song, "00") == INTRO.splitlines()


def test_growing_a_pattern_adds_empty_lines() -> None:
    history = song()
    history.do(ResizePattern("01", 3))
    assert pattern_rows(history.song, "01") == ["C-3 01 .. ...", "--- .. .. ...", "--- .. .. ..."]
    with pytest.raises(EditError, match="a pattern's length in lines must be 1-512, not 0"):
        history.do(ResizePattern("01", 0))


def test_a_new_pattern_takes_the_next_free_name() -> None:
    history = song()
    history.do(AddPattern(lines=16))
    assert list(history.song.patterns) == ["00", "01", "02"]
    assert history.song.patterns["02"].lines == 16
    assert history.song.order == ["00", "01", "01"]


def test_renaming_a_pattern_renames_its_order_entries_in_place() -> None:
    history = song()
    history.do(RenamePattern("00", "intro"))
    assert list(history.song.patterns) == ["intro", "01"]
    assert history.song.order == ["intro", "01", "01"]
    assert pattern_rows(history.song, "intro") == INTRO.splitlines()


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (RenamePattern("00", "01"), 'there is already a pattern "01"'),
        (RenamePattern("00", "my verse"), '"my verse" cannot name a pattern'),
        (AddPattern("00"), 'there is already a pattern "00"'),
        (RemovePattern("07"), 'there is no pattern "07"'),
        (ClonePattern("00", "01"), 'there is already a pattern "01"'),
    ],
)
def test_pattern_names_must_be_free_and_writable(command: RenamePattern, message: str) -> None:
    history = song()
    with pytest.raises(EditError, match=re.escape(message)):
        history.do(command)
    assert list(history.song.patterns) == ["00", "01"]


def test_a_clone_sits_after_its_source_and_edits_apart_from_it() -> None:
    history = song()
    history.do(ClonePattern("00", "intro2"))
    assert list(history.song.patterns) == ["00", "intro2", "01"]
    history.do(ResizePattern("intro2", 1))
    assert pattern_rows(history.song, "00") == INTRO.splitlines()
    assert pattern_rows(history.song, "intro2") == ["C-4 01 .. ..."]


def test_removing_a_pattern_takes_its_order_entries_with_it() -> None:
    history = song()
    history.do(RemovePattern("01"))
    assert list(history.song.patterns) == ["00"]
    assert history.song.order == ["00"]


def test_removing_what_the_whole_order_plays_is_refused() -> None:
    history = History(build_song(INTRO, VERSE, order=["00", "00"]))
    with pytest.raises(EditError, match='the order list plays only "00"'):
        history.do(RemovePattern("00"))
    one = History(build_song(INTRO))
    with pytest.raises(EditError, match='"00" is the only pattern'):
        one.do(RemovePattern("00"))


def test_the_order_list_is_edited_entry_by_entry() -> None:
    history = song()
    history.do(InsertOrder(0, "01"))
    assert history.song.order == ["01", "00", "01", "01"]
    history.do(DeleteOrder(2))
    assert history.song.order == ["01", "00", "01"]
    history.do(DuplicateOrder(1))
    assert history.song.order == ["01", "00", "00", "01"]
    history.do(MoveOrder(0, 3))
    assert history.song.order == ["00", "00", "01", "01"]
    history.do(SetOrder(1, "01"))
    assert history.song.order == ["00", "01", "01", "01"]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (InsertOrder(0, "chorus"), 'there is no pattern "chorus"'),
        (InsertOrder(4, "00"), "the order position must be 0-3, not 4"),
        (SetOrder(3, "00"), "there is no order entry 3 (the order list has entries 0-2)"),
        (MoveOrder(0, 5), "there is no order entry 5"),
    ],
)
def test_impossible_order_edits_are_refused(command: InsertOrder, message: str) -> None:
    history = song()
    with pytest.raises(EditError, match=re.escape(message)):
        history.do(command)
    assert history.song.order == ["00", "01", "01"]


def test_the_last_order_entry_stays() -> None:
    history = History(build_song(INTRO))
    with pytest.raises(EditError, match="the order list needs at least one entry"):
        history.do(DeleteOrder(0))


def test_instruments_are_added_edited_and_removed() -> None:
    history = song()
    bass = Instrument("Fingered bass", program=33)
    history.do(AddInstrument(bass))
    assert history.song.instruments[2] == bass
    history.do(EditInstrument(2, replace(bass, program=34, volume=90)))
    assert history.song.instruments[2].program == 34
    assert history.undo_label == "Edit instrument 02"
    history.do(RemoveInstrument(1))
    assert list(history.song.instruments) == [2]
    # Cells still name instrument 01: re-adding it makes them sound again.
    assert pattern_rows(history.song, "00")[0] == "C-4 01 .. ..."


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (AddInstrument(Instrument("Strings"), number=1), 'instrument 01 is already "Piano"'),
        (
            AddInstrument(Instrument("Drums", channel=17)),
            'the MIDI channel of "Drums" must be 1-16',
        ),
        (
            EditInstrument(1, Instrument("Piano", program=128)),
            'the program of "Piano" must be 0-127',
        ),
        (EditInstrument(9, Instrument("Piano")), "there is no instrument 09"),
        (RemoveInstrument(0x10), "there is no instrument 10"),
    ],
)
def test_impossible_instrument_edits_are_refused(command: AddInstrument, message: str) -> None:
    history = song()
    with pytest.raises(EditError, match=re.escape(message)):
        history.do(command)
    assert history.song.instruments == {1: Instrument("Piano")}


def test_song_settings_change_together_or_alone() -> None:
    history = song()
    history.do(ChangeSettings(bpm=140))
    assert history.song.bpm == 140.0
    assert history.undo_label == "Tempo 140.0"
    history.do(ChangeSettings(title="Night drive", lpb=8, tpl=12, swing=0.25))
    assert (history.song.title, history.song.lpb, history.song.tpl, history.song.swing) == (
        "Night drive",
        8,
        12,
        0.25,
    )
    assert history.undo_label == "Song settings"
    history.do(SetSongSoundfont("sf/strings.sf2"))
    assert history.song.soundfont == "sf/strings.sf2"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (ChangeSettings(bpm=3), "the tempo must be 4-999 bpm, not 3"),
        (ChangeSettings(lpb=0), "lines per beat must be 1-32, not 0"),
        (ChangeSettings(swing=1.5), "swing must be 0-1, not 1.5"),
        (ChangeSettings(title=""), "the song needs a title"),
    ],
)
def test_impossible_settings_are_refused_whole(command: ChangeSettings, message: str) -> None:
    history = song()
    with pytest.raises(EditError, match=re.escape(message)):
        history.do(replace(command, tpl=3))
    assert history.song.tpl == 6
