"""A JACK MIDI input that stamps each message with the instant of its frame, not with
the moment a Python thread got round to reading it.

A synth on JACK plays an event at its frame: the cycle's first frame plus the event's
offset in the cycle. Each message is stamped with the wall time at which JACK ran that
cycle (read first thing in the process callback, which JACK runs on its realtime
thread) plus the offset at the sample rate: where a synth would render the note. (An
`rtmidi` input instead stamps the time its reading thread woke, which on a shared
machine adds milliseconds no synth would hear.) JACK's own estimate of a frame's
time, `jack_frames_to_time` (a delay-locked loop), is not used: on the dummy driver,
whose cycles are timed by sleeps, it strayed from the cycles' real times under load
(measured beside these stamps: 2 ms off for seconds at a time, up to 30 ms while it
settled), so tests judge by the cycle's wake-up.

JACK's time on Linux is CLOCK_MONOTONIC_RAW in microseconds, the clock Ableton Link
keeps its timeline on, so a stamp is compared with a Link peer's beat directly.
libjack is reached through ctypes (python-rtmidi does not give frame times); the
process callback is Python, which is fine for a receiver standing in for a synth.

`python -m tests.support.jack_frames CLIENT OUT SECONDS` runs one in a process of its
own (a benchmark whose parent keeps a thread busy), writing `USECS HEX` lines to OUT.
"""

from __future__ import annotations

import ctypes
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

_PROCESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint32, ctypes.c_void_p)
_MIDI_TYPE = b"8 bit raw midi"
_PORT_IS_INPUT = 0x1


class _MidiEvent(ctypes.Structure):
    _fields_ = [
        ("time", ctypes.c_uint32),
        ("size", ctypes.c_size_t),
        ("buffer", ctypes.POINTER(ctypes.c_ubyte)),
    ]


def _libjack() -> Any:
    lib = ctypes.CDLL("libjack.so.0")
    ptr, u32, u64, i = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint64, ctypes.c_int
    ulong = ctypes.c_ulong
    signatures: dict[str, tuple[Any, list[Any]]] = {
        "jack_client_open": (ptr, [ctypes.c_char_p, i, ctypes.POINTER(i)]),
        "jack_port_register": (ptr, [ptr, ctypes.c_char_p, ctypes.c_char_p, ulong, ulong]),
        "jack_set_process_callback": (i, [ptr, _PROCESS, ptr]),
        "jack_activate": (i, [ptr]),
        "jack_deactivate": (i, [ptr]),
        "jack_client_close": (i, [ptr]),
        "jack_port_get_buffer": (ptr, [ptr, u32]),
        "jack_midi_get_event_count": (u32, [ptr]),
        "jack_midi_event_get": (i, [ctypes.POINTER(_MidiEvent), ptr, u32]),
        "jack_get_time": (u64, []),
        "jack_get_buffer_size": (u32, [ptr]),
        "jack_get_sample_rate": (u32, [ptr]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    return lib


class FrameReceiver:
    """`<client>:in` on the running JACK server, recording (JACK microseconds of the
    event's frame, bytes) for each message. The same reading side as `Receiver`."""

    def __init__(self, client: str) -> None:
        self.client = client
        self._lib = _libjack()
        self._got: list[tuple[int, bytes]] = []
        self._lock = threading.Lock()
        status = ctypes.c_int()
        self._client = self._lib.jack_client_open(client.encode(), 0, ctypes.byref(status))
        if not self._client:
            raise RuntimeError(f"JACK client {client!r} did not open (status {status.value:#x})")
        self._port = self._lib.jack_port_register(
            self._client, b"in", _MIDI_TYPE, _PORT_IS_INPUT, 0
        )
        self._event = _MidiEvent()
        self._callback = _PROCESS(self._process)  # kept: JACK calls it until close()
        self._lib.jack_set_process_callback(self._client, self._callback, None)
        self.period_frames = int(self._lib.jack_get_buffer_size(self._client))
        self.rate = int(self._lib.jack_get_sample_rate(self._client))
        self._lib.jack_activate(self._client)

    @property
    def name(self) -> str:
        return f"{self.client}:in"

    @property
    def period_us(self) -> float:
        return self.period_frames * 1e6 / self.rate

    def now_us(self) -> int:
        """JACK's clock now (CLOCK_MONOTONIC_RAW microseconds on Linux)."""
        return int(self._lib.jack_get_time())

    def _process(self, frames: int, _arg: Any) -> int:
        lib, event = self._lib, self._event
        woke = lib.jack_get_time()
        buffer = lib.jack_port_get_buffer(self._port, frames)
        count = lib.jack_midi_get_event_count(buffer)
        if count:
            got = []
            for index in range(count):
                if lib.jack_midi_event_get(ctypes.byref(event), buffer, index) == 0:
                    at = woke + event.time * 1_000_000 // self.rate
                    got.append((int(at), bytes(event.buffer[: event.size])))
            with self._lock:
                self._got += got
        return 0

    def snapshot(self) -> list[tuple[int, bytes]]:
        """(microseconds, bytes): the cycle's wake-up plus the event's offset in it."""
        with self._lock:
            return list(self._got)

    def data(self) -> list[bytes]:
        return [m for _, m in self.snapshot()]

    def wait_for(self, done: Callable[[list[bytes]], bool], timeout: float = 5.0) -> list[bytes]:
        """Wait until `done(received bytes)`; returns what arrived either way."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not done(self.data()):
            time.sleep(0.01)
        return self.data()

    def close(self) -> None:
        if self._client:
            self._lib.jack_deactivate(self._client)
            self._lib.jack_client_close(self._client)
            self._client = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def receive(client: str, out_path: str, seconds: float) -> None:
    """A receiver process: `ready`, then `USECS HEX` lines to `out_path` at SIGTERM or
    after `seconds`."""
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: done.set())
    receiver = FrameReceiver(client)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    done.wait(seconds)
    receiver.close()
    Path(out_path).write_text("\n".join(f"{t} {m.hex()}" for t, m in receiver.snapshot()))


if __name__ == "__main__":
    receive(sys.argv[1], sys.argv[2], float(sys.argv[3]))
