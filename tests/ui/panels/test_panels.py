"""The order list, the instruments panel and the song settings dialog, from the keyboard."""

from __future__ import annotations

from tests.support.builders import build_song, pattern_rows
from tests.support.pilot import make_app
from tracker.song.model import Instrument

VERSE = "C-4 01 .. ...\n--- .. .. ..."


async def test_f4_walks_the_panels_and_escape_comes_back() -> None:
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        assert app.orders.has_focus
        await pilot.press("f4")
        assert app.patterns.has_focus
        await pilot.press("f4")
        assert app.instruments.has_focus
        await pilot.press("escape")
        assert app.editor.has_focus


async def test_the_order_list_repeats_clones_moves_and_removes_entries() -> None:
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "d")  # repeat entry 00
        assert app.session.song.order == ["00", "00"]
        await pilot.press("c")  # a copy of the pattern after it, and edit it
        song = app.session.song
        assert song.order == ["00", "01", "00"]
        assert pattern_rows(song, "01") == pattern_rows(song, "00")
        assert app.editor.pattern_name == "01"
        await pilot.press("n")  # a new empty pattern after that
        assert app.session.song.order == ["00", "01", "02", "00"]
        assert pattern_rows(app.session.song, "02") == ["--- .. .. ...", "--- .. .. ..."]
        await pilot.press("shift+up")  # move the new entry up
        assert app.session.song.order == ["00", "02", "01", "00"]
        await pilot.press("delete")
        assert app.session.song.order == ["00", "01", "00"]
        await pilot.press("ctrl+z")
        assert app.session.song.order == ["00", "02", "01", "00"]


async def test_choosing_an_entry_edits_its_pattern() -> None:
    app = make_app(build_song(VERSE, "E-4 01 .. ...\n--- .. .. ..."))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "down", "enter", "escape", "z")
        assert app.editor.pattern_name == "01"
        assert pattern_rows(app.session.song, "01")[0] == "C-4 01 .. ..."


async def test_the_instruments_panel_chooses_the_instrument_notes_are_written_with() -> None:
    song = build_song(
        VERSE, instruments={1: Instrument("Piano"), 2: Instrument("Strings", program=48)}
    )
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "f4", "f4", "down", "enter", "escape", "down", "z")
        assert pattern_rows(app.session.song)[1] == "C-4 02 .. ..."


async def test_an_instrument_is_edited_in_a_dialog_and_bad_values_are_refused_there() -> None:
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "f4", "f4", "e")
        await pilot.pause()
        dialog = app.screen
        name = dialog.query_one("#field-name")
        program = dialog.query_one("#field-program")
        name.value = "Organ"  # type: ignore[attr-defined]
        program.value = "300"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # refused: program must be 0-127
        assert "program" in str(dialog.query_one("#dialog-error").render()).lower()
        program.value = "19"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is not dialog
        assert app.session.song.instruments[1].name == "Organ"
        assert app.session.song.instruments[1].program == 19


async def test_song_settings_change_tempo_and_lines_per_beat() -> None:
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one("#field-bpm").value = "96"  # type: ignore[attr-defined]
        app.screen.query_one("#field-lpb").value = "8"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert (app.session.song.bpm, app.session.song.lpb) == (96.0, 8)
        assert "96bpm" in app.bar.render().plain
        await pilot.press("ctrl+z")
        assert (app.session.song.bpm, app.session.song.lpb) == (120.0, 4)


async def test_the_pattern_list_renames_and_resizes_through_dialogs() -> None:
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "f4", "r")
        await pilot.pause()
        app.screen.query_one("#field-name").value = "verse"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert list(app.session.song.patterns) == ["verse"]
        assert app.session.song.order == ["verse"]
        assert app.editor.pattern_name == "verse"
        await pilot.press("l")
        await pilot.pause()
        app.screen.query_one("#field-lines").value = "4"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert pattern_rows(app.session.song, "verse") == [
            "C-4 01 .. ...",
            "--- .. .. ...",
            "--- .. .. ...",
            "--- .. .. ...",
        ]
        await pilot.press("escape", "end")  # the editor knows the new length
        assert app.editor.cursor.line == 3


async def test_track_settings_add_a_note_column_and_a_cc_lane_in_one_undo_step() -> None:
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+e")
        await pilot.pause()
        app.screen.query_one("#field-notes").value = "2"  # type: ignore[attr-defined]
        app.screen.query_one("#field-cc").value = "cutoff"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert pattern_rows(app.session.song)[0] == "C-4 01 .. ... --- .. .. ... .."
        # two note columns of 8 cursor stops each, then the lane's first digit
        await pilot.press("end", *["right"] * 16, "4", "0")
        assert pattern_rows(app.session.song)[1].endswith(" 40")
        await pilot.press("ctrl+z", "ctrl+z")  # each hex digit was a step of its own
        assert pattern_rows(app.session.song)[1] == "--- .. .. ... --- .. .. ... .."
        await pilot.press("ctrl+z")  # the whole dialog is one step
        assert pattern_rows(app.session.song) == ["C-4 01 .. ...", "--- .. .. ..."]


async def test_tracks_are_added_and_removed_beside_the_cursor() -> None:
    app = make_app(build_song(VERSE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+j")
        assert len(app.session.song.tracks) == 2
        assert pattern_rows(app.session.song)[0] == "C-4 01 .. ... | --- .. .. ..."
        await pilot.press("alt+r")
        assert len(app.session.song.tracks) == 1
        await pilot.press("alt+r")  # the last track stays
        assert len(app.session.song.tracks) == 1
        assert app.session.message
