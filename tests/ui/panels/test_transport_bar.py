"""The status bar at the bottom: a long file name shortens in place, a long message is shown
whole (wrapped, the bar growing for it), and Alt+Shift+L lists the last messages in full."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.geometry import Region

from tests.support.builders import build_song
from tests.support.pilot import RecordingPlayer, make_app, shown_rows
from tracker.player.protocol import Playhead
from tracker.ui.panels.transport_bar import shorten_middle
from tracker.ui.screens.message_log import MessageLog

VERSE = "C-4 01 .. ...\n--- .. .. ..."
LONG_NAME = "a-rather-long-song-name-for-the-summer-festival-closing-set-final-v7.toml"
LONG_MESSAGE = (
    "Could not save /home/musician/songs/a-rather-long-folder-name/summer-set.toml: "
    "the disk is full (free some space, or save elsewhere with F3); "
    "your edits are kept in the recovery file beside the song"
)


def test_a_long_name_keeps_its_start_and_its_extension() -> None:
    assert shorten_middle("a-very-long-song-name.toml", 18) == "a-very-l…name.toml"
    assert shorten_middle("short.toml", 18) == "short.toml"


async def test_a_long_file_name_shortens_on_the_first_row_and_the_message_row_stays(
    tmp_path: Path,
) -> None:
    app = make_app(build_song(VERSE), path=tmp_path / LONG_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        app.say("Saved")
        await pilot.pause()
        first, second = shown_rows(app.bar)
        assert "Oct 4 Step 1" in first and "FOLLOW" in first
        assert first.rstrip().endswith("v7.toml")  # the extension shows, the middle gave way
        assert "…" in first and len(first.rstrip()) <= 80
        assert second.strip() == "Saved"


async def test_a_message_longer_than_the_line_wraps_whole_and_the_bar_shrinks_after() -> None:
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        app.say(LONG_MESSAGE)
        await pilot.pause()
        rows = shown_rows(app.bar)
        assert len(rows) == 4  # the transport row and three rows of message
        assert " ".join(row.strip() for row in rows[1:]) == LONG_MESSAGE
        assert app.editor.size.height == 24 - 4  # the grid gave the bar the rows it took
        await pilot.press("z")  # an edit: the message has had its say
        await pilot.pause()
        assert len(shown_rows(app.bar)) == 2


async def test_a_message_too_long_for_a_third_of_the_screen_points_at_the_log() -> None:
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(60, 12)) as pilot:
        app.say(LONG_MESSAGE * 2)
        await pilot.pause()
        rows = shown_rows(app.bar)
        assert len(rows) == 1 + 3  # a third of 12 rows, less the transport's
        assert rows[-1].rstrip().endswith("(Alt+Shift+L: all of it)")


async def test_alt_l_lists_the_last_messages_in_full() -> None:
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        app.say(LONG_MESSAGE)
        app.say("Copied 1 line(s)")
        await pilot.press("alt+shift+l")
        assert isinstance(app.screen, MessageLog)
        assert app.screen.messages[-2:] == [LONG_MESSAGE, "Copied 1 line(s)"]
        await pilot.press("escape")
        assert not isinstance(app.screen, MessageLog)


async def test_a_playhead_step_redraws_the_bar_only_up_to_the_position() -> None:
    """Over SSH: Textual writes a refreshed row from the widget's left edge, so a step
    of the playhead costs the cells up to `Pos 00/05`, not the whole bar."""
    player = RecordingPlayer()
    app = make_app(build_song(VERSE), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        player.replies.append(Playhead(order=0, line=0, pattern="00", bpm=120.0))
        await pilot.pause(0.1)
        painted: list[Region] = []
        refresh = app.bar.refresh

        def recording(*regions: Region, **kwargs: Any) -> Any:
            painted.extend(regions or [app.bar.region])
            return refresh(*regions, **kwargs)

        app.bar.refresh = recording  # type: ignore[method-assign]
        player.replies.append(Playhead(order=0, line=1, pattern="00", bpm=120.0))
        await pilot.pause(0.1)
        first = shown_rows(app.bar)[0]
        end = first.index("Pos 00/01") + len("Pos 00/01")
        assert painted == [Region(0, 0, end, 1)], painted
