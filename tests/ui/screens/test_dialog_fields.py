"""Dialog fields take what is typed where it is typed, and never wipe a field on their own.

Keys are posted to the app the way a terminal delivers a burst (no idle wait in
between, unlike `pilot.press`), so a Tab followed at once by text is the real case.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.support.builders import build_song, pattern_rows
from tests.support.pilot import make_app
from tracker.song.model import Track
from tracker.ui.app import TrackerApp

ROW = "C-4 01 .. ... 40 10"


def lead_song() -> TrackerApp:
    return make_app(build_song(ROW, tracks=[Track("Lead", cc=["cutoff", "74"])]))


def burst(app: TrackerApp, *keys: str) -> None:
    """Queue keys back to back, as a fast typist's terminal sends them."""
    named = {"tab": "\t", "shift+tab": None, "backspace": "\x7f", "enter": "\r"}
    for key in keys:
        app.post_message(events.Key(key, named.get(key, key)))


def fields(app: TrackerApp) -> dict[str, str]:
    return {str(field.id).removeprefix("field-"): field.value for field in app.screen.query(Input)}


async def test_text_typed_right_after_tab_lands_in_the_next_field() -> None:
    app = lead_song()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("alt+e")  # track settings: name, notes, effects, CC lanes
        burst(app, "tab", "2", "tab", "tab", "shift+tab", "backspace", "0")
        await pilot.pause()
        assert fields(app) == {
            "name": "Lead",
            "notes": "12",
            "effects": "0",
            "cc": "cutoff, 74",
            "loop": "",
        }


async def test_backspace_after_tab_takes_one_character_not_the_whole_field() -> None:
    app = lead_song()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("alt+e", "tab", "tab", "tab")  # to the CC lanes
        await pilot.press("backspace")
        assert fields(app)["cc"] == "cutoff, 7"
        await pilot.press("4", "enter")  # as it was: nothing changed, the dialog says so
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.song.tracks[0].cc == ["cutoff", "74"]
        assert pattern_rows(app.session.song) == [ROW]


async def test_the_first_field_is_not_selected_either() -> None:
    app = lead_song()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("alt+e")
        burst(app, "backspace", "d")
        await pilot.pause()
        assert fields(app)["name"] == "Lead"[:-1] + "d"


async def test_an_unknown_cc_lane_name_is_refused_in_the_dialog() -> None:
    app = lead_song()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("alt+e", "tab", "tab", "tab")
        await pilot.press(*", resonanse", "enter")
        error = app.screen.query_one("#dialog-error").render()
        assert 'unknown CC lane "resonanse"' in str(error)
        assert 'did you mean "resonance"?' in str(error)
        assert app.session.song.tracks[0].cc == ["cutoff", "74"]


async def test_a_soundfont_bank_past_128_is_refused_in_the_instrument_dialog() -> None:
    app = lead_song()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4", "f4", "f4", "e")  # the instruments panel, edit 01
        await pilot.press("tab", "tab", "1", "2", "8", "1", "0", "enter")
        assert fields(app)["bank"] == "012810"
        error = app.screen.query_one("#dialog-error").render()
        assert "must be 0-128, not 12810" in str(error)
        assert app.session.song.instruments[1].bank == 0
