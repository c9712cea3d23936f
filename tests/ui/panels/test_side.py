"""The side column: as wide as its names need, never more than a quarter of the screen;
Alt+Z makes it compact or hides it; the panel with the keys always says so."""

from __future__ import annotations

from textual.geometry import Region

from tests.support.builders import build_song
from tests.support.pilot import make_app, shown_rows
from tracker.song.model import Instrument
from tracker.ui.panels.list_panel import ListPanel
from tracker.ui.panels.side import COMPACT_WIDTH, side_width

VERSE = "C-4 01 .. ...\n--- .. .. ..."
BAND = {
    1: Instrument("Drum kit"),
    2: Instrument("Fingered bass guitar", program=33),
    3: Instrument("Electric piano", program=4),
}


def test_the_side_column_takes_what_its_names_need_up_to_a_quarter_of_the_screen() -> None:
    assert side_width("full", 160, longest_row=23) == 25
    assert side_width("full", 80, longest_row=23) == 20
    assert side_width("full", 40, longest_row=23) == 10
    assert side_width("full", 80, longest_row=3) == COMPACT_WIDTH
    assert side_width("compact", 160, longest_row=23) == COMPACT_WIDTH
    assert side_width("hidden", 160, longest_row=23) == 0


async def test_at_40_columns_the_grid_keeps_three_quarters_of_the_screen() -> None:
    app = make_app(build_song(VERSE, instruments=BAND))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        assert app.side.outer_size.width == 10
        assert app.editor.size.width == 30


async def test_names_are_whole_where_the_screen_has_room() -> None:
    app = make_app(build_song(VERSE, instruments=BAND))
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        rows = [row.strip() for row in shown_rows(app.instruments)]
        assert "02 Fingered bass guitar" in rows  # 23 cells: not cut to 14
        assert app.editor.size.width >= 120 - 25


async def test_alt_z_makes_the_side_compact_then_hides_it_and_f4_skips_it() -> None:
    app = make_app(build_song(VERSE, instruments=BAND))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.side.outer_size.width == 20 and app.editor.size.width == 60
        await pilot.press("f4", "alt+z")  # compact, with the order list still holding the keys
        await pilot.pause()
        assert app.side.outer_size.width == COMPACT_WIDTH and app.orders.has_focus
        await pilot.press("alt+z")  # hidden: the keys come back to the grid
        await pilot.pause()
        assert not app.side.display and app.editor.size.width == 80
        assert app.editor.has_focus
        await pilot.press("f4")  # past the hidden side column: the mixer, then the grid again
        assert app.mixer.has_focus
        await pilot.press("f4")
        assert app.editor.has_focus
        await pilot.press("alt+z")  # full again
        await pilot.pause()
        assert app.side.outer_size.width == 20


def title_is_reversed(panel: ListPanel) -> bool:
    strip = panel.render_lines(Region(0, 0, panel.size.width, 1))[0]
    return all(s.style is not None and s.style.reverse for s in strip if s.text.strip())


async def test_the_panel_with_the_keys_shows_its_title_across_its_width() -> None:
    app = make_app(build_song(VERSE, instruments=BAND))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "f4")  # the pattern list
        await pilot.pause()

        assert title_is_reversed(app.patterns)
        assert not title_is_reversed(app.orders) and not title_is_reversed(app.instruments)
