"""What the grid says about where you are: CC lanes named in the header, line numbers that
never run into clipped cells, a cursor that shows whether the grid has the keys."""

from __future__ import annotations

import re

from tests.support.builders import build_song
from tests.support.pilot import make_app
from tracker.song.model import Track
from tracker.ui.pattern.painter import cc_label

CHORDS = "C-4 01 .. ... E-4 01 .. ... G-4 01 .. ... 40 7F | C-2 01 .. ..."


def test_a_cc_lane_is_named_in_the_three_cells_over_its_values() -> None:
    assert cc_label("cutoff") == "cut"
    assert cc_label("expression") == "exp"
    assert cc_label("amp attack") == "aat"  # first letter, then the last word
    assert cc_label("filter_cutoff") == "fcu"
    assert cc_label("74") == " 74"
    assert cc_label("pan") == "pan"


async def test_the_track_header_names_its_cc_lanes_over_their_values() -> None:
    tracks = [Track("Chords", notes=3, cc=["cutoff", "pan"]), Track("Bass")]
    app = make_app(build_song(CHORDS, tracks=tracks))
    async with app.run_test(size=(120, 24)):
        header = app.editor.render_line(0).text
        line = app.editor.render_line(1).text
        assert "│Chords" in header and "│Bass" in header
        # each label sits over its lane's two digits
        assert header.index("cut") + 1 == line.index(" 40") + 1
        assert header.index("pan") + 1 == line.index(" 7F") + 1


async def test_after_scrolling_into_a_wide_track_no_line_number_runs_into_a_clipped_cell() -> None:
    tracks = [Track("Chords", notes=3, cc=["cutoff", "pan"]), Track("Bass")]
    rows = "\n".join([CHORDS] * 16)
    app = make_app(build_song(rows, tracks=tracks))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press("alt+f", "alt+f", "right")  # the last digit of the last CC lane
        await pilot.pause()
        editor = app.editor
        assert editor.scroll_offset.x > 0
        assert editor.scroll_offset.x not in editor.grid.starts  # the view starts mid-track
        for y in range(1, editor.size.height):
            row = editor.render_line(y).text
            assert re.match(r"[0-9A-F]{2}[│‹]", row), row  # two digits, then a mark
            assert row[2] == "‹"
        assert editor.render_line(0).text[2] == "‹"
        await pilot.press("tab", "tab")  # round to the chords' start: its own separator shows
        await pilot.pause()
        assert editor.scroll_offset.x == 0
        assert editor.render_line(1).text[2] == "│"


async def test_the_cursor_is_underlined_while_another_panel_has_the_keys() -> None:
    app = make_app(build_song("C-4 01 .. ...\n--- .. .. ..."))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.editor

        def cursor_style() -> tuple[bool, bool]:
            note = next(s for s in editor.render_line(1) if s.text == "C-4")
            assert note.style is not None
            return bool(note.style.reverse), bool(note.style.underline)

        assert cursor_style() == (True, False)
        await pilot.press("f4")
        await pilot.pause()
        assert cursor_style() == (False, True)
        await pilot.press("escape")
        await pilot.pause()
        assert cursor_style() == (True, False)
