"""Patch recall in the player: each instrument's `.syx` file goes to its port when the
song starts (before the first note) and again whenever that port appears, paced so a
small synth's input buffer is not overrun (midi/sysex.py).

A file that cannot be read or is not well-formed SysEx is said once as a notice
(file and byte offset) and nothing of it is sent; playback goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tracker.errors import TrackerError
from tracker.midi.sysex import paced, read_sysex, sending_time_ns
from tracker.player.protocol import Notice
from tracker.player.reporting import Reporting
from tracker.song.model import Song


class Recall(Reporting):
    link_fresh = False
    _recall: dict[str, list[bytes]] | None = None
    """Port key -> the SysEx messages its instruments ask for, for the song playing."""
    _recall_queue: list[tuple[int, str, bytes]] | None = None
    """(send at ns, port key, message), in time order."""

    def recall_plan(self, song: Song, song_dir: Path | None) -> dict[str, list[bytes]]:
        plan: dict[str, list[bytes]] = {}
        for number, instrument in sorted(song.instruments.items()):
            if instrument.sysex is None:
                continue
            path = Path(instrument.sysex)
            if not path.is_absolute() and song_dir is not None:
                path = song_dir / path
            try:
                messages = read_sysex(path)
            except TrackerError as error:
                self.errors.append(Notice("sysex", error.message))
                continue
            plan.setdefault(self.wiring.preview_port(number), []).extend(messages)
        return plan

    def recall_start(
        self, song: Song, song_dir: Path | None, preroll: Callable[[], int]
    ) -> int | None:
        """Queue every instrument's SysEx from now; when the song may start (after the
        sending and the preroll), or None when there is nothing to send."""
        self._recall = self.recall_plan(song, song_dir)
        self._recall_queue = []
        longest = 0
        for key, messages in self._recall.items():
            if self.ports.get(key) is not None and self.ports[key].status == "open":
                self._queue(key, messages)
                longest = max(longest, sending_time_ns(messages))
        if not longest:
            return None
        self.link_fresh = True  # still a start on the session's bar (player/link_follow.py)
        return preroll() + longest

    def _queue(self, key: str, messages: list[bytes]) -> None:
        now = self.clock.now_ns()
        queue = self._recall_queue if self._recall_queue is not None else []
        queue += [(at, key, message) for at, message in paced(messages, now)]
        queue.sort(key=lambda item: item[0])
        self._recall_queue = queue

    def housekeeping(self, now: int) -> None:
        """Between deadlines: the queued SysEx whose time has come goes out too."""
        super().housekeeping(now)
        self.recall_due(now)

    def recall_due(self, now: int) -> None:
        """Send the queued messages whose time has come."""
        queue = self._recall_queue
        while queue and queue[0][0] <= now:
            _, key, message = queue.pop(0)
            self.send_now(key, message)

    def refresh_ports(self) -> None:
        """A port that appears (first found, or back after a hot-plug) gets its SysEx again."""
        before = {key: port.status for key, port in self.ports.items()}
        super().refresh_ports()
        for key, messages in (self._recall or {}).items():
            port = self.ports.get(key)
            if port is not None and port.status == "open" and before.get(key) != "open":
                self._queue(key, messages)
