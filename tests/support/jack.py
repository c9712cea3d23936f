"""A real JACK server for MIDI tests and benchmarks (DESIGN.md section 5): `jackd -d
dummy` runs without a sound card, and python-rtmidi's JACK API opens real ports on it.

Each run starts its own server under a unique name, so runs by other people on the
same machine never meet; JACK_DEFAULT_SERVER points python-rtmidi and the jack_*
tools at it while it runs. `Receiver` is a receiving port standing in for a synth.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Self

import rtmidi


def _jack_servers_running() -> bool:
    for comm in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError):
            if comm.read_text().strip() in ("jackd", "jackdbus"):
                return True
    return False


def reclaim_jack_registry() -> None:
    """JACK keeps 8 server slots in /dev/shm/jack-shm-registry and reclaims a dead
    server's slot only for a server of the same name: every killed `jackd -n
    <unique name>` leaks one, and the ninth start fails with "Too many servers
    already active". With no JACK server running the registry holds nothing alive,
    so it can go (JACK makes a new one)."""
    registry = Path("/dev/shm/jack-shm-registry")
    if registry.exists() and not _jack_servers_running():
        with contextlib.suppress(OSError):
            registry.unlink()


def _end_with_parent() -> None:
    """In the child before exec: the kernel ends this jackd when the run that started it
    dies (a timeout's kill, a crash), so no orphan keeps one of JACK's 8 server slots."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when its parent ends."""


def _dead_server_names() -> list[str]:
    """Servers the registry still lists whose `jackd` is gone (slots JACK leaked)."""
    import re

    registry = Path("/dev/shm/jack-shm-registry")
    with contextlib.suppress(OSError):
        listed = re.findall(rb"jack-\d+:([\w.-]+):", registry.read_bytes())
        running = set()
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            with contextlib.suppress(OSError):
                args = cmdline.read_bytes().split(b"\0")
                if args and args[0].endswith(b"jackd") and b"-n" in args:
                    running.add(args[args.index(b"-n") + 1])
        return [n.decode() for n in listed if n not in running]
    return []


def _start_jackd(name: str, period: int = 64) -> tuple[subprocess.Popen[bytes], str]:
    """Start `jackd` and wait until it answers; (the server, "") or, when it died
    at start, (the server, what it said)."""
    server = subprocess.Popen(
        ["jackd", "-n", name, "-d", "dummy", "-r", "48000", "-p", str(period)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_end_with_parent,
    )
    deadline = time.monotonic() + 15
    while True:
        probe = subprocess.run(["jack_lsp"], capture_output=True, text=True, timeout=10)
        if probe.returncode == 0 and "system:" in probe.stdout:
            return server, ""
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            err = server.stderr.read().decode(errors="replace") if server.stderr else ""
            return server, err or "no answer"
        time.sleep(0.1)


@contextlib.contextmanager
def dummy_jack(name: str | None = None, period: int = 64) -> Iterator[str]:
    """Run `jackd -d dummy` (48 kHz, `period`-frame periods: 64 unless a test is about
    what arrives within a period) under a unique name, with JACK_DEFAULT_SERVER
    pointing at it, until the block ends (the tests' session fixture,
    bench/bench_live.py and bench/bench_soak.py)."""
    if shutil.which("jackd") is None:
        raise RuntimeError("jackd is not installed: run `make setup` (Debian package jackd2)")
    name = name or f"tracker-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    saved = {k: os.environ.get(k) for k in ("JACK_DEFAULT_SERVER", "JACK_NO_AUDIO_RESERVATION")}
    os.environ["JACK_DEFAULT_SERVER"] = name
    os.environ["JACK_NO_AUDIO_RESERVATION"] = "1"
    server, failure = _start_jackd(name, period)
    if "Too many servers" in failure:
        # Only then: a process that used JACK before keeps the registry it mapped.
        reclaim_jack_registry()
        server, failure = _start_jackd(name, period)
    for dead in _dead_server_names() if "Too many servers" in failure else []:
        # Other runs still hold servers, and killed ones leaked the other slots: a
        # server under a dead one's name takes its slot back.
        os.environ["JACK_DEFAULT_SERVER"] = name = dead
        server, failure = _start_jackd(name, period)
        if not failure:
            break
    try:
        if failure:
            raise RuntimeError(f"jackd did not start: {failure[-500:]}")
        yield name
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Receiver:
    """A JACK MIDI input of its own (`<client>:in`), polled on a thread, recording
    (arrival perf_counter_ns, bytes) for each message. Stands in for a synth."""

    def __init__(self, client: str) -> None:
        self.client = client
        self.messages: list[tuple[int, bytes]] = []
        self._lock = threading.Lock()
        self._port: Any = None
        self._running = True
        self.open()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def name(self) -> str:
        return f"{self.client}:in"

    def open(self) -> None:
        port = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, self.client)
        port.ignore_types(sysex=False, timing=False, active_sense=False)
        port.open_virtual_port("in")
        with self._lock:
            self._port = port

    def close_port(self) -> None:
        """Make the port vanish (a synth unplugged)."""
        with self._lock:
            port, self._port = self._port, None
        if port is not None:
            port.close_port()
            port.delete()

    def _run(self) -> None:
        while self._running:
            with self._lock:
                port = self._port
                got = []
                while port is not None:
                    message = port.get_message()
                    if message is None:
                        break
                    got.append((time.perf_counter_ns(), bytes(message[0])))
                self.messages += got
            time.sleep(0.0002)

    def snapshot(self) -> list[tuple[int, bytes]]:
        with self._lock:
            return list(self.messages)

    def data(self) -> list[bytes]:
        return [m for _, m in self.snapshot()]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def wait_for(self, done: Callable[[list[bytes]], bool], timeout: float = 5.0) -> list[bytes]:
        """Wait until `done(received bytes)`; returns what arrived either way."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done(self.data()):
                break
            time.sleep(0.01)
        return self.data()

    def close(self) -> None:
        self._running = False
        self._thread.join(1)
        self.close_port()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        """Closed when a `with` block ends, however it ends (fixtures: `with ... as rx: yield rx`)."""
        self.close()
