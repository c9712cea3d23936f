"""An edited song handed to the player as what changed: only the patterns an edit
touched travel, and the player's copy, put back together from the song it last got,
is the editor's song again: through typed notes, new, cloned, renamed and removed
patterns, new tracks, undo and redo."""

from __future__ import annotations

import pickle
import random
from collections.abc import Callable
from dataclasses import fields

from tests.support.builders import build_song
from tracker.errors import EditError
from tracker.player.protocol import ChangeFinder, SongChanges, UpdateSong
from tracker.player.protocol.changes import picture
from tracker.song.edit.base import Command
from tracker.song.edit.cells import SetCell
from tracker.song.edit.history import History
from tracker.song.edit.patterns import AddPattern, ClonePattern, RemovePattern, RenamePattern
from tracker.song.edit.song import InsertOrder
from tracker.song.edit.tracks import AddTrack
from tracker.song.model import Cell, Pattern, PatternTrack, Song

GROOVE = "\n".join(["C-4 01 64 ... | --- .. .. ...", "--- .. .. ... | E-3 01 50 ..."] * 8)


def three_patterns() -> Song:
    song = build_song(GROOVE)
    history = History(song)
    for _ in range(2):
        history.do(ClonePattern(song.order[0]))
    return song


def over_the_wire(command: UpdateSong | SongChanges, last: Song | None) -> Song | None:
    """What the player makes of a command, pickled as the pipe pickles it."""
    arrived: UpdateSong | SongChanges = pickle.loads(pickle.dumps(command))
    if isinstance(arrived, UpdateSong):
        return arrived.song
    return arrived.applied_to(last)


def test_a_typed_note_sends_its_pattern_alone_and_the_player_has_the_edited_song() -> None:
    song = three_patterns()
    finder = ChangeFinder()
    finder.sent_whole(song)
    player_song = pickle.loads(pickle.dumps(song))
    History(song).do(SetCell(song.order[0], 3, 1, 0, Cell(note=67, instrument=1)))

    changes = finder.update(song)

    assert isinstance(changes, SongChanges)
    assert list(changes.changed) == [song.order[0]]
    assert changes.outline.patterns == {}
    assert over_the_wire(changes, player_song) == song


def test_the_picture_of_a_pattern_holds_every_field_there_is() -> None:
    # A field added to a pattern or its tracks must join the picture (changes.py),
    # or an edit of it alone would never reach the player.
    assert {f.name for f in fields(Pattern)} == {"lines", "tracks", "key", "scale"}
    assert {f.name for f in fields(PatternTrack)} == {"columns", "cc", "loop"}
    pattern = three_patterns().patterns["00"]
    before = picture(pattern)
    changes: list[Callable[[], object]] = [
        lambda: setattr(pattern, "key", "D"),
        lambda: setattr(pattern, "scale", "minor"),
        lambda: setattr(pattern.tracks[1], "loop", 4),
        lambda: pattern.tracks[0].columns[0].__setitem__(5, Cell(note=50, instrument=1)),
        lambda: setattr(pattern, "lines", 8),
    ]
    for change in changes:
        change()
        assert picture(pattern) != before
        before = picture(pattern)


def test_a_cc_value_written_in_place_is_a_change() -> None:
    song = build_song(GROOVE)
    song.tracks[0].cc.append("74")
    for pattern in song.patterns.values():
        pattern.tracks[0].cc.append([None] * pattern.lines)
    finder = ChangeFinder()
    finder.sent_whole(song)
    song.patterns["00"].tracks[0].cc[0][3] = 99  # as SetCC writes it: into the lane
    changes = finder.update(song)
    assert isinstance(changes, SongChanges) and list(changes.changed) == ["00"]


def test_nothing_changed_sends_no_pattern() -> None:
    song = three_patterns()
    finder = ChangeFinder()
    finder.sent_whole(song)
    changes = finder.update(song)
    assert isinstance(changes, SongChanges) and changes.changed == {}


def test_the_first_hand_over_and_one_after_forgetting_send_the_whole_song() -> None:
    song = three_patterns()
    finder = ChangeFinder()
    assert finder.update(song) == UpdateSong(song)
    finder.forget()  # a new player process
    assert finder.update(song) == UpdateSong(song)
    assert isinstance(finder.update(song), SongChanges)


def test_changes_that_do_not_fit_the_players_song_are_not_applied() -> None:
    song = three_patterns()
    finder = ChangeFinder()
    finder.sent_whole(song)
    History(song).do(SetCell(song.order[0], 0, 0, 0, Cell(note=72, instrument=1)))
    changes = finder.update(song)
    assert isinstance(changes, SongChanges)
    assert changes.applied_to(None) is None  # the player has no song
    assert changes.applied_to(build_song(GROOVE)) is None  # it lacks the clones


def test_every_edit_of_a_long_session_reaches_the_player_whole() -> None:
    rng = random.Random(7)
    song = three_patterns()
    history = History(song)
    finder = ChangeFinder()
    player_song: Song | None = None
    sent_patterns = whole_song_patterns = 0
    for step in range(120):
        roll = rng.random()
        names = list(song.patterns)
        edit: Command
        if roll < 0.6:
            edit = SetCell(rng.choice(names), rng.randrange(16), rng.randrange(2), 0,
                           Cell(note=rng.randrange(36, 84), instrument=1))  # fmt: skip
        elif roll < 0.68:
            edit = ClonePattern(rng.choice(names))
        elif roll < 0.74:
            edit = AddPattern(lines=8)
        elif roll < 0.8 and len(names) > 1 and not song.order.count(names[-1]):
            edit = RemovePattern(names[-1])
        elif roll < 0.84:
            edit = RenamePattern(names[0], f"r{step}")
        elif roll < 0.88:
            edit = InsertOrder(len(song.order), rng.choice(names))
        elif roll < 0.9 and len(song.tracks) < 6:
            edit = AddTrack()
        else:
            edit = SetCell(names[0], 0, 0, 0, Cell(note=60, instrument=1))
        try:
            history.do(edit)
        except EditError:  # an edit the song refuses changes nothing; try another
            continue
        if rng.random() < 0.15:
            history.undo()
        if rng.random() < 0.1:
            history.redo()
        command = finder.update(song)
        whole_song_patterns += len(song.patterns)
        if isinstance(command, SongChanges):
            sent_patterns += len(command.changed)
        player_song = over_the_wire(command, player_song)
        assert player_song == song, f"after step {step} ({edit.label})"
    assert sent_patterns * 4 < whole_song_patterns  # patterns travel as they change
