"""The player process itself: `python -m tracker.player.process CMD_FD MSG_FD`,
started by PlayerHandle. Real-time priority when allowed, commands from one pipe,
messages out through a thread so a slow reader never blocks the timing loop.
"""

from __future__ import annotations

import gc
import logging
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection

from tracker.errors import TrackerError
from tracker.player.audio_link import start_early
from tracker.player.protocol import Message, PlayerConfig, PlayerFailed, Ready

log = logging.getLogger(__name__)


def _realtime() -> bool:
    """SCHED_FIFO when the system allows it; normal priority otherwise.

    For every Python thread of the process, not only the timing loop: the outbox and
    the mailslot threads take the GIL for moments, and one preempted by an ordinary
    process while holding it kept the loop waiting past a deadline (2.8-3.4 ms,
    measured: a priority inversion)."""
    try:
        priority = min(50, os.sched_get_priority_max(os.SCHED_FIFO))
        for thread in threading.enumerate():
            if thread.native_id is not None:
                os.sched_setscheduler(thread.native_id, os.SCHED_FIFO, os.sched_param(priority))
    except (AttributeError, OSError):
        return False
    return True


class Outbox:
    """Messages to the UI leave from a thread of their own, so a UI that is slow to
    read can fill the pipe without ever blocking the timing loop."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._queue: queue.SimpleQueue[Message | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="player-outbox", daemon=True)
        self._thread.start()

    def put(self, message: Message) -> None:
        self._queue.put(message)

    def _run(self) -> None:
        while (message := self._queue.get()) is not None:
            try:
                self._conn.send(message)
            except OSError:
                return  # the UI is gone; the main loop notices on its own pipe

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(2.0)


class Mailslot:
    """Commands arrive through a thread of their own: a song is hundreds of
    kilobytes, and reading it from the pipe in the timing loop blocked it for
    0.2-0.3 ms (measured) while the UI wrote the rest. Decoding stays with the
    loop (inbox.py), which knows when it has time."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._queue: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self.closed = False
        threading.Thread(target=self._run, name="player-mailslot", daemon=True).start()

    def _run(self) -> None:
        try:
            while True:
                self._queue.put(self._conn.recv_bytes())
        except (EOFError, OSError):
            self.closed = True

    def take(self) -> list[bytes]:
        got: list[bytes] = []
        while not self._queue.empty():
            got.append(self._queue.get_nowait())
        return got


def run_player(config: PlayerConfig, commands: Connection, emit: Callable[[Message], None]) -> None:
    """The player's main loop: runs until Quit, SIGTERM or the UI vanishing."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C belongs to the UI; it sends Stop/Quit
    # A dropped SSH session or a closed terminal sends SIGHUP to the whole foreground
    # group: the parent answers it with Quit (or its pipe closes, and we silence
    # ourselves); dying here would leave every sounding note on.
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    sys.setswitchinterval(0.0005)
    from tracker.player.transport import Transport  # after the audio process started

    transport = Transport(config, emit)

    def on_term(signum: int, frame: object) -> None:
        transport.quit = True

    signal.signal(signal.SIGTERM, on_term)

    inbox = Mailslot(commands)

    def read() -> list[bytes]:
        closed = inbox.closed  # looked at first: all it received is queued by then
        got = inbox.take()
        if closed:
            transport.quit = True  # the UI is gone: silence and leave
        return got

    try:
        transport.open_ports()
        realtime = _realtime() if config.realtime else False
        gc.collect()
        gc.freeze()
        emit(
            Ready(
                realtime, transport.describe_ports(), transport.audio, transport.wiring.listen_url
            )
        )
        while not transport.quit:
            try:
                transport.step(read)
            except TrackerError as error:  # a song that does not compile: say so, play on
                transport.refuse(error.message)
    except TrackerError as error:
        emit(PlayerFailed(error.message))
        raise
    except Exception as error:  # the last line of defence: report, silence, leave
        emit(PlayerFailed(f"the player stopped on an unexpected error: {error!r}"))
        raise
    finally:
        transport.shutdown()


def main(argv: list[str]) -> int:
    """`python -m tracker.player.process COMMAND_FD MESSAGE_FD`: started by PlayerHandle.

    Exits 1 when the player ended on an error; stderr (the player log) has its traceback."""
    logging.basicConfig(
        stream=sys.stderr, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", level=logging.INFO
    )
    commands = Connection(int(argv[0]), writable=False)
    outbox = Outbox(Connection(int(argv[1]), readable=False))
    try:
        config = commands.recv()
        start_early(config)
        run_player(config, commands, outbox.put)
    except Exception:
        log.exception("the player stopped on an error")
        return 1
    finally:
        outbox.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
