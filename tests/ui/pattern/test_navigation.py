"""Moving around the pattern with the keys of DESIGN.md section 7."""

from __future__ import annotations

from tests.support.builders import build_song
from tests.support.pilot import make_app
from tracker.song.model import Pattern, Song, Track
from tracker.ui.app import TrackerApp
from tracker.ui.pattern.layout import Kind


def field_kind(app: TrackerApp) -> Kind:
    """Read afresh after each key (a type checker would keep an earlier assert's answer)."""
    return app.editor.field.kind


async def test_arrows_move_by_line_and_field_and_tab_jumps_tracks() -> None:
    app = make_app(Song.new(tracks=4, lines=64))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.editor
        await pilot.press("down", "down", "down")
        assert editor.cursor.line == 3
        await pilot.press("up")
        assert editor.cursor.line == 2
        await pilot.press("right")  # note -> instrument high digit
        assert editor.field.kind is Kind.INSTRUMENT and editor.field.digit == 0
        await pilot.press("tab", "tab")
        assert (editor.cursor.track, editor.field.kind) == (2, Kind.NOTE)
        await pilot.press("shift+tab")
        assert editor.cursor.track == 1
        await pilot.press("left")  # wraps back into track 0's last field
        assert editor.cursor.track == 0 and field_kind(app) is Kind.EFFECT_VALUE


async def test_page_keys_move_a_bar_and_home_end_reach_the_edges() -> None:
    app = make_app(Song.new(lines=64))  # 4 lines per beat: a bar is 16 lines
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("pagedown", "pagedown")
        assert app.editor.cursor.line == 32
        await pilot.press("pageup")
        assert app.editor.cursor.line == 16
        await pilot.press("end")
        assert app.editor.cursor.line == 63
        await pilot.press("down")  # the cursor stays on the last line
        assert app.editor.cursor.line == 63
        await pilot.press("home")
        assert app.editor.cursor.line == 0


async def test_the_view_follows_the_cursor_down_a_long_pattern_and_across_many_tracks() -> None:
    app = make_app(Song.new(tracks=12, lines=128))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.editor
        await pilot.press("end")
        await pilot.pause()
        top = editor.scroll_offset.y
        visible_rows = editor.size.height - 1  # the header row stays
        assert top <= 127 < top + visible_rows
        for _ in range(10):
            await pilot.press("tab")
        await pilot.pause()
        start = editor.grid.starts[10]
        view = editor.size.width - editor.gutter_cells
        assert editor.scroll_offset.x <= start
        assert start + editor.grid.widths[10] <= editor.scroll_offset.x + view


async def test_a_wide_pattern_draws_the_tracks_it_scrolled_to() -> None:
    song = build_song(
        "C-4 01 .. ... | D-4 01 .. ... | E-4 01 .. ... | F-4 01 .. ... | G-4 01 .. ... | A-4 01 .. ...",
        tracks=[Track(f"T{i}") for i in range(6)],
    )
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["tab"] * 5)
        await pilot.pause()
        row = app.editor.render_line(1).text
        assert "A-4" in row and "C-4" not in row
        assert row.startswith("00")  # the line numbers stay put


async def test_ctrl_arrows_step_by_note_column_and_alt_c_reaches_the_cc_lanes() -> None:
    tracks = [Track("Chords", notes=3, cc=["cutoff"]), Track("Bass")]
    app = make_app(Song.new(tracks=2, lines=16))
    app.session.song.tracks = tracks
    app.session.song.patterns = {"00": Pattern.empty(tracks, 16)}
    app.session.song.order = ["00"]
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.editor
        editor.song_reshaped()
        await pilot.press("ctrl+right", "ctrl+right")  # the third note of the chord
        assert (editor.field.kind, editor.field.column) == (Kind.NOTE, 2)
        await pilot.press("ctrl+left")
        assert (editor.field.kind, editor.field.column) == (Kind.NOTE, 1)
        await pilot.press("alt+f")
        assert (editor.field.kind, editor.field.column) == (Kind.CC, 0)
        await pilot.press("alt+f", "tab", "alt+f")  # back to the notes; the bass has no lanes
        assert (editor.cursor.track, field_kind(app)) == (1, Kind.NOTE)
        assert "no CC lanes" in app.session.message
