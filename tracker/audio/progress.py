"""A progress bar for long renders: drawn on a terminal, silent everywhere else.

Scripts and CI logs get nothing (a bar redrawn with carriage returns is noise
in a file); a person at a terminal sees the bar, the percentage and an ETA.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

ProgressSink = Callable[[float], None]
"""Told the number of seconds of music rendered so far."""


class Progress:
    """Rendering progress against a known total of seconds of music.

    Call the object with the seconds done; `finish()` draws 100 % and ends the line.
    """

    WIDTH = 30
    INTERVAL = 0.1
    """Seconds between redraws: a fast render must not spend its time drawing."""

    def __init__(
        self,
        total: float,
        *,
        label: str = "Rendering",
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = max(total, 1e-9)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_tty(self.stream)
        self._clock = clock
        self._started = clock()
        self._last_draw = -1e9
        self._done = 0.0
        self._finished = False

    def __call__(self, done: float) -> None:
        self._done = max(self._done, min(done, self.total))
        now = self._clock()
        if now - self._last_draw >= self.INTERVAL:
            self._draw(now, final=False)

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        self._done = self.total
        self._draw(self._clock(), final=True)

    def _draw(self, now: float, *, final: bool) -> None:
        self._last_draw = now
        if not self.enabled:
            return
        fraction = self._done / self.total
        # The tail after the last line is not in the total: hold at 99 % until finished.
        percent = 100 if final else min(99, int(fraction * 100))
        filled = self.WIDTH if final else int(fraction * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        elapsed = now - self._started
        if final:
            tail = f"done in {_clock_text(elapsed)}"
        elif fraction > 0.01:
            tail = f"ETA {_clock_text(elapsed * (1 - fraction) / fraction)}"
        else:
            tail = "ETA --:--"
        end = "\n" if final else ""
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d} % {tail}  {end}")
        self.stream.flush()


def _clock_text(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
