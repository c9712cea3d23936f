"""`python -m tracker.player.audio_process CMD_FD MSG_FD`: the live mix in a process
of its own (DESIGN.md section 9), started by audio_link.AudioLink in the player.

The player's timing loop only writes each soundfont event, with its deadline, to a
pipe; here they are rendered by the bounce's block renderer a little behind the
wall clock (tracker.audio.livemix) and fanned out: to the HTTP Ogg/Opus stream
(tracker.listen), to the capture file, and as levels back to the player. Python per
block runs here, never in the process that keeps MIDI time.

Replies are tuples: ("ready", url), ("failed", why), ("stats", AudioStats),
("levels", master byte, {track: byte}) while playing (tracker.audio.levels),
("done", capture seconds or why it failed).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tracker.audio.capture import Capture
from tracker.audio.levels import to_byte
from tracker.audio.livemix import CAPTURE_LAG_MS, LAG_MS, LiveMix, Sink
from tracker.engine.events import Event, Kind
from tracker.errors import TrackerError
from tracker.listen.broadcast import Broadcast
from tracker.listen.feed import StreamFeed
from tracker.listen.opus import FRAME_MS
from tracker.listen.server import ListenServer, NowPlaying
from tracker.player.audio_out import AudioOut, AudioStats

log = logging.getLogger(__name__)

TURN_S = 0.005
"""The loop renders at least this often."""
RESAMPLER_FRAMES = 24
"""How far past an Opus frame's end the mix must reach for the frame to be encoded:
the resampler to 48 kHz holds back about 16 frames at 44.1 kHz (measured)."""
STATS_EVERY_S = 0.1
LEVELS_EVERY_S = 1 / 15
"""The track meters' levels go to the player this often while playing."""


class AudioProcess:
    def __init__(self, out: AudioOut, soundfont: Path, origin_ns: int) -> None:
        self.out = out
        self.state = "stopped"
        self.said: list[str] = []
        """For the player's status line: a capture written, or why not."""
        self.capture = Capture(out.record, out.rate, out.bits) if out.record else None
        self.broadcast: Broadcast | None = None
        self.server: ListenServer | None = None
        sinks: list[Sink] = []
        lag = CAPTURE_LAG_MS if self.capture is not None else LAG_MS
        # FluidSynth loads the soundfont in C, without the GIL, while FFmpeg is imported
        # and the server opens here: the first audio comes that much sooner. Per-track
        # outputs for the meters, except under a capture from the start: its file holds
        # the bounce's samples bit for bit, which only one output gives.
        with ThreadPoolExecutor(1, thread_name_prefix="soundfont") as loading:
            mix = loading.submit(
                LiveMix, soundfont, origin_ns, sinks, None, self.capture, lag,
                self.capture is None,
            )  # fmt: skip
            if out.listen is not None:
                self.broadcast = Broadcast()
                feed = StreamFeed(out.rate, self.broadcast, title=out.title)
                sinks.append(lambda frame, block: feed.push(block))
                self.server = ListenServer(
                    out.listen, self.broadcast, self.now_playing, token=out.token
                )
        self.mix = mix.result()
        if self.server is not None:
            self.server.start()

    @property
    def url(self) -> str:
        return self.server.url if self.server is not None else ""

    def now_playing(self) -> NowPlaying:
        return NowPlaying(self.out.title, self.state)

    def handle(self, message: tuple[Any, ...]) -> bool:
        """Act on one message from the player; False at "quit"."""
        mix = self.mix
        match message:
            case ("play", due, kind, track, channel, a, b, instrument):
                mix.play(due, Event(0.0, 0.0, 0, Kind(kind), track, channel, a, b, instrument))
            case ("start", wall):
                mix.start(wall)
                self.state = "playing"
            case ("release", at, now, keep, stop):
                mix.release(mix.frame_of(now if at is None else at), keep)
                if stop:
                    self.state = "stopped"
            case ("silence", track, now):
                mix.silence_track(mix.frame_of(now), track)
            case ("panic", now):
                mix.panic(mix.frame_of(now))
                self.state = "stopped"
            case ("patches", patches):
                mix.set_patches(patches)
            case ("capture", path):
                self.switch_capture(path)
            case ("quit",):
                return False
        return True

    def switch_capture(self, path: Path | None) -> None:
        """The editor's capture key: a new file from the audio now, or this one finished
        (cut where it stands: no tail is waited for)."""
        capture = self.capture
        if path is None and capture is not None:
            self.capture = self.mix.capture = None
            try:
                capture.finish()
            except TrackerError as error:
                self.said.append(error.message)
                return
            self.said.append(f"recorded {capture.target} ({capture.seconds:.1f} s)")
        elif path is not None and capture is None:
            try:
                capture = Capture(path, self.out.rate, self.out.bits)
            except TrackerError as error:
                self.said.append(error.message)
                return
            capture.begin(self.mix.pos)
            self.capture = self.mix.capture = capture
            self.said.append(f"recording audio to {path}")

    def next_turn_ns(self) -> int:
        """When the next whole Opus frame (10 ms) of the mix can be rendered: waking
        then, not on a fixed beat, sends each frame out the moment it exists."""
        mix = self.mix
        step = mix.rate * FRAME_MS // 1000
        frame = (mix.pos - RESAMPLER_FRAMES) // step * step + step + RESAMPLER_FRAMES
        return mix.origin_ns + -(-(frame + mix.lag) * 1_000_000_000 // mix.rate)

    def stats(self) -> AudioStats:
        counts = self.mix.counts
        listening = self.broadcast.counts() if self.broadcast is not None else None
        return AudioStats(
            peak=self.mix.take_peak(),
            clipped=counts.clipped,
            dropouts=counts.dropouts,
            late_events=counts.late_events,
            listeners=listening.listeners if listening else 0,
            dropped_pages=listening.dropped if listening else 0,
            recorded_s=self.capture.seconds if self.capture is not None else None,
            cpu_s=time.process_time(),
            rendered_s=counts.frames / self.mix.rate,
        )

    def levels(self) -> tuple[str, int, dict[int, int]]:
        """The meters' reply: the mix's level and each track's told apart, as bytes."""
        master, tracks = self.mix.take_levels()
        return ("levels", to_byte(master), {t: to_byte(peak) for t, peak in tracks.items()})

    def finish(self) -> str | float:
        """The capture's tail, rendered at once, and the file put in place."""
        counts = self.mix.counts
        log.info(
            "rendered %.1f s: %d dropouts, %d late events, %.2f s of CPU",
            counts.frames / self.mix.rate, counts.dropouts, counts.late_events,
            time.process_time(),
        )  # fmt: skip
        try:
            self.mix.drain()
            if self.capture is not None:
                self.capture.finish()
                return self.capture.seconds
        except TrackerError as error:
            return error.message
        finally:
            if self.server is not None:
                self.server.close()
            self.mix.close()
        return 0.0


REALTIME_PRIORITY = 40
"""SCHED_FIFO below the player's timing loop (50, process.py): the mix keeps up on a
busy machine, and MIDI deadlines still come first."""


def _realtime() -> bool:
    """SCHED_FIFO for this thread and every thread it starts later (they inherit it: the
    server's and each listener's, which take the GIL too), when the system allows."""
    try:
        top = os.sched_get_priority_max(os.SCHED_FIFO)
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(min(REALTIME_PRIORITY, top)))
    except (AttributeError, OSError):
        return False
    return True


def run(commands: Connection, replies: Connection) -> int:
    out, soundfont, origin_ns = commands.recv()
    if not _realtime():
        log.info("normal priority: SCHED_FIFO was refused")
    try:
        process = AudioProcess(out, soundfont, origin_ns)
    except TrackerError as error:
        replies.send(("failed", error.message))
        return 1
    replies.send(("ready", process.url))
    os.set_blocking(replies.fileno(), False)  # a player that stops reading never blocks us
    next_stats = next_levels = 0.0
    running = True
    try:
        while running:
            process.mix.advance(time.perf_counter_ns())
            if process.state == "playing" and time.monotonic() >= next_levels:
                next_levels = time.monotonic() + LEVELS_EVERY_S
                with contextlib.suppress(BlockingIOError):
                    replies.send(process.levels())
            if time.monotonic() >= next_stats:
                next_stats = time.monotonic() + STATS_EVERY_S
                with contextlib.suppress(BlockingIOError):
                    replies.send(("stats", process.stats()))
                    while process.said:
                        replies.send(("said", process.said.pop(0)))
            try:
                wait = (process.next_turn_ns() - time.perf_counter_ns()) / 1e9
                while running and commands.poll(min(TURN_S, max(0.0, wait))):
                    running = process.handle(commands.recv())
                    if not commands.poll():
                        break
            except (EOFError, OSError):
                running = False  # the player is gone: finish the capture and leave
    except BaseException:
        if process.capture is not None:
            process.capture.abandon()
        raise
    done = process.finish()
    os.set_blocking(replies.fileno(), True)
    with contextlib.suppress(OSError):
        replies.send(("done", done))
    return 0


def main(argv: list[str]) -> int:
    logging.basicConfig(
        stream=sys.stderr, format="%(asctime)s audio: %(message)s", level=logging.INFO
    )
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the player sends "quit"
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    commands = Connection(int(argv[0]), writable=False)
    replies = Connection(int(argv[1]), readable=False)
    try:
        return run(commands, replies)
    except Exception:
        log.exception("the audio process stopped on an error")
        return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
