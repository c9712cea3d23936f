"""Euclidean rhythms, thinning and doubling over a selection, and a new seed: one undo each.

The Euclidean patterns are Toussaint's table ("The Euclidean Algorithm Generates
Traditional Musical Rhythms", 2005), not our own output."""

from __future__ import annotations

import pytest

from tests.support.builders import build_song, pattern_rows
from tracker.errors import EditError
from tracker.song.edit import History, Selection
from tracker.song.edit.generate import Double, EuclidFill, SetSeed, Thin, euclid
from tracker.song.model import Cell

TOUSSAINT = {
    (2, 5): "x.x..",
    (3, 5): "x.x.x",
    (3, 7): "x.x.x..",
    (3, 8): "x..x..x.",
    (4, 9): "x.x.x.x..",
    (5, 7): "x.xx.xx",
    (5, 8): "x.xx.xx.",
    (5, 9): "x.x.x.x.x",
    (5, 12): "x..x.x..x.x.",
    (5, 16): "x..x..x..x..x...",
    (7, 12): "x.xx.x.xx.x.",
    (7, 16): "x..x.x.x..x.x.x.",
    (9, 16): "x.xx.x.x.xx.x.x.",
}
"""E(k, n) as the table gives it, starting on a hit."""

TOUSSAINT_ROTATED = {(3, 4): "x.xx", (4, 7): "x.xx.x.", (5, 6): "x.xxxx", (7, 8): "x.xxxxxx"}
"""Rhythms the table gives as the rotation the tradition plays (the cumbia's x.xx)."""


def drawn(rhythm: tuple[bool, ...]) -> str:
    return "".join("x" if hit else "." for hit in rhythm)


@pytest.mark.parametrize(("hits_steps", "expected"), TOUSSAINT.items())
def test_bjorklund_gives_the_traditional_rhythms(
    hits_steps: tuple[int, int], expected: str
) -> None:
    assert drawn(euclid(*hits_steps)) == expected


@pytest.mark.parametrize(("hits_steps", "played"), TOUSSAINT_ROTATED.items())
def test_the_rhythms_played_rotated_are_rotations_of_ours(
    hits_steps: tuple[int, int], played: str
) -> None:
    ours = drawn(euclid(*hits_steps))
    assert ours.startswith("x") and played in ours + ours


def test_a_rotation_starts_the_rhythm_that_many_steps_in() -> None:
    assert drawn(euclid(3, 8, 2)) == ".x..x.x."
    assert drawn(euclid(5, 16, 3)) == "x..x..x..x...x.."
    assert drawn(euclid(5, 16, -1)) == ".x..x..x..x..x.."


def empty_lines(count: int) -> History:
    return History(build_song("\n".join(["--- .. .. ..."] * count)))


def notes_column(history: History) -> str:
    return "".join("x" if row.startswith("C-3") else "." for row in pattern_rows(history.song))


def test_e3_8_fills_sixteen_lines_with_the_tresillo_twice_as_one_undo_step() -> None:
    history = empty_lines(16)
    history.do(EuclidFill(Selection("00", 0, 15), Cell(48, 1, 0x60), 3, 8))
    assert notes_column(history) == "x..x..x.x..x..x."
    assert pattern_rows(history.song)[3] == "C-3 01 60 ..."
    history.undo()
    assert notes_column(history) == "." * 16


def test_e5_16_rotated_fills_sixteen_lines() -> None:
    history = empty_lines(16)
    history.do(EuclidFill(Selection("00", 0, 15), Cell(48, 1), 5, 16, 3))
    assert notes_column(history) == "x..x..x..x...x.."


def test_the_rhythm_needs_a_note_to_repeat() -> None:
    with pytest.raises(EditError, match="cursor on a note"):
        empty_lines(8).do(EuclidFill(Selection("00", 0, 7), Cell(), 3, 8))


def test_double_then_thin_gives_the_line_back_each_one_undo_step() -> None:
    history = empty_lines(8)
    history.do(EuclidFill(Selection("00", 0, 7), Cell(48, 1), 2, 8))  # x...x...
    history.do(Double(Selection("00", 0, 7)))
    assert notes_column(history) == "x.x.x.x."
    history.do(Double(Selection("00", 0, 7)))
    assert notes_column(history) == "xxxxxxxx"
    history.do(Thin(Selection("00", 0, 7)))
    assert notes_column(history) == "x.x.x.x."
    history.do(Thin(Selection("00", 0, 7)))
    assert notes_column(history) == "x...x..."
    history.undo()
    assert notes_column(history) == "x.x.x.x."


def test_thin_and_double_say_when_there_is_nothing_to_do() -> None:
    history = empty_lines(4)
    with pytest.raises(EditError, match="nothing to thin"):
        history.do(Thin(Selection("00", 0, 3)))
    history.do(EuclidFill(Selection("00", 0, 3), Cell(48, 1), 4, 4))
    with pytest.raises(EditError, match="no room to double"):
        history.do(Double(Selection("00", 0, 3)))


def test_a_new_seed_is_one_undo_step() -> None:
    history = empty_lines(1)
    before = history.song.seed
    history.do(SetSeed(before + 1))
    assert history.song.seed == before + 1
    history.undo()
    assert history.song.seed == before
    with pytest.raises(EditError, match="seed"):
        history.do(SetSeed(-1))
