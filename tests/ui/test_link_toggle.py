"""The editor's Ableton Link toggle: a preference kept for the next session, not in the song."""

from __future__ import annotations

from tests.support.builders import build_song
from tests.support.pilot import RecordingPlayer, make_app
from tracker.player.link import LinkConfig
from tracker.player.protocol import SetLink
from tracker.song.fileformat import dumps
from tracker.ui.preferences import load_preferences, preferences_path


async def test_alt_k_turns_link_on_tells_the_player_and_keeps_it_as_a_preference() -> None:
    player = RecordingPlayer()
    song = build_song("C-4 01 64 ...")
    before = dumps(song)
    app = make_app(song, player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+shift+k")
        assert player.sent_of(SetLink) == [SetLink(LinkConfig())]
        assert " LINK" in str(app.bar.render())
        assert "Ableton Link on" in app.session.message or "Ableton Link on" in str(
            app.bar.render()
        )
    path = preferences_path()
    assert path is not None and path.read_text() == "link = true\n"
    assert load_preferences().link
    assert dumps(song) == before  # the song is untouched

    again = make_app(build_song("C-4 01 64 ..."), player=RecordingPlayer())
    async with again.run_test(size=(80, 24)) as pilot:
        assert again.transport.link_config == LinkConfig()  # the next session starts with it
        await pilot.press("alt+shift+k")
        assert again.transport.link_config is None
    assert not load_preferences().link
