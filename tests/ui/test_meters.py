"""The meters as drawn: a level as eighth-block cells, full at 0 dBFS; the master's in
the status bar after PLAY, CLIP held a second after the mix clips, all gone at the stop."""

from __future__ import annotations

from tests.support.builders import build_song
from tests.support.fake_clock import FakeClock
from tests.support.pilot import RecordingPlayer, make_app, shown_rows
from tracker.audio.levels import FULL_SCALE, from_db
from tracker.player.protocol import Levels, Playhead, Stopped
from tracker.ui.meters import CLIP, CLIP_HOLD_S, master_text, meter_text

DRUMS = "C-2 01 7F ...\n--- .. .. ..."


def test_a_level_fills_the_cells_in_eighths_full_at_full_scale() -> None:
    assert meter_text(0) == "   "
    assert meter_text(FULL_SCALE) == "███"
    assert meter_text(255) == "███", "over full scale: full, not more"
    assert meter_text(from_db(-60.0)).strip() in {"", "▏"}
    half = meter_text(from_db(-30.0))
    assert half[0] == "█" and half[2] == " "
    assert master_text(FULL_SCALE, True).endswith(CLIP)
    assert len(master_text(0, False)) == len(master_text(FULL_SCALE, True))


async def test_the_status_bar_shows_the_master_and_holds_clip_for_a_second() -> None:
    player = RecordingPlayer()
    app = make_app(build_song(DRUMS), player=player)
    clock = FakeClock()
    app.meters.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        assert "█" not in shown_rows(app.bar)[0]
        await pilot.press("space")
        player.replies.append(Playhead(order=0, line=0, pattern="00", bpm=120.0))
        player.replies.append(Levels(bytes([FULL_SCALE]), master=FULL_SCALE + 3, clip=True))
        await pilot.pause(0.1)
        first = shown_rows(app.bar)[0]
        assert first.startswith("PLAY ██████ CLIP"), first
        player.replies.append(Levels(bytes([from_db(-12)]), master=from_db(-12), clip=False))
        clock.advance(CLIP_HOLD_S / 2)
        await pilot.pause(0.1)
        assert CLIP in shown_rows(app.bar)[0], "held"
        clock.advance(CLIP_HOLD_S)
        await pilot.pause(0.1)
        first = shown_rows(app.bar)[0]
        assert CLIP not in first and first.startswith("PLAY ████▉ "), first
        player.replies.append(Stopped("stop"))
        await pilot.pause(0.1)
        first = shown_rows(app.bar)[0]
        assert first.startswith("STOP") and "█" not in first
