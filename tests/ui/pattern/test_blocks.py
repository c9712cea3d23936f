"""Selections and what they do: copy, cut, paste, transpose, interpolate; undo and redo of all of it."""

from __future__ import annotations

from tests.support.builders import build_song, pattern_rows
from tests.support.pilot import make_app

RIFF = """
    C-4 01 40 ... | --- .. .. ...
    E-4 01 .. ... | --- .. .. ...
    G-4 01 .. ... | --- .. .. ...
    C-5 01 7F ... | --- .. .. ...
"""


def track(song_rows: list[str], index: int) -> list[str]:
    return [row.split("|")[index].strip() for row in song_rows]


async def test_shift_down_selects_lines_that_copy_and_paste_into_another_track() -> None:
    app = make_app(build_song(RIFF))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("shift+down", "shift+down")  # lines 0-2 of track 1
        selection = app.editor.selection
        assert selection is not None and list(selection.lines) == [0, 1, 2]
        await pilot.press("ctrl+c", "tab", "home", "ctrl+v")  # Tab keeps the line: go to the top
        rows = pattern_rows(app.session.song)
        assert track(rows, 1) == [
            "C-4 01 40 ...",
            "E-4 01 .. ...",
            "G-4 01 .. ...",
            "--- .. .. ...",
        ]
        assert track(rows, 0) == [*track(rows, 1)[:3], "C-5 01 7F ..."]


async def test_cut_empties_the_selection_and_paste_puts_it_back_lower() -> None:
    app = make_app(build_song(RIFF))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("shift+down", "ctrl+x")
        assert track(pattern_rows(app.session.song), 0)[:2] == ["--- .. .. ...", "--- .. .. ..."]
        await pilot.press("escape", "down", "ctrl+v")  # the cursor was on line 1: paste on 2
        assert track(pattern_rows(app.session.song), 0) == [
            "--- .. .. ...",
            "--- .. .. ...",
            "C-4 01 40 ...",
            "E-4 01 .. ...",
        ]


async def test_transpose_moves_the_selected_notes_and_undo_moves_them_back() -> None:
    app = make_app(build_song(RIFF))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+t")  # the whole track
        await pilot.press("alt+q", "alt+q", "alt+w")  # +1, +1, +12
        assert [r[:3] for r in track(pattern_rows(app.session.song), 0)] == [
            "D-5",
            "F#5",
            "A-5",
            "D-6",
        ]
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")
        assert [r[:3] for r in track(pattern_rows(app.session.song), 0)] == [
            "C-4",
            "E-4",
            "G-4",
            "C-5",
        ]
        assert not app.session.dirty
        await pilot.press("ctrl+y")
        assert track(pattern_rows(app.session.song), 0)[0].startswith("C#4")
        assert app.session.dirty


async def test_transpose_without_a_selection_moves_the_note_under_the_cursor() -> None:
    app = make_app(build_song(RIFF))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "alt+a")
        assert [r[:3] for r in track(pattern_rows(app.session.song), 0)] == [
            "C-4",
            "D#4",
            "G-4",
            "C-5",
        ]


async def test_interpolate_ramps_the_volume_between_the_ends() -> None:
    app = make_app(build_song(RIFF))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("shift+down", "shift+down", "shift+down", "alt+i")
        volumes = [r[7:9] for r in track(pattern_rows(app.session.song), 0)]
        assert volumes[0] == "40" and volumes[-1] == "7F"
        values = [int(v, 16) for v in volumes]
        assert values == sorted(values) and len(set(values)) == 4


async def test_every_typed_note_is_its_own_undo_step() -> None:
    app = make_app(build_song("--- .. .. ...\n--- .. .. ...\n--- .. .. ..."))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z", "x", "c")
        await pilot.press("ctrl+z")
        assert [r[:3] for r in pattern_rows(app.session.song)] == ["C-4", "D-4", "---"]
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")  # one more than there is
        assert [r[:3] for r in pattern_rows(app.session.song)] == ["---", "---", "---"]
        assert app.session.message == "Nothing to undo"


async def test_a_refused_transpose_changes_nothing_and_says_why() -> None:
    app = make_app(build_song("G-9 01 .. ..."))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+q")
        assert pattern_rows(app.session.song) == ["G-9 01 .. ..."]
        assert "above G-9" in app.session.message
        await pilot.pause()
        assert "above G-9" in app.bar.render().plain
