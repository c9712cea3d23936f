"""Chance (Yxx) and conditions (Ixy): which passes a note plays on, seeded so the
same song always plays the same notes, and an edit elsewhere changes none of them."""

from __future__ import annotations

import copy

from tests.engine import note_ons
from tests.support.builders import build_song
from tracker.engine.events import Kind, Timeline
from tracker.engine.timeline import compile_song
from tracker.song.model import Cell, Effect, Humanise, Song

ONE_LINE = "C-4 01 .. {fx}"


def repeated(effect: str, passes: int, *, seed: int = 0) -> Song:
    """One pattern, one line, one note with `effect`, listed `passes` times in the order."""
    song = build_song(ONE_LINE.format(fx=effect), order=["00"] * passes)
    song.seed = seed
    return song


def passes_heard(timeline: Timeline, note: int = 60) -> list[int]:
    """The order entries (= passes, from 1, of a pattern listed again and again) whose
    line struck the note."""
    starts = {mark.tick: mark.order + 1 for mark in timeline.lines}
    return [starts[e.tick] for e in timeline.events if e.kind == Kind.NOTE_ON and e.a == note]


def test_y80_plays_about_half_of_256_passes() -> None:
    heard = passes_heard(compile_song(repeated("Y80", 256, seed=1234)))
    assert 128 - 24 <= len(heard) <= 128 + 24, len(heard)


def test_y00_never_plays_and_yff_always_does() -> None:
    assert passes_heard(compile_song(repeated("Y00", 64, seed=5))) == []
    assert passes_heard(compile_song(repeated("YFF", 64, seed=5))) == list(range(1, 65))


def test_every_seed_gives_its_own_draws_and_the_same_seed_the_same_ones() -> None:
    first = passes_heard(compile_song(repeated("Y80", 64, seed=7)))
    again = passes_heard(compile_song(repeated("Y80", 64, seed=7)))
    other = passes_heard(compile_song(repeated("Y80", 64, seed=8)))
    assert first == again
    assert first != other


def test_i14_plays_on_passes_1_5_9_and_so_on() -> None:
    assert passes_heard(compile_song(repeated("I14", 16))) == [1, 5, 9, 13]


def test_i34_plays_on_the_third_pass_of_every_four() -> None:
    assert passes_heard(compile_song(repeated("I34", 12))) == [3, 7, 11]


def test_i04_plays_on_every_pass_but_the_fourth() -> None:
    assert passes_heard(compile_song(repeated("I04", 9))) == [1, 2, 3, 5, 6, 7, 9]


def test_a_pattern_counts_its_own_passes_between_others() -> None:
    # Pattern 00 holds the I12 note, pattern 01 is silent: 00's passes are 1, 2, 3.
    song = build_song("C-4 01 .. I12", "--- .. .. ...", order=["00", "01", "00", "01", "00"])
    heard = [e.tick // song.tpl for e in compile_song(song).events if e.kind == Kind.NOTE_ON]
    assert heard == [0, 4]  # order entries 0 and 4: passes 1 and 3 of pattern 00


def test_a_note_that_does_not_play_lets_the_one_before_ring_on() -> None:
    song = build_song(
        """
        C-4 01 .. ...
        E-4 01 .. Y00
        --- .. .. ...
        OFF .. .. ...
        """
    )
    timeline = compile_song(song)
    assert [note for _, note in note_ons(timeline)] == [60]
    offs = [e for e in timeline.events if e.kind == Kind.NOTE_OFF]
    assert [(e.a, e.tick // song.tpl) for e in offs] == [(60, 3)]


def test_an_unrelated_edit_leaves_every_draw_as_it_was() -> None:
    song = build_song("\n".join(["C-4 01 .. Y80 | --- .. .. ..."] * 16), order=["00"] * 16)
    song.seed = 99
    before = [e for e in compile_song(song).events if e.track == 0]
    edited = copy.deepcopy(song)
    part = edited.patterns["00"].tracks[1].columns[0]
    part[3] = Cell(note=67, instrument=1, effects=(Effect("Y", 0x40),))
    part[9] = Cell(note=72, instrument=1, effects=(None,))
    after = [e for e in compile_song(edited).events if e.track == 0]
    assert before == after
    assert any(e.track == 1 for e in compile_song(edited).events)


def test_playing_from_a_cursor_hears_what_the_song_plays_there() -> None:
    song = build_song("C-4 01 .. Y80\nOFF .. .. ...", order=["00"] * 32)
    song.seed = 3
    whole = passes_heard(compile_song(song))
    from_entry_20 = compile_song(song, start_order=20)
    starts = {m.tick: m.order + 1 for m in from_entry_20.lines}
    heard = [starts[e.tick] for e in from_entry_20.events if e.kind == Kind.NOTE_ON]
    assert heard == [p for p in whole if p > 20]


def test_each_loop_of_a_range_plays_the_next_passes() -> None:
    # A looping player compiles its range again for each loop, `repeat` loops on.
    song = build_song("C-4 01 .. I13\nOFF .. .. ...", order=["00"])
    heard = [
        bool(note_ons(compile_song(song, start_order=0, end_order=1, repeat=loop)))
        for loop in range(7)
    ]
    assert heard == [True, False, False, True, False, False, True]


def test_a_timeline_says_whether_it_varies_by_pass() -> None:
    # A looping player compiles each loop afresh only for a song that does.
    assert not compile_song(build_song("C-4 01 .. ...")).varies
    assert compile_song(build_song("C-4 01 .. I12")).varies
    humanised = build_song("C-4 01 .. ...")
    humanised.humanise = Humanise(velocity=4)
    assert compile_song(humanised).varies
