"""The order in which lines play: the order list, jumps (Bxx), breaks (Kxx),
a start position, an end, and loop protection.

Loop protection: a jump or break that leads back to lines already played would
play forever (there is no loop counter), so each (order entry, line) plays at
most `loop_guard` times (default once); reaching it again ends the song. A
song whose last pattern jumps back to the start thus plays through once, and
loop_guard=2 plays it twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tracker.engine.score import LineData, Score
from tracker.errors import TrackerError
from tracker.song.model import Song


@dataclass(frozen=True, slots=True)
class Position:
    order: int
    """Index into Song.order."""
    pattern: str
    line: int
    data: LineData


def check_start(song: Song, score: Score, start_order: int, start_line: int) -> None:
    """Refuse a start outside the song (an empty order list starts nowhere, quietly)."""
    if not song.order and start_order == 0 and start_line == 0:
        return
    if not 0 <= start_order < len(song.order):
        raise TrackerError(
            f"cannot play from order entry {start_order}: "
            f"the order list has {len(song.order)} entries"
        )
    lines = len(score.lines(song.order[start_order]))
    if not 0 <= start_line < lines:
        raise TrackerError(
            f'cannot play from line {start_line}: pattern "{song.order[start_order]}" '
            f"has {lines} lines"
        )


def walk(
    song: Song,
    score: Score,
    start_order: int = 0,
    start_line: int = 0,
    end_order: int | None = None,
    loop_guard: int = 1,
) -> Iterator[Position]:
    """Every line played, in play order.

    With `end_order` (exclusive), play stays inside [start_order, end_order):
    leaving that range, by running on or by a jump, ends it. Without, jumps may
    go anywhere in the order list.
    """
    if loop_guard < 1:
        raise TrackerError(f"loop guard must be at least 1, not {loop_guard}")
    low, high = 0, len(song.order)
    if end_order is not None:
        low, high = start_order, min(end_order, high)
    played: dict[tuple[int, int], int] = {}
    order, line = start_order, start_line
    while low <= order < high:
        name = song.order[order]
        lines = score.lines(name)
        if line >= len(lines):
            line = 0
        if not lines:
            order, line = order + 1, 0
            continue
        key = (order, line)
        count = played.get(key, 0)
        if count >= loop_guard:
            return
        played[key] = count + 1
        data = lines[line]
        yield Position(order, name, line, data)
        if data.jump is not None or data.break_to is not None:
            order = data.jump if data.jump is not None else order + 1
            line = data.break_to or 0
        elif line + 1 < len(lines):
            line += 1
        else:
            order, line = order + 1, 0
