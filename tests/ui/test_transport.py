"""Transport keys send the player's commands; the playhead it reports moves on the grid.

The player here is the RecordingPlayer seam (see conftest): the real one needs
MIDI ports in its own process. The commands are the real tracker.player ones.
"""

from __future__ import annotations

from tests.builders import build_song
from tests.ui.conftest import RecordingPlayer, make_app
from tracker.player import Play, Playhead, Recorded, SetMute, Status, Stop, Stopped, UpdateSong
from tracker.song.model import Song
from tracker.ui.app import TrackerApp

TWO_PATTERNS = ("C-4 01 .. ...\n--- .. .. ...", "E-4 01 .. ...\n--- .. .. ...")


async def test_space_plays_the_song_and_stops_it(player: RecordingPlayer) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        (play,) = player.sent_of(Play)
        assert isinstance(play, Play)
        assert (play.start_order, play.start_line, play.loop) == (0, 0, False)
        assert play.song is app.session.song
        await pilot.press("space")
        assert isinstance(player.sent[-1], Stop)


async def test_enter_loops_the_pattern_being_edited(player: RecordingPlayer) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+n", "enter")  # the second order entry, then play its pattern
        (play,) = player.sent_of(Play)
        assert isinstance(play, Play)
        assert (play.start_order, play.end_order, play.loop) == (1, 2, True)


async def test_f7_plays_from_the_cursor_line_and_loop_mode_carries_over(
    player: RecordingPlayer,
) -> None:
    app = make_app(Song.new(lines=16), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "down", "f9", "f7")
        (play,) = player.sent_of(Play)
        assert isinstance(play, Play)
        assert (play.start_order, play.start_line, play.loop) == (0, 3, True)


async def test_the_playhead_from_the_player_is_drawn_and_followed(player: RecordingPlayer) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        player.replies.append(Playhead(order=1, line=1, pattern="01", bpm=120.0))
        await pilot.pause(0.1)
        assert app.editor.pattern_name == "01"  # follow is on: the grid shows the playing pattern
        assert app.editor.playhead == 1
        assert app.orders.playing == 1
        assert "Pos 01/01" in app.bar.render().plain
        player.replies.append(Stopped("end"))
        await pilot.pause(0.1)
        assert not app.transport.playing
        assert app.editor.playhead is None


async def test_edits_while_playing_reach_the_player_once_per_change(
    player: RecordingPlayer,
) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.pause(0.1)
        sent_before = len(player.sent_of(UpdateSong))
        await pilot.press("down", "x")
        await pilot.pause(0.1)
        await pilot.pause(0.1)
        assert len(player.sent_of(UpdateSong)) == sent_before + 1


async def test_mute_and_solo_reach_the_player_and_the_song(player: RecordingPlayer) -> None:
    app = make_app(build_song("--- .. .. ... | --- .. .. ... | --- .. .. ..."), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+m")
        assert app.session.song.tracks[0].mute
        assert SetMute(0, True) in player.sent
        await pilot.press("tab", "alt+o")  # solo track 2: track 3 falls silent too
        assert app.session.song.tracks[1].solo
        assert SetMute(2, True) in player.sent
        assert "S" in app.editor.render_line(0).text


async def test_player_status_shows_on_the_status_line(player: RecordingPlayer) -> None:
    app = make_app(Song.new(), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        player.replies.append(
            Status(
                playing=False,
                paused=False,
                ports=(("out", "missing"),),
                sent=0,
                late=0,
                max_late_us=0.0,
                dropped=0,
            )
        )
        await pilot.pause(0.1)
        assert "out missing" in app.bar.render().plain


async def test_typed_notes_are_offered_for_preview(player: RecordingPlayer) -> None:
    app = make_app(Song.new(), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z", "grave_accent")
        await pilot.pause()
        assert app.transport.previews == [(0, 60, 1)]  # the note-off is not previewed


async def test_record_mode_writes_midi_notes_at_the_cursor_when_stopped(
    player: RecordingPlayer,
) -> None:
    app = make_app(Song.new(tracks=1, lines=8), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        player.replies.append(Recorded(note=64, velocity=100, channel=0, order=None, line=None))
        await pilot.pause(0.1)
        assert app.session.song.cell("00", 0, 0, 0).note is None  # record is off
        await pilot.press("ctrl+r")
        player.replies.append(Recorded(note=64, velocity=100, channel=0, order=None, line=None))
        player.replies.append(Recorded(note=64, velocity=0, channel=0, order=None, line=None))
        await pilot.pause(0.1)
        assert app.session.song.cell("00", 0, 0, 0).note == 64  # E-4, step record
        assert app.editor.cursor.line == 1  # the note-off wrote nothing


async def test_record_mode_places_notes_on_the_playing_line(player: RecordingPlayer) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r", "space")
        player.replies.append(Recorded(note=67, velocity=90, channel=0, order=1, line=1))
        await pilot.pause(0.1)
        assert app.session.song.cell("01", 0, 0, 1).note == 67


async def test_without_a_player_play_says_why_and_the_editor_keeps_working() -> None:
    app = TrackerApp(Song.new(tracks=1, lines=4), None)  # no player at all
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        assert not app.transport.playing
        assert "No player" in app.bar.render().plain
        await pilot.press("z")
        assert app.session.song.cell("00", 0, 0, 0).note == 60
