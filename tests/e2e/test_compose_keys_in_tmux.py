"""The composing keys as a terminal really sends them: Alt+Shift+Q arrives as ESC Q, which
is not Alt+Q (ESC q); a chord typed by name lands in the song file."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support.builders import build_song
from tests.support.tmux import Terminal
from tracker.song.model import Track
from tracker.song.notation import format_note
from tracker.song.storage import load_song, save_song

TRACKER = [sys.executable, "-m", "tracker"]


def test_alt_shift_q_moves_a_scale_degree_alt_q_a_semitone_and_a_chord_is_saved(
    terminal: Terminal, tmp_path: Path
) -> None:
    empty = " ".join(["--- .. .. ..."] * 4)
    first = "C-4 01 .. ..." + empty[13:]
    song = build_song("\n".join([first, empty, empty, empty]), tracks=[Track("Keys", notes=4)])
    song.key, song.scale = "C", "major"
    path = tmp_path / "keys.toml"
    save_song(song, path)

    terminal.start([*TRACKER, str(path)])
    terminal.wait_for("keys.toml")
    terminal.keys("M-Q")  # Alt+Shift+Q: C up a degree of C major is D (a semitone: C#)
    terminal.wait_for(lambda screen: "D-4" in screen)
    terminal.keys("M-q")  # Alt+Q: a semitone
    terminal.wait_for(lambda screen: "D#4" in screen)
    terminal.keys("Down", "M-c")  # a chord on the next line
    terminal.wait_for("Chord symbol")
    terminal.keys("BSpace")
    terminal.type_slowly("G7")
    terminal.keys("Enter")
    terminal.wait_for(lambda screen: "B-4" in screen and "G7" in screen)  # named on the status line
    terminal.keys("C-s")
    terminal.wait_for(lambda screen: "saved" in screen.lower())
    terminal.keys("C-q")
    assert terminal.exit_code() == 0

    saved = load_song(path)
    columns = saved.patterns["00"].tracks[0].columns
    assert format_note(columns[0][0].note) == "D#4"
    assert [format_note(c[1].note) for c in columns] == ["G-4", "B-4", "D-5", "F-5"]
