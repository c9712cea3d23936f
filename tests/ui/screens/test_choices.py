"""Fields that offer choices: General MIDI sounds by name in the instrument dialog, and the
soundfonts the search finds in the song settings.

The General MIDI names are the shipped gm.toml; the soundfont is the real one
`make setup` installs (tests/support/audio.py), found by the real search.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.support.audio import GM_FONT
from tests.support.builders import build_song
from tests.support.devices import write_user_device
from tests.support.pilot import make_app
from tests.ui.screens.test_dialog_fields import burst
from tracker.errors import SoundfontError
from tracker.song.model import Instrument
from tracker.ui.app import TrackerApp
from tracker.ui.screens.forms import settings_fields, settings_parser

ROW = "C-4 01 .. ..."


def fields(app: TrackerApp) -> dict[str, str]:
    return {str(field.id).removeprefix("field-"): field.value for field in app.screen.query(Input)}


def offered(app: TrackerApp, key: str) -> list[str]:
    return str(app.screen.query_one(f"#choices-{key}").render()).split("\n")


def error(app: TrackerApp) -> str:
    return str(app.screen.query_one("#dialog-error").render())


async def new_instrument_program_field(pilot: Pilot[int]) -> None:
    await pilot.press("f4", "f4", "f4", "n", "tab")  # instruments panel, new, to the program
    await pilot.pause()


async def test_typing_part_of_a_name_lists_the_programs_and_picking_one_fills_the_instrument() -> (
    None
):
    app = make_app(build_song(ROW))
    async with app.run_test(size=(80, 24)) as pilot:
        await new_instrument_program_field(pilot)
        assert offered(app, "program")[0] == "  0 Acoustic Grand Piano", "the number's name"
        await pilot.press("backspace", *"vibra")
        assert offered(app, "program") == ["  11 Vibraphone"]
        await pilot.press("down", "enter")  # pick it: program, bank and the name "New"
        assert fields(app) == {
            "name": "Vibraphone",
            "program": "11",
            "bank": "0",
            "device": "",
            "channel": "",
        }
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.song.instruments[2] == Instrument("Vibraphone", program=11)


async def test_a_drum_kit_is_found_by_name_and_goes_on_bank_128() -> None:
    app = make_app(build_song(ROW))
    async with app.run_test(size=(80, 24)) as pilot:
        await new_instrument_program_field(pilot)
        await pilot.press("backspace", *"808")
        assert offered(app, "program") == ["  25 TR-808 drum kit (bank 128)"]
        burst(app, "down", "enter", "enter")  # pick, then confirm, as fast as typed
        await pilot.pause()
        kit = app.session.song.instruments[2]
        assert (kit.name, kit.program, kit.bank, kit.is_drum_kit) == (
            "TR-808 drum kit",
            25,
            128,
            True,
        )


async def test_up_and_down_walk_the_list_and_a_number_still_works() -> None:
    app = make_app(build_song(ROW))
    async with app.run_test(size=(80, 24)) as pilot:
        await new_instrument_program_field(pilot)
        await pilot.press("backspace", *"kit")
        lines = offered(app, "program")
        assert lines[:2] == ["  0 Standard drum kit (bank 128)", "  8 Room drum kit (bank 128)"]
        assert lines[-1] == "  … 4 more: type to narrow"
        await pilot.press("down", "down", "down", "up")
        assert offered(app, "program")[1] == "> 8 Room drum kit (bank 128)"
        await pilot.press("escape")
        await pilot.press("n", "tab", "backspace", "4", "0", "enter")  # Violin, by its number
        await pilot.pause()
        assert app.session.song.instruments[2].program == 40


async def test_a_name_typed_whole_is_taken_and_an_unclear_one_is_asked_about() -> None:
    app = make_app(build_song(ROW))
    async with app.run_test(size=(80, 24)) as pilot:
        await new_instrument_program_field(pilot)
        await pilot.press("backspace", *"pian", "enter")
        assert '"pian" names 6 sounds (Acoustic Grand Piano, Bright Acoustic Piano' in error(app)
        assert '"pian" names' in error(app) and "pick one with Up/Down" in error(app)
        await pilot.press(*"o 1", "enter")  # "piano 1": Electric Piano 1 alone holds both words
        await pilot.pause()
        assert app.session.song.instruments[2].program == 4


async def test_the_song_settings_offer_the_soundfonts_found_and_keep_the_one_picked() -> None:
    app = make_app(build_song(ROW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *["tab"] * 7)  # past tempo, lines, ticks, swing, key, scale
        await pilot.pause()
        assert f"  {GM_FONT}" in offered(app, "soundfont")
        await pilot.press(*"timgm")
        assert offered(app, "soundfont") == [f"  {GM_FONT}"]
        await pilot.press("down", "enter")
        assert fields(app)["soundfont"] == str(GM_FONT)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.song.soundfont == str(GM_FONT)
        await pilot.press("ctrl+z")  # one undo step
        assert app.session.song.soundfont is None


async def test_a_soundfont_that_is_missing_or_not_one_is_refused_in_the_dialog(
    tmp_path: Path,
) -> None:
    wav = tmp_path / "kick.wav"
    wav.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    app = make_app(build_song(ROW))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *["tab"] * 7)  # to the soundfont
        await pilot.press(*str(tmp_path / "gone.sf2"), "enter")
        assert f"soundfont {tmp_path / 'gone.sf2'} does not exist" in error(app)
        field = app.screen.query_one("#field-soundfont", Input)
        field.value = str(wav)
        await pilot.press("enter")
        assert "is not a soundfont: it is a WAV audio file" in error(app)
        await pilot.press("escape")
        assert app.session.song.soundfont is None


async def test_the_tempo_label_says_the_tempo_as_a_txx_effect() -> None:
    app = make_app(build_song(ROW, bpm=120))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        labels = [str(label.render()) for label in app.screen.query("Label")]
        assert "Tempo (bpm, decimals allowed; T78 = 120 bpm)" in labels
        await pilot.press("tab", *["backspace"] * 3, *"30.5", "enter")
        await pilot.pause()
        assert app.session.song.bpm == 30.5


async def test_a_name_and_enter_sent_at_once_are_taken_in_that_order() -> None:
    app = make_app(build_song(ROW))
    async with app.run_test(size=(80, 24)) as pilot:
        await new_instrument_program_field(pilot)
        burst(app, "backspace", *"vibra", "enter")  # Enter after the name, never before it
        await pilot.pause()
        assert app.session.song.instruments[2].program == 11


def test_a_soundfont_path_is_taken_relative_to_the_songs_folder(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "my.sf2").symlink_to(GM_FONT)
    song = build_song(ROW)
    values = {key: text for key, _, text in settings_fields(song)} | {"soundfont": "fonts/my.sf2"}

    settings_parser(song, tmp_path)(values).apply(song)

    assert song.soundfont == "fonts/my.sf2", "kept as typed: the song moves with its folder"
    with pytest.raises(SoundfontError, match="does not exist"):
        settings_parser(build_song(ROW), tmp_path / "elsewhere")(values)


async def test_a_device_with_patch_names_offers_them_under_the_program() -> None:
    write_user_device(
        "mono",
        'name = "Mono"\nports = ["Mono"]\n[cc]\ncutoff = 74\n'
        '[patches.0]\n0 = "Init"\n12 = "Acid Bass"\n[patches.1]\n3 = "Acid Lead"\n',
    )
    app = make_app(build_song(ROW))
    async with app.run_test(size=(80, 24)) as pilot:
        await new_instrument_program_field(pilot)
        await pilot.press("tab", "tab", *"mono", "shift+tab", "shift+tab")  # the device first
        await pilot.press("backspace", *"acid")
        assert offered(app, "program") == ["  0: 12 Acid Bass", "  1:  3 Acid Lead"]
        await pilot.press("down", "down", "enter")  # the lead, on bank 1
        assert fields(app)["program"] == "3" and fields(app)["bank"] == "1"
