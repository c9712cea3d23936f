"""Editing comforts through a real terminal (tmux, as over SSH): Ctrl+arrows and Alt+F
arrive and move by note column and CC lane, an effect typed at edit step 2 keeps its
digits, Alt+Z hides the side column, Alt+Shift+L lists messages, and the file holds it all."""

from __future__ import annotations

import time
from pathlib import Path

from tests.support.builders import build_song, pattern_rows
from tests.support.tmux import Terminal, start_tracker
from tracker.song.model import Track
from tracker.song.storage import load_song, save_song

KEY_GAP_S = 0.08
"""Between keys, a brisk typist's pace."""
ALT_GAP_S = 0.3
"""After an Alt key (Escape + letter) and after Escape: the terminal parser waits 100 ms
(ESCDELAY) to tell Alt+F from Escape then F."""


def press(terminal: Terminal, *keys: str) -> None:
    for key in keys:
        terminal.keys(key)
        time.sleep(ALT_GAP_S if key.startswith("M-") or key == "Escape" else KEY_GAP_S)


def test_chords_a_cc_lane_and_effects_typed_in_tmux_land_where_the_keys_say(
    terminal: Terminal, tmp_path: Path
) -> None:
    path = tmp_path / "chords.toml"
    tracks = [Track("Chords", notes=2, cc=["cutoff"]), Track("Bass")]
    save_song(
        build_song("--- .. .. ... --- .. .. ... .. | --- .. .. ...\n" * 8, tracks=tracks), path
    )
    start_tracker(terminal, str(path))
    terminal.wait_for("chords.toml")
    terminal.wait_for(lambda s: "cut" in s.splitlines()[0])  # the header names the CC lane
    press(terminal, "z", "Up", "C-Right", "c", "Up")  # C-4 and E-4: a chord on line 0
    press(terminal, "M-f", "7", "f")  # the cutoff lane: 7F, then a step down
    press(terminal, "C-Left", "Home", "Left", "Left", "Left")  # back to the C's effect letter
    press(terminal, "]", "r", "8", "3", "a", "3", "7")  # at step 2: R83 on line 0, A37 on 2
    terminal.wait_for("A37")
    press(terminal, "M-z", "M-z")  # compact, then hidden: the grid takes the whole width
    terminal.wait_for(lambda s: "Order" not in s)
    press(terminal, "M-L")
    terminal.wait_for("Messages, newest last")
    press(terminal, "Escape", "C-s")
    terminal.wait_for(lambda s: "saved" in s.lower())
    press(terminal, "C-q")
    assert terminal.exit_code() == 0

    rows = pattern_rows(load_song(path))
    assert rows[0] == "C-4 01 .. R83 E-4 01 .. ... 7F | --- .. .. ..."
    assert rows[1] == "--- .. .. ... --- .. .. ... .. | --- .. .. ..."
    assert rows[2] == "--- .. .. A37 --- .. .. ... .. | --- .. .. ..."
