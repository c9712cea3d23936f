"""Drive the real `tracker` program in a real terminal, the way an SSH user would.

Each Terminal gets its own tmux server (its own socket), so tests never touch
a developer's tmux sessions or each other's. The server and the program in its pane
inherit the test's environment (os.environ: a temporary home, no TRACKER_* variable
from outside; see tests/support/isolation.py) plus TERM and what `start` is given.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.support.command import TRACKER


class Terminal:
    def __init__(
        self, workdir: Path, *, width: int = 80, height: int = 24, term: str = "xterm-256color"
    ) -> None:
        self.socket = f"tracker-test-{uuid.uuid4().hex[:8]}"
        self.workdir = workdir
        self.width = width
        self.height = height
        self.term = term
        self.started = False

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=20,
        )

    def start(self, command: Sequence[str], env: dict[str, str] | None = None) -> None:
        environment = {**os.environ, "TERM": self.term, **(env or {})}
        shell_command = " ".join(shlex.quote(part) for part in command)
        # Keep the pane after the program exits so its exit status and last screen can be read.
        subprocess.run(
            [
                "tmux",
                "-L",
                self.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                str(self.width),
                "-y",
                str(self.height),
                "-c",
                str(self.workdir),
                f"{shell_command}; echo __EXIT__$?; sleep 30",
            ],
            env=environment,
            check=True,
            timeout=20,
        )
        self.started = True

    def keys(self, *keys: str, literal: bool = False) -> None:
        """tmux key names ("C-s", "Enter", "Down") or, with literal=True, text typed as is."""
        if literal:
            for key in keys:
                self._tmux("send-keys", "-l", key)
        else:
            self._tmux("send-keys", *keys)

    def type_slowly(self, text: str, delay: float = 0.05) -> None:
        """Key by key, `delay` apart: a burst of keys arrives as one read, which a
        terminal program may take for a paste, not typing."""
        for ch in text:
            self._tmux("send-keys", "-l", ch)
            time.sleep(delay)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p").stdout

    def wait_for(self, predicate: Callable[[str], bool] | str, timeout: float = 15.0) -> str:
        check = (lambda s: predicate in s) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {predicate!r}; the screen shows:\n{screen}")

    def exit_code(self, timeout: float = 15.0) -> int:
        screen = self.wait_for("__EXIT__", timeout)
        return int(screen.split("__EXIT__")[1].split()[0])

    def close(self) -> None:
        if self.started:
            self._tmux("kill-server", check=False)


def start_tracker(terminal: Terminal, *args: str, env: dict[str, str] | None = None) -> int:
    """Start `tracker ARGS` in the terminal through a shell that writes its pid and then
    execs, so the pid is the tracker's own; returns it."""
    pid_file = terminal.workdir / f"pid-{uuid.uuid4().hex[:6]}"
    terminal.start(["sh", "-c", f'echo $$ > {pid_file}; exec "$@"', "sh", *TRACKER, *args], env)
    deadline = time.monotonic() + 10
    while not pid_file.exists() or not pid_file.read_text().strip():
        assert time.monotonic() < deadline, "the tracker did not start"
        time.sleep(0.05)
    return int(pid_file.read_text())
