"""The garbage collector kept off the keys' path: what is live when a song is put in place
is frozen out of every later collection's walk, what became garbage since the last time
is freed then, and the collector stays off while a song's bytes are made in this
process, until the last such writer ends."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from tracker.ui.collector import collector_off, settle


@pytest.fixture(autouse=True)
def nothing_frozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()


class Voice:
    """A note that knows its chord and a chord that knows its notes: a reference cycle,
    which only the collector frees."""

    def __init__(self) -> None:
        self.chord = [self]


def walked() -> set[int]:
    """What the next full collection walks."""
    return {id(thing) for thing in gc.get_objects()}


def test_what_is_live_when_a_song_is_put_in_place_is_walked_no_more() -> None:
    columns = [[f"C-{octave}"] for octave in range(8)]
    settle()
    assert walked().isdisjoint(map(id, columns))
    assert gc.get_freeze_count() >= len(columns)


def test_a_cycle_frozen_with_one_song_is_freed_when_the_next_is_put_in_place() -> None:
    voice = Voice()
    settle()
    gone = weakref.ref(voice)
    del voice  # garbage now, but frozen: no collection sees it
    was_on = gc.isenabled()
    gc.disable()  # only settle may free it
    try:
        assert gone() is not None
        settle()
        assert gone() is None
    finally:
        if was_on:
            gc.enable()


def test_the_collector_is_off_until_the_last_writer_ends() -> None:
    assert gc.isenabled()
    with collector_off():
        assert not gc.isenabled()
        with collector_off():  # a save while an autosave is written
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_writer_that_fails_still_gives_the_collector_back() -> None:
    with pytest.raises(OSError), collector_off():
        raise OSError("disk full")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_off():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
