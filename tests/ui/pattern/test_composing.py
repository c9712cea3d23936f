"""Composing from the keyboard: chords by name, inversions and voicings, the chord named in
the status line, the scale lock, diatonic transpose, the grid's marks, generators and seed."""

from __future__ import annotations

from rich.style import Style
from textual.pilot import Pilot

from tests.support.builders import build_song, pattern_rows
from tests.support.fake_clock import FakeClock
from tests.support.pilot import make_app
from tracker.song.model import Song, Track
from tracker.ui.app import TrackerApp
from tracker.ui.screens.confirm import ConfirmDialog
from tracker.ui.screens.dialogs import FormDialog

EMPTY = "--- .. .. ... --- .. .. ... --- .. .. ... --- .. .. ..."


def keys_song(notes: int = 4, lines: int = 4) -> Song:
    row = " ".join(["--- .. .. ..."] * notes)
    return build_song("\n".join([row] * lines), tracks=[Track("Keys", notes=notes)])


def notes_on(app: TrackerApp, line: int) -> list[str]:
    """The note fields of a line, left to right."""
    row = pattern_rows(app.session.song)[line]
    return [part[:3] for part in row.split("|")[0].split(" ... ") if part.strip()]


async def type_chord(pilot: Pilot[int], symbol: str) -> None:
    await pilot.press("alt+c")
    assert isinstance(pilot.app.screen, FormDialog)
    field = pilot.app.screen.query_one("#field-chord")
    field.value = ""  # type: ignore[attr-defined]
    await pilot.press(*symbol, "enter")
    await pilot.pause()


async def test_a_chord_symbol_writes_its_notes_across_the_columns_with_the_instrument() -> None:
    app = make_app(keys_song())
    async with app.run_test(size=(100, 24)) as pilot:
        await type_chord(pilot, "Cm7")
        assert pattern_rows(app.session.song)[0] == (
            "C-4 01 .. ... D#4 01 .. ... G-4 01 .. ... A#4 01 .. ..."
        )
        assert app.bar.state is not None and app.bar.state.chord == "Cm7"
        await pilot.press("ctrl+z")  # one undo step takes the whole chord back
        assert pattern_rows(app.session.song)[0] == EMPTY


async def test_a_slash_chord_puts_its_bass_below_and_the_status_line_names_it() -> None:
    app = make_app(keys_song(notes=6))
    async with app.run_test(size=(120, 24)) as pilot:
        await type_chord(pilot, "F#maj9/A")
        assert notes_on(app, 0) == ["A-3", "F#4", "A#4", "C#5", "F-5", "G#5"]
        assert app.bar.state is not None and app.bar.state.chord == "F#maj9/A"


async def test_a_chord_wider_than_the_track_asks_before_growing_it() -> None:
    app = make_app(keys_song(notes=2))
    app.editor.clock = clock = FakeClock()
    async with app.run_test(size=(100, 24)) as pilot:
        await type_chord(pilot, "Cmaj7")
        assert isinstance(app.screen, ConfirmDialog)
        clock.advance()
        await pilot.press("enter")  # the safe answer: nothing changes
        assert app.session.song.tracks[0].notes == 2
        assert pattern_rows(app.session.song)[0] == "--- .. .. ... --- .. .. ..."

        await type_chord(pilot, "Cmaj7")
        clock.advance()
        await pilot.press("ctrl+g")  # grow
        await pilot.pause()
        assert app.session.song.tracks[0].notes == 4
        assert notes_on(app, 0) == ["C-4", "E-4", "G-4", "B-4"]
        await pilot.press("ctrl+z")  # the chord and the columns go in one step
        assert app.session.song.tracks[0].notes == 2
        assert pattern_rows(app.session.song)[0] == "--- .. .. ... --- .. .. ..."


async def test_an_unknown_chord_symbol_says_so_on_the_status_line() -> None:
    app = make_app(keys_song())
    async with app.run_test(size=(100, 24)) as pilot:
        await type_chord(pilot, "H7")
        assert "not a chord symbol" in app.session.message
        assert "F#maj9/A" in app.session.message  # what was expected
        await type_chord(pilot, "Cxyz")
        assert 'unknown chord kind "xyz"' in app.session.message
        assert pattern_rows(app.session.song)[0] == EMPTY


async def test_inversions_and_voicings_cycle_and_the_status_line_follows() -> None:
    app = make_app(keys_song())
    async with app.run_test(size=(100, 24)) as pilot:
        await type_chord(pilot, "Cmaj7")
        await pilot.press("alt+u")  # first inversion: E G B C
        assert notes_on(app, 0) == ["E-4", "G-4", "B-4", "C-5"]
        assert app.bar.state is not None and app.bar.state.chord == "Cmaj7/E"
        await pilot.press("alt+d")  # back to root position
        assert notes_on(app, 0) == ["C-4", "E-4", "G-4", "B-4"]
        await pilot.press("alt+v")  # drop-2: G an octave down
        assert notes_on(app, 0) == ["G-3", "C-4", "E-4", "B-4"]
        assert app.session.message == "Voicing: drop-2"
        assert app.bar.state.chord == "Cmaj7/G"
        await pilot.press("alt+v", "alt+v", "alt+v")  # drop-3, drop-2-4, close again
        assert notes_on(app, 0) == ["C-4", "E-4", "G-4", "B-4"]
        await pilot.press("ctrl+z")  # each step is its own undo
        assert notes_on(app, 0) == ["C-3", "G-3", "E-4", "B-4"]


async def test_moving_onto_and_off_a_chord_names_it_in_the_status_line() -> None:
    app = make_app(keys_song())
    async with app.run_test(size=(100, 24)) as pilot:
        await type_chord(pilot, "G7")
        await pilot.press("down")
        assert app.bar.state is not None and app.bar.state.chord == ""
        await pilot.press("up")
        assert app.bar.state.chord == "G7"
        assert "G7" in app.bar.render().plain


def c_minor_song() -> Song:
    song = Song.new(tracks=1, lines=16)
    song.key, song.scale = "C", "minor"
    return song


async def test_with_the_scale_lock_the_letter_keys_walk_c_minor() -> None:
    app = make_app(c_minor_song())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+l")
        assert app.bar.state is not None and app.bar.state.lock
        assert "LOCK" in app.bar.render().plain and "C minor" in app.bar.render().plain
        await pilot.press(*"zxcvbnmq")
        assert [r[:3] for r in pattern_rows(app.session.song)[:8]] == [
            *("C-4", "D-4", "D#4", "F-4", "G-4", "G#4", "A#4", "C-5"),
        ]


async def test_with_the_scale_lock_a_note_outside_the_scale_snaps_to_the_nearest() -> None:
    app = make_app(c_minor_song())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+l")
        # s = C# (between C and D: a tie goes down), d = D# (Eb: in the scale),
        # g = F# (F or G: down), j = A# (Bb: in the scale)
        await pilot.press("s", "d", "g", "j")
        assert [r[:3] for r in pattern_rows(app.session.song)[:4]] == [
            *("C-4", "D#4", "F-4", "A#4"),
        ]
        await pilot.press("alt+l", "s")  # unlocked: C# as typed
        assert pattern_rows(app.session.song)[4][:3] == "C#4"


def line_style(app: TrackerApp, y: int, text: str) -> Style:
    """The style of the first segment of a drawn line holding `text`."""
    for segment in app.editor.render_line(y):
        if text in segment.text:
            return segment.style or Style()
    raise AssertionError(f"{text!r} is not on line {y}")


async def test_the_grid_marks_notes_outside_the_scale() -> None:
    song = build_song("C-4 01 .. ...\nC#4 01 .. ...\nD#4 01 .. ...")
    song.key, song.scale = "C", "minor"
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "down")  # the cursor off the notes
        assert not line_style(app, 1, "C-4").underline
        assert line_style(app, 2, "C#4").underline  # outside C minor
        assert not line_style(app, 3, "D#4").underline  # Eb: inside


async def test_a_chromatic_song_marks_nothing() -> None:
    app = make_app(build_song("C-4 01 .. ...\nC#4 01 .. ...\n--- .. .. ..."))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down")
        assert not line_style(app, 2, "C#4").underline


async def test_diatonic_transpose_moves_the_selection_by_scale_degrees() -> None:
    song = build_song("C-4 01 .. ...\nE-4 01 .. ...\nB-4 01 .. ...")
    song.key, song.scale = "C", "major"
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+t", "alt+shift+q")  # the track, up a degree
        assert [r[:3] for r in pattern_rows(app.session.song)] == ["D-4", "F-4", "C-5"]
        await pilot.press("alt+q")  # the chromatic one is still a semitone
        assert [r[:3] for r in pattern_rows(app.session.song)] == ["D#4", "F#4", "C#5"]
        await pilot.press("ctrl+z", "alt+t", "alt+shift+a", "alt+shift+a")  # undo drops it
        assert [r[:3] for r in pattern_rows(app.session.song)] == ["B-3", "D-4", "A-4"]
        await pilot.press("ctrl+z")  # one degree per undo step
        assert [r[:3] for r in pattern_rows(app.session.song)] == ["C-4", "E-4", "B-4"]


async def fill_rhythm(pilot: Pilot[int], hits: str, steps: str, rotation: str) -> None:
    await pilot.press("alt+k")
    screen = pilot.app.screen
    assert isinstance(screen, FormDialog)
    for key, value in (("hits", hits), ("steps", steps), ("rotation", rotation)):
        screen.query_one(f"#field-{key}").value = value  # type: ignore[attr-defined]
    await pilot.press("enter")
    await pilot.pause()


def rhythm(app: TrackerApp) -> str:
    return "".join("x" if r.startswith("C-4") else "." for r in pattern_rows(app.session.song))


def one_note(lines: int) -> Song:
    return build_song("\n".join(["C-4 01 50 ...", *["--- .. .. ..."] * (lines - 1)]))


async def test_e3_8_fills_the_track_with_the_tresillo_in_one_undo_step() -> None:
    app = make_app(one_note(16))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+t")  # the whole track: the cursor ends on the last line
        await fill_rhythm(pilot, "3", "8", "0")
        assert rhythm(app) == "x..x..x.x..x..x."
        assert pattern_rows(app.session.song)[3] == "C-4 01 50 ..."
        await pilot.press("ctrl+z")
        assert rhythm(app) == "x" + "." * 15


async def test_e5_16_rotated_fills_one_cycle_from_the_cursor() -> None:
    app = make_app(one_note(16))
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_rhythm(pilot, "5", "16", "3")
        assert rhythm(app) == "x..x..x..x...x.."


async def test_a_bad_rhythm_is_refused_in_the_dialog() -> None:
    app = make_app(one_note(8))
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_rhythm(pilot, "9", "8", "0")
        assert isinstance(app.screen, FormDialog)
        assert "0-8" in str(app.screen.query_one("#dialog-error").render())


async def test_double_and_thin_are_single_undo_steps() -> None:
    app = make_app(build_song("\n".join(["C-4 01 .. ...", *["--- .. .. ..."] * 3] * 2)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+shift+h")  # no selection: the whole track
        assert rhythm(app) == "x.x.x.x."
        await pilot.press("alt+h", "alt+h")
        assert rhythm(app) == "x......."
        await pilot.press("ctrl+z")
        assert rhythm(app) == "x...x..."
        await pilot.press("ctrl+z")
        assert rhythm(app) == "x.x.x.x."


async def test_a_new_seed_is_rolled_and_undone() -> None:
    app = make_app(one_note(4))
    async with app.run_test(size=(80, 24)) as pilot:
        before = app.session.song.seed
        await pilot.press("alt+g")
        assert app.session.song.seed != before
        assert f"Seed {app.session.song.seed}" in app.session.message
        await pilot.press("ctrl+z")
        assert app.session.song.seed == before


async def test_a_track_loop_set_in_its_settings_greys_the_lines_after_it() -> None:
    app = make_app(one_note(8))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+e")
        screen = app.screen
        assert isinstance(screen, FormDialog)
        screen.query_one("#field-loop").value = "4"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.song.patterns["00"].tracks[0].loop == 4
        assert not line_style(app, 4, "---").dim  # line 3: still looping
        assert line_style(app, 5, "---").dim  # line 4: after the loop
        await pilot.press("ctrl+z")
        assert app.session.song.patterns["00"].tracks[0].loop is None
        assert not line_style(app, 5, "---").dim


async def test_the_song_settings_set_the_key_and_the_pattern_list_a_patterns_own() -> None:
    app = make_app(Song.new(tracks=1, lines=4))
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.press("f2")
        screen = app.screen
        assert isinstance(screen, FormDialog)
        screen.query_one("#field-key").value = "Bb"  # type: ignore[attr-defined]
        screen.query_one("#field-scale").value = "dorian"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        song = app.session.song
        assert (song.key, song.scale) == ("A#", "dorian")
        assert app.bar.state is not None and app.bar.state.key == "A# dorian"
        await pilot.press("f4", "f4", "k")  # the pattern list: this pattern's key
        screen = app.screen
        assert isinstance(screen, FormDialog)
        screen.query_one("#field-key").value = "E"  # type: ignore[attr-defined]
        screen.query_one("#field-scale").value = "phrygian"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert (song.patterns["00"].key, song.patterns["00"].scale) == ("E", "phrygian")
