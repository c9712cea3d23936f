"""The song's file from the keyboard: save, save as, open, quit, recovery, reload.

A part of TrackerApp kept apart so app.py stays about layout and wiring. Every
file error lands on the status line; unsaved edits are always asked about.

Saves and the timer's autosaves are made in a process of their own, forked here between
two keys (files/apart.py: the fork is the snapshot), and written on a worker thread, so a
big song never holds up the keys; what follows a save waits for it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from textual.app import App

from tracker.errors import TrackerError
from tracker.song.recovery import Recovery
from tracker.text import visible
from tracker.ui.files.song_file import Job, SongFile, Written
from tracker.ui.files.switching import keys_first
from tracker.ui.screens.confirm import Answer, ConfirmDialog
from tracker.ui.screens.file_dialog import FileDialog
from tracker.ui.session import Session

SAVE_FIRST = Answer("save", "Save first", "ctrl+s")
DISCARD_EDITS = Answer("discard", "Discard the edits", "ctrl+d")
DISCARD_AUTOSAVE = Answer("discard", "Discard it (delete the autosave)", "ctrl+d")


T = TypeVar("T")


class FileActions(App[int]):
    session: Session
    file: SongFile
    clock: Callable[[], float] = time.monotonic
    """For the dialogs' first half second (tests pass a fake clock)."""
    saving = False
    """A save is being written: another waits, and the file's change on disk is ours."""
    autosaving = False
    """An autosave is under way: its bytes being made apart, or its file written."""
    leave_anyway = False
    """After a hang-up, end the process if the orderly exit is stuck: set by run_app for
    the real program only (an app under test shares its process with the test run)."""

    def say(self, text: str) -> None:
        raise NotImplementedError

    def _after_history(self) -> None:
        raise NotImplementedError

    def _confirm(
        self,
        question: str,
        answers: list[Answer],
        safe: str,
        answer: Callable[[str | None], None],
    ) -> None:
        self.push_screen(ConfirmDialog(question, answers, safe, clock=self.clock), answer)

    # Files

    def start_file(self) -> None:
        """At start: lock the song, warn of another editor on it, offer recovery files."""
        notice = self.file.claim()
        if notice:
            self.say(notice)
        self.offer_recovery()

    def close_file(self) -> None:
        """Leaving: let go of the song's lock."""
        self.file.release()

    def action_save(self) -> None:
        self._save_then(None)

    def _save_then(self, then: Callable[[], None] | None) -> None:
        """Save to the song's own file (asking for a name when it has none, or when its
        path now leads somewhere else), then run `then`."""
        if self.session.path is None:
            self.action_save_as(then)
            return
        moved = self.file.moved()
        if moved is None:
            self._save(None, then)
            return

        def answer(choice: str | None) -> None:
            if choice == "save":
                self._save(None, then)

        name = self.session.path.name
        question = (
            f"{name} now leads to {moved}, not to {self.file.resolved} where it was "
            "opened (it became a link to somewhere else)."
        )
        self._confirm(
            question,
            [Answer("save", f"Save to {moved.name} anyway", "ctrl+s")],
            "Cancel (F3 saves under another name)",
            answer,
        )

    def _save(self, path: Path | None, then: Callable[[], None] | None = None) -> None:
        """Save on a worker; `then` runs once the song is on disk (not when it failed)."""
        if self.saving:
            self.say("Still saving the song: try again in a moment")
            return
        job = self.file.save_job(path, apart=True)
        self.saving = True
        self.say("Saving...")
        self._on_worker(
            "save",
            lambda: self.file.write_save(job),
            lambda outcome: self._saved(job, outcome, then),
        )

    def _on_worker(
        self, group: str, write: Callable[[], T], done: Callable[[T | TrackerError], None]
    ) -> None:
        """Run `write` on a worker thread (keys first while it runs), then `done` with its
        result, or the TrackerError it raised, back on the UI thread."""

        def work() -> None:
            outcome: T | TrackerError
            try:
                with keys_first():
                    outcome = write()
            except TrackerError as error:
                outcome = error
            with contextlib.suppress(RuntimeError):  # the app ended meanwhile (a hang-up)
                self.call_from_thread(done, outcome)

        self.run_worker(work, thread=True, group=group, description=group)

    def _saved(
        self, job: Job, outcome: Written | TrackerError, then: Callable[[], None] | None
    ) -> None:
        self.saving = False
        if isinstance(outcome, TrackerError):
            self.say(visible(outcome.message))
            return
        saved, problem = self.file.saved(job, outcome)
        self.say(visible(f"Saved {saved}" + (f" ({problem})" if problem else "")))
        if then is not None:
            then()

    def action_save_as(self, then: Callable[[], None] | None = None) -> None:
        path = self.session.path

        def done(chosen: Path | None) -> None:
            if chosen is not None:
                self._save(chosen, then)

        self.push_screen(FileDialog("save", self._folder(), path.name if path else ""), done)

    def _folder(self) -> Path:
        """Where Open and Save as start: the song's folder, or the working folder."""
        return self.session.path.parent if self.session.path else Path.cwd()

    def action_open(self) -> None:
        def open_it(path: Path | None) -> None:
            if path is None:
                return
            try:
                self.file.open(path)
            except TrackerError as error:
                self.say(visible(error.message))
                return
            self.session.message = visible(f"Opened {path}")
            self._after_history()
            self.start_file()

        def ask() -> None:
            self.push_screen(FileDialog("open", self._folder()), open_it)

        self._unless_unsaved("Open another song", ask)

    def _unless_unsaved(self, what: str, then: Callable[[], None]) -> None:
        """Run `then`, first asking what to do with unsaved edits."""
        if not self.session.dirty:
            then()
            return

        def answer(choice: str | None) -> None:
            if choice == "save":
                self._save_then(then)
            elif choice == "discard":
                problem = self.file.drop_edits()
                if problem:
                    self.say(visible(problem))
                then()

        question = f"{what}: the song has unsaved changes."
        self._confirm(question, [SAVE_FIRST, DISCARD_EDITS], "Cancel (keep editing)", answer)

    def action_quit_tracker(self) -> None:
        self._unless_unsaved("Quit", lambda: self.exit(0))

    def hang_up(self, signal_number: int) -> None:
        """SIGHUP (the SSH connection dropped), SIGTERM or SIGINT: keep the edits in the
        recovery file, then leave with 128 + the signal's number, the shell's convention
        (129, 143, 130), so a script can tell a hang-up from a quit (0). The player's
        close, in run_app, sends the note-offs."""
        # Edits since the last autosave go to the recovery file (SongFile.autosave: only
        # when the song differs from its file). Nobody is left to tell of a failure;
        # the song file itself is untouched either way.
        with contextlib.suppress(TrackerError):
            self.file.autosave()
        if self.leave_anyway:
            _leave_anyway_after(HANG_UP_GRACE_SECONDS, 128 + signal_number)
        self.exit(128 + signal_number)

    def autosave(self) -> None:
        """Autosave here and now (tests, and anything that must not wait)."""
        try:
            self.file.autosave()
        except TrackerError as error:
            self.say(visible(f"Autosave failed: {error.message}"))

    def autosave_in_background(self) -> None:
        """The timer's autosave: the song's bytes made apart from the song as it stands
        (a fork, here, between two keys), then written on a worker thread."""
        if self.autosaving or self.saving or not self.file.autosave_due():
            return  # the next tick will do
        try:
            job = self.file.autosave_job(apart=True)
        except TrackerError as error:
            self.say(visible(f"Autosave failed: {error.message}"))
            return
        if job is None:
            return
        self.autosaving = True
        self._on_worker(
            "autosave",
            lambda: self.file.write_autosave(job),
            lambda outcome: self._autosaved(job, outcome),
        )

    def _autosaved(self, job: Job, outcome: bool | TrackerError) -> None:
        self.autosaving = False
        if isinstance(outcome, TrackerError):
            self.say(visible(f"Autosave failed: {outcome.message}"))
            return
        self.file.autosaved(job, outcome)

    def offer_recovery(self) -> None:
        """Offer each recovery file left by an editor that is gone and holding edits the
        song file lacks, one dialog after another."""
        for recovery_file in self.file.pending_recoveries():
            try:
                found = self.file.worth_offering(recovery_file)
            except TrackerError as error:
                self.file.deferred.add(recovery_file)
                self.say(visible(f"The autosave cannot be read: {error.message}"))
                continue
            if found is not None:
                self._offer(found)
                return

    def _offer(self, found: Recovery) -> None:
        path = self.session.path
        assert path is not None

        def answer(choice: str | None) -> None:
            if choice == "recover":
                self.file.recover(found)
                self.session.message = "Recovered the autosave: save to keep it"
                self._after_history()
                return  # the session now holds its edits: other files wait for the next start
            if choice == "discard":
                try:
                    self.file.discard(found.path)
                except TrackerError as error:
                    self.say(visible(error.message))
                    self.file.deferred.add(found.path)
            else:
                self.file.deferred.add(found.path)
            self.offer_recovery()

        written = time.strftime("%Y-%m-%d %H:%M", time.localtime(_mtime_s(found.path)))
        question = (
            f"An autosave of {path.name} holds edits the song file does not have "
            f"(the tracker stopped before they were saved?).\n"
            f"{found.path.name}, written {written}."
        )
        self._confirm(
            question,
            [Answer("recover", "Recover it (save to keep it)", "ctrl+r"), DISCARD_AUTOSAVE],
            "Decide later (both files stay)",
            answer,
        )

    def check_disk(self) -> None:
        if self.saving:
            return  # the change on disk is this save's own, told once it is done
        if isinstance(self.screen, ConfirmDialog):
            return  # one question at a time; the change is still there when it is answered
        if not self.file.changed_on_disk():
            return
        if not self.session.dirty:
            self._reload("Reloaded: the file changed on disk (Ctrl+Z goes back)")
            return

        def answer(choice: str | None) -> None:
            if choice == "reload":
                self._reload("Reloaded from disk")

        question = "The song file changed on disk, and you have unsaved edits."
        reload = Answer(
            "reload",
            "Reload it (your edits stay in a recovery file; Ctrl+Z brings them back)",
            "ctrl+r",
        )
        self._confirm(question, [reload], "Keep my edits", answer)

    def _reload(self, message: str) -> None:
        try:
            kept = self.file.reload()
        except TrackerError as error:
            self.say(visible(f"Could not reload: {error.message}"))
            return
        if kept is not None:
            message += f"; your edits are kept in {kept.name} (Ctrl+Z brings them back)"
        self.session.message = visible(message)
        self._after_history()


def _mtime_s(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


HANG_UP_GRACE_SECONDS = 10.0
"""How long a hung-up editor may take to give the terminal back before it just leaves."""


def _leave_anyway_after(seconds: float, code: int) -> None:
    """End the process with `code` if the orderly exit has not ended it in `seconds`.

    After a hang-up the terminal may be gone mid-write: Textual's shutdown was seen
    waiting forever on its output thread, leaving an editor alive for hours that held
    its song's lock. The edits are in the recovery file by now, and the player
    silences itself when its parent goes, so leaving without the rest loses nothing.
    """
    timer = threading.Timer(seconds, os._exit, args=(code,))
    timer.daemon = True
    timer.start()
