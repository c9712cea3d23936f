"""The player's side of its audio process (audio_process.py): the live synth's
interface (tracker.audio.live.LiveOutput), each call one small message down a pipe.

What the timing loop pays per soundfont event is one pickle of a tuple of ints and
one write() of well under PIPE_BUF bytes to a non-blocking pipe: atomic, and never a
wait. Should the audio process stop reading, the pipe fills and messages are
dropped and counted, as a stalled listener's pages are: the player keeps time.

When a sound device is there too, the audio goes to it as before: a LiveSynth
beside the process (`device`) gets the same calls.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import time
from collections.abc import Collection, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.engine.events import Event
from tracker.errors import AudioError, TrackerError
from tracker.player.audio_out import AudioOut, AudioStats

if TYPE_CHECKING:
    from tracker.audio.live import LiveSynth
    from tracker.audio.patches import Patch
    from tracker.player.protocol import PlayerConfig

PIPE_BUF = 4096
"""Writes up to this size to a pipe are atomic: whole, or refused."""
START_TIMEOUT_S = 15.0
FINISH_TIMEOUT_S = 60.0
"""Quitting waits this long for the capture's tail and the file to be written."""


class AudioLink:
    def __init__(self, out: AudioOut, soundfont: Path) -> None:
        self.out = out
        self.patches: dict[int, Patch] = {}
        self.device: LiveSynth | None = None
        self.stream_only: frozenset[int] = frozenset()
        """Instruments whose hardware sounds in the room (`--listen-fallback`): their
        soundfont stand-in plays in the audio process only, never on `device`."""
        self.dropped = 0
        """Messages the audio process had no room for."""
        self.stats: AudioStats | None = None
        self.url = ""
        self.finished: str | float | None = None
        """What the process said at the end: seconds captured, or why the capture failed."""
        self._closed = False
        self._said: list[str] = []
        self._levels: tuple[int, dict[int, int]] | None = None
        command_read, self._command_fd = os.pipe()
        reply_read, reply_write = os.pipe()
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tracker.player.audio_process",
                str(command_read),
                str(reply_write),
            ],
            pass_fds=(command_read, reply_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            # stderr: the player's own, its log (FluidSynth's warnings, a traceback).
        )
        os.close(command_read)
        os.close(reply_write)
        self._replies = Connection(reply_read, writable=False)
        self._write((out, soundfont, time.perf_counter_ns()), wait=True)
        os.set_blocking(self._command_fd, False)

    def start(self) -> str:
        """Wait until the process serves (or says why it cannot): AudioError then."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            reply = self._reply(0.05)
            if reply is None:
                if self._process.poll() is not None:
                    break
                continue
            if reply[0] == "ready":
                self.url = reply[1]
                return self.url
            if reply[0] == "failed":
                self.close()
                raise AudioError(reply[1])
        self.close()
        raise AudioError("the audio process did not start (see the player log)")

    # -- the pipe -----------------------------------------------------------------

    def _write(self, message: tuple[Any, ...], *, wait: bool = False) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        framed = struct.pack("!i", len(data)) + data  # multiprocessing.Connection's framing
        if len(framed) > PIPE_BUF or wait:
            self._write_all(framed)
            return
        try:
            os.write(self._command_fd, framed)
        except BlockingIOError:
            self.dropped += 1
        except OSError:
            self.dropped += 1  # the process is gone; the status says so

    def _write_all(self, framed: bytes) -> None:
        """A large message (a song's patches, a release's kept notes): never in the
        timing loop's hot path, so it may wait for room."""
        with contextlib.suppress(OSError):
            blocking = os.get_blocking(self._command_fd)
            os.set_blocking(self._command_fd, True)
            try:
                os.write(self._command_fd, framed)
            finally:
                os.set_blocking(self._command_fd, blocking)

    def _reply(self, wait: float = 0.0) -> tuple[Any, ...] | None:
        try:
            if self._replies.poll(wait):
                reply: tuple[Any, ...] = self._replies.recv()
                return reply
        except (EOFError, OSError):
            pass
        return None

    def capture(self, path: Path | None) -> None:
        """Start writing the mix to `path`, or finish the file (None)."""
        self._write(("capture", path), wait=True)

    def said(self) -> list[str]:
        """What the process had to say since (a capture written, or why not)."""
        told, self._said = self._said, []
        return told

    def _read_replies(self) -> None:
        while (reply := self._reply()) is not None:
            if reply[0] == "stats":
                self.stats = reply[1]
            elif reply[0] == "said":
                self._said.append(reply[1])
            elif reply[0] == "levels":
                self._levels = (reply[1], reply[2])

    def take_levels(self) -> tuple[int, dict[int, int]] | None:
        """The meters' latest levels from the process, once each (None: none came
        since): the mix's level byte and the tracks' it told apart (tracker.audio.levels)."""
        self._read_replies()
        levels, self._levels = self._levels, None
        return levels

    def news(self) -> str | None:
        """The latest report, for the status line (read once a second by the wiring)."""
        self._read_replies()
        if self.stats is None:
            return None
        return f"{self.url}  {self.stats.summary()}" if self.url else self.stats.summary()

    # -- the live synth's interface ------------------------------------------------

    def set_patches(self, patches: Mapping[int, Patch]) -> list[str]:
        problems = self.device.set_patches(patches) if self.device is not None else []
        self.patches = dict(patches)
        self._write(("patches", self.patches))
        return problems

    def resync_if_drifted(self, now_ns: int) -> bool:
        if self.device is not None:
            return self.device.resync_if_drifted(now_ns)
        return False

    def started(self, wall_ns: int) -> None:
        self._write(("start", wall_ns))
        if self.device is not None:
            self.device.started(wall_ns)

    def play(self, wall_ns: int, event: Event) -> None:
        self._write(
            (
                "play",
                wall_ns,
                int(event.kind),
                event.track,
                event.channel,
                event.a,
                event.b,
                event.instrument,
            )
        )
        if self.device is not None and event.instrument not in self.stream_only:
            self.device.play(wall_ns, event)

    def release(
        self, wall_ns: int | None = None, keep: Collection[tuple[int, int, int]] = ()
    ) -> None:
        now = time.perf_counter_ns()
        self._write(("release", wall_ns, now, tuple(keep), wall_ns is None and not keep))
        if self.device is not None:
            self.device.release(wall_ns, keep)

    def silence_track(self, track: int) -> None:
        self._write(("silence", track, time.perf_counter_ns()))
        if self.device is not None:
            self.device.silence_track(track)

    def panic(self) -> None:
        self._write(("panic", time.perf_counter_ns()))
        if self.device is not None:
            self.device.panic()

    def close(self) -> None:
        """Quit the process: it renders the capture's tail and puts the file in place."""
        if self._closed:
            return
        self._closed = True
        if self.device is not None:
            self.device.close()
            self.device = None
        if self._process.poll() is None:
            self._write(("quit",), wait=True)
        with contextlib.suppress(OSError):
            os.close(self._command_fd)
        deadline = time.monotonic() + FINISH_TIMEOUT_S
        while self._process.poll() is None and time.monotonic() < deadline:
            reply = self._reply(0.1)
            if reply is not None and reply[0] == "done":
                self.finished = reply[1]
        if self._process.poll() is None:
            self._process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(2.0)
        while (reply := self._reply()) is not None:
            if reply[0] == "done":
                self.finished = reply[1]
        self._replies.close()


_early: list[AudioLink] = []
"""The audio process `start_early` started, until the wiring takes it (link_for)."""


def start_early(config: PlayerConfig) -> None:
    """The player process's first act, before its own imports: the audio process's
    start-up (FFmpeg, FluidSynth and the soundfont, the HTTP server) runs beside the
    player's, so the stream's first audio comes that much sooner."""
    link = link_for(config)
    if link is not None:
        _early.append(link)


def link_for(config: PlayerConfig) -> AudioLink | None:
    """The audio process for `config`, when it has a stream to serve or a capture to
    write and a synth to make them with: the one started early, else a new one. None
    without a soundfont (the wiring says so)."""
    if _early:
        return _early.pop()
    out, synth = config.audio_out, config.live_synth
    if out is None or synth is None:
        return None
    from tracker.audio.soundfonts import find_soundfont

    try:
        font = synth.soundfont or find_soundfont(None, None)
    except TrackerError:
        return None
    return AudioLink(out, font)
