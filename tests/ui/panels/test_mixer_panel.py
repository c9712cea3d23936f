"""The mixer panel from the keyboard: a strip per track, steps, typed values, mute and
solo, every change one undo step, and an edit while playing handed to the player."""

from __future__ import annotations

from tests.support.builders import build_song
from tests.support.pilot import RecordingPlayer, make_app
from tracker.player.protocol import SetMute, UpdateSong
from tracker.song.model import Track
from tracker.ui.app import TrackerApp

BAND = "C-4 01 .. ... | C-2 01 .. ... | C-3 01 .. ..."


def band_app(player: RecordingPlayer | None = None) -> TrackerApp:
    tracks = [Track("Keys"), Track("Bass", reverb=40), Track("Pad")]
    return make_app(build_song(BAND, tracks=tracks), player=player)


def strip(app: TrackerApp, track: int) -> tuple[float, int, int | None, int | None]:
    t = app.session.song.tracks[track]
    return (t.volume_db, t.pan, t.reverb, t.chorus)


async def test_alt_x_shows_the_mixer_in_the_patterns_place_and_escape_brings_it_back() -> None:
    app = band_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert not app.mixer.display
        await pilot.press("alt+x")
        assert app.mixer.has_focus and app.mixer.display and not app.editor.display
        await pilot.press("escape")
        assert app.editor.has_focus and app.editor.display and not app.mixer.display
        await pilot.press("alt+x", "alt+x")  # the same key goes back too
        assert app.editor.has_focus and not app.mixer.display


async def test_f4_reaches_the_mixer_after_the_side_panels_and_goes_on_to_the_pattern() -> None:
    app = band_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "f4", "f4", "f4")
        assert app.mixer.has_focus and app.mixer.display
        await pilot.press("f4")
        assert app.editor.has_focus and app.editor.display and not app.mixer.display


async def test_each_track_is_a_strip_with_its_name_volume_pan_sends_mute_and_solo() -> None:
    app = band_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+x")
        lines = app.mixer.render().plain.splitlines()
        assert lines[0] == "Mixer   Master 0.0 dB  target off  ceiling -1 dBTP"
        assert lines[1].split() == ["Track", "Volume", "Pan", "Rev", "Cho", "M", "S"]
        assert lines[2].split() == [">01", "Keys", "0.0", "dB", "C", "off", "off", ".", "."]
        assert lines[3].split() == ["02", "Bass", "0.0", "dB", "C", "40", "off", ".", "."]
        assert len(lines) == 5


async def test_steps_move_the_setting_under_the_cursor_and_each_is_one_undo_step() -> None:
    app = band_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+x", "down")  # Bass, volume
        await pilot.press("minus", "minus", "pagedown")  # -1, -1, -6 dB
        assert strip(app, 1) == (-8.0, 0, 40, None)
        await pilot.press("right", "minus", "minus", "minus")  # pan 3 left
        await pilot.press("right", "pageup")  # reverb +16
        await pilot.press("right", "plus")  # chorus from off to 1
        assert strip(app, 1) == (-8.0, -3, 56, 1)
        assert "-8.0 dB" in app.mixer.render().plain and "L3" in app.mixer.render().plain
        for _ in range(8):
            await pilot.press("ctrl+z")
        assert strip(app, 1) == (0.0, 0, 40, None)
        assert not app.session.dirty
        await pilot.press("ctrl+y")
        assert strip(app, 1) == (-1.0, 0, 40, None)


async def test_delete_puts_a_setting_back_and_a_value_stops_at_its_range() -> None:
    app = band_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+x", "down", "right", "right")  # Bass, reverb 40
        await pilot.press("delete")
        assert strip(app, 1)[2] is None
        await pilot.press("left", "left", "pageup", "pageup")  # +6 +6 dB stops at +4
        assert strip(app, 1)[0] == 4.0


async def test_enter_types_a_value_and_a_bad_one_is_refused_in_the_dialog() -> None:
    app = band_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+x", "down", "down", "right", "enter")  # Pad, pan
        await pilot.pause()
        dialog = app.screen
        field = dialog.query_one("#field-value")
        assert field.value == "C"  # type: ignore[attr-defined]
        field.value = "L99"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "-64 to 63" in str(dialog.query_one("#dialog-error").render())
        field.value = "R20"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
        assert strip(app, 2)[1] == 20
        await pilot.press("ctrl+z")
        assert strip(app, 2)[1] == 0


async def test_mute_and_solo_from_the_mixer_reach_the_player_at_once_and_undo() -> None:
    player = RecordingPlayer()
    app = band_app(player)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+x", "down", "s")  # solo the bass
        assert app.session.song.tracks[1].solo
        assert {(c.track, c.muted) for c in player.sent if isinstance(c, SetMute)} == {
            (0, True), (1, False), (2, True),
        }  # fmt: skip
        assert "S" in app.mixer.render().plain.splitlines()[3].split()
        await pilot.press("right", "right", "right", "right", "enter")  # the mute column
        assert app.session.song.tracks[1].mute
        await pilot.press("ctrl+z", "ctrl+z")
        assert not app.session.song.tracks[1].solo and not app.session.song.tracks[1].mute


async def test_a_change_while_playing_is_handed_to_the_player_with_the_new_strip() -> None:
    player = RecordingPlayer()
    app = band_app(player)
    async with app.run_test(size=(80, 24)) as pilot:
        app.transport.playing = True
        await pilot.press("alt+x", "pagedown")  # Keys -6 dB
        await pilot.pause(0.1)  # the next poll hands the song over
        updates = [c for c in player.sent if isinstance(c, UpdateSong)]
        assert updates and updates[-1].song.tracks[0].volume_db == -6.0


async def test_g_sets_the_master_in_a_dialog_as_one_undo_step() -> None:
    app = band_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+x", "g")
        await pilot.pause()
        dialog = app.screen
        assert dialog.query_one("#field-loudness").value == ""  # type: ignore[attr-defined]
        dialog.query_one("#field-loudness").value = "3"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert "loudness target must be -60 to 0 LUFS" in str(
            dialog.query_one("#dialog-error").render()
        )
        dialog.query_one("#field-loudness").value = "-14 LUFS"  # type: ignore[attr-defined]
        dialog.query_one("#field-gain").value = "-1.5"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
        master = app.session.song.master
        assert (master.gain_db, master.loudness, master.true_peak) == (-1.5, -14.0, -1.0)
        assert "Master -1.5 dB  target -14 LUFS" in app.mixer.render().plain
        await pilot.press("ctrl+z")
        assert app.session.song.master.loudness is None


async def test_a_song_with_more_tracks_than_lines_scrolls_to_keep_the_chosen_strip_in_view() -> (
    None
):
    tracks = [Track(f"Part {n + 1}") for n in range(30)]
    app = make_app(build_song(" | ".join(["--- .. .. ..."] * 30), tracks=tracks))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+x", *["down"] * 29)
        lines = app.mixer.render().plain.splitlines()
        assert lines[-1].split()[:3] == [">30", "Part", "30"]
        assert len(lines) == 22  # the title, the heading and 20 strips: the bar has the rest
