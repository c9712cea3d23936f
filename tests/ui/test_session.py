"""A song put in place in the editor (the first, one opened or recovered, one reloaded from
disk) leaves the garbage collector's walks: a full collection on a big song walked every
part of it, tens of milliseconds held from a key. The song it replaced is still freed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from tests.support.builders import build_song
from tracker.song.model import Song, Track
from tracker.ui.session import Session

ROW = "C-4 01 40 ... | --- .. .. A37 | E-4 02 7F Q03 | OFF .. .. ..."
REST = "--- .. .. ... | --- .. .. ... | --- .. .. ... | --- .. .. ..."


@pytest.fixture(autouse=True)
def nothing_frozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


def a_song(title: str) -> Song:
    """Eight 64-line patterns of four tracks."""
    pattern = "\n".join(ROW if line % 4 == 0 else REST for line in range(64))
    song = build_song(*[pattern] * 8, tracks=[Track(name=f"T{t}") for t in range(4)])
    song.title = title
    return song


def song_parts(song: Song) -> list[object]:
    """The objects of a song the collector tracks: its patterns' parts and their columns."""
    parts: list[object] = []
    for pattern in song.patterns.values():
        parts += pattern.tracks
        for part in pattern.tracks:
            parts += part.columns
    return parts


def walked() -> set[int]:
    """What the next full collection walks."""
    return {id(thing) for thing in gc.get_objects()}


def test_the_song_an_editor_opens_with_is_walked_no_more() -> None:
    session = Session(a_song("Verse"))
    parts = song_parts(session.song)
    assert len(parts) == 8 * 4 * 2
    assert walked().isdisjoint(map(id, parts))
    assert gc.get_freeze_count() > len(parts)


def test_a_song_opened_in_its_place_is_walked_no_more_and_the_old_one_is_freed() -> None:
    session = Session(a_song("Verse"))
    old = weakref.ref(session.song)
    session.replace_song(a_song("Chorus"), None)
    assert old() is None
    assert walked().isdisjoint(map(id, song_parts(session.song)))


def test_a_song_reloaded_from_disk_is_walked_no_more_and_undo_brings_the_edits_back() -> None:
    session = Session(a_song("Verse"))
    session.reload(a_song("Verse, as on disk"))
    assert walked().isdisjoint(map(id, song_parts(session.song)))
    session.undo()
    assert session.song.title == "Verse"
