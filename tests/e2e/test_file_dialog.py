"""Open and Save as in a real terminal (tmux), keys sent the way a fast typist's
terminal sends them: Tab completes a folder, the name typed right after it lands
after the folder, Save as adds .toml, and Open finds the first song again.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.builders import first_notes
from tests.support.command import new_song
from tests.support.tmux import Terminal, start_tracker
from tracker.song.storage import load_song


def test_save_as_into_a_completed_folder_then_open_the_draft_again(
    tmp_path: Path, terminal: Terminal
) -> None:
    draft = new_song(tmp_path / "draft.toml")
    (tmp_path / "sketches").mkdir()
    start_tracker(terminal, str(draft))
    terminal.wait_for("draft.toml")
    terminal.keys("z")  # a C-4, so there is something to save
    terminal.keys("F3")
    terminal.wait_for("Save as")
    terminal.keys("C-u")  # the offered draft.toml goes
    terminal.keys("s", "k", "Tab")  # completes to sketches/
    terminal.keys("take two", literal=True)
    terminal.keys("Enter")
    terminal.wait_for("Saved")
    saved = tmp_path / "sketches" / "take two.toml"
    assert first_notes(load_song(saved), 1) == ["C-4"]

    terminal.keys("C-o")
    screen = terminal.wait_for("Open a song")
    assert "take two.toml" in screen, "the folder of the song being edited is listed"
    terminal.keys("../d", literal=True)
    terminal.keys("Tab", "Enter")
    terminal.wait_for("Opened")
    terminal.keys("C-q")
    assert terminal.exit_code() == 0
    assert first_notes(load_song(draft), 1) == ["---"], "the draft was never saved over"
