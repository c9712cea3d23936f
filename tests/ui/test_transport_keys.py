"""Transport keys send the player's commands; the playhead it reports moves on the grid.

Play, loop, play from the cursor, mute and solo, note previews, panic, record and
audio capture, and what Space does with no player or one still starting. The player
here is the RecordingPlayer seam (see conftest): the real one needs MIDI ports in its
own process. The commands are the real tracker.player ones.
"""

from __future__ import annotations

import threading
from pathlib import Path

from tests.support.builders import build_song
from tests.support.pilot import RecordingPlayer, make_app, second_line
from tracker.player.protocol import (
    CaptureAudio,
    Panic,
    Play,
    Playhead,
    Preview,
    Recorded,
    SetMute,
    SongChanges,
    Stop,
    Stopped,
    UpdateSong,
)
from tracker.song.model import Instrument, Song
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
        assert player.sent_of(UpdateSong) == []  # the Play carried the song
        await pilot.press("down", "x")
        await pilot.pause(0.1)
        await pilot.pause(0.1)
        handed = player.sent_of(SongChanges)
        assert len(handed) == 1  # once per change, as the pattern it touched
        [changes] = handed
        assert isinstance(changes, SongChanges)
        assert list(changes.changed) == [app.editor.pattern_name]
        [play] = player.sent_of(Play)
        assert isinstance(play, Play)
        assert changes.applied_to(play.song) == app.session.song


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


async def test_a_typed_note_is_previewed_on_its_instrument(player: RecordingPlayer) -> None:
    song = build_song(
        "--- .. 40 ...\n--- .. .. ...\n--- .. .. ...",
        instruments={1: Instrument("Piano"), 2: Instrument("Bass", program=33)},
    )
    app = make_app(song, player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z", "greater_than_sign", "x", "grave_accent")
        await pilot.pause()
    # the player learns the instruments once, then hears each note (the OFF is not previewed)
    assert [type(c) for c in player.sent] == [UpdateSong, Preview, Preview]
    assert player.sent[1:] == [
        Preview(track=0, instrument=1, note=60, velocity=0x40),  # the cell's volume
        Preview(track=0, instrument=2, note=62, velocity=None),  # the instrument's own
    ]


async def test_auditioning_an_instrument_previews_middle_c_on_it(player: RecordingPlayer) -> None:
    song = build_song("--- .. .. ...", instruments={1: Instrument("Piano"), 2: Instrument("Bass")})
    app = make_app(song, player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "f4", "f4", "down", "a")  # the instruments panel, the Bass
        await pilot.pause()
    assert player.sent_of(Preview) == [Preview(track=0, instrument=2, note=60)]


async def test_the_panic_key_stops_and_silences_everything(player: RecordingPlayer) -> None:
    app = make_app(build_song(*TWO_PATTERNS), player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "f12")
        assert player.sent[-2:] == [Stop(), Panic()]
        assert not app.transport.playing
        assert "Panic" in second_line(app)
        await pilot.press("ctrl+backslash")  # the same over a terminal without F keys
        assert player.sent[-2:] == [Stop(), Panic()]
        assert len(player.sent_of(Panic)) == 2


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
        assert player.sent_of(Preview) == []  # the player echoes MIDI input itself (thru)


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


async def test_space_pressed_while_the_player_starts_plays_once_it_is_up() -> None:
    started = threading.Event()
    player = RecordingPlayer()

    def start_player() -> RecordingPlayer:
        started.wait(timeout=10)  # the player process takes its time to come up
        return player

    app = TrackerApp(build_song("C-4 01 64 ...\nOFF .. .. ..."), None, start_player=start_player)
    async with app.run_test() as pilot:
        await pilot.press("space")  # while the player is still starting
        assert "as soon as it is ready" in app.session.message
        assert player.sent_of(Play) == []
        started.set()
        for _ in range(50):
            await pilot.pause(0.05)
            if player.sent_of(Play):
                break
        assert len(player.sent_of(Play)) == 1
        assert app.transport.playing
        assert app.session.message == ""  # the "starting" note does not stay on screen


async def test_play_tells_the_player_the_songs_folder_for_its_soundfont_paths(
    player: RecordingPlayer, tmp_path: Path
) -> None:
    app = make_app(build_song("C-4 01 64 ..."), path=tmp_path / "song.toml", player=player)
    async with app.run_test() as pilot:
        await pilot.press("space")
        (play,) = player.sent_of(Play)
        assert isinstance(play, Play)
        assert play.song_dir == tmp_path


async def test_the_capture_key_starts_a_take_beside_the_song_and_ends_it(
    player: RecordingPlayer, tmp_path: Path
) -> None:
    app = make_app(Song.new(), tmp_path / "groove.toml", player=player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+shift+r")  # capture on
        await pilot.press("alt+shift+r")  # and off
    first, second = player.sent_of(CaptureAudio)
    assert isinstance(first, CaptureAudio) and first.path is not None
    assert first.path.parent == tmp_path and first.path.name.startswith("groove-")
    assert first.path.suffix == ".wav"
    assert second == CaptureAudio(None)
