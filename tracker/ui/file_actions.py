"""The song's file from the keyboard: save, save as, open, quit, recovery, reload.

A part of TrackerApp kept apart so app.py stays about layout and wiring. Every
file error lands on the status line; unsaved edits are always asked about.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from textual.app import App

from tracker.errors import TrackerError
from tracker.song.storage import discard_recovery, read_recovery
from tracker.ui.dialogs import ConfirmDialog, FormDialog
from tracker.ui.files import SongFile
from tracker.ui.session import Session


class FileActions(App[int]):
    session: Session
    file: SongFile

    def say(self, text: str) -> None:
        raise NotImplementedError

    def _after_history(self) -> None:
        raise NotImplementedError

    # Files

    def action_save(self) -> None:
        if self.session.path is None:
            self.action_save_as()
            return
        self._save(None)

    def _save(self, path: Path | None) -> bool:
        try:
            saved = self.file.save(path)
        except TrackerError as error:
            self.say(error.message)
            return False
        self.say(f"Saved {saved}")
        return True

    def action_save_as(self, then: Callable[[], None] | None = None) -> None:
        current = str(self.session.path or "song.toml")

        def done(path: Path | None) -> None:
            if path is not None and self._save(path) and then is not None:
                then()

        self.push_screen(FormDialog("Save as", [("path", "File", current)], _path), done)

    def action_open(self) -> None:
        def open_it(path: Path | None) -> None:
            if path is None:
                return
            try:
                self.file.open(path)
            except TrackerError as error:
                self.say(error.message)
                return
            self.session.message = f"Opened {path}"
            self._after_history()
            self.offer_recovery()

        def ask() -> None:
            self.push_screen(FormDialog("Open", [("path", "File", "")], _path), open_it)

        self._unless_unsaved("Open another song", ask)

    def _unless_unsaved(self, what: str, then: Callable[[], None]) -> None:
        """Run `then`, first asking what to do with unsaved edits."""
        if not self.session.dirty:
            then()
            return

        def answer(key: str | None) -> None:
            if key == "s":
                if self.session.path is None:
                    self.action_save_as(then)
                elif self._save(None):
                    then()
            elif key == "d":
                then()

        question = f"{what}: the song has unsaved changes."
        answers = {"s": "Save first", "d": "Discard them", "escape": "Cancel"}
        self.push_screen(ConfirmDialog(question, answers), answer)

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
        self.exit(128 + signal_number)

    def autosave(self) -> None:
        try:
            self.file.autosave()
        except TrackerError as error:
            self.say(f"Autosave failed: {error.message}")

    def offer_recovery(self) -> None:
        path = self.session.path
        if path is None:
            return
        try:
            recovered = read_recovery(path)
        except TrackerError as error:
            self.say(f"The autosave cannot be read: {error.message}")
            return
        if recovered is None:
            return

        def answer(key: str | None) -> None:
            if key == "r":
                self.session.replace_song(recovered, path, recovered=True)
                self.session.message = "Recovered the autosave: save to keep it"
                self._after_history()
            elif key == "d":
                discard_recovery(path)

        question = f"An autosave of {path.name} is newer than the file (the tracker stopped unexpectedly?)."
        answers = {"r": "Recover it", "d": "Discard it", "escape": "Keep the file, decide later"}
        self.push_screen(ConfirmDialog(question, answers), answer)

    def check_disk(self) -> None:
        if not self.file.changed_on_disk():
            return
        if not self.session.dirty:
            self._reload("Reloaded: the file changed on disk")
            return

        def answer(key: str | None) -> None:
            if key == "r":
                self._reload("Reloaded from disk")

        question = "The song file changed on disk, and you have unsaved edits."
        answers = {"r": "Reload (lose my edits)", "escape": "Keep my edits"}
        self.push_screen(ConfirmDialog(question, answers), answer)

    def _reload(self, message: str) -> None:
        try:
            self.file.reload()
        except TrackerError as error:
            self.say(f"Could not reload: {error.message}")
            return
        self.session.message = message
        self._after_history()


def _path(values: dict[str, str]) -> Path:
    text = values["path"].strip()
    if not text:
        raise TrackerError("type a file name, e.g. songs/mysong.toml")
    return Path(text).expanduser()
