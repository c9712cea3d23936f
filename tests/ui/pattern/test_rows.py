"""The grid keeps the rows it drew (tracker/ui/pattern/rows.py): a scroll draws only the
new rows, and no change to the song, the marks or the look ever leaves a kept row showing
what was.

Each story below fills the kept rows, changes one thing, then scrolls a line (so nearly
every row on screen comes from the kept ones) and compares the screen, styles included,
with the same rows drawn afresh.
"""

from __future__ import annotations

from typing import Any

import pytest
from rich.segment import Segment
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip

from tests.support.pilot import RecordingPlayer, make_app
from tracker.player.protocol import Playhead, Stopped
from tracker.song.model import Cell, Song
from tracker.song.notation import format_note
from tracker.ui.app import TrackerApp
from tracker.ui.pattern import painter, view
from tracker.ui.pattern.rows import HEADER, RowCache
from tracker.ui.pattern.view import PatternView

SIZE = (80, 24)


def on_screen(editor: PatternView) -> list[list[Segment]]:
    """The editor's rows as the screen has them now (Textual's own kept lines included)."""
    width, height = editor.size
    return [list(strip) for strip in editor.render_lines(Region(0, 0, width, height))]


async def drawn_afresh(pilot: Pilot[int], editor: PatternView) -> list[list[Segment]]:
    editor.rows.clear()
    editor.refresh()
    await pilot.pause()
    assert len(editor.rows) > 0  # and kept again from here
    return on_screen(editor)


async def scroll_a_line(pilot: Pilot[int], editor: PatternView, lines: int = 1) -> None:
    """Scroll the view, not the cursor (as the playhead following, or the wheel, does)."""
    top = editor.scroll_offset.y
    editor.scroll_to(y=editor.scroll_offset.y + lines, animate=False, force=True, immediate=True)
    await pilot.pause()
    assert editor.scroll_offset.y == top + lines


async def assert_every_row_is_fresh(pilot: Pilot[int]) -> None:
    """What the grid shows now, then after a one-line scroll that reuses the kept rows,
    is what a fresh render shows."""
    editor = pilot.app.query_one(PatternView)
    await pilot.pause()
    assert on_screen(editor) == await drawn_afresh(pilot, editor)
    await scroll_a_line(pilot, editor)
    assert on_screen(editor) == await drawn_afresh(pilot, editor)
    await scroll_a_line(pilot, editor, -1)
    assert on_screen(editor) == await drawn_afresh(pilot, editor)


async def warmed(pilot: Pilot[int]) -> PatternView:
    """The grid scrolled a little, its rows kept, the cursor on line 4."""
    app = pilot.app
    assert isinstance(app, TrackerApp)
    editor = app.editor
    await pilot.press("down", "down", "down", "down")
    await scroll_a_line(pilot, editor, 2)
    await scroll_a_line(pilot, editor, -2)
    assert len(editor.rows) >= editor.size.height - 1
    return editor


async def test_a_typed_note_and_its_undo_show_on_every_kept_row() -> None:
    app = make_app(Song.new(tracks=6, lines=64))
    async with app.run_test(size=SIZE) as pilot:
        await warmed(pilot)
        await pilot.press("z", "x", "c")  # C, D, E on lines 4-6
        await assert_every_row_is_fresh(pilot)
        await pilot.press("ctrl+z")  # the E goes
        await assert_every_row_is_fresh(pilot)
        await pilot.press("ctrl+y")
        await assert_every_row_is_fresh(pilot)


async def test_a_selection_growing_and_cleared_shows_on_every_kept_row() -> None:
    app = make_app(Song.new(tracks=6, lines=64))
    async with app.run_test(size=SIZE) as pilot:
        await warmed(pilot)
        await pilot.press("shift+down", "shift+down", "shift+right")
        await assert_every_row_is_fresh(pilot)
        await pilot.press("escape")
        await assert_every_row_is_fresh(pilot)


async def test_a_playhead_stepping_down_shows_on_every_kept_row() -> None:
    player = RecordingPlayer()
    app = make_app(Song.new(tracks=6, lines=64), player=player)
    async with app.run_test(size=SIZE) as pilot:
        editor = await warmed(pilot)
        await pilot.press("space")
        for line in (8, 9, 10):
            player.replies.append(
                Playhead(order=0, line=line, pattern=editor.pattern_name, bpm=120.0)
            )
            await pilot.pause(0.1)  # the app polls the player at the display rate
            assert editor.playhead == line
            await assert_every_row_is_fresh(pilot)
        player.replies.append(Stopped("end"))
        await pilot.pause(0.1)
        assert editor.playhead is None
        await assert_every_row_is_fresh(pilot)


async def test_muting_a_track_greys_it_on_every_row_at_once_and_solo_marks_its_name() -> None:
    app = make_app(Song.new(tracks=6, lines=64))
    async with app.run_test(size=SIZE) as pilot:
        await warmed(pilot)
        await pilot.press("z")  # a note that turns grey
        await pilot.press("alt+m")
        await assert_every_row_is_fresh(pilot)
        await pilot.press("alt+m")
        await assert_every_row_is_fresh(pilot)
        await pilot.press("alt+o")  # solo: an S by the track's name
        await assert_every_row_is_fresh(pilot)


async def test_a_track_muted_in_the_mixer_is_greyed_when_the_grid_comes_back() -> None:
    app = make_app(Song.new(tracks=6, lines=64))
    async with app.run_test(size=SIZE) as pilot:
        await warmed(pilot)
        await pilot.press("z")
        await pilot.press("alt+x", "m", "alt+x")  # the mixer mutes track 1, the grid returns
        assert app.session.song.tracks[0].mute
        await pilot.press("x")  # an edit the grid makes after one it did not see
        await assert_every_row_is_fresh(pilot)


async def test_a_colour_change_shows_on_every_kept_row() -> None:
    app = make_app(Song.new(tracks=6, lines=64))
    async with app.run_test(size=SIZE) as pilot:
        editor = await warmed(pilot)
        before = on_screen(editor)
        editor.styles.background = "ansi_red"
        await assert_every_row_is_fresh(pilot)
        assert on_screen(editor) != before


async def test_scrolling_sideways_and_back_shows_every_track_where_it_is() -> None:
    app = make_app(Song.new(tracks=12, lines=64))
    async with app.run_test(size=SIZE) as pilot:
        editor = await warmed(pilot)
        await pilot.press(*["tab"] * 6)
        assert editor.scroll_offset.x > 0
        await assert_every_row_is_fresh(pilot)
        await pilot.press(*["shift+tab"] * 6)
        assert editor.scroll_offset.x == 0
        await assert_every_row_is_fresh(pilot)


async def test_the_cursor_leaving_the_grid_shows_it_as_away_on_its_kept_row() -> None:
    app = make_app(Song.new(tracks=6, lines=64))
    async with app.run_test(size=SIZE) as pilot:
        editor = await warmed(pilot)
        await pilot.press("f4")  # the next panel takes the keys
        assert not editor.has_focus
        await assert_every_row_is_fresh(pilot)
        editor.focus()
        await assert_every_row_is_fresh(pilot)


async def test_a_track_added_and_taken_back_shows_on_every_row() -> None:
    app = make_app(Song.new(tracks=6, lines=64))
    async with app.run_test(size=SIZE) as pilot:
        await warmed(pilot)
        await pilot.press("z")
        await pilot.press("alt+j")  # a track added after this one: the layout moves
        assert len(app.session.song.tracks) == 7
        await assert_every_row_is_fresh(pilot)
        await pilot.press("ctrl+z")
        assert len(app.session.song.tracks) == 6
        await assert_every_row_is_fresh(pilot)


async def test_a_whole_refresh_draws_every_row_again_even_for_a_change_the_history_missed() -> None:
    app = make_app(Song.new(tracks=6, lines=64))
    async with app.run_test(size=SIZE) as pilot:
        editor = await warmed(pilot)
        column = editor.pattern.tracks[0].columns[0]
        column[2] = Cell(note=60)  # behind the history's back: the revision stays
        editor.refresh()
        await pilot.pause()
        assert format_note(60) in "".join(segment.text for segment in on_screen(editor)[3])
        await assert_every_row_is_fresh(pilot)


@pytest.fixture
def painted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pattern lines the painter draws (tracker.ui.pattern.painter.line_segments as
    the view calls it): the work a scroll costs, counted where it is done."""
    lines: list[int] = []
    paint = painter.line_segments

    def counted(*args: Any) -> Any:
        lines.append(args[5])
        return paint(*args)

    monkeypatch.setattr(view, "line_segments", counted)
    return lines


async def test_a_one_line_scroll_draws_one_new_row(painted: list[int]) -> None:
    app = make_app(Song.new(tracks=8, lines=128))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.editor
        await scroll_a_line(pilot, editor, 60)  # lines 60 to 60 + visible - 1 on screen
        visible = editor.size.height - 1
        for top in (61, 62, 63):
            painted.clear()
            await scroll_a_line(pilot, editor)
            assert painted == [top + visible - 1]  # the line coming into view below
        painted.clear()
        await scroll_a_line(pilot, editor, -3)
        assert painted == []  # lines 60-62 are still kept


async def test_the_cursor_scrolling_the_view_draws_the_new_row_and_the_one_it_left(
    painted: list[int],
) -> None:
    app = make_app(Song.new(tracks=8, lines=128))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.editor
        visible = editor.size.height - 1
        await pilot.press(*["down"] * (visible - 1))  # the last line on screen
        painted.clear()
        await pilot.press("down")
        await pilot.pause()
        assert editor.scroll_offset.y == 1
        # the line the cursor left is kept as first drawn, before the cursor came
        assert painted == [visible]
        for line in range(visible + 1, visible + 5):
            painted.clear()
            await pilot.press("down")
            await pilot.pause()
            assert editor.scroll_offset.y == line - visible + 1
            assert sorted(painted) == [line - 1, line]


async def test_typing_down_past_the_bottom_edge_draws_the_typed_row_and_the_new_one(
    painted: list[int],
) -> None:
    app = make_app(Song.new(tracks=8, lines=128))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.editor
        visible = editor.size.height - 1
        await pilot.press(*["down"] * (visible - 1), "z")  # the first scroll
        for line in range(visible, visible + 4):
            painted.clear()
            await pilot.press("z")  # a C on the cursor's line; the cursor steps down a line
            await pilot.pause()
            assert editor.scroll_offset.y == line - visible + 2
            assert sorted(painted) == [line, line + 1]
        await assert_every_row_is_fresh(pilot)


def test_the_rows_kept_are_the_most_recently_used_and_no_more() -> None:
    rows = RowCache(limit=2)
    strips = [Strip.blank(4) for _ in range(3)]
    rows.put("a", strips[0])
    rows.put("b", strips[1])
    assert rows.get("a") is strips[0]  # "b" is now the oldest used
    rows.put("c", strips[2])
    assert (rows.get("a"), rows.get("b"), rows.get("c")) == (strips[0], None, strips[2])
    assert rows.drawn == 3


def test_the_header_is_kept_with_its_latest_meters_only() -> None:
    rows = RowCache()
    line = Strip.blank(4)
    rows.put((3, None, None, False), line)
    for frame in range(1000):  # a minute of meters at 15 frames a second
        rows.put((HEADER, (f"{frame:04}",)), Strip.blank(4))
    assert len(rows) == 2
    assert rows.get((3, None, None, False)) is line
