"""A musician at a terminal: open a new song, play a melody on the letter keys,
save, quit; the file and its MIDI export hold exactly those notes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import mido

from tests.support.tmux import Terminal
from tracker.song.model import NOTE_OFF
from tracker.song.notation import format_note
from tracker.song.storage import load_song
from tracker.ui.screens.confirm import GRACE_SECONDS

TRACKER = [sys.executable, "-m", "tracker"]


def test_a_melody_typed_on_the_piano_keys_is_saved_and_exported(
    terminal: Terminal, tmp_path: Path
) -> None:
    song_path = tmp_path / "tune.toml"
    subprocess.run([*TRACKER, "new", str(song_path), "--tracks", "2", "--lines", "16"], check=True)

    terminal.start([*TRACKER, str(song_path)])
    terminal.wait_for("tune.toml")
    # z x c v b = C D E F G in the base octave (4); ` is a note-off; q is C one octave up.
    terminal.type_slowly("zxcvb`q")
    terminal.wait_for(lambda screen: "C-5" in screen)
    terminal.keys("C-s")
    terminal.wait_for(lambda screen: "saved" in screen.lower())
    terminal.keys("C-q")
    assert terminal.exit_code() == 0

    song = load_song(song_path)
    column = song.patterns[song.order[0]].tracks[0].columns[0]
    typed = [format_note(cell.note) for cell in column[:7]]
    assert typed == ["C-4", "D-4", "E-4", "F-4", "G-4", "OFF", "C-5"]
    assert all(cell.note is None for cell in column[7:])
    assert column[5].note == NOTE_OFF
    assert all(cell.instrument == 1 for cell in column[:5])

    midi_path = tmp_path / "tune.mid"
    subprocess.run([*TRACKER, "export-midi", str(song_path), "-o", str(midi_path)], check=True)
    played = [
        message.note
        for track in mido.MidiFile(midi_path).tracks
        for message in track
        if message.type == "note_on" and message.velocity > 0
    ]
    assert played == [60, 62, 64, 65, 67, 72]


def test_ctrl_q_with_unsaved_edits_asks_first_and_keeps_the_file(
    terminal: Terminal, tmp_path: Path
) -> None:
    song_path = tmp_path / "keep.toml"
    subprocess.run([*TRACKER, "new", str(song_path)], check=True)
    before = song_path.read_bytes()
    terminal.start([*TRACKER, str(song_path)])
    terminal.wait_for("keep.toml")
    terminal.type_slowly("z")
    terminal.wait_for("C-4")
    terminal.keys("C-q")
    terminal.wait_for("the song has unsaved changes")
    assert song_path.read_bytes() == before
    time.sleep(GRACE_SECONDS + 0.1)  # keys in a dialog's first half second answer nothing
    terminal.keys("d")  # a plain letter answers nothing: the edits are not thrown away
    time.sleep(0.3)  # a key that answers nothing shows nothing: give it time to act
    assert "the song has unsaved changes" in terminal.screen()
    terminal.keys("C-d")  # discard them: the program quits and the file stays as it was
    assert terminal.exit_code() == 0
    assert song_path.read_bytes() == before
