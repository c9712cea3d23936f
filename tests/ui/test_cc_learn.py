"""MIDI learn and CC recording in the editor: Alt+Shift+M on a CC lane, a control moved on the
MIDI input names the lane; recording while playing writes the control's sweep into it,
a value per line, undone in one step."""

from __future__ import annotations

from tests.support.builders import build_song
from tests.support.pilot import RecordingPlayer, make_app
from tracker.player.protocol import ControlIn
from tracker.song.model import Instrument, Track
from tracker.ui.pattern.layout import Kind

ROWS = "\n".join(["C-3 01 64 ... .."] + ["--- .. .. ... .."] * 7)


async def test_a_lane_learns_the_moved_control_and_records_its_sweep_as_one_step() -> None:
    player = RecordingPlayer()
    song = build_song(
        ROWS,
        tracks=[Track("Lead", cc=["74"])],
        instruments={1: Instrument("xd", soundfont=None, device="minilogue-xd")},
    )
    app = make_app(song, player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["right"] * 8)  # note, instrument, volume, effect: then the lane
        assert app.editor.field.kind is Kind.CC
        await pilot.press("alt+shift+m")
        player.replies.append(ControlIn(43, 10, 0, None, None))  # the cutoff knob
        await pilot.pause(0.1)
        assert app.session.song.tracks[0].cc == ["cutoff"]  # Korg's chart: CC 43

        await pilot.press("ctrl+r", "space")
        for line, value in [(1, 20), (1, 30), (2, 31), (3, 50), (5, 90)]:
            player.replies.append(ControlIn(43, value, 0, 0, line))
        player.replies.append(ControlIn(1, 99, 0, 0, 4))  # the mod wheel: not learned
        await pilot.pause(0.1)
        await pilot.press("space")  # stop: the take is written
        await pilot.pause(0.1)
        lane = app.session.song.patterns["00"].tracks[0].cc[0]
        assert lane == [None, 30, None, 50, None, 90, None, None]  # 31 was noise beside 30
        await pilot.press("ctrl+z")
        assert app.session.song.patterns["00"].tracks[0].cc[0] == [None] * 8
        assert app.session.song.tracks[0].cc == ["cutoff"]  # the learn is its own step
