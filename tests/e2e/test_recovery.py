"""Nothing lost: the editor killed outright (`kill -9`: no handler runs, as in a power
cut or the kernel's OOM killer) after an autosave, then started again on the same song;
two editors on one song; a song changed on disk while the musician types.

The autosave writes `.NAME.toml.autosave` beside the song every few seconds while
there are edits, never the song itself (a second editor on the same song writes a
file of its own). On the next start the editor offers it whenever it holds edits the
song lacks: recover (Ctrl+R: the edits come back, unsaved until Ctrl+S), discard
(Ctrl+D: the recovery file is removed, the song stays as it was), or decide later
(Enter or Escape: both stay, and the offer comes again at the next start). Keys
pressed in a dialog's first half second answer nothing, and no answer that can lose
work is a plain letter: the piano keys typed on as a dialog appears lose nothing.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

from tests.support.builders import first_notes
from tests.support.command import TRACKER, new_song
from tests.support.tmux import Terminal, start_tracker
from tracker.errors import SongFormatError
from tracker.song.lock import lock_path
from tracker.song.recovery import recovery_path
from tracker.song.storage import load_song

OFFER = "An autosave of"
GRACE_S = 0.6
"""A little over the dialogs' half second in which keys are not answers."""
AUTOSAVE_WAIT_S = 15.0
"""Three autosave periods (tracker.ui.app.AUTOSAVE_SECONDS is 5): room for a slow machine."""


def personal_autosaves(song: Path) -> list[Path]:
    """The recovery files of editors other than the one holding the song's lock."""
    return sorted(song.parent.glob(f".{song.name}.*.autosave"))


def wait_for_autosave(song: Path, notes: list[str], *, personal: bool = False) -> Path:
    """Until the recovery file (with `personal`, any of the song's) holds `notes` at the
    top of the first column; returns it."""
    deadline = time.monotonic() + AUTOSAVE_WAIT_S
    while time.monotonic() < deadline:
        files = [recovery_path(song)] + (personal_autosaves(song) if personal else [])
        try:
            for recovery in files:
                if recovery.exists() and first_notes(load_song(recovery), len(notes)) == notes:
                    return recovery
        except SongFormatError:
            pass  # never half-written (it is replaced atomically), but be patient anyway
        time.sleep(0.1)
    raise AssertionError(f"no autosave with {notes} within {AUTOSAVE_WAIT_S} s")


def start_at_the_offer(terminal: Terminal, song: Path) -> None:
    """Open the song in the editor and wait for the autosave's offer, and for its grace
    (the dialog shows no sign when it ends): the next key answers it."""
    start_tracker(terminal, str(song))
    terminal.wait_for(OFFER)
    time.sleep(GRACE_S)


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
        start_at_the_offer(again, song)
        again.keys("r")  # a plain letter: not an answer
        time.sleep(0.3)  # a key that answers nothing shows nothing: give it time to act
        assert OFFER in again.screen()
        again.keys("C-r")
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
        start_at_the_offer(later, song)
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
        start_at_the_offer(discard, song)  # offered again
        discard.keys("d")  # a plain letter (and a piano key) is not an answer
        time.sleep(0.3)  # a key that answers nothing shows nothing: give it time to act
        assert OFFER in discard.screen()
        discard.keys("C-d")
        screen = discard.wait_for(lambda s: OFFER not in s)
        assert "C-4" not in screen
        assert not recovery_path(song).exists()
        discard.keys("C-q")
        assert discard.exit_code() == 0
    finally:
        discard.close()
    assert song.read_bytes() == before


def rewrite_on_disk(song: Path) -> None:
    """Another program replaces the song: an empty one with 32 lines instead of 16."""
    subprocess.run(
        [*TRACKER, "new", str(song), "--tracks", "2", "--lines", "32", "--force"],
        check=True,
        capture_output=True,
    )


def two_notes_autosaved(terminal: Terminal, song: Path) -> None:
    """Open the song, type C-4 and D-4, and wait until the autosave holds them."""
    start_tracker(terminal, str(song))
    terminal.wait_for(song.name)
    terminal.type_slowly("zx")
    terminal.wait_for("D-4")
    wait_for_autosave(song, ["C-4", "D-4"])


def no_offer_at_start(workdir: Path, song: Path) -> None:
    """Start the editor on the song: it shows the song and offers no recovery file."""
    terminal = Terminal(workdir)
    try:
        start_tracker(terminal, str(song))
        terminal.wait_for(song.name)
        time.sleep(1.0)  # the offer would come with the first screen
        assert OFFER not in terminal.screen()
        terminal.keys("C-q")
        assert terminal.exit_code() == 0
    finally:
        terminal.close()


def test_piano_letters_typed_as_the_changed_on_disk_dialog_appears_lose_nothing(
    tmp_path: Path,
) -> None:
    song = new_song(tmp_path / "typing.toml")
    terminal = Terminal(tmp_path)
    try:
        start_tracker(terminal, str(song))
        terminal.wait_for(song.name)
        terminal.type_slowly("zxcv")  # C-4 D-4 E-4 F-4: unsaved
        terminal.wait_for("F-4")
        rewrite_on_disk(song)
        # The musician plays on, `r` and `d` among the keys, while the editor notices the
        # change (it looks every 2 s) and asks: the letters must not answer.
        end = time.monotonic() + 3.0
        while time.monotonic() < end and "changed on disk" not in terminal.screen():
            terminal.type_slowly("rd", delay=0.02)
        terminal.wait_for("changed on disk")
        terminal.type_slowly("rdrd")
        time.sleep(GRACE_S)  # the dialog shows no sign when its grace ends: wait it out
        terminal.type_slowly("rdsr")  # long after it appeared: still not answers
        screen = terminal.wait_for("changed on disk")
        assert "Ctrl+R" in screen
        terminal.keys("Enter")  # the safe answer: keep my edits
        terminal.wait_for(lambda s: "changed on disk" not in s)
        terminal.keys("C-s")
        terminal.wait_for("Saved")
        assert first_notes(load_song(song), 4) == ["C-4", "D-4", "E-4", "F-4"]
        terminal.keys("C-q")
        assert terminal.exit_code() == 0
    finally:
        terminal.close()


def test_two_editors_on_one_song_keep_each_others_recovery_files(tmp_path: Path) -> None:
    song = new_song(tmp_path / "shared.toml")
    first, second = Terminal(tmp_path), Terminal(tmp_path)
    try:
        start_tracker(first, str(song))
        first.wait_for(song.name)
        start_tracker(second, str(song))
        second.wait_for("Another editor")  # the second one is warned

        first.type_slowly("zx")  # C-4 D-4 in the first editor
        first.wait_for("D-4")
        wait_for_autosave(song, ["C-4", "D-4"])
        second.type_slowly("bn")  # G-4 A-4 in the second
        second.wait_for("A-4")
        theirs = wait_for_autosave(song, ["G-4", "A-4"], personal=True)

        first.keys("C-s")  # the first saves: its own autosave goes, never the other's
        first.wait_for("Saved")
        assert theirs.exists(), "the first editor's save removed the second's autosave"
        assert first_notes(load_song(theirs), 2) == ["G-4", "A-4"]
        assert not recovery_path(song).exists()
        assert lock_path(song).exists()

        # The second has unsaved edits, so it asks rather than reloading over them.
        second.wait_for("changed on disk")
        time.sleep(GRACE_S)  # the dialog shows no sign when its grace ends: wait it out
        second.keys("Escape")
        second.wait_for(lambda s: "changed on disk" not in s)
        assert first_notes(load_song(theirs), 2) == ["G-4", "A-4"]
        second.keys("C-q")
        second.wait_for("unsaved changes")
        time.sleep(GRACE_S)  # the dialog shows no sign when its grace ends: wait it out
        second.keys("C-d")  # the second discards its edits: its own file goes with them
        assert second.exit_code() == 0
        assert not theirs.exists()
        assert lock_path(song).exists(), "the lock is the first editor's"

        first.keys("C-q")  # saved: quits without asking
        assert first.exit_code() == 0
        assert not lock_path(song).exists()
    finally:
        first.close()
        second.close()
    assert first_notes(load_song(song), 3) == ["C-4", "D-4", "---"]


def test_an_autosave_older_than_the_song_is_offered_and_kept_until_decided(
    tmp_path: Path,
) -> None:
    song = new_song(tmp_path / "touched.toml")
    edit_autosave_and_kill(tmp_path, song)
    os.utime(song)  # `touch`: the song is now newer than its autosave
    autosaved = recovery_path(song).read_bytes()

    terminal = Terminal(tmp_path)
    try:
        start_at_the_offer(terminal, song)
        terminal.keys("Escape")  # decide later
        terminal.wait_for(lambda s: OFFER not in s)
        terminal.type_slowly("m")  # B-4: an edit, autosaved somewhere else
        terminal.wait_for("B-4")
        wait_for_autosave(song, ["B-4"], personal=True)
        assert recovery_path(song).read_bytes() == autosaved, "overwritten before deciding"
        terminal.keys("C-q")
        terminal.wait_for("unsaved changes")
        time.sleep(GRACE_S)  # the dialog shows no sign when its grace ends: wait it out
        terminal.keys("C-d")
        assert terminal.exit_code() == 0
    finally:
        terminal.close()
    assert recovery_path(song).read_bytes() == autosaved
    assert personal_autosaves(song) == []


def test_save_as_leaves_no_autosave_behind_to_offer_later(tmp_path: Path) -> None:
    song = new_song(tmp_path / "draft.toml")
    copy = tmp_path / "final.toml"
    terminal = Terminal(tmp_path)
    try:
        two_notes_autosaved(terminal, song)
        terminal.keys("F3")
        terminal.wait_for("Save as")
        terminal.keys("End", "C-u")
        terminal.keys(str(copy), literal=True)
        terminal.keys("Enter")
        terminal.wait_for("Saved")
        terminal.keys("C-q")
        assert terminal.exit_code() == 0
    finally:
        terminal.close()
    assert first_notes(load_song(copy), 2) == ["C-4", "D-4"]
    assert not recovery_path(song).exists(), "its edits are saved, in final.toml"
    no_offer_at_start(tmp_path, song)


def test_quit_and_discard_then_a_restart_offers_nothing(tmp_path: Path) -> None:
    song = new_song(tmp_path / "discarded.toml")
    before = song.read_bytes()
    terminal = Terminal(tmp_path)
    try:
        two_notes_autosaved(terminal, song)
        terminal.keys("C-q")
        terminal.wait_for("unsaved changes")
        time.sleep(GRACE_S)  # the dialog shows no sign when its grace ends: wait it out
        terminal.keys("C-d")
        assert terminal.exit_code() == 0
    finally:
        terminal.close()
    assert song.read_bytes() == before
    assert not recovery_path(song).exists(), "discarded edits are not offered again"
    no_offer_at_start(tmp_path, song)
