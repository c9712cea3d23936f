"""Track meters in the grid's header while playing: drawn from the player's Levels in
the first cells of each track, redrawn alone (a few cells, not the header), nothing
redrawn while the levels stay, and gone at the stop."""

from __future__ import annotations

from typing import Any

from textual.geometry import Region

from tests.support.builders import build_song
from tests.support.pilot import RecordingPlayer, make_app
from tracker.audio.levels import FULL_SCALE, from_db
from tracker.player.protocol import Levels, Message, Playhead, Stopped
from tracker.song.model import Track
from tracker.ui.meters import METER_CELLS
from tracker.ui.pattern.meters import changed, meter_texts, meter_x

BAND = "C-2 01 7F ... | C-4 01 40 ... | E-4 01 60 ...\n" + "--- .. .. ... | " * 2 + "--- .. .. ..."
TRACKS = [Track("Drums"), Track("Keys"), Track("Lead", mute=True)]


def test_meters_change_only_where_a_level_crosses_a_cell_step() -> None:
    quiet = meter_texts(bytes([100, 0, 0]), 3)
    nudged = meter_texts(bytes([101, 0, 0]), 3)  # the same tenth eighth of the bar
    louder = meter_texts(bytes([100, from_db(-3), 0]), 3)
    assert changed(quiet, nudged) == [], "a byte that crosses no eighth of a cell"
    assert changed(quiet, louder) == [1]
    assert changed(None, quiet) is None and changed(quiet, None) is None, "appear, go: the row"
    assert changed(None, None) == []


async def play_with(player: RecordingPlayer, app: Any, pilot: Any, *messages: Message) -> None:
    player.replies.extend([Playhead(order=0, line=0, pattern="00", bpm=120.0), *messages])
    await pilot.pause(0.1)


async def test_the_header_shows_a_meter_for_each_track_while_playing_and_none_after() -> None:
    player = RecordingPlayer()
    app = make_app(build_song(BAND, tracks=TRACKS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        stopped_header = app.editor.render_line(0).text
        await pilot.press("space")
        await play_with(player, app, pilot, Levels(bytes([FULL_SCALE, from_db(-30), 0])))
        header = app.editor.render_line(0).text
        assert "│███Drums" in header, header
        keys = header[header.index("│", header.index("Drums")) + 1 :]
        assert keys.startswith("█") and keys[:METER_CELLS].strip() != "███", "about half"
        assert "│   Lead" in header, "the muted lead reads nothing"
        player.replies.append(Stopped("stop"))
        await pilot.pause(0.1)
        assert app.editor.render_line(0).text == stopped_header


async def test_a_new_level_redraws_only_the_meter_cells_and_an_unchanged_one_nothing() -> None:
    player = RecordingPlayer()
    app = make_app(build_song(BAND, tracks=TRACKS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await play_with(player, app, pilot, Levels(bytes([from_db(-20), from_db(-20), 0])))
        editor = app.editor
        painted: list[Region] = []
        refresh = editor.refresh

        def recording(*regions: Region, **kwargs: Any) -> Any:
            painted.extend(regions or [editor.region])
            return refresh(*regions, **kwargs)

        editor.refresh = recording  # type: ignore[method-assign]
        player.replies.append(Levels(bytes([from_db(-20), from_db(-2), 0])))
        await pilot.pause(0.1)
        x = editor.gutter_cells + meter_x(editor.grid, 1, [])  # type: ignore[operator]
        assert painted == [Region(x, 0, METER_CELLS, 1)], "the keys' meter alone"
        painted.clear()
        player.replies.append(Levels(bytes([from_db(-20), from_db(-2), 0])))
        await pilot.pause(0.1)
        assert painted == [], "the same levels: nothing to draw"
