"""Over SSH every repainted cell costs bytes: a keystroke must redraw a few rows, not the grid."""

from __future__ import annotations

from typing import Any

from tests.support.pilot import make_app
from tracker.song.model import Song


async def test_moving_and_typing_render_only_the_rows_they_touch() -> None:
    app = make_app(Song.new(tracks=8, lines=64))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down")
        await pilot.pause()
        editor = app.editor
        render_line = editor.render_line
        rows: list[int] = []

        def counting(y: int) -> Any:
            rows.append(y)
            return render_line(y)

        editor.render_line = counting  # type: ignore[method-assign]
        for key, expected in (("down", {2, 3}), ("right", {3}), ("left", {3}), ("z", {3, 4})):
            rows.clear()
            await pilot.press(key)
            await pilot.pause()
            # widget rows: row 0 is the header, pattern line n is row n + 1
            assert set(rows) == expected, key
