"""What the screen looks like: the main screen at 80x24 and 160x50, the help screen and
the mixer.

The song is a few bars written in tracker notation; the cursor sits on a note
with a two-line selection below it, and the player's playhead is on line 4, so
each look (cursor, selection, playhead, beat lines, muted track) is in the picture.
"""

from __future__ import annotations

from typing import Any

from tests.support.builders import build_song
from tests.support.pilot import RecordingPlayer
from tracker.audio.levels import from_db
from tracker.player.protocol import Levels, Playhead
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


def mixed_app() -> TrackerApp:
    """The demo with a mix: keys down and left with reverb, bass up, pad muted, drums soloed."""
    app = demo_app()
    keys, bass, _, drums = app.session.song.tracks
    keys.volume_db, keys.pan, keys.reverb = -6.5, -32, 64
    bass.volume_db, bass.chorus = 3.0, 20
    drums.solo, drums.pan = True, 63
    return app


def test_mixer_80x24(snap_compare: Any) -> None:
    assert snap_compare(mixed_app(), terminal_size=(80, 24), press=["alt+x", "down", "right"])


def metered_app() -> TrackerApp:
    """The demo playing with its meters: keys loud, bass half way, the muted pad silent,
    drums quiet; the mix's meter after PLAY."""
    app = demo_app()
    player = app.transport.link
    assert isinstance(player, RecordingPlayer)
    levels = bytes([from_db(-1.0), from_db(-30.0), 0, from_db(-50.0)])
    player.replies.append(Levels(levels, master=from_db(-3.0)))
    return app


def test_main_screen_with_meters_80x24(snap_compare: Any) -> None:
    assert snap_compare(metered_app(), terminal_size=(80, 24), run_before=_select)
