"""What the screen looks like: the main screen at 80x24 and 160x50, and the help screen.

The song is a few bars written in tracker notation; the cursor sits on a note
with a two-line selection below it, and the player's playhead is on line 4, so
each look (cursor, selection, playhead, beat lines, muted track) is in the picture.
"""

from __future__ import annotations

from typing import Any

from tests.support.builders import build_song
from tests.support.pilot import RecordingPlayer
from tracker.player.protocol import Playhead
from tracker.song.model import Instrument, Track
from tracker.ui.app import TrackerApp

ROWS = """
C-4 01 64 ... | C-2 02 7F ... 40 | --- .. .. ... | --- .. .. ...
--- .. .. ... | --- .. .. ... .. | --- .. .. ... | --- .. .. ...
E-4 01 .. V21 | --- .. .. ... 50 | --- .. .. ... | --- .. .. ...
--- .. .. ... | --- .. .. ... .. | --- .. .. ... | --- .. .. ...
G-4 01 .. ... | C-3 02 60 ... 60 | --- .. .. ... | --- .. .. ...
--- .. .. ... | --- .. .. ... .. | --- .. .. ... | --- .. .. ...
OFF .. .. ... | OFF .. .. ... 70 | --- .. .. ... | --- .. .. ...
--- .. .. ... | --- .. .. ... .. | --- .. .. ... | --- .. .. ...
"""


def demo_app() -> TrackerApp:
    tracks = [Track("Keys"), Track("Bass", cc=["cutoff"]), Track("Pad", mute=True), Track("Drums")]
    song = build_song(
        ROWS,
        tracks=tracks,
        instruments={1: Instrument("Piano"), 2: Instrument("Bass", program=33)},
    )
    player = RecordingPlayer()
    player.replies.append(Playhead(order=0, line=4, pattern="00", bpm=120.0))
    app = TrackerApp(song, None, player=player)
    app.transport.playing = True
    return app


async def _select(pilot: Any) -> None:
    await pilot.press("down", "down", "shift+down")
    await pilot.pause(0.1)


def test_main_screen_80x24(snap_compare: Any) -> None:
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=_select)


def test_main_screen_160x50(snap_compare: Any) -> None:
    assert snap_compare(demo_app(), terminal_size=(160, 50), run_before=_select)


def test_help_screen_80x24(snap_compare: Any) -> None:
    assert snap_compare(demo_app(), terminal_size=(80, 24), press=["f1"])
