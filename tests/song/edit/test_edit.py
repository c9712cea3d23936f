"""The History (undo, redo, depth, dirty) and the promise behind it: undo restores a song exactly.

Every command the UI can run is in UNDOABLE below; a test fails when a command
is exported without a case there.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from dataclasses import replace

import pytest

from tests.support.builders import build_song, pattern_rows
from tracker.errors import EditError
from tracker.song import edit
from tracker.song.edit import (
    AddCCLane,
    AddInstrument,
    AddPattern,
    AddTrack,
    Batch,
    ChangeSettings,
    ClearSelection,
    ClonePattern,
    Command,
    Cut,
    DeleteLine,
    DeleteOrder,
    DuplicateOrder,
    EditInstrument,
    History,
    InsertLine,
    InsertOrder,
    Interpolate,
    MoveOrder,
    MoveTrack,
    Paste,
    RemoveCCLane,
    RemoveInstrument,
    RemovePattern,
    RemoveTrack,
    RenameCCLane,
    RenamePattern,
    RenameTrack,
    ResizePattern,
    Selection,
    SetCC,
    SetCell,
    SetCellField,
    SetEffect,
    SetMaster,
    SetOrder,
    SetSongSoundfont,
    SetTrackColumns,
    SetTrackInstrument,
    SetTrackMixer,
    ToggleTrackFlag,
    Transpose,
    copy_selection,
)
from tracker.song.model import Cell, Effect, Instrument, MasterSettings, Song, Track

VERSE = """
C-4 01 40 A37 ... E-4 01 .. ... ... 10 | C-2 02 7F ...
--- .. .. ... ... --- .. .. ... ... .. | --- .. .. ...
OFF .. .. ... V44 G-4 01 60 ... ... 7F | G-2 02 .. Q03
--- .. .. ... ... ^^^ .. .. ... ... .. | OFF .. .. ...
"""
CHORUS = """
A-4 01 20 ... ... --- .. .. ... ... 40 | A-1 02 .. ...
B-4 .. .. ... ... --- .. .. ... ... .. | --- .. .. ...
"""


def demo() -> Song:
    """Keys (two note columns, two effect columns, a cutoff lane) and a bass; two patterns."""
    return build_song(
        VERSE,
        CHORUS,
        tracks=[Track("Keys", notes=2, effects=2, cc=["cutoff"]), Track("Bass")],
        order=["00", "01", "00"],
        instruments={1: Instrument("Piano"), 2: Instrument("Bass", program=33)},
    )


def _paste(song: Song) -> Command:
    clip = copy_selection(song, Selection("00", 0, 2, 0, 1, 1, 0))
    return Paste("00", 1, 0, 0, clip)


UNDOABLE: dict[str, Callable[[Song], Command]] = {
    "SetCell": lambda s: SetCell(
        "00", 1, 0, 1, Cell(note=62, instrument=1, effects=(Effect("A", 1),))
    ),
    "SetCellField": lambda s: SetCellField("00", 0, 0, 0, "note", 61),
    "SetEffect": lambda s: SetEffect("00", 0, 0, 0, 1, Effect("V", 0x22)),
    "SetCC": lambda s: SetCC("00", 1, 0, 0, 0x33),
    "ClearSelection": lambda s: ClearSelection(Selection.whole_pattern(s, "00")),
    "Cut": lambda s: Cut(Selection("00", 1, 3, 0, 1, 1, 0)),
    "Paste": _paste,
    "Transpose": lambda s: Transpose(Selection.whole_pattern(s, "00"), -5),
    "Interpolate": lambda s: Interpolate(Selection("00", 0, 2, 0, 1, 0, 2)),
    "InsertLine": lambda s: InsertLine("00", 1),
    "DeleteLine": lambda s: DeleteLine("00", 0, track=0),
    "ResizePattern": lambda s: ResizePattern("00", 2),
    "AddPattern": lambda s: AddPattern("bridge", lines=8),
    "RemovePattern": lambda s: RemovePattern("00"),
    "RenamePattern": lambda s: RenamePattern("00", "verse"),
    "ClonePattern": lambda s: ClonePattern("00"),
    "AddTrack": lambda s: AddTrack(index=0, track=Track("Drums", cc=["7"])),
    "RemoveTrack": lambda s: RemoveTrack(0),
    "RenameTrack": lambda s: RenameTrack(1, "Sub"),
    "MoveTrack": lambda s: MoveTrack(0, 1),
    "SetTrackColumns": lambda s: SetTrackColumns(0, notes=1, effects=1),
    "ToggleTrackFlag": lambda s: ToggleTrackFlag(1, "solo"),
    "SetTrackInstrument": lambda s: SetTrackInstrument(1, 2),
    "AddCCLane": lambda s: AddCCLane(0, "resonance", lane=0),
    "RemoveCCLane": lambda s: RemoveCCLane(0, 0),
    "RenameCCLane": lambda s: RenameCCLane(0, 0, "74"),
    "InsertOrder": lambda s: InsertOrder(1, "01"),
    "DeleteOrder": lambda s: DeleteOrder(0),
    "DuplicateOrder": lambda s: DuplicateOrder(1),
    "MoveOrder": lambda s: MoveOrder(2, 0),
    "SetOrder": lambda s: SetOrder(0, "01"),
    "AddInstrument": lambda s: AddInstrument(Instrument("Strings", program=48), number=9),
    "RemoveInstrument": lambda s: RemoveInstrument(1),
    "EditInstrument": lambda s: EditInstrument(2, replace(s.instruments[2], channel=3)),
    "ChangeSettings": lambda s: ChangeSettings(title="Other", bpm=90.5, lpb=3, tpl=4, swing=0.5),
    "SetSongSoundfont": lambda s: SetSongSoundfont("my.sf2"),
    "SetTrackMixer": lambda s: SetTrackMixer(1, "volume_db", -6.5),
    "SetMaster": lambda s: SetMaster(MasterSettings(gain_db=-2.0, loudness=-14.0)),
    "Batch": lambda s: Batch([AddPattern("x"), InsertOrder(0, "x")], "New pattern in order"),
}


def exactly(song: Song) -> tuple[Song, list[str], list[int], list[str]]:
    """The song, deep-copied, with the orders that == on dicts does not see."""
    return (
        copy.deepcopy(song),
        list(song.patterns),
        list(song.instruments),
        [t.name for t in song.tracks],
    )


def test_every_exported_command_has_an_undo_case() -> None:
    exported = [getattr(edit, name) for name in edit.__all__]
    commands = {
        thing.__name__
        for thing in exported
        if inspect.isclass(thing)
        and thing is not Command
        and hasattr(thing, "revert")
        and not inspect.isabstract(thing)
    }
    assert commands == set(UNDOABLE)


@pytest.mark.parametrize("name", sorted(UNDOABLE))
def test_undo_restores_the_song_exactly_and_redo_repeats_the_edit(name: str) -> None:
    history = History(demo())
    before = exactly(history.song)
    command = UNDOABLE[name](history.song)
    history.do(command)
    after = exactly(history.song)
    assert after != before, f"{name} changed nothing, so this case proves nothing"
    assert history.undo() == command.label
    assert exactly(history.song) == before
    assert history.redo() == command.label
    assert exactly(history.song) == after
    history.undo()
    assert exactly(history.song) == before


def test_undo_and_redo_walk_the_steps_with_their_labels() -> None:
    history = History(build_song("C-4 .. .. ..."))
    assert (history.can_undo, history.can_redo, history.undo_label) == (False, False, None)
    history.do(Transpose(Selection.whole_pattern(history.song, "00"), 1))
    history.do(Transpose(Selection.whole_pattern(history.song, "00"), 12))
    assert pattern_rows(history.song) == ["C#5 .. .. ..."]
    assert history.undo_label == "Transpose +1 octave"
    assert history.undo() == "Transpose +1 octave"
    assert (history.undo_label, history.redo_label) == ("Transpose +1", "Transpose +1 octave")
    assert history.undo() == "Transpose +1"
    assert history.undo() is None
    assert pattern_rows(history.song) == ["C-4 .. .. ..."]
    assert history.redo() == "Transpose +1"
    assert pattern_rows(history.song) == ["C#4 .. .. ..."]


def test_a_new_edit_clears_redo() -> None:
    history = History(build_song("C-4 .. .. ..."))
    history.do(SetCellField("00", 0, 0, 0, "volume", 0x40))
    history.undo()
    history.do(SetCellField("00", 0, 0, 0, "volume", 0x20))
    assert not history.can_redo
    assert history.redo() is None
    assert pattern_rows(history.song) == ["C-4 .. 20 ..."]


def test_a_refused_edit_leaves_history_and_redo_alone() -> None:
    history = History(build_song("C-4 .. .. ..."))
    history.do(SetCellField("00", 0, 0, 0, "volume", 0x40))
    history.undo()
    revision = history.revision
    with pytest.raises(EditError):
        history.do(RemoveTrack(0))
    assert (history.can_undo, history.redo_label, history.revision) == (
        False,
        "Volume 40",
        revision,
    )


def test_the_history_keeps_only_its_depth() -> None:
    history = History(build_song("C-4 .. .. ..."), depth=3)
    for volume in range(1, 6):
        history.do(SetCellField("00", 0, 0, 0, "volume", volume))
    while history.can_undo:
        history.undo()
    # Five edits, three undone: the second edit's volume remains.
    assert pattern_rows(history.song) == ["C-4 .. 02 ..."]


def test_dirty_follows_the_saved_point() -> None:
    history = History(build_song("C-4 .. .. ..."))
    assert not history.dirty
    history.do(SetCellField("00", 0, 0, 0, "volume", 0x10))
    assert history.dirty
    history.undo()
    assert not history.dirty, "undoing back to the loaded song makes it clean"
    history.redo()
    history.mark_saved()
    assert not history.dirty
    history.undo()
    assert history.dirty
    history.redo()
    assert not history.dirty
    history.undo()
    history.do(SetCellField("00", 0, 0, 0, "volume", 0x20))
    history.undo()
    assert history.dirty, "the saved state went with the redo list"


def test_a_saved_point_pushed_out_of_the_history_stays_dirty() -> None:
    history = History(build_song("C-4 .. .. ..."), depth=2)
    history.mark_saved()
    for volume in (1, 2, 3):
        history.do(SetCellField("00", 0, 0, 0, "volume", volume))
    while history.can_undo:
        history.undo()
    assert history.dirty


def test_a_batch_is_one_step_and_all_or_nothing() -> None:
    history = History(demo())
    before = exactly(history.song)
    failing = Batch([AddPattern("x"), InsertOrder(0, "x"), InsertOrder(99, "x")], "Broken")
    with pytest.raises(EditError, match="the order position must be 0-4, not 99"):
        history.do(failing)
    assert exactly(history.song) == before
    history.do(Batch([AddPattern("x"), InsertOrder(0, "x")], "New pattern in order"))
    assert history.song.order == ["x", "00", "01", "00"]
    assert history.undo() == "New pattern in order"
    assert exactly(history.song) == before


def test_every_change_moves_the_revision_on() -> None:
    history = History(build_song("C-4 .. .. ..."))
    history.do(SetCellField("00", 0, 0, 0, "volume", 1))
    history.undo()
    history.redo()
    assert history.revision == 3
