"""Nothing lost: the editor killed outright (`kill -9`: no handler runs, as in a power
cut or the kernel's OOM killer) after an autosave, then started again on the same song.

The autosave writes `.NAME.toml.autosave` beside the song every few seconds while
there are edits, never the song itself. On the next start the editor offers it:
recover (the edits come back, unsaved until Ctrl+S), discard (the recovery file is
removed, the song stays as it was), or decide later (Escape: both stay, and the
offer comes again at the next start).
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

from tests.e2e.test_signals import first_notes, new_song, start_tracker
from tests.e2e.tmux import Terminal
from tracker.errors import SongFormatError
from tracker.song.storage import load_song, recovery_path

OFFER = "An autosave of"
AUTOSAVE_WAIT_S = 15.0
"""Three autosave periods (tracker.ui.app.AUTOSAVE_SECONDS is 5): room for a slow machine."""


def wait_for_autosave(song: Path, notes: list[str]) -> None:
    """Until the recovery file holds `notes` at the top of the first column."""
    deadline = time.monotonic() + AUTOSAVE_WAIT_S
    recovery = recovery_path(song)
    while time.monotonic() < deadline:
        try:
            if recovery.exists() and first_notes(load_song(recovery), len(notes)) == notes:
                return
        except SongFormatError:
            pass  # never half-written (it is replaced atomically), but be patient anyway
        time.sleep(0.1)
    raise AssertionError(f"no autosave with {notes} within {AUTOSAVE_WAIT_S} s")


def edit_autosave_and_kill(workdir: Path, song: Path) -> bytes:
    """Type C D E F, wait for the autosave to hold them, type G, kill -9 at once.
    The song's bytes before, which nothing may change."""
    before = song.read_bytes()
    terminal = Terminal(workdir)
    try:
        pid = start_tracker(terminal, str(song))
        terminal.wait_for(song.name)
        terminal.type_slowly("zxcv")  # C-4 D-4 E-4 F-4
        wait_for_autosave(song, ["C-4", "D-4", "E-4", "F-4"])
        assert song.read_bytes() == before, "the autosave wrote over the song"
        terminal.type_slowly("b")  # G-4, after the autosave: the kill comes before the next
        terminal.wait_for("G-4")
        os.kill(pid, signal.SIGKILL)
        # No handler runs, so the editor's screen stays and the shell prints over it:
        # find the exit status in the mess rather than at a line start.
        screen = terminal.wait_for("__EXIT__")
        status = re.search(r"__EXIT__(\d+)", screen)
        assert status is not None and int(status[1]) == 128 + signal.SIGKILL, screen
    finally:
        terminal.close()
    assert song.read_bytes() == before
    return before


def test_after_kill_9_recovering_brings_back_every_autosaved_edit(tmp_path: Path) -> None:
    song = new_song(tmp_path / "crash.toml")
    before = edit_autosave_and_kill(tmp_path, song)

    again = Terminal(tmp_path)
    try:
        start_tracker(again, str(song))
        again.wait_for(OFFER)
        again.keys("r")
        screen = again.wait_for("Recovered the autosave")
        for note in ("C-4", "D-4", "E-4", "F-4"):
            assert note in screen
        assert "G-4" not in screen  # typed after the last autosave: lost, as expected
        assert song.read_bytes() == before, "recovering must not save by itself"
        again.keys("C-s")
        again.wait_for("Saved")
        assert first_notes(load_song(song), 5) == ["C-4", "D-4", "E-4", "F-4", "---"]
        assert not recovery_path(song).exists(), "a save makes the autosave obsolete"
        again.keys("C-q")  # saved: quits without asking
        assert again.exit_code() == 0
    finally:
        again.close()


def test_deciding_later_keeps_the_offer_and_discarding_keeps_the_song_as_it_was(
    tmp_path: Path,
) -> None:
    song = new_song(tmp_path / "maybe.toml")
    before = edit_autosave_and_kill(tmp_path, song)
    autosaved = recovery_path(song).read_bytes()

    later = Terminal(tmp_path)
    try:
        start_tracker(later, str(song))
        later.wait_for(OFFER)
        later.keys("Escape")  # keep the file, decide later
        screen = later.wait_for(lambda s: OFFER not in s)
        assert "C-4" not in screen  # the song as saved: empty
        later.keys("C-q")  # nothing edited: quits without asking
        assert later.exit_code() == 0
    finally:
        later.close()
    assert recovery_path(song).read_bytes() == autosaved
    assert song.read_bytes() == before

    discard = Terminal(tmp_path)
    try:
        start_tracker(discard, str(song))
        discard.wait_for(OFFER)  # offered again
        discard.keys("d")
        screen = discard.wait_for(lambda s: OFFER not in s)
        assert "C-4" not in screen
        assert not recovery_path(song).exists()
        discard.keys("C-q")
        assert discard.exit_code() == 0
    finally:
        discard.close()
    assert song.read_bytes() == before
