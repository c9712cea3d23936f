"""A tempo typed as a Txx effect is said in decimal on the status line: T78 = 120 bpm."""

from __future__ import annotations

from tests.support.builders import pattern_rows
from tests.support.pilot import make_app
from tracker.song.model import Song


async def test_typing_t78_says_120_bpm_and_t1e_says_30() -> None:
    app = make_app(Song.new(tracks=1, lines=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["right"] * 5, "t", "7", "8")  # the effect letter, then 78
        assert pattern_rows(app.session.song)[0] == "--- .. .. T78"
        assert "T78 = 120 bpm" in app.bar.render().plain
        await pilot.press("t", "1", "e")  # the next line: the slow movement
        assert pattern_rows(app.session.song)[1] == "--- .. .. T1E"
        assert "T1E = 30 bpm" in app.bar.render().plain


async def test_a_tempo_below_t04_is_said_to_be_ignored() -> None:
    app = make_app(Song.new(tracks=1, lines=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["right"] * 5, "t", "0", "3")
        assert "T03 = ignored (a tempo is T04-TFF)" in app.bar.render().plain
