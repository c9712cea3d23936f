"""F1 / ? shows the whole key map and the effect table; the command palette finds every action."""

from __future__ import annotations

from textual.app import SystemCommand

from tests.support.pilot import make_app
from tracker.song.effects import EFFECTS
from tracker.song.model import Song
from tracker.ui.keymap import DIALOG_KEYS, KEYMAP
from tracker.ui.screens.help_screen import HelpScreen, effect_table, key_table


def table_text(table: object) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(table)
    return console.export_text()


def test_the_help_lists_every_binding_and_every_effect() -> None:
    keys = table_text(key_table())
    for key in KEYMAP:
        assert key.description in keys, key.id
    effects = table_text(effect_table())
    for spec in EFFECTS.values():
        assert spec.help in effects


def test_the_help_lists_the_keys_inside_dialogs() -> None:
    keys = table_text(key_table())
    for key, what in DIALOG_KEYS:
        assert key in keys and what in keys, key
    assert "complete the file name" in keys


def test_binding_ids_are_unique_so_a_user_keymap_can_name_each() -> None:
    ids = [key.id for key in KEYMAP]
    assert len(ids) == len(set(ids))


async def test_f1_and_question_mark_open_the_help_and_escape_closes_it() -> None:
    app = make_app(Song.new())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_command_palette_offers_every_action_and_runs_it() -> None:
    app = make_app(Song.new())
    async with app.run_test(size=(80, 24)) as pilot:
        commands = {
            c.title: c for c in app.get_system_commands(app.screen) if isinstance(c, SystemCommand)
        }
        for key in KEYMAP:
            assert key.description in commands, key.id
        commands["Base octave up"].callback()
        await pilot.pause()
        assert app.editor.octave == 5


async def test_a_user_keymap_moves_a_binding_by_its_id() -> None:
    app = make_app(Song.new())
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_keymap({"edit.base-octave-up": "f12"})
        await pilot.press("f12")
        assert app.editor.octave == 5
