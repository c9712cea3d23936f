"""Typing into the grid: piano keys, note-off, hex digits, effect letters, Delete."""

from __future__ import annotations

from textual import events

from tests.support.builders import build_song, pattern_rows
from tests.support.pilot import make_app
from tracker.song.model import Instrument, Song, Track
from tracker.ui.pattern.layout import Kind


async def test_piano_keys_write_notes_from_the_base_octave_and_step_down() -> None:
    app = make_app(Song.new(tracks=1, lines=8))
    async with app.run_test(size=(80, 24)) as pilot:
        # z = C, s = C#, m = B of octave 4; q = C of octave 5; p = E of octave 6
        await pilot.press("z", "s", "m", "q", "p")
        rows = pattern_rows(app.session.song)
        assert rows[:6] == [
            "C-4 01 .. ...",
            "C#4 01 .. ...",
            "B-4 01 .. ...",
            "C-5 01 .. ...",
            "E-6 01 .. ...",
            "--- .. .. ...",
        ]
        assert app.editor.cursor.line == 5


async def test_octave_and_edit_step_keys_change_what_the_next_note_does() -> None:
    app = make_app(Song.new(tracks=1, lines=16))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", "slash")  # base octave 4 -> 2
        await pilot.press("right_square_bracket", "right_square_bracket")  # step 1 -> 3
        await pilot.press("z", "v")
        rows = pattern_rows(app.session.song)
        assert rows[0].startswith("C-2 01") and rows[3].startswith("F-2 01")
        assert app.editor.cursor.line == 6


async def test_note_off_and_cut_carry_no_instrument() -> None:
    app = make_app(Song.new(tracks=1, lines=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z", "grave_accent", "tilde")
        assert pattern_rows(app.session.song)[:3] == [
            "C-4 01 .. ...",
            "OFF .. .. ...",
            "^^^ .. .. ...",
        ]


async def test_notes_use_the_chosen_instrument() -> None:
    song = build_song(
        "--- .. .. ...", instruments={1: Instrument("Piano"), 2: Instrument("Bass", program=33)}
    )
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("greater_than_sign", "x")
        assert pattern_rows(app.session.song)[0] == "D-4 02 .. ..."


async def test_hex_digits_fill_the_high_then_the_low_digit_then_step_down() -> None:
    app = make_app(Song.new(tracks=1, lines=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "0", "3")  # instrument 03 on line 0
        await pilot.press("right", "right", "7", "f")  # volume 7F on line 1
        # the cursor is back on volume's high digit: a volume stops at 7F, so 9 is held to 7
        await pilot.press("9")
        assert pattern_rows(app.session.song)[2] == "--- .. 7F ..."
        await pilot.press("9")
        rows = pattern_rows(app.session.song)
        assert rows[:3] == ["--- 03 .. ...", "--- .. 7F ...", "--- .. 79 ..."]


async def test_the_effect_field_takes_a_letter_then_hex() -> None:
    app = make_app(Song.new(tracks=1, lines=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["right"] * 5)  # the effect letter
        await pilot.press("a")  # an arpeggio, not a piano key here
        assert pattern_rows(app.session.song)[0] == "--- .. .. A00"
        await pilot.press("3", "7")  # the letter moved on to the value: no arrow needed
        assert pattern_rows(app.session.song)[0] == "--- .. .. A37"


async def test_at_step_two_an_effect_is_complete_only_with_its_last_digit() -> None:
    app = make_app(Song.new(tracks=1, lines=8))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right_square_bracket")  # edit step 1 -> 2
        await pilot.press(*["right"] * 5)  # the effect letter
        await pilot.press("r", "8", "3", "r", "4", "1")  # two retriggers, two lines apart
        rows = pattern_rows(app.session.song)
        assert rows[:5] == [
            "--- .. .. R83",
            "--- .. .. ...",
            "--- .. .. R41",
            "--- .. .. ...",
            "--- .. .. ...",
        ]
        # back on the effect letter, the step applied once per effect: ready for the next
        assert (app.editor.cursor.line, app.editor.field.kind) == (4, Kind.EFFECT_LETTER)


async def test_at_step_two_instrument_volume_and_cc_step_only_after_their_low_digit() -> None:
    song = build_song("--- .. .. ... ..\n" * 6, tracks=[Track("Synth", cc=["cutoff"])])
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right_square_bracket")  # edit step 1 -> 2
        await pilot.press("right", "0", "3", "0", "4")  # instrument 03, then 04 two lines on
        # Home keeps the field: back on line 0's instrument, two steps right is the volume
        await pilot.press("home", "right", "right", "6", "0", "4", "0")
        await pilot.press("home", "ctrl+right", "7", "f", "2", "0")  # the CC lane
        assert pattern_rows(app.session.song) == [
            "--- 03 60 ... 7F",
            "--- .. .. ... ..",
            "--- 04 40 ... 20",
            "--- .. .. ... ..",
            "--- .. .. ... ..",
            "--- .. .. ... ..",
        ]
        assert (app.editor.cursor.line, app.editor.field.kind) == (4, Kind.CC)
        assert app.editor.field.digit == 0


async def test_an_unknown_effect_letter_is_refused_with_a_message() -> None:
    app = make_app(Song.new(tracks=1, lines=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["right"] * 5, "z")
        assert pattern_rows(app.session.song)[0] == "--- .. .. ..."
        assert "not an effect" in app.session.message
        assert not app.session.dirty


async def test_cc_lanes_take_hex_up_to_7f() -> None:
    song = build_song("--- .. .. ... 10", tracks=[Track("Synth", cc=["cutoff"])])
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        # note, instrument 2 digits, volume 2, effect letter + 2: the CC lane is 8 steps right
        await pilot.press(*["right"] * 8, "4", "2")
        assert pattern_rows(app.session.song)[0] == "--- .. .. ... 42"


async def test_delete_clears_the_note_with_its_instrument_and_volume_but_not_the_effect() -> None:
    song = build_song("C-4 01 64 A37\nE-4 01 40 ...")
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("delete")
        assert pattern_rows(app.session.song) == ["--- .. .. A37", "E-4 01 40 ..."]


async def test_insert_and_backspace_shift_only_the_cursor_track() -> None:
    song = build_song(
        """
        C-4 01 .. ... | C-3 01 .. ...
        D-4 01 .. ... | D-3 01 .. ...
        E-4 01 .. ... | E-3 01 .. ...
        """
    )
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "insert")
        assert [r.split("|")[0].strip() for r in pattern_rows(app.session.song)] == [
            "C-4 01 .. ...",
            "--- .. .. ...",
            "D-4 01 .. ...",
        ]
        assert pattern_rows(app.session.song)[1].endswith("D-3 01 .. ...")
        await pilot.press("backspace", "backspace")
        assert [r.split("|")[0].strip() for r in pattern_rows(app.session.song)] == [
            "C-4 01 .. ...",
            "--- .. .. ...",
            "--- .. .. ...",
        ]


async def test_a_key_and_a_note_that_come_in_one_burst_act_in_the_order_they_came() -> None:
    """Over SSH keys arrive in bursts, and the terminal parser hands Alt+F over together
    with the key after it (it waits 100 ms to tell Alt+F from Escape then F)."""
    song = build_song("--- .. .. ... ..\n--- .. .. ... ..", tracks=[Track("Synth", cc=["cutoff"])])
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        burst = ["alt+f", "7", "f", "up", "alt+f", "z"]
        for key in burst:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause(0.2)
        # Alt+F reached the lane before 7 and f wrote 7F; Up and Alt+F came back before z
        assert pattern_rows(app.session.song) == ["C-4 01 .. ... 7F", "--- .. .. ... .."]
        assert (app.editor.cursor.line, app.editor.field.kind) == (1, Kind.NOTE)
