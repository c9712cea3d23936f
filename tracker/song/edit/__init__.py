"""Every change to a song as a command with do and undo, and the History that runs them.

The UI imports from here. Each command is a small dataclass of parameters with
`label`, `apply(song)` and `revert(song)`; it raises EditError before changing
anything when the edit is impossible. Run commands through `History.do`, never
by hand, so undo stays in step:

    history = History(song)
    history.do(SetCellField("verse", line=4, track=0, column=0, field="note", value=60))
    history.do(Transpose(Selection.whole_track(song, "verse", 0), +1))
    history.undo()

Commands replace lists and dicts rather than editing them in place, so after
any edit read the song afresh (`song.patterns[name]`, `song.tracks`) instead of
keeping references to its parts. A command object belongs to one History:
make a new one for each edit.

The pieces live in this package's modules: base mechanics, selection and clipboard,
cells, blocks, tracks, mixer, patterns, song (order, instruments, settings), history.
"""

from __future__ import annotations

from tracker.song.edit.base import Batch, Command, Edit, Swap
from tracker.song.edit.block import (
    ClearSelection,
    Cut,
    DeleteLine,
    InsertLine,
    Interpolate,
    Paste,
    Transpose,
)
from tracker.song.edit.cells import CellField, SetCC, SetCell, SetCellField, SetEffect
from tracker.song.edit.history import DEFAULT_DEPTH, History
from tracker.song.edit.mixer import SetMaster, SetTrackMixer
from tracker.song.edit.patterns import (
    AddPattern,
    ClonePattern,
    RemovePattern,
    RenamePattern,
    ResizePattern,
    free_pattern_name,
)
from tracker.song.edit.selection import (
    CCLaneClip,
    Clipboard,
    NoteColumnClip,
    Selection,
    column_count,
    copy_selection,
)
from tracker.song.edit.song import (
    AddInstrument,
    ChangeSettings,
    DeleteOrder,
    DuplicateOrder,
    EditInstrument,
    InsertOrder,
    MoveOrder,
    RemoveInstrument,
    SetOrder,
    SetSongSoundfont,
)
from tracker.song.edit.tracks import (
    AddCCLane,
    AddTrack,
    MoveTrack,
    RemoveCCLane,
    RemoveTrack,
    RenameCCLane,
    RenameTrack,
    SetTrackColumns,
    SetTrackInstrument,
    ToggleTrackFlag,
)

__all__ = [
    "DEFAULT_DEPTH",
    "AddCCLane",
    "AddInstrument",
    "AddPattern",
    "AddTrack",
    "Batch",
    "CCLaneClip",
    "CellField",
    "ChangeSettings",
    "ClearSelection",
    "Clipboard",
    "ClonePattern",
    "Command",
    "Cut",
    "DeleteLine",
    "DeleteOrder",
    "DuplicateOrder",
    "Edit",
    "EditInstrument",
    "History",
    "InsertLine",
    "InsertOrder",
    "Interpolate",
    "MoveOrder",
    "MoveTrack",
    "NoteColumnClip",
    "Paste",
    "RemoveCCLane",
    "RemoveInstrument",
    "RemovePattern",
    "RemoveTrack",
    "RenameCCLane",
    "RenamePattern",
    "RenameTrack",
    "ResizePattern",
    "Selection",
    "SetCC",
    "SetCell",
    "SetCellField",
    "SetEffect",
    "SetMaster",
    "SetOrder",
    "SetSongSoundfont",
    "SetTrackColumns",
    "SetTrackInstrument",
    "SetTrackMixer",
    "Swap",
    "ToggleTrackFlag",
    "Transpose",
    "column_count",
    "copy_selection",
    "free_pattern_name",
]
