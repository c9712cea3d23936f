"""The transport, seen from the UI: the player process started, commands in,
playhead and status out.

Playback runs in its own process (tracker/player/process.py, whose loop is
tracker/player/transport.py): a thread in the UI process cannot keep time
(DESIGN.md section 4). `PlayerHandle` starts it, sends it commands over one pipe
and reads what it reports from another (protocol/). The process side never
imports this module.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

from tracker.errors import MidiPortError, PlayerGone, TrackerError
from tracker.files import open_log
from tracker.paths import cache_dir
from tracker.player.protocol import (
    Command,
    Message,
    PlayerConfig,
    PlayerFailed,
    Quit,
    Ready,
    Stop,
)

M = TypeVar("M")
"""A kind of message from the player (wait_for)."""


def player_log_path() -> Path | None:
    """Where the player process's own output goes: C libraries' chatter and, should
    it ever crash, its traceback. None without a home folder (tracker/paths.py)."""
    cache = cache_dir()
    return None if cache is None else cache / "player.log"


def _player_log(fresh: bool) -> int:
    """The log, opened for appending (the UI adds its own lines); `fresh`: emptied first,
    at the first start (a restart keeps the story of the process that stopped)."""
    path = player_log_path()
    if path is None:
        return subprocess.DEVNULL
    try:
        return open_log(path, fresh=fresh)
    except OSError:
        return subprocess.DEVNULL


class PlayerHandle:
    """The UI's side of the player process.

    The process is `python -m tracker.player.process` with two pipes (commands in,
    messages out), not multiprocessing: spawning through multiprocessing re-imports
    the caller's main module, which for `python -m tracker` would start the app again.
    """

    def __init__(self, config: PlayerConfig | None = None) -> None:
        self.config = config or PlayerConfig()
        self._commands: Connection | None = None
        self._messages: Connection | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._backlog: list[Message] = []
        self._gone = False
        """The process stopped: its message pipe reached its end."""
        self._started = False
        self.ready: Ready | None = None

    def start(self, timeout: float = 15.0) -> Ready:
        """Start the process and wait until its ports are open."""
        self._gone = False
        command_read, command_write = os.pipe()
        message_read, message_write = os.pipe()
        log = _player_log(fresh=not self._started)
        self._started = True
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tracker.player.process", str(command_read), str(message_write)],
            pass_fds=(command_read, message_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            # The MIDI and audio libraries print to fd 2 (libjack retries loudly when no
            # server runs); in the terminal UI that would land on top of the screen.
            stderr=log,
        )
        if log >= 0:
            os.close(log)
        os.close(command_read)
        os.close(message_write)
        self._commands = Connection(command_write, readable=False)
        self._messages = Connection(message_read, writable=False)
        self._commands.send(self.config)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self._drain(0.05)
            for i, message in enumerate(got):
                if isinstance(message, Ready):
                    self.ready = message
                    self._backlog += got[i + 1 :]  # what followed Ready stays for poll
                    return message
                if isinstance(message, PlayerFailed):
                    self.close()
                    raise MidiPortError(message.message)
                self._backlog.append(message)
            if self._process.poll() is not None:
                break
        self.close()
        raise TrackerError("the player process did not start")

    def send(self, command: Command) -> None:
        """Raises PlayerGone when the process has stopped (the UI restarts it)."""
        if self._commands is None:
            raise PlayerGone("the player is not running")
        try:
            self._commands.send(command)
        except OSError as error:
            self._gone = True
            raise PlayerGone(f"the player process {self.how_it_ended()}") from error

    def _drain(self, wait: float = 0.0) -> list[Message]:
        got: list[Message] = []
        if self._messages is None or self._gone:
            return got
        try:
            if self._messages.poll(wait):
                got.append(self._messages.recv())
                while self._messages.poll():
                    got.append(self._messages.recv())
        except (EOFError, OSError):
            # Its end of the pipe closed: the process is gone. Said once, after
            # whatever it managed to say first (its own PlayerFailed, if any).
            self._gone = True
            if not any(isinstance(message, PlayerFailed) for message in got):
                got.append(PlayerFailed(f"the player process {self.how_it_ended()}"))
        return got

    def how_it_ended(self, wait: float = 1.0) -> str:
        """ "was killed (SIGKILL)", "exited with code 1": for the status line and the log."""
        code = None
        if self._process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self._process.wait(wait)
        if code is None:
            return "stopped answering"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"was killed ({signal.Signals(-code).name})"
            return f"was killed (signal {-code})"
        return f"exited with code {code}"

    def restart(self) -> Ready:
        """A new process in place of one that stopped, with the same configuration."""
        self.close(timeout=0.5)
        return self.start()

    def poll(self) -> list[Message]:
        """Everything the player reported since the last poll (never blocks)."""
        got, self._backlog = self._backlog + self._drain(), []
        return got

    def wait_for(self, kind: type[M], timeout: float = 5.0) -> M:
        """Wait for a message of one kind; others stay for `poll`."""
        deadline = time.monotonic() + timeout
        while True:
            for i, message in enumerate(self._backlog):
                if isinstance(message, kind):
                    del self._backlog[i]
                    return message
            if time.monotonic() >= deadline:
                raise TrackerError(f"the player did not answer ({kind.__name__})")
            self._backlog += self._drain(0.02)

    def stop(self) -> None:
        """Stop playback: every sounding note gets its note-off."""
        self.send(Stop())

    def close(self, timeout: float = 3.0) -> None:
        """Quit the process (it silences its ports first) and wait for it."""
        if self._process is None:
            return
        if self._commands is not None:
            with contextlib.suppress(OSError, ValueError):
                self._commands.send(Quit())
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            try:
                self._process.wait(1.0)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        for conn in (self._commands, self._messages):
            if conn is not None:
                conn.close()
        self._commands = self._messages = None
        self._process = None

    def __enter__(self) -> PlayerHandle:
        if self._process is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
